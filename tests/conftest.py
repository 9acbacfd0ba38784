"""Shared fixtures: the pipeline is built once per test session (scispaCy's cache idea)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

import tempfile

# Prefect must never touch ~/.prefect in tests: a throwaway home for the whole session,
# set before anything imports prefect.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="nelm-prefect-home-")
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture(scope="session")
def config():
    from pipeline.config import load_config

    return load_config()


@pytest.fixture(scope="session")
def nlp(config):
    from pipeline.nlp import build_nlp

    return build_nlp(config)


@pytest.fixture(scope="session")
def extract(nlp):
    """extract(text, report_type) -> Extraction (mentions + report row)."""
    from pipeline.extract import extract_record
    from pipeline.ingest import RawRecord, Validator
    from pipeline.config import load_config

    validator = Validator(load_config())

    def run(text: str, report_type: str | None = None, report_id: str = "t"):
        validator.seen.clear()
        record = validator.validate(RawRecord({"report_id": report_id, "text": text, "report_type": report_type}, "<test>"))
        return extract_record(nlp, record)

    return run


def pytest_unconfigure(config):
    """Prefect's own temporary server (started by in-process flows of this session) logs "Stopping
    temporary server" from an exit handler, after pytest has closed the streams it captured: keep
    that one line from printing a logging traceback at the end of the run."""
    import logging

    logging.raiseExceptions = False

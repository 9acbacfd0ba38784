"""Transient failures (issue 7): Prefect retries them a bounded number of times; permanent ones are
quarantined (a bad file) or stop the run at once without retry (a NelmError such as a missing archive).

The flows run in one driver subprocess (its own PREFECT_HOME, ephemeral server) with faults injected
by patching ``Path.read_bytes`` (tests run as root, so chmod cannot make a file unreadable) and
``pipeline.nlp.build_nlp`` (a worker that drops its connection once, as a lost Dask worker would).
"""
from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from session_process import run_in_session

ROOT = Path(__file__).resolve().parents[2]

CT_TEXT = "FINDINGS:\nLiver: a 21 mm hypervascular lesion in segment 7.\nIMPRESSION: Solitary liver metastasis."

DRIVER = textwrap.dedent('''
    import errno, json, pathlib, sys
    from flows.nelm_run import run_flow
    import pipeline.ingest as ingest
    import pipeline.nlp as nlp_mod

    base = pathlib.Path(sys.argv[1])
    calls = {"flaky": 0, "denied": 0, "broken": 0, "archive": 0, "build_nlp": 0}
    real_read = pathlib.Path.read_bytes

    def read_bytes(self):
        stem = self.stem
        if stem == "flaky":
            calls["flaky"] += 1
            if calls["flaky"] == 1:      # an I/O hiccup, gone on the next attempt
                raise OSError(errno.EIO, "Input/output error", str(self))
        if stem == "denied":
            calls["denied"] += 1         # permanent: quarantined, never retried
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        if stem == "broken":
            calls["broken"] += 1         # transient kind, but it never recovers
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real_read(self)

    pathlib.Path.read_bytes = read_bytes

    real_build = nlp_mod.build_nlp

    def build_nlp(config):
        calls["build_nlp"] += 1
        if calls["build_nlp"] == 1:      # the first shard attempt loses its worker connection
            raise ConnectionResetError(errno.ECONNRESET, "worker connection lost")
        return real_build(config)

    nlp_mod.build_nlp = build_nlp
    import pipeline.run as run_mod
    run_mod.warm_worker = lambda config_path=None: None  # no head start: the shard task meets the fault
    real_iter = ingest.iter_input_files

    def iter_input_files(path):
        calls["archive"] += 1
        return real_iter(path)

    ingest.iter_input_files = iter_input_files
    result = {}

    def attempt(name, folder, out):
        try:
            summary = run_flow(str(folder), str(out), None, workers=1)
            result[name] = {"ok": True, "summary": json.loads(summary.to_json())}
        except Exception as exc:
            result[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        result[name]["calls"] = dict(calls)
        for key in calls:
            calls[key] = 0 if key != "build_nlp" else calls[key]

    attempt("recovers", base / "in", base / "out")
    attempt("permanent", base / "does-not-exist", base / "out2")
    attempt("bounded", base / "in_broken", base / "out3")
    print("RESULT " + json.dumps(result))
''')


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    base = tmp_path_factory.mktemp("transient")
    for folder, names in (("in", ["flaky", "denied", "good"]), ("in_broken", ["broken", "good"])):
        (base / folder).mkdir()
        for name in names:
            (base / folder / f"{name}.txt").write_text(CT_TEXT, encoding="utf-8")
    env = dict(os.environ)
    env.pop("NELM_TEST_CRASH_AT", None)
    env.pop("PREFECT_API_URL", None)
    env.update(PREFECT_HOME=str(base / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = run_in_session([sys.executable, "-c", DRIVER, str(base)], env, ROOT)
    stdout, stderr = done.stdout, done.stderr
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, stderr[-4000:]
    return json.loads(lines[-1][len("RESULT "):]), base


def test_transient_unreadable_file_that_becomes_readable_is_retried_by_prefect(outcome):
    result, base = outcome
    run = result["recovers"]
    assert run["ok"], run
    assert run["calls"]["flaky"] == 2, "read again on the plan task's retry"
    assert run["summary"]["records"] == 3

    import pyarrow.parquet as pq

    docs = pq.read_table(base / "out" / "documents.parquet").to_pandas().set_index("report_id")
    assert docs.loc["flaky.txt", "status"] == "ok"


def test_transient_lost_worker_connection_is_retried_for_the_shard(outcome):
    result, _ = outcome
    run = result["recovers"]
    assert run["calls"]["build_nlp"] >= 2, "the shard task ran again after the lost connection"
    assert run["summary"]["ok"] == 2 and run["summary"]["extracted"] == 2


def test_permanent_unreadable_file_is_quarantined_not_retried(outcome):
    result, base = outcome
    run = result["recovers"]
    assert run["calls"]["denied"] == 2, "read once per plan attempt (the retry came from flaky.txt)"
    import pyarrow.parquet as pq

    docs = pq.read_table(base / "out" / "documents.parquet").to_pandas().set_index("report_id")
    assert docs.loc["denied.txt", "status"] == "quarantined"
    assert docs.loc["denied.txt", "error"] == "unreadable file (Permission denied)"


def test_permanent_nelm_error_is_not_retried(outcome):
    result, _ = outcome
    run = result["permanent"]
    assert not run["ok"]
    assert "ArchiveError" in run["error"] and "[A001]" in run["error"]
    assert run["calls"]["archive"] == 1, "a NelmError is permanent: no retry"


def test_transient_failure_that_never_recovers_stops_after_bounded_retries(outcome):
    result, base = outcome
    run = result["bounded"]
    assert not run["ok"]
    assert "OSError" in run["error"] or "Input/output error" in run["error"]
    assert run["calls"]["broken"] == 3, "one try + 2 retries, then the run stops (rerun resumes)"
    assert not (base / "out3" / "documents.parquet").exists()

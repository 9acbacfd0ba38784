"""The real public reports in ../shared/corpus/real run end to end with no internal-error quarantine.

They are not ours (never copied into the project); the test skips when ../shared is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.io import read_table_frame
from pipeline.run import run_local

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


@pytest.mark.parametrize("name", ["imaging.jsonl", "pathology.jsonl"])
def test_real_corpus_runs_without_internal_errors(tmp_path, name):
    archive = REAL / name
    if not archive.exists():
        pytest.skip(f"{archive} not present (../shared is not beside this checkout)")
    n_input = sum(1 for line in archive.read_text(encoding="utf-8").splitlines() if line.strip())
    run_local(archive, tmp_path)
    documents = read_table_frame(tmp_path / "documents.parquet")
    assert len(documents) == n_input
    internal = documents[documents.error.fillna("").str.contains("internal error")]
    assert internal.empty, internal[["report_id", "error"]].to_string()
    mentions = read_table_frame(tmp_path / "mentions.parquet")
    assert len(mentions) > 0
    extracted = len(read_table_frame(tmp_path / "imaging.parquet")) + len(read_table_frame(tmp_path / "pathology.parquet"))
    assert extracted == (documents.status == "ok").sum() - (documents.report_type == "OTHER").sum()

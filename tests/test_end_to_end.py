"""End to end: `nelm run` under real Prefect on the bundled sample archive; determinism; `nelm extract`."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.schema import SORT_KEYS, TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"


def table_digest(out: Path, name: str) -> str:
    """A digest of a table's rows in key order (mentions is a dataset folder)."""
    table = pq.read_table(out / f"{name}.parquet")
    table = table.sort_by([(k, "ascending") for k in SORT_KEYS[name]])
    if "run_id" in table.column_names:
        table = table.drop(["run_id"])
    return hashlib.sha256(json.dumps(table.to_pylist(), default=str, sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module")
def prefect_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run1")
    assert main(["run", str(SAMPLE), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def test_run_under_prefect_writes_all_six_tables_with_contract_types(prefect_run):
    for name, schema in TABLES.items():
        df = pd.read_parquet(prefect_run / f"{name}.parquet")
        written = pq.read_schema(prefect_run / f"{name}.parquet") if name != "mentions" else pq.read_table(prefect_run / "mentions.parquet").schema
        for field in schema:
            assert field.name in df.columns, f"{name}.{field.name} missing"
            assert written.field(field.name).type == field.type, f"{name}.{field.name}: {written.field(field.name).type} != {field.type}"
        assert len(df) > 0, name


def test_run_keeps_every_record_once_and_fills_tables(prefect_run):
    n_input = sum(1 for line in SAMPLE.read_text().splitlines() if line.strip())
    documents = pd.read_parquet(prefect_run / "documents.parquet")
    assert len(documents) == n_input
    assert documents.report_id.is_unique
    assert set(documents.status) == {"ok"}
    imaging = pd.read_parquet(prefect_run / "imaging.parquet")
    pathology = pd.read_parquet(prefect_run / "pathology.parquet")
    assert len(imaging) + len(pathology) == n_input
    patients = pd.read_parquet(prefect_run / "patients.parquet")
    eligibility = pd.read_parquet(prefect_run / "eligibility.parquet")
    assert len(eligibility) == 5 * len(patients)
    assert set(eligibility.status) <= {"eligible", "ineligible", "indeterminate"}
    indeterminate = eligibility[eligibility.status == "indeterminate"]
    assert all(len(m) > 0 or len(r) > 0 for m, r in zip(indeterminate.missing, indeterminate.reasons))
    mentions = pd.read_parquet(prefect_run / "mentions.parquet")
    assert (mentions.end_char > mentions.start_char).all()


def test_run_is_deterministic_across_runs_runners_and_workers(prefect_run, tmp_path):
    from pipeline.run import run_local

    again = tmp_path / "again"
    run_local(SAMPLE, again)
    two = tmp_path / "two_workers"
    assert main(["run", str(SAMPLE), "--out", str(two), "--workers", "2", "--quiet"]) == 0
    for name in TABLES:
        assert table_digest(prefect_run, name) == table_digest(again, name), name
        assert table_digest(prefect_run, name) == table_digest(two, name), name
    # run_id is a function of the input and configuration, not of the invocation
    ids = {tuple(pd.read_parquet(p / "documents.parquet").run_id.unique()) for p in (prefect_run, again, two)}
    assert len(ids) == 1


def test_extract_text_prints_mentions_and_summary_json(capsys):
    text = "FINDINGS: Two hypervascular liver metastases, 2.4 cm in segment 7 and 1.1 cm in segment 3."
    assert main(["extract", "--text", text, "--type", "CT"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "ok" and out["report_type"] == "CT" and out["table"] == "imaging"
    assert out["summary"]["largest_liver_lesion_mm"] == 24.0
    assert any(m["label"] == "SIZE" for m in out["mentions"])
    for m in out["mentions"]:
        assert text[m["start_char"]:m["end_char"]] == m["text"]


def test_extract_file_infers_type(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text("FINAL DIAGNOSIS: Well-differentiated neuroendocrine tumour, WHO grade 2. Ki-67 index 8%.")
    assert main(["extract", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["report_type"] == "PATHOLOGY" and out["report_type_source"] == "inferred"
    assert out["summary"]["ki67_percent"] == 8.0


def test_run_on_missing_input_fails_with_message(tmp_path, capsys):
    assert main(["run", str(tmp_path / "absent.jsonl"), "--out", str(tmp_path / "o"), "--workers", "1", "--quiet"]) != 0
    assert "does not exist" in capsys.readouterr().err


def test_run_prints_progress_lines_and_summary_when_not_a_terminal(tmp_path, capsys):
    """Without a TTY, progress is plain periodic lines on stderr (a rich bar on a terminal)."""
    assert main(["run", str(SAMPLE), "--out", str(tmp_path / "p"), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "progress: 1/1 shards" in captured.err and "reports/s" in captured.err and "eta" in captured.err
    assert "54 reports read, 54 ok, 0 quarantined" in captured.out
    assert "resection" in captured.out and "eligible" in captured.out

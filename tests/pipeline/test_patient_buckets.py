"""Finalize decides patients in buckets of consecutive ids (one Prefect task each).

However the patients are cut into buckets, and however many passes the split takes, the
patients and eligibility rows are those of one bucket holding everybody, in the same order.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"


@pytest.fixture(scope="module")
def one_bucket(tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "out"
    summary = run.run_local(SAMPLE, out)
    return out, summary


def _rows(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


@pytest.mark.parametrize("chunk, open_buckets", [(1, 128), (3, 2), (5, 1), (12, 128)])
def test_bucketed_decisions_equal_a_single_bucket(one_bucket, tmp_path, monkeypatch, chunk, open_buckets):
    single_out, single = one_bucket
    monkeypatch.setattr(run, "PATIENT_CHUNK", chunk)
    monkeypatch.setattr(run, "MIN_CHUNK", 1)
    monkeypatch.setattr(run, "MIN_BUCKETS", 1)
    monkeypatch.setattr(run, "OPEN_BUCKETS", open_buckets)
    out = tmp_path / "out"
    plan = run.plan_run(SAMPLE, out)
    results = [run.process_shard(task, plan.config_path) for task in plan.pending]
    assembly = run.assemble(plan)
    assert len(assembly.buckets) == -(-single.patients // chunk)
    assert sum(b.n_patients for b in assembly.buckets) == single.patients
    decided = [run.decide_bucket(bucket, plan.config_path) for bucket in reversed(assembly.buckets)]  # any order
    summary = run.publish(plan, assembly, decided, results)
    for name in ("patients", "eligibility"):
        assert _rows(out, name) == _rows(single_out, name), name
        assert pq.ParquetFile(out / f"{name}.parquet").metadata.num_row_groups == len(assembly.buckets)
    assert summary.eligibility == single.eligibility and summary.patients == single.patients
    assert not (out / run.WORK_DIR / "decide").exists(), "bucket files are removed once published"


def test_publish_refuses_a_missing_bucket(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "PATIENT_CHUNK", 4)
    monkeypatch.setattr(run, "MIN_CHUNK", 1)
    monkeypatch.setattr(run, "MIN_BUCKETS", 1)
    out = tmp_path / "out"
    plan = run.plan_run(SAMPLE, out)
    results = [run.process_shard(task, plan.config_path) for task in plan.pending]
    assembly = run.assemble(plan)
    decided = [run.decide_bucket(bucket, plan.config_path) for bucket in assembly.buckets[1:]]
    with pytest.raises(run.NelmError, match="N002"):
        run.publish(plan, assembly, decided, results)
    assert not (out / "patients.parquet").exists()


def test_bucket_of_routes_rows_by_patient_id_and_drops_unknown_or_missing_ids():
    ids = np.asarray(["P1", "P2", "P3", "P4", "P5"], dtype=object)
    column = pa.chunked_array([["P3", None, "P1"], ["P9", "P5", "P2", "P0", "P4"]])
    assert run._bucket_of(column, ids, 2).tolist() == [1, -1, 0, -1, 2, 0, -1, 1]
    assert run._bucket_of(pa.chunked_array([[None, None]], pa.string()), ids, 2).tolist() == [-1, -1]
    assert run._bucket_of(column, np.asarray([], dtype=object), 2).tolist() == [-1] * 8


@pytest.mark.parametrize("patients, size", [(0, 500), (13, 500), (2000, 500), (4000, 1000), (7807, 1952), (10**6, 2000)])
def test_bucket_size_depends_on_the_patient_count_only(patients, size):
    assert run.bucket_size(patients) == size


def test_a_patient_with_only_quarantined_reports_gets_no_row(tmp_path):
    lines = [json.loads(line) for line in SAMPLE.read_text().splitlines() if line.strip()]
    bad = dict(lines[0], report_id="QQ-1", patient_id="ZZ-ONLY-BAD", text="")
    archive = tmp_path / "reports.jsonl"
    archive.write_text("\n".join(json.dumps(r) for r in [*lines, bad]) + "\n")
    out = tmp_path / "out"
    summary = run.run_local(archive, out)
    assert summary.quarantined == 1
    patients = [r["patient_id"] for r in _rows(out, "patients")]
    assert "ZZ-ONLY-BAD" not in patients and patients == sorted(patients)

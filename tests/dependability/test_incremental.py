"""Incremental runs (issue 7): a rerun on the same --out does only the work its changes need and
leaves every table identical to a fresh full run on the same input in a new folder."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.run import WORK_DIR, run_local
from pipeline.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"
SMALL_SHARDS = "run:\n  shard_size: 8\n"


def read_tables(out: Path) -> dict[str, list[str]]:
    """Every table as canonical sorted rows (mentions.parquet is a dataset folder)."""
    tables = {}
    for name, schema in TABLES.items():
        table = pq.read_table(out / f"{name}.parquet")
        assert set(table.column_names) == set(schema.names), name
        table = table.select(schema.names)
        for field in schema:
            assert table.schema.field(field.name).type == field.type, (name, field.name)
        tables[name] = sorted(json.dumps(row, sort_keys=True, default=str) for row in table.to_pylist())
    return tables


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = read_tables(a), read_tables(b)
    for name in TABLES:
        assert len(ta[name]) == len(tb[name]), f"{name}: {len(ta[name])} rows vs {len(tb[name])}"
        assert ta[name] == tb[name], f"{name} differs"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def cfg(tmp_path) -> Path:
    path = tmp_path / "cfg.yaml"
    path.write_text(SMALL_SHARDS)
    return path


@pytest.fixture()
def first_run(tmp_path, cfg):
    """The sample archive run once into tmp/out; returns (archive copy, out, summary, shard results)."""
    archive = tmp_path / "in" / "reports.jsonl"
    archive.parent.mkdir()
    shutil.copyfile(SAMPLE, archive)
    out = tmp_path / "out"
    results = []
    summary = run_local(archive, out, cfg, on_shard=results.append)
    assert summary.records == 54 and summary.extracted == summary.ok
    assert len(results) > 3, "the fixture should span several shards"
    return archive, out, summary, results


def test_incremental_rerun_with_nothing_changed_does_no_extraction(first_run, cfg):
    archive, out, first, _ = first_run
    before = read_tables(out)
    results = []
    summary = run_local(archive, out, cfg, on_shard=results.append)
    assert results == [], "no shard is pending"
    assert summary.extracted == 0
    assert summary.reused_shards == len(list((out / WORK_DIR / "shards").glob("*/*")))
    assert summary.run_id == first.run_id
    assert read_tables(out) == before


def test_incremental_changed_text_re_extracts_only_that_report(first_run, cfg, tmp_path):
    archive, out, _, _ = first_run
    rows = _rows(archive)
    target = next(r for r in rows if r["report_id"] == "SA01-CT-2023-06-20")
    assert "28 x 24 mm" in target["text"]
    target["text"] = target["text"].replace("28 x 24 mm", "41 x 24 mm")
    _write(archive, rows)

    results = []
    summary = run_local(archive, out, cfg, on_shard=results.append)
    assert sum(r.n_extracted for r in results) == 1 == summary.extracted
    assert len(results) == 1, "only the shard holding the changed report is processed"
    assert results[0].n_reused == results[0].n_ok - 1

    fresh = tmp_path / "fresh"
    run_local(archive, fresh, cfg)
    assert_same_tables(out, fresh)
    imaging = pq.read_table(out / "imaging.parquet").to_pandas().set_index("report_id")
    assert imaging.loc["SA01-CT-2023-06-20", "largest_liver_lesion_mm"] != 28.0


def test_incremental_added_removed_and_relabelled_reports(first_run, cfg, tmp_path):
    archive, out, _, _ = first_run
    rows = _rows(archive)
    removed = rows.pop(10)["report_id"]
    rows[0]["patient_id"] = "SA99"                  # metadata only: no NLP work, new patient_id everywhere
    rows[1]["report_date"] = "2023-06-21"
    new = dict(rows[2], report_id="NEW-CT-1", text=rows[2]["text"] + "\nADDENDUM: no change.")
    rows.insert(20, new)
    _write(archive, rows)

    summary = run_local(archive, out, cfg)
    assert summary.extracted == 1, "only the new report is extracted"
    assert summary.records == 54

    fresh = tmp_path / "fresh"
    run_local(archive, fresh, cfg)
    assert_same_tables(out, fresh)
    docs = pq.read_table(out / "documents.parquet").to_pandas()
    assert removed not in set(docs.report_id)
    mentions = pq.read_table(out / "mentions.parquet").to_pandas()
    assert removed not in set(mentions.report_id)
    assert set(mentions[mentions.report_id == rows[0]["report_id"]].patient_id) <= {"SA99"}


def _ruleset_copy(tmp_path: Path, version: str) -> Path:
    source = ROOT / "configs" / "decision" / "eligibility.v1.yaml"
    text = source.read_text(encoding="utf-8")
    assert "rules_version: nelm-rules-1\n" in text
    path = tmp_path / "rules" / "eligibility.test.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace("rules_version: nelm-rules-1\n", f"rules_version: {version}\n"), encoding="utf-8")
    return path


def test_incremental_rules_version_change_re_decides_without_extraction(first_run, tmp_path):
    archive, out, _, _ = first_run
    rules = _ruleset_copy(tmp_path, "nelm-rules-1-test2")
    cfg2 = tmp_path / "cfg2.yaml"
    cfg2.write_text(SMALL_SHARDS + f"decision:\n  ruleset: {json.dumps(str(rules))}\n")

    results = []
    summary = run_local(archive, out, cfg2, on_shard=results.append)
    assert results == [] and summary.extracted == 0
    eligibility = pq.read_table(out / "eligibility.parquet").to_pandas()
    assert set(eligibility.rules_version) == {"nelm-rules-1-test2"}
    assert len(eligibility) == 5 * summary.patients

    fresh = tmp_path / "fresh"
    run_local(archive, fresh, cfg2)
    assert_same_tables(out, fresh)


def test_incremental_extractor_version_change_re_extracts_everything(first_run, tmp_path):
    archive, out, first, _ = first_run
    cfg2 = tmp_path / "cfg2.yaml"
    cfg2.write_text(SMALL_SHARDS + "input:\n  max_chars: 999999\n")  # part of the extractor fingerprint
    summary = run_local(archive, out, cfg2)
    assert summary.extracted == first.ok
    stores = list((out / WORK_DIR / "shards").iterdir())
    assert len(stores) == 1, "shards of the old extractor version are removed"
    fresh = tmp_path / "fresh"
    run_local(archive, fresh, cfg2)
    assert_same_tables(out, fresh)

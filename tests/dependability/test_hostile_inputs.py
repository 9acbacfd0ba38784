"""Hostile input suite (issue 7): every odd archive ends handled or quarantined, never a crash.

Each case goes end to end through ``pipeline.run.run_local`` (no Prefect, for speed) and reads the
tables back with pandas. The invariant checked everywhere: counts in == counts out: every input
record is in ``documents`` exactly once (an exact repeat is counted as a duplicate instead), a
quarantined record carries a clear one-line ``error``, and only ``ok`` reports reach the
extracted tables.
"""
from __future__ import annotations

import codecs
import csv
import json
import math
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.run import run_local
from pipeline.schema import TABLES

CT_TEXT = ("CT ABDOMEN WITH CONTRAST\nFINDINGS:\nLiver: A 21 mm hypervascular lesion in segment 7. "
           "No other hepatic lesion.\nIMPRESSION: Solitary liver metastasis.")
PATH_TEXT = ("FINAL DIAGNOSIS:\nLiver, segment 7, core biopsy: metastatic well-differentiated neuroendocrine tumour, "
             "WHO grade 2. Ki-67 index 6%.")
IMAGING_TYPES = {"CT", "MRI", "PET"}


# ----------------------------------------------------------------------------- helpers

def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _config(tmp_path: Path, text: str | None) -> Path | None:
    if text is None:
        return None
    path = tmp_path / "cfg.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, archive: Path, config_text: str | None = None):
    out = tmp_path / "out"
    summary = run_local(archive, out, _config(tmp_path, config_text))
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}
    _check_accounting(summary, tables)
    return summary, tables


def _check_accounting(summary, tables) -> None:
    """Invariants every run must keep, whatever its input."""
    docs = tables["documents"]
    assert summary.records == len(docs) == summary.ok + summary.quarantined
    assert not docs.duplicated(["report_id", "source"]).any()
    ok = docs[docs.status == "ok"]
    quarantined = docs[docs.status == "quarantined"]
    assert set(docs.status) <= {"ok", "quarantined"}
    assert ok.error.isna().all()
    for error in quarantined.error:
        assert isinstance(error, str) and error.strip(), "a quarantined record needs a reason"
        assert "\n" not in error and "\r" not in error and len(error) <= 300, "the reason is one line"
    ok_ids = set(ok.report_id)
    imaging_ids = set(ok[ok.report_type.isin(IMAGING_TYPES)].report_id)
    pathology_ids = set(ok[ok.report_type == "PATHOLOGY"].report_id)
    assert set(tables["imaging"].report_id) == imaging_ids
    assert set(tables["pathology"].report_id) == pathology_ids
    assert len(tables["imaging"]) == len(imaging_ids) and len(tables["pathology"]) == len(pathology_ids)
    assert set(tables["mentions"].report_id) <= ok_ids
    for schema_name in ("documents", "imaging", "pathology", "patients", "eligibility"):
        assert set(tables[schema_name].columns) == set(TABLES[schema_name].names)


def _doc(tables, report_id: str) -> pd.Series:
    docs = tables["documents"]
    rows = docs[docs.report_id == report_id]
    assert len(rows) == 1, f"{report_id} must be in documents exactly once"
    return rows.iloc[0]


def _mentions_fit_text(tables, texts: dict[str, str]) -> None:
    for row in tables["mentions"].itertuples():
        text = texts[row.report_id]
        assert 0 <= row.start_char < row.end_char <= len(text)
        assert text[row.start_char:row.end_char] == row.text


# ----------------------------------------------------------------------------- empty things

def test_hostile_empty_archive_file_gives_empty_complete_tables(tmp_path):
    archive = tmp_path / "empty.jsonl"
    archive.write_bytes(b"")
    summary, tables = _run(tmp_path, archive)
    assert summary.records == 0
    assert all(len(t) == 0 for t in tables.values())
    assert set(tables["mentions"].columns) == set(TABLES["mentions"].names)


def test_hostile_empty_files_in_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_bytes(b"")
    (folder / "b.jsonl").write_bytes(b"\n\n   \n")
    (folder / "c.txt").write_bytes(b"")
    (folder / "d.txt").write_text(CT_TEXT, encoding="utf-8")
    summary, tables = _run(tmp_path, folder)
    assert summary.records == 2
    assert _doc(tables, "c.txt").error == "empty text"
    assert _doc(tables, "d.txt").status == "ok"


@pytest.mark.parametrize("text,reason", [
    ("", "empty text"),
    ("   \n\t\r\n  ", "empty text"),
    ("\u00a0\u2003\u3000", "empty text"),  # unicode whitespace only
    (None, "missing text"),
])
def test_hostile_empty_or_whitespace_text_is_quarantined(tmp_path, text, reason):
    archive = _jsonl(tmp_path / "a.jsonl", [{"report_id": "e", "text": text}, {"report_id": "g", "text": CT_TEXT}])
    summary, tables = _run(tmp_path, archive)
    assert (summary.ok, summary.quarantined) == (1, 1)
    assert _doc(tables, "e").error == reason


def test_hostile_nul_bytes_are_quarantined_in_json_and_txt(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", [{"report_id": "n1", "text": "Liver: lesion\u0000 in segment 7"}])
    (folder / "n2.txt").write_bytes(b"Liver:\x00\x00 lesion in segment 7")
    summary, tables = _run(tmp_path, folder)
    assert summary.quarantined == 2
    assert "NUL" in _doc(tables, "n1").error
    assert "NUL" in _doc(tables, "n2.txt").error


def test_hostile_invalid_utf8_is_quarantined_per_record(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = json.dumps({"report_id": "ok1", "text": CT_TEXT}).encode()
    (folder / "a.jsonl").write_bytes(good + b"\n" + b'{"report_id": "bad1", "text": "caf\xe9 \xff\xfe"}\n')
    (folder / "bad2.txt").write_bytes(b"Liver lesion \xc3\x28 segment 7")
    (folder / "c.csv").write_bytes(b"report_id,text\nbad3,\"lesion \xff here\"\nok2,\"" + CT_TEXT.encode() + b"\"\n")
    summary, tables = _run(tmp_path, folder)
    assert (summary.ok, summary.quarantined) == (2, 3)
    for rid in ("bad1", "bad2.txt", "bad3"):
        assert "undecodable bytes" in _doc(tables, rid).error


def test_hostile_utf16_files_with_bom_are_decoded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "le.txt").write_bytes(codecs.BOM_UTF16_LE + CT_TEXT.encode("utf-16-le"))
    (folder / "be.txt").write_bytes(codecs.BOM_UTF16_BE + PATH_TEXT.encode("utf-16-be"))
    rows = [{"report_id": "j1", "report_type": "CT", "text": CT_TEXT + " café µ ≥"}]
    (folder / "u16.jsonl").write_bytes(("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)).encode("utf-16"))
    with (folder / "u16.csv").open("w", encoding="utf-16", newline="") as fh:
        csv.writer(fh).writerows([["report_id", "report_type", "text"], ["c1", "PATHOLOGY", PATH_TEXT]])
    summary, tables = _run(tmp_path, folder)
    assert (summary.records, summary.ok) == (4, 4)
    assert _doc(tables, "le.txt").n_chars == len(CT_TEXT)
    assert _doc(tables, "be.txt").report_type == "PATHOLOGY"
    assert _doc(tables, "j1").n_chars == len(CT_TEXT) + len(" café µ ≥")
    assert _doc(tables, "c1").n_chars == len(PATH_TEXT)


def test_hostile_crlf_and_lone_cr_keep_offsets_into_the_original_text(tmp_path):
    crlf = CT_TEXT.replace("\n", "\r\n")
    lone_cr = PATH_TEXT.replace("\n", "\r")
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", [{"report_id": "crlf", "report_type": "CT", "text": crlf},
                                {"report_id": "cr", "report_type": "PATHOLOGY", "text": lone_cr}])
    (folder / "file_crlf.txt").write_bytes(crlf.encode())
    (folder / "file_cr.txt").write_bytes(lone_cr.encode())
    summary, tables = _run(tmp_path, folder)
    assert summary.ok == 4
    texts = {"crlf": crlf, "cr": lone_cr, "file_crlf.txt": crlf, "file_cr.txt": lone_cr}
    for rid, text in texts.items():
        assert _doc(tables, rid).n_chars == len(text), "line endings are kept as written"
    _mentions_fit_text(tables, texts)
    assert len(tables["mentions"]) > 0


def test_hostile_csv_with_embedded_newlines_quotes_and_crlf_end_to_end(tmp_path):
    texts = {"q1": 'Liver: "two" lesions,\nthe largest 25 mm in segment 6.\r\nIMPRESSION: "mets", bilobar? no.',
             "q2": 'FINAL DIAGNOSIS:\r\nLiver, biopsy: NET, grade 2; Ki-67 "5%",\rcomma, "quoted"'}
    archive = tmp_path / "a.csv"
    with archive.open("w", newline="", encoding="utf-8") as fh:  # csv module writes \r\n row ends
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["report_id", "report_type", "text"])
        writer.writerow(["q1", "CT", texts["q1"]])
        writer.writerow(["q2", "PATHOLOGY", texts["q2"]])
    summary, tables = _run(tmp_path, archive)
    assert summary.ok == 2
    for rid, text in texts.items():
        assert _doc(tables, rid).n_chars == len(text)
    _mentions_fit_text(tables, texts)


# ----------------------------------------------------------------------------- size limits

def test_hostile_20mb_single_report_is_quarantined_over_the_limit(tmp_path):
    sentence = "Liver: a 12 mm lesion in segment 4a, unchanged. "
    big = (sentence * (20_000_000 // len(sentence) + 1))[:20_000_000]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").write_text(big, encoding="utf-8")
    (folder / "small.txt").write_text(CT_TEXT, encoding="utf-8")
    started = time.perf_counter()
    summary, tables = _run(tmp_path, folder, "input:\n  max_chars: 5000000\n")
    assert time.perf_counter() - started < 60
    row = _doc(tables, "huge.txt")
    assert row.status == "quarantined"
    assert row.error == "text has 20000000 characters, over the limit of 5000000"
    assert row.n_chars == 20_000_000
    assert _doc(tables, "small.txt").status == "ok"


MILLION = 1_000_100  # just over spaCy's default nlp.max_length, and over nelm's default max_chars


def _million_char_line(tmp_path: Path) -> tuple[Path, str]:
    """One JSONL line holding a report of ~1M characters and no line break (sparse findings)."""
    filler = "The examination was performed with the standard protocol and image quality is adequate. "
    finding = "Liver: a 14 mm hypervascular lesion in segment 6. "
    parts, size, i = [], 0, 0
    while size < MILLION:
        piece = finding if i % 200 == 0 else filler
        parts.append(piece)
        size += len(piece)
        i += 1
    text = "".join(parts)[:MILLION]
    archive = _jsonl(tmp_path / "long.jsonl", [{"report_id": "long", "report_type": "CT", "text": text},
                                              {"report_id": "short", "report_type": "CT", "text": CT_TEXT}])
    assert max(len(line) for line in archive.read_text().splitlines()) > MILLION
    return archive, text


def test_hostile_million_char_line_over_the_default_limit_is_quarantined(tmp_path):
    archive, _ = _million_char_line(tmp_path)
    summary, tables = _run(tmp_path, archive)  # default input.max_chars: 200,000
    assert _doc(tables, "long").error == f"text has {MILLION} characters, over the limit of 200000"
    assert _doc(tables, "short").status == "ok"


@pytest.mark.slow
def test_hostile_million_char_line_under_a_raised_limit_is_processed(tmp_path):
    archive, text = _million_char_line(tmp_path)
    started = time.perf_counter()
    summary, tables = _run(tmp_path, archive, "input:\n  max_chars: 2000000\n")
    elapsed = time.perf_counter() - started
    row = _doc(tables, "long")
    assert row.status == "ok", row.error
    assert row.n_chars == MILLION
    assert "long" in set(tables["imaging"].report_id)
    long_mentions = tables["mentions"][tables["mentions"].report_id == "long"]
    assert len(long_mentions) > 100
    _mentions_fit_text({"mentions": long_mentions}, {"long": text})
    assert elapsed < 60


PLAN_100K = """
import json, resource, sys, time
from pipeline.run import plan_run
import pyarrow.parquet as pq
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
plan = plan_run(sys.argv[1], sys.argv[2])
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rows = sum(pq.ParquetFile(t.input_path).metadata.num_rows for t in plan.pending)
print(json.dumps({"n_records": plan.n_records, "n_ok": plan.n_ok, "n_quarantined": plan.n_quarantined,
                  "n_duplicates": plan.n_duplicates, "pending": len(plan.pending), "shards": len(plan.shard_keys),
                  "task_records": sum(t.n_records for t in plan.pending), "rows": rows,
                  "grown_kib": peak - before, "seconds": elapsed}))
"""


def test_hostile_100k_reports_in_one_file_plan_counts_and_memory(tmp_path):
    """Ingest + sharding only (plan_run) in a fresh process: counts, and peak RSS growth stays modest."""
    import subprocess
    import sys

    n = 100_000
    archive = tmp_path / "many.jsonl"
    with archive.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"report_id": f"r{i:06d}", "patient_id": f"p{i % 997}", "report_type": "CT",
                                 "report_date": "2022-01-01", "text": f"Liver lesion {i % 50 + 1} mm in segment {i % 8 + 1}."}))
            fh.write("\n")
        fh.write("{broken json\n")                                                        # quarantined
        fh.write(json.dumps({"report_id": "r000007", "text": "different text, same id"}) + "\n")  # quarantined
        fh.write(json.dumps({"report_id": "r000008", "patient_id": "p8", "report_type": "CT", "report_date": "2022-01-01",
                             "text": "Liver lesion 9 mm in segment 1."}) + "\n")              # exact repeat
    size_kib = archive.stat().st_size // 1024
    done = subprocess.run([sys.executable, "-c", PLAN_100K, str(archive), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    assert stats["n_records"] == n + 2
    assert (stats["n_ok"], stats["n_quarantined"], stats["n_duplicates"]) == (n, 2, 1)
    assert stats["task_records"] == stats["rows"] == n + 2, "every record lands in exactly one shard input"
    from pipeline.config import load_config

    shard_size = load_config().run.shard_size  # shards hold shard_size/4 .. 2*shard_size records
    assert stats["pending"] == stats["shards"] >= n // (2 * shard_size)
    assert stats["grown_kib"] < max(4 * size_kib, 200 * 1024), stats
    assert stats["seconds"] < 120


# ----------------------------------------------------------------------------- columns and ids

def test_hostile_missing_required_column_quarantines_every_row(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "nocol.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["report_id", "body"], ["m1", CT_TEXT], ["m2", PATH_TEXT]])
    pq.write_table(pa.table({"report_id": ["m3"], "body": [CT_TEXT]}), folder / "nocol.parquet")
    with (folder / "noid.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text"], [CT_TEXT]])
    summary, tables = _run(tmp_path, folder)
    assert (summary.records, summary.quarantined) == (4, 4)
    for rid in ("m1", "m2"):
        assert _doc(tables, rid).error == "CSV has no column 'text'"
    assert _doc(tables, "m3").error == "Parquet file has no column 'text'"
    (noid,) = tables["documents"][tables["documents"].source.str.startswith("noid.csv")].itertuples()
    assert noid.report_id == "noid.csv:2" and "report_id" in noid.error


def test_hostile_extra_columns_are_ignored(tmp_path):
    rows = [{"report_id": "x1", "patient_id": "P1", "report_type": "CT", "text": CT_TEXT,
             "mrn": "000123", "comment": {"nested": [1, 2]}, "score": 1e308},
            {"report_id": "x2", "patient_id": "P1", "report_type": "PATHOLOGY", "text": PATH_TEXT, "unused": None}]
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", rows)
    pq.write_table(pa.table({"report_id": ["x3"], "text": [CT_TEXT], "extra_int": [7], "extra_list": [[1, 2]]}),
                   folder / "b.parquet")
    summary, tables = _run(tmp_path, folder)
    assert (summary.records, summary.ok) == (3, 3)
    assert "mrn" not in tables["documents"].columns
    assert list(tables["patients"].patient_id) == ["P1"]


def test_hostile_duplicate_report_id_same_text_deduped_different_text_quarantined(tmp_path):
    rows = [{"report_id": "d1", "report_type": "CT", "text": CT_TEXT},
            {"report_id": "d1", "report_type": "CT", "text": CT_TEXT},          # exact repeat: kept once
            {"report_id": "d2", "report_type": "CT", "text": CT_TEXT},
            {"report_id": "d2", "report_type": "CT", "text": CT_TEXT + " Addendum."}]  # conflict: quarantined
    archive = _jsonl(tmp_path / "dup.jsonl", rows)
    summary, tables = _run(tmp_path, archive)
    assert summary.duplicates == 1
    assert summary.records + summary.duplicates == len(rows)
    docs = tables["documents"]
    assert (docs.report_id == "d1").sum() == 1
    d2 = docs[docs.report_id == "d2"].set_index("source")
    assert list(d2.status) == ["ok", "quarantined"]
    assert d2.error.iloc[1] == "duplicate report_id with different text"
    assert list(tables["imaging"].report_id) == ["d1", "d2"]


@pytest.mark.parametrize("date,reason", [
    ("2999-01-01", "report_date 2999-01-01 is in the future"),
    ("9999-12-31T23:59:59", "report_date 9999-12-31 is in the future"),
    ("2021-13-45", "unparseable report_date"),
    ("31/12/2021", "unparseable report_date"),
    ("yesterday", "unparseable report_date"),
    ("0000-00-00", "unparseable report_date"),
])
def test_hostile_future_or_malformed_dates_are_quarantined(tmp_path, date, reason):
    archive = _jsonl(tmp_path / "d.jsonl", [{"report_id": "bad", "report_type": "CT", "report_date": date, "text": CT_TEXT},
                                            {"report_id": "ok", "report_type": "CT", "report_date": "2021-06-01T08:30:00", "text": CT_TEXT}])
    summary, tables = _run(tmp_path, archive)
    assert reason in _doc(tables, "bad").error
    ok = _doc(tables, "ok")
    assert ok.status == "ok" and str(ok.report_date) == "2021-06-01"


# ----------------------------------------------------------------------------- values

@pytest.mark.parametrize("size", ["1e308 cm", "999999 mm", "1e400 mm", "0 mm", "-5 mm", "NaN cm", "inf mm",
                                  "1,000,000,000,000,000,000,000 cm", "0.0000000001 mm"])
def test_hostile_absurd_sizes_never_give_infinite_or_negative_values(tmp_path, size):
    text = f"FINDINGS:\nLiver: a {size} hypervascular lesion in segment 7, and a {size} node. SUVmax {size.split()[0]}."
    archive = _jsonl(tmp_path / "s.jsonl", [{"report_id": "s", "report_type": "PET", "text": text}])
    summary, tables = _run(tmp_path, archive)
    assert summary.ok == 1
    imaging = tables["imaging"].iloc[0]
    for column in ("largest_liver_lesion_mm", "suv_max", "liver_involvement_percent"):
        value = imaging[column]
        assert pd.isna(value) or (math.isfinite(value) and value >= 0), (column, value)
    count = imaging["liver_lesion_count"]
    assert pd.isna(count) or count >= 0
    values = tables["mentions"].value_num.dropna()
    assert all(math.isfinite(v) for v in values), list(values)
    _mentions_fit_text(tables, {"s": text})


@pytest.mark.parametrize("ki67", ["150%", "101 %", "1e308%", "999999%"])
def test_hostile_ki67_over_100_is_null_with_a_flagged_mention(tmp_path, ki67):
    text = f"FINAL DIAGNOSIS:\nLiver, core biopsy: well-differentiated neuroendocrine tumour. Ki-67 index: {ki67}."
    archive = _jsonl(tmp_path / "k.jsonl", [{"report_id": "k", "report_type": "PATHOLOGY", "text": text}])
    summary, tables = _run(tmp_path, archive)
    assert summary.ok == 1
    row = tables["pathology"].iloc[0]
    assert pd.isna(row.ki67_percent)
    ki = tables["mentions"][tables["mentions"].label == "KI67"]
    assert len(ki) >= 1, "the invalid value is kept as evidence"
    assert ki.value_num.isna().all(), "an invalid Ki-67 carries no number"
    assert (ki.value_norm == "invalid").all(), "the mention says why it carries no number"
    assert any(ki67.split("%")[0].strip() in t for t in ki.text)
    _mentions_fit_text(tables, {"k": text})


def test_hostile_unpaired_surrogates_and_non_utf8_file_names_do_not_crash_the_run(tmp_path):
    """JSON escapes like \\ud800 decode to strings Arrow cannot store; so do non-UTF-8 file names."""
    folder = tmp_path / "in"
    folder.mkdir()
    lines = ['{"report_id": "s1", "report_type": "CT", "text": "Liver lesion \\ud800 in segment 7"}',
             '{"report_id": "s2\\udfff", "patient_id": "P\\ud83d", "report_type": "CT", "text": "Liver: 12 mm lesion in segment 2."}',
             json.dumps({"report_id": "s3", "report_type": "CT", "text": "Liver: \U0001F600 emoji is fine, 9 mm lesion."})]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder.joinpath(b"caf\xe9.txt".decode("utf-8", "surrogateescape"))).write_bytes(CT_TEXT.encode())
    summary, tables = _run(tmp_path, folder)
    assert summary.records == 4
    assert _doc(tables, "s1").error == "text is not valid Unicode (unpaired surrogate)"
    s2 = _doc(tables, "s2\\udfff")  # ids are kept, escaped
    assert s2.patient_id == "P\\ud83d" and s2.status == "ok"
    assert _doc(tables, "s3").status == "ok"
    assert _doc(tables, "caf\\udce9.txt").status == "ok"


@pytest.mark.parametrize("row", [
    {"report_id": 12345, "text": CT_TEXT},                    # numeric id: used as its string
    {"report_id": ["a", "b"], "text": CT_TEXT},
    {"report_id": "t1", "text": 3.5},
    {"report_id": "t2", "text": {"nested": "object"}},
    {"report_id": "t3", "text": CT_TEXT, "patient_id": {"mrn": 1}, "report_type": ["CT"], "report_date": [2021]},
    {"report_id": "t4", "text": CT_TEXT, "report_date": {"y": 2021}},
    {"report_id": None, "text": None, "patient_id": None, "report_type": None, "report_date": None},
    {"report_id": "t5", "text": CT_TEXT, "report_date": True, "report_type": 7},
])
def test_hostile_json_values_of_the_wrong_type_never_crash(tmp_path, row):
    archive = _jsonl(tmp_path / "w.jsonl", [row, {"report_id": "good", "report_type": "CT", "text": CT_TEXT}])
    summary, tables = _run(tmp_path, archive)
    assert summary.records == 2
    assert _doc(tables, "good").status == "ok"

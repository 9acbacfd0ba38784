"""Archive ingestion: every input format, column remapping, and each quarantine case (CONTRACT §2)."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.config import load_config
from pipeline.errors import ArchiveError
from pipeline.ingest import Validator, iter_records, read_archive
from pipeline.report_types import infer_report_type, normalize_report_type

CT_TEXT = "FINDINGS: A 2.1 cm hypervascular lesion in segment 7 of the liver."
PATH_TEXT = "FINAL DIAGNOSIS: Liver, core biopsy: well-differentiated NET, Ki-67 4%."
ROWS = [
    {"report_id": "r1", "patient_id": "p1", "report_date": "2023-01-02", "report_type": "CT", "text": CT_TEXT},
    {"report_id": "r2", "patient_id": "p1", "report_date": "2023-02-03T10:00:00", "report_type": "Surgical Pathology", "text": PATH_TEXT},
]


def _records(path: Path, config=None):
    return list(iter_records(path, config or load_config()))


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _write_csv(path: Path, rows, fieldnames=None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".csv", ".parquet"])
def test_ingest_reads_each_file_format(tmp_path, suffix):
    path = tmp_path / f"archive{suffix}"
    if suffix == ".csv":
        _write_csv(path, ROWS)
    elif suffix == ".parquet":
        pq.write_table(pa.Table.from_pylist(ROWS), path)
    else:
        _write_jsonl(path, ROWS)
    records = _records(path)
    assert [r.report_id for r in records] == ["r1", "r2"]
    assert all(r.ok for r in records)
    assert records[0].report_date == dt.date(2023, 1, 2)
    assert records[1].report_date == dt.date(2023, 2, 3)  # datetime accepted
    assert [r.report_type for r in records] == ["CT", "PATHOLOGY"]
    assert records[0].text == CT_TEXT
    assert records[0].source.endswith(":1") or records[0].source.endswith(":0") or records[0].source.endswith(":2")


def test_ingest_reads_txt_folder_with_manifest_recursively_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "z.txt").write_text(PATH_TEXT, encoding="utf-8")
    (tmp_path / "a" / "y.txt").write_text(CT_TEXT, encoding="utf-8")
    (tmp_path / "a" / "x.txt").write_bytes(codecs.BOM_UTF16_LE + CT_TEXT.encode("utf-16-le"))
    _write_csv(tmp_path / "a" / "manifest.csv", [{"file": "y.txt", "patient_id": "p9", "report_date": "2020-05-01", "report_type": "ct"}])
    records = _records(tmp_path)
    assert [r.report_id for r in records] == ["a/x.txt", "a/y.txt", "b/z.txt"]
    assert records[0].text == CT_TEXT  # UTF-16 with BOM decoded
    y = records[1]
    assert (y.patient_id, y.report_date, y.report_type, y.report_type_source) == ("p9", dt.date(2020, 5, 1), "CT", "input")
    z = records[2]
    assert (z.patient_id, z.report_type, z.report_type_source) == (None, "PATHOLOGY", "inferred")


def test_ingest_folder_mixes_archives_and_txt(tmp_path):
    _write_jsonl(tmp_path / "one.jsonl", ROWS[:1])
    (tmp_path / "two.txt").write_text(PATH_TEXT)
    assert [r.report_id for r in _records(tmp_path)] == ["r1", "two.txt"]


def test_ingest_remaps_columns_from_config(tmp_path):
    rows = [{"ACC": "x1", "MRN": "m1", "DT": "2022-03-04", "MOD": "MR abdomen", "BODY": CT_TEXT}]
    archive = _write_csv(tmp_path / "feed.csv", rows)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("input:\n  columns:\n    report_id: ACC\n    patient_id: MRN\n    report_date: DT\n    report_type: MOD\n    text: BODY\n")
    (record,) = _records(archive, load_config(cfg))
    assert (record.report_id, record.patient_id, record.report_type) == ("x1", "m1", "MRI")


def test_ingest_csv_with_embedded_newlines_and_quotes(tmp_path):
    text = 'LIVER: "two" lesions,\nthe largest 2 cm.\r\nIMPRESSION: mets'
    archive = _write_csv(tmp_path / "a.csv", [{"report_id": "q", "text": text}])
    (record,) = _records(archive)
    assert record.ok and record.text == text


@pytest.mark.parametrize("line,error", [
    ({"report_id": "e1", "text": ""}, "empty text"),                                   # empty
    ({"report_id": "e2", "text": "   \n\t "}, "empty text"),                            # whitespace only
    ({"report_id": "e3"}, "missing text"),                                              # no text field
    ({"report_id": "e4", "text": "ok text", "report_date": "03/04/2021"}, "unparseable report_date"),
    ({"report_id": "e5", "text": "ok text", "report_date": "2021-02-30"}, "unparseable report_date"),
    ({"report_id": "e6", "text": "ok text", "report_date": "2999-01-01"}, "in the future"),
    ({"report_id": "e7", "text": "x" * 50}, "over the limit"),                          # size limit (set to 40)
    ({"report_id": "e8", "text": "bad\x00text"}, "NUL bytes"),
    ({"text": "no id here"}, "missing report_id"),
])
def test_ingest_quarantines_bad_records_with_a_one_line_reason(tmp_path, line, error):
    archive = _write_jsonl(tmp_path / "bad.jsonl", [line])
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("input:\n  max_chars: 40\n")
    (record,) = _records(archive, load_config(cfg))
    assert not record.ok
    assert error in record.error
    assert "\n" not in record.error
    assert record.text is None
    if "report_id" not in line:
        assert record.report_id == "bad.jsonl:1"  # id made from the source


def test_ingest_quarantines_unparseable_and_undecodable_lines(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"report_id": "g", "text": "fine"}).encode()
    bad_utf8 = b'{"report_id": "u", "text": "caf\xe9"}'
    path.write_bytes(good + b"\n" + b"{not json\n" + bad_utf8 + b"\n" + b"[1, 2]\n")
    records = _records(path)
    assert [(r.report_id, r.ok) for r in records] == [("g", True), ("mixed.jsonl:2", False), ("u", False), ("mixed.jsonl:4", False)]
    assert "not valid JSON" in records[1].error
    assert "undecodable" in records[2].error
    assert "not a JSON object" in records[3].error


def test_ingest_duplicates_same_text_kept_once_different_text_quarantined(tmp_path):
    rows = [{"report_id": "d", "text": "same"}, {"report_id": "d", "text": "same"}, {"report_id": "d", "text": "other"}]
    archive = _write_jsonl(tmp_path / "dup.jsonl", rows)
    validator = Validator(load_config())
    records = list(iter_records(archive, load_config(), validator))
    assert [(r.report_id, r.ok) for r in records] == [("d", True), ("d", False)]
    assert records[1].error == "duplicate report_id with different text"
    assert validator.duplicates == 1


def test_ingest_csv_missing_required_column_quarantines_rows(tmp_path):
    archive = _write_csv(tmp_path / "nocol.csv", [{"report_id": "a", "body": "x"}])
    (record,) = _records(archive)
    assert not record.ok and "no column 'text'" in record.error


def test_ingest_extra_columns_are_ignored(tmp_path):
    archive = _write_csv(tmp_path / "extra.csv", [{"report_id": "a", "text": "x", "ward": "7B", "mrn2": "1"}])
    (record,) = _records(archive)
    assert record.ok


def test_ingest_unknown_path_and_format_fail_clearly(tmp_path):
    with pytest.raises(ArchiveError, match="does not exist"):
        list(read_archive(tmp_path / "nope.jsonl", load_config()))
    other = tmp_path / "a.xlsx"
    other.write_text("x")
    with pytest.raises(ArchiveError, match="unsupported input"):
        list(read_archive(other, load_config()))


@pytest.mark.parametrize("label,expected", [
    ("CT", "CT"), ("ct abdomen pelvis w contrast", "CT"), ("CT A/P", "CT"), ("Computed Tomography", "CT"),
    ("MRI LIVER", "MRI"), ("MR abdomen", "MRI"), ("mri", "MRI"),
    ("Ga-68 DOTATATE PET/CT", "PET"), ("PET", "PET"), ("68Ga-DOTATOC PET-CT", "PET"), ("Octreoscan SPECT", "PET"),
    ("Surgical Pathology", "PATHOLOGY"), ("pathology", "PATHOLOGY"), ("Liver biopsy", "PATHOLOGY"),
    ("", None), (None, None), ("unknown", None), ("ultrasound", None),
])
def test_report_type_normalizes_input_labels(label, expected):
    assert normalize_report_type(label) == expected


@pytest.mark.parametrize("text,expected", [
    ("Ga-68 DOTATATE PET/CT. Intense uptake in the liver, SUVmax 34.", "PET"),
    ("CT ABDOMEN WITH CONTRAST. Portal venous phase images.", "CT"),
    ("MRI liver with gadoxetate. T2-weighted images show a lesion.", "MRI"),
    ("FINAL DIAGNOSIS: well differentiated neuroendocrine tumor. Ki-67 3%.", "PATHOLOGY"),
    ("Patient seen in clinic today.", "OTHER"),
    ("Liver, segment 4a lesion, core biopsy.\nDiagnosis: metastatic NET, grade 2.\nKi-67: 14%. Mitoses: 2 per 2 mm2.\n"
     "SSTR2 immunohistochemistry: weak, in keeping with the negative DOTATATE PET.", "PATHOLOGY"),
    ("FDG PET/CT. Comparison: CT 2023 and MRI 2022. Liver lesion SUVmax 6.1; on CT it measured 2 cm.", "PET"),
    ("Ga-68 DOTATATE PET/CT. History: liver biopsy showed NET, Ki-67 10%. Avid liver lesions.", "PET"),
    ("MRI liver. Comparison: Ga-68 DOTATATE PET/CT. T2-weighted and diffusion-weighted images; hepatobiliary phase.", "MRI"),
    # a title naming the type decides; a field opening the report does not
    ("CT A/P 01/2024 (NET f/u): two new liver lesions, seg 6 and 7. DOTATATE PET recommended.", "CT"),
    ("EXAM: MRI liver with gadoxetate. Comparison: Ga-68 DOTATATE PET/CT 2023, SUVmax 20.", "MRI"),
    ("CT-guided core biopsy, liver segment 8.\nDiagnosis: metastatic NET. Ki-67 5%.", "PATHOLOGY"),
])
def test_report_type_inferred_from_text(text, expected):
    assert infer_report_type(text) == expected

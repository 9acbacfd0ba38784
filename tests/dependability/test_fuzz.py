"""Property tests (issue 7): arbitrary unicode text through every extractor, arbitrary patients-shaped
feature rows through the decision module. No exception escapes; outputs fit the schema and ranges."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.schema import SchemaError, to_table

TYPES = ["CT", "MRI", "PET", "PATHOLOGY", "OTHER"]
THERAPIES = {"resection", "ablation", "transarterial", "transplant", "prrt"}
STATUSES = {"eligible", "ineligible", "indeterminate"}
SEGMENTS = {"1", "2", "3", "4", "4a", "4b", "5", "6", "7", "8"}
SITES = {"lymph_node", "bone", "lung", "peritoneum", "pancreas", "bowel", "adrenal", "other"}

#: fragments that steer random text into the extractors' patterns
TOKENS = [
    " ", " ", "\n", "\r\n", "\r", "\t", ".", ",", ";", ":", "-", "/", "(", ")", "%", " %", "x", " x ", "×",
    "cm", " cm", "mm", " mm", "mm2", "mm²", "HPF", "/10 HPF", "per 2 mm2", "0", "1", "2", "3", "7", "12", "4a", "IV",
    "1.5", "2,5", "99", "100", "150", "1e308", "999999", "-3", "0.0", "NaN", "inf", "<", ">", "≤", "~",
    "Ki-67", "Ki67", "MIB-1", "index", "mitoses", "mitotic", "grade", "G1", "G2", "G3", "WHO", "well", "poorly",
    "differentiated", "NET", "NEC", "MiNEN", "carcinoma", "neuroendocrine", "tumour", "tumor", "liver", "hepatic",
    "lesion", "lesions", "metastasis", "metastases", "segment", "segments", "Segment VII", "lobe", "left", "right",
    "bilobar", "both lobes", "innumerable", "multiple", "few", "two", "three", "no", "not", "without", "cannot be excluded",
    "possible", "prior", "previously", "history of", "cyst", "haemangioma", "node", "lymph node", "bone", "lung",
    "peritoneal", "carcinomatosis", "adrenal", "pancreas", "pancreatic", "ileum", "SUVmax", "SUV", "avid", "uptake",
    "DOTATATE", "PET/CT", "portal vein", "IVC", "hepatic vein", "hilum", "bile duct", "Whipple", "pancreatoduodenectomy",
    "resection", "biopsy", "margin", "R0", "R1", "specimen", "FINDINGS:", "IMPRESSION:", "COMPARISON:", "HISTORY:",
    "FINAL DIAGNOSIS:", "COMMENT:", "progression", "stable", "response", "replacing", "30%", "of the liver", "née", "µ",
    "\u200b", "\u00a0", "\ufeff", "\U0001F600", "é", "ß", "İ", "ﬁ", "Å",
]

KEYWORDS = ["Ki-67", "Ki-67 index", "MIB-1 labelling index", "mitoses", "mitotic count", "WHO grade", "lesion in segment",
            "lesion measuring", "liver metastasis", "largest", "SUVmax", "node", "segments", "replacing", "grade"]
UNITS = ["%", "cm", "mm", "x", "mm x", "per 10 HPF", "/2 mm2", "mitoses/2 mm²", "", "of the liver", "percent"]
numbers = st.one_of(st.integers(-10, 10**7).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["1e308", "999999", "0.5", "2,5", "150", "100", "10-15", "<1", "IV", "4a", "VII", "0"]))
phrases = st.tuples(st.sampled_from(KEYWORDS), st.sampled_from(["", ":", " of", " is", " approximately"]), numbers,
                    st.sampled_from(UNITS)).map(lambda t: f"{t[0]}{t[1]} {t[2]} {t[3]}")
#: raw concatenations (tokens glued to arbitrary unicode) and word-separated clinical-looking phrases
texts = st.one_of(
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), min_size=1, max_size=60).map("".join),
    st.lists(st.one_of(phrases, st.sampled_from(TOKENS), st.text(max_size=5)), min_size=1, max_size=25).map(" ".join),
)


@pytest.fixture(scope="module")
def pipeline():
    from pipeline.config import load_config
    from pipeline.ingest import RawRecord, Validator
    from pipeline.nlp import build_nlp

    return build_nlp(load_config()), Validator(load_config()), RawRecord


def _check_extraction(result, text: str, report_type: str) -> None:
    for m in result.mentions:
        assert 0 <= m["start_char"] < m["end_char"] <= len(text), m
        assert text[m["start_char"]:m["end_char"]] == m["text"], m
        assert 0 <= m["sentence_start"] <= m["start_char"] and m["end_char"] <= m["sentence_end"] <= len(text), m
        value = m["value_num"]
        if value is not None:
            assert isinstance(value, (int, float)) and math.isfinite(value), m
            if m["label"] == "KI67":
                assert 0 <= value <= 100, m
            if m["label"] in ("SIZE", "MITOSES", "SUV"):
                assert value >= 0, m
    to_table(result.mentions, "mentions")
    if report_type in ("CT", "MRI", "PET"):
        assert result.table == "imaging"
        row = result.row
        to_table([row], "imaging")
        size = row.get("largest_liver_lesion_mm")
        assert size is None or (math.isfinite(size) and size > 0), size
        suv = row.get("suv_max")
        assert suv is None or (math.isfinite(suv) and suv >= 0), suv
        if row.get("liver_involvement_percent") is not None:
            assert 0 <= row["liver_involvement_percent"] <= 100
        if row.get("liver_lesion_count") is not None:
            assert 0 <= row["liver_lesion_count"] < 2**31
        assert row.get("liver_lesion_count_category") in (None, "none", "single", "few", "multiple")
        assert set(row.get("liver_segments") or []) <= SEGMENTS
        assert set(row.get("extrahepatic_sites") or []) <= SITES
        assert row.get("disease_trend") in (None, "progression", "stable", "response")
    elif report_type == "PATHOLOGY":
        assert result.table == "pathology"
        row = result.row
        to_table([row], "pathology")
        if row.get("ki67_percent") is not None:
            assert 0 <= row["ki67_percent"] <= 100
        if row.get("mitoses_per_2mm2") is not None:
            assert math.isfinite(row["mitoses_per_2mm2"]) and row["mitoses_per_2mm2"] >= 0
        assert row.get("who_grade") in (None, "G1", "G2", "G3")
        assert row.get("who_grade_source") in (None, "stated", "ki67", "mitoses")
        assert row.get("differentiation") in (None, "well", "poorly")
        assert row.get("tumor_type") in (None, "NET", "NEC", "MiNEN", "other")
        assert row.get("procedure") in (None, "biopsy", "resection")
        assert row.get("specimen_site") in (None, "liver", "pancreas", "small_bowel", "lymph_node", "other")
        assert row.get("margin_status") in (None, "R0", "R1", "R2")
    else:
        assert result.table is None


@pytest.mark.parametrize("report_type", TYPES)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=texts)
def test_fuzz_extract_record_any_text(pipeline, report_type, text):
    from pipeline.extract import extract_record

    nlp, validator, RawRecord = pipeline
    validator.seen.clear()
    record = validator.validate(RawRecord({"report_id": "fz", "patient_id": "p", "text": text,
                                           "report_type": None if report_type == "OTHER" else report_type}, "<fuzz>"))
    if not record.ok:  # empty/whitespace/NUL text is quarantined before extraction
        assert record.error
        return
    if report_type == "OTHER" and record.report_type != "OTHER":
        report_type = record.report_type  # inferred from the text
    result = extract_record(nlp, record)
    _check_extraction(result, text, report_type)


# ----------------------------------------------------------------------------- decision module

ANY = st.one_of(st.none(), st.just(float("nan")), st.booleans(), st.integers(-10**6, 10**6),
                st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8), st.lists(st.text(max_size=4), max_size=3),
                st.just(pd.NA), st.just(""), st.just([]))
NUM = st.one_of(st.none(), st.just(float("nan")), st.floats(-1e9, 1e9), st.integers(-5, 1000), st.sampled_from(["12", "x", "1e308", ""]))
TRI = st.one_of(st.none(), st.booleans(), st.sampled_from(["true", "no", "maybe", 1, 0, float("nan")]))
LISTS = lambda values: st.one_of(st.none(), st.just([]), st.lists(st.sampled_from(values), max_size=4),  # noqa: E731
                                 st.sampled_from(['["bone"]', "bone", "[]", "not json ["]))

FEATURES = {
    "as_of": st.one_of(st.none(), st.dates().map(str), st.sampled_from(["2021-13-01", "", "garbage"]), st.dates()),
    "n_reports": NUM,
    "liver_lesion_count": NUM,
    "liver_lesion_count_category": st.one_of(st.none(), st.sampled_from(["none", "single", "few", "multiple", "lots", ""])),
    "largest_liver_lesion_mm": NUM,
    "liver_segments": LISTS(sorted(SEGMENTS) + ["9", "IV", ""]),
    "bilobar": TRI,
    "extrahepatic_sites": LISTS(sorted(SITES) + ["brain", ""]),
    "peritoneal_carcinomatosis": TRI,
    "sstr_avid": TRI,
    "ki67_percent": NUM,
    "who_grade": st.one_of(st.none(), st.sampled_from(["G1", "G2", "G3", "g2", "G4", "", "2"])),
    "differentiation": st.one_of(st.none(), st.sampled_from(["well", "poorly", "moderately", ""])),
    "prior_pancreatoduodenectomy": TRI,
    "primary_resected": TRI,
    "lesion_near_major_vessel": TRI,
    "hilar_or_central_bile_duct": TRI,
    "liver_involvement_percent": NUM,
    "mitoses_per_2mm2": NUM,
    "primary_site": st.one_of(st.none(), st.sampled_from(["pancreas", "small_bowel", "ileum", "", "unknown"])),
    "extrahepatic_burden": st.one_of(st.none(), st.sampled_from(["none", "low", "high", "huge"])),
    "disease_stable_months": NUM,
    "grade_discordant": TRI,
    "evidence": LISTS(["r1", "r2"]),
    "age_years": NUM,
    "ecog_ps": NUM,
    "flr_percent": NUM,
    "carcinoid_syndrome": TRI,
    "recurrent_after_resection": TRI,
    "unexpected_column": ANY,
}


@st.composite
def feature_rows(draw):
    n = draw(st.integers(0, 4))
    rows = []
    for i in range(n):
        keys = draw(st.sets(st.sampled_from(sorted(FEATURES)), max_size=len(FEATURES)))
        row = {k: draw(FEATURES[k]) for k in sorted(keys)}
        row["patient_id"] = draw(st.one_of(st.just(f"P{i}"), st.just(f"P{i}"), st.just(None), st.just("  ")))
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def ruleset():
    from pipeline.decision import load_ruleset

    return load_ruleset()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=feature_rows())
def test_fuzz_decide_frame_any_feature_rows(ruleset, rows):
    from pipeline.decision import decide_frame

    frame = pd.DataFrame(rows)
    out = decide_frame(frame, ruleset)
    ids = [r["patient_id"] for r in rows if isinstance(r.get("patient_id"), str) and r["patient_id"].strip()]
    assert len(out) == 5 * len(ids)
    assert set(out.status) <= STATUSES
    for pid in ids:
        mine = out[out.patient_id == pid]
        assert set(mine.therapy) == THERAPIES
    for row in out.to_dict("records"):
        for col in ("reasons", "missing", "needs_review"):
            assert isinstance(row[col], list) and all(isinstance(x, str) for x in row[col])
        assert isinstance(row["rules_version"], str) and row["rules_version"]
        if row["status"] == "indeterminate":
            assert row["missing"] or row["needs_review"] or row["reasons"]
    try:
        to_table(out.to_dict("records"), "eligibility")
    except SchemaError as exc:  # pragma: no cover - the failure message names the row
        pytest.fail(str(exc))

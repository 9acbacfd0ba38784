"""Golden tests over fixtures/: extraction scored by `nelm eval`, patients and eligibility end to end.

The gold files were hand-annotated independently of the code (fixtures/*/README.md). Floors are
per field; a drop below them is a regression. They sit at or just under what the extractors score
today, so they can only be raised.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.evaluate import evaluate_run
from pipeline.io import read_table_frame
from pipeline.run import run_local

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

#: minimum accuracy over all gold rows, per table and field
FLOORS = {
    "imaging": 0.97,
    "pathology": 0.97,
    "patients": 0.97,
}
FIELD_FLOORS: dict[tuple[str, str], float] = {}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name, archive in [("imaging", FIXTURES / "imaging" / "reports.jsonl"),
                          ("imaging_dev", FIXTURES / "imaging_dev" / "reports.jsonl"),
                          ("imaging_dev2", FIXTURES / "imaging_dev2" / "reports.jsonl"),
                          ("pathology", FIXTURES / "pathology" / "reports.jsonl"),
                          ("pathology_dev", FIXTURES / "pathology_dev" / "reports.jsonl"),
                          ("imaging_dev3", FIXTURES / "imaging_dev3" / "reports.jsonl"),
                          ("imaging_dev4", FIXTURES / "imaging_dev4" / "reports.jsonl"),
                          ("pathology_dev2", FIXTURES / "pathology_dev2" / "reports.jsonl"),
                          ("pathology_dev3", FIXTURES / "pathology_dev3" / "reports.jsonl"),
                          ("sample", FIXTURES / "sample_archive" / "reports.jsonl")]:
        folder = tmp_path_factory.mktemp(name)
        run_local(archive, folder)
        out[name] = folder
    return out


@pytest.mark.parametrize("run_name,gold", [
    ("imaging", FIXTURES / "imaging" / "gold.jsonl"),
    ("imaging_dev", FIXTURES / "imaging_dev" / "gold.jsonl"),
    ("imaging_dev2", FIXTURES / "imaging_dev2" / "gold.jsonl"),
    ("pathology", FIXTURES / "pathology" / "gold.jsonl"),
    ("pathology_dev", FIXTURES / "pathology_dev" / "gold.jsonl"),
    ("imaging_dev3", FIXTURES / "imaging_dev3" / "gold.jsonl"),
    ("imaging_dev4", FIXTURES / "imaging_dev4" / "gold.jsonl"),
    ("pathology_dev2", FIXTURES / "pathology_dev2" / "gold.jsonl"),
    ("pathology_dev3", FIXTURES / "pathology_dev3" / "gold.jsonl"),
    ("sample", FIXTURES / "sample_archive" / "gold_reports.jsonl"),
    ("sample", FIXTURES / "sample_archive" / "gold_patients.jsonl"),
])
def test_golden_extraction_scores_stay_above_floor(runs, run_name, gold):
    scores = evaluate_run(gold, runs[run_name])
    assert scores["missing_in_run"] == 0
    low = _below_floor(scores, lambda table, field: FIELD_FLOORS.get((table, field), FLOORS[table]))
    assert not low, "\n".join(low)


def _below_floor(scores: dict, floor_of) -> list[str]:
    """The fields of an ``evaluate_run`` result whose accuracy is below ``floor_of(table, field)``, with examples."""
    return [f"{table}.{field} {s['accuracy']:.3f} < {floor_of(table, field)} e.g. {s['errors'][:2]}"
            for table, fields in scores["tables"].items() for field, s in fields.items()
            if s["accuracy"] < floor_of(table, field)]


#: fixtures/blind3 to blind21 (written blind, partly fixed: see their READMEs): every field at least its score when
#: last raised; fields not listed must stay at 1.0. Raise a floor when a fix lifts the field.
BLIND_FLOORS: dict[str, dict[tuple[str, str], float]] = {
    "blind3": {
        ("imaging", "bilobar"): 0.966, ("imaging", "extrahepatic_sites"): 0.966,
        ("imaging", "hilar_or_central_bile_duct"): 0.966, ("imaging", "largest_liver_lesion_mm"): 0.966,
        ("imaging", "liver_lesion_count"): 0.933,
        ("imaging", "liver_lesion_count_category"): 0.966, ("imaging", "liver_segments"): 0.966,
        ("pathology", "procedure"): 0.958, ("pathology", "specimen_site"): 0.958,
    },
    "blind4": {
        ("imaging", "bilobar"): 0.966, ("imaging", "extrahepatic_sites"): 0.966,
        ("pathology", "ki67_percent"): 0.95,
    },
    "blind5": {
        ("imaging", "bilobar"): 0.966, ("imaging", "largest_liver_lesion_mm"): 0.966,
        ("imaging", "lesion_near_major_vessel"): 0.966, ("imaging", "liver_segments"): 0.966,
        ("pathology", "primary_site"): 0.958, ("pathology", "specimen_site"): 0.958,
    },
    "blind6": {
        ("imaging", "lesion_near_major_vessel"): 0.966, ("pathology", "differentiation"): 0.958,
        ("pathology", "primary_site"): 0.958, ("pathology", "specimen_site"): 0.958,
    },
    "blind7": {
        ("imaging", "extrahepatic_sites"): 0.966,
        ("imaging", "liver_segments"): 0.966,
        ("pathology", "margin_status"): 0.958, ("pathology", "specimen_site"): 0.958,
    },
    "blind8": {
        ("imaging", "sstr_avid"): 0.966,
    },
    "blind9": {
        ("imaging", "extrahepatic_sites"): 0.966,
        ("imaging", "largest_liver_lesion_mm"): 0.966, ("imaging", "lesion_near_major_vessel"): 0.966,
    },
    "blind10": {
        ("pathology", "specimen_site"): 0.958,
    },
    "blind11": {},
    "blind12": {},
    "blind13": {},
    "blind14": {
        ("imaging", "bilobar"): 0.966,
    },
    "blind15": {},
    "blind16": {},
    "blind17": {
        ("imaging", "extrahepatic_sites"): 0.964,
    },
    "blind18": {
        ("imaging", "bilobar"): 0.964, ("imaging", "disease_trend"): 0.964, ("imaging", "extrahepatic_sites"): 0.928,
        ("imaging", "suv_max"): 0.964,
    },
    "blind19": {
        ("imaging", "extrahepatic_sites"): 0.958, ("imaging", "largest_liver_lesion_mm"): 0.916,
        ("imaging", "liver_segments"): 0.958, ("imaging", "peritoneal_carcinomatosis"): 0.958,
        ("imaging", "sstr_avid"): 0.958, ("imaging", "suv_max"): 0.875,
        ("pathology", "ki67_percent"): 0.95, ("pathology", "mitoses_per_2mm2"): 0.95, ("pathology", "who_grade"): 0.95,
        ("pathology", "who_grade_source"): 0.9,
    },
    "blind20": {},
    "blind21": {},
}


@pytest.mark.parametrize("name", sorted(BLIND_FLOORS))
def test_blind_set_scores_never_fall(tmp_path, name):
    run_local(FIXTURES / name / "reports.jsonl", tmp_path)
    scores = evaluate_run(FIXTURES / name / "gold.jsonl", tmp_path)
    assert scores["missing_in_run"] == 0
    low = _below_floor(scores, lambda table, field: BLIND_FLOORS[name].get((table, field), 1.0))
    assert not low, "\n".join(low)


def _expected_eligibility() -> list[dict]:
    path = FIXTURES / "sample_archive" / "expected_eligibility.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_golden_decisions_from_gold_features_match_hand_derived_statuses():
    """Gold patient features (plus the annotator's stated burden) -> all 65 hand-derived statuses."""
    from pipeline.decision import decide_frame, load_ruleset

    expected = _expected_eligibility()
    gold = [json.loads(line) for line in (FIXTURES / "sample_archive" / "gold_patients.jsonl").read_text().splitlines()]
    burden = {e["patient_id"]: e["assumed"].get("extrahepatic_burden") for e in expected}
    for row in gold:
        row["extrahepatic_burden"] = burden[row["patient_id"]]
    decided = decide_frame(pd.DataFrame(gold), load_ruleset("nelm-rules-1"))
    got = {(r.patient_id, r.therapy): r for r in decided.itertuples()}
    assert len(expected) == 65 and len({e["patient_id"] for e in expected}) >= 10
    for e in expected:
        row = got[(e["patient_id"], e["therapy"])]
        assert row.status == e["status"], (e["patient_id"], e["therapy"], e["why"], list(row.reasons))
        if e["status"] == "ineligible":
            fired = {reason.split(":")[0] for reason in row.reasons}
            hard = [k for k in e["key_rules"] if any(f == k or f.startswith(k) for f in fired)]
            assert hard, (e["patient_id"], e["therapy"], e["key_rules"], list(row.reasons))


def test_golden_end_to_end_sample_archive_patients_and_eligibility(runs):
    """NLP -> patients -> eligibility over the sample archive, against the hand-derived statuses."""
    out = runs["sample"]
    patients = read_table_frame(out / "patients.parquet")
    eligibility = read_table_frame(out / "eligibility.parquet")
    expected = _expected_eligibility()
    assert set(patients.patient_id) == {e["patient_id"] for e in expected}
    got = {(r.patient_id, r.therapy): r.status for r in eligibility.itertuples()}
    agree = [e for e in expected if got[(e["patient_id"], e["therapy"])] == e["status"]]
    mismatches = [(e["patient_id"], e["therapy"], e["status"], got[(e["patient_id"], e["therapy"])])
                  for e in expected if e not in agree]
    # 62 of 65 today: SA02/SA09/SA10 transplant are "ineligible (L5 not yet)" because their latest
    # imaging reports progression (0 stable months, decision_rules §7), where the annotator left
    # disease_stable_months unknown and so expected "indeterminate".
    assert len(agree) >= 62, mismatches
    # every row says which rules version produced it
    assert set(eligibility.rules_version) == {"nelm-rules-1"}


def _patient_archive_mismatches(name: str, out: Path, floors: dict | None = None) -> dict:
    """Run a blind patient archive (fixtures/<name>: reports, gold_reports, gold_patients, expected_eligibility),
    check every report and patient field against its floor (1.0 unless given), and return the eligibility statuses
    that differ from the annotator's: {(patient, therapy): (expected, got)}."""
    folder = FIXTURES / name
    run_local(folder / "reports.jsonl", out)
    for gold in ("gold_reports.jsonl", "gold_patients.jsonl"):
        scores = evaluate_run(folder / gold, out)
        assert scores["missing_in_run"] == 0
        low = _below_floor(scores, lambda table, field: (floors or {}).get((table, field), 1.0))
        assert not low, "\n".join(low)
    expected = [json.loads(line) for line in (folder / "expected_eligibility.jsonl").read_text().splitlines() if line]
    eligibility = read_table_frame(out / "eligibility.parquet")
    got = {(r.patient_id, r.therapy): r.status for r in eligibility.itertuples()}
    assert len(expected) == 5 * len({e["patient_id"] for e in expected})
    return {(e["patient_id"], e["therapy"]): (e["status"], got[(e["patient_id"], e["therapy"])])
            for e in expected if got[(e["patient_id"], e["therapy"])] != e["status"]}


def test_blind22_patient_archive_end_to_end(tmp_path):
    """fixtures/blind22 (two blind patient archives, 16 patients, 77 reports): NLP -> patients -> eligibility against
    hand-derived gold written before nelm ran (see its README)."""
    mismatches = _patient_archive_mismatches("blind22", tmp_path)
    # B22B03 and B22B06 transplant: the latest imaging trend on record is a progression, so decision_rules §7 gives
    # 0 stable months and L5 "not yet" (ineligible), where the annotator left the months unknown (indeterminate), as
    # the sample archive's annotator did for SA02/SA09/SA10
    assert mismatches == {("B22B03", "transplant"): ("indeterminate", "ineligible"),
                          ("B22B06", "transplant"): ("indeterminate", "ineligible")}, mismatches


def test_blind23_patient_archive_end_to_end(tmp_path):
    """fixtures/blind23 (the treatment course; a registry extract; 16 patients, 83 reports): every report and patient
    field and all 80 statuses as the annotators derived them."""
    mismatches = _patient_archive_mismatches("blind23", tmp_path)
    assert not mismatches, mismatches


def test_blind24_patient_archive_end_to_end(tmp_path):
    """fixtures/blind24 (the decision edges; ordinary patients in messy text; 16 patients, 70 reports): all 80 statuses,
    every patient field, and every report field but the three open ones its README lists."""
    floors = {("imaging", "disease_trend"): 0.97, ("imaging", "extrahepatic_sites"): 0.97,
              ("imaging", "lesion_near_major_vessel"): 0.97}
    mismatches = _patient_archive_mismatches("blind24", tmp_path, floors)
    assert not mismatches, mismatches


def test_blind25_patient_archive_end_to_end(tmp_path):
    """fixtures/blind25 (the pathology-heavy course; comparison-heavy follow-up imaging; transplant, PRRT and
    transarterial candidates; 24 patients, 111 reports): all 120 statuses, every field but the two open ones its README
    lists (B25G01's grade_discordant, B25I03's ileal thickening as the in-situ primary)."""
    floors = {("imaging", "extrahepatic_sites"): 0.97, ("patients", "extrahepatic_sites"): 0.95,
              ("patients", "grade_discordant"): 0.95}
    mismatches = _patient_archive_mismatches("blind25", tmp_path, floors)
    assert not mismatches, mismatches


def test_blind26_patient_archive_end_to_end(tmp_path):
    """fixtures/blind26 (reads that change their mind; structured templates and registry one-liners; 16 patients, 70
    reports): all 80 statuses, every field but the open ones its README lists."""
    floors = {("imaging", "liver_lesion_count"): 0.97, ("imaging", "liver_segments"): 0.97,
              ("imaging", "lesion_near_major_vessel"): 0.97, ("imaging", "peritoneal_carcinomatosis"): 0.95,
              ("patients", "lesion_near_major_vessel"): 0.93, ("patients", "liver_segments"): 0.93,
              ("patients", "peritoneal_carcinomatosis"): 0.93, ("patients", "primary_resected"): 0.93}
    mismatches = _patient_archive_mismatches("blind26", tmp_path, floors)
    assert not mismatches, mismatches


def test_blind27_patient_archive_end_to_end(tmp_path):
    """fixtures/blind27 (unusual primaries and sites; numbers and units in every format; 16 patients, 70 reports): 77 of
    80 statuses, every field at or above the floors of the open ones its README lists."""
    floors = {("imaging", "extrahepatic_sites"): 0.93, ("imaging", "liver_lesion_count"): 0.93,
              ("imaging", "liver_lesion_count_category"): 0.97, ("imaging", "peritoneal_carcinomatosis"): 0.97,
              ("pathology", "primary_site"): 0.95, ("patients", "extrahepatic_sites"): 0.93,
              ("patients", "grade_discordant"): 0.93, ("patients", "liver_lesion_count"): 0.93,
              ("patients", "primary_resected"): 0.87, ("patients", "primary_site"): 0.93}
    mismatches = _patient_archive_mismatches("blind27", tmp_path, floors)
    # B27L07: pleural nodules and an orbital metastasis are one contract site ("other"), so the burden nelm computes is
    # low (one organ system, at most three lesions) where the annotator counts two organ systems (high)
    assert mismatches == {("B27L07", "resection"): ("ineligible", "indeterminate"),
                          ("B27L07", "ablation"): ("indeterminate", "eligible"),
                          ("B27L07", "transarterial"): ("indeterminate", "eligible")}, mismatches


def test_blind28_patient_archive_end_to_end(tmp_path):
    """fixtures/blind28 (long reports crowded with incidental findings; cytology, small biopsies and grade drift; 16
    patients, 73 reports): all 80 statuses and every field."""
    mismatches = _patient_archive_mismatches("blind28", tmp_path)
    assert not mismatches, mismatches


def test_blind29_patient_archive_end_to_end(tmp_path):
    """fixtures/blind29 (vessels, hilum and involvement in every wording; second cancers and mimics; 16 patients, 74
    reports): 79 of 80 statuses and every field."""
    mismatches = _patient_archive_mismatches("blind29", tmp_path)
    # B29R02: the latest MRI reads progression, so disease_stable_months is 0 (decision_rules §7: progression resets the
    # count) and L5 excludes transplant; the annotator assumed no stable-months value (indeterminate)
    assert mismatches == {("B29R02", "transplant"): ("indeterminate", "ineligible")}, mismatches


def test_blind30_patient_archive_end_to_end(tmp_path):
    """fixtures/blind30 (translated and non-native English; consolidated and longitudinal documents; 16 patients, 72
    reports): 79 of 80 statuses, every field at or above the floors of the open ones its README lists."""
    floors = {("imaging", "extrahepatic_sites"): 0.95}
    mismatches = _patient_archive_mismatches("blind30", tmp_path, floors)
    # B30S08: the annotator assumed 0 stable months but listed no L5 exclusion; with 0 months L5 excludes transplant
    assert mismatches == {("B30S08", "transplant"): ("indeterminate", "ineligible")}, mismatches


def test_blind31_patient_archive_end_to_end(tmp_path):
    """fixtures/blind31 (dictation and OCR damage; hereditary syndromes and multiple primaries; 16 patients, 73 reports):
    all 80 statuses and every field but the open one its README lists."""
    floors = {("patients", "primary_site"): 0.93}
    mismatches = _patient_archive_mismatches("blind31", tmp_path, floors)
    assert not mismatches, mismatches


def test_blind32_patient_archive_end_to_end(tmp_path):
    """fixtures/blind32 (imaging after treatment; dates and order; 16 patients, 74 reports): 79 of 80 statuses, every
    field at or above the floors of the open ones its README lists."""
    floors = {("imaging", "disease_trend"): 0.95, ("patients", "grade_discordant"): 0.93}
    mismatches = _patient_archive_mismatches("blind32", tmp_path, floors)
    # B32Z06: the stable run counted from the latest progression (8.0 months) against the first stable exam (4.4)
    assert mismatches == {("B32Z06", "transplant"): ("ineligible", "indeterminate")}, mismatches

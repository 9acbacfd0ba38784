"""A small finished run built by hand (no NLP): six tables, an archive and .nelm/run.json.

Offsets in ``mentions`` are computed from the archive text, so the evidence page can highlight them.
Report P1-CT deliberately holds markup and quotes to test HTML escaping.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from pipeline.io import write_bytes_atomic, write_parquet_atomic
from pipeline.schema import to_table

HOSTILE = "<script>alert(1)</script> \"double\" & 'single'"

REPORTS = [
    {"report_id": "P1-CT", "patient_id": "P1", "report_date": "2024-01-10", "report_type": "CT",
     "text": "FINDINGS:\nLiver: 23 mm lesion in segment 7. No lesion in the left lobe.\n"
             f"Note: {HOSTILE}\nHistory of a 9 mm lesion in segment 2, resected.\nPossible bone lesion."},
    {"report_id": "P1-PATH", "patient_id": "P1", "report_date": "2023-12-01", "report_type": "PATHOLOGY",
     "text": "Liver core biopsy: well-differentiated neuroendocrine tumour, Ki-67 4%."},
    {"report_id": "P2-CT", "patient_id": "P2", "report_date": "2024-02-01", "report_type": "CT",
     "text": "Multiple liver lesions in both lobes, largest 40 mm."},
]

PATIENTS = [
    {"patient_id": "P1", "as_of": "2024-01-10", "n_reports": 2, "liver_lesion_count": 1,
     "liver_lesion_count_category": "single", "largest_liver_lesion_mm": 23.0, "liver_segments": ["7"],
     "bilobar": False, "extrahepatic_sites": [], "peritoneal_carcinomatosis": False, "ki67_percent": 4.0,
     "who_grade": "G2", "differentiation": "well", "extrahepatic_burden": "none", "evidence": ["P1-CT", "P1-PATH"]},
    {"patient_id": "P2", "as_of": "2024-02-01", "n_reports": 1, "liver_lesion_count": None,
     "liver_lesion_count_category": "multiple", "largest_liver_lesion_mm": 40.0, "liver_segments": [],
     "bilobar": True, "extrahepatic_sites": ["bone", "lymph_node"], "ki67_percent": None, "evidence": ["P2-CT"]},
    {"patient_id": "P3", "as_of": None, "n_reports": 0, "liver_segments": [], "extrahepatic_sites": None,
     "ki67_percent": 25.0, "who_grade": "G3", "evidence": []},
]

STATUS = {
    "P1": {"resection": "eligible", "ablation": "eligible", "transarterial": "ineligible",
           "transplant": "indeterminate", "prrt": "indeterminate"},
    "P2": {"resection": "ineligible", "ablation": "ineligible", "transarterial": "indeterminate",
           "transplant": "ineligible", "prrt": "indeterminate"},
    "P3": {"resection": "indeterminate", "ablation": "indeterminate", "transarterial": "indeterminate",
           "transplant": "indeterminate", "prrt": "indeterminate"},
}


def _mention(report: dict, label: str, text: str, occurrence: int = 0, **extra) -> dict:
    body = report["text"]
    start = -1
    for _ in range(occurrence + 1):
        start = body.index(text, start + 1)
    end = start + len(text)
    breaks = [body.rfind("\n", 0, start) + 1]
    if body.rfind(". ", 0, start) >= 0:
        breaks.append(body.rfind(". ", 0, start) + 2)
    s_start = max(breaks)
    s_end = min(x for x in (body.find("\n", end), body.find(". ", end) + 1, len(body)) if x > 0)
    row = {"report_id": report["report_id"], "patient_id": report["patient_id"], "label": label, "text": text,
           "start_char": start, "end_char": end, "section": "findings", "sentence_start": s_start,
           "sentence_end": s_end, "is_negated": False, "is_uncertain": False, "is_historical": False,
           "is_hypothetical": False, "extractor": f"nelm_{label.lower()}", "rule_id": f"{label.lower()}.test.1"}
    row.update(extra)
    return row


def build_run(out: Path, with_input: bool = True, decided: bool = False) -> Path:
    """Write the tables under ``out`` and the archive beside it; returns the archive path.

    ``decided``: eligibility from the real decision module (realistic reasons) instead of the fixed
    STATUS table the cohort tests filter on.
    """
    out.mkdir(parents=True, exist_ok=True)
    archive = out.parent / f"{out.name}-archive.jsonl"
    archive.write_text("".join(json.dumps(r) + "\n" for r in REPORTS), encoding="utf-8")
    by_id = {r["report_id"]: r for r in REPORTS}
    documents = [{"report_id": r["report_id"], "patient_id": r["patient_id"], "report_date": r["report_date"],
                  "report_type": r["report_type"], "report_type_source": "input", "status": "ok",
                  "n_chars": len(r["text"]), "text_sha256": hashlib.sha256(r["text"].encode()).hexdigest(),
                  "source": f"{archive.name}:{i}", "pipeline_version": "test", "run_id": "r1"}
                 for i, r in enumerate(REPORTS, 1)]
    ct, path, ct2 = by_id["P1-CT"], by_id["P1-PATH"], by_id["P2-CT"]
    mentions = [
        _mention(ct, "SIZE", "23 mm", value_num=23.0, value_unit="mm"),
        _mention(ct, "LIVER_LESION", "23 mm lesion"),
        _mention(ct, "LIVER_SEGMENT", "segment 7", value_norm="7"),
        _mention(ct, "LIVER_LESION", "lesion", occurrence=1, is_negated=True),
        _mention(ct, "LIVER_LOBE", "left lobe", is_negated=True, value_norm="left"),
        _mention(ct, "LIVER_LESION", "9 mm lesion", is_historical=True),
        _mention(ct, "PROCEDURE_HISTORY", "resected", is_historical=True),
        _mention(ct, "EXTRAHEPATIC_SITE", "bone lesion", is_uncertain=True, value_norm="bone"),
        _mention(path, "DIFFERENTIATION", "well-differentiated", value_norm="well"),
        _mention(path, "KI67", "Ki-67 4%", value_num=4.0, value_unit="%"),
        _mention(ct2, "LIVER_LESION", "Multiple liver lesions"),
        _mention(ct2, "LIVER_LOBE", "both lobes", value_norm="both"),
    ]
    eligibility = []
    for pid, statuses in STATUS.items():
        for therapy, status in statuses.items():
            eligibility.append({
                "patient_id": pid, "therapy": therapy, "status": status,
                "reasons": [f"T{therapy[:3].upper()}1: test reason for {therapy} ({status})"],
                "missing": ["ecog_ps"] if status == "indeterminate" else [],
                "needs_review": ["CR1: performance status (ECOG) must be confirmed"],
                "rules_version": "nelm-rules-1", "as_of": dt.date(2024, 1, 10)})
    if decided:
        import pandas as pd

        from pipeline.config import load_config
        from pipeline.decision import decide_frame, load_ruleset

        config = load_config()
        frame = decide_frame(pd.DataFrame(PATIENTS), load_ruleset(config.resolve(config.decision.ruleset)))
        eligibility = frame.to_dict("records")
    write_parquet_atomic(to_table(documents, "documents"), out / "documents.parquet")
    write_parquet_atomic(to_table(mentions, "mentions"), out / "mentions.parquet" / "part-a.parquet")
    write_parquet_atomic(to_table([], "imaging"), out / "imaging.parquet")
    write_parquet_atomic(to_table([], "pathology"), out / "pathology.parquet")
    write_parquet_atomic(to_table(PATIENTS, "patients"), out / "patients.parquet")
    write_parquet_atomic(to_table(eligibility, "eligibility"), out / "eligibility.parquet")
    run = {"out_dir": str(out), "run_id": "r1"}
    if with_input:
        run["input"] = str(archive)
    write_bytes_atomic(json.dumps(run).encode(), out / ".nelm" / "run.json")
    return archive


@pytest.fixture()
def run_dir(tmp_path: Path) -> Path:
    """Fixed statuses (STATUS), for filtering."""
    out = tmp_path / "out"
    build_run(out)
    return out


@pytest.fixture()
def decided_dir(tmp_path: Path) -> Path:
    """Statuses from the decision module, for explanations."""
    out = tmp_path / "out"
    build_run(out, decided=True)
    return out

"""Decision rules (configs/decision/eligibility.v1.yaml) through pipeline.decision: table-driven.

Each case table row names the rule ids it expects in ``reasons``, ``needs_review`` or the explain trace;
``test_decision_every_rule_id_is_covered`` checks that together they cover every id in the rule file.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest
import yaml

from pipeline.decision import (
    ELIGIBILITY_COLUMNS,
    THERAPIES,
    decide_frame,
    decide_patient,
    derive,
    explain_patient,
    load_ruleset,
    normalize_features,
)
from pipeline.errors import RuleFileError

V1 = Path(__file__).resolve().parents[2] / "configs" / "decision" / "eligibility.v1.yaml"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "nelm_review_2020.txt"
AS_OF = dt.date(2021, 1, 1)

#: A patient for whom every report- and clinician-derivable fact is favourable and supplied.
BASE: dict[str, Any] = {
    "patient_id": "T", "as_of": AS_OF,
    "liver_lesion_count": 1, "liver_lesion_count_category": "single", "largest_liver_lesion_mm": 20.0,
    "liver_segments": ["7"], "bilobar": False, "liver_involvement_percent": 10.0,
    "lesion_near_major_vessel": False, "hilar_or_central_bile_duct": False,
    "extrahepatic_sites": [], "extrahepatic_burden": "none", "peritoneal_carcinomatosis": False,
    "sstr_avid": True, "ki67_percent": 5.0, "mitoses_per_2mm2": 1.0, "who_grade": "G2", "differentiation": "well",
    "primary_site": "ileum", "primary_resected": True, "prior_pancreatoduodenectomy": False,
    "age_years": 45, "ecog_ps": 0, "flr_percent": 40.0, "right_heart_failure": False,
    "disease_stable_months": 12.0, "carcinoid_syndrome": False, "hormonal_syndrome_refractory": False,
}
#: BASE but not resectable (resectable fraction 60% -> R10c), so the transplant pathway is open.
TX = {**BASE, "resectable_fraction_percent": 60.0}
#: grade fully unknown
NO_GRADE = {"ki67_percent": None, "mitoses_per_2mm2": None, "who_grade": None, "differentiation": None}
#: multifocal bilobar disease (transarterial indicated); resection needs the surgeon's fraction (R10g)
MB = {"liver_lesion_count": 5, "liver_lesion_count_category": "multiple", "bilobar": True, "liver_segments": ["2", "7"]}
#: well-differentiated G3 from Ki-67 alone
G3 = {"who_grade": None, "mitoses_per_2mm2": None, "ki67_percent": 25.0}
#: resection ineligible for a reason outside the liver (R12), so cascades open without touching the liver
NOT_FIT = {"right_heart_failure": True}

_ID = r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z]+)?"


def reason_ids(lines: list[str]) -> set[str]:
    """Rule ids of reason lines, including the ids inside the SBRT summary's parentheses."""
    found: set[str] = set()
    for line in lines:
        found |= set(re.findall(rf"(?:^|\(|; )({_ID}):", line))
    return found


def review_ids(lines: list[str]) -> set[str]:
    """Ids that open needs_review entries ("CR1 performance status", "AP3 ... not assessed")."""
    return {line.split(" ", 1)[0] for line in lines}


def row_of(features: dict[str, Any], therapy: str, ruleset: Any = None) -> dict[str, Any]:
    rows = {r["therapy"]: r for r in decide_patient(features, ruleset)}
    return rows[therapy]


class Case(NamedTuple):
    """One table row: features = BASE-like dict; expectations on one therapy row."""

    features: dict[str, Any]
    therapy: str
    status: str
    reasons: tuple[str, ...] = ()     # ids that must appear in reasons
    absent: tuple[str, ...] = ()      # ids that must not appear in reasons
    missing: tuple[str, ...] | None = None  # exact missing list (None = not checked)
    review: tuple[str, ...] = ()      # ids that must open a needs_review entry
    fired: tuple[str, ...] = ()       # ids that must be in the explain trace (U and SUP rules print nowhere else)
    contains: tuple[str, ...] = ()    # substrings of some reason or needs_review entry


def c(base: dict[str, Any], therapy: str, status: str, *, id: str, **kw: Any) -> Any:
    overrides = kw.pop("set", {})
    return pytest.param(Case({**base, **overrides}, therapy, status, **kw), id=id)


RESECTION_CASES = [
    c(BASE, "resection", "eligible", reasons=("R10f",), review=("CR1", "CR2", "CR3", "CR4", "CR7"), missing=(),
      id="unilobar-proxy"),  # DC4: unilobar disease counts as resectable, surgeon confirms (CR7)
    c(BASE, "resection", "ineligible", set={"liver_lesion_count": 0, "liver_lesion_count_category": "none",
      "largest_liver_lesion_mm": None, "bilobar": None, "liver_segments": []}, reasons=("R1",), missing=(),
      id="no-lesions"),  # R1; an ineligible row lists no missing features even though bilobar is null
    c(BASE, "resection", "ineligible", set={"differentiation": "poorly"}, reasons=("R2",), absent=("R4",),
      id="poorly-differentiated"),  # R2 (D1 forces G3)
    c(BASE, "resection", "ineligible", set={"tumor_type": "NEC", "differentiation": None}, reasons=("R2",),
      id="nec-tumour-type"),  # tumor_type NEC -> poorly (§7)
    c(BASE, "resection", "ineligible", set={**G3, "ki67_percent": 55.0}, reasons=("R3",), absent=("R4",),
      id="ki67-55.0"),  # DC2: exactly 55 is in the >=55 group
    c(BASE, "resection", "indeterminate", set={**G3, "ki67_percent": 54.9}, reasons=("R4",), absent=("R3",),
      missing=(), id="ki67-54.9"),  # R4 relative contraindication, nothing missing
    c(BASE, "resection", "indeterminate", set=NO_GRADE, missing=("ki67_percent", "mitoses_per_2mm2", "who_grade"),
      review=("CR9",), fired=("R5",), id="grade-unknown"),  # R5 case 1 + CR9
    c(BASE, "resection", "indeterminate", set={**G3, "differentiation": None}, missing=("differentiation",),
      fired=("R5",), id="g3-differentiation-null"),  # G4: NET-G3 vs NEC unknown
    c(BASE, "resection", "indeterminate", set={"who_grade": "G3", "ki67_percent": None, "mitoses_per_2mm2": None},
      missing=("ki67_percent",), review=("CR9",), fired=("R5",), id="g3-ki67-null"),  # R5 case 3
    c(BASE, "resection", "ineligible", set={"extrahepatic_sites": ["peritoneum"], "extrahepatic_burden": "low"},
      reasons=("R6",), id="peritoneal-site"),  # D8 from the site list
    c(BASE, "resection", "ineligible", set={"peritoneal_carcinomatosis": True, "extrahepatic_sites": None},
      reasons=("R6",), id="peritoneal-flag-list-null"),  # D8 true even with the list unknown
    c(BASE, "resection", "ineligible", set={"extrahepatic_sites": ["bone"], "extrahepatic_burden": "high"},
      reasons=("R7",), id="eh-high"),  # DC5 high burden
    c(BASE, "resection", "indeterminate", set={"extrahepatic_sites": ["bone"], "extrahepatic_burden": "low"},
      reasons=("R8",), review=("CR8",), missing=(), id="eh-low-bone"),  # DC5 low burden -> RC + CR8
    c(BASE, "resection", "indeterminate", set={"extrahepatic_sites": None}, missing=("extrahepatic_sites",),
      fired=("R9",), id="eh-list-null"),  # R9 case 1
    c(BASE, "resection", "indeterminate", set={"extrahepatic_sites": ["lung"], "extrahepatic_burden": None},
      missing=("extrahepatic_burden",), fired=("R9",), id="eh-sites-burden-null"),  # R9 case 2
    c(BASE, "resection", "eligible", set={"resectable_fraction_percent": 100.0}, reasons=("R10a",),
      absent=("R10f",), contains=("curative",), id="fraction-100"),  # R10a curative
    c(BASE, "resection", "eligible", set={"resectable_fraction_percent": 90.1}, reasons=("R10a",),
      contains=("debulking",), id="fraction-90.1"),  # DC3: >90 passes
    c(BASE, "resection", "indeterminate", set={"resectable_fraction_percent": 90.0}, reasons=("R10b",),
      id="fraction-90"),  # DC3: exactly 90 is RC
    c(BASE, "resection", "indeterminate", set={"resectable_fraction_percent": 70.1}, reasons=("R10b",),
      id="fraction-70.1"),  # DC3: >70 is RC
    c(BASE, "resection", "ineligible", set={"resectable_fraction_percent": 70.0}, reasons=("R10c",),
      id="fraction-70"),  # DC3: exactly 70 is HX
    c(BASE, "resection", "ineligible", set={"anatomic_resectability": "unresectable"}, reasons=("R10d",),
      id="stated-unresectable"),  # R10d
    c(BASE, "resection", "eligible", set={**MB, "anatomic_resectability": "resectable"}, reasons=("R10e",),
      absent=("R10g",), id="stated-resectable-bilobar"),  # R10e beats the bilobar proxy
    c(BASE, "resection", "indeterminate", set={"liver_lesion_count": 2, "liver_lesion_count_category": "few",
      "bilobar": True}, missing=("resectable_fraction_percent",), review=("CR7",), fired=("R10g",),
      id="bilobar-needs-fraction"),  # R10g
    c(BASE, "resection", "indeterminate", set={"bilobar": None, "liver_segments": None}, missing=("bilobar",),
      fired=("R10h",), id="bilobar-null"),  # R10h
    c(BASE, "resection", "indeterminate", set={"primary_resected": False, "primary_resectable": False},
      reasons=("R11",), id="primary-unresectable"),  # R11
    c(BASE, "resection", "eligible", set={"primary_resected": None}, review=("R11",),
      contains=("R11 primary tumour resectability not assessed",), id="primary-status-null"),  # §0 not assessed
    c(BASE, "resection", "ineligible", set={**NOT_FIT, "ecog_ps": 2}, reasons=("R12",), absent=("R10f", "R14b"),
      review=(), id="right-heart-failure"),  # R12; an ineligible row lists its HX/NI reasons alone (§8)
    c(BASE, "resection", "ineligible", set={"flr_percent": 19.9}, reasons=("R13",), id="flr-19.9"),  # DC14
    c(BASE, "resection", "eligible", set={"flr_percent": 20.0}, absent=("R13",), id="flr-20"),  # exactly 20 passes
    c(BASE, "resection", "indeterminate", set={"ecog_ps": 2}, reasons=("R14b",), id="ecog-2"),  # DC13 RC
    c(BASE, "resection", "ineligible", set={"ecog_ps": 3}, reasons=("R14a",), id="ecog-3"),  # DC13 HX
    c(BASE, "resection", "eligible", set={"ki67_percent": 2.9, "who_grade": "G1", "mitoses_per_2mm2": 1.0},
      fired=("R-SUP",), id="g1-supporting"),  # SUP is logged, state unchanged
    c(BASE, "resection", "eligible", set={"extrahepatic_sites": ["lymph_node"], "extrahepatic_burden": "low",
      "primary_resected": False, "primary_resectable": True}, review=("CR16",), id="nodes-primary-in-situ"),  # D9/DC19
    c(BASE, "resection", "indeterminate", set={"extrahepatic_sites": ["lymph_node"], "extrahepatic_burden": "low"},
      reasons=("R8",), id="nodes-primary-resected"),  # DC19: nodes count once the primary is out
    c(BASE, "resection", "eligible", set={"primary_site": "pancreas", "extrahepatic_sites": ["pancreas"],
      "extrahepatic_burden": "low", "primary_resected": False, "primary_resectable": True},
      id="primary-organ-in-situ"),  # DC6: the primary's own organ is not extrahepatic disease
]

ABLATION_CASES = [
    c(BASE, "ablation", "eligible", reasons=("AP", "AC2a", "S"), review=("CR5",), id="percutaneous"),  # AP eligible
    c(BASE, "ablation", "eligible", set={"largest_liver_lesion_mm": 34.9}, reasons=("AP",), absent=("AP2a",),
      id="size-34.9"),  # DC9 edge
    c(BASE, "ablation", "ineligible", set={"largest_liver_lesion_mm": 35.0}, reasons=("AP2a", "AC2a"),
      id="size-35.0"),  # exactly 35 fails
    c(BASE, "ablation", "eligible", set={"liver_lesion_count": 3, "liver_lesion_count_category": "few"},
      reasons=("AP", "AC"), absent=("AP1b",), review=("CR3", "CR5", "CR7", "CR11"), fired=("AC-CR",),
      id="count-3"),  # both sub-flags; AC-CR lists CR11
    c(BASE, "ablation", "eligible", set={"liver_lesion_count": 4, "liver_lesion_count_category": "multiple"},
      reasons=("AP1b", "AC"), id="count-4"),  # AP1b; concomitant keeps ablation eligible
    c(BASE, "ablation", "eligible", set={"liver_lesion_count": None, "liver_lesion_count_category": "few"},
      reasons=("AP", "AC"), absent=("AP1b",), id="category-few"),  # few = 2-3 passes
    c(BASE, "ablation", "eligible", set={"liver_lesion_count": None, "liver_lesion_count_category": "multiple"},
      reasons=("AP1b", "AC"), id="category-multiple"),  # DC18: multiple = >=4
    c(BASE, "ablation", "ineligible", set={"liver_lesion_count": 0, "liver_lesion_count_category": "none",
      "largest_liver_lesion_mm": None, "bilobar": None}, reasons=("AP1a", "AC1"), id="no-lesions"),  # AP1a
    c(BASE, "ablation", "indeterminate", set={"liver_lesion_count": None, "liver_lesion_count_category": None},
      missing=("liver_lesion_count", "liver_lesion_count_category"), fired=("AP1c", "AC2b"),
      id="count-and-category-null"),  # AP1c + AC2b
    c(BASE, "ablation", "indeterminate", set={"largest_liver_lesion_mm": None},
      missing=("largest_liver_lesion_mm",), fired=("AP2b",), id="size-null"),  # AP2b
    c(BASE, "ablation", "indeterminate", set={"lesion_near_major_vessel": True}, reasons=("AP3",), missing=(),
      id="near-vessel"),  # AP3 RC
    c(BASE, "ablation", "eligible", set={"liver_lesion_count": 2, "liver_lesion_count_category": "few",
      "lesion_near_major_vessel": None, "hilar_or_central_bile_duct": None}, review=("AP3", "AC3"),
      id="proximity-null"),  # §0: null RC feature -> "not assessed", state unchanged
    c(BASE, "ablation", "indeterminate", set={"liver_lesion_count": 2, "liver_lesion_count_category": "few",
      "hilar_or_central_bile_duct": True}, reasons=("AP3", "AC3"), id="hilar"),  # AP3 and AC3 RC
    c(BASE, "ablation", "indeterminate", set={"peritoneal_carcinomatosis": True}, reasons=("AP4", "AC1"),
      id="peritoneal"),  # AP4 RC; resection ineligible -> AC1 NI
    c(BASE, "ablation", "indeterminate", set={**G3, "ki67_percent": 60.0}, reasons=("AP5", "AC1"),
      id="nec-like"),  # DC8: NEC-like is RC for non-surgical therapy
    c(BASE, "ablation", "eligible", set=NO_GRADE, review=("CR9",), id="grade-unknown"),  # DC15: non-blocking + CR9
    c(BASE, "ablation", "eligible", set={"recurrent_after_resection": True}, fired=("AP-SUP",),
      id="recurrence-supporting"),  # AP-SUP logged only
    c(BASE, "ablation", "indeterminate", set={"liver_lesion_count": 2, "liver_lesion_count_category": "few",
      "largest_liver_lesion_mm": 40.0, "extrahepatic_sites": None}, reasons=("AC4", "AP2a"),
      missing=("extrahepatic_sites",), id="resection-indeterminate"),  # AC4 inherits resection's missing
    # SBRT (advisory line S under ablation)
    c(BASE, "ablation", "ineligible", set={**NOT_FIT, "largest_liver_lesion_mm": 40.0}, reasons=("S", "AP2a", "AC1"),
      contains=("S: SBRT can be considered",), id="sbrt-candidate"),  # S1-S4 all met
    c(BASE, "ablation", "ineligible", set={"largest_liver_lesion_mm": 52.0}, reasons=("S", "S3"),
      contains=("S: SBRT not indicated (S3: resection eligible)",), id="sbrt-resection-eligible"),  # S3 NI
    c(BASE, "ablation", "ineligible", set={"largest_liver_lesion_mm": 40.0, "ecog_ps": 2}, reasons=("S", "S3"),
      contains=("S: SBRT indeterminate (S3: resection indeterminate)",), id="sbrt-resection-indeterminate"),  # S3 U
    c(BASE, "ablation", "eligible", set={**NOT_FIT, "largest_liver_lesion_mm": 30.0}, reasons=("S2", "S4"),
      contains=("S: SBRT not a candidate",), id="sbrt-size-30"),  # exactly 30 fails S2; AP eligible -> S4 NI
    c(BASE, "ablation", "eligible", set={**NOT_FIT, "largest_liver_lesion_mm": 30.1}, reasons=("S4",),
      absent=("S2",), contains=("S: SBRT not indicated (S4",), id="sbrt-size-30.1"),  # 30-35 mm: ablation first
    c(BASE, "ablation", "eligible", set={**NOT_FIT, "liver_lesion_count": 2, "liver_lesion_count_category": "few"},
      reasons=("S1",), id="sbrt-not-solitary"),  # S1
    # S4 U: percutaneous ablation indeterminate (AP3)
    c(BASE, "ablation", "indeterminate", set={**NOT_FIT, "largest_liver_lesion_mm": 30.5,
      "lesion_near_major_vessel": True}, reasons=("S4", "AP3"),
      contains=("S: SBRT indeterminate (S4: percutaneous ablation indeterminate)",), id="sbrt-percutaneous-unknown"),
    c(BASE, "ablation", "ineligible", set={"largest_liver_lesion_mm": 40.0, "extrahepatic_sites": ["peritoneum"],
      "extrahepatic_burden": "low"}, reasons=("S5", "AP2a", "AC1"), contains=("S: SBRT indeterminate (S5",),
      id="sbrt-significant-eh"),  # S5 RC (resection ineligible through R6)
]

TRANSARTERIAL_CASES = [
    c(BASE, "transarterial", "ineligible", reasons=("T2a",), missing=(), id="resectable-unilobar"),  # T2a NI
    c(BASE, "transarterial", "eligible", set=MB, reasons=("T2", "T-note"), review=("CR5",), fired=("T-CR",),
      id="mb"),  # T2 indicated; T-CR lists CR5
    c(BASE, "transarterial", "eligible", set=NOT_FIT, reasons=("T2",), absent=("T2a",),
      id="resection-ineligible"),  # T2 indicated (not a resection candidate)
    c(BASE, "transarterial", "indeterminate", set={"liver_lesion_count": 2, "liver_lesion_count_category": "few",
      "bilobar": None, "liver_segments": None}, reasons=("T2b",), missing=("bilobar",), id="mb-null"),  # T2b
    c(BASE, "transarterial", "indeterminate", set={"liver_lesion_count": 2, "liver_lesion_count_category": "few",
      "ecog_ps": 2}, reasons=("T2b",), missing=(), id="resection-indeterminate"),  # T2b follows resection
    c(BASE, "transarterial", "ineligible", set={"liver_lesion_count": 0, "liver_lesion_count_category": "none",
      "bilobar": None}, reasons=("T1",), id="no-lesions"),  # T1
    c(BASE, "transarterial", "indeterminate", set={**MB, "extrahepatic_sites": ["bone", "lung"],
      "extrahepatic_burden": "high"}, reasons=("T2", "T3"), id="eh-high"),  # T3 RC
    c(BASE, "transarterial", "indeterminate", set={**MB, **G3, "ki67_percent": 70.0}, reasons=("T4",),
      id="nec-like"),  # T4 RC (DC8)
    c(BASE, "transarterial", "eligible", set={**MB, **NO_GRADE}, review=("CR9",), id="grade-unknown"),  # non-blocking
    c(BASE, "transarterial", "eligible", set={**MB, "prior_pancreatoduodenectomy": True}, reasons=("T5",),
      contains=("avoid lobar TACE",), id="prior-whipple"),  # T5 mandatory modifier
    c(BASE, "transarterial", "eligible", set={**MB, "prior_pancreatoduodenectomy": None}, review=("CR10",),
      id="whipple-unknown"),  # CR10
    c(BASE, "transarterial", "eligible", set={**MB, "liver_involvement_percent": 60.0}, review=("CR5",),
      contains=("high tumour burden: liver involvement 60% > 50%",), id="high-burden-labs"),  # T-CR emphasis
    c(BASE, "transarterial", "eligible", set={**MB, "carcinoid_syndrome": None}, review=("T-SUP",),
      id="carcinoid-not-assessed"),  # §0 not assessed
    c(BASE, "transarterial", "eligible", set={**MB, "carcinoid_syndrome": True}, fired=("T-SUP",),
      id="carcinoid-supporting"),  # T-SUP logged
    c(BASE, "transarterial", "eligible", set={**MB, "hormonal_syndrome_refractory": None}, review=("CR12",),
      id="hormonal-unknown"),  # CR12
]

TRANSPLANT_CASES = [
    # AND3(L0, Milan, ENETS) all pass; L summary, CR1 + CR6
    c(TX, "transplant", "eligible", reasons=("L",), review=("CR1", "CR6"), missing=(), id="milan-and-enets"),
    c(BASE, "transplant", "ineligible", reasons=("L0",), review=("CR6",), id="resectable"),  # L0 NI, CR6 still listed
    c(BASE, "transplant", "indeterminate", set=MB, reasons=("L0",), missing=("resectable_fraction_percent",),
      id="resection-indeterminate"),  # L0 U inherits resection's missing
    c(TX, "transplant", "ineligible", set=G3, reasons=("L1",), id="g3"),  # L1 HX
    c(TX, "transplant", "indeterminate", set=NO_GRADE, missing=("ki67_percent", "mitoses_per_2mm2", "who_grade"),
      review=("CR9",), fired=("L1",), id="grade-unknown"),  # L1 U
    # explicit in-situ cue -> false
    c(TX, "transplant", "ineligible", set={"primary_resected": False}, reasons=("L2",), id="primary-in-situ"),
    c(TX, "transplant", "indeterminate", set={"primary_resected": None}, missing=("primary_resected",),
      fired=("L2",), id="primary-status-null"),  # L2 U
    # L3: lung is not portal-drained (D7)
    c(TX, "transplant", "ineligible", set={"primary_site": "lung"}, reasons=("L3",), id="lung-primary"),
    c(TX, "transplant", "indeterminate", set={"primary_site": "rectum"}, missing=("primary_portal_drained",),
      fired=("L3",), id="rectal-primary"),  # D7: rectum has mixed drainage
    c(TX, "transplant", "eligible", set={"primary_site": "rectum", "primary_portal_drained": True},
      id="rectal-portal-override"),  # D7 override
    c(TX, "transplant", "indeterminate", set={"primary_site": None}, missing=("primary_portal_drained", "primary_site"),
      fired=("L3",), id="primary-site-null"),  # L3 U: portal drainage unknown
    c(TX, "transplant", "eligible", set={"liver_involvement_percent": 49.9}, id="involvement-49.9"),  # DC12 strict
    # L4: exactly 50 fails (<50% strict)
    c(TX, "transplant", "ineligible", set={"liver_involvement_percent": 50.0}, reasons=("L4",), id="involvement-50"),
    c(TX, "transplant", "indeterminate", set={"liver_involvement_percent": None},
      missing=("liver_involvement_percent",), fired=("L4",), id="involvement-null"),  # L4 U
    # L5: not yet 6 months
    c(TX, "transplant", "ineligible", set={"disease_stable_months": 5.9}, reasons=("L5",), id="stable-5.9"),
    c(TX, "transplant", "eligible", set={"disease_stable_months": 6.0}, id="stable-6"),  # inclusive minimum
    c(TX, "transplant", "indeterminate", set={"disease_stable_months": None}, missing=("disease_stable_months",),
      fired=("L5",), id="stable-null"),  # L5 U
    c(TX, "transplant", "eligible", set={"age_years": 54}, id="age-54"),  # L6 edge: 54 passes
    c(TX, "transplant", "ineligible", set={"age_years": 55}, reasons=("L6",), id="age-55"),  # "Age <55"
    # L6 U
    c(TX, "transplant", "indeterminate", set={"age_years": None}, missing=("age_years",), fired=("L6",), id="age-null"),
    c(TX, "transplant", "ineligible", set={"extrahepatic_sites": ["bone"], "extrahepatic_burden": "low"},
      reasons=("L7",), id="extrahepatic"),  # L7 HX
    c(TX, "transplant", "indeterminate", set={"extrahepatic_sites": None}, missing=("extrahepatic_sites",),
      fired=("L7",), id="extrahepatic-null"),  # L7 U
    c(TX, "transplant", "eligible", set={"hormonal_syndrome_refractory": True}, review=("CR12",), fired=("L-SUP", "L8"),
      id="hormonal-supporting"),  # L-SUP logged; L8 is always a clinician item (CR6)
]

PRRT_CASES = [
    # P2 satisfied; P-note (resection first); Y1 SSA, Y6 everolimus
    c(BASE, "prrt", "eligible", reasons=("P2", "P-note", "Y1", "Y6"), missing=(), id="avid"),
    c(BASE, "prrt", "ineligible", set={"sstr_avid": False}, reasons=("P2a", "Y1", "Y6"), absent=("P-note",),
      id="not-avid"),  # P2a; Y notes stay, P-note goes with the ineligible row
    c(BASE, "prrt", "indeterminate", set={"sstr_avid": None}, missing=("sstr_avid",), review=("CR14",),
      fired=("P2b",), id="avidity-null"),  # P2b + CR14
    c(BASE, "prrt", "ineligible", set={"liver_lesion_count": 0, "liver_lesion_count_category": "none",
      "bilobar": None}, reasons=("P1",), id="no-disease"),  # P1
    # P1 needs no liver AND no extrahepatic disease
    c(BASE, "prrt", "eligible", set={"liver_lesion_count": 0, "liver_lesion_count_category": "none", "bilobar": None,
      "extrahepatic_sites": ["bone"], "extrahepatic_burden": "low"}, absent=("P1",), id="extrahepatic-only"),
    c(BASE, "prrt", "indeterminate", set=G3, reasons=("P3", "Y3"), id="g3"),  # DC7 RC; CAPTEM note
    c(BASE, "prrt", "eligible", set=NO_GRADE, review=("CR9",), absent=("Y1",), id="grade-unknown"),  # non-blocking
    c(BASE, "prrt", "indeterminate", set={**G3, "ki67_percent": 60.0}, reasons=("P3", "Y4"), absent=("Y3",),
      id="ki67-60"),  # Y4 platinum/etoposide
    c(BASE, "prrt", "indeterminate", set={"who_grade": "G3", "ki67_percent": None, "mitoses_per_2mm2": None},
      reasons=("Y5",), review=("CR9",), id="g3-no-ki67"),  # Y5 + CR9
    # Y2 (PNET drugs), not Y6
    c(BASE, "prrt", "eligible", set={"primary_site": "pancreas"}, reasons=("Y2",), absent=("Y6",), id="pancreas"),
    c(BASE, "prrt", "eligible", set={"primary_site": "lung"}, reasons=("Y6",), id="lung"),  # Y6 covers pulmonary NET
    c(BASE, "prrt", "eligible", set={"primary_site": "pancreas", "resectable_fraction_percent": 60.0},
      reasons=("Y7",), id="pancreas-extent"),  # Y7 downstaging note
    c(BASE, "prrt", "eligible", set={"carcinoid_syndrome": True, **NO_GRADE}, reasons=("Y1",),
      id="carcinoid-ssa"),  # Y1 from the syndrome alone
    # P-note second variant: mb true, resection not eligible
    c(BASE, "prrt", "eligible", set=MB, reasons=("P-note",),
      contains=("P-note: PRRT is positioned for multifocal bilobar",), id="positioning-note"),
]


def check(case: Case, ruleset: Any = None) -> None:
    row = row_of(case.features, case.therapy, ruleset)
    assert row["status"] == case.status, row
    got = reason_ids(row["reasons"])
    assert set(case.reasons) <= got, (case.reasons, row["reasons"])
    assert not (set(case.absent) & got), (case.absent, row["reasons"])
    if case.missing is not None:
        assert row["missing"] == sorted(case.missing), row
    assert set(case.review) <= review_ids(row["needs_review"]), (case.review, row["needs_review"])
    if case.fired:
        trace = explain_patient(case.features, ruleset)["therapies"][case.therapy]["rules"]
        assert set(case.fired) <= {t["id"] for t in trace}, trace
    text = row["reasons"] + row["needs_review"]
    for fragment in case.contains:
        assert any(fragment in line for line in text), (fragment, text)
    if row["status"] != "indeterminate":
        assert row["missing"] == []


@pytest.mark.parametrize("case", RESECTION_CASES)
def test_decision_resection(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", ABLATION_CASES)
def test_decision_ablation(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", TRANSARTERIAL_CASES)
def test_decision_transarterial(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", TRANSPLANT_CASES)
def test_decision_transplant(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", PRRT_CASES)
def test_decision_prrt(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------------------------------------
# The five example rows of decision_rules.md §8

P1 = {
    "patient_id": "P1", "as_of": dt.date(2020, 5, 1), "liver_lesion_count": 1, "liver_lesion_count_category": "single",
    "largest_liver_lesion_mm": 52.0, "bilobar": False, "extrahepatic_sites": [], "extrahepatic_burden": "none",
    "peritoneal_carcinomatosis": False, "who_grade": "G2", "age_years": 61, "sstr_avid": True,
    "primary_site": "ileum", "primary_resected": True,
}


@pytest.mark.parametrize("therapy,status,reasons,review", [
    ("resection", "eligible", {"R10f"}, {"CR1", "CR2", "CR3", "CR4", "CR7"}),  # unilobar proxy
    ("ablation", "ineligible", {"AP2a", "AC2a", "S"}, set()),                   # 52 mm, solitary, SBRT NI
    ("transarterial", "ineligible", {"T2a"}, set()),                            # resection preferred
    ("transplant", "ineligible", {"L0", "L6"}, {"CR6"}),                        # resectable; age 61
    ("prrt", "eligible", {"P2", "P-note", "Y1", "Y6"}, set()),                  # avid; resection first
])
def test_decision_example_p1(therapy: str, status: str, reasons: set[str], review: set[str]) -> None:
    row = row_of(P1, therapy)
    assert row["status"] == status
    assert {line.split(":", 1)[0] for line in row["reasons"]} == reasons
    assert review_ids(row["needs_review"]) == review
    assert row["missing"] == []
    assert row["rules_version"] == "nelm-rules-1"
    assert row["as_of"] == dt.date(2020, 5, 1)
    assert row["reasons"] == sorted(set(row["reasons"]))


def test_decision_example_p1_sentences() -> None:
    rows = {r["therapy"]: r for r in decide_patient(P1)}
    assert "AP2a: largest lesion 52 mm >= 35 mm (percutaneous)" in rows["ablation"]["reasons"]
    assert "L6: age 61 >= 55 (Milan)" in rows["transplant"]["reasons"]
    assert "S: SBRT not indicated (S3: resection eligible)" in rows["ablation"]["reasons"]
    assert rows["resection"]["needs_review"][-1] == "CR7 surgeon resectable fraction"


# ---------------------------------------------------------------------------------------------
# §7 overrides and cross-cutting review items

@pytest.mark.parametrize("features,therapy,status,fragment", [
    ({**BASE, "grade_discordant": True}, "transarterial", "ineligible", "CR13"),  # merged values only: CR13 on every row
    ({**BASE, "grade_discordant": True, "ki67_percent_worst": 60.0}, "resection", "indeterminate",
     "ineligible with the worst-specimen values"),  # re-run flips eligible -> ineligible: indeterminate
    ({**BASE, "grade_discordant": True, "ki67_percent_worst": 8.0}, "resection", "eligible", "CR13"),  # no change
    ({**BASE, "tumor_type": "MiNEN"}, "resection", "indeterminate", "CR13"),  # MiNEN: eligible -> indeterminate
    ({**BASE, "tumor_type": "MiNEN"}, "prrt", "indeterminate", "CR13"),
    ({**BASE, "tumor_type": "MiNEN"}, "transarterial", "ineligible", "CR13"),  # ineligible stays ineligible
    ({**BASE, "who_grade": "G1"}, "resection", "eligible", "CR13"),  # G3: reported G1 vs computed G2
    ({**BASE, "index_date": AS_OF + dt.timedelta(days=91)}, "transplant", "ineligible", "CR15"),  # stale staging
    ({**BASE, "index_date": AS_OF + dt.timedelta(days=91), "last_imaging_date": AS_OF + dt.timedelta(days=10)},
     "resection", "eligible", None),  # the imaging date, when supplied, wins over as_of
    ({**BASE, "index_date": AS_OF + dt.timedelta(days=90)}, "resection", "eligible", None),  # exactly 90: fresh
])
def test_decision_overrides(features: dict[str, Any], therapy: str, status: str, fragment: str | None) -> None:
    row = row_of(features, therapy)
    assert row["status"] == status
    if fragment is None:
        assert not {"CR13", "CR15"} & review_ids(row["needs_review"])
    else:
        assert any(fragment in line for line in row["needs_review"]), row["needs_review"]


def test_decision_discordance_explain_reports_change() -> None:
    report = explain_patient({**BASE, "grade_discordant": True, "ki67_percent_worst": 60.0})["overrides"]
    assert report["discordance"]["worst_values"] == {"ki67_percent": 60.0}
    assert report["discordance"]["changed"]["resection"] == "ineligible"


# ---------------------------------------------------------------------------------------------
# Derived variables (§2) and grading (§3): rows tagged with the id they cover

DERIVE_CASES = [
    ("G1", {"ki67_percent": 2.9}, {"ki67_grade": "G1", "grade": "G1"}),  # <3 -> G1
    ("G1", {"ki67_percent": 3.0}, {"ki67_grade": "G2"}),  # 3.0 is G2
    ("G1", {"ki67_percent": 20.0}, {"ki67_grade": "G2"}),  # 20.0 is G2 (inclusive)
    ("G1", {"ki67_percent": 20.5}, {"ki67_grade": "G3", "grade": "G3"}),  # >20 -> G3
    ("G2", {"mitoses_per_2mm2": 1.9}, {"mitotic_grade": "G1"}),
    ("G2", {"mitoses_per_2mm2": 2.0}, {"mitotic_grade": "G2"}),
    ("G2", {"mitoses_per_2mm2": 20.0}, {"mitotic_grade": "G2"}),
    ("G2", {"mitoses_per_2mm2": 20.5}, {"mitotic_grade": "G3"}),
    ("G3", {"ki67_percent": 2.0, "mitoses_per_2mm2": 5.0, "who_grade": "G1"},
     {"grade": "G2", "grade_report_mismatch": True, "grade_single_index": False}),  # the higher wins; mismatch
    ("G3", {"ki67_percent": 8.0}, {"grade": "G2", "grade_single_index": True, "grade_report_mismatch": None}),
    ("G3", {"who_grade": "G2"}, {"grade": "G2", "grade_report_mismatch": None}),  # reported grade alone
    ("G3", {}, {"grade": None}),  # all null -> unknown
    ("G4", {"ki67_percent": 30.0}, {"grade": "G3", "diff": None, "nec_like": None}),  # NET-G3 vs NEC unknown
    ("G5", {"ki67_percent": 54.9}, {"ki67_ge55": False}),
    ("D1", {"ki67_percent": 5.0, "differentiation": "poorly"}, {"grade": "G3", "nec_like": True}),  # NEC forces G3
    ("D2", {"who_grade": "G2"}, {"diff": "well"}),  # inferred well
    ("D2", {"tumor_type": "NEC"}, {"diff": "poorly", "grade": "G3"}),
    ("D3", {"ki67_percent": 55.0}, {"ki67_ge55": True}),  # DC2
    ("D3", {"who_grade": "G1"}, {"ki67_ge55": False}),  # G1/G2 without Ki-67 -> false
    ("D3", {"who_grade": "G3"}, {"ki67_ge55": None}),  # G3 without Ki-67 -> null
    ("D4", {"ki67_percent": 40.0, "differentiation": "well"}, {"nec_like": False}),
    ("D5", {"liver_lesion_count": 3, "liver_lesion_count_category": "multiple"},
     {"count_lo": 3, "count_hi": 3, "count_ge4": False, "multifocal": True, "solitary": False}),  # count beats category
    ("D5", {"liver_lesion_count": 4}, {"count_ge4": True}),
    ("D5", {"liver_lesion_count_category": "few"}, {"count_lo": 2, "count_hi": 3, "count_ge4": False}),
    ("D5", {"liver_lesion_count_category": "multiple"}, {"count_lo": 4, "count_hi": float("inf"), "count_ge4": True}),
    ("D5", {"liver_lesion_count_category": "single"}, {"solitary": True, "multifocal": False}),
    ("D5", {"bilobar": True}, {"multifocal": True, "solitary": False, "count_ge4": None}),  # DC17
    ("D5", {}, {"multifocal": None, "solitary": None}),
    ("D6", {"liver_lesion_count": 1, "bilobar": None}, {"mb": False}),  # one lesion is never mb
    ("D6", {"liver_lesion_count": 3, "bilobar": None}, {"mb": None}),
    ("D6", {"liver_segments": ["3", "6"], "liver_lesion_count": 2}, {"mb": True}),  # bilobar from segments (§1)
    ("D7", {"primary_site": "rectum"}, {"portal": None}),
    ("D7", {"primary_site": "lung"}, {"portal": False}),
    ("D7", {"primary_site": "Small bowel"}, {"portal": True}),  # normalised spelling
    ("D7", {"primary_site": "lung", "primary_portal_drained": True}, {"portal": True}),
    ("D8", {"extrahepatic_sites": ["bone"]}, {"peritoneal": False}),
    ("D8", {"peritoneal_carcinomatosis": True}, {"peritoneal": True, "eh_present": True}),
    ("D8", {}, {"peritoneal": None, "eh_present": None}),
    ("D9", {"extrahepatic_sites": ["bowel", "lymph_node"], "primary_site": "ileum", "primary_resected": False},
     {"eh_present": False, "eh_sites": [], "nodes_presumed_regional": True}),  # DC6
    ("D9", {"extrahepatic_sites": ["bowel", "lymph_node"], "primary_site": "ileum", "primary_resected": None},
     {"eh_present": True, "nodes_presumed_regional": False}),  # only a literal false drops
    ("D9", {"extrahepatic_sites": []}, {"eh_present": False}),
    ("D10", {"extrahepatic_sites": []}, {"eh_burden": "none"}),
    ("D10", {"extrahepatic_sites": ["bone"], "extrahepatic_burden": "none"}, {"eh_burden": None}),  # inconsistent -> null
    ("D11", {"extrahepatic_sites": ["bone"], "extrahepatic_burden": "high"}, {"sig_eh": True}),
    ("D11", {"extrahepatic_sites": ["bone"], "extrahepatic_burden": "low"}, {"sig_eh": False}),
    ("D11", {"extrahepatic_sites": ["bone"]}, {"sig_eh": None}),
]


@pytest.mark.parametrize("rule_id,features,expected", DERIVE_CASES)
def test_decision_derive(rule_id: str, features: dict[str, Any], expected: dict[str, Any]) -> None:
    derived = derive(features)
    assert {k: derived[k] for k in expected} == expected


# ---------------------------------------------------------------------------------------------
# Meta-tests: every id in the rule file is exercised

ALL_TABLES = RESECTION_CASES + ABLATION_CASES + TRANSARTERIAL_CASES + TRANSPLANT_CASES + PRRT_CASES


def test_decision_every_rule_id_is_covered() -> None:
    ruleset = load_ruleset()
    covered: set[str] = set()
    for param in ALL_TABLES:
        case: Case = param.values[0]
        covered |= set(case.reasons) | set(case.review) | set(case.fired)
    covered |= {"CR6", "CR13", "CR15"}  # asserted in test_decision_example_p1 and test_decision_overrides
    expected = {r.id for r in ruleset.rules} | set(ruleset.review_items)
    assert expected - covered == set(), f"rule ids without a test case: {sorted(expected - covered)}"
    assert covered - expected == set(), f"test cases name unknown ids: {sorted(covered - expected)}"


def test_decision_every_derived_and_grading_id_is_covered() -> None:
    ruleset = load_ruleset()
    expected = {d.id for d in ruleset.derived.values()} | {g.id for g in ruleset.grading.values()}
    assert expected == {row[0] for row in DERIVE_CASES}


def test_decision_every_design_choice_is_cited() -> None:
    ruleset = load_ruleset()
    cited = {dc for r in ruleset.rules for dc in r.dc}
    cited |= {dc for d in list(ruleset.derived.values()) + list(ruleset.grading.values()) for dc in d.dc}
    assert set(ruleset.design_choices) - cited == set()


@pytest.mark.skipif(not REFERENCE.is_file(), reason="reference text not available")
def test_decision_quotes_are_verbatim() -> None:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text)

    reference = norm(REFERENCE.read_text(encoding="utf-8"))
    ruleset = load_ruleset()
    quotes = [(r.id, q) for r in ruleset.rules for q in r.quote]
    quotes += [(i.id, i.quote) for i in ruleset.review_items.values() if i.quote]
    quotes += [(d.id, d.quote) for d in ruleset.design_choices.values() if d.quote]
    assert quotes
    bad = [(rid, q) for rid, q in quotes if norm(q) not in reference]
    assert bad == []


def test_decision_thresholds_come_from_the_file() -> None:
    """No threshold of the rule file is a numeric literal of the module (a v2 file must be enough)."""
    import ast

    source = (Path(__file__).resolve().parents[2] / "pipeline" / "decision.py").read_text(encoding="utf-8")
    numbers = {node.value for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)}
    thresholds = {35, 3.5, 4, 20, 55, 50, 6, 70, 90, 100, 30}  # 1-3 are grade ranks and "two or more lesions"
    assert numbers & thresholds == set(), sorted(numbers)


# ---------------------------------------------------------------------------------------------
# Versioning: a new file changes outcomes with no code change

def _v1() -> dict[str, Any]:
    return yaml.safe_load(V1.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict[str, Any], name: str = "eligibility.v2.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_decision_v2_percutaneous_size_changes_outcome(tmp_path: Path) -> None:
    data = _v1()
    data["rules_version"] = "nelm-rules-2"
    _rule(data, "AP2a")["when"]["value"] = 30
    v2 = load_ruleset(_write(tmp_path, data))
    patient = {**BASE, "largest_liver_lesion_mm": 32.0}
    before, after = row_of(patient, "ablation"), row_of(patient, "ablation", v2)
    assert (before["status"], after["status"]) == ("eligible", "ineligible")
    assert "AP2a: largest lesion 32 mm >= 30 mm (percutaneous)" in after["reasons"]
    assert (before["rules_version"], after["rules_version"]) == ("nelm-rules-1", "nelm-rules-2")


def test_decision_v2_derived_threshold_changes_outcome(tmp_path: Path) -> None:
    data = _v1()
    data["rules_version"] = "nelm-rules-2"
    next(d for d in data["derived"] if d["id"] == "D3")["threshold"]["value"] = 50
    v2 = load_ruleset(_write(tmp_path, data))
    patient = {**BASE, **G3, "ki67_percent": 52.0}
    assert row_of(patient, "resection")["status"] == "indeterminate"  # R4 under v1
    assert reason_ids(row_of(patient, "resection", v2)["reasons"]) == {"R3"}  # R3 under v2


@pytest.mark.parametrize("rule_id,path,value,patient,therapy,statuses", [
    ("L6", ("when", "value"), 60, {**TX, "age_years": 57}, "transplant", ("ineligible", "eligible")),  # age 60
    ("L4", ("when", "value"), 40, {**TX, "liver_involvement_percent": 45.0}, "transplant", ("eligible", "ineligible")),
    ("R13", ("when", "value"), 25, {**BASE, "flr_percent": 22.0}, "resection", ("eligible", "ineligible")),
])
def test_decision_v2_rule_thresholds(tmp_path: Path, rule_id: str, path: tuple[str, str], value: float,
                                     patient: dict[str, Any], therapy: str, statuses: tuple[str, str]) -> None:
    data = _v1()
    _rule(data, rule_id)[path[0]][path[1]] = value
    v2 = load_ruleset(_write(tmp_path, data))
    assert (row_of(patient, therapy)["status"], row_of(patient, therapy, v2)["status"]) == statuses


# ---------------------------------------------------------------------------------------------
# Strict loading

def _mutate_unknown_key(d: dict[str, Any]) -> None:
    _rule(d, "R3")["colour"] = "red"


def _mutate_unknown_feature(d: dict[str, Any]) -> None:
    _rule(d, "R13")["when"]["feature"] = "flr_pct"


def _mutate_duplicate(d: dict[str, Any]) -> None:
    d["rules"].append(copy.deepcopy(_rule(d, "AP2a")))


def _mutate_bad_type(d: dict[str, Any]) -> None:
    _rule(d, "R1")["type"] = "XX"


def _mutate_bad_op(d: dict[str, Any]) -> None:
    _rule(d, "L6")["when"]["op"] = "greater"


def _mutate_bad_value(d: dict[str, Any]) -> None:
    _rule(d, "L6")["when"]["value"] = "fifty-five"


def _mutate_placeholder(d: dict[str, Any]) -> None:
    _rule(d, "L6")["sentence"] = "age {agee}"


def _mutate_unknown_review(d: dict[str, Any]) -> None:
    _rule(d, "R8")["review"] = ["CR99"]


def _mutate_top_level(d: dict[str, Any]) -> None:
    d["thresholds"] = {}


def _mutate_missing_threshold(d: dict[str, Any]) -> None:
    del next(x for x in d["derived"] if x["id"] == "D3")["threshold"]


def _mutate_feature_list(d: dict[str, Any]) -> None:
    _rule(d, "AP2b")["missing"] = ["largest_lesion"]


def _mutate_duplicate_review(d: dict[str, Any]) -> None:
    d["review_items"].append({"id": "CR1", "item": "clash"})


@pytest.mark.parametrize("mutate,pattern", [
    (_mutate_unknown_key, r"\[D003\] .*eligibility\.bad\.yaml: rule 'R3': unknown key 'colour'"),
    (_mutate_unknown_feature, r"eligibility\.bad\.yaml: rule 'R13': unknown feature 'flr_pct' \(did you mean 'flr_percent'\?\)"),
    (_mutate_duplicate, r"\[D004\] .*eligibility\.bad\.yaml: rule 'AP2a': duplicate id"),
    (_mutate_bad_type, r"eligibility\.bad\.yaml: rule 'R1': type"),
    (_mutate_bad_op, r"eligibility\.bad\.yaml: rule 'L6': when\.op"),
    (_mutate_bad_value, r"eligibility\.bad\.yaml: rule 'L6': .*needs a number"),
    (_mutate_placeholder, r"\[D007\] .*rule 'L6': bad placeholder '\{agee\}'"),
    (_mutate_unknown_review, r"\[D006\] .*rule 'R8': unknown review item 'CR99'"),
    (_mutate_top_level, r"\[D002\] .*eligibility\.bad\.yaml: top level: unknown key 'thresholds'"),
    (_mutate_missing_threshold, r"\[D008\] .*derived 'ki67_ge55'"),
    (_mutate_feature_list, r"rule 'AP2b': unknown feature 'largest_lesion'"),
    (_mutate_duplicate_review, r"\[D004\] .*review item 'CR1': duplicate id"),
])
def test_decision_load_rejects_bad_files(tmp_path: Path, mutate: Any, pattern: str) -> None:
    data = _v1()
    mutate(data)
    path = _write(tmp_path, data, "eligibility.bad.yaml")
    with pytest.raises(RuleFileError, match=pattern):
        load_ruleset(path)


def test_decision_load_rejects_broken_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("rules_version: x\nrules: [\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"\[D001\] .*broken\.yaml"):
        load_ruleset(path)


@pytest.mark.parametrize("name", ["nelm-rules-1", "v1", "1", "eligibility.v1", "decision/eligibility.v1.yaml", str(V1)])
def test_decision_load_by_version_or_path(name: str) -> None:
    assert load_ruleset(name).version == "nelm-rules-1"


def test_decision_load_unknown_version() -> None:
    with pytest.raises(RuleFileError, match=r"\[D000\] .*nelm-rules-99"):
        load_ruleset("nelm-rules-99")


# ---------------------------------------------------------------------------------------------
# Unknown is never false; frames

MONOTONE_START = [BASE, TX, {**BASE, **MB}, P1]


@pytest.mark.parametrize("start", MONOTONE_START, ids=["base", "tx", "mb", "p1"])
def test_decision_removing_a_fact_never_excludes(start: dict[str, Any]) -> None:
    """Blanking one feature never makes resection or percutaneous ablation (no cascade) ineligible."""
    def statuses(features: dict[str, Any]) -> tuple[str, str]:
        explained = explain_patient(features)["therapies"]
        return explained["resection"]["status"], explained["ablation"]["sub_flags"]["percutaneous"]

    before = statuses(start)
    for key in start:
        if key in {"patient_id", "as_of"}:
            continue
        after = statuses({**start, key: None})
        for b, a in zip(before, after):
            assert a != "ineligible" or b == "ineligible", key


def test_decision_all_unknown_is_indeterminate() -> None:
    rows = decide_patient({"patient_id": "X"})
    assert [r["status"] for r in rows] == ["indeterminate"] * 5
    assert all(r["missing"] for r in rows)
    assert [r["therapy"] for r in rows] == list(THERAPIES)


def test_decision_normalize_accepts_messy_values() -> None:
    raw = {
        "patient_id": "X", "as_of": pd.Timestamp("2021-01-01"), "bilobar": np.bool_(False), "ki67_percent": np.float64(5),
        "liver_lesion_count": np.int32(1), "extrahepatic_sites": np.array([], dtype=object), "who_grade": "g2",
        "liver_segments": '["7"]', "sstr_avid": "true", "differentiation": float("nan"), "flr_percent": pd.NA,
        "age_years": "45", "ecog_ps": "abc",
    }
    got = normalize_features(raw)
    assert got["as_of"] == dt.date(2021, 1, 1)
    assert got["bilobar"] is False and got["sstr_avid"] is True
    assert got["ki67_percent"] == 5.0 and got["liver_lesion_count"] == 1 and got["age_years"] == 45
    assert got["extrahepatic_sites"] == [] and got["liver_segments"] == ["7"]
    assert got["who_grade"] == "G2"
    assert got["differentiation"] is None and got["flr_percent"] is None and got["ecog_ps"] is None


def _frame_records() -> list[dict[str, Any]]:
    return [
        {**BASE, "patient_id": "B"},
        {**P1, "patient_id": "A", "extrahepatic_sites": np.array([], dtype=object)},
        {**TX, "patient_id": "C", "bilobar": float("nan"), "liver_segments": None},
        {**BASE, "patient_id": None},  # no patient id: skipped
    ]


def test_decision_frame_matches_patient_rows() -> None:
    records = _frame_records()
    out = decide_frame(pd.DataFrame(records))
    assert list(out.columns) == list(ELIGIBILITY_COLUMNS)
    assert list(out["patient_id"].unique()) == ["A", "B", "C"]
    assert out.groupby("patient_id")["therapy"].apply(list).tolist() == [sorted(THERAPIES)] * 3
    expected = {(r["patient_id"], r["therapy"]): r for rec in records[:3] for r in decide_patient(rec)}
    for row in out.to_dict(orient="records"):
        assert row == expected[(row["patient_id"], row["therapy"])]
    assert isinstance(out.loc[0, "as_of"], dt.date)
    c_resection = out[(out.patient_id == "C") & (out.therapy == "resection")].iloc[0]
    assert c_resection["status"] == "ineligible"  # R10c: NaN bilobar is unknown, never false


def test_decision_frame_csv_round_trip(tmp_path: Path) -> None:
    records = _frame_records()[:3]
    frame = pd.DataFrame(records)
    for column in ("extrahepatic_sites", "liver_segments"):
        frame[column] = frame[column].map(lambda v: None if v is None or (isinstance(v, float)) else json.dumps(list(v)))
    path = tmp_path / "features.csv"
    frame.to_csv(path, index=False)
    from_csv = decide_frame(pd.read_csv(path))
    direct = decide_frame(pd.DataFrame(records))
    pd.testing.assert_frame_equal(from_csv, direct)


def test_decision_frame_missing_columns_are_unknown() -> None:
    out = decide_frame(pd.DataFrame({"patient_id": ["Z"], "sstr_avid": [False]}))
    status = dict(zip(out["therapy"], out["status"]))
    assert status == {"ablation": "indeterminate", "prrt": "ineligible", "resection": "indeterminate",
                      "transarterial": "indeterminate", "transplant": "indeterminate"}


def test_decision_frame_empty() -> None:
    out = decide_frame(pd.DataFrame({"patient_id": []}))
    assert out.empty and list(out.columns) == list(ELIGIBILITY_COLUMNS)


def test_decision_explain_lists_fired_rules_with_quotes() -> None:
    explained = explain_patient(P1)
    json.dumps(explained)  # JSON-safe
    ablation = {t["id"]: t for t in explained["therapies"]["ablation"]["rules"]}
    assert ablation["AP2a"]["type"] == "HX" and ablation["AP2a"]["effect"] == "exclusion"
    assert ablation["AP2a"]["quote"][0].startswith("Percutaneous ablation is most effective")
    assert explained["therapies"]["resection"]["resection_mode"] == "curative"
    assert explained["derived"]["count_hi"] == 1 and explained["derived"]["resection_status"] == "eligible"
    assert explained["therapies"]["transplant"]["sub_flags"] == {
        "pathway": "ineligible", "milan": "ineligible", "enets": "eligible", "transplant": "eligible"}


def test_decision_resection_mode_debulking() -> None:
    explained = explain_patient({**BASE, "resectable_fraction_percent": 95.0})
    assert explained["therapies"]["resection"]["resection_mode"] == "debulking"

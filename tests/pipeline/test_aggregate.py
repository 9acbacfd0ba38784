"""Per-patient aggregation (decision_rules.md §7) through pipeline.aggregate: small hand-built frames."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipeline.aggregate import EXTRA_COLUMNS, PATIENT_COLUMNS, aggregate_patients
from pipeline.decision import decide_frame

D0 = dt.date(2022, 1, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


IMAGING_NULLS: dict[str, Any] = {
    "liver_lesion_count": None, "liver_lesion_count_category": None, "largest_liver_lesion_mm": None,
    "liver_segments": [], "bilobar": None, "extrahepatic_sites": [], "peritoneal_carcinomatosis": None,
    "sstr_avid": None, "suv_max": None, "lesion_near_major_vessel": None, "hilar_or_central_bile_duct": None,
    "liver_involvement_percent": None, "disease_trend": None,
}
PATHOLOGY_NULLS: dict[str, Any] = {
    "specimen_site": None, "procedure": None, "ki67_percent": None, "mitoses_per_2mm2": None, "who_grade": None,
    "who_grade_source": None, "differentiation": None, "tumor_type": None, "margin_status": None, "primary_site": None,
}


def img(rid: str, date: dt.date | None, kind: str = "CT", pid: str | None = "P", **kw: Any) -> dict[str, Any]:
    return {"report_id": rid, "patient_id": pid, "report_date": date, "report_type": kind, **IMAGING_NULLS, **kw}


def path(rid: str, date: dt.date | None, pid: str | None = "P", **kw: Any) -> dict[str, Any]:
    return {"report_id": rid, "patient_id": pid, "report_date": date, **PATHOLOGY_NULLS, **kw}


def mention(rid: str, label: str, value: str, text: str = "", start: int = 0, *, negated: bool = False,
            uncertain: bool = False, historical: bool = False, hypothetical: bool = False) -> dict[str, Any]:
    return {"report_id": rid, "patient_id": None, "label": label, "text": text or value, "start_char": start,
            "end_char": start + 5, "is_negated": negated, "is_uncertain": uncertain, "is_historical": historical,
            "is_hypothetical": hypothetical, "value_norm": value, "value_num": None}


def site(rid: str, value: str, start: int = 0, **kw: Any) -> dict[str, Any]:
    return mention(rid, "EXTRAHEPATIC_SITE", value, start=start, **kw)


def run(images: list[dict[str, Any]] = (), paths: list[dict[str, Any]] = (), mentions: list[dict[str, Any]] = (),
        docs: list[dict[str, Any]] | None = None, **kw: Any) -> pd.DataFrame:
    images, paths = list(images), list(paths)
    if docs is None:
        docs = [{"report_id": r["report_id"], "patient_id": r["patient_id"], "report_date": r["report_date"],
                 "status": "ok"} for r in images + paths]
    return aggregate_patients(pd.DataFrame(docs), pd.DataFrame(images), pd.DataFrame(paths), pd.DataFrame(list(mentions)),
                              **kw)


def one(*args: Any, **kw: Any) -> dict[str, Any]:
    frame = run(*args, **kw)
    assert len(frame) == 1
    return {k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v)
            for k, v in frame.iloc[0].to_dict().items()}


# ---------------------------------------------------------------------------------------------
# Liver extent: latest imaging date; MRI > CT > PET for count/size; bilobar and proximity OR'd

EXTENT_CASES = [
    pytest.param([img("ct", day(0), liver_lesion_count=2, largest_liver_lesion_mm=30.0),
                  img("mri", day(0), "MRI", liver_lesion_count=3, largest_liver_lesion_mm=25.0)],
                 {"liver_lesion_count": 3, "largest_liver_lesion_mm": 25.0}, id="mri-beats-ct"),  # same date
    # same date: CT over PET
    pytest.param([img("pet", day(0), "PET", liver_lesion_count=4, largest_liver_lesion_mm=40.0),
                  img("ct", day(0), liver_lesion_count=2, largest_liver_lesion_mm=30.0)],
                 {"liver_lesion_count": 2, "largest_liver_lesion_mm": 30.0}, id="ct-beats-pet"),
    pytest.param([img("mri", day(0), "MRI", liver_lesion_count=None, largest_liver_lesion_mm=None),
                  img("ct", day(0), liver_lesion_count=2, liver_lesion_count_category="few", largest_liver_lesion_mm=30.0)],
                 {"liver_lesion_count": 2, "liver_lesion_count_category": "few", "largest_liver_lesion_mm": 30.0},
                 id="mri-silent-ct-states"),  # the first modality that states the value
    # an older MRI does not set the extent
    pytest.param([img("mri-old", day(0), "MRI", liver_lesion_count=5, largest_liver_lesion_mm=50.0, bilobar=True),
                  img("ct-new", day(30), liver_lesion_count=2, largest_liver_lesion_mm=20.0, bilobar=False)],
                 {"liver_lesion_count": 2, "largest_liver_lesion_mm": 20.0, "bilobar": False}, id="latest-date-only"),
    # two CTs on one date: the larger count
    pytest.param([img("ct1", day(0), liver_lesion_count=2, liver_lesion_count_category="few"),
                  img("ct2", day(0), liver_lesion_count=None, liver_lesion_count_category="multiple")],
                 {"liver_lesion_count": None, "liver_lesion_count_category": "multiple"}, id="same-modality-larger"),
    # bilobar OR'd, segments united
    pytest.param([img("ct", day(0), bilobar=False, liver_segments=["6"]),
                  img("mri", day(0), "MRI", bilobar=True, liver_segments=["2", "6"])],
                 {"bilobar": True, "liver_segments": ["2", "6"]}, id="bilobar-or-segments-union"),
    pytest.param([img("ct", day(0), bilobar=False), img("pet", day(0), "PET", bilobar=None)],
                 {"bilobar": False}, id="bilobar-false-and-null"),  # false plus unknown stays false
    # unknown stays unknown
    pytest.param([img("ct", day(0)), img("pet", day(0), "PET")], {"bilobar": None}, id="bilobar-all-null"),
    # risk-increasing value wins
    pytest.param([img("ct", day(0), lesion_near_major_vessel=False, hilar_or_central_bile_duct=None),
                  img("mri", day(0), "MRI", lesion_near_major_vessel=True, hilar_or_central_bile_duct=False)],
                 {"lesion_near_major_vessel": True, "hilar_or_central_bile_duct": False}, id="proximity-or"),
    pytest.param([img("ct", day(0), liver_involvement_percent=30.0), img("mri", day(0), "MRI", liver_involvement_percent=20.0)],
                 {"liver_involvement_percent": 20.0}, id="involvement-mri-first"),  # MRI over CT for involvement too
]


@pytest.mark.parametrize("images,expected", EXTENT_CASES)
def test_aggregate_liver_extent(images: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    row = one(images)
    assert {k: row[k] for k in expected} == expected


@pytest.mark.parametrize("refine,pet_day,expected_count,expected_bilobar", [
    (False, -30, 2, False),  # contract precedence: the latest date alone
    (True, -30, 5, True),    # refinement: PET within 90 days shows more lesions -> max count, OR bilobar
    (True, -91, 2, False),   # PET outside the window: no refinement
])
def test_aggregate_pet_count_refinement(refine: bool, pet_day: int, expected_count: int, expected_bilobar: bool) -> None:
    images = [img("ct", day(100), liver_lesion_count=2, bilobar=False),
              img("pet", day(100 + pet_day), "PET", liver_lesion_count=5, bilobar=True)]
    row = one(images, pet_count_refinement=refine)
    assert (row["liver_lesion_count"], row["bilobar"]) == (expected_count, expected_bilobar)


# ---------------------------------------------------------------------------------------------
# Extrahepatic sites: union over the latest date and the latest PET within 90 days

EH_CASES = [
    pytest.param([img("ct", day(100)), img("pet", day(40), "PET", extrahepatic_sites=["bone"])], [], ["bone"],
                 id="pet-60-days-adds"),  # DOTATATE adds a site CT missed
    pytest.param([img("ct", day(100)), img("pet", day(10), "PET", extrahepatic_sites=["bone"])], [], ["bone"],
                 id="pet-90-days-adds"),  # exactly 90 days is within
    pytest.param([img("ct", day(100)), img("pet", day(9), "PET", extrahepatic_sites=["bone"])], [], [],
                 id="pet-91-days-ignored"),  # outside the 90-day window
    pytest.param([img("ct", day(100)), img("pet-old", day(40), "PET", extrahepatic_sites=["bone"]),
                  img("pet-new", day(70), "PET", extrahepatic_sites=["lung"])], [], ["lung"],
                 id="only-latest-pet"),  # the latest PET within the window, not every PET
    pytest.param([img("ct-old", day(0), extrahepatic_sites=["lung"]), img("ct", day(100), extrahepatic_sites=["bone"])],
                 [], ["bone"], id="older-ct-ignored"),  # sites from an older CT are not current
    pytest.param([img("ct", day(100), extrahepatic_sites=None), img("pet", day(80), "PET", extrahepatic_sites=None)],
                 [], None, id="nothing-stated"),  # null + null stays null (unknown)
    pytest.param([img("ct", day(100), extrahepatic_sites=None), img("pet", day(80), "PET", extrahepatic_sites=[])],
                 [], [], id="pet-explicit-none"),  # [] means explicitly none
    pytest.param([img("ct", day(100), extrahepatic_sites=["bone"])], [site("ct", "lung", uncertain=True)], None,
                 id="uncertain-only-site-nulls"),  # "cannot exclude lung metastasis"
    pytest.param([img("ct", day(100), extrahepatic_sites=["bone"]), img("pet", day(80), "PET", extrahepatic_sites=["bone"])],
                 [site("ct", "lung", uncertain=True), site("pet", "lung", negated=True)], ["bone"],
                 id="pet-calls-it-negative"),  # uncertain lung on CT, negative on PET: list kept
    pytest.param([img("ct", day(100), extrahepatic_sites=["bone"])], [site("ct", "bone", uncertain=True)], ["bone"],
                 id="uncertain-but-also-certain"),  # a hedged mention of a listed site changes nothing
    pytest.param([img("ct", day(100), extrahepatic_sites=["bone"])],
                 [site("ct", "lung", uncertain=True, negated=True), site("ct", "adrenal", uncertain=True, historical=True)],
                 ["bone"], id="negated-historical-ignored"),  # negated/historical hedges are dropped
    # only contributing reports count
    pytest.param([img("ct-old", day(0)), img("ct", day(100), extrahepatic_sites=["bone"])],
                 [site("ct-old", "lung", uncertain=True)], ["bone"], id="uncertain-in-older-report"),
]


@pytest.mark.parametrize("images,mentions,expected", EH_CASES)
def test_aggregate_extrahepatic_sites(images: list[dict[str, Any]], mentions: list[dict[str, Any]],
                                      expected: list[str] | None) -> None:
    assert one(images, mentions=mentions)["extrahepatic_sites"] == expected


@pytest.mark.parametrize("ct,pet,expected", [
    (False, True, True),    # DOTATATE finds peritoneal disease the CT missed
    (False, None, False),
    (None, None, None),
])
def test_aggregate_peritoneal_or(ct: bool | None, pet: bool | None, expected: bool | None) -> None:
    images = [img("ct", day(100), peritoneal_carcinomatosis=ct), img("pet", day(95), "PET", peritoneal_carcinomatosis=pet)]
    assert one(images)["peritoneal_carcinomatosis"] == expected


BURDEN_CASES = [
    pytest.param([], [], "none", id="explicitly-none"),  # [] -> none
    pytest.param(None, [], None, id="unknown-list"),  # null -> null
    # DC5 low
    pytest.param(["bone"], [site("ct", "bone", 0), site("ct", "bone", 10)], "low", id="one-system-2-lesions"),
    # DC5 edge: 3 lesions is low
    pytest.param(["bone"], [site("ct", "bone", i * 10) for i in range(3)], "low", id="one-system-3-lesions"),
    # DC5 edge: 4 lesions is high
    pytest.param(["bone"], [site("ct", "bone", i * 10) for i in range(4)], "high", id="one-system-4-lesions"),
    # a span counted once
    pytest.param(["bone"], [site("ct", "bone", 0), site("ct", "bone", 0)], "low", id="same-span-once"),
    pytest.param(["bone"], [site("ct", "bone", 0), site("ct", "bone", 10), site("pet", "bone", 0), site("pet", "bone", 10)],
                 "low", id="restated-in-pet-not-double-counted"),  # max over reports, not the sum
    # two organ systems -> high
    pytest.param(["bone", "lung"], [site("ct", "bone"), site("ct", "lung", 10)], "high", id="two-systems"),
    pytest.param(["bone"], [mention("ct", "EXTRAHEPATIC_SITE", "bone", "diffuse osseous metastases")], "high",
                 id="cue-diffuse"),  # cue word -> high
    # negated/historical/uncertain/hypothetical mentions do not count
    pytest.param(["bone"], [site("ct", "bone", 0), site("ct", "bone", 10, negated=True),
                            site("ct", "bone", 20, historical=True), site("ct", "bone", 30, uncertain=True),
                            site("ct", "bone", 40, hypothetical=True)], "low", id="only-current-mentions-count"),
    pytest.param(["bone"], [], None, id="site-without-mentions"),  # count unknown -> null
]


@pytest.mark.parametrize("sites,mentions,expected", BURDEN_CASES)
def test_aggregate_extrahepatic_burden(sites: list[str] | None, mentions: list[dict[str, Any]], expected: str | None) -> None:
    images = [img("ct", day(100), extrahepatic_sites=sites), img("pet", day(90), "PET", extrahepatic_sites=sites)]
    assert one(images, mentions=mentions)["extrahepatic_burden"] == expected


def test_aggregate_burden_ignores_primary_in_situ() -> None:
    """The unresected pancreatic primary is not a second organ system (D9 applied to DC5)."""
    images = [img("ct", day(100), extrahepatic_sites=["bone", "pancreas"])]
    paths = [path("bx", day(50), specimen_site="liver", procedure="biopsy", primary_site="pancreas")]
    mentions = [site("ct", "bone"), site("ct", "pancreas", 20), mention("ct", "PROCEDURE_HISTORY", "primary_in_situ")]
    row = one(images, paths, mentions)
    assert (row["primary_resected"], row["extrahepatic_burden"]) == (False, "low")


# ---------------------------------------------------------------------------------------------
# SSTR avidity: the latest PET

@pytest.mark.parametrize("pets,expected", [
    ([("p1", 0, False), ("p2", 50, True)], True),     # latest wins
    ([("p1", 0, True), ("p2", 50, False)], False),
    ([("p1", 50, True), ("p2", 50, False)], None),    # same-day disagreement: heterogeneous
    ([("p1", 0, True), ("p2", 50, None)], None),      # latest PET heterogeneous -> null, no fallback
    ([], None),                                       # no PET
])
def test_aggregate_sstr_latest_pet(pets: list[tuple[str, int, bool | None]], expected: bool | None) -> None:
    images = [img("ct", day(200))] + [img(rid, day(n), "PET", sstr_avid=v) for rid, n, v in pets]
    assert one(images)["sstr_avid"] == expected


@pytest.mark.parametrize("tracers,expected", [
    (["fdg"], True),                       # an FDG PET after the DOTATATE PET says nothing of receptor uptake
    (["fdg", "sstr"], None),               # a dual-tracer study is an SSTR study: its null stands
    ([], None),                            # no tracer named: a PET like any other
    (["sstr"], None),
])
def test_aggregate_sstr_skips_pet_of_another_tracer(tracers: list[str], expected: bool | None) -> None:
    images = [img("dota", day(0), "PET", sstr_avid=True), img("later", day(60), "PET", sstr_avid=None)]
    mentions = [mention("later", "PET_TRACER", t, start=i * 10) for i, t in enumerate(tracers)]
    mentions.append(mention("later", "PET_TRACER", "sstr", start=99, historical=True))  # "compared with the DOTATATE PET"
    assert one(images, mentions=mentions)["sstr_avid"] == expected


# ---------------------------------------------------------------------------------------------
# Pathology: metastasis over primary, the higher / worst when several, discordance

PRIMARY_G1 = path("prim", day(0), specimen_site="small_bowel", procedure="resection", ki67_percent=2.0,
                  mitoses_per_2mm2=1.0, who_grade="G1", differentiation="well", tumor_type="NET", primary_site="jejunum")

PATHOLOGY_CASES = [
    pytest.param([PRIMARY_G1, path("met", day(200), specimen_site="liver", procedure="biopsy", ki67_percent=12.0,
                                   mitoses_per_2mm2=3.0, who_grade="G2", differentiation="well")],
                 {"ki67_percent": 12.0, "who_grade": "G2", "mitoses_per_2mm2": 3.0, "grade_discordant": True},
                 id="metastasis-beats-primary"),  # liver biopsy G2 over resected G1 primary; discordant
    # max Ki-67/mitoses, worst differentiation across metastases
    pytest.param([PRIMARY_G1, path("met1", day(100), specimen_site="liver", ki67_percent=8.0, who_grade="G2",
                                   differentiation="well"),
                  path("met2", day(200), specimen_site="liver", ki67_percent=4.0, mitoses_per_2mm2=6.0,
                       who_grade="G2", differentiation="poorly")],
                 {"ki67_percent": 8.0, "mitoses_per_2mm2": 6.0, "differentiation": "poorly"}, id="several-mets-worst"),
    pytest.param([PRIMARY_G1, path("met", day(200), specimen_site="liver", ki67_percent=None, who_grade=None,
                                   differentiation="well")],
                 {"ki67_percent": 2.0, "who_grade": "G1", "differentiation": "well", "grade_discordant": False},
                 id="ungraded-metastasis-falls-back-to-primary"),  # metastasis not graded: the primary's values
    pytest.param([PRIMARY_G1, path("met", day(200), specimen_site="liver", procedure="biopsy", ki67_percent=4.5,
                                   mitoses_per_2mm2=None, who_grade=None, differentiation="well")],
                 {"ki67_percent": 4.5, "mitoses_per_2mm2": None, "who_grade": None},
                 id="graded-metastasis-gives-every-field"),  # "no mitoses can be evaluated": not the primary's count
    pytest.param([PRIMARY_G1, path("hcc", day(200), specimen_site="liver", procedure="biopsy", ki67_percent=30.0,
                                   tumor_type="other")],
                 {"ki67_percent": 2.0, "who_grade": "G1", "grade_discordant": None},
                 id="another-tumours-specimen-is-no-metastasis"),  # an HCC liver biopsy says nothing of the NET's grade
    # tumor_type NEC -> poorly; one specimen: discordance unknown
    pytest.param([path("met", day(0), specimen_site="liver", ki67_percent=80.0, who_grade="G3", tumor_type="NEC")],
                 {"differentiation": "poorly", "grade_discordant": None}, id="nec-is-poorly"),
    # same grade and differentiation, Ki-67 on both sides of 55
    pytest.param([path("prim", day(0), specimen_site="pancreas", procedure="resection", ki67_percent=50.0,
                       who_grade="G3", differentiation="well"),
                  path("met", day(10), specimen_site="liver", ki67_percent=60.0, who_grade="G3", differentiation="well")],
                 {"ki67_percent": 60.0, "grade_discordant": True}, id="across-55-cut"),
    pytest.param([path("prim", day(0), specimen_site="pancreas", procedure="resection", ki67_percent=30.0,
                       who_grade="G3", differentiation="well"),
                  path("met", day(10), specimen_site="liver", ki67_percent=40.0, who_grade="G3", differentiation="well")],
                 {"grade_discordant": False}, id="concordant-g3"),  # compared and concordant -> false
    # a lymph-node specimen is a metastasis
    pytest.param([path("prim", day(0), specimen_site="pancreas", procedure="resection", ki67_percent=10.0,
                       who_grade="G2", differentiation="well"),
                  path("node", day(10), specimen_site="lymph_node", procedure="biopsy", ki67_percent=25.0,
                       who_grade="G3", differentiation="well")],
                 {"ki67_percent": 25.0, "grade_discordant": True}, id="node-is-metastasis"),
    pytest.param([path("stomach", day(0), specimen_site="other", procedure="resection", ki67_percent=1.0, who_grade="G1",
                       primary_site="stomach"),
                  path("bone", day(10), specimen_site="other", procedure="biopsy", ki67_percent=5.0, who_grade="G2")],
                 {"ki67_percent": 5.0, "primary_site": "stomach", "primary_resected": True, "grade_discordant": True},
                 id="other-resected-primary-vs-other-biopsy"),  # 'other' resection naming its primary is the primary
]


@pytest.mark.parametrize("paths,expected", PATHOLOGY_CASES)
def test_aggregate_pathology(paths: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    row = one([], paths)
    assert {k: row[k] for k in expected} == expected


def test_aggregate_extras_worst_values() -> None:
    paths = [path("prim", day(0), specimen_site="pancreas", procedure="resection", ki67_percent=70.0, who_grade="G3",
                  differentiation="poorly", tumor_type="NEC"),
             path("met", day(10), specimen_site="liver", ki67_percent=15.0, who_grade="G2", differentiation="well",
                  tumor_type="MiNEN")]
    frame = run([], paths, extras=True)
    assert set(EXTRA_COLUMNS) <= set(frame.columns)
    row = frame.iloc[0]
    assert (row["ki67_percent"], row["ki67_percent_worst"], row["who_grade_worst"], row["differentiation_worst"]) == \
        (15.0, 70.0, "G3", "poorly")
    assert row["tumor_type"] == "MiNEN" and bool(row["grade_discordant"]) is True
    assert "ki67_percent_worst" not in run([], paths).columns


# ---------------------------------------------------------------------------------------------
# Sticky facts and the primary site

PANCREAS_MET = path("met", day(100), specimen_site="liver", procedure="biopsy", primary_site="pancreas", ki67_percent=5.0)
ILEUM_MET = path("met", day(100), specimen_site="liver", procedure="biopsy", primary_site="ileum", ki67_percent=5.0)

STICKY_CASES = [
    pytest.param([path("whipple", day(0), specimen_site="pancreas", procedure="resection")], [], [],
                 {"primary_resected": True, "primary_site": "pancreas", "prior_pancreatoduodenectomy": None},
                 id="pancreas-resection-specimen"),  # site from the specimen; a pancreatectomy is not proof of Whipple
    # primary site from the resected specimen
    pytest.param([path("sb", day(0), specimen_site="small_bowel", procedure="resection")], [], [],
                 {"primary_resected": True, "primary_site": "small_bowel"}, id="small-bowel-resection-specimen"),
    # a biopsy of the primary does not resect it
    pytest.param([path("bx", day(0), specimen_site="pancreas", procedure="biopsy")], [], [],
                 {"primary_resected": None, "primary_site": None}, id="primary-biopsy-only"),
    # Whipple + pancreatic primary: both sticky facts
    pytest.param([PANCREAS_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "whipple", historical=True)],
                 {"prior_pancreatoduodenectomy": True, "primary_resected": True}, id="whipple-pancreas"),
    # Whipple alone does not resect a non-pancreatic primary
    pytest.param([ILEUM_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "pancreatoduodenectomy")],
                 {"prior_pancreatoduodenectomy": True, "primary_resected": None}, id="whipple-non-pancreatic-primary"),
    # negated: ignored (null, not false)
    pytest.param([PANCREAS_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "whipple", negated=True)],
                 {"prior_pancreatoduodenectomy": None, "primary_resected": None}, id="negated-whipple-ignored"),
    pytest.param([PANCREAS_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "whipple", hypothetical=True)],
                 {"prior_pancreatoduodenectomy": None}, id="planned-whipple-ignored"),  # hypothetical: ignored
    pytest.param([PANCREAS_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "hepaticojejunostomy")],
                 {"prior_pancreatoduodenectomy": True}, id="imaging-cue"),  # §7 imaging cues
    pytest.param([ILEUM_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "primary_resection")],
                 {"primary_resected": True}, id="primary-resection-mention"),  # PROCEDURE_HISTORY primary_resection
    pytest.param([ILEUM_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "primary_in_situ")],
                 {"primary_resected": False}, id="primary-in-situ"),  # explicit in-situ cue -> false
    pytest.param([ILEUM_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "primary_resection", negated=True)],
                 {"primary_resected": False}, id="not-resected"),  # negated primary_resection -> false
    # "Primary not resected": ConText reads the cue's own "not" as negating it; still an in-situ cue
    pytest.param([ILEUM_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "primary_in_situ",
                                                              "Primary not resected", negated=True)],
                 {"primary_resected": False}, id="in-situ-cue-with-its-own-not"),
    pytest.param([ILEUM_MET], [img("ct", day(200))], [mention("ct", "PROCEDURE_HISTORY", "primary_in_situ",
                                                              "primary in situ", negated=True)],
                 {"primary_resected": None}, id="negated-in-situ-ignored"),  # "no longer ... primary in situ"
    # sticky: an older resection beats a later in-situ cue
    pytest.param([ILEUM_MET], [img("ct-old", day(0)), img("ct", day(200))],
                 [mention("ct-old", "PROCEDURE_HISTORY", "primary_resection"), mention("ct", "PROCEDURE_HISTORY", "primary_in_situ")],
                 {"primary_resected": True}, id="once-true-always-true"),
    # the primary specimen's stated site wins
    pytest.param([path("prim", day(0), specimen_site="small_bowel", procedure="resection", primary_site="jejunum"),
                  path("met", day(100), specimen_site="liver", primary_site="ileum")], [], [],
                 {"primary_site": "jejunum"}, id="primary-specimen-site-beats-metastasis-comment"),
    # two primaries resected: a later metastasis naming one of them says which spread
    pytest.param([path("prim", day(0), specimen_site="pancreas", procedure="resection", primary_site="pancreas"),
                  path("met", day(100), specimen_site="other", primary_site="ileum")], [],
                 [mention("prim", "PRIMARY_SITE", "pancreas"), mention("prim", "PRIMARY_SITE", "ileum")],
                 {"primary_site": "ileum"}, id="of-two-primaries-the-one-a-metastasis-names"),
    pytest.param([], [img("pet", day(0), "PET")], [mention("pet", "PRIMARY_SITE", "ileum")],
                 {"primary_site": "ileum"}, id="imaging-mention-fallback"),  # no pathology: PRIMARY_SITE mention
    pytest.param([ILEUM_MET], [img("pet", day(0), "PET")], [mention("pet", "PRIMARY_SITE", "pancreas")],
                 {"primary_site": "ileum"}, id="pathology-beats-imaging"),  # pathology over imaging
]


@pytest.mark.parametrize("paths,images,mentions,expected", STICKY_CASES)
def test_aggregate_sticky_facts(paths: list[dict[str, Any]], images: list[dict[str, Any]],
                                mentions: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    row = one(images, paths, mentions)
    assert {k: row[k] for k in expected} == expected


# ---------------------------------------------------------------------------------------------
# Stable months from the disease_trend series

@pytest.mark.parametrize("series,expected_days", [
    ([(0, None), (181, "stable")], 181),                                  # baseline then stable: 5.9 months
    ([(0, None), (183, "stable")], 183),                                  # just over 6 months
    ([(0, None), (90, "response"), (200, "stable")], 200),                # response counts as stable
    ([(0, None), (90, "progression"), (300, "stable")], 210),             # progression resets the count
    ([(0, None), (90, "stable"), (300, "progression")], 0),               # latest progression: 0
    ([(0, None), (90, None)], None),                                      # no trend anywhere: unknown
    ([(0, None), (90, "stable"), (120, None)], 90),                       # a later exam without a trend is neutral
    ([(0, "stable")], None),                                              # one stable exam: duration unknown, not 0
    ([(0, "response")], None),                                            # same for a lone response
    ([(0, "progression")], 0),                                            # a lone progression is 0 months stable
])
def test_aggregate_disease_stable_months(series: list[tuple[int, str | None]], expected_days: int | None) -> None:
    images = [img(f"ct{n}", day(n), disease_trend=trend) for n, trend in series]
    got = one(images)["disease_stable_months"]
    if expected_days is None:
        assert got is None
    else:
        assert got == pytest.approx(expected_days / (365.25 / 12))


# ---------------------------------------------------------------------------------------------
# Table-level behaviour

def test_aggregate_patients_table_shape_and_dtypes() -> None:
    images = [img("b-ct", day(10), pid="B", liver_lesion_count=1, extrahepatic_sites=np.array(["bone"], dtype=object),
                  liver_segments=np.array(["7"], dtype=object)),
              img("a-ct", day(5), pid="A", liver_lesion_count=2),
              img("orphan", day(5), pid=None, liver_lesion_count=9)]  # no patient: ignored
    paths = [path("c-path", day(3), pid="C", specimen_site="liver", ki67_percent=4.0)]  # pathology only
    docs = [{"report_id": r["report_id"], "patient_id": r["patient_id"], "report_date": r["report_date"], "status": "ok"}
            for r in images + paths]
    docs += [{"report_id": "b-bad", "patient_id": "B", "report_date": day(20), "status": "quarantined"},
             {"report_id": "b-other", "patient_id": "B", "report_date": day(30), "status": "ok"}]
    images.append(img("b-bad", day(20), pid="B", liver_lesion_count=7))  # quarantined report: ignored
    frame = aggregate_patients(pd.DataFrame(docs), pd.DataFrame(images), pd.DataFrame(paths), pd.DataFrame())
    assert list(frame.columns) == list(PATIENT_COLUMNS)
    assert list(frame["patient_id"]) == ["A", "B", "C"]
    assert str(frame["liver_lesion_count"].dtype) == "Int32" and str(frame["n_reports"].dtype) == "int32"
    assert str(frame["bilobar"].dtype) == "boolean" and str(frame["ki67_percent"].dtype) == "float64"
    b = frame.set_index("patient_id").loc["B"]
    assert b["liver_lesion_count"] == 1 and b["n_reports"] == 2  # b-ct and b-other; not the quarantined one
    assert b["extrahepatic_sites"] == ["bone"] and type(b["liver_segments"]) is list
    assert b["as_of"] == day(10) and type(b["as_of"]) is dt.date and b["evidence"] == ["b-ct"]
    c = frame.set_index("patient_id").loc["C"]
    assert pd.isna(c["liver_lesion_count"]) and c["extrahepatic_sites"] is None and c["liver_segments"] == []
    assert c["ki67_percent"] == 4.0 and c["n_reports"] == 1 and c["as_of"] == day(3)


def test_aggregate_accepts_datetime64_dates() -> None:
    frame = pd.DataFrame([img("ct", day(0), liver_lesion_count=1), img("mri", day(0), "MRI", liver_lesion_count=2)])
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    row = aggregate_patients(pd.DataFrame(), frame, pd.DataFrame(), pd.DataFrame()).iloc[0]
    assert row["liver_lesion_count"] == 2 and row["as_of"] == day(0) and row["n_reports"] == 2


def test_aggregate_evidence_and_as_of_follow_contributing_reports() -> None:
    images = [img("ct-old", day(0), liver_lesion_count=5), img("pet", day(60), "PET", extrahepatic_sites=["bone"], sstr_avid=True),
              img("ct", day(100), liver_lesion_count=1)]
    paths = [path("bx", day(120), specimen_site="liver", ki67_percent=3.0)]
    row = one(images, paths, [site("pet", "bone")])
    assert row["evidence"] == ["bx", "ct", "pet"]
    assert row["as_of"] == day(120)


def test_aggregate_empty_inputs() -> None:
    frame = aggregate_patients(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert frame.empty and list(frame.columns) == list(PATIENT_COLUMNS)


def test_aggregate_then_decide() -> None:
    """The aggregated table is a valid input of the decision module."""
    images = [img("mri", day(100), "MRI", liver_lesion_count=1, liver_lesion_count_category="single",
                  largest_liver_lesion_mm=52.0, bilobar=False, extrahepatic_sites=[], peritoneal_carcinomatosis=False),
              img("pet", day(80), "PET", extrahepatic_sites=[], sstr_avid=True)]
    paths = [path("prim", day(0), specimen_site="small_bowel", procedure="resection", who_grade="G2", ki67_percent=8.0,
                  differentiation="well", primary_site="ileum")]
    patients = run(images, paths)
    assert patients.iloc[0]["extrahepatic_burden"] == "none"
    status = dict(zip(*decide_frame(patients)[["therapy", "status"]].T.values))
    assert status == {"ablation": "ineligible", "prrt": "eligible", "resection": "eligible",
                      "transarterial": "ineligible", "transplant": "ineligible"}  # L0: resectable


def test_burden_counts_a_site_once_per_sentence():
    """A single node named four times in one PET ("Nodes: avid 14mm mesenteric root node ..., in keeping with nodal
    metastasis" + the impression) is one lesion: low burden, not high."""
    images = [img("ct", day(0), extrahepatic_sites=["lymph_node"]),
              img("pet", day(-14), "PET", extrahepatic_sites=["lymph_node"], sstr_avid=True)]
    mentions = [dict(site("pet", "lymph_node", start=s_), section=sec, sentence_start=sent, text=t)
                for s_, sec, sent, t in [(10, "findings", 5, "Nodes"), (30, "findings", 5, "node"),
                                         (60, "findings", 5, "metastasis"), (120, "impression", 100, "nodal met")]]
    paths = [path("path", day(-400), specimen_site="small_bowel", procedure="resection", primary_site="ileum")]
    row = one(images, paths, mentions=mentions)
    assert row["extrahepatic_burden"] == "low"
    plural = [dict(site("pet", "lymph_node", start=10), section="findings", sentence_start=5, text="mesenteric nodes"),
              dict(site("pet", "lymph_node", start=60), section="findings", sentence_start=50, text="para-aortic nodes")]
    assert one(images, paths, mentions=plural)["extrahepatic_burden"] == "high"                                  # NEG


def test_a_pet_with_no_extrahepatic_disease_defuses_a_hedged_site():
    """The CT hedges a lung nodule; the PET a week before found no extrahepatic disease at all: the list is []."""
    images = [img("ct", day(7), extrahepatic_sites=[]), img("pet", day(0), "PET", extrahepatic_sites=[], sstr_avid=True)]
    hedged = [site("ct", "lung", uncertain=True)]
    assert one(images, mentions=hedged)["extrahepatic_sites"] == []
    images_no_pet = [img("ct", day(7), extrahepatic_sites=[])]
    assert one(images_no_pet, mentions=hedged)["extrahepatic_sites"] is None                                    # NEG


def test_burden_takes_a_mentions_own_count():
    """"four SSTR-positive lesions in T6, L1, L3 and the right iliac bone": four lesions in one sentence, high burden."""
    images = [img("mri", day(28), extrahepatic_sites=["bone"]),
              img("pet", day(0), "PET", extrahepatic_sites=["bone"], sstr_avid=True)]
    four = [dict(mention("pet", "EXTRAHEPATIC_SITE", "bone", text="lesions", start=40), section="findings",
                 sentence_start=30, value_num=4.0)]
    assert one(images, mentions=four)["extrahepatic_burden"] == "high"
    one_lesion = [dict(four[0], value_num=1.0, text="lesion")]
    assert one(images, mentions=one_lesion)["extrahepatic_burden"] == "low"                                   # NEG

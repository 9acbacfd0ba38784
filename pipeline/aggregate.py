"""Per-patient aggregation: report-level tables -> the contract ``patients`` table (decision_rules.md §7).

Pure pandas; no Prefect, no spaCy. Inputs are the contract ``documents``, ``imaging``, ``pathology`` and
``mentions`` tables (any may be empty; missing columns read as null). Dates may be ``datetime.date``,
``datetime64``/``Timestamp`` or ``None``; lists may be Python lists or numpy arrays.

Precedence (§7):
    * Liver extent (count, category, size, involvement) from the reports on the latest imaging date,
      MRI over CT over PET (the first modality that states the value; within a modality the larger value).
      ``liver_segments`` are the union and ``bilobar`` and the proximity flags are OR'd across that date
      (the risk-increasing value wins). Optional refinement (``pet_count_refinement=True``): an SSTR-PET
      within ``pet_window_days`` of a CT/MRI latest date that shows more lesions replaces the count and
      category, and its ``bilobar`` is OR'd.
    * ``extrahepatic_sites`` / ``peritoneal_carcinomatosis``: union / OR over the latest imaging date and
      the latest PET within ``pet_window_days`` before it. A site named only by uncertain
      ``EXTRAHEPATIC_SITE`` mentions of those reports sets the list to null, unless that PET negates it (or
      finds no extrahepatic disease at all: its list is ``[]``).
    * ``extrahepatic_burden`` (DC5): none for ``[]``; high for several organ systems or a cue word
      (diffuse, widespread, numerous) in a current site mention; otherwise, for one site, low when a
      contributing report names at most three lesions of it (a sentence naming the site is one lesion, or as many
      as the mention counts, two when in the plural without a number; a report counts its busiest section, as
      the impression restates the findings), high above that, null when no mention counts it.
    * ``sstr_avid`` from the latest SSTR PET (reports on that date that disagree give null: heterogeneous); a PET
      of another tracer (``PET_TRACER`` fdg only) is no SSTR study.
    * Pathology from the metastasis when sampled (``specimen_site`` liver or lymph_node, or other unless it
      is a resected primary), else from the primary; the higher Ki-67/mitoses/grade and the worst
      differentiation when several; ``tumor_type`` NEC gives ``differentiation`` poorly.
    * ``grade_discordant``: primary vs metastasis differ in WHO grade, in differentiation, or across the
      Ki-67 cut of the rule file (D3, 55%).
    * Sticky facts over all dates: ``primary_resected`` (resection of a non-liver primary specimen, or a
      ``PROCEDURE_HISTORY`` mention ``primary_resection``, or a prior Whipple with a pancreatic primary),
      ``prior_pancreatoduodenectomy`` (``PROCEDURE_HISTORY`` pancreatoduodenectomy/whipple and the §7
      imaging cues), ``primary_site`` (pathology, then the resected specimen's organ, then ``PRIMARY_SITE``
      mentions).
    * ``disease_stable_months`` from the ``disease_trend`` series.

Ambiguities (literal readings taken):
    * Per field, a metastasis value beats a primary value only when the metastasis states it (a liver
      biopsy without Ki-67 does not erase the primary's Ki-67).
    * ``specimen_site`` ``other`` is the primary when it is a resection whose row names a primary site;
      otherwise it is a metastasis. A null ``specimen_site`` counts with the primary specimens.
    * ``primary_resected`` is false only on an explicit cue (``PROCEDURE_HISTORY`` ``primary_in_situ`` /
      ``primary_unresected`` / ``primary_not_resected``, or a negated ``primary_resection``) and no true
      evidence; a negated Whipple mention is ignored (null stays null).
    * ``extrahepatic_burden`` leaves out the regional nodes and the primary's own organ while the primary
      is in situ (the same D9 rule the decision applies), so the primary does not count as a second organ
      system. Mention counts are per report (the maximum over reports), so a lesion restated in CT and PET
      is not counted twice.
    * ``disease_stable_months``: the run is anchored at the last ``progression`` exam (or the first exam of
      the series) and ends at the latest exam with ``stable``/``response``; exams without a trend are
      neutral; months = days / 30.4375; no trend anywhere gives null; a latest ``progression`` gives 0.
    * Rows without a date are used only when a patient has no dated row of that kind.
    * ``as_of`` is the latest date among the evidence reports; ``n_reports`` counts the patient's ok
      documents (or, with no documents table, the distinct imaging/pathology reports).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .decision import RuleSet, frame_records, load_ruleset, split_primary_field

__all__ = ["PATIENT_COLUMNS", "aggregate_patients"]

PATIENT_COLUMNS: tuple[str, ...] = (
    "patient_id", "as_of", "n_reports", "liver_lesion_count", "liver_lesion_count_category",
    "largest_liver_lesion_mm", "liver_segments", "bilobar", "extrahepatic_sites", "peritoneal_carcinomatosis",
    "sstr_avid", "ki67_percent", "who_grade", "differentiation", "prior_pancreatoduodenectomy",
    "primary_resected", "lesion_near_major_vessel", "hilar_or_central_bile_duct", "liver_involvement_percent",
    "mitoses_per_2mm2", "primary_site", "extrahepatic_burden", "disease_stable_months", "grade_discordant",
    "evidence",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "tumor_type", "ki67_percent_worst", "mitoses_per_2mm2_worst", "who_grade_worst", "differentiation_worst",
)
_BOOL_COLUMNS = ("bilobar", "peritoneal_carcinomatosis", "sstr_avid", "prior_pancreatoduodenectomy",
                 "primary_resected", "lesion_near_major_vessel", "hilar_or_central_bile_duct", "grade_discordant")
_FLOAT_COLUMNS = ("largest_liver_lesion_mm", "ki67_percent", "liver_involvement_percent", "mitoses_per_2mm2",
                  "disease_stable_months", "ki67_percent_worst", "mitoses_per_2mm2_worst")
_LIST_COLUMNS = ("liver_segments", "extrahepatic_sites", "evidence")

_MODALITY_RANK = {"MRI": 0, "CT": 1, "PET": 2}
_CATEGORY_LOW = {"none": 0, "single": 1, "few": 2, "multiple": 4}
_GRADE_RANK = {"G1": 1, "G2": 2, "G3": 3}
_DIFF_RANK = {"well": 1, "poorly": 2}
_METASTASIS_SITES = frozenset({"liver", "lymph_node"})
_PRIMARY_SPECIMEN_SITES = {"pancreas": "pancreas", "small_bowel": "small_bowel"}
_PRIOR_PD_CUES = frozenset({"pancreatoduodenectomy", "pancreaticoduodenectomy", "whipple",
                            "pancreaticojejunostomy", "hepaticojejunostomy"})
_PRIMARY_RESECTED_CUES = frozenset({"primary_resection"})
_PRIMARY_IN_SITU_CUES = frozenset({"primary_in_situ", "primary_unresected", "primary_not_resected"})
#: "Primary not resected", "primary (not resected": the in-situ cue holds its own negation, which ConText reads as
#: negating it
_OWN_NEGATION = re.compile(r"\b(?:not|never)\b", re.I)
_BURDEN_CUES = ("diffuse", "widespread", "numerous")
_LOW_BURDEN_MAX_LESIONS = 3  # DC5: one organ system with <=3 discrete lesions
#: a site mention in the plural stands for two lesions at least ("nodes", "bone metastases", "peritoneal deposits")
_PLURAL_LESION = re.compile(r"\b(?:nodes|metastases|mets|deposits|lesions|foci|masses|nodules|implants)\b", re.I)
_DAYS_PER_MONTH = 365.25 / 12
_SITE_LABEL = "EXTRAHEPATIC_SITE"


# ---------------------------------------------------------------------------------------------
# Input normalisation

def _missing(value: Any) -> bool:
    """None, NaN, NA and NaT are missing; containers never are."""
    if value is None:
        return True
    if isinstance(value, (list, tuple, set, dict)) or getattr(value, "shape", ()) != ():
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _clean(value: Any) -> Any:
    """numpy/pandas scalars -> Python; NaN/NA/NaT -> None; arrays -> lists."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, str) and getattr(value, "shape", ()) != ():
        return value.tolist()
    if _missing(value):
        return None
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    return value


def _as_date(value: Any) -> dt.date | None:
    if type(value) is dt.date:  # already clean (the usual case)
        return value
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):  # datetime64[ns] .item()
        return pd.Timestamp(value).date()
    return dt.date.fromisoformat(str(value)[:10])


def _as_list(value: Any) -> list[str] | None:
    if type(value) is list and all(type(v) is str for v in value):  # the usual case: str(v) is v, never missing
        return sorted(set(value))
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return sorted({str(v) for v in value if not _missing(v)})


def _as_bool(value: Any) -> bool | None:
    if value is None or type(value) is bool:  # already clean (the usual case)
        return value
    value = _clean(value)
    return None if value is None else bool(value)


#: Types on which :func:`_clean` is the identity.
_PLAIN_TYPES = frozenset({str, int, bool, dt.date, type(None)})


def _clean_column(values: list[Any]) -> list[Any]:
    """:func:`_clean` of every cell, with the identity and float cases inlined (most cells of a bucket)."""
    return [v if type(v) in _PLAIN_TYPES else (None if math.isnan(v) else v) if type(v) is float else _clean(v)
            for v in values]


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The frame's rows as cleaned dicts: ``to_dict(orient="records")`` + :func:`_clean`, read column-wise."""
    if frame is None or len(frame) == 0:
        return []
    return frame_records(frame, convert=_clean_column)


@dataclass
class _Inputs:
    """One patient's rows."""

    imaging: list[dict[str, Any]] = field(default_factory=list)
    pathology: list[dict[str, Any]] = field(default_factory=list)
    mentions: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    n_documents: int = 0
    dates: dict[str, dt.date | None] = field(default_factory=dict)


def _prepare_imaging(row: dict[str, Any]) -> dict[str, Any]:
    row["report_date"] = _as_date(row.get("report_date"))
    row["report_type"] = str(row.get("report_type") or "").upper()
    for name in ("liver_segments", "extrahepatic_sites"):
        row[name] = _as_list(row.get(name))
    for name in ("bilobar", "peritoneal_carcinomatosis", "sstr_avid", "lesion_near_major_vessel",
                 "hilar_or_central_bile_duct"):
        row[name] = _as_bool(row.get(name))
    return row


def _prepare_pathology(row: dict[str, Any]) -> dict[str, Any]:
    row["report_date"] = _as_date(row.get("report_date"))
    differentiation = row.get("differentiation")
    if str(row.get("tumor_type") or "").upper() == "NEC":
        differentiation = "poorly"  # §7: NEC is poorly differentiated by definition
    row["differentiation"] = differentiation
    site = row.get("primary_site")
    row["primary_site"] = None if site is None else str(site).strip().lower().replace(" ", "_")
    return row


def _group_inputs(documents: pd.DataFrame | None, imaging: pd.DataFrame | None, pathology: pd.DataFrame | None,
                  mentions: pd.DataFrame | None) -> dict[str, _Inputs]:
    """Split the tables by patient, dropping non-ok reports and rows without a patient."""
    docs = _records(documents)
    bad = {d.get("report_id") for d in docs if d.get("status") not in (None, "ok")}
    owner: dict[str, str] = {}
    patients: dict[str, _Inputs] = defaultdict(_Inputs)
    for doc in docs:
        if doc.get("report_id") in bad or doc.get("patient_id") is None:
            continue
        owner[doc["report_id"]] = str(doc["patient_id"])
        patients[str(doc["patient_id"])].n_documents += 1
        patients[str(doc["patient_id"])].dates[doc["report_id"]] = _as_date(doc.get("report_date"))
    for kind, frame, prepare in (("imaging", imaging, _prepare_imaging), ("pathology", pathology, _prepare_pathology)):
        for row in _records(frame):
            if row.get("report_id") in bad or row.get("patient_id") is None:
                continue
            row = prepare(row)
            pid = str(row["patient_id"])
            owner.setdefault(row["report_id"], pid)
            getattr(patients[pid], kind).append(row)
            patients[pid].dates[row["report_id"]] = row["report_date"]
    for mention in _records(mentions):
        rid = mention.get("report_id")
        pid = mention.get("patient_id") or owner.get(rid)
        if rid in bad or pid is None or str(pid) not in patients:
            continue
        patients[str(pid)].mentions[rid].append(mention)
    if not docs:
        for inputs in patients.values():
            inputs.n_documents = len({r["report_id"] for r in inputs.imaging + inputs.pathology})
    return dict(patients)


# ---------------------------------------------------------------------------------------------
# Imaging

def _or3(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    return False if any(v is False for v in values) else None


def _latest(rows: Sequence[dict[str, Any]]) -> tuple[dt.date | None, list[dict[str, Any]]]:
    """The rows of the latest date (all rows when none is dated)."""
    dated = [r for r in rows if r["report_date"] is not None]
    if not dated:
        return None, list(rows)
    latest = max(r["report_date"] for r in dated)
    return latest, [r for r in dated if r["report_date"] == latest]


def _by_priority(rows: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped by modality, MRI first, then CT, then PET."""
    tiers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        tiers[_MODALITY_RANK.get(row["report_type"], len(_MODALITY_RANK))].append(row)
    return [sorted(tiers[k], key=lambda r: r["report_id"]) for k in sorted(tiers)]


def _count_low(row: Mapping[str, Any]) -> float:
    if row.get("liver_lesion_count") is not None:
        return float(row["liver_lesion_count"])
    return float(_CATEGORY_LOW.get(row.get("liver_lesion_count_category") or "", -1))


def _first_stated(group: Sequence[dict[str, Any]], name: str) -> tuple[Any, str | None]:
    """The value of the highest-priority modality that states it; the larger one within a modality."""
    for tier in _by_priority(group):
        stated = [r for r in tier if r.get(name) is not None]
        if stated:
            best = max(stated, key=lambda r: float(r[name]))
            return float(best[name]), best["report_id"]
    return None, None


def _count_source(group: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    for tier in _by_priority(group):
        stated = [r for r in tier if r.get("liver_lesion_count") is not None or r.get("liver_lesion_count_category")]
        if stated:
            return max(stated, key=_count_low)
    return None


def _latest_pet_within(rows: Sequence[dict[str, Any]], latest: dt.date | None, window_days: int) -> dict[str, Any] | None:
    if latest is None:
        return None
    start = latest - dt.timedelta(days=window_days)
    pets = [r for r in rows if r["report_type"] == "PET" and r["report_date"] is not None
            and start <= r["report_date"] <= latest]
    return max(pets, key=lambda r: (r["report_date"], r["report_id"])) if pets else None


def _liver_extent(group: Sequence[dict[str, Any]], pet: dict[str, Any] | None, refine: bool,
                  evidence: set[str]) -> dict[str, Any]:
    """Count, category, size, segments, bilobar, involvement and proximity from the latest date."""
    out: dict[str, Any] = {"liver_lesion_count": None, "liver_lesion_count_category": None}
    source = _count_source(group)
    if source is not None:
        out["liver_lesion_count"] = source.get("liver_lesion_count")
        out["liver_lesion_count_category"] = source.get("liver_lesion_count_category")
    out["largest_liver_lesion_mm"], _ = _first_stated(group, "largest_liver_lesion_mm")
    out["liver_involvement_percent"], _ = _first_stated(group, "liver_involvement_percent")
    segments = [r["liver_segments"] for r in group if r["liver_segments"] is not None]
    out["liver_segments"] = sorted(set().union(*segments)) if segments else []
    out["bilobar"] = _or3(r["bilobar"] for r in group)
    for name in ("lesion_near_major_vessel", "hilar_or_central_bile_duct"):
        out[name] = _or3(r[name] for r in group)
    evidence.update(r["report_id"] for r in group)
    if refine and pet is not None and source is not None and source["report_type"] in {"CT", "MRI"} \
            and pet not in group and _count_low(pet) > _count_low(source):
        out["liver_lesion_count"] = pet.get("liver_lesion_count")
        out["liver_lesion_count_category"] = pet.get("liver_lesion_count_category")
        out["bilobar"] = _or3([out["bilobar"], pet["bilobar"]])
        evidence.add(pet["report_id"])
    return out


def _current(mention: Mapping[str, Any]) -> bool:
    return not any(mention.get(k) for k in ("is_negated", "is_historical", "is_hypothetical"))


def _site_mentions(reports: Iterable[str], mentions: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [m for rid in reports for m in mentions.get(rid, []) if m.get("label") == _SITE_LABEL and m.get("value_norm")]


def _extrahepatic(group: Sequence[dict[str, Any]], pet: dict[str, Any] | None,
                  mentions: Mapping[str, list[dict[str, Any]]], evidence: set[str]) -> tuple[dict[str, Any], list[str]]:
    """Union of sites and OR of carcinomatosis over the latest date and the latest PET within the window."""
    contributing = list(group) + ([pet] if pet is not None and pet not in group else [])
    reports = [r["report_id"] for r in contributing]
    evidence.update(reports)
    lists = [r["extrahepatic_sites"] for r in contributing if r["extrahepatic_sites"] is not None]
    sites: list[str] | None = sorted(set().union(*lists)) if lists else None
    site_mentions = _site_mentions(reports, mentions)
    hedged = {m["value_norm"] for m in site_mentions if m.get("is_uncertain") and _current(m)}
    pet_negative = {m["value_norm"] for m in _site_mentions([pet["report_id"]] if pet else [], mentions)
                    if m.get("is_negated")}
    if pet is not None and pet["extrahepatic_sites"] is not None and len(pet["extrahepatic_sites"]) == 0:
        pet_negative |= hedged  # the PET found no extrahepatic disease at all ("No extrahepatic disease"): none of it
    if sites is not None and hedged - set(sites) - pet_negative:
        sites = None
    peritoneal = _or3(r["peritoneal_carcinomatosis"] for r in contributing)
    return {"extrahepatic_sites": sites, "peritoneal_carcinomatosis": peritoneal}, reports


def _burden(sites: list[str] | None, reports: Sequence[str], mentions: Mapping[str, list[dict[str, Any]]],
            primary_site: str | None, primary_resected: bool | None, ruleset: RuleSet) -> str | None:
    """DC5 burden of the extrahepatic disease, recomputed from the union and the site mentions."""
    remaining, _ = split_primary_field(sites, primary_site, primary_resected, ruleset)
    if remaining is None:
        return None
    if not remaining:
        return "none"
    current = [m for m in _site_mentions(reports, mentions)
               if _current(m) and not m.get("is_uncertain") and m["value_norm"] in remaining]
    if len(remaining) > 1 or any(cue in str(m.get("text") or "").lower() for m in current for cue in _BURDEN_CUES):
        return "high"
    # lesions per report: a site named in a sentence is one lesion there (two when named in the plural: "nodes"),
    # however often the sentence restates it ("Nodes: avid 14mm mesenteric root node ..., in keeping with nodal
    # metastasis"); the impression restates the findings, so a report counts its busiest section
    per_section: dict[tuple[str, Any], dict[tuple[Any, ...], int]] = defaultdict(dict)
    for m in current:
        sentence = m.get("sentence_start")
        key = (m["value_norm"], sentence) if sentence is not None else (m.get("start_char"), m.get("end_char"))
        counted = m.get("value_num")
        if counted is not None and counted >= 1:  # "four SSTR-positive lesions in T6, L1, ..." (NaN is None here)
            weight = int(counted)
        else:
            weight = 2 if _PLURAL_LESION.search(str(m.get("text") or "")) else 1
        lesions_of = per_section[m["report_id"], m.get("section")]
        lesions_of[key] = max(lesions_of.get(key, 0), weight)
    lesions = max((sum(found.values()) for found in per_section.values()), default=0)
    if lesions == 0:
        return None
    return "low" if lesions <= _LOW_BURDEN_MAX_LESIONS else "high"


def _non_sstr_study(mentions: Sequence[dict[str, Any]]) -> bool:
    """A PET report of another tracer: a current ``PET_TRACER`` mention of FDG and none of an SSTR tracer
    ("18F-FDG PET/CT ... compared with the DOTATATE PET of 2023"; not "Ga-68 DOTATATE and F-18 FDG PET/CT")."""
    names = {m.get("value_norm") for m in mentions if m.get("label") == "PET_TRACER"
             and not (m.get("is_negated") or m.get("is_historical") or m.get("is_hypothetical"))}
    return "fdg" in names and "sstr" not in names


def _sstr(imaging: Sequence[dict[str, Any]], mentions: Mapping[str, list[dict[str, Any]]],
          evidence: set[str]) -> bool | None:
    """From the latest SSTR PET: an FDG PET says nothing of receptor uptake (decision_rules.md §7: "Latest PET
    (SSTR-PET beats OctreoScan/SRS)")."""
    _, pets = _latest([r for r in imaging if r["report_type"] == "PET"
                       and not _non_sstr_study(mentions.get(r["report_id"], []))])
    if not pets:
        return None
    evidence.update(r["report_id"] for r in pets)
    values = {r["sstr_avid"] for r in pets}
    if values == {True} or values == {True, None}:
        return True
    if values == {False} or values == {False, None}:
        return False
    return None  # heterogeneous across same-day PETs, or not stated


def _stable_months(imaging: Sequence[dict[str, Any]], evidence: set[str]) -> float | None:
    """Months of stable/responding disease ending at the latest exam with a trend."""
    by_date: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for row in imaging:
        if row["report_date"] is not None:
            by_date[row["report_date"]].append(row)
    dates = sorted(by_date)
    trends = {}
    for day in dates:
        values = {r.get("disease_trend") for r in by_date[day]} - {None}
        trends[day] = "progression" if "progression" in values else (min(values) if values else None)
    if not any(trends.values()):
        return None
    anchor = max((d for d in dates if trends[d] == "progression"), default=dates[0])
    run = [d for d in dates if d > anchor and trends[d] in {"stable", "response"}]
    if not run:
        if trends[anchor] != "progression":
            return None  # a single stable exam says nothing about how long it has been stable
        evidence.update(r["report_id"] for r in by_date[anchor])
        return 0.0
    evidence.update(r["report_id"] for d in dates if anchor <= d <= run[-1] for r in by_date[d])
    return (run[-1] - anchor).days / _DAYS_PER_MONTH


# ---------------------------------------------------------------------------------------------
# Pathology

def _is_metastasis(row: Mapping[str, Any]) -> bool:
    site = row.get("specimen_site")
    if site in _METASTASIS_SITES:
        return True
    if site == "other":
        return not (row.get("procedure") == "resection" and row.get("primary_site") not in (None, "unknown"))
    return False


def _is_resected_primary(row: Mapping[str, Any]) -> bool:
    return row.get("procedure") == "resection" and not _is_metastasis(row) and row.get("specimen_site") is not None


def _highest(rows: Iterable[dict[str, Any]], name: str, rank: Mapping[str, int] | None = None) -> tuple[Any, list[str]]:
    stated = [r for r in rows if r.get(name) is not None and (rank is None or r[name] in rank)]
    if not stated:
        return None, []
    key = (lambda r: float(r[name])) if rank is None else (lambda r: rank[r[name]])
    best = max(stated, key=key)
    value = float(best[name]) if rank is None else best[name]
    return value, [r["report_id"] for r in stated if key(r) == key(best)]


def _side(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ki67_percent": _highest(rows, "ki67_percent")[0],
        "mitoses_per_2mm2": _highest(rows, "mitoses_per_2mm2")[0],
        "who_grade": _highest(rows, "who_grade", _GRADE_RANK)[0],
        "differentiation": _highest(rows, "differentiation", _DIFF_RANK)[0],
    }


def _discordant(primary: Mapping[str, Any], metastasis: Mapping[str, Any], cut: float, ge: bool) -> bool | None:
    comparisons = []
    for name in ("who_grade", "differentiation"):
        if primary[name] is not None and metastasis[name] is not None:
            comparisons.append(primary[name] != metastasis[name])
    if primary["ki67_percent"] is not None and metastasis["ki67_percent"] is not None:
        side = (lambda v: v >= cut) if ge else (lambda v: v > cut)
        comparisons.append(side(primary["ki67_percent"]) != side(metastasis["ki67_percent"]))
    if not comparisons:
        return None
    return any(comparisons)


#: the values that make a specimen graded
_GRADING_VALUES = ("ki67_percent", "mitoses_per_2mm2", "who_grade")
#: the patient's grade fields and how two values rank (None: numeric)
_GRADE_FIELDS = (("ki67_percent", None), ("mitoses_per_2mm2", None), ("who_grade", _GRADE_RANK),
                 ("differentiation", _DIFF_RANK))


def _pathology(rows: Sequence[dict[str, Any]], ruleset: RuleSet, evidence: set[str]) -> dict[str, Any]:
    """Grade fields (from the metastasis specimens when one was sampled and graded, else from the primary),
    discordance, tumour type and worst values.

    A metastasis that was graded (a Ki-67, a mitotic count or a grade) gives every grade field, and a field it lacks
    stays null (decision_rules.md §7: "from the metastasis when one was sampled"): a liver core with a Ki-67 but "no
    mitoses can be evaluated" gives no mitotic count, not the primary's. A metastasis sample that was not graded (a
    biopsy that only confirms a "metastatic well-differentiated NET") gives what it says, and the primary the rest."""
    # another tumour's specimen (an HCC, a lymphoma node, a breast cancer) says nothing of the NET's grade, unless it is
    # all the pathology there is
    rows = [r for r in rows if r.get("tumor_type") != "other"] or list(rows)
    metastases = [r for r in rows if _is_metastasis(r)]
    primaries = [r for r in rows if not _is_metastasis(r)]
    graded = [r for r in metastases if any(r.get(name) is not None for name in _GRADING_VALUES)]
    out: dict[str, Any] = {}
    for name, rank in _GRADE_FIELDS:
        value, sources = _highest(graded or metastases, name, rank)
        if value is None and not graded:
            value, sources = _highest(primaries, name, rank)
        out[name] = value
        evidence.update(sources)
    cut = ruleset.derived["ki67_ge55"].threshold
    assert cut is not None
    out["grade_discordant"] = None
    if metastases and primaries:
        out["grade_discordant"] = _discordant(_side(primaries), _side(metastases), cut.value, cut.op == "ge")
        if out["grade_discordant"]:
            evidence.update(r["report_id"] for r in rows)
    selected = metastases or primaries
    types = {str(r.get("tumor_type")) for r in selected if r.get("tumor_type")}
    out["tumor_type"] = next((t for t in ("MiNEN", "NEC", "NET", "other") if t in types), None)
    worst = _side(rows)
    out.update({f"{k}_worst": v for k, v in worst.items()})
    return out


# ---------------------------------------------------------------------------------------------
# Sticky facts

def _procedure_mentions(mentions: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [m for ms in mentions.values() for m in ms
            if m.get("label") == "PROCEDURE_HISTORY" and m.get("value_norm") and not m.get("is_hypothetical")]


def _site_norm(mention: Mapping[str, Any]) -> str:
    """A PRIMARY_SITE mention's site as the patient column spells it ('small bowel' -> 'small_bowel')."""
    return str(mention.get("value_norm")).strip().lower().replace(" ", "_")


def _primary_site(rows: Sequence[dict[str, Any]], mentions: Mapping[str, list[dict[str, Any]]],
                  dates: Mapping[str, dt.date | None], evidence: set[str]) -> str | None:
    """Pathology's primary site (primary specimens first, latest first; of two primaries the one a later metastasis
    names), else the resected organ, else mentions."""
    def recency(rid: str) -> tuple[dt.date, str]:
        return dates.get(rid) or dt.date.min, rid

    stated = [r for r in rows if r.get("primary_site") not in (None, "unknown")]
    if stated:
        best = max(stated, key=lambda r: (not _is_metastasis(r), *recency(r["report_id"])))
        if not _is_metastasis(best):
            # two primaries resected ("a pancreatic NET G1 and an ileal NET G2"): a later metastasis naming the other
            # one ("consistent with metastasis from the known ileal primary") says which of them spread
            named = {_site_norm(m) for m in mentions.get(best["report_id"], []) if m.get("label") == "PRIMARY_SITE"
                     and not any(m.get(k) for k in ("is_negated", "is_hypothetical", "is_uncertain"))}
            spread = [r for r in stated if _is_metastasis(r) and r["primary_site"] != best["primary_site"]
                      and r["primary_site"] in named and recency(r["report_id"]) > recency(best["report_id"])]
            if spread:
                best = max(spread, key=lambda r: recency(r["report_id"]))
        evidence.add(best["report_id"])
        return str(best["primary_site"])
    resected = [r for r in rows if _is_resected_primary(r) and r.get("specimen_site") in _PRIMARY_SPECIMEN_SITES]
    if resected:
        best = max(resected, key=lambda r: recency(r["report_id"]))
        evidence.add(best["report_id"])
        return _PRIMARY_SPECIMEN_SITES[best["specimen_site"]]
    cues = [m for ms in mentions.values() for m in ms if m.get("label") == "PRIMARY_SITE" and m.get("value_norm")
            and not any(m.get(k) for k in ("is_negated", "is_hypothetical", "is_uncertain"))]
    if cues:
        best = max(cues, key=lambda m: recency(m["report_id"]))
        evidence.add(best["report_id"])
        return _site_norm(best)
    if any(r.get("primary_site") == "unknown" for r in rows):
        return "unknown"
    return None


def _sticky(rows: Sequence[dict[str, Any]], mentions: Mapping[str, list[dict[str, Any]]], primary_site: str | None,
            evidence: set[str]) -> dict[str, Any]:
    """primary_resected and prior_pancreatoduodenectomy: once true, always true."""
    procedures = _procedure_mentions(mentions)
    whipple = [m for m in procedures if not m.get("is_negated") and str(m["value_norm"]).lower() in _PRIOR_PD_CUES]
    resected_cues = [m for m in procedures if not m.get("is_negated")
                     and str(m["value_norm"]).lower() in _PRIMARY_RESECTED_CUES]
    resected_rows = [r for r in rows if _is_resected_primary(r)]
    in_situ = [m for m in procedures if (str(m["value_norm"]).lower() in _PRIMARY_IN_SITU_CUES and (
                   not m.get("is_negated") or _OWN_NEGATION.search(str(m.get("text") or ""))))
               or (m.get("is_negated") and str(m["value_norm"]).lower() in _PRIMARY_RESECTED_CUES)]
    positive = resected_cues + (whipple if primary_site == "pancreas" else [])
    out: dict[str, Any] = {"prior_pancreatoduodenectomy": True if whipple else None}
    evidence.update(m["report_id"] for m in whipple)
    if positive or resected_rows:
        out["primary_resected"] = True
        evidence.update([m["report_id"] for m in positive] + [r["report_id"] for r in resected_rows])
    elif in_situ:
        out["primary_resected"] = False
        evidence.update(m["report_id"] for m in in_situ)
    else:
        out["primary_resected"] = None
    return out


# ---------------------------------------------------------------------------------------------
# Assembly

def _patient_row(patient_id: str, inputs: _Inputs, ruleset: RuleSet, window: int, refine: bool) -> dict[str, Any]:
    evidence: set[str] = set()
    latest, group = _latest(inputs.imaging)
    pet = _latest_pet_within(inputs.imaging, latest, window)
    row: dict[str, Any] = {"patient_id": patient_id, "n_reports": inputs.n_documents}
    if inputs.imaging:
        row.update(_liver_extent(group, pet, refine, evidence))
        eh, eh_reports = _extrahepatic(group, pet, inputs.mentions, evidence)
        row.update(eh)
    else:
        eh_reports = []
        row.update({"liver_segments": [], "extrahepatic_sites": None})
    row["sstr_avid"] = _sstr(inputs.imaging, inputs.mentions, evidence)
    row["disease_stable_months"] = _stable_months(inputs.imaging, evidence)
    row.update(_pathology(inputs.pathology, ruleset, evidence))
    row["primary_site"] = _primary_site(inputs.pathology, inputs.mentions, inputs.dates, evidence)
    row.update(_sticky(inputs.pathology, inputs.mentions, row["primary_site"], evidence))
    row["extrahepatic_burden"] = _burden(row.get("extrahepatic_sites"), eh_reports, inputs.mentions,
                                         row["primary_site"], row["primary_resected"], ruleset)
    row["evidence"] = sorted(evidence)
    dates = [inputs.dates.get(rid) for rid in evidence]
    row["as_of"] = max((d for d in dates if d is not None), default=None)
    return row


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for name in columns:
        values = [r.get(name) for r in rows]
        if name == "liver_lesion_count":
            data[name] = pd.array([None if v is None else int(v) for v in values], dtype="Int32")
        elif name == "n_reports":
            data[name] = pd.array([int(v or 0) for v in values], dtype="int32")
        elif name in _BOOL_COLUMNS:
            data[name] = pd.array(values, dtype="boolean")
        elif name in _FLOAT_COLUMNS:
            data[name] = pd.array([math.nan if v is None else float(v) for v in values], dtype="float64")
        elif name in _LIST_COLUMNS:
            data[name] = pd.Series([None if v is None else sorted(set(map(str, v))) for v in values], dtype=object)
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=list(columns))


def aggregate_patients(
    documents: pd.DataFrame | None,
    imaging: pd.DataFrame | None,
    pathology: pd.DataFrame | None,
    mentions: pd.DataFrame | None,
    *,
    pet_window_days: int = 90,
    pet_count_refinement: bool = False,
    extras: bool = False,
    ruleset: RuleSet | str | Path | None = None,
) -> pd.DataFrame:
    """Merge report-level rows into one ``patients`` row per patient (decision_rules.md §7).

    Args:
        documents: contract ``documents`` (``status`` != ok reports are ignored everywhere; ``n_reports``
            counts the ok ones).
        imaging: contract ``imaging`` rows.
        pathology: contract ``pathology`` rows.
        mentions: contract ``mentions`` (``EXTRAHEPATIC_SITE``, ``PROCEDURE_HISTORY``, ``PRIMARY_SITE``, ``PET_TRACER`` are read).
        pet_window_days: how far before the latest imaging date a PET still adds extrahepatic sites.
        pet_count_refinement: apply the proposed PET max-count refinement (off: the contract's precedence).
        extras: also return ``tumor_type`` and the worst values across all specimens
            (``ki67_percent_worst``, ``mitoses_per_2mm2_worst``, ``who_grade_worst``,
            ``differentiation_worst``) that the decision's discordance re-run reads.
        ruleset: rule file whose Ki-67 cut (D3) and D9 maps apply (default: current version).

    Returns:
        One row per patient with a patient id, sorted by ``patient_id``: every contract ``patients`` column
        (``liver_lesion_count`` Int32, booleans as pandas ``boolean``, ``n_reports`` int32, ``as_of`` a
        ``datetime.date``, lists as sorted Python lists of str).
    """
    rs = ruleset if isinstance(ruleset, RuleSet) else load_ruleset(ruleset or "nelm-rules-1")
    grouped = _group_inputs(documents, imaging, pathology, mentions)
    rows = [_patient_row(pid, grouped[pid], rs, pet_window_days, pet_count_refinement) for pid in sorted(grouped)]
    columns = PATIENT_COLUMNS + (EXTRA_COLUMNS if extras else ())
    return _frame(rows, columns)

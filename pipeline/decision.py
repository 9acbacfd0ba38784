"""Eligibility flags for neuroendocrine liver metastases: decision_rules.md v1, rules as versioned data.

The module is pure: plain dicts in, plain dicts out, no Prefect and no spaCy. Every threshold, rule id,
rule type, sentence and quote lives in ``configs/decision/eligibility.vN.yaml``; this module holds the
control flow only:

* tri-state evaluation (``True``/``False``/``None``; a missing key or null is unknown, never false),
* the per-sub-flag state function of decision_rules.md §0 (HX/NI -> ineligible; U or RC -> indeterminate),
* the compositions ``ablation = OR3(percutaneous, concomitant)`` and
  ``transplant = AND3(L0, Milan, ENETS)``,
* the resection cascade (concomitant ablation, transarterial, transplant and SBRT read the resection state;
  SBRT also reads the percutaneous state), and
* the §7 patient-level overrides (grade discordance re-run, MiNEN) and the optional staleness check (CR15).

Example:
    >>> rules = load_ruleset("nelm-rules-1")
    >>> rows = decide_patient({"patient_id": "P1", "liver_lesion_count": 1, ...}, rules)
    >>> [(r["therapy"], r["status"]) for r in rows]

Output rows follow the contract ``eligibility`` table: ``reasons`` hold ``"ID: sentence"`` for HX, NI, RC,
satisfied criteria (SAT), notes, the T5 modifier, cascade states and the one-line SBRT summary (under
ablation) and the systemic notes Y (under prrt); ``missing`` names the blocking unknown features (only
when indeterminate); ``needs_review`` holds ``"CRn item"`` and ``"ID ... not assessed"`` entries.

Ambiguities (the most literal reading was taken; each is a choice, not a clinical claim):
    * §5 says CR items are "always listed", yet the §8 example lists none on the ineligible ablation and
      transarterial rows and lists CR6 on the ineligible transplant row. Reading: CR items and "not
      assessed" entries are listed only on rows (and sub-flags) that are not ineligible, except items
      flagged ``list_if_ineligible`` in the rule file (L8/CR6 because it is a Table 1 criterion, CR13
      grade discordance, CR15 staleness).
    * The §8 example reasons are not in lexicographic order; the contract says list columns are sorted,
      so reasons, missing and needs_review are sorted (Python string order) and de-duplicated.
    * The §8 example prints satisfied criteria (``R10f``, ``P2``) and a single SBRT line ``S: ...``.
      Satisfied criteria are rule type SAT; SBRT prints one summary line ``S: <state> (<S-rule details>)``;
      sub-flags that end eligible print a summary line (``AP``, ``AC``, ``L``), ineligible ones speak through
      their HX/NI reasons only.
    * U rules go to ``missing``, not to ``reasons`` (§8), except cascade states with no feature of their
      own (AC4, T2b, L0 when resection is indeterminate), which also print a reason line and inherit the
      resection row's missing features.
    * "An ineligible row lists its HX/NI reasons alone" (§8) is read literally: on an ineligible row the
      RC, SAT, cascade and note lines of its sub-flags are dropped; the advisory SBRT line (ablation) and
      the Y notes (prrt) stay, as in the §8 example.
    * The types SAT (criterion satisfied, printed), modifier (T5), summary (``AP``, ``AC``, ``L``, ``S``) are
      additions to the spec's HX/NI/RC/U/CR/SUP/note; R-SUP, AP/AC/L/S summary ids are ids of this file.
    * §0 lists "not assessed" only for null proximity flags, ``primary_resectable`` and
      ``carcinoid_syndrome``; other null RC features (e.g. ``sig_eh`` for AP4/T3) have no effect and no entry.
      R11 is "not assessed" whenever its condition is unknown (primary not known to be resected and
      resectability unknown).
    * CR items with no field (CR2, CR5, CR11) and CR items whose field is supplied (CR1 with an
      ECOG value) are still listed: §0 "It is always listed".
    * CR9 is raised by the rules that name it (R5, L1 unknown, AP5/T4/P3 unknown, Y5), i.e. when the grade,
      the G3 Ki-67 or the NET-G3-vs-NEC question is unknown.
    * D9 drops nodes and the primary's organ only when ``primary_resected`` is literally false; null keeps them.
    * D5 ``solitary`` is false (not unknown) when the count is unknown but ``bilobar`` is true (DC17).
    * R1, AP1a, T1 and P1 read the count bounds of D5, so category ``none`` counts as zero lesions.
    * Y7 "resection not eligible because of extent" = pancreatic primary, resection not eligible, and one of
      R10b/R10c/R10d/R10g fired (the rule file lists them).
    * P-note prints "resection first" when resection is eligible, otherwise the positioning sentence when
      ``mb`` or ``sig_eh`` is true; notes and the T5 modifier are printed only on rows that are not
      ineligible; Y notes always.
    * Discordance (§7): with ``grade_discordant`` true the rows are re-run with the ``*_worst`` features
      that are supplied (``ki67_percent_worst``, ``mitoses_per_2mm2_worst``, ``who_grade_worst``,
      ``differentiation_worst``); a row whose status differs becomes indeterminate. CR13 is listed on every
      row whenever ``grade_discordant``, a reported/computed grade mismatch (G3) or MiNEN applies.
    * ``tumor_type`` NEC sets ``diff`` to poorly (the §7 aggregation rule, applied again for callers of
      ``nelm decide``); MiNEN turns eligible rows indeterminate.
    * CR15 needs ``index_date``; the imaging date is ``last_imaging_date`` when supplied, else ``as_of``.
    * ``bilobar`` null with known ``liver_segments`` is derived from the segments (§1): both sides true,
      one side false.
    * Numeric fields that cannot be parsed are unknown (logged by field name, never by value).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import operator
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, AbstractSet, Any, Callable, Iterable, Literal, Mapping, NamedTuple, Sequence

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .config import safe_load_yaml
from .errors import RuleFileError, did_you_mean
from .tristate import first_decisive

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_RULESET",
    "ELIGIBILITY_COLUMNS",
    "THERAPIES",
    "RuleSet",
    "decide_frame",
    "decide_patient",
    "derive",
    "explain_patient",
    "load_ruleset",
    "normalize_features",
    "split_primary_field",
]

DEFAULT_RULESET = "nelm-rules-1"
THERAPIES: tuple[str, ...] = ("resection", "ablation", "transarterial", "transplant", "prrt")
ELIGIBILITY_COLUMNS: tuple[str, ...] = (
    "patient_id", "therapy", "status", "reasons", "missing", "needs_review", "rules_version", "as_of",
)
ELIGIBLE, INELIGIBLE, INDETERMINATE = "eligible", "ineligible", "indeterminate"
_GRADE_RANK = {"G1": 1, "G2": 2, "G3": 3}

# ---------------------------------------------------------------------------------------------
# Feature vocabulary (decision_rules.md §1, CONTRACT.md patients table, §7 extras)

_BOOL, _NUM, _INT, _STR, _LIST, _DATE = "bool", "num", "int", "str", "list", "date"

INPUT_FEATURES: dict[str, str] = {
    "patient_id": _STR, "as_of": _DATE, "n_reports": _INT, "evidence": _LIST,
    "ki67_percent": _NUM, "mitoses_per_2mm2": _NUM, "who_grade": _STR, "differentiation": _STR,
    "tumor_type": _STR, "primary_site": _STR, "primary_resected": _BOOL, "primary_resectable": _BOOL,
    "primary_portal_drained": _BOOL, "prior_pancreatoduodenectomy": _BOOL, "recurrent_after_resection": _BOOL,
    "liver_lesion_count": _INT, "liver_lesion_count_category": _STR, "largest_liver_lesion_mm": _NUM,
    "liver_segments": _LIST, "bilobar": _BOOL, "liver_involvement_percent": _NUM,
    "lesion_near_major_vessel": _BOOL, "hilar_or_central_bile_duct": _BOOL,
    "extrahepatic_sites": _LIST, "extrahepatic_burden": _STR, "peritoneal_carcinomatosis": _BOOL,
    "sstr_avid": _BOOL, "anatomic_resectability": _STR, "resectable_fraction_percent": _NUM,
    "flr_percent": _NUM, "ecog_ps": _INT, "right_heart_failure": _BOOL, "age_years": _INT,
    "disease_stable_months": _NUM, "carcinoid_syndrome": _BOOL, "hormonal_syndrome_refractory": _BOOL,
    "grade_discordant": _BOOL, "ki67_percent_worst": _NUM, "mitoses_per_2mm2_worst": _NUM,
    "who_grade_worst": _STR, "differentiation_worst": _STR,
    "index_date": _DATE, "last_imaging_date": _DATE,
}

#: Closed vocabularies; a value outside them is unknown (``None``).
ENUMS: dict[str, frozenset[str]] = {
    "who_grade": frozenset({"G1", "G2", "G3"}),
    "who_grade_worst": frozenset({"G1", "G2", "G3"}),
    "differentiation": frozenset({"well", "poorly"}),
    "differentiation_worst": frozenset({"well", "poorly"}),
    "tumor_type": frozenset({"NET", "NEC", "MiNEN", "other"}),
    "liver_lesion_count_category": frozenset({"none", "single", "few", "multiple"}),
    "extrahepatic_burden": frozenset({"none", "low", "high"}),
    "anatomic_resectability": frozenset({"resectable", "unresectable"}),
}

DERIVED_FEATURES: tuple[str, ...] = (
    "grade", "ki67_grade", "mitotic_grade", "grade_report_mismatch", "grade_single_index",
    "diff", "ki67_ge55", "nec_like", "count_lo", "count_hi", "count_ge4", "solitary", "multifocal", "mb",
    "portal", "peritoneal", "eh_sites", "eh_present", "eh_burden", "sig_eh", "nodes_presumed_regional",
    "staleness_days",
)
CASCADE_FEATURES: tuple[str, ...] = (
    "resection_status", "resection_eligible", "resection_fired", "percutaneous_status", "percutaneous_eligible",
)
KNOWN_FEATURES: frozenset[str] = frozenset(INPUT_FEATURES) | frozenset(DERIVED_FEATURES) | frozenset(CASCADE_FEATURES)

#: Sub-flags evaluated inside each output row. ``combine`` builds the row status from ``subs``;
#: ``advisory`` flags add reasons and review items but never change the row status.
_ROWS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "resection": (("resection",), "single", ()),
    "ablation": (("percutaneous", "concomitant"), "or", ("sbrt",)),
    "transarterial": (("transarterial",), "single", ()),
    "transplant": (("pathway", "milan", "enets"), "and", ("transplant",)),
    "prrt": (("prrt",), "single", ("systemic",)),
}
FLAGS: frozenset[str] = frozenset(f for subs, _, adv in _ROWS.values() for f in subs + adv)
_THERAPY_FLAGS = {row: frozenset(subs + adv) for row, (subs, _, adv) in _ROWS.items()}
_CASCADE_PARENTS = ("resection", "percutaneous")

# ---------------------------------------------------------------------------------------------
# Rule-file models (pydantic, extra keys forbidden)

Op = Literal[
    "eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is_true", "is_false", "is_null", "not_null",
    "is_not_true", "is_not_false", "contains_any",
]
_UNARY_OPS = frozenset({"is_true", "is_false", "is_null", "not_null", "is_not_true", "is_not_false"})
_LIST_OPS = frozenset({"in", "not_in", "contains_any"})
_COMPARE_OPS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
RuleType = Literal["HX", "NI", "RC", "U", "SAT", "SUP", "note", "modifier", "CR", "summary"]
Status = Literal["eligible", "ineligible", "indeterminate", "not_indicated"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Model):
    """A tri-state condition: a leaf ``{feature, op, value}`` or ``all``/``any``/``not`` of conditions."""

    feature: str | None = None
    op: Op | None = None
    value: Any = None
    all_: tuple[Condition, ...] | None = Field(default=None, alias="all")
    any_: tuple[Condition, ...] | None = Field(default=None, alias="any")
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="before")
    @classmethod
    def _list_means_all(cls, data: Any) -> Any:
        return {"all": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.feature is not None, self.all_ is not None, self.any_ is not None, self.not_ is not None]
        if sum(forms) != 1:
            raise ValueError("a condition is exactly one of {feature, op, value}, {all: [...]}, {any: [...]}, {not: ...}")
        if self.feature is None:
            if self.op is not None or self.value is not None:
                raise ValueError("'op'/'value' belong to a leaf with 'feature'")
            return self
        if self.op is None:
            raise ValueError(f"leaf on '{self.feature}' needs an 'op'")
        if self.op in _UNARY_OPS and self.value is not None:
            raise ValueError(f"op '{self.op}' takes no value")
        if self.op in _LIST_OPS and not isinstance(self.value, list):
            raise ValueError(f"op '{self.op}' needs a list value")
        if self.op in _COMPARE_OPS and (self.value is None or isinstance(self.value, (list, dict))):
            raise ValueError(f"op '{self.op}' needs a scalar value")
        if self.op in {"lt", "le", "gt", "ge"} and (isinstance(self.value, bool) or not isinstance(self.value, (int, float))):
            raise ValueError(f"op '{self.op}' needs a number, got {self.value!r}")
        return self

    def leaves(self) -> Iterable[Condition]:
        """Every leaf condition, depth first, in file order."""
        if self.feature is not None:
            yield self
        for child in (self.all_ or ()) + (self.any_ or ()) + ((self.not_,) if self.not_ else ()):
            yield from child.leaves()


class Variant(_Model):
    """An alternative sentence chosen by a condition (``when``) or by the final status (summaries)."""

    when: Condition | None = None
    status: Status | None = None
    sentence: str
    mode: Literal["curative", "debulking"] | None = None


class Case(_Model):
    """One alternative of a U rule, with the features it reports as missing."""

    when: Condition
    missing: tuple[str, ...] = ()
    missing_from: Literal["resection", "percutaneous"] | None = None


class Rule(_Model):
    """One row of decision_rules.md §4 (see the header of the rule file for each field)."""

    id: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*(-[A-Za-z0-9]+)?$")
    therapy: Literal["resection", "ablation", "transarterial", "transplant", "prrt"]
    flags: tuple[str, ...] = Field(min_length=1)
    type: RuleType
    features: tuple[str, ...] = ()
    when: Condition | None = None
    cases: tuple[Case, ...] | None = None
    if_unknown: Literal["ignore", "block", "not_assessed", "review"] = "ignore"
    missing: tuple[str, ...] = ()
    missing_from: Literal["resection", "percutaneous"] | None = None
    review: tuple[str, ...] = ()
    review_if_unknown: tuple[str, ...] = ()
    list_if_ineligible: bool = False
    reason_line: bool = False
    emit: Literal["unless_ineligible", "always"] = "unless_ineligible"
    details: bool = False
    mode: Literal["curative", "debulking"] | None = None
    sentence: str
    unknown_sentence: str | None = None
    variants: tuple[Variant, ...] = ()
    quote: tuple[str, ...] = ()
    dc: tuple[str, ...] = ()

    @field_validator("quote", mode="before")
    @classmethod
    def _quote_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.cases is not None and (self.type != "U" or self.when is not None):
            raise ValueError("'cases' is for U rules without 'when'")
        if self.type == "U" and self.when is None and not self.cases:
            raise ValueError("a U rule needs 'when' or 'cases'")
        if self.type == "summary":
            if self.when is not None or not self.variants or any(v.status is None for v in self.variants):
                raise ValueError("a summary rule has no 'when' and variants keyed by 'status'")
        elif any(v.status is not None for v in self.variants):
            raise ValueError("variant 'status' is for summary rules")
        if self.type not in {"CR", "note", "modifier"} and self.when is None and not self.cases and self.type != "summary":
            raise ValueError(f"a {self.type} rule needs 'when'")
        if self.if_unknown == "block" and not (self.missing or self.missing_from):
            raise ValueError("if_unknown 'block' needs 'missing' or 'missing_from'")
        if self.if_unknown in {"not_assessed"} and not self.unknown_sentence:
            raise ValueError("if_unknown 'not_assessed' needs 'unknown_sentence'")
        if self.if_unknown == "review" and not self.review_if_unknown:
            raise ValueError("if_unknown 'review' needs 'review_if_unknown'")
        if self.review_if_unknown and self.if_unknown not in {"review", "block"}:
            raise ValueError("'review_if_unknown' needs if_unknown 'review' or 'block'")
        if self.type == "CR" and not self.review:
            raise ValueError("a CR rule names its CR items in 'review'")
        return self


class ReviewItem(_Model):
    """A clinician-review item (decision_rules.md §5)."""

    id: str = Field(pattern=r"^CR[0-9]+$")
    item: str
    field: str | None = None
    attach: tuple[str, ...] = ()
    when: Condition | None = None
    list_if_ineligible: bool = False
    quote: str | None = None


class Threshold(_Model):
    """A single numeric cut, e.g. ``{op: ge, value: 55}``."""

    op: Literal["lt", "le", "gt", "ge"]
    value: float


class Band(_Model):
    """One grading band; the last band has no ``op`` and catches the rest."""

    grade: Literal["G1", "G2", "G3"]
    op: Literal["lt", "le"] | None = None
    value: float | None = None


class Derived(_Model):
    """A derived variable of decision_rules.md §2 and the data it needs."""

    id: str = Field(pattern=r"^D[0-9]+$")
    name: str
    sentence: str
    quote: str | None = None
    dc: tuple[str, ...] = ()
    threshold: Threshold | None = None
    category_bounds: dict[str, tuple[int, int | None]] | None = None
    site_values: dict[str, bool | None] | None = None
    regional_sites: tuple[str, ...] | None = None
    primary_organ: dict[str, str] | None = None


class Grading(_Model):
    """A WHO 2019 grading rule of decision_rules.md §3."""

    id: str = Field(pattern=r"^G[0-9]+$")
    name: str
    sentence: str
    feature: str | None = None
    bands: tuple[Band, ...] | None = None
    dc: tuple[str, ...] = ()


class DesignChoice(_Model):
    """A design choice of decision_rules.md §6."""

    id: str = Field(pattern=r"^DC[0-9]+$")
    choice: str
    quote: str | None = None


class Override(_Model):
    """A §7 patient-level override (MiNEN, grade discordance)."""

    sentence: str
    when: Condition
    review: tuple[str, ...] = ()
    worst_values: dict[str, str] | None = None
    quote: str | None = None


class Overrides(_Model):
    minen: Override
    discordance: Override


class _RuleFile(_Model):
    rules_version: str = Field(min_length=1)
    title: str | None = None
    source: str | None = None
    notice: str | None = None
    derived: list[dict[str, Any]]
    grading: list[dict[str, Any]]
    review_items: list[dict[str, Any]]
    design_choices: list[dict[str, Any]]
    overrides: dict[str, Any]
    rules: list[dict[str, Any]]


@dataclass(frozen=True)
class RuleSet:
    """A validated rule file. Build it with :func:`load_ruleset`.

    Attributes:
        version: ``rules_version`` written into every output row.
        path: the file it was read from.
        sha256: digest of the file bytes (provenance).
        rules: §4 rules in file order.
        review_items: CR items by id.
        derived: §2 entries by name (thresholds and vocabularies).
        grading: §3 entries by name.
        design_choices: §6 entries by id.
        overrides: §7 MiNEN and discordance overrides.
    """

    version: str
    path: Path
    sha256: str
    rules: tuple[Rule, ...]
    review_items: dict[str, ReviewItem]
    derived: dict[str, Derived]
    grading: dict[str, Grading]
    design_choices: dict[str, DesignChoice]
    overrides: Overrides
    _by_flag: dict[str, tuple[Rule, ...]] = field(repr=False, compare=False, default_factory=dict)
    #: Compiled conditions and per-target lookups, filled on first use (see "Compiled conditions").
    _compiled: dict[Any, Any] = field(repr=False, compare=False, default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the compiled closures (rebuilt on first use), as a rule set pickled before."""
        return {**self.__dict__, "_compiled": {}}

    def rules_for(self, flag: str) -> tuple[Rule, ...]:
        """The rules of one sub-flag, in file order."""
        return self._by_flag.get(flag, ())

    def rule(self, rule_id: str) -> Rule:
        """One rule by id (``KeyError`` if absent)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def all_ids(self) -> dict[str, str]:
        """Every id in the file mapped to its section (rules, review_items, derived, grading, design_choices)."""
        ids = {r.id: "rules" for r in self.rules}
        ids.update({i: "review_items" for i in self.review_items})
        ids.update({d.id: "derived" for d in self.derived.values()})
        ids.update({g.id: "grading" for g in self.grading.values()})
        ids.update({i: "design_choices" for i in self.design_choices})
        return ids


# ---------------------------------------------------------------------------------------------
# Loading

def _configs_dir() -> Path:
    from .resources import configs_dir

    return configs_dir()


def resolve_ruleset_path(path_or_version: str | Path) -> Path:
    """Find a rule file from a path or a version name.

    Accepted: an existing path; a path relative to ``configs/`` (``decision/eligibility.v1.yaml``);
    ``nelm-rules-1``, ``eligibility.v1``, ``v1`` or ``1`` (-> ``configs/decision/eligibility.v1.yaml``).

    Raises:
        RuleFileError: nothing matches.
    """
    candidate = Path(path_or_version)
    if candidate.is_file():
        return candidate
    text = str(path_or_version)
    decision_dir = _configs_dir() / "decision"
    tries = [_configs_dir() / text, decision_dir / text]
    match = re.fullmatch(r"(?:nelm-rules-|eligibility\.v|v)?(\d+)(?:\.ya?ml)?", text)
    if match:
        tries.append(decision_dir / f"eligibility.v{match.group(1)}.yaml")
    for path in tries:
        if path.is_file():
            return path
    available = sorted(p.name for p in decision_dir.glob("eligibility.v*.yaml"))
    raise RuleFileError(f"[D000] no decision rule file for {text!r}; available in {decision_dir}: {available}")


def load_ruleset(path_or_version: str | Path = DEFAULT_RULESET) -> RuleSet:
    """Load and strictly validate a decision rule file.

    Args:
        path_or_version: a path to ``eligibility.vN.yaml`` or a version name (``nelm-rules-1``, ``v1``).

    Returns:
        The validated :class:`RuleSet` (cached per file content).

    Raises:
        RuleFileError: unreadable YAML, unknown or missing keys, bad types, duplicate ids, unknown features,
            unknown references or bad sentence placeholders; the message names the file and the rule id.
    """
    path = resolve_ruleset_path(path_or_version).resolve()
    data = path.read_bytes()
    return _load_cached(str(path), hashlib.sha256(data).hexdigest(), data)


@lru_cache(maxsize=32)
def _load_cached(path: str, sha256: str, data: bytes) -> RuleSet:
    return _build_ruleset(Path(path), sha256, data)


def _fail(code: str, path: Path, where: str, message: str) -> RuleFileError:
    return RuleFileError(f"[{code}] {path}: {where}: {message}")


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            parts.append(f"unknown key '{loc}'")
        else:
            parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts)


def _parse_entries(path: Path, section: str, entries: list[dict[str, Any]], model: type[_Model]) -> list[Any]:
    parsed = []
    for index, entry in enumerate(entries):
        ident = entry.get("id") if isinstance(entry, dict) else None
        where = f"{section} '{ident}'" if ident else f"{section} #{index + 1}"
        if section == "rules" and ident:
            where = f"rule '{ident}'"
        try:
            parsed.append(model.model_validate(entry))
        except ValidationError as exc:
            raise _fail("D003", path, where, _describe(exc)) from None
    return parsed


def _build_ruleset(path: Path, sha256: str, data: bytes) -> RuleSet:
    try:
        raw = safe_load_yaml(data)
    except yaml.YAMLError as exc:
        raise _fail("D001", path, "YAML", str(exc).replace("\n", " ")) from None
    if not isinstance(raw, dict):
        raise _fail("D001", path, "file", "top level must be a mapping")
    try:
        top = _RuleFile.model_validate(raw)
    except ValidationError as exc:
        raise _fail("D002", path, "top level", _describe(exc)) from None
    rules = _parse_entries(path, "rules", top.rules, Rule)
    items = _parse_entries(path, "review_items", top.review_items, ReviewItem)
    derived = _parse_entries(path, "derived", top.derived, Derived)
    grading = _parse_entries(path, "grading", top.grading, Grading)
    choices = _parse_entries(path, "design_choices", top.design_choices, DesignChoice)
    try:
        overrides = Overrides.model_validate(top.overrides)
    except ValidationError as exc:
        raise _fail("D003", path, "overrides", _describe(exc)) from None
    _check_unique_ids(path, [(r.id, "rule") for r in rules] + [(i.id, "review item") for i in items]
                      + [(d.id, "derived") for d in derived] + [(g.id, "grading") for g in grading]
                      + [(c.id, "design choice") for c in choices])
    by_flag: dict[str, list[Rule]] = {}
    for rule in rules:
        for flag in rule.flags:
            by_flag.setdefault(flag, []).append(rule)
    ruleset = RuleSet(
        version=top.rules_version, path=path, sha256=sha256, rules=tuple(rules),
        review_items={i.id: i for i in items}, derived={d.name: d for d in derived},
        grading={g.name: g for g in grading}, design_choices={c.id: c for c in choices},
        overrides=overrides, _by_flag={k: tuple(v) for k, v in by_flag.items()},
    )
    _check_references(ruleset)
    _check_required_data(ruleset)
    return ruleset


def _check_unique_ids(path: Path, ids: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for ident, kind in ids:
        if ident in seen:
            raise _fail("D004", path, f"{kind} '{ident}'", f"duplicate id (already used by a {seen[ident]})")
        seen[ident] = kind


def _check_feature(path: Path, where: str, name: str) -> None:
    if name not in KNOWN_FEATURES:
        raise _fail("D005", path, where, f"unknown feature '{name}'{did_you_mean(name, KNOWN_FEATURES)}")


def _check_condition(path: Path, where: str, cond: Condition | None, rule_ids: set[str]) -> None:
    if cond is None:
        return
    for leaf in cond.leaves():
        _check_feature(path, where, leaf.feature or "")
        if leaf.op == "contains_any":
            for ref in leaf.value:
                if ref not in rule_ids:
                    raise _fail("D006", path, where, f"unknown rule id '{ref}' in contains_any{did_you_mean(ref, rule_ids)}")


def _check_references(rs: RuleSet) -> None:
    path, rule_ids = rs.path, {r.id for r in rs.rules}
    targets = FLAGS | set(THERAPIES)
    for rule in rs.rules:
        where = f"rule '{rule.id}'"
        for flag in rule.flags:
            if flag not in _THERAPY_FLAGS[rule.therapy]:
                raise _fail("D006", path, where, f"flag '{flag}' is not a sub-flag of {rule.therapy} "
                                                 f"({sorted(_THERAPY_FLAGS[rule.therapy])})")
        for name in rule.features + rule.missing + tuple(m for c in rule.cases or () for m in c.missing):
            _check_feature(path, where, name)
        for cond in [rule.when] + [c.when for c in rule.cases or ()] + [v.when for v in rule.variants]:
            _check_condition(path, where, cond, rule_ids)
        for cr in rule.review + rule.review_if_unknown:
            if cr not in rs.review_items:
                raise _fail("D006", path, where, f"unknown review item '{cr}'{did_you_mean(cr, rs.review_items)}")
        for dc in rule.dc:
            if dc not in rs.design_choices:
                raise _fail("D006", path, where, f"unknown design choice '{dc}'")
        _check_templates(rs, rule)
    for item in rs.review_items.values():
        where = f"review item '{item.id}'"
        _check_condition(path, where, item.when, rule_ids)
        if item.field:
            _check_feature(path, where, item.field)
        for target in item.attach:
            if target not in targets:
                raise _fail("D006", path, where, f"unknown attach target '{target}'{did_you_mean(target, targets)}")
    for entry in list(rs.derived.values()) + list(rs.grading.values()):
        for dc in entry.dc:
            if dc not in rs.design_choices:
                raise _fail("D006", path, f"'{entry.id}'", f"unknown design choice '{dc}'")
    for name, override in (("minen", rs.overrides.minen), ("discordance", rs.overrides.discordance)):
        _check_condition(path, f"overrides.{name}", override.when, rule_ids)
        for key, value in (override.worst_values or {}).items():
            _check_feature(path, f"overrides.{name}", key)
            _check_feature(path, f"overrides.{name}", value)
        for cr in override.review:
            if cr not in rs.review_items:
                raise _fail("D006", path, f"overrides.{name}", f"unknown review item '{cr}'")


def _compare_leaves(cond: Condition | None) -> list[Condition]:
    return [leaf for leaf in cond.leaves() if leaf.op in _COMPARE_OPS] if cond else []


def _check_templates(rs: RuleSet, rule: Rule) -> None:
    texts = [(rule.sentence, rule.when), (rule.unknown_sentence or "", rule.when)]
    texts += [(v.sentence, v.when or rule.when) for v in rule.variants]
    for text, cond in texts:
        allowed = KNOWN_FEATURES | {"value"} | {f"t{i}" for i in range(len(_compare_leaves(cond)))}
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise _fail("D007", rs.path, f"rule '{rule.id}'", f"bad sentence {text!r}: {exc}") from None
        for _, name, spec, conversion in fields:
            if name is None:
                continue
            if spec or conversion or name not in allowed:
                raise _fail("D007", rs.path, f"rule '{rule.id}'",
                            f"bad placeholder '{{{name}}}' in {text!r}{did_you_mean(name or '', allowed)}")


def _check_required_data(rs: RuleSet) -> None:
    needs = {
        ("derived", "ki67_ge55"): lambda d: d.threshold is not None,
        ("derived", "count_bounds"): lambda d: bool(d.category_bounds) and d.threshold is not None
        and d.threshold.op in {"ge", "gt"},
        ("derived", "portal"): lambda d: d.site_values is not None,
        ("derived", "eh_present"): lambda d: d.regional_sites is not None and d.primary_organ is not None,
        ("grading", "ki67_grade"): lambda g: _bands_ok(g),
        ("grading", "mitotic_grade"): lambda g: _bands_ok(g),
    }
    for (section, name), ok in needs.items():
        entry = getattr(rs, section).get(name)
        if entry is None or not ok(entry):
            raise _fail("D008", rs.path, f"{section} '{name}'", "missing or incomplete (its thresholds/vocabulary are required)")
    for name in ("ki67_grade", "mitotic_grade"):
        _check_feature(rs.path, f"grading '{rs.grading[name].id}'", rs.grading[name].feature or "")


def _bands_ok(entry: Grading) -> bool:
    bands = entry.bands or ()
    if not bands or entry.feature is None or bands[-1].op is not None:
        return False
    return all(b.op is not None and b.value is not None for b in bands[:-1])


@lru_cache(maxsize=1)
def _default_ruleset() -> RuleSet:
    return load_ruleset(DEFAULT_RULESET)


def _resolve(ruleset: RuleSet | str | Path | None) -> RuleSet:
    if ruleset is None:
        return _default_ruleset()
    if isinstance(ruleset, RuleSet):
        return ruleset
    return load_ruleset(ruleset)


# ---------------------------------------------------------------------------------------------
# Normalisation of one patient's features

_MISSING_TOKENS = frozenset({"", "nan", "null", "<na>", "na", "n/a", "nat"})
_TRUE_TOKENS = frozenset({"true", "t", "yes", "y", "1"})
_FALSE_TOKENS = frozenset({"false", "f", "no", "n", "0"})
_LEFT_SEGMENTS = frozenset({"2", "3", "4", "4a", "4b"})
_RIGHT_SEGMENTS = frozenset({"5", "6", "7", "8"})


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    if type(value).__name__ in {"NaTType", "NAType"}:
        return True
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():  # numpy scalar
        try:
            return bool(value != value)
        except (TypeError, ValueError):
            return False
    return False


#: Values on which pandas' ``maybe_box_native`` is the identity (no numpy scalar, no NA/NaT).
_NATIVE_TYPES = frozenset({str, int, float, bool, type(None), list, tuple, dict, dt.date, dt.datetime})


def frame_columns(df: pd.DataFrame, names: Iterable[Any] | None = None) -> dict[Any, list[Any]]:
    """The cells of ``df`` column by column, exactly as ``df.to_dict(orient="records")`` gives them.

    ``to_dict`` iterates each column (``itertuples``) and boxes every cell of an object or extension
    column with pandas' ``maybe_box_native``; this does the same per column, skipping the call for
    values that are already native Python (where it is the identity), and builds no row dicts.
    With duplicate labels the last column wins, as in ``to_dict``. ``names`` limits the columns read.
    """
    import numpy as np
    from pandas.api.extensions import ExtensionDtype
    from pandas.core.dtypes.cast import maybe_box_native

    wanted = None if names is None else set(names)
    native = _NATIVE_TYPES | {np.ndarray}  # maybe_box_native leaves arrays (list cells) alone too
    columns: dict[Any, list[Any]] = {}
    for index, (name, dtype) in enumerate(zip(df.columns, df.dtypes.values)):
        if wanted is not None and name not in wanted:
            continue
        values = list(df.iloc[:, index])
        if dtype == np.dtype(object) or isinstance(dtype, ExtensionDtype):
            values = [v if type(v) in native else maybe_box_native(v) for v in values]
        columns[name] = values
    return columns


def frame_records(df: pd.DataFrame, names: Iterable[Any] | None = None,
                  convert: Callable[[list[Any]], list[Any]] | None = None) -> list[dict[Any, Any]]:
    """``df.to_dict(orient="records")`` limited to ``names``, built from :func:`frame_columns`.

    ``convert`` maps each column's cells first (one call per column instead of one per cell). A frame
    without columns gives what ``to_dict`` gives (pandas 2 and 3 differ); rows keep existing when
    none of their columns is wanted (as empty dicts).
    """
    columns = frame_columns(df, names)
    if convert is not None:
        columns = {name: convert(values) for name, values in columns.items()}
    if not columns:
        if not len(df.columns):
            return df.to_dict(orient="records")  # pandas 2 gives [], pandas 3 one {} per row
        return [{} for _ in range(len(df))]
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _scalar(value: Any) -> Any:
    """numpy/pandas scalars -> Python scalars."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    return value


def _to_bool(value: Any) -> bool | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        token = value.strip().lower()
        if token in _TRUE_TOKENS:
            return True
        if token in _FALSE_TOKENS:
            return False
    raise ValueError("not a boolean")


def _to_number(value: Any, integral: bool) -> float | int:
    value = _scalar(value)
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    number = float(value.strip().rstrip("%")) if isinstance(value, str) else float(value)
    if math.isnan(number):
        raise ValueError("nan")
    if integral and number.is_integer():
        return int(number)
    return number


def _to_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _MISSING_TOKENS:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            import ast

            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = [part for part in re.split(r"[,;|]", text) if part.strip()]
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ValueError("not a list")
    return sorted({str(_scalar(v)).strip() for v in value if not _is_missing(v) and str(v).strip()})


def _to_date(value: Any) -> dt.date:
    value = _scalar(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if isinstance(value, (int,)) and not isinstance(value, bool):  # numpy datetime64[ns] .item() gives int ns
        return dt.datetime.fromtimestamp(value / 1e9, tz=dt.timezone.utc).date()
    return dt.date.fromisoformat(str(value).strip()[:10])


_SYNONYMS = {
    "differentiation": {"well differentiated": "well", "well-differentiated": "well", "poorly differentiated": "poorly",
                        "poorly-differentiated": "poorly", "poor": "poorly"},
    "tumor_type": {"net": "NET", "nec": "NEC", "minen": "MiNEN", "other": "other"},
}


def _to_str(name: str, value: Any) -> str | None:
    text = str(_scalar(value)).strip()
    vocab = ENUMS.get(name)
    if vocab is None:
        if name == "primary_site":
            return re.sub(r"[\s-]+", "_", text.lower())
        return text
    if name.startswith("who_grade"):
        upper = text.upper().replace("GRADE", "").strip()
        upper = f"G{upper}" if upper in {"1", "2", "3"} else upper
        return upper if upper in vocab else None
    lower = text.lower()
    lower = _SYNONYMS.get(name.replace("_worst", ""), {}).get(lower, lower)
    return lower if lower in vocab else (text if text in vocab else None)


def _coerce(name: str, kind: str, value: Any) -> Any:
    if _is_missing(value):
        return None
    if isinstance(value, str):
        token = value.strip().lower()
        if token in _MISSING_TOKENS or (token == "none" and "none" not in ENUMS.get(name, ())):
            return None
    if kind == _LIST:
        return _to_list(value)
    if kind == _BOOL:
        return _to_bool(value)
    if kind in (_NUM, _INT):
        return _to_number(value, integral=kind == _INT)
    if kind == _DATE:
        return _to_date(value)
    return _to_str(name, value)


_EXACT_INT = 2 ** 53  # ints up to this size survive _to_number's float round trip unchanged


def _coerce_plain(name: str, kind: str, value: Any) -> Any:
    """:func:`_coerce`, with shortcuts for values that already have the kind's plain Python type.

    Frames from :mod:`pipeline.aggregate` hold such values almost everywhere; for them ``_coerce`` is the
    identity (bool, date, non-NaN float, exactly representable int) or reduces to the token check and
    :func:`_to_str` (str) or to stripping and de-duplicating (list of str). Anything else takes the full path.
    """
    kind_type = type(value)
    if ((kind_type is bool and kind == _BOOL) or (kind_type is dt.date and kind == _DATE)
            or (kind_type is float and kind == _NUM and value == value)
            or (kind_type is int and kind == _INT and -_EXACT_INT <= value <= _EXACT_INT)):
        return value
    if kind_type is str and kind == _STR:
        token = value.strip().lower()
        if token in _MISSING_TOKENS or (token == "none" and "none" not in ENUMS.get(name, ())):
            return None
        return _to_str(name, value)
    if kind_type is list and kind == _LIST and all(type(v) is str for v in value):
        return sorted({text for text in (v.strip() for v in value) if text})
    return _coerce(name, kind, value)


def normalize_features(features: Mapping[str, Any]) -> dict[str, Any]:
    """Coerce one patient's raw features to plain Python values; unknown stays ``None``.

    NaN, ``None``, ``pd.NA``/``NaT`` and missing keys all become ``None`` (unknown, never false). Lists may
    arrive as Python lists, numpy arrays or JSON strings (CSV). Values outside a closed vocabulary become
    ``None``. ``bilobar`` is derived from ``liver_segments`` when it is null (§1). Unknown keys are dropped.

    Args:
        features: one row shaped like the contract ``patients`` table, plus the optional clinical facts.

    Returns:
        A dict with every key of :data:`INPUT_FEATURES`.
    """
    out: dict[str, Any] = {}
    get = features.get if hasattr(features, "get") else None
    for name, kind in INPUT_FEATURES.items():
        value = get(name) if get is not None else None
        try:
            out[name] = None if value is None else _coerce_plain(name, kind, value)
        except (TypeError, ValueError, OverflowError):
            log.warning("feature %s has an unreadable value; treated as unknown", name)
            out[name] = None
    if out["extrahepatic_sites"] is not None:
        out["extrahepatic_sites"] = sorted({s.lower() for s in out["extrahepatic_sites"]})
    if out["bilobar"] is None and out["liver_segments"]:
        segments = {s.lower() for s in out["liver_segments"]}
        left, right = bool(segments & _LEFT_SEGMENTS), bool(segments & _RIGHT_SEGMENTS)
        out["bilobar"] = (left and right) if (left or right) else None
    return out


# ---------------------------------------------------------------------------------------------
# Derived variables (§2) and grading (§3)

def _cmp(op: str, left: Any, right: Any) -> bool | None:
    """Compare two known values; ``None`` when either is unknown or they are not comparable."""
    if left is None or right is None:
        return None
    try:
        if op == "eq":
            return bool(left == right)
        if op == "ne":
            return bool(left != right)
        if op == "lt":
            return bool(left < right)
        if op == "le":
            return bool(left <= right)
        if op == "gt":
            return bool(left > right)
        if op == "ge":
            return bool(left >= right)
    except TypeError:
        return None
    raise ValueError(f"unknown comparison {op}")


def _grade_from_bands(value: float | None, entry: Grading) -> str | None:
    if value is None:
        return None
    for band in entry.bands or ():
        if band.op is None or _cmp(band.op, value, band.value):
            return band.grade
    return None  # pragma: no cover - the last band always matches


def _max_grade(*grades: str | None) -> str | None:
    known = [g for g in grades if g is not None]
    return max(known, key=_GRADE_RANK.__getitem__) if known else None


def _derive_grade(f: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    """G1-G4 and D1-D4: effective grade, differentiation, the 55% split and NEC-likeness."""
    ki67_grade = _grade_from_bands(f["ki67_percent"], rs.grading["ki67_grade"])
    mitotic_grade = _grade_from_bands(f["mitoses_per_2mm2"], rs.grading["mitotic_grade"])
    computed = _max_grade(ki67_grade, mitotic_grade)
    grade = _max_grade(computed, f["who_grade"])
    differentiation = "poorly" if f["tumor_type"] == "NEC" else f["differentiation"]
    if differentiation == "poorly":
        grade = "G3"  # D1: NEC is high grade by definition
    diff = differentiation or ("well" if grade in {"G1", "G2"} else None)
    cut = rs.derived["ki67_ge55"].threshold
    assert cut is not None
    if f["ki67_percent"] is not None:
        ki67_ge55 = _cmp(cut.op, f["ki67_percent"], cut.value)
    else:
        ki67_ge55 = False if grade in {"G1", "G2"} else None
    if diff == "poorly" or ki67_ge55 is True:
        nec_like: bool | None = True
    elif diff == "well" and ki67_ge55 is False:
        nec_like = False
    else:
        nec_like = None
    return {
        "ki67_grade": ki67_grade, "mitotic_grade": mitotic_grade, "grade": grade, "diff": diff,
        "grade_report_mismatch": None if computed is None or f["who_grade"] is None else computed != f["who_grade"],
        "grade_single_index": (f["ki67_percent"] is None) != (f["mitoses_per_2mm2"] is None),
        "ki67_ge55": ki67_ge55, "nec_like": nec_like,
    }


def _derive_count(f: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    """D5 and D6: count bounds, count_ge4, solitary, multifocal and multifocal-bilobar."""
    entry = rs.derived["count_bounds"]
    assert entry.category_bounds is not None and entry.threshold is not None
    lo: float | None
    hi: float | None
    if f["liver_lesion_count"] is not None:
        lo = hi = f["liver_lesion_count"]
    elif f["liver_lesion_count_category"] in entry.category_bounds:
        low, high = entry.category_bounds[f["liver_lesion_count_category"]]
        lo, hi = low, (math.inf if high is None else high)
    else:
        lo = hi = None
    cut = entry.threshold
    count_ge4 = None
    if lo is not None and hi is not None:
        count_ge4 = True if _cmp(cut.op, lo, cut.value) else (False if not _cmp(cut.op, hi, cut.value) else None)
    bilobar = f["bilobar"]
    if lo is not None and lo >= 2:
        multifocal: bool | None = True
    elif hi is not None and hi <= 1:
        multifocal = False
    else:
        multifocal = True if bilobar is True else None
    if lo is not None and hi is not None:
        solitary: bool | None = lo == hi == 1
    else:
        solitary = False if multifocal is True else None
    mb = False if (hi is not None and hi <= 1) else bilobar
    return {"count_lo": lo, "count_hi": hi, "count_ge4": count_ge4, "solitary": solitary,
            "multifocal": multifocal, "mb": mb}


def split_primary_field(
    sites: Sequence[str] | None,
    primary_site: str | None,
    primary_resected: bool | None,
    ruleset: RuleSet | str | Path | None = None,
) -> tuple[list[str] | None, bool]:
    """D9/DC6: drop regional nodes and the primary's own organ while the primary is in situ.

    Args:
        sites: extrahepatic sites (``None`` = unknown).
        primary_site: normalised primary site.
        primary_resected: only a literal ``False`` drops anything.
        ruleset: where the regional sites and the primary-organ map come from.

    Returns:
        (remaining sites or ``None``, whether nodes were dropped, i.e. CR16 applies).
    """
    if sites is None:
        return None, False
    if primary_resected is not False:
        return sorted(sites), False
    entry = _resolve(ruleset).derived["eh_present"]
    assert entry.regional_sites is not None and entry.primary_organ is not None
    dropped = set(entry.regional_sites)
    organ = entry.primary_organ.get(primary_site or "")
    if organ:
        dropped.add(organ)
    nodes = any(s in entry.regional_sites for s in sites)
    return sorted(s for s in sites if s not in dropped), nodes


def _derive_extrahepatic(f: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    """D7-D11: portal drainage, peritoneal disease, extrahepatic presence, burden and significance."""
    portal_entry = rs.derived["portal"]
    assert portal_entry.site_values is not None
    portal = f["primary_portal_drained"]
    if portal is None:
        portal = portal_entry.site_values.get(f["primary_site"] or "")
    sites, pc = f["extrahepatic_sites"], f["peritoneal_carcinomatosis"]
    if pc is True or (sites is not None and "peritoneum" in sites):
        peritoneal: bool | None = True
    elif pc is False or sites is not None:
        peritoneal = False
    else:
        peritoneal = None
    eh_sites, nodes = split_primary_field(sites, f["primary_site"], f["primary_resected"], rs)
    if peritoneal is True:
        eh_sites = sorted(set(eh_sites or []) | {"peritoneum"})
    eh_present = None if eh_sites is None else bool(eh_sites)
    if eh_present is False:
        burden = "none"
    elif eh_present is True and f["extrahepatic_burden"] in {"low", "high"}:
        burden = f["extrahepatic_burden"]
    else:
        burden = None
    if peritoneal is True or (eh_present is True and burden == "high"):
        sig_eh: bool | None = True
    elif eh_present is False or (burden == "low" and peritoneal is False):
        sig_eh = False
    else:
        sig_eh = None
    return {"portal": portal, "peritoneal": peritoneal, "eh_sites": eh_sites, "eh_present": eh_present,
            "eh_burden": burden, "sig_eh": sig_eh, "nodes_presumed_regional": nodes}


def _staleness_days(f: Mapping[str, Any]) -> int | None:
    imaging_date = f["last_imaging_date"] or f["as_of"]
    if f["index_date"] is None or imaging_date is None:
        return None
    return (f["index_date"] - imaging_date).days


def derive(features: Mapping[str, Any], ruleset: RuleSet | str | Path | None = None) -> dict[str, Any]:
    """Compute the derived variables D1-D11 and the G-rule flags of one patient.

    Args:
        features: raw or normalised features (see :func:`normalize_features`).
        ruleset: the rule file whose thresholds apply (default: the current version).

    Returns:
        ``grade``, ``ki67_grade``, ``mitotic_grade``, ``grade_report_mismatch``, ``grade_single_index``,
        ``diff``, ``ki67_ge55``, ``nec_like``, ``count_lo``/``count_hi`` (``inf`` = unbounded),
        ``count_ge4``, ``solitary``, ``multifocal``, ``mb``, ``portal``, ``peritoneal``, ``eh_sites``,
        ``eh_present``, ``eh_burden``, ``sig_eh``, ``nodes_presumed_regional``, ``staleness_days``.
    """
    return _derive_normalized(normalize_features(features), _resolve(ruleset))


def _derive_normalized(f: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    out = _derive_grade(f, rs)
    out.update(_derive_count(f, rs))
    out.update(_derive_extrahepatic(f, rs))
    out["staleness_days"] = _staleness_days(f)
    return out


# ---------------------------------------------------------------------------------------------
# Tri-state evaluation

def _and3(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or3(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _leaf(cond: Condition, ctx: Mapping[str, Any]) -> bool | None:
    value, op, target = ctx.get(cond.feature or ""), cond.op, cond.value
    if op == "is_null":
        return value is None
    if op == "not_null":
        return value is not None
    if op == "is_not_true":
        return value is not True
    if op == "is_not_false":
        return value is not False
    if value is None:
        return None
    if op == "is_true":
        return value is True
    if op == "is_false":
        return value is False
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    if op == "contains_any":
        return bool(set(value) & set(target))
    return _cmp(op or "", value, target)


def evaluate(cond: Condition | None, ctx: Mapping[str, Any]) -> bool | None:
    """Evaluate a condition in three-valued logic (``None`` = unknown); no condition is true."""
    if cond is None:
        return True
    if cond.feature is not None:
        return _leaf(cond, ctx)
    if cond.all_ is not None:
        return _and3(evaluate(c, ctx) for c in cond.all_)
    if cond.any_ is not None:
        return _or3(evaluate(c, ctx) for c in cond.any_)
    inner = evaluate(cond.not_, ctx)
    return None if inner is None else not inner


def _fmt(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isinf(value):
            return "unbounded"
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Placeholders:
    """Sentence placeholders, formatted on demand: ``{value}``, ``{t0}``... and any feature name."""

    def __init__(self, ctx: Mapping[str, Any], extra: Mapping[str, str]) -> None:
        self.ctx, self.extra = ctx, extra

    def __getitem__(self, key: str) -> str:
        return self.extra[key] if key in self.extra else _fmt(self.ctx.get(key))


def _render(text: str, cond: Condition | None, ctx: Mapping[str, Any]) -> str:
    if "{" not in text:
        return text
    extra: dict[str, str] = {}
    leaves = _compare_leaves(cond)
    if leaves:
        extra["value"] = _fmt(ctx.get(leaves[0].feature or ""))
    for index, leaf in enumerate(leaves):
        threshold = leaf.value
        extra[f"t{index}"] = _fmt(float(threshold) if isinstance(threshold, int) and not isinstance(threshold, bool) else threshold)
    return text.format_map(_Placeholders(ctx, extra))


# ---------------------------------------------------------------------------------------------
# Compiled conditions
#
# :func:`evaluate` walks the pydantic tree and dispatches on the op string at every call; a patient
# needs ~190 evaluations, so the decision compiles each condition of a rule set once into a closure
# with exactly the same tri-state result and keeps it on the rule set. ``all``/``any`` stop at the
# first false/true child: children have no side effects, so the AND3/OR3 result is unchanged.

Predicate = Callable[[Mapping[str, Any]], "bool | None"]

_COMPARATORS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}


def _always_true(ctx: Mapping[str, Any]) -> bool:
    return True


def _compile_leaf(cond: Condition) -> Predicate:
    """A leaf as a closure over its feature name, op and value, op by op as in :func:`_leaf`.

    The null-tolerant ops come first; every other op is unknown (``None``) on a null value.
    """
    name, op, target = cond.feature or "", cond.op or "", cond.value
    if op == "is_null":
        return lambda ctx: ctx.get(name) is None
    if op == "not_null":
        return lambda ctx: ctx.get(name) is not None
    if op == "is_not_true":
        return lambda ctx: ctx.get(name) is not True
    if op == "is_not_false":
        return lambda ctx: ctx.get(name) is not False
    if op == "is_true":
        return lambda ctx: None if (value := ctx.get(name)) is None else value is True
    if op == "is_false":
        return lambda ctx: None if (value := ctx.get(name)) is None else value is False
    if op == "in":
        return lambda ctx: None if (value := ctx.get(name)) is None else value in target
    if op == "not_in":
        return lambda ctx: None if (value := ctx.get(name)) is None else value not in target
    if op == "contains_any":
        wanted = frozenset(target)
        return lambda ctx: None if (value := ctx.get(name)) is None else bool(set(value) & wanted)
    if op not in _COMPARATORS:
        raise ValueError(f"unknown comparison {op}")
    compare = _COMPARATORS[op]

    def compare_leaf(ctx: Mapping[str, Any]) -> bool | None:
        value = ctx.get(name)
        if value is None:
            return None
        try:
            return bool(compare(value, target))
        except TypeError:  # not comparable: unknown, as in _cmp
            return None

    return compare_leaf


def _compile(cond: Condition | None) -> Predicate:
    """A condition as a closure with the tri-state result of :func:`evaluate`."""
    if cond is None:
        return _always_true
    if cond.feature is not None:
        return _compile_leaf(cond)
    if cond.all_ is not None:
        return first_decisive([_compile(c) for c in cond.all_], False)
    if cond.any_ is not None:
        return first_decisive([_compile(c) for c in cond.any_], True)
    inner = _compile(cond.not_)

    def not3(ctx: Mapping[str, Any]) -> bool | None:
        outcome = inner(ctx)
        return None if outcome is None else not outcome

    return not3


def _predicate(rs: RuleSet, cond: Condition | None) -> Predicate:
    """The compiled form of one of ``rs``'s conditions, built on first use and kept on the rule set.

    Keyed by ``id``: the entry also holds the condition, so the id cannot be reused while cached.
    """
    key = ("when", id(cond))
    entry = rs._compiled.get(key)
    if entry is None:
        entry = rs._compiled[key] = (cond, _compile(cond))
    return entry[1]


def _check(rs: RuleSet, cond: Condition | None, ctx: Mapping[str, Any]) -> bool | None:
    """:func:`evaluate` through the rule set's compiled conditions."""
    return _predicate(rs, cond)(ctx)


def _pick_variant(rule: Rule, ctx: Mapping[str, Any], rs: RuleSet,
                  status: str | None = None) -> tuple[str, str | None, bool] | None:
    """(sentence, mode, whether a variant matched): the first matching variant, else the rule itself.

    Summaries have no fallback: ``None`` when no variant is keyed by ``status``.
    """
    for variant in rule.variants:
        if status is not None and variant.status != status:
            continue
        if variant.when is not None and _check(rs, variant.when, ctx) is not True:
            continue
        return _render(variant.sentence, variant.when or rule.when, ctx), variant.mode or rule.mode, True
    if rule.type == "summary":
        return None
    return _render(rule.sentence, rule.when, ctx), rule.mode, False


# ---------------------------------------------------------------------------------------------
# Sub-flag evaluation

@dataclass(slots=True)
class _Flag:
    """What one sub-flag produced (internal)."""

    name: str
    status: str = ELIGIBLE
    reasons: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    conditional: list[str] = field(default_factory=list)
    always: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    review: list[str] = field(default_factory=list)
    review_always: list[str] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    modes: set[str] = field(default_factory=set)
    excluded: bool = False
    hard: bool = False
    relative: bool = False
    blocked: bool = False
    #: Only :func:`explain_patient` reads traces; deciding skips building them (and the sentences
    #: that only a trace would show).
    tracing: bool = False


def _review_entry(rs: RuleSet, cr_id: str, detail: str | None = None) -> str:
    text = f"{cr_id} {rs.review_items[cr_id].item}"
    return f"{text}; {detail}" if detail else text


def _review_entries(rs: RuleSet, cr_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The entries of CR items without detail, built once per rule set."""
    key = ("entries", cr_ids)
    entries = rs._compiled.get(key)
    if entries is None:
        entries = rs._compiled[key] = tuple(_review_entry(rs, cr) for cr in cr_ids)
    return entries


def _null_inputs(names: Iterable[str], features: Mapping[str, Any]) -> set[str]:
    """The named features that are null in the input; all of them when none is (a derived value was unknown)."""
    names = list(names)
    null = {n for n in names if n in INPUT_FEATURES and features.get(n) is None}
    return null or set(names)


def _missing_of(names: Sequence[str], parent_name: str | None, features: Mapping[str, Any],
                parents: Mapping[str, _Flag]) -> set[str]:
    """Missing features of a blocking rule: its own null inputs plus those of an indeterminate cascade parent."""
    missing = _null_inputs(names, features) if names else set()
    parent = parents.get(parent_name or "")
    if parent is not None and parent.status == INDETERMINATE:
        missing |= parent.missing
    return missing


def _trace(rule: Rule, flag: str, outcome: str, effect: str, sentence: str, missing: Iterable[str] = ()) -> dict[str, Any]:
    return {"id": rule.id, "type": rule.type, "flag": flag, "outcome": outcome, "effect": effect,
            "sentence": sentence, "quote": list(rule.quote), "dc": list(rule.dc), "missing": sorted(missing)}


_FIRED_EFFECT = {"HX": "exclusion", "NI": "exclusion", "RC": "relative", "U": "blocking", "SAT": "satisfied",
                 "SUP": "supporting", "note": "note", "modifier": "modifier", "CR": "review"}


def _on_fired(res: _Flag, rule: Rule, ctx: Mapping[str, Any], rs: RuleSet, missing: AbstractSet[str]) -> None:
    sentence, mode, matched = _pick_variant(rule, ctx, rs) or (rule.sentence, None, False)
    line = f"{rule.id}: {sentence}"
    res.fired.append(rule.id)
    if mode:
        res.modes.add(mode)
    if rule.type in {"HX", "NI"}:
        res.excluded = True
        res.hard = res.hard or rule.type == "HX"
        res.exclusions.append(line)
    elif rule.type == "RC":
        res.relative = True
    elif rule.type == "U":
        res.blocked = True
        res.missing |= missing
    if rule.type in {"HX", "NI", "RC", "SAT"} or (rule.type == "U" and rule.reason_line):
        res.reasons.append(line)
    if rule.type in {"HX", "NI", "RC", "U"}:
        res.details.append(line)
    if rule.type in {"note", "modifier"}:
        (res.always if rule.emit == "always" else res.conditional).append(line)
    detail = sentence if rule.type == "CR" and matched else None  # e.g. T-CR: high tumour burden
    target = res.review_always if rule.list_if_ineligible else res.review
    if detail:
        target.extend(_review_entry(rs, cr, detail) for cr in rule.review)
    else:
        target.extend(_review_entries(rs, rule.review))
    if res.tracing:
        res.trace.append(_trace(rule, res.name, "fired", _FIRED_EFFECT[rule.type], sentence, missing))


def _on_unknown(res: _Flag, rule: Rule, ctx: Mapping[str, Any], rs: RuleSet, parents: Mapping[str, _Flag],
                features: Mapping[str, Any]) -> None:
    if not res.tracing and rule.if_unknown in {"ignore", "review"}:
        # the sentence would only appear in the trace: skip rendering it
        res.review.extend(_review_entries(rs, rule.review_if_unknown))
        return
    sentence = _render(rule.unknown_sentence or rule.sentence, rule.when, ctx)
    missing: set[str] = set()
    effect = "no_effect"
    if rule.if_unknown == "block":
        missing = _missing_of(rule.missing, rule.missing_from, features, parents)
        res.blocked = True
        res.missing |= missing
        res.details.append(f"{rule.id}: {sentence}")
        if rule.reason_line:
            res.reasons.append(f"{rule.id}: {sentence}")
        effect = "blocking"
    elif rule.if_unknown == "not_assessed":
        res.review.append(f"{rule.id} {sentence}")
        effect = "not_assessed"
    elif rule.if_unknown == "review":
        effect = "review"
    res.review.extend(_review_entries(rs, rule.review_if_unknown))
    if res.tracing:
        res.trace.append(_trace(rule, res.name, "unknown", effect, sentence, missing))


class _Step(NamedTuple):
    """A non-summary rule with its compiled ``when`` (or, for a U rule with cases, each case's)."""

    rule: Rule
    when: Predicate
    cases: tuple[tuple[Case, Predicate], ...] | None


def _flag_steps(rs: RuleSet, flag: str) -> tuple[_Step, ...]:
    """A sub-flag's non-summary rules in file order, compiled once per rule set."""
    key = ("steps", flag)
    steps = rs._compiled.get(key)
    if steps is None:
        steps = rs._compiled[key] = tuple(
            _Step(rule, _predicate(rs, rule.when),
                  None if rule.cases is None else tuple((case, _predicate(rs, case.when)) for case in rule.cases))
            for rule in _flag_rules(rs, flag, summary=False))
    return steps


_NO_MISSING: frozenset[str] = frozenset()


def _cases_outcome(cases: tuple[tuple[Case, Predicate], ...], ctx: Mapping[str, Any], parents: Mapping[str, _Flag],
                   features: Mapping[str, Any]) -> tuple[bool, set[str]]:
    """Outcome of a U rule with cases (true when any case holds) and the missing features of those that hold."""
    hits = [case for case, when in cases if when(ctx) is True]
    missing: set[str] = set()
    for case in hits:
        missing |= _missing_of(case.missing, case.missing_from, features, parents)
    return bool(hits), missing


def _evaluate_flag(flag: str, rs: RuleSet, ctx: Mapping[str, Any], parents: Mapping[str, _Flag],
                   features: Mapping[str, Any], trace: bool = False) -> _Flag:
    """Run one sub-flag's rules and apply the §0 state function."""
    res = _Flag(flag, tracing=trace)
    for rule, when, cases in _flag_steps(rs, flag):
        missing: AbstractSet[str] = _NO_MISSING
        if cases is None:
            outcome = when(ctx)
            if outcome is True and rule.type == "U":  # a U rule that holds reports its missing features
                missing = _missing_of(rule.missing, rule.missing_from, features, parents)
        else:
            outcome, missing = _cases_outcome(cases, ctx, parents, features)
        if outcome is True:
            _on_fired(res, rule, ctx, rs, missing)
        elif outcome is None and (trace or rule.if_unknown != "ignore"):  # an ignored unknown only traces
            _on_unknown(res, rule, ctx, rs, parents, features)
    if res.excluded:
        res.status = INELIGIBLE
    elif res.blocked or res.relative:
        res.status = INDETERMINATE
    return res


def _summary_lines(flag: str, status: str, res: _Flag, rs: RuleSet, ctx: Mapping[str, Any]) -> list[str]:
    """Summary rules of a flag, printed once its status is known (AP, AC, L, and the SBRT line S)."""
    lines = []
    for rule in _flag_rules(rs, flag, summary=True):
        key = "not_indicated" if status == INELIGIBLE and not res.hard else status
        picked = _pick_variant(rule, ctx, rs, key) or (_pick_variant(rule, ctx, rs, status) if key != status else None)
        if picked is None:
            continue
        sentence = picked[0]
        if rule.details and res.details:
            sentence = f"{sentence} ({'; '.join(res.details)})"
        lines.append(f"{rule.id}: {sentence}")
        if res.tracing:
            res.trace.append(_trace(rule, flag, "fired", "summary", sentence))
    return lines


def _flag_rules(rs: RuleSet, flag: str, summary: bool) -> tuple[Rule, ...]:
    """A sub-flag's summary rules (``summary``) or its other rules, in file order (cached on the rule set)."""
    key = ("rules", flag, summary)
    rules = rs._compiled.get(key)
    if rules is None:
        rules = rs._compiled[key] = tuple(r for r in rs.rules_for(flag) if (r.type == "summary") == summary)
    return rules


def _has_details(rs: RuleSet, flag: str) -> bool:
    """Whether a summary line of the flag carries its sub-rules in parentheses (the SBRT line)."""
    return any(r.details for r in _flag_rules(rs, flag, summary=True))


def _attached_items(rs: RuleSet, target: str) -> tuple[tuple[ReviewItem, Predicate, str], ...]:
    """The review items attached to a row or sub-flag, with their compiled condition and entry text."""
    key = ("attached", target)
    items = rs._compiled.get(key)
    if items is None:
        items = rs._compiled[key] = tuple((item, _predicate(rs, item.when), _review_entry(rs, item.id))
                                          for item in rs.review_items.values() if target in item.attach)
    return items


def _attached_review(target: str, rs: RuleSet, ctx: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Review items attached to a row or sub-flag: (listed unless ineligible, always listed)."""
    return _review_of(_attached_items(rs, target), ctx)


def _review_of(items: tuple[tuple[ReviewItem, Predicate, str], ...], ctx: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The entries of the attached items whose condition holds: (listed unless ineligible, always listed)."""
    normal, always = [], []
    for item, when, entry in items:
        if when(ctx) is True:
            (always if item.list_if_ineligible else normal).append(entry)
    return normal, always


# ---------------------------------------------------------------------------------------------
# Rows

@dataclass(slots=True)
class _Row:
    therapy: str
    status: str
    reasons: set[str]
    missing: set[str]
    review: set[str]
    sub_flags: dict[str, str]
    trace: list[dict[str, Any]]
    mode: str | None = None


def _combine(statuses: Sequence[str], how: str) -> str:
    if how == "single":
        return statuses[0]
    if how == "or":
        if ELIGIBLE in statuses:
            return ELIGIBLE
        return INDETERMINATE if INDETERMINATE in statuses else INELIGIBLE
    if INELIGIBLE in statuses:
        return INELIGIBLE
    return INDETERMINATE if INDETERMINATE in statuses else ELIGIBLE


def _flag_lines(res: _Flag, status: str, row_status: str) -> list[str]:
    """Reason lines of a sub-flag; an ineligible row lists its HX/NI reasons alone (§8)."""
    if row_status == INELIGIBLE:
        return list(res.exclusions) + list(res.always)
    lines = list(res.reasons) + list(res.always)
    if status != INELIGIBLE:
        lines += res.conditional
    return lines


class _Member(NamedTuple):
    """One sub-flag of a row, as :func:`_build_row` reads it (precomputed per rule set)."""

    name: str
    is_sub: bool  # combined into the row status
    is_advisory: bool  # adds reasons and review items only
    row_status: bool  # the advisory flag named after its row: its summary reads the row status
    summarized: bool  # has summary rules
    details: bool  # its summary line carries its sub-rules in parentheses (the SBRT line)
    attached: tuple[tuple[ReviewItem, Predicate, str], ...]  # review items attached to it (not for the row's own name)


def _row_members(rs: RuleSet, therapy: str) -> tuple[_Member, ...]:
    """The sub-flags of a row (combined ones, then advisory ones), cached on the rule set."""
    key = ("members", therapy)
    members = rs._compiled.get(key)
    if members is None:
        subs, _, advisory = _ROWS[therapy]
        members = rs._compiled[key] = tuple(
            _Member(name, name in subs, name in advisory, name == therapy and name in advisory,
                    bool(_flag_rules(rs, name, summary=True)), _has_details(rs, name),
                    _attached_items(rs, name) if name != therapy else ())
            for name in subs + advisory)
    return members


def _build_row(therapy: str, flags: Mapping[str, _Flag], rs: RuleSet, ctx: Mapping[str, Any]) -> _Row:
    subs, how, advisory = _ROWS[therapy]
    status = _combine([flags[s].status for s in subs], how)
    reasons: set[str] = set()
    review: set[str] = set()
    missing: set[str] = set()
    row_normal, row_always = _attached_review(therapy, rs, ctx)
    review.update(row_always)
    if status != INELIGIBLE:
        review.update(row_normal)
    for member in _row_members(rs, therapy):
        res = flags[member.name]
        own = status if member.row_status else res.status
        summaries = _summary_lines(member.name, own, res, rs, ctx) if member.summarized else []
        if member.details:
            reasons.update(summaries, res.always)
        else:
            reasons.update(_flag_lines(res, own, status if member.is_sub else own), summaries)
        normal, always = _review_of(member.attached, ctx)
        review.update(res.review_always, always)
        if status != INELIGIBLE and (member.is_advisory or res.status != INELIGIBLE):
            review.update(res.review, normal)
        if status == INDETERMINATE and member.is_sub and res.status == INDETERMINATE:
            missing |= res.missing
    modes = set().union(*(flags[s].modes for s in subs))
    mode = "debulking" if "debulking" in modes else ("curative" if "curative" in modes else None)
    trace = [t for name in subs + advisory for t in flags[name].trace]
    return _Row(therapy, status, reasons, missing, review, {n: flags[n].status for n in subs + advisory}, trace,
                mode if therapy == "resection" and status != INELIGIBLE else None)


def _cascade(prefix: str, res: _Flag) -> dict[str, Any]:
    eligible = {ELIGIBLE: True, INELIGIBLE: False}.get(res.status)
    out: dict[str, Any] = {f"{prefix}_status": res.status, f"{prefix}_eligible": eligible}
    if prefix == "resection":
        out["resection_fired"] = list(res.fired)
    return out


_OTHER_FLAGS: tuple[str, ...] = tuple(sorted(FLAGS - set(_CASCADE_PARENTS)))


def _decide_core(features: Mapping[str, Any], rs: RuleSet, trace: bool = False) -> tuple[dict[str, _Row], dict[str, Any]]:
    """The five rows for normalised features, before the §7 overrides (rule traces only with ``trace``)."""
    derived = _derive_normalized(features, rs)
    ctx: dict[str, Any] = {**features, **derived}
    flags: dict[str, _Flag] = {}
    for parent in _CASCADE_PARENTS:
        flags[parent] = _evaluate_flag(parent, rs, ctx, flags, features, trace)
        ctx.update(_cascade(parent, flags[parent]))
    for name in _OTHER_FLAGS:
        flags[name] = _evaluate_flag(name, rs, ctx, flags, features, trace)
    rows = {therapy: _build_row(therapy, flags, rs, ctx) for therapy in THERAPIES}
    return rows, ctx


def _apply_overrides(features: dict[str, Any], rows: dict[str, _Row], ctx: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    """§7: grade-discordance re-run and MiNEN; returns what happened (for explain)."""
    report: dict[str, Any] = {"discordance": None, "minen": False}
    disc = rs.overrides.discordance
    if _check(rs, disc.when, ctx) is True:
        worst = {k: features.get(v) for k, v in (disc.worst_values or {}).items() if features.get(v) is not None}
        changed: dict[str, str] = {}
        if worst:
            alt_rows, _ = _decide_core({**features, **worst}, rs)
            for therapy, row in rows.items():
                if alt_rows[therapy].status != row.status:
                    changed[therapy] = alt_rows[therapy].status
                    row.status = INDETERMINATE
                    row.review |= {_review_entry(rs, cr, f"{alt_rows[therapy].status} with the worst-specimen values")
                                   for cr in disc.review}
        report["discordance"] = {"worst_values": worst, "changed": changed}
    minen = rs.overrides.minen
    if _check(rs, minen.when, ctx) is True:
        report["minen"] = True
        for row in rows.values():
            if row.status == ELIGIBLE:
                row.status = INDETERMINATE
                row.review |= {_review_entry(rs, cr) for cr in minen.review}
    return report


def _decide(features: Mapping[str, Any], rs: RuleSet,
            trace: bool = False) -> tuple[dict[str, Any], dict[str, _Row], dict[str, Any], dict[str, Any]]:
    normalized = normalize_features(features)
    rows, ctx = _decide_core(normalized, rs, trace)
    report = _apply_overrides(normalized, rows, ctx, rs)
    return normalized, rows, ctx, report


def _row_dict(row: _Row, normalized: Mapping[str, Any], rs: RuleSet) -> dict[str, Any]:
    return {
        "patient_id": normalized["patient_id"],
        "therapy": row.therapy,
        "status": row.status,
        "reasons": sorted(row.reasons),
        "missing": sorted(row.missing) if row.status == INDETERMINATE else [],
        "needs_review": sorted(row.review),
        "rules_version": rs.version,
        "as_of": normalized["as_of"],
    }


def decide_patient(features: Mapping[str, Any], ruleset: RuleSet | str | Path | None = None) -> list[dict[str, Any]]:
    """Decide the five eligibility rows of one patient.

    Args:
        features: one ``patients``-shaped row (missing keys and nulls are unknown), plus optional clinical
            facts (``age_years``, ``ecog_ps``, ``flr_percent``...) and §7 extras (``tumor_type``,
            ``*_worst`` values, ``index_date``).
        ruleset: a :class:`RuleSet`, a version name or a path (default: ``nelm-rules-1``).

    Returns:
        Five dicts (resection, ablation, transarterial, transplant, prrt) with the contract ``eligibility``
        keys: ``patient_id``, ``therapy``, ``status``, ``reasons``, ``missing``, ``needs_review``,
        ``rules_version``, ``as_of`` (a ``datetime.date`` or ``None``).
    """
    rs = _resolve(ruleset)
    normalized, rows, _, _ = _decide(features, rs)
    return [_row_dict(rows[t], normalized, rs) for t in THERAPIES]


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    return value


def explain_patient(features: Mapping[str, Any], ruleset: RuleSet | str | Path | None = None) -> dict[str, Any]:
    """Why each status was given: features, derived values and every rule that fired, per therapy.

    Args:
        features: as for :func:`decide_patient`.
        ruleset: as for :func:`decide_patient`.

    Returns:
        A JSON-safe dict: ``patient_id``, ``rules_version``, ``ruleset_sha256``, ``as_of``, ``features``
        (normalised input), ``derived`` (D1-D11, G flags, cascade states), ``overrides`` (discordance
        re-run, MiNEN) and ``therapies``: for each therapy its row (``status``, ``reasons``, ``missing``,
        ``needs_review``), ``sub_flags`` statuses, ``resection_mode`` (resection only) and ``rules``: every
        rule that fired or was unknown, with ``id``, ``type``, ``flag``, ``outcome``, ``effect``,
        ``sentence``, ``quote``, ``dc`` and ``missing``.
    """
    rs = _resolve(ruleset)
    normalized, rows, ctx, report = _decide(features, rs, trace=True)
    derived = {k: ctx.get(k) for k in DERIVED_FEATURES + CASCADE_FEATURES}
    therapies = {}
    for therapy in THERAPIES:
        row = rows[therapy]
        entry = _row_dict(row, normalized, rs)
        therapies[therapy] = {
            "status": entry["status"], "reasons": entry["reasons"], "missing": entry["missing"],
            "needs_review": entry["needs_review"], "sub_flags": row.sub_flags, "rules": row.trace,
        }
        if therapy == "resection":
            therapies[therapy]["resection_mode"] = row.mode
    return _json_safe({
        "patient_id": normalized["patient_id"], "rules_version": rs.version, "ruleset_sha256": rs.sha256,
        "as_of": normalized["as_of"], "features": normalized, "derived": derived, "overrides": report,
        "therapies": therapies,
    })


def decide_frame(df: pd.DataFrame, ruleset: RuleSet | str | Path | None = None) -> pd.DataFrame:
    """Decide every patient of a ``patients``-shaped frame.

    Missing columns are unknown; NaN/None/``pd.NA`` are unknown (never false); list columns may hold
    Python lists, numpy arrays or JSON strings (CSV). Rows without a ``patient_id`` are skipped (logged).

    Args:
        df: one row per patient.
        ruleset: as for :func:`decide_patient`.

    Returns:
        The contract ``eligibility`` table: five rows per patient, sorted by ``patient_id`` and ``therapy``;
        list columns hold sorted Python lists of str, ``as_of`` holds ``datetime.date`` or ``None``.
    """
    import pandas as pd

    rs = _resolve(ruleset)
    rows: list[dict[str, Any]] = []
    skipped = 0
    # only the columns normalize_features reads; the values are those of df.to_dict(orient="records")
    for record in frame_records(df, INPUT_FEATURES):
        if _is_missing(record.get("patient_id")) or str(record.get("patient_id")).strip() == "":
            skipped += 1
            continue
        rows.extend(decide_patient(record, rs))
    if skipped:
        log.warning("decide_frame skipped %d row(s) without patient_id", skipped)
    out = pd.DataFrame(rows, columns=list(ELIGIBILITY_COLUMNS))
    out = out.sort_values(["patient_id", "therapy"], kind="mergesort").reset_index(drop=True)
    return out

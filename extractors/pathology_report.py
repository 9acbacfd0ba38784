"""One pathology report's Doc -> its row of the ``pathology`` table (CONTRACT §3).

Reads the mentions written by the pathology extractors (ki67, mitoses, grade, differentiation,
tumor_type, margin, specimen, primary_site) and applies the report-level policy:

* Mentions in CLINICAL HISTORY / COMPARISON sections, hypothetical ones, ConText-historical ones and
  values said of another specimen ("the jejunal primary (2020) was G1 with a Ki-67 of 2%") are not the
  current specimen's values. The primary site is the exception: it is usually named in the history.
* Negation counts only when the cue sits close to the mention, in the same clause ("negative for
  neuroendocrine differentiation", "this is not a neuroendocrine carcinoma"); a cue that governs an
  earlier noun ("no necrosis, well-differentiated NET") does not. Margin and mitosis rules read their
  own polarity ("margins free of tumour", "mitoses are not seen" -> 0).
* Ki-67: the highest value of the current specimen ("hot spot 12%, average 5%" -> 12; ranges already
  give their upper value; "<1%" gives 1); "pending"/"not performed" give null, never 0.
* Mitoses per 2 mm² (per 10 HPF taken as per 2 mm²): the highest.
* WHO grade: the highest stated NET grade (grades of other tumours never count), source "stated";
  otherwise derived by WHO 2019 from Ki-67 and mitoses (the higher wins; "ki67" when tied); a strict
  bound ("<2 mitoses", "Ki-67 <3%") grades just below its number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from pipeline.lexicon import load_lexicon

from ._base import doc_text, flag, token_section, values
from ._pathology_units import GRADES, derive_grade

_CUES = load_lexicon("pathology_report")

FINDINGS = "findings"
HISTORY_SECTIONS = frozenset({"history", "comparison"})
#: Sections in which the diagnosis is stated, in order of authority.
DIAGNOSTIC_SECTIONS = ("diagnosis", "synoptic", "addendum", "impression", None, "microscopic",
                       "immunohistochemistry", "comment", "findings", "specimen", "exam", "gross")
NE_TYPES = frozenset({"NET", "NEC", "MiNEN", "NEN"})
SMALL_BOWEL_PARTS = ("ileum", "jejunum", "duodenum")
_R_ORDER = {"R0": 0, "R1": 1, "R2": 2}
_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "but", "however", "and"})
_OTHER_SPECIMEN = _CUES["OTHER_SPECIMEN"]
#: Another pathologist's opinion quoted in a consult or second-opinion report: 'Outside diagnosis: NET G1
#: (Ki-67 2%)', 'Submitted diagnosis: ... grade 3', '(revised from the outside grade 1)'. Read on the
#: sentence up to the mention; applies to every tumour value (type and differentiation too).
_OTHER_OPINION = _CUES["OTHER_OPINION"]


@dataclass
class Mention:
    """The parts of a span the summary needs, read once."""

    label: str
    start: int
    norm: str | None
    num: float | None
    attrs: dict[str, Any] = field(default_factory=dict)
    section: str | None = None
    negated: bool = False
    near_negated: bool = False
    uncertain: bool = False
    historical: bool = False
    hypothetical: bool = False
    other_specimen: bool = False

    @property
    def rank(self) -> int:
        return int(self.attrs.get("rank", 3))

    def current(self, *, negation: bool = True, history_ok: bool = False) -> bool:
        """Usable as a value of the current specimen."""
        if self.hypothetical or (negation and self.near_negated):
            return False
        if history_ok:
            return True
        return not (self.section in HISTORY_SECTIONS or self.historical or self.other_specimen)


def _near_negation(span: Span, max_gap: int = 6) -> bool:
    """A negation cue within ``max_gap`` tokens of the span and no clause break in between."""
    if not flag(span, "is_negated") or not span.has_extension("modifiers"):
        return False
    doc = span.doc
    for mod in span._.modifiers:
        if mod.category != "NEGATED_EXISTENCE":
            continue
        m_start, m_end = mod.modifier_span
        if m_end <= span.start:
            between = doc[m_end:span.start]
        elif m_start >= span.end:
            between = doc[span.end:m_start]
        else:
            return True
        if len(between) <= max_gap and not any(t.lower_ in _CLAUSE_BREAK for t in between):
            return True
    return False


_NEW_BLOCK = re.compile(r"\n[ \t]*\n|\n[ \t]*(?:[A-H0-9]{1,2}[.)][ \t]+\S|(?i:part)[ \t]+[A-H0-9]{1,2}\b|[A-Z][A-Za-z0-9 /()-]{2,40}:)")
#: Sections whose content stops at the next block: a history paragraph, a gross description followed by
#: a synoptic list ('Macroscopic: ...' then 'Tumour site: ...', 'Margins: clear').
_BOUNDED_SECTIONS = HISTORY_SECTIONS | {"gross"}


def _section(span: Span) -> str | None:
    """The span's section; a history or gross section ends at a blank line or a new labelled/part line
    ('Clinical: pernicious anaemia.' then 'A. Gastric body polyps, biopsy:')."""
    section = None
    if Token.has_extension("section_category"):  # token._.section_category of the span's first token
        found = token_section(span.doc, span.start_char)
        section = found.category if found is not None else None
    token = span.doc[span.start]
    if section in _BOUNDED_SECTIONS and token.has_extension("section_span") and token._.section_span is not None:
        start = token._.section_span.start_char
        text = doc_text(span.doc)
        # the labelled line may start with the mention itself ('Margins: clear'): look a little past it
        block = _NEW_BLOCK.search(text, start + 1, min(len(text), span.start_char + 45))
        if block is not None and block.start() < span.start_char:
            return None
    return section


USED_LABELS = frozenset({"KI67", "MITOSES", "GRADE", "DIFFERENTIATION", "TUMOR_TYPE", "MARGIN", "SPECIMEN_SITE",
                         "PROCEDURE", "PRIMARY_SITE", "PROCEDURE_HISTORY"})
SPECIMEN_VALUES = frozenset({"KI67", "MITOSES", "GRADE"})
TUMOUR_VALUES = SPECIMEN_VALUES | {"DIFFERENTIATION", "TUMOR_TYPE"}


def _sentence_before(span: Span) -> str:
    """Text from the sentence start to the span end (walks back token by token; sentences are short)."""
    doc, i = span.doc, span.start
    while i > 0 and not doc[i].is_sent_start and span.start - i < 120:
        i -= 1
    return doc_text(doc)[doc[i].idx:span.end_char]


def _mention(span: Span) -> Mention:
    section = _section(span)
    other = False
    if span.label_ in TUMOUR_VALUES:
        before = _sentence_before(span)
        other = bool(_OTHER_OPINION.search(before)) or (
            span.label_ in SPECIMEN_VALUES and bool(_OTHER_SPECIMEN.search(before)))
    found = values(span)
    return Mention(
        label=span.label_, start=span.start_char, norm=found["value_norm"], num=found["value_num"],
        attrs=dict(found["attrs"] or {}), section=section,
        negated=flag(span, "is_negated"), near_negated=_near_negation(span),
        uncertain=flag(span, "is_uncertain"), historical=flag(span, "is_historical"),
        hypothetical=flag(span, "is_hypothetical"),
        other_specimen=other,
    )


def _by_label(doc: Doc) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = {}
    for span in (doc.spans[FINDINGS] if FINDINGS in doc.spans else []):
        if span.label_ not in USED_LABELS:
            continue
        out.setdefault(span.label_, []).append(_mention(span))
    for mentions in out.values():
        mentions.sort(key=lambda m: m.start)
    return out


def _section_order(m: Mention) -> int:
    return DIAGNOSTIC_SECTIONS.index(m.section) if m.section in DIAGNOSTIC_SECTIONS else len(DIAGNOSTIC_SECTIONS)


def _first(mentions: list[Mention]) -> Mention | None:
    """The most authoritative mention: by section, then text order."""
    return min(mentions, key=lambda m: (_section_order(m), m.start), default=None)


def ki67_percent(ms: list[Mention]) -> tuple[float | None, dict]:
    """Highest current Ki-67 with a number: ('Ki-67 12% hot spot', 'average 5%') -> 12."""
    values = [m for m in ms if m.num is not None and m.current(negation=False)]
    if not values:
        return None, {}
    best = max(values, key=lambda m: m.num)
    return best.num, best.attrs


def mitoses_per_2mm2(ms: list[Mention]) -> tuple[float | None, dict]:
    """Highest current mitotic count per 2 mm²; 'mitoses are not seen' gives 0."""
    values = [m for m in ms if m.num is not None and m.current(negation=False)]
    if not values:
        return None, {}
    best = max(values, key=lambda m: m.num)
    return best.num, best.attrs


def _grading_value(value: float | None, attrs: dict) -> float | None:
    """A strict upper bound grades just below its number: '<2 mitoses' -> 1.99."""
    if value is None:
        return None
    return value - 0.01 if attrs.get("bound") == "lt" else value


def stated_grade(ms: list[Mention]) -> str | None:
    """Highest stated NET grade of the current specimen, ignoring grades of other tumours."""
    grades = [m.norm for m in ms if m.norm in GRADES and m.current() and not m.attrs.get("foreign")
              and m.section != "gross"]
    return max(grades) if grades else None


def tumor_type(ms: list[Mention], differentiation: str | None) -> str | None:
    """MiNEN when named; else the most authoritative type; 'NEN' resolves by differentiation."""
    usable = [m for m in ms if m.current()]
    certain = [m for m in usable if not m.uncertain] or usable
    if any(m.norm == "MiNEN" for m in certain):
        return "MiNEN"
    ne = [m for m in certain if m.norm in NE_TYPES]
    first = _first(certain)
    if first is None:
        return None
    if first.norm == "other" and ne and _section_order(_first(ne)) < _section_order(first):
        first = _first(ne)
    if first.norm == "NEN":
        specific = [m for m in ne if m.norm in {"NET", "NEC"}]
        if specific:
            return _first(specific).norm
        return "NEC" if differentiation == "poorly" else "NET"
    return first.norm


def differentiation(ms: list[Mention]) -> str | None:
    """Most authoritative NET differentiation; 'moderately' maps to well (WHO: NETs are well differentiated)."""
    usable = [m for m in ms if m.current() and not m.attrs.get("foreign")]
    first = _first([m for m in usable if not m.uncertain] or usable)
    if first is None:
        return None
    return "well" if first.norm == "moderately" else first.norm


def margin_status(ms: list[Mention]) -> str | None:
    """The worst current margin: R2 > R1 > R0 ('pancreatic margin free; neck margin involved' -> R1)."""
    values = [m.norm for m in ms if m.norm in _R_ORDER and m.current(negation=False) and m.section != "gross"]
    return max(values, key=_R_ORDER.get) if values else None


_RESECTIONS = frozenset({"pancreatoduodenectomy", "primary_resection", "hepatectomy"})


def _tumour_part(sites: list[Mention], first: Mention | None, tumour_at: list[int]) -> Mention | None:
    """In a multi-part report ('Part A: Gallbladder ... Part B: Jejunum, resection: NET'), the first part
    designation whose text (up to the next designation) holds a current tumour mention; else ``first``.
    The chosen mention gets attrs part=True so its own procedure is used."""
    heads = sorted((m for m in sites if m.rank == 1), key=lambda m: m.start)
    if first is None or len(heads) < 2 or not tumour_at:
        return first
    for i, head in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else float("inf")
        if any(head.start <= pos < end for pos in tumour_at):
            if head is first:
                return first
            head.attrs["part"] = True
            return head
    return first


def specimen(ms: list[Mention], procs: list[Mention], history: list[Mention],
             tumour_at: list[int] = ()) -> tuple[str | None, str | None, Mention | None]:
    """(specimen_site, procedure, the site mention): the specimen designation first, then phrases;
    a current operation named in the report ('DISTAL PANCREATECTOMY', PROCEDURE_HISTORY) is a resection.
    ``tumour_at``: offsets of current tumour mentions, to pick the tumour part of a multi-part report."""
    sites = [m for m in ms if m.current() and m.rank <= 2]
    site = min(sites, key=lambda m: (m.rank, m.start), default=None)
    site = _tumour_part(sites, site, tumour_at)
    operations = [Mention("PROCEDURE", m.start, "resection", None, {"rank": 3}, m.section, m.negated, m.near_negated,
                          m.uncertain, m.historical, m.hypothetical, m.other_specimen)
                  for m in history if m.norm in _RESECTIONS]
    usable_procs = [m for m in procs + operations if m.current()]
    proc = min(usable_procs, key=lambda m: (m.rank, m.start), default=None)
    procedure = None
    if site is not None and site.attrs.get("part") and site.attrs.get("procedure"):
        procedure = site.attrs["procedure"]
    elif proc is not None and proc.rank == 1:
        procedure = proc.norm
    elif site is not None and site.attrs.get("procedure"):
        procedure = site.attrs["procedure"]
    elif proc is not None:
        procedure = proc.norm
    return (site.norm if site else None), procedure, site


def primary_site(ms: list[Mention], site: Mention | None, has_ne: bool) -> str | None:
    """Stated primary first ('ileal primary', 'Tumor site: Ileum'); else the organ of a NET specimen
    that can be a primary ('Pancreas, tail, EUS biopsy: NET' -> pancreas)."""
    usable = [m for m in ms if m.norm and m.current(history_ok=True, negation=m.norm != "unknown")]
    if usable:
        best = min(usable, key=lambda m: (m.rank, m.section in HISTORY_SECTIONS, m.start)).norm
        if best == "small_bowel":  # 'small intestine NET' + 'Tumor site: Ileum' -> the specific part
            parts = [m.norm for m in usable if m.norm in SMALL_BOWEL_PARTS]
            return parts[0] if parts else best
        return best
    if site is not None and has_ne and site.norm not in {"liver", "lymph_node"}:
        return site.attrs.get("organ")
    return None


def summarize(doc: Doc) -> dict[str, Any]:
    """The pathology row (without report keys) for one report."""
    by = _by_label(doc)
    get = lambda label: by.get(label, [])  # noqa: E731
    ki67, ki67_attrs = ki67_percent(get("KI67"))
    mitoses, mit_attrs = mitoses_per_2mm2(get("MITOSES"))
    diff = differentiation(get("DIFFERENTIATION"))
    ttype = tumor_type(get("TUMOR_TYPE"), diff)
    if diff is None and ttype in {"NET", "NEC", "MiNEN"}:
        nec = any(m.norm == "NEC" and m.current() for m in get("TUMOR_TYPE"))
        diff = "poorly" if ttype == "NEC" or (ttype == "MiNEN" and nec) else ("well" if ttype == "NET" else None)
    other_only = ttype == "other"
    grade, source = (stated_grade(get("GRADE")) if not other_only else None), "stated"
    if grade is None:
        grade, source = (None, None) if other_only else derive_grade(
            _grading_value(ki67, ki67_attrs), _grading_value(mitoses, mit_attrs))
    if grade is None and ttype == "NEC":
        grade, source = "G3", "stated"
    tumour_at = [m.start for m in get("TUMOR_TYPE") if m.current() and not m.uncertain
                 and (m.norm in NE_TYPES or ttype == "other")]
    site, procedure, site_mention = specimen(get("SPECIMEN_SITE"), get("PROCEDURE"), get("PROCEDURE_HISTORY"),
                                             tumour_at)
    return {
        "specimen_site": site,
        "procedure": procedure,
        "ki67_percent": ki67,
        "mitoses_per_2mm2": mitoses,
        "who_grade": grade,
        "who_grade_source": source if grade else None,
        "differentiation": diff,
        "tumor_type": ttype,
        "margin_status": margin_status(get("MARGIN")),
        "primary_site": primary_site(get("PRIMARY_SITE"), site_mention, ttype in NE_TYPES),
    }

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
  bound ("<2 mitoses", "Ki-67 <3%") grades just below its number. When the report says the tumour
  "cannot be graded", no grade is derived (a stated grade elsewhere in the report still wins).
* Values the report takes back (:func:`drop_withdrawn`): a Ki-67 it withdraws ("the earlier value of
  25% is withdrawn", "previously reported as 25%", "the slide was cut from another patient's block")
  and any Ki-67, mitotic count or grade before a corrected one ("Ki-67 corrected to 8%", "the grade is
  amended to G2") are not used; otherwise a preliminary value and an addendum still give the highest.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from pipeline.lexicon import load_lexicon

from ._base import doc_text, flag, token_section, values
from ._pathology_common import FOREIGN_CUES, PART_MARKER, SMALL_BOWEL_PARTS, part_label, primary_organ, specimen_site
from ._pathology_units import GRADES, derive_grade

_CUES = load_lexicon("pathology_report")
#: "Diagnosis: Metastatic clear cell renal cell carcinoma" (a pancreas biopsy): the organ is not that tumour's primary
_METASTATIC_OTHER_TUMOUR = _CUES["METASTATIC_OTHER_TUMOUR"]

FINDINGS = "findings"
HISTORY_SECTIONS = frozenset({"history", "comparison"})
#: Sections in which the diagnosis is stated, in order of authority.
#: A frozen-section (intraoperative) diagnosis comes last: the final diagnosis on permanent sections outranks it.
DIAGNOSTIC_SECTIONS = ("diagnosis", "synoptic", "addendum", "impression", None, "microscopic",
                       "immunohistochemistry", "comment", "findings", "specimen", "exam", "gross", "intraoperative")
NE_TYPES = frozenset({"NET", "NEC", "MiNEN", "NEN"})
_R_ORDER = {"R0": 0, "R1": 1, "R2": 2}
#: the end of a sentence between two mentions (a line wrapped mid-sentence goes on; a blank line or a labelled line
#: starts anew)
_SENTENCE_BREAK = re.compile(r"[.;!?](?:\s|$)|\n[ \t]*\n|\n[ \t]*[A-Z][\w /()-]{0,40}:")
_CLAUSE_BREAK = frozenset({",", ";", ":", ".", "but", "however", "and"})
_OTHER_SPECIMEN = _CUES["OTHER_SPECIMEN"]
#: Another pathologist's opinion quoted in a consult or second-opinion report: 'Outside diagnosis: NET G1
#: (Ki-67 2%)', 'Submitted diagnosis: ... grade 3', '(revised from the outside grade 1)'. Read on the
#: sentence up to the mention; applies to every tumour value (type and differentiation too).
_OTHER_OPINION = _CUES["OTHER_OPINION"]
_AGREED_OPINION = _CUES["AGREED_OPINION"]
#: A correction read at a Ki-67, mitosis or grade value: 'Ki-67 corrected to 8%', 'grade is amended to G2'.
_CORRECTED = _CUES["CORRECTED"]
#: Words that put an operation named in the clinical history in the past ('right hemicolectomy 2019', 's/p').
_PAST_OPERATION = _CUES["PAST_OPERATION"]
#: a corrected report's quote of its own earlier wording ('ORIGINAL COMMENT (03/30/2026): Primary site cannot be
#: determined'), and the correction that says that wording no longer stands ('This statement replaces the original
#: comment'): values on such a line are the report's withdrawn words, whatever their label
_ORIGINAL_BLOCK = _CUES["ORIGINAL_BLOCK"]
_REPLACES_ORIGINAL = _CUES["REPLACES_ORIGINAL"]
_SUPERSEDED_BANNER = _CUES["SUPERSEDED_BANNER"]
#: "No tumour identified": a specimen without tumour, in words that name no tumour type
_NO_TUMOUR = _CUES["NO_TUMOUR"]
_KNOWN_PRIMARY_BEFORE = _CUES["KNOWN_PRIMARY_BEFORE"]
_IN_ERROR = _CUES["IN_ERROR"]
_SUSPECTED_BEFORE = _CUES["SUSPECTED_BEFORE"]


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
        if self.hypothetical or (negation and self.near_negated) or self.attrs.get("replaced"):
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


def _sentence_text(span: Span) -> str:
    """The text of the span's sentence (at most 200 characters each side)."""
    doc = span.doc
    sent = doc[span.start].sent if doc.has_annotation("SENT_START") else None
    text = doc_text(doc)
    if sent is None:
        return text[max(0, span.start_char - 200):span.end_char + 200]
    return text[max(sent.start_char, span.start_char - 200):min(sent.end_char, span.end_char + 200)]


def _corrected(span: Span) -> bool:
    """A correction cue ends at the value or inside its span ('Ki-67 corrected to 8%', 'amended to G2')."""
    lo = max(0, span.start_char - 60)
    window = doc_text(span.doc)[lo:span.end_char]
    return any(m.end() >= span.start_char - lo - 1 for m in _CORRECTED.finditer(window))


def _replaced_original(span: Span) -> bool:
    """The span lies on a line quoting the report's original wording, and a later correction replaces it; or below a
    banner under which an amended report copies the version it replaces ('=== PREVIOUS REPORT (superseded) ===')."""
    text = doc_text(span.doc)
    if "riginal" not in text and "RIGINAL" not in text and "nitial" not in text and "revious" not in text \
            and "REVIOUS" not in text and "uperseded" not in text and "UPERSEDED" not in text:
        return False
    banner = _SUPERSEDED_BANNER.search(text, 0, span.start_char)
    if banner is not None and banner.end() <= span.start_char:
        return True
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line_end = len(text) if line_end < 0 else line_end
    return bool(_ORIGINAL_BLOCK.match(text, line_start, line_end)) and bool(_REPLACES_ORIGINAL.search(text, line_end))


def _mention(span: Span) -> Mention:
    section = _section(span)
    other = False
    found = values(span)
    attrs = dict(found["attrs"] or {})
    corrected = span.label_ in SPECIMEN_VALUES and _corrected(span)
    if corrected:
        attrs["corrected"] = True
    if span.label_ in TUMOUR_VALUES:
        before = _sentence_before(span)
        # a corrected value is the reporting pathologist's own ('grade amended from G3 to G2': not G3's opinion)
        other = (not corrected and bool(_OTHER_OPINION.search(before)) and not _AGREED_OPINION.search(before)) or (
            span.label_ in SPECIMEN_VALUES and bool(_OTHER_SPECIMEN.search(before)))
        if corrected and attrs.get("foreign") and not FOREIGN_CUES.search(before):
            del attrs["foreign"]  # 'the grade is amended to G2': regraded in a sentence naming no other tumour
    if _replaced_original(span) or (span.label_ in SPECIMEN_VALUES and _IN_ERROR.search(span.text)):
        attrs["replaced"] = True  # also "The Ki-67 index was reported in error as 15%"
    if span.label_ == "TUMOR_TYPE" and _KNOWN_PRIMARY_BEFORE.search(
            doc_text(span.doc), max(0, span.start_char - 50), span.start_char):
        attrs["known_primary"] = True  # "... of the known caecal MiNEN": the primary recalled, not this specimen's type
    if span.label_ == "PROCEDURE_HISTORY":
        attrs["organ"] = primary_organ(span.text)
    if span.label_ == "PROCEDURE_HISTORY" or (span.label_ == "PROCEDURE" and section in HISTORY_SECTIONS):
        # 'Clinical notes: Laparoscopic appendicectomy for acute appendicitis.', 'Mesenteric lymph node dissection.':
        # the operation that gave the specimen, unless its sentence puts it in the past ('Whipple 2019', 's/p')
        attrs["past"] = bool(_PAST_OPERATION.search(_sentence_text(span)))
    return Mention(
        label=span.label_, start=span.start_char, norm=found["value_norm"], num=found["value_num"],
        attrs=attrs, section=section,
        negated=flag(span, "is_negated"), near_negated=_near_negation(span),
        uncertain=flag(span, "is_uncertain"),
        # a corrected value is the current one, whatever ConText reads ('revised to 1 (previously 4)')
        # a labelled specimen line names this report's specimen, whatever history it mentions ("SPECIMEN: Rectum, TEMS
        # excision of a previous polypectomy site")
        historical=flag(span, "is_historical") and not corrected and not (
            span.label_ == "SPECIMEN_SITE" and attrs.get("rank") == 1),
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


#: the WHO 2019 grading bands of Ki-67 (%) and of mitoses (per 2 mm²) that G2 spans
KI67_G2_BAND = (3.0, 20.0)
MITOSES_G2_BAND = (2.0, 20.0)


def _without_grading_band(values: list[Mention], band: tuple[float, float]) -> list[Mention]:
    """A printed synoptic's chosen band ("Ki-67 Labeling Index: 3% to 20%", "Mitotic Rate: 2 to 20 mitoses/2 mm2")
    says which grade the value falls in; it yields to the field's exact value ("Specify Ki-67 Labeling Index: 9%")."""
    if not any(m.attrs.get("range") is None and not m.attrs.get("bound") for m in values):
        return values
    return [m for m in values if tuple(m.attrs.get("range") or ()) != band]


def ki67_percent(ms: list[Mention]) -> tuple[float | None, dict]:
    """Highest current Ki-67 with a number: ('Ki-67 12% hot spot', 'average 5%') -> 12; a ceiling ('below 5%') only
    when no measured value lies under it; a grading band only when no exact value is given."""
    values = _without_grading_band([m for m in ms if m.num is not None and m.current(negation=False)], KI67_G2_BAND)
    # a value its sentence gives another tumour ("Ki-67 about 20 % in the proliferation centres" of a CLL node) yields
    # to the NET's own; a report about that tumour alone (a lymphoma) keeps it
    values = [m for m in values if not m.attrs.get("foreign")] or values
    if not values:
        return None, {}
    exact = [m.num for m in values if not (m.attrs or {}).get("bound")]
    if exact:  # "Ki-67 proliferation index: 3 % ... (Ki-67 below 5%)": a ceiling above a measured value adds nothing
        values = [m for m in values if (m.attrs or {}).get("bound") != "lt" or m.num <= max(exact)]
    best = max(values, key=lambda m: m.num)
    return best.num, best.attrs


def mitoses_per_2mm2(ms: list[Mention]) -> tuple[float | None, dict]:
    """Highest current mitotic count per 2 mm²; 'mitoses are not seen' gives 0; a grading band only when no exact
    count is given."""
    values = _without_grading_band([m for m in ms if m.num is not None and m.current(negation=False)],
                                   MITOSES_G2_BAND)
    if not values:
        return None, {}
    best = max(values, key=lambda m: m.num)
    return best.num, best.attrs


def drop_withdrawn(ms: list[Mention]) -> list[Mention]:
    """The mentions of one label without those the report takes back.

    Only explicit wording counts (never a mere later value): a withdrawal mention (value_norm
    'withdrawn') drops every value equal to the one it names, or, naming none ('the Ki-67 slide was cut
    from another patient's block'), every value before it; a corrected value ('Ki-67 corrected to 8%',
    'the grade is amended to G2') drops every value of the label before it. Withdrawal mentions
    themselves are left out. Without either, nothing changes (preliminary + addendum -> the highest).
    """
    live = [m for m in ms if not m.hypothetical]
    named = [m.attrs["withdrawn_value"] for m in live if m.norm == "withdrawn" and "withdrawn_value" in m.attrs]
    cuts = [m.start for m in live if (m.norm == "withdrawn" and m.attrs.get("withdraws_earlier"))
            or (m.attrs.get("corrected") and m.current(negation=False))]
    cut = max(cuts, default=None)
    return [m for m in ms if m.norm != "withdrawn"
            and not (m.num is not None and any(abs(m.num - v) < 1e-9 for v in named))
            and not (cut is not None and m.start < cut)]


def cannot_be_graded(ms: list[Mention]) -> bool:
    """The report says this tumour cannot be graded ('cannot be graded on this small biopsy', 'grading
    not possible', 'grade cannot be assessed'), not of another tumour or specimen."""
    return any(m.norm == "not_gradable" and m.current(negation=False) and not m.attrs.get("foreign") for m in ms)


def _grading_value(value: float | None, attrs: dict) -> float | None:
    """A strict upper bound grades just below its number: '<2 mitoses' -> 1.99."""
    if value is None:
        return None
    return value - 0.01 if attrs.get("bound") == "lt" else value


def stated_grade(ms: list[Mention], certain: bool = False) -> str | None:
    """Highest stated NET grade of the current specimen, ignoring grades of other tumours (``certain``: only grades
    not left open, as in 'a NET (G3) and a carcinoma cannot be told apart')."""
    grades = [m.norm for m in ms if m.norm in GRADES and m.current() and not m.attrs.get("foreign")
              and m.section != "gross" and not (certain and m.uncertain)]
    return max(grades) if grades else None


def tumor_type(ms: list[Mention], differentiation: str | None) -> str | None:
    """MiNEN when named; else the most authoritative type; 'NEN' resolves by differentiation."""
    usable = [m for m in ms if m.current() and not m.attrs.get("not_met")]  # 'falls short of ... MiNEN'
    usable = [m for m in usable if not m.attrs.get("known_primary")] or usable  # '... of the known caecal MiNEN'
    if open_alternatives(usable):
        return None  # "a NET G3 cannot be distinguished from a neuroendocrine carcinoma on this material"
    certain = [m for m in usable if not m.uncertain] or usable
    if any(m.norm == "MiNEN" for m in certain):
        return "MiNEN"
    if any(m.norm == "NEN_NOS" for m in certain):
        return None  # "Tumour type: Neuroendocrine neoplasm, not otherwise specified": left unclassified
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


def open_alternatives(types: list[Mention]) -> bool:
    """The report leaves NET and NEC open as alternatives and settles on neither: both named, each only
    uncertainly ("a well-differentiated NET G3 cannot be distinguished from a neuroendocrine carcinoma")."""
    if any(m.norm in {"NET", "NEC", "MiNEN"} and not m.uncertain for m in types):
        return False
    return {"NET", "NEC"} <= {m.norm for m in types if m.uncertain}


def differentiation(ms: list[Mention]) -> str | None:
    """Most authoritative NET differentiation; 'moderately' maps to well (WHO: NETs are well differentiated)."""
    usable = [m for m in ms if m.current() and not m.attrs.get("foreign")]
    first = _first([m for m in usable if not m.uncertain] or usable)
    if first is None:
        return None
    return "well" if first.norm == "moderately" else first.norm


def margin_status(ms: list[Mention]) -> str | None:
    """The worst current margin: R2 > R1 > R0 ('pancreatic margin free; neck margin involved' -> R1).

    Frozen-section (intraoperative) margins count only when the report states no other margin. A margin
    explicitly superseded ('Original neck margin: involved (superseded by C)'), or called the original one
    when a final one is stated ('Final neck margin: negative'), gives way to the others (margin attrs); the report's
    own overall verdict ('Overall margin status after re-excision: R0') decides alone."""
    usable = [m for m in ms if m.norm in _R_ORDER and m.current(negation=False) and m.section != "gross"]
    usable = [m for m in usable if m.section != "intraoperative"] or usable
    if any(m.attrs.get("final") for m in usable):
        usable = [m for m in usable if not m.attrs.get("original")] or usable
    usable = [m for m in usable if not m.attrs.get("superseded")] or usable
    usable = [m for m in usable if m.attrs.get("overall")] or usable  # "Overall margin status after re-excision: R0"
    values = [m.norm for m in usable]
    return max(values, key=_R_ORDER.get) if values else None


#: sections whose designation line is the pathologist's own naming of the tissue
_DIAGNOSIS_LINES = frozenset({"diagnosis", "impression"})
#: organs a specimen's operation may name coarsely, with the parts of them a diagnosis line may name
_FINER_ORGANS = {"colon": frozenset({"cecum", "appendix", "ileum", "rectum"}), "small_bowel": frozenset(SMALL_BOWEL_PARTS)}
_RESECTIONS = frozenset({"pancreatoduodenectomy", "primary_resection", "hepatectomy"})


class _Parts:
    """The line-start part labels of a report ('A.', '2)', 'Part B:'), read when it has several parts."""

    def __init__(self, doc: Doc) -> None:
        self.doc, self.text = doc, doc_text(doc)
        self.marks = [(m.start("mark"), part_label(m)) for m in PART_MARKER.finditer(self.text)]
        self._starts = [pos for pos, _ in self.marks]

    def _last(self, pos: int) -> tuple[int, str] | None:
        i = bisect_right(self._starts, pos)
        return self.marks[i - 1] if i else None

    def head_label(self, pos: int) -> str | None:
        """The label opening the line of a part designation ('2) Liver, wedge' -> '2')."""
        mark = self._last(pos)
        return mark[1] if mark is not None and "\n" not in self.text[mark[0]:pos] else None

    def label(self, pos: int) -> str | None:
        """The label of the numbered item holding ``pos``: the last one before it in the same section
        ('Diagnosis:' then ' 1) ... NET' -> '1'; a label of the specimen list above does not count)."""
        mark = self._last(pos)
        if mark is None or token_section(self.doc, mark[0]) is not token_section(self.doc, pos):
            return None
        return mark[1]


def _designation_only(text: str, start: int) -> bool:
    """The line from ``start`` names a specimen and nothing more ('1) Pancreas, tail, distal pancreatectomy', 'B. Liver,
    wedge:'), not its diagnosis as well ('A. Gallbladder, cholecystectomy: Cholesterolosis. Negative for carcinoma.')."""
    end = text.find("\n", start)
    line = text[start:end if end >= 0 else len(text)]
    colon = line.find(":")
    return colon < 0 or not line[colon + 1:].strip()


def _tumour_part(sites: list[Mention], first: Mention | None, tumour_at: list[int],
                 parts: "_Parts | None" = None) -> Mention | None:
    """In a multi-part report, the first part designation that holds a current tumour mention; else ``first``.

    * By place: 'Part A: Gallbladder ... Part B: Jejunum, resection: NET' -> the designation whose text (up to
      the next one) holds the tumour. A tumour after a plain list of designations (one per line) is not
      given to the last of them, even when another designation follows later (a synoptic for part A
      between the list and 'FINAL DIAGNOSIS: A. Pancreas, Whipple: ...'):
    * then by label: 'Specimens: 1) Pancreas ... 2) Liver ...' then 'Diagnosis: 1) ... NET ... 2) benign' -> 1.
    The chosen mention gets attrs part=True so its own procedure is used."""
    heads = sorted((m for m in sites if m.rank == 1), key=lambda m: m.start)
    if first is None or len(heads) < 2 or not tumour_at:
        return first
    # a head naming a specimen and nothing more, with the next head on the next line: a list of designations
    linked = [parts is not None and parts.text.count("\n", a.start, b.start) == 1 and _designation_only(parts.text, a.start)
              for a, b in zip(heads, heads[1:])]
    chosen = None
    for i, head in enumerate(heads):
        last_of_list = i > 0 and linked[i - 1] and (i + 1 == len(heads) or not linked[i])
        end = head.start if last_of_list else (heads[i + 1].start if i + 1 < len(heads) else float("inf"))
        if any(head.start <= pos < end for pos in tumour_at):
            chosen = head
            break
    if chosen is None and parts is not None:
        labels = {parts.label(pos) for pos in tumour_at} - {None}
        chosen = next((h for h in heads if parts.head_label(h.start) in labels), None)
    if chosen is None or chosen is first:
        return first
    chosen.attrs["part"] = True
    return chosen


def specimen(ms: list[Mention], procs: list[Mention], history: list[Mention],
             tumour_at: list[int] = (), parts: _Parts | None = None) -> tuple[str | None, str | None, Mention | None]:
    """(specimen_site, procedure, the site mention): the specimen designation first, then phrases;
    a current operation named in the report ('DISTAL PANCREATECTOMY', PROCEDURE_HISTORY) is a resection.
    ``tumour_at``: offsets of current tumour mentions, to pick the tumour part of a multi-part report
    (``parts``: its part labels). A procedure word that explains a field ('Margins: not applicable
    (biopsy)') reads its own polarity."""
    sites = [m for m in ms if m.current() and m.rank <= 2]
    site = min(sites, key=lambda m: (m.rank, m.start), default=None)
    site = _tumour_part(sites, site, tumour_at, parts)
    if site is not None and site.norm == "other" and site.attrs.get("mass_only") and not site.attrs.get("part"):
        # "Mesenteric mass, CT-guided core biopsy" ... "Diagnosis: Lymph node (mesenteric), core biopsy: metastatic NET":
        # the diagnosis names the tissue the label could only call a mass
        named = [m for m in sites if m.rank == 1 and m.start > site.start and m.section in _DIAGNOSIS_LINES
                 and m.norm != "other"]
        if len(named) == 1:
            site = named[0]
    operations = [Mention("PROCEDURE", m.start, "resection", None, {"rank": 3}, m.section, m.negated, m.near_negated,
                          m.uncertain, m.historical, m.hypothetical, m.other_specimen)
                  for m in history if m.norm in _RESECTIONS]
    usable_procs = [m for m in procs + operations if m.current(negation=not m.attrs.get("own_polarity"))]
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
    elif site is not None and site.attrs.get("organ") and any(
            m.norm in _RESECTIONS and m.section in HISTORY_SECTIONS and not m.hypothetical and not m.near_negated
            and not m.other_specimen and not m.attrs.get("past") and m.attrs.get("organ") == site.attrs["organ"]
            for m in history):
        # 'Specimen: Appendix.' + 'Clinical notes: Laparoscopic appendicectomy for acute appendicitis.': the
        # clinical notes name the operation on the specimen's own organ, and nothing else names a procedure
        procedure = "resection"
    # the procedures the clinical notes name in the present ("Mesenteric lymph node dissection.",
    # "Left salpingo-oophorectomy.")
    present = [m for m in procs if m.section in HISTORY_SECTIONS and m.attrs.get("past") is False and not m.hypothetical
               and not m.near_negated and not m.other_specimen]
    if procedure is None and site is not None and present:
        # "History: ... Enlarging mesenteric nodes. Mesenteric lymph node dissection." and nothing else names one: the
        # clinical notes name this specimen's procedure
        procedure = present[0].norm
    if site is None:
        # "Sigmoid colectomy - surgical pathology" and no specimen designation: the operation's organ is the specimen's
        ops = [m for m in history if m.norm in _RESECTIONS and m.attrs.get("organ") and not m.hypothetical
               and not m.near_negated and not m.other_specimen and not m.attrs.get("past")]
        # the report's own operation first; else one the clinical notes name in the present ("Clinical: right iliac
        # fossa pain. Laparoscopic appendicectomy."), never one they date or put in the past
        chosen = [m for m in ops if m.section not in HISTORY_SECTIONS and not m.historical] or \
                 [m for m in ops if m.section in HISTORY_SECTIONS]
        if chosen:
            # the operation stands for the specimen designation: its organ is also the primary's when a tumour is there
            # ("Distal pancreatectomy and splenectomy" ... "A. Distal pancreas: well-differentiated NET")
            return specimen_site(chosen[0].attrs["organ"].replace("_", " ")), procedure or "resection", chosen[0]
        # "Clinical details: ... left adnexal mass. Left salpingo-oophorectomy." and no designation: the operation the
        # clinical notes name in the present names its organ, the specimen's
        named = [m for m in present if m.attrs.get("site")]
        if len(named) == 1:
            return named[0].attrs["site"], procedure or named[0].norm, None
    return (site.norm if site else None), procedure, site


def primary_site(ms: list[Mention], site: Mention | None, has_tumour: bool, sites: list[Mention] = (),
                 benign: bool = False, text: str | None = None, other_tumour: bool = False) -> str | None:
    """Stated primary first ('ileal primary', 'Tumor site: Ileum'); else the organ of a tumour specimen
    that can be a primary ('Pancreas, tail, EUS biopsy: NET' -> pancreas; 'Appendix, appendicectomy:
    goblet cell adenocarcinoma' -> appendix). A stated 'small bowel' takes the part a specimen designation
    names ('SMALL BOWEL (TERMINAL ILEUM), SEGMENTAL RESECTION' -> ileum). ``benign``: the specimen holds
    no tumour ('No evidence of metastatic NET') or only another tumour (a GIST): a primary named only in the
    history ('Ileal NET resected 2022', 'surveillance for a pancreatic NET') is not this specimen's. ``text``: the report's text, to read sentence bounds.
    ``other_tumour``: the report's tumour is not a NEN (a goblet cell adenocarcinoma, a GIST): the organ named for
    that tumour ('Goblet cell adenocarcinoma of the appendix') is read too."""
    usable = [m for m in ms if m.norm and m.current(history_ok=not benign, negation=m.norm != "unknown")
              and (other_tumour or not m.attrs.get("other_tumour"))]
    if text is not None:
        # "Clinical: hepatic metastases; suspected jejunal primary on PET": a history that only suspects the primary
        usable = [m for m in usable if not (m.section in HISTORY_SECTIONS
                                            and _SUSPECTED_BEFORE.search(text, max(0, m.start - 25), m.start))]
        # "CDX2 raises the possibility of a colorectal origin but is not specific, and the primary site cannot be
        # determined": an organ its own sentence goes on to leave undetermined was considered and set aside
        unknown_at = [m.start for m in usable if m.norm == "unknown"]
        usable = [m for m in usable if m.norm == "unknown" or not any(
            m.start < u and not _SENTENCE_BREAK.search(text, m.start, u) for u in unknown_at)]
    if usable:
        best = min(usable, key=lambda m: (m.rank, m.section in HISTORY_SECTIONS, m.start)).norm
        if best == "small_bowel":  # 'small intestine NET' + 'Tumor site: Ileum' -> the specific part
            parts = [m.norm for m in usable if m.norm in SMALL_BOWEL_PARTS]
            if not parts:
                named = {m.attrs.get("organ") for m in sites if m.current() and m.rank <= 2}
                parts = sorted(named & set(SMALL_BOWEL_PARTS))
                parts = parts if len(parts) == 1 else []
            return parts[0] if parts else best
        return best
    if site is not None and has_tumour and site.norm not in {"liver", "lymph_node"}:
        if other_tumour and text is not None and _METASTATIC_OTHER_TUMOUR.search(text):
            return None  # "Pancreas, tail lesion, EUS biopsy ... Diagnosis: Metastatic clear cell renal cell carcinoma"
        organ = site.attrs.get("organ")
        # "Specimen: Right hemicolectomy" ... "Conclusion: Caecum - MiNEN": the diagnosis line names the part of the
        # operation's organ that holds the tumour
        finer = {m.attrs.get("organ") for m in sites if m.current() and m.rank == 1 and m.start > site.start
                 and m.section in _DIAGNOSIS_LINES} & _FINER_ORGANS.get(organ, frozenset())
        return finer.pop() if len(finer) == 1 else organ
    return None


def summarize(doc: Doc) -> dict[str, Any]:
    """The pathology row (without report keys) for one report."""
    by = _by_label(doc)
    get = lambda label: by.get(label, [])  # noqa: E731
    for label in SPECIMEN_VALUES & by.keys():  # values the report withdraws or corrects are not used
        by[label] = drop_withdrawn(by[label])
    ki67, ki67_attrs = ki67_percent(get("KI67"))
    mitoses, mit_attrs = mitoses_per_2mm2(get("MITOSES"))
    diff = differentiation(get("DIFFERENTIATION"))
    if open_alternatives([m for m in get("TUMOR_TYPE") if m.current()]) \
            and all(m.uncertain for m in get("DIFFERENTIATION") if m.current()):
        diff = None  # the well-differentiated NET is one of two open alternatives, not the diagnosis
    ttype = tumor_type(get("TUMOR_TYPE"), diff)
    if any(m.norm == "NEN_NOS" and m.current() and not m.uncertain for m in get("TUMOR_TYPE")):
        diff = None  # NEN NOS: neither a well- nor a poorly differentiated type is settled
    if diff is None and ttype in {"NET", "NEC", "MiNEN"}:
        nec = any(m.norm == "NEC" and m.current() for m in get("TUMOR_TYPE"))
        diff = "poorly" if ttype == "NEC" or (ttype == "MiNEN" and nec) else ("well" if ttype == "NET" else None)
    other_only = ttype == "other"
    if other_only:
        diff = None  # a paraganglioma's GAPP "moderately differentiated type", an adenocarcinoma's: no NEN differentiation
    grade, source = (stated_grade(get("GRADE"), certain=True) if not other_only else None), "stated"
    ungradable = cannot_be_graded(get("GRADE"))
    if grade is None:
        # 'cannot be graded' stops only the derivation: a grade stated elsewhere in the report (a later
        # addendum, another part, the final diagnosis after a frozen section) is the pathologist's own
        # explicit call and wins above. It also stops the NEC -> G3 default below (README: "cannot be
        # graded" gives null); "high-grade neuroendocrine carcinoma" is a stated grade and still wins.
        grade, source = (None, None) if other_only or ungradable else derive_grade(
            _grading_value(ki67, ki67_attrs), _grading_value(mitoses, mit_attrs))
    declined = any(m.norm == "not_assigned" and m.current(negation=False) and not m.attrs.get("foreign")
                   for m in get("GRADE"))
    if grade is None and not other_only and not ungradable and not declined:
        # a grade left open stands when nothing else decides, unless the report says it assigns none
        grade, source = stated_grade(get("GRADE")), "stated"
    if grade is None and ttype == "NEC" and not ungradable:
        grade, source = "G3", "stated"
    tumour_at = [m.start for m in get("TUMOR_TYPE") if m.current() and not m.uncertain
                 and (m.norm in NE_TYPES or ttype == "other")]
    heads = sum(1 for m in get("SPECIMEN_SITE") if m.rank == 1)
    site, procedure, site_mention = specimen(get("SPECIMEN_SITE"), get("PROCEDURE"), get("PROCEDURE_HISTORY"),
                                             tumour_at, _Parts(doc) if heads > 1 and tumour_at else None)
    margin = margin_status(get("MARGIN"))
    if procedure is None and site is not None and margin is not None:
        procedure = "resection"  # "Specimen: Distal pancreas and spleen ... Margins: all margins free": margins are a resection's
    return {
        "specimen_site": site,
        "procedure": procedure,
        "ki67_percent": ki67,
        "mitoses_per_2mm2": mitoses,
        "who_grade": grade,
        "who_grade_source": source if grade else None,
        "differentiation": diff,
        "tumor_type": ttype,
        "margin_status": margin,
        "primary_site": primary_site(get("PRIMARY_SITE"), site_mention, ttype is not None, get("SPECIMEN_SITE"),
                                     benign=other_only or (ttype is None and (any(
                                         m.near_negated and m.current(negation=False) for m in get("TUMOR_TYPE"))
                                         or bool(_NO_TUMOUR.search(doc_text(doc))))),
                                     text=doc_text(doc), other_tumour=other_only),
    }

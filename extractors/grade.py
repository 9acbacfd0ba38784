"""WHO grade of a neuroendocrine neoplasm -> GRADE mentions (value_norm G1|G2|G3).

Phrasings: "G2", "grade 2", "WHO grade 1", "Grade (WHO 2019): G2", "grade II", "NET G3",
"low-grade / intermediate-grade / high-grade neuroendocrine tumour", "well-differentiated NET, G3".
Grades of other tumours (Gleason, Nottingham, Fuhrman, glioma, adenocarcinoma "G2: moderately
differentiated", cassette names "G1") are kept as mentions with attrs foreign=True and never graded.
"The tumour cannot be graded", "grading not possible", "grade cannot be assessed" give a mention with
value_norm "not_gradable": the report row then derives no grade from Ki-67 or mitoses; "not_assigned" ("Grade not
assigned"): the row uses no grade the report only floats.
"""
from __future__ import annotations

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor
import re

from ._pathology_common import FOREIGN_ANYWHERE, FOREIGN_CUES, NE_CUES, nearest_cue_is_foreign
from ._pathology_units import normalize_grade
from pipeline.lexicon import load_lexicon

_CUES = load_lexicon("grade")
_GRADE_PAIR_AROUND = _CUES["GRADE_PAIR_AROUND"]
_GRADE_THRESHOLD_AFTER = _CUES["GRADE_THRESHOLD_AFTER"]
_WHO_GRADE_BEFORE = _CUES["WHO_GRADE_BEFORE"]

SPEC = ExtractorSpec(name="grade", order=62)


def _subject_is_foreign(text: str, pos: int, window: int = 120) -> bool:
    """'The adenocarcinoma component cannot be graded': the last tumour word of the clause before ``pos``
    belongs to another tumour family ('The tumour cannot be graded': none does)."""
    chunk = text[max(0, pos - window):pos]
    clause = chunk[max(chunk.rfind(". "), chunk.rfind("\n"), chunk.rfind(";")) + 1:]
    foreign = max((m.start() for m in FOREIGN_CUES.finditer(clause)), default=-1)
    return foreign > max((m.start() for m in NE_CUES.finditer(clause)), default=-1)


_CLAUSE_END = re.compile(r"[.;]\s|\n")
_LIST_BREAK = re.compile(r"[,;]|\band\b")


def _describes_preceding_ne(text: str, start: int, end: int, window: int = 120) -> bool:
    """A grade in the descriptor list of the NE tumour named just before it, whatever tumour the sentence
    names next: 'large cell neuroendocrine carcinoma (40%), poorly differentiated, high grade, and
    adenocarcinoma (60%)'. Not when the grade runs on into another tumour's noun ('high grade
    adenocarcinoma') or an other-tumour system is named nearby ('Gleason')."""
    lo = max(0, start - window)
    if FOREIGN_ANYWHERE.search(text, lo, min(len(text), end + window)):
        return False
    chunk = text[lo:start]
    breaks = [m.end() for m in _CLAUSE_END.finditer(chunk)]
    clause = chunk[breaks[-1]:] if breaks else chunk
    last_ne = max((m.start() for m in NE_CUES.finditer(clause)), default=-1)
    if last_ne < 0 or last_ne < max((m.start() for m in FOREIGN_CUES.finditer(clause)), default=-1):
        return False
    after = text[end:end + 40]
    nxt = FOREIGN_CUES.search(after)
    return nxt is None or bool(_LIST_BREAK.search(after, 0, nxt.start()))


class GradeExtractor(ClaimingExtractor):
    KEYWORDS = ('g1', 'g2', 'g3', 'g 1', 'g 2', 'g 3', 'grad')

    def findings(self, doc, match, rule):
        start, end = match.span()
        if rule.norm in ("not_gradable", "not_assigned"):
            attrs = {"foreign": True} if _subject_is_foreign(doc_text(doc), start) else {}
            return [Finding(start, end, rule.label, value_norm=rule.norm, attrs=attrs)]
        token = match.group("g")
        if rule.id.startswith("grade.g_code") and any(
                pair.start() <= start and end <= pair.end()
                for pair in _GRADE_PAIR_AROUND.finditer(doc_text(doc), max(0, start - 8), end + 8)):
            return []  # "the index falls at the G1/G2 borderline": two grades offered, none stated
        if rule.id.startswith("grade.g_code") and _GRADE_THRESHOLD_AFTER.match(doc_text(doc), end):
            return []  # "The Ki-67 is near, but below, the G3 cut-off": a threshold, not a grade
        norm = normalize_grade(token if rule.id.startswith("grade.words") else f"grade {token}")
        if norm is None:
            return []
        attrs = {}
        text = doc_text(doc)
        if nearest_cue_is_foreign(text, start) and not _describes_preceding_ne(text, start, end) and not (
                _WHO_GRADE_BEFORE.search(text, max(0, start - 40), start) and not FOREIGN_ANYWHERE.search(
                    text, max(0, start - 160), min(len(text), end + 160))):
            attrs["foreign"] = True
        return [Finding(start, end, rule.label, value_norm=norm, attrs=attrs)]


register(SPEC, GradeExtractor)

"""WHO grade of a neuroendocrine neoplasm -> GRADE mentions (value_norm G1|G2|G3).

Phrasings: "G2", "grade 2", "WHO grade 1", "Grade (WHO 2019): G2", "grade II", "NET G3",
"low-grade / intermediate-grade / high-grade neuroendocrine tumour", "well-differentiated NET, G3".
Grades of other tumours (Gleason, Nottingham, Fuhrman, glioma, adenocarcinoma "G2: moderately
differentiated", cassette names "G1") are kept as mentions with attrs foreign=True and never graded.
"The tumour cannot be graded", "grading not possible", "grade cannot be assessed" give a mention with
value_norm "not_gradable": the report row then derives no grade from Ki-67 or mitoses.
"""
from __future__ import annotations

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor
from ._pathology_common import FOREIGN_CUES, NE_CUES, nearest_cue_is_foreign
from ._pathology_units import normalize_grade

SPEC = ExtractorSpec(name="grade", order=62)


def _subject_is_foreign(text: str, pos: int, window: int = 120) -> bool:
    """'The adenocarcinoma component cannot be graded': the last tumour word of the clause before ``pos``
    belongs to another tumour family ('The tumour cannot be graded': none does)."""
    chunk = text[max(0, pos - window):pos]
    clause = chunk[max(chunk.rfind(". "), chunk.rfind("\n"), chunk.rfind(";")) + 1:]
    foreign = max((m.start() for m in FOREIGN_CUES.finditer(clause)), default=-1)
    return foreign > max((m.start() for m in NE_CUES.finditer(clause)), default=-1)


class GradeExtractor(ClaimingExtractor):
    KEYWORDS = ('g1', 'g2', 'g3', 'g 1', 'g 2', 'g 3', 'grad')

    def findings(self, doc, match, rule):
        start, end = match.span()
        if rule.norm == "not_gradable":
            attrs = {"foreign": True} if _subject_is_foreign(doc_text(doc), start) else {}
            return [Finding(start, end, rule.label, value_norm="not_gradable", attrs=attrs)]
        token = match.group("g")
        norm = normalize_grade(token if rule.id.startswith("grade.words") else f"grade {token}")
        if norm is None:
            return []
        attrs = {}
        if nearest_cue_is_foreign(doc_text(doc), start):
            attrs["foreign"] = True
        return [Finding(start, end, rule.label, value_norm=norm, attrs=attrs)]


register(SPEC, GradeExtractor)

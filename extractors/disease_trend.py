"""Change since a prior study (DISEASE_TREND, value_norm progression | stable | response).

progression: "interval progression", "increased in size", "new lesion in segment 3", "new
osseous metastases", a status tag after a lesion ("metastasis (new compared with CT)", "S6: 1.2 cm,
new."); stable: "stable", "unchanged", "no significant interval change", "no progression";
response: "decreased in size", "partial response", "smaller", "resolved". "progressive centripetal
fill-in" / "progressive enhancement" describe an enhancement pattern, not a change. The summariser
weighs them (any new lesion or growth wins, IMPRESSION before FINDINGS). Not handled: RECIST sums of
diameters.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, register
from ._doc_index import doc_text
from ._imaging_base import ImagingExtractor

_CUES = load_lexicon("disease_trend")

SPEC = ExtractorSpec(name="disease_trend", order=47)
#: A lesion word earlier on the line of a bare status tag: "(new)" after "Small pleural effusion" is no new disease.
_LESION_BEFORE = _CUES["LESION_BEFORE"]
#: "The remainder of the report is unchanged": the report, not the disease.
_REPORT_ITSELF_BEFORE = _CUES["REPORT_ITSELF_BEFORE"]
#: "grade progression should be considered", "progression to G3": the tumour's grade, not its extent.
_GRADE_CHANGE_BEFORE = _CUES["GRADE_CHANGE_BEFORE"]
_GRADE_CHANGE_AFTER = _CUES["GRADE_CHANGE_AFTER"]


class DiseaseTrendExtractor(ImagingExtractor):
    """Fixed-norm rules (the rule norm on the match, or on its ``span`` group); a rule with attrs
    ``needs_lesion_before`` only counts after a lesion word on its line."""

    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        text = doc_text(doc)
        if _REPORT_ITSELF_BEFORE.search(text, max(0, match.start() - 60), match.start()):
            return []
        if _GRADE_CHANGE_BEFORE.search(text, max(0, match.start() - 20), match.start()) \
                or _GRADE_CHANGE_AFTER.match(text, match.end()):
            return []
        if rule.attrs.get("needs_lesion_before"):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if not _LESION_BEFORE.search(text, max(line_start, match.start() - 200), match.start()):
                return []
        return super().interpret(doc, match, rule)


register(SPEC, DiseaseTrendExtractor)

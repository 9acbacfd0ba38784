"""Share of the liver replaced by tumour (LIVER_INVOLVEMENT, value_num = percent).

"replacing >50% of the liver" -> 50; "hepatic tumour burden approximately 30%" -> 30; "replaced by innumerable
confluent mets, est. 40-50% of parenchyma" -> 50 and "tumour infiltration approx. 25% of the liver volume" -> 25 (a
bare share of the liver counts when the tumour is named just before it on its line);
"involving 25-50% of the liver volume" -> 50 (upper value of a range); "about 40% of the liver is
replaced" -> 40; "approximately one third of the liver is replaced" -> 33.3, "half of the liver ... replaced" -> 50.
Not handled (on purpose): a future liver remnant percentage ("FLR 35%") is not
tumour involvement; vague words ("most of the liver") give no number.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc

from pipeline.lexicon import load_lexicon

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, register
from ._imaging_base import ImagingExtractor
from ._imaging_units import parse_number

_CUES = load_lexicon("liver_involvement")

SPEC = ExtractorSpec(name="liver_involvement", order=46)
_REMNANT = _CUES["REMNANT"]
#: A bare share of the liver ("est. 40-50% of parenchyma") counts only with the tumour named just before it,
#: and never as a surgical volume ("resection would remove 40% of the liver volume").
_TUMOUR_BEFORE = _CUES["TUMOUR_BEFORE"]
_VOLUMETRY = _CUES["VOLUMETRY"]
_CONTEXT_CHARS = 120


_FRACTIONS = {"third": 33.3, "quarter": 25.0, "half": 50.0}


def _fraction(text: str) -> float:
    """'one third' -> 33.3, 'half' -> 50, 'two thirds' -> 66.7, 'three quarters' -> 75."""
    low = text.lower()
    base = next(v for k, v in _FRACTIONS.items() if k in low)
    if low.startswith("two"):
        return 66.7
    if low.startswith("three"):
        return 75.0
    return base


class LiverInvolvementExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        text = doc_text(doc)
        if _REMNANT.search(text[max(0, match.start() - 40):match.end()]):
            return []
        if rule.attrs.get("tumour_before"):
            before = text[max(0, match.start() - _CONTEXT_CHARS):match.start()]
            before = before[before.rfind("\n") + 1:]
            if not _TUMOUR_BEFORE.search(before) or _VOLUMETRY.search(before):
                return []
        groups = match.groupdict()
        if groups.get("frac"):
            value = _fraction(groups["frac"])
        else:
            value = parse_number(groups.get("hi") or groups["lo"])
        if not 0 < value <= 100:
            return []
        return [Finding(*match.span(), "LIVER_INVOLVEMENT", value_num=value, value_unit="%")]


register(SPEC, LiverInvolvementExtractor)

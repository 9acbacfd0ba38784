"""Share of the liver replaced by tumour (LIVER_INVOLVEMENT, value_num = percent).

"replacing >50% of the liver" -> 50; "hepatic tumour burden approximately 30%" -> 30;
"involving 25-50% of the liver volume" -> 50 (upper value of a range); "about 40% of the liver is
replaced" -> 40. Not handled (on purpose): a future liver remnant percentage ("FLR 35%") is not
tumour involvement; vague words ("most of the liver") give no number.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, register
from ._imaging_base import ImagingExtractor
from ._imaging_units import parse_number

SPEC = ExtractorSpec(name="liver_involvement", order=46)
_REMNANT = re.compile(r"\b(?:remnant|flr|future\s+liver)\b", re.I)


class LiverInvolvementExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        if _REMNANT.search(doc_text(doc)[max(0, match.start() - 40):match.end()]):
            return []
        value = parse_number(match.group("hi") or match.group("lo"))
        if not 0 < value <= 100:
            return []
        return [Finding(*match.span(), "LIVER_INVOLVEMENT", value_num=value, value_unit="%")]


register(SPEC, LiverInvolvementExtractor)

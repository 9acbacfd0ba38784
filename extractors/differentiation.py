"""Differentiation -> DIFFERENTIATION mentions (value_norm well|moderately|poorly, as written).

Phrasings: "well-differentiated", "well differentiated", "poorly differentiated", "undifferentiated"
(poorly), "moderately differentiated" (kept as written; the report summary maps it per WHO to well),
"Differentiation: poorly", abbreviations ("well diff", "mod. diff", "wdNET", "WD-NET", "pd-NEC": a rule
``norm`` gives the value). Differentiation of another tumour ("moderately differentiated
adenocarcinoma") gets attrs foreign=True.
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor
from ._pathology_common import FOREIGN_CUES, NE_CUES

_CUES = load_lexicon("differentiation")

SPEC = ExtractorSpec(name="differentiation", order=63)
_NORM = {"well": "well", "moderately": "moderately", "moderate": "moderately", "mod": "moderately",
         "poorly": "poorly", "poor": "poorly", "un": "poorly"}
#: "adenocarcinoma" shortly before, in the same sentence and line.
_ADENOCARCINOMA_BEFORE = _CUES["ADENOCARCINOMA_BEFORE"]


def _describes_other_tumour(text: str, end: int) -> bool:
    """'moderately differentiated adenocarcinoma' -> True; '... neuroendocrine tumour' -> False."""
    after = text[end:end + 60]
    foreign = FOREIGN_CUES.search(after)
    ne = NE_CUES.search(after)
    if foreign and (not ne or foreign.start() < ne.start()):
        return True
    before = text[max(0, end - 90):end]
    clause_end = min((i for i in (after.find(";"), after.find("\n")) if i >= 0), default=len(after))
    if ne and ne.start() >= clause_end:
        ne = None  # "- adenocarcinoma component, moderately differentiated;\n - neuroendocrine carcinoma component": the next item's
    if not ne and _ADENOCARCINOMA_BEFORE.search(before):
        line = before[max(before.rfind("\n"), before.rfind(";")) + 1:]
        return not NE_CUES.search(line if _ADENOCARCINOMA_BEFORE.search(line) else before)
    return False


class DifferentiationExtractor(ClaimingExtractor):
    KEYWORDS = ('diff', 'iffer')
    PREFILTER = _CUES["PREFILTER"]

    def findings(self, doc, match, rule):
        start, end = match.span(rule.span) if rule.span else match.span()
        norm = rule.norm or _NORM.get((match.groupdict().get("d") or "").lower())
        if norm is None:
            return []
        attrs = {"foreign": True} if _describes_other_tumour(doc_text(doc), end) else {}
        return [Finding(start, end, rule.label, value_norm=norm, attrs=attrs)]


register(SPEC, DifferentiationExtractor)

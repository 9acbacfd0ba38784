"""Prior operations and ablations -> PROCEDURE_HISTORY mentions, for patient aggregation.

value_norm: pancreatoduodenectomy ("s/p Whipple", "status post pancreaticoduodenectomy",
"pancreaticojejunostomy", "hepaticojejunostomy", "PPPD"), primary_resection ("prior right hemicolectomy
for ileal NET", "small bowel resection", "distal pancreatectomy", "gastrectomy", "appendectomy",
"primary resected in 2019"), hepatectomy ("right hepatectomy", "liver resection", "segmentectomy of
segment VI"), ablation ("prior radiofrequency ablation", "RFA", "ablation zone").
Planned or proposed procedures ("candidate for resection", "consider ablation", "Whipple is planned")
give no mention. ConText marks most of these historical; aggregation uses them unless negated.
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor

_CUES = load_lexicon("procedure_history")

SPEC = ExtractorSpec(name="procedure_history", order=55)
_FUTURE_BEFORE = _CUES["FUTURE_BEFORE"]
_FUTURE_AFTER = _CUES["FUTURE_AFTER"]


def is_planned(text: str, start: int, end: int) -> bool:
    """'candidate for Whipple' / 'RFA is planned' -> True; 's/p Whipple' -> False."""
    return bool(_FUTURE_BEFORE.search(text[max(0, start - 50):start]) or _FUTURE_AFTER.search(text[end:end + 40]))


class ProcedureHistoryExtractor(ClaimingExtractor):
    KEYWORDS = ('ectomy', 'resect', 'ablat', 'rfa', 'mwa', 'whipple', 'stomy', 'pppd', 'enucleat', 'primary', 'anastomos', 'pj', 'hj', 'pylorus', 'primitive', 'situ', 'operated')
    def findings(self, doc, match, rule):
        start, end = match.span(rule.span or 0)
        if is_planned(doc_text(doc), start, end):
            return []
        return [Finding(start, end, rule.label, value_norm=rule.norm)]


register(SPEC, ProcedureHistoryExtractor)

"""Mitotic count -> MITOSES mentions (value_num per 2 mm², value_unit "per_2mm2").

Phrasings: "3 mitoses per 10 HPF", "mitoses 1/10 hpf", "Mitotic rate: 3/2 mm2", "2 mitoses per 2 mm²",
"<2 mitoses/10 HPF", "mitotic count: about I per 10 HPF" (OCR I = 1), "Mitoses are not seen" (0),
"no mitotic figures identified" (0). A count per 10 HPF is taken as per 2 mm² (attrs converted_from
"10HPF"); per 50 HPF or per 10 mm² is rescaled to 2 mm².
"""
from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor
from ._pathology_units import parse_mitoses

_CUES = load_lexicon("mitoses")

SPEC = ExtractorSpec(name="mitoses", order=61)
MAX_PER_2MM2 = 200.0
_VALUE_BEFORE = _CUES["VALUE_BEFORE"]


#: Counts per HPF of things that are not mitoses (a bare 'N/10 HPF' is otherwise a mitotic count).
_NOT_MITOSES = _CUES["NOT_MITOSES"]
#: Bound words, read on lower-cased text: at most, below, above.
_BOUND_LE = _CUES["BOUND_LE"]
_BOUND_LT = _CUES["BOUND_LT"]
_BOUND_GT = _CUES["BOUND_GT"]


def _clause_before(text: str, pos: int, window: int = 80) -> str:
    """Text before ``pos`` back to the sentence or line start (at most ``window`` characters)."""
    chunk = text[max(0, pos - window):pos]
    cut = max(chunk.rfind(". "), chunk.rfind("\n"), chunk.rfind(";"))
    return chunk[cut + 1:]


def _bound(text: str) -> str | None:
    t = text.lower()
    if _BOUND_LE.search(t):
        return "le"
    if _BOUND_LT.search(t):
        return "lt"
    if _BOUND_GT.search(t):
        return "gt"
    return None


class MitosesExtractor(ClaimingExtractor):
    KEYWORDS = ('mitos', 'mitotic', 'mf', 'hpf', 'high power', 'high-power', 'highpower')

    def findings(self, doc, match, rule):
        start, end = match.span()
        if rule.norm == "0":
            return [Finding(start, end, rule.label, value_num=0.0, value_unit="per_2mm2",
                            attrs={"absent": True})]
        groups = match.groupdict()
        if rule.attrs.get("bare") and _NOT_MITOSES.search(_clause_before(doc_text(doc), start)):
            return []  # 'eosinophils 30/10 HPF': a count of another cell
        if rule.attrs.get("value_before"):
            before = _VALUE_BEFORE.search(doc_text(doc)[max(0, start - 40):start])
            if not before:
                return []
            start = start - len(before.group(0))
            groups = {"value": before.group("value"), "area": groups.get("area"), "word": "mitoses"}
        area = groups.get("area")
        if not area:
            # "Mitotic count: 3" / "mitoses: <2 mitoses": a bare count after a label colon
            if not (groups.get("word") or ":" in doc_text(doc)[start:match.start("value")]):
                return []
            if re.match(r"\s*(?:%|cm|mm|x\b|\.\d)", doc_text(doc)[end:end + 4]):
                return []
            area = "2 mm2"
        value_text = groups["value"]
        value, attrs = parse_mitoses(value_text, area, _bound(value_text))
        if value is None or value > MAX_PER_2MM2:
            return []  # OCR debris such as '0110 per high power fields'

        if not groups.get("area"):
            attrs["area_assumed"] = True
        return [Finding(start, end, rule.label, value_num=value, value_unit="per_2mm2", attrs=attrs)]


register(SPEC, MitosesExtractor)

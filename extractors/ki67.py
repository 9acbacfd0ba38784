"""Ki-67 proliferation index -> KI67 mentions (value_num in %, value_unit "%").

Phrasings: "Ki-67: 12%", "Ki67 index 12 %", "MIB-1 labeling index approximately 15%",
"proliferative index ~15%", "Ki-67 <1%", "less than 2%", "≤3%", "10-15%" / "10 to 15%" (upper value),
"1-2% (hot spot)", "8 of 500 cells" (1.6%), "15% of tumour cells positive for Ki-67", OCR "Ki-67: I%".
"pending" / "not performed" give a mention with value_norm pending|not_performed and no number.
A value the report itself withdraws ("The earlier value of 25% is withdrawn", "(previously reported as
25%)", "the Ki-67 slide was cut from another patient's block") gives a mention with value_norm
"withdrawn" and no number: attrs withdrawn_value (the value taken back) or withdraws_earlier (every
Ki-67 value before it); the report row drops those values (``pathology_report.drop_withdrawn``).
attrs: bound (lt|le|gt), range, approximate, hot_spot, from_count, ocr, invalid (>100%).
"""
from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor
from ._tables import cell_at
from ._pathology_units import no_value, parse_percent

_CUES = load_lexicon("ki67")

SPEC = ExtractorSpec(name="ki67", order=60)
_HOT = _CUES["HOT"]
#: a Ki-67 label earlier on the line past a ';', and the words of a peak value that may follow it there
_LABEL_BEFORE_ON_LINE = _CUES["LABEL_BEFORE_ON_LINE"]
_PEAK_WORD = _CUES["PEAK_WORD"]
_LABEL_BEFORE = _CUES["LABEL_BEFORE"]
_QUAL_BEFORE = _CUES["QUAL_BEFORE"]
#: Another immunostain or cell population named between a Ki-67 label and a percentage.
_OTHER_STAIN = _CUES["OTHER_STAIN"]
#: A Ki-67 label somewhere before ('We repeated the Ki-67 immunostain. ... the index is 9%').
_LABEL_NEAR = _CUES["LABEL_NEAR"]
_OTHER_TUMOUR = _CUES["OTHER_TUMOUR"]
_NE_WORD = _CUES["NE_WORD"]
_SENTENCE_END = re.compile(r"\.(?:\s|$)")
_AVERAGE = _CUES["AVERAGE"]
#: Bound words, read on lower-cased text: at most, below, above.
_BOUND_LE = _CUES["BOUND_LE"]
_BOUND_LT = _CUES["BOUND_LT"]
_BOUND_GT = _CUES["BOUND_GT"]


def _bound(text: str) -> str | None:
    """'<1%' / 'less than 1%' -> 'lt'; '≤3%' / 'up to 4%' -> 'le'; '>20%' -> 'gt'."""
    t = text.lower()
    if _BOUND_LE.search(t):
        return "le"
    if _BOUND_LT.search(t):
        return "lt"
    if _BOUND_GT.search(t):
        return "gt"
    return None


class Ki67Extractor(ClaimingExtractor):
    KEYWORDS = ('67', 'mib', 'prolif', 'label', 'hot')  # every rule needs a Ki-67 label ('ki' alone matched 'kidney'; a counted index may follow 'hot-spot')

    def findings(self, doc, match, rule):
        start, end = match.span(rule.span or 0)
        if rule.norm == "withdrawn":
            return self._withdrawn(match, rule, start, end)
        value_text = match.group("value")
        if rule.attrs.get("table_cell"):
            cell = cell_at(doc_text(doc), start)
            if cell is None or cell.header is None or not _LABEL_NEAR.search(cell.header):
                return []  # a percentage is a Ki-67 only in a column headed "Ki-67" / "MIB-1"
        if rule.id.startswith("ki67.label_") and _OTHER_STAIN.search(doc_text(doc)[match.start():match.start("value")]):
            return []  # 'Ki-67 is low; chromogranin positive in 80%': the value belongs to another stain
        if rule.attrs.get("needs_label_near") and not _LABEL_NEAR.search(doc_text(doc)[max(0, start - 200):start]):
            return []
        if rule.attrs.get("qualifier_before"):
            qual = _QUAL_BEFORE.search(doc_text(doc)[max(0, start - 30):start])
            if qual:
                start, value_text = start - len(qual.group(0)), qual.group(0) + value_text
        tail = doc_text(doc)[end:end + 40]
        if rule.id.startswith("ki67.label_none"):
            return [Finding(start, end, rule.label, value_norm=no_value(value_text) or "not_performed",
                            attrs={"no_value": True})]
        if rule.attrs.get("needs_label_before"):
            text = doc_text(doc)
            before = text[max(0, start - 120):start]
            if not _LABEL_BEFORE.search(before) and not (_PEAK_WORD.match(text, start)
                                                         and _LABEL_BEFORE_ON_LINE.search(before)):
                return []  # 'Ki-67: average 1%; hot spot 3-5%': a peak value may follow past a ';'

        value, attrs = parse_percent(value_text)
        if value is None and not attrs.get("invalid"):
            return []
        if _other_tumours(doc_text(doc), start, end):
            attrs["foreign"] = True  # "(2) ... CLL. Ki-67 about 20 % in the proliferation centres": not the NET's
        bound = _bound(value_text)
        if bound:
            attrs["bound"] = bound
        if _HOT.search(doc_text(doc)[start:end] + tail.split("\n")[0]):
            attrs["hot_spot"] = True
        elif _AVERAGE.search(doc_text(doc)[start:end] + tail.split("\n")[0]):
            attrs["average"] = True
        norm = "invalid" if attrs.get("invalid") else None  # e.g. "150%": kept as evidence, never a value
        return [Finding(start, end, rule.label, value_num=value, value_unit="%", value_norm=norm, attrs=attrs)]

    @staticmethod
    def _withdrawn(match, rule, start, end):
        """A withdrawal: the value it takes back (any 'value*' group), or, with none, every earlier value."""
        named = [name for name in rule.regex.groupindex if name.startswith("value") and match.group(name)]
        if not named:
            return [Finding(start, end, rule.label, value_norm="withdrawn", attrs={"withdraws_earlier": True})]
        value, _ = parse_percent(match.group(named[0]))
        if value is None:
            return []
        return [Finding(start, end, rule.label, value_norm="withdrawn", attrs={"withdrawn_value": value})]


def _other_tumours(text: str, start: int, end: int) -> bool:
    """The value's sentence names another tumour (or a lymphoid compartment) and no neuroendocrine one."""
    lo = max(text.rfind(". ", 0, start), text.rfind(".\n", 0, start)) + 1
    stop = _SENTENCE_END.search(text, end)
    sentence = text[lo:stop.start() if stop else len(text)]
    return bool(_OTHER_TUMOUR.search(sentence)) and not _NE_WORD.search(sentence)


register(SPEC, Ki67Extractor)

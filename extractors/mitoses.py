"""Mitotic count -> MITOSES mentions (value_num per 2 mm², value_unit "per_2mm2").

Phrasings: "3 mitoses per 10 HPF", "mitoses 1/10 hpf", "Mitotic rate: 3/2 mm2", "2 mitoses per 2 mm²",
"<2 mitoses/10 HPF", "mitotic count: about I per 10 HPF" (OCR I = 1), "Mitoses are not seen" (0),
"no mitotic figures identified" (0), "Mitosis : nil" (0), "Mitoses | NEC component 24 per 2 mm2",
"a count over 2 mm2 in the most active area gives 4 mitoses" (area first). A count per 10 HPF is taken
as per 2 mm² (attrs converted_from "10HPF"); per 50 HPF or per 10 mm² is rescaled to 2 mm². When the
report converts its own per-HPF count ("4 per 10 HPF (... equivalent to approximately 3 per 2 mm2)",
"3 per 2 mm2 (4 per 10 HPF)"), the count per mm² is the value (attrs hpf_count keeps the raw count).
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor
from ._pathology_units import parse_mitoses
from ._tables import cell_at

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
#: A table's label-value separator (':', '|', dotted leaders) before a bare count ('Mitoses | 3').
_LABEL_SEP = _CUES["LABEL_SEP"]
#: An area named with the label before a bare count ('Mitotic count (per 10 HPF): 3').
_AREA_IN_LABEL = _CUES["AREA_IN_LABEL"]
#: The report's own count per mm² right after a per-HPF count ('4/10 HPF (= 3 per 2 mm2)'), matched at
#: the end of the HPF count; and a per-HPF count given after its own count per mm² ('3/2 mm2 (4/10 HPF)').
_MM2_EQUIVALENT = _CUES["MM2_EQUIVALENT"]
_MM2_BEFORE = _CUES["MM2_BEFORE"]
#: After a bare count: a size or the area itself, so not a count ('3 mm', 'nil per 10 HPF').
_NOT_A_COUNT_AFTER = _CUES["NOT_A_COUNT_AFTER"]
_MITOSES_WORD = _CUES["TABLE_MITOSES_WORD"]
_TABLE_AREA = _CUES["TABLE_AREA"]


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
        if rule.attrs.get("table_cell"):  # "| 5 |" under "Mitoses / 2 mm²": the header names the count and its area
            cell = cell_at(doc_text(doc), start)
            header = cell.header if cell is not None else None
            area = _TABLE_AREA.search(header) if header is not None and _MITOSES_WORD.search(header) else None
            if area is None:
                return []
            value, attrs = parse_mitoses(match.group("value"), area.group(0), None)
            if value is None or value > MAX_PER_2MM2:
                return []
            return [Finding(*match.span("value"), rule.label, value_num=value, value_unit="per_2mm2", attrs=attrs)]
        if rule.attrs.get("bare") and _NOT_MITOSES.search(_clause_before(doc_text(doc), start)):
            return []  # 'eosinophils 30/10 HPF': a count of another cell
        if rule.attrs.get("value_before"):
            before = _VALUE_BEFORE.search(doc_text(doc)[max(0, start - 40):start])
            if not before:
                return []
            start = start - len(before.group(0))
            groups = {"value": before.group("value"), "area": groups.get("area"), "word": "mitoses"}
        text = doc_text(doc)
        value_at = start if rule.attrs.get("value_before") else match.start("value")
        area = groups.get("area")
        area_stated = bool(area)
        if not area:
            # "Mitotic count: 3" / "mitoses: <2 mitoses": a bare count after a label colon
            between = text[start:value_at]
            if not (groups.get("word") or _LABEL_SEP.search(between)):
                return []
            if _NOT_A_COUNT_AFTER.match(text, end, end + 8):
                return []  # a size, or the area itself ('Mitotic rate: nil per 10 HPF')
            named = _AREA_IN_LABEL.search(between)  # 'Mitotic count (per 50 HPF): 6'
            area, area_stated = (named.group("area"), True) if named else ("2 mm2", False)
        value_text = groups["value"]
        value, attrs = parse_mitoses(value_text, area, _bound(value_text))
        if value is None or value > MAX_PER_2MM2:
            return []  # OCR debris such as '0110 per high power fields'
        if str(attrs.get("converted_from", "")).endswith("HPF"):
            if _MM2_BEFORE.search(text[max(0, value_at - 60):value_at]):
                return []  # '3 per 2 mm2 (4 per 10 HPF)': the report's own count per mm² is the value
            equivalent = _MM2_EQUIVALENT.match(text, end, min(len(text), end + 160))
            if equivalent is not None:  # '4 per 10 HPF (equivalent to approximately 3 per 2 mm2)'
                mm2_text = equivalent.group("value")
                mm2_value, mm2_attrs = parse_mitoses(mm2_text, equivalent.group("area"), _bound(mm2_text))
                if mm2_value is not None and mm2_value <= MAX_PER_2MM2:
                    value, attrs = mm2_value, {**mm2_attrs, "hpf_count": value}
                    end = equivalent.end()
        if not area_stated:
            attrs["area_assumed"] = True
        return [Finding(start, end, rule.label, value_num=value, value_unit="per_2mm2", attrs=attrs)]


register(SPEC, MitosesExtractor)

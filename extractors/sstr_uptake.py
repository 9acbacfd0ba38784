"""Somatostatin-receptor avidity (SSTR_UPTAKE) and SUVmax (SUV) from SSTR PET/CT reports.

SSTR_UPTAKE value_norm: avid ("DOTATATE-avid", "intense tracer uptake", "uptake greater than
liver/spleen", Krenning 2-4), non_avid ("non-avid", "no significant uptake", "uptake lower than
liver", Krenning 0-1), heterogeneous ("heterogeneous SSTR expression", "mismatch").
SUV value_num: "SUVmax 24.3", "maximum SUV of 18", "SUVmax increased from 12.1 to 18.4" (18.4).
Prior SUVs ("previously SUVmax 12") carry attrs prior. Rows of a pipe table under an 'SUVmax' header cell, and of a
list under a legend naming the SUV column ("SUVmax now / baseline; size now / baseline" then "- Liver S7: 16.9 / 34.0;
3.0 cm / 3.9 cm" -> 16.9), carry attrs row. Not handled: SUVpeak, SUL, tumour-to-liver ratios.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc, Span

from pipeline.lexicon import load_lexicon

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, register
from ._imaging_base import ImagingExtractor
from ._imaging_units import parse_number
from ._tables import table_header

_CUES = load_lexicon("sstr_uptake")

SPEC = ExtractorSpec(name="sstr_uptake", order=44)
_TRACER_BEFORE = _CUES["TRACER_BEFORE"]
_PRIOR = _CUES["PRIOR"]
#: "(segment 6: 1.8 cm, SUVmax 11.3, previously 2.6 cm, SUVmax 19.5)": every value after "previously" in the list.
_PRIOR_LIST = _CUES["PRIOR_LIST"]
_PRIOR_AFTER = _CUES["PRIOR_AFTER"]
#: A pipe-table header cell that names SUV ("SUVmax").
_SUV_HEADER = _CUES["SUV_HEADER"]
#: In a legend ("SUVmax now / baseline; size on CT now / baseline"): which slot is a prior value, which is a size.
_SLOT_PRIOR = _CUES["SLOT_PRIOR"]
_SLOT_OTHER = _CUES["SLOT_OTHER"]
#: A list row under a legend: "- Liver S7: 16.9 / 34.0; 3.0 cm / 3.9 cm", "2) Retroperitoneal node: 7.5 / 18.0".
_LEGEND_ROW = _CUES["LEGEND_ROW"]
_MAX_ROWS = 40
#: Before a "from X to Y" pair: the SUV its sentence named first ("SUVmax values have risen: segment 4b from 9.8 to 17.6").
_SUV_PAIR_LEAD = _CUES["SUV_PAIR_LEAD"]
_PAIR_REACH = 250
_DECIMAL = re.compile(r"\d{1,3}[.,]\d+")


_CELL_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d+)?")


def _table_suv(text: str, start: int, end: int) -> list[Finding]:
    """The SUV cell of a pipe-table row: the column whose header (the first row of the table) names SUV.

    'Site | Size | SUVmax' then 'Liver segment 7 | 3.1 cm | 28.4' -> 28.4; the header row itself gives nothing.
    """
    header = table_header(text, start)
    if header is None:
        return []
    header_start, header_end = header
    cells = text[header_start:header_end].split("|")
    column = next((i for i, c in enumerate(cells) if _SUV_HEADER.search(c)), None)
    if column is None:
        return []
    row = text[start:end].split("|")
    if column >= len(row):
        return []
    offset = start + sum(len(c) + 1 for c in row[:column])
    m = _CELL_NUMBER.search(row[column])
    if m is None or re.search(r"\d\s*(?:mm|cm|%)", row[column], re.I):
        return []
    return [Finding(offset + m.start(), offset + m.end(), "SUV", value_num=parse_number(m.group(0)),
                    attrs={"prior": False, "row": True})]


_BARE_NUMBER = re.compile(r"\s*(\d{1,3}(?:[.,]\d+)?)\s*$")


def _legend_slots(legend: str) -> tuple[str, list[list[tuple[str, bool]]]]:
    """The value slots a legend names, by group and position: 'SUVmax now / baseline; size now / baseline' ->
    (';', [[('suv', False), ('suv', True)], [('other', False), ('other', True)]]) (quantity, prior)."""
    sep = ";" if ";" in legend else ","
    groups = []
    for group in legend.split(sep):
        parts = group.split("/")
        kinds = ["suv" if "suv" in p.lower() else "other" if _SLOT_OTHER.search(p) else None for p in parts]
        own = next((k for k in kinds if k), "other")
        groups.append([(k or own, bool(_SLOT_PRIOR.search(p))) for k, p in zip(kinds, parts)])
    return sep, groups


def _legend_suv(text: str, start: int) -> list[Finding]:
    """The current SUVs of the list rows under a legend that names the SUV column ('Findings (SUVmax now / baseline;
    size on CT now / baseline):' then '- Liver S7: 16.9 / 34.0; 3.0 cm / 3.9 cm' -> 16.9). The legend starts after the
    last '(' or ':' before its SUV word; rows are the 'label: values' lines right after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    opened = max(text.rfind("(", line_start, start), text.rfind(":", line_start, start))
    legend_end = text.find(")", start, line_end) if opened >= 0 and text[opened] == "(" else -1
    legend = text[(opened + 1 if opened >= 0 else start):(legend_end if legend_end >= 0 else line_end)].rstrip(" :")
    sep, groups = _legend_slots(legend)
    slot = next(((g, i) for g, group in enumerate(groups) for i, (kind, prior) in enumerate(group)
                 if kind == "suv" and not prior), None)
    if slot is None:
        return []
    out = []
    pos = line_end + 1
    for _ in range(_MAX_ROWS):
        if pos >= len(text):
            break
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        row = _LEGEND_ROW.match(text, pos, end)
        if row is None:
            break
        cells = text[row.start("values"):end].split(sep)
        if slot[0] < len(cells):
            offset = row.start("values") + sum(len(c) + 1 for c in cells[:slot[0]])
            parts = cells[slot[0]].split("/")
            if slot[1] < len(parts):
                offset += sum(len(p) + 1 for p in parts[:slot[1]])
                m = _BARE_NUMBER.match(parts[slot[1]])
                if m:
                    out.append(Finding(offset + m.start(1), offset + m.end(1), "SUV", value_num=parse_number(m.group(1)),
                                       attrs={"prior": False, "row": True}))
        pos = end + 1
    return out


class SstrUptakeExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        start, end = match.span()
        if rule.id.startswith("sstr_uptake.suv_table"):
            return _table_suv(doc_text(doc), start, end)
        if rule.id.startswith("sstr_uptake.suv_legend"):
            return _legend_suv(doc_text(doc), match.start("suv"))
        if rule.id.startswith("sstr_uptake.suv_list"):  # "SUVmax 22.5 and 31.0": 31.0 (22.5 is suv_max.1's)
            offset = match.start("rest")
            return [Finding(offset + m.start(), offset + m.end(), "SUV", value_num=parse_number(m.group(0)),
                            attrs={"prior": False}) for m in _DECIMAL.finditer(match.group("rest"))]
        if rule.id in ("sstr_uptake.suv_max.3", "sstr_uptake.suv_max.4"):
            text = doc_text(doc)
            if not _SUV_PAIR_LEAD.search(text, max(0, start - _PAIR_REACH), start):
                return []
            start = match.start("value")
            return [Finding(start, end, "SUV", value_num=parse_number(match.group("value")), attrs={"prior": False})]
        if rule.label == "SUV":
            value = parse_number(match.group("value"))
            before = doc_text(doc)[max(0, start - 30):start]
            wide = doc_text(doc)[max(0, start - 45):start]
            prior = bool(_PRIOR.search(before) or _PRIOR_AFTER.match(doc_text(doc), end) or _PRIOR_LIST.search(wide))
            return [Finding(start, end, "SUV", value_num=value, attrs={"prior": prior})]
        if "score" in (rule.regex.groupindex or {}):
            score = int(match.group("score"))
            return [Finding(start, end, "SSTR_UPTAKE", value_num=float(score),
                            value_norm="avid" if score >= 2 else "non_avid", attrs={"krenning": score})]
        if rule.id == "sstr_uptake.avid.1":
            lead = _TRACER_BEFORE.search(doc_text(doc), max(0, start - 40), start)
            start = lead.start() if lead else start  # "DOTATATE-avid", "SSTR avid"
        return [Finding(start, end, "SSTR_UPTAKE", value_norm=rule.norm)]

    def postprocess(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """One span per region: the longest ('not DOTATATE avid' over 'DOTATATE avid')."""
        ordered = sorted(spans, key=lambda s: (s.start_char, -(s.end_char - s.start_char)))
        kept: list[Span] = []
        for span in ordered:
            if any(k.label_ == span.label_ and span.start_char < k.end_char and k.start_char < span.end_char for k in kept):
                continue
            kept.append(span)
        return kept


register(SPEC, SstrUptakeExtractor)

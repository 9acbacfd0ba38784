"""Somatostatin-receptor avidity (SSTR_UPTAKE) and SUVmax (SUV) from SSTR PET/CT reports.

SSTR_UPTAKE value_norm: avid ("DOTATATE-avid", "intense tracer uptake", "uptake greater than
liver/spleen", Krenning 2-4), non_avid ("non-avid", "no significant uptake", "uptake lower than
liver", Krenning 0-1), heterogeneous ("heterogeneous SSTR expression", "mismatch").
SUV value_num: "SUVmax 24.3", "maximum SUV of 18", "SUVmax increased from 12.1 to 18.4" (18.4).
Prior SUVs ("previously SUVmax 12") carry attrs prior. Not handled: SUVpeak, SUL, tumour-to-liver ratios.
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

_CUES = load_lexicon("sstr_uptake")

SPEC = ExtractorSpec(name="sstr_uptake", order=44)
_TRACER_BEFORE = _CUES["TRACER_BEFORE"]
_PRIOR = _CUES["PRIOR"]
#: "(segment 6: 1.8 cm, SUVmax 11.3, previously 2.6 cm, SUVmax 19.5)": every value after "previously" in the list.
_PRIOR_LIST = _CUES["PRIOR_LIST"]
_PRIOR_AFTER = _CUES["PRIOR_AFTER"]
#: A pipe-table header cell that names SUV ("SUVmax").
_SUV_HEADER = _CUES["SUV_HEADER"]


_CELL_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d+)?")


def _table_suv(text: str, start: int, end: int) -> list[Finding]:
    """The SUV cell of a pipe-table row: the column whose header (the first row of the table) names SUV.

    'Site | Size | SUVmax' then 'Liver segment 7 | 3.1 cm | 28.4' -> 28.4; the header row itself gives nothing.
    """
    header_start = start
    while header_start > 0:
        prev_end = header_start - 1  # the newline before this line
        prev_start = text.rfind("\n", 0, prev_end) + 1
        if "|" not in text[prev_start:prev_end]:
            break
        header_start = prev_start
    if header_start == start:
        return []
    header_end = text.find("\n", header_start)
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
    return [Finding(offset + m.start(), offset + m.end(), "SUV", value_num=parse_number(m.group(0)), attrs={"prior": False})]


class SstrUptakeExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        start, end = match.span()
        if rule.id.startswith("sstr_uptake.suv_table"):
            return _table_suv(doc_text(doc), start, end)
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

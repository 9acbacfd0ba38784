"""Measurements (SIZE, value_num = largest dimension in mm): "3.1 x 2.4 x 2.2 cm" -> 31.0,
"12mm", "ranging from 5 mm to 2.2 cm" -> 22.0, "up to 4.1 cm" -> 41.0, "subcentimeter" (no value).

Prior sizes are marked ``attrs["prior"]``: "previously 2.1 cm, now 2.6 cm" (2.1 prior), "from 1.8 to
2.3 cm" (1.8 prior, 2.3 current), "(prior 12 mm)", "measured 9 mm on the previous study". Short-axis
node measurements carry ``attrs["short_axis"]``. Which lesion a size belongs to is decided by the
report summariser. Not handled: areas, volumes, sizes written without a unit ("2.3 x 1.9").
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc, Span

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, drop_contained, register
from ._imaging_base import ImagingExtractor
from ._imaging_units import parse_number, parse_size_mm, to_mm

SPEC = ExtractorSpec(name="lesion_size", order=41)

_PRIOR_CUE = re.compile(r"\b(?:previously|prior|previous|formerly|was|were|earlier|before|baseline|compared\s+(?:to|with)|"
                        r"versus|vs\.?|from|had\s+measured|measured)\b", re.I)
_CURRENT_CUE = re.compile(r"\b(?:now|currently|today|presently|at\s+present|current(?:ly)?|this\s+(?:study|exam|scan)|"
                          r"measures|measuring|is|are)\b|[;.]\s", re.I)
_PRIOR_AFTER = re.compile(r"\s*\)?\s*,?\s*(?:previously|on\s+(?:the\s+)?(?:prior|previous|earlier|preceding|last|baseline)\b|"
                          r"in\s+(?:19|20)\d\d|at\s+baseline|before|earlier)(?!\s*(?:measur\w*\s*)?(?:of\s+)?\d)", re.I)
_DISTANCE = re.compile(r"\s*(?:away\s+)?from\s+(?:the\s+)?(?!(?:prior|previous|baseline)\b)", re.I)
_WITHIN = re.compile(r"\bwithin\s*$", re.I)
_SHORT_AXIS = re.compile(r"short[- ]axis|\bSAD\b", re.I)
_BOUND_BEFORE = re.compile(r"(?:below|under|less\s+than|smaller\s+than|<|≤|<=|>|≥|>=|exceeding|over|greater\s+than|larger\s+than|threshold\s+of)\s*$", re.I)
_RANGE_LEAD = re.compile(r"(?:rang\w*|between|measur\w*)\s+(?:in\s+size\s+)?$", re.I)


def is_prior_size(text: str, start: int, end: int) -> bool:
    """Whether the size at text[start:end] is a prior measurement.

    'previously 2.1 cm, now 2.6 cm' -> 2.1 prior, 2.6 current; '2.6 cm (prior 12 mm)' -> 12 mm prior;
    '9 mm on the previous study' -> prior; 'now 2.6 cm' -> current.
    """
    window = text[max(0, start - 45):start]
    cut = max(window.rfind(". "), window.rfind("\n"), window.rfind(";"))
    window = window[cut + 1:]
    last_prior = None
    for m in _PRIOR_CUE.finditer(window):
        last_prior = m
    if last_prior is not None:
        between = window[last_prior.end():]
        closed = ")" in between and "(" not in between  # "SUVmax 11.2 (previously 26.5), 1.6 cm": the aside has ended
        if not closed and not _CURRENT_CUE.search(between) and not re.search(r"\d\s*(?:mm|cm)", between, re.I):
            if not (last_prior.group(0).lower() in {"is", "are"}):
                return True
    return bool(_PRIOR_AFTER.match(text, end))


class LesionSizeExtractor(ImagingExtractor):
    """Sizes in mm; a later rule's match inside an earlier rule's ('2.3 cm' in 'from 1.8 to 2.3 cm') is skipped.

    (Span extensions are keyed by offsets and label, so two spans over the same characters would share values.)
    """

    def rule_matches(self, text: str, rules):
        covered: list[tuple[int, int]] = []
        for rule in rules:
            mine = []
            for match in rule.regex.finditer(text):
                s, e = match.span()
                if any(s < ce and cs < e for cs, ce in covered):
                    continue
                mine.append((s, e))
                yield match, rule
            covered.extend(mine)

    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        kind = rule.attrs.get("kind")
        text = doc_text(doc)
        if kind == "subcm":
            return [Finding(*match.span(), "SIZE", value_norm="subcentimeter", attrs={"kind": kind})]
        if kind == "dims":
            if not re.search(r"mm|cm|met", match.group(0), re.I):
                return []
            value = parse_size_mm(match.group(0))
            if value is None or value <= 0:
                return []
            start, end = match.span()
            if _DISTANCE.match(text, end) or _WITHIN.search(text[max(0, start - 12):start]):
                return []  # "lies 14 mm from the right hepatic vein", "within 5 mm of the IVC": a distance, not a size
            return [self._finding(text, start, end, value, kind)]
        unit = match.group("unit")
        hi = to_mm(parse_number(match.group("hi")), unit)
        if kind == "upto":
            return [self._finding(text, *match.span(), hi, kind)]
        lo = to_mm(parse_number(match.group("lo")), match.groupdict().get("lounit") or unit)
        if kind == "change":
            if _RANGE_LEAD.search(text[max(0, match.start() - 25):match.start()]):
                return [self._finding(text, *match.span(), max(lo, hi), "range", lo=min(lo, hi))]
            prior = Finding(match.start("lo"), match.end("lounit") if match.group("lounit") else match.end("lo"),
                            "SIZE", value_num=lo, value_unit="mm", attrs={"kind": "change", "prior": True})
            current = Finding(match.start("hi"), match.end(), "SIZE", value_num=hi, value_unit="mm",
                              attrs={"kind": "change", "prior": False})
            return [prior, current]
        return [self._finding(text, *match.span(), max(lo, hi), kind, lo=min(lo, hi))]

    def _finding(self, text: str, start: int, end: int, value: float, kind: str, lo: float | None = None) -> Finding | None:
        attrs = {"kind": kind, "prior": is_prior_size(text, start, end)}
        if lo is not None:
            attrs["min_mm"] = lo
        if _BOUND_BEFORE.search(text[max(0, start - 20):start]):
            attrs["bound"] = True  # "all below 1 cm" is a limit, not a measurement
        if _SHORT_AXIS.search(text[max(0, start - 20):end + 20]):
            attrs["short_axis"] = True
        return Finding(start, end, "SIZE", value_num=value, value_unit="mm", attrs=attrs)

    def postprocess(self, doc: Doc, spans: list[Span]) -> list[Span]:
        kept = drop_contained(spans)
        out: list[Span] = []
        for span in sorted(kept, key=lambda s: (s.start_char, -(s.end_char - s.start_char))):
            if out and span.start_char < out[-1].end_char:
                continue  # a dims match inside a range/change match already read
            out.append(span)
        return out


register(SPEC, LesionSizeExtractor)

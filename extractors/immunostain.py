"""Immunohistochemistry -> IMMUNOSTAIN mentions (value_norm "<marker>+" or "<marker>-").

Phrasings: "synaptophysin +", "chromogranin A strongly positive", "synaptophysin and chromogranin
positive", "SSTR2A: weak and heterogeneous" (no status: skipped), "positive staining for cytokeratin,
synaptophysin and chromogranin", "negative for CDX2 and TTF-1", "Rb lost", "TTF-1 negative".
"""
from __future__ import annotations

import re

from ._base import ExtractorSpec, Finding, register
from ._pathology_base import ClaimingExtractor

SPEC = ExtractorSpec(name="immunostain", order=68)

_MARKERS = [
    (r"synapto\w*", "synaptophysin"), (r"chromogranin(?:[-\s]?a)?|cga", "chromogranin"),
    (r"sstr-?2a?|somatostatin\s+receptor\s+(?:type\s+)?2a?", "SSTR2"), (r"cd56", "CD56"), (r"insm-?1", "INSM1"),
    (r"cdx-?2", "CDX2"), (r"ttf-?1", "TTF-1"), (r"isl-?1", "ISL1"), (r"pax-?8", "PAX8"), (r"pdx-?1", "PDX1"),
    (r"(?:cyto)?keratin|ck\s?(?:8/18|7|20|19)|ae1/ae3", "keratin"), (r"p53", "p53"), (r"rb1?", "Rb"),
    (r"serotonin", "serotonin"), (r"gastrin", "gastrin"), (r"insulin", "insulin"), (r"glucagon", "glucagon"),
    (r"somatostatin", "somatostatin"),
]
MARKER_RE = re.compile(r"\b(?:" + "|".join(f"(?P<m{i}>{p})" for i, (p, _) in enumerate(_MARKERS)) + r")(?![\w])", re.I)
_POS = re.compile(r"^(?:\+|positive|pos|immunoreactive|reactive|expressed|retained|present|stain\w*)$", re.I)
_STOP = re.compile(r"\b(?:negative|positive|but|while|whereas|except|however)\b", re.I)


def marker_name(text: str) -> str | None:
    """'Chromogranin A' -> 'chromogranin'; 'SSTR2A' -> 'SSTR2'; 'TTF1' -> 'TTF-1'."""
    m = MARKER_RE.fullmatch(text.strip()) or MARKER_RE.match(text.strip())
    if not m:
        return None
    index = int(next(k for k, v in m.groupdict().items() if v)[1:])
    return _MARKERS[index][1]


def status_sign(word: str) -> str:
    """'positive' / '+' / 'retained' -> '+'; 'negative' / '-' / 'lost' -> '-'."""
    return "+" if _POS.match(word.strip()) else "-"


class ImmunostainExtractor(ClaimingExtractor):
    KEYWORDS = ('positive', 'negative', '+', 'stain', 'reactive', 'lost', 'retained', 'absent', 'present', 'pos', 'neg')

    def findings(self, doc, match, rule):
        sign = status_sign(match.group("st"))
        if "list" in match.groupdict():
            region, offset = match.group("list"), match.start("list")
        else:
            region, offset = match.group("tail"), match.start("tail")
            stop = _STOP.search(region)
            region = region[: stop.start()] if stop else region
        out = []
        for m in MARKER_RE.finditer(region):
            name = marker_name(m.group(0))
            if name:
                out.append(Finding(offset + m.start(), offset + m.end(), rule.label, value_norm=f"{name}{sign}"))
        return out


register(SPEC, ImmunostainExtractor)

"""Immunohistochemistry -> IMMUNOSTAIN mentions (value_norm "<marker>+" or "<marker>-").

Phrasings: "synaptophysin +", "chromogranin A strongly positive", "synaptophysin and chromogranin
positive", "SSTR2A: weak and heterogeneous" (no status: skipped), "positive staining for cytokeratin,
synaptophysin and chromogranin", "negative for CDX2 and TTF-1", "Rb lost", "TTF-1 negative".
"""
from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, register
from ._pathology_base import ClaimingExtractor

_CUES = load_lexicon("immunostain")

SPEC = ExtractorSpec(name="immunostain", order=68)

_MARKERS = [  # (pattern, marker name): the patterns are in configs/lexicons/immunostain.jsonl
    (_CUES.source("MARKER_SYNAPTOPHYSIN"), "synaptophysin"),
    (_CUES.source("MARKER_CHROMOGRANIN"), "chromogranin"),
    (_CUES.source("MARKER_SSTR2"), "SSTR2"),
    (_CUES.source("MARKER_CD56"), "CD56"),
    (_CUES.source("MARKER_INSM1"), "INSM1"),
    (_CUES.source("MARKER_CDX2"), "CDX2"),
    (_CUES.source("MARKER_TTF1"), "TTF-1"),
    (_CUES.source("MARKER_ISL1"), "ISL1"),
    (_CUES.source("MARKER_PAX8"), "PAX8"),
    (_CUES.source("MARKER_PDX1"), "PDX1"),
    (_CUES.source("MARKER_KERATIN"), "keratin"),
    (_CUES.source("MARKER_P53"), "p53"),
    (_CUES.source("MARKER_RB"), "Rb"),
    (_CUES.source("MARKER_SEROTONIN"), "serotonin"),
    (_CUES.source("MARKER_GASTRIN"), "gastrin"),
    (_CUES.source("MARKER_INSULIN"), "insulin"),
    (_CUES.source("MARKER_GLUCAGON"), "glucagon"),
    (_CUES.source("MARKER_SOMATOSTATIN"), "somatostatin"),
]
MARKER_RE = re.compile(r"\b(?:" + "|".join(f"(?P<m{i}>{p})" for i, (p, _) in enumerate(_MARKERS)) + r")(?![\w])", re.I)
_POS = _CUES["POS"]
_STOP = _CUES["STOP"]


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
    KEYWORDS = ('positive', 'negative', '+', 'stain', 'reactive', 'lost', 'retained', 'absent', 'present', 'pos', 'neg', 'express')
    PREFILTER = _CUES["MINUS_STATUS"]

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

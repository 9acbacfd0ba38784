"""Couinaud segments (LIVER_SEGMENT) and lobes (LIVER_LOBE).

LIVER_SEGMENT value_norm is the comma-joined segments a phrase names: "segment 4A" -> "4a",
"S7" -> "7", "segment VII" -> "7", "seg 6" -> "6", "segments 5/6" -> "5,6", "4a/4b" -> "4a,4b",
"caudate lobe" -> "1", "left lateral segment" -> "2,3", "right posterior section" -> "6,7",
"right anterior" -> "5,8". "Hepatic dome" alone names no segment. LIVER_LOBE value_norm is
right | left | both ("both lobes", "bilobar", "throughout the liver", "diffusely involving").
A segment or lobe said free ("caudate lobe relatively spared", "sparing the left lobe") gives nothing.
OCR-misread Roman numerals are read ("segrnent lVa" -> "4a", "Vlll" -> "8").
Not handled: bare "4a/4b" without the word segment; "L5-S1" is a spine level, not segment 1.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc

from pipeline.lexicon import load_lexicon

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, register, value
from ._imaging_base import ImagingExtractor
from ._imaging_units import is_sacral_level, named_segments, segments_in
from ._tables import cell_at

_CUES = load_lexicon("liver_segment")

SPEC = ExtractorSpec(name="liver_segment", order=42)
_STRUCTURE_AFTER = _CUES["STRUCTURE_AFTER"]
#: "The left lobe is spared", "the right lobe remains free of disease", "sparing the left lobe", "caudate lobe relatively
#: spared": a side or segment with no lesion.
_LOBE_FREE_AFTER = _CUES["LOBE_FREE_AFTER"]
_LOBE_FREE_BEFORE = _CUES["LOBE_FREE_BEFORE"]
_SEGMENT_COLUMN = _CUES["SEGMENT_COLUMN"]
_VOLUME_BEFORE = _CUES["VOLUME_BEFORE"]
_FIELD_DENIED = _CUES["FIELD_DENIED"]
_FINDING_BEFORE = _CUES["FINDING_BEFORE"]
_SECTOR_THEN_SEGMENT = _CUES["SECTOR_THEN_SEGMENT"]
#: "segment 3 ... It is peripheral in the left lateral section": the sector of the segment just named, restated
_ANAPHOR_RESTATES_PLACE = _CUES["ANAPHOR_RESTATES_PLACE"]
#: "at the 4a/8 junction", "the junction of segments 4a and 8": two segments that are one lesion's place
_JUNCTION_AFTER = _CUES["JUNCTION_AFTER"]
_JUNCTION_BEFORE = _CUES["JUNCTION_BEFORE"]
_SEGMENT_SORT = {s: i for i, s in enumerate(["1", "2", "3", "4", "4a", "4b", "5", "6", "7", "8"])}


def join_segments(segments: list[str]) -> str:
    """['6', '5'] -> '5,6' (Couinaud order)."""
    return ",".join(sorted(set(segments), key=lambda s: _SEGMENT_SORT.get(s, 99)))


class LiverSegmentExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        start, end = match.span()
        if rule.label == "LIVER_LOBE":
            start, end = match.span(rule.span or 0)  # "three in the right lobe and one in the (left)"
            side = rule.norm or match.group("side").lower()
            text = doc_text(doc)
            if _FIELD_DENIED.match(text, end):
                return []  # "Bilobar: No", "Bilobar: N/A": a template field that names no spread
            if rule.norm is None and (_LOBE_FREE_AFTER.match(text, end) or _LOBE_FREE_BEFORE.search(text[max(0, start - 30):start])):
                return []  # "The left lobe is spared": names the side without disease
            return [Finding(start, end, "LIVER_LOBE", value_norm=side)]
        text = match.group(0)
        full = doc_text(doc)
        if rule.id.startswith("liver_segment.table_cell"):
            cell = cell_at(full, end - 1)
            if cell is None or cell.header is None or not _SEGMENT_COLUMN.match(cell.header):
                return []  # a bare numeral is a segment only in a "Segment" column ("A | VIII | 27")
            start += len(text) - len(text.lstrip())
            text = "segment " + text.strip()
        if rule.id.startswith("liver_segment.short") and is_sacral_level(full, start, end):
            return []  # "Progression in the skeleton (new S1 metastasis)": the sacrum, not segment 1
        if _STRUCTURE_AFTER.match(full, end):
            return []  # "dilatation of the segment 2/3 ducts", "segment 8 portal branch": a structure, not a location
        if _VOLUME_BEFORE.search(full, max(0, start - 30), start):
            return []  # "future liver remnant (segments 1-3) 520 mL": a volume's segments
        if _FINDING_BEFORE.search(full, max(0, start - 50), start):
            return []  # "upstream duct dilatation in segments 2/3", "atrophy of segment 2": not a lesion's place
        if _LOBE_FREE_AFTER.match(full, end) or _LOBE_FREE_BEFORE.search(full[max(0, start - 30):start]):
            return []  # "caudate lobe relatively spared", "sparing segment 1": a segment without disease
        segments = named_segments(text) if rule.id.startswith("liver_segment.named") else segments_in(text)
        if not segments:
            return []
        attrs: dict = {"segments": segments}
        if len(segments) > 1 and (rule.id.startswith("liver_segment.bare_pair") or _JUNCTION_AFTER.match(full, end)
                                  or _JUNCTION_BEFORE.search(full, max(0, start - 30), start)):
            attrs["one_place"] = True  # "at the 4a/8 junction", "the junction of segments 4a and 8": one lesion's place
        return [Finding(start, end, "LIVER_SEGMENT", value_norm=join_segments(segments), attrs=attrs)]

    def postprocess(self, doc: Doc, spans: list) -> list:
        """Also drops a sector or section whose next words name the one segment of it meant ("in the right posterior
        sector (segment 6)": segment 6, not segments 6 and 7), and one the next sentence names for the lesion just placed
        in one of its segments ("... in segment 3 ... It is peripheral in the left lateral section")."""
        spans = super().postprocess(doc, spans)
        text = doc_text(doc)
        segs = sorted((s for s in spans if s.label_ == "LIVER_SEGMENT"), key=lambda s: s.start_char)
        drop = set()
        for here, nxt in zip(segs, segs[1:]):
            mine = set((value(here, "attrs") or {}).get("segments") or ())
            theirs = set((value(nxt, "attrs") or {}).get("segments") or ())
            if len(mine) > 1 and theirs and theirs < mine and nxt.start_char - here.end_char <= 30 \
                    and _SECTOR_THEN_SEGMENT.fullmatch(text, here.end_char, nxt.start_char):
                drop.add(id(here))
            if len(theirs) > 1 and len(mine) == 1 and mine < theirs and nxt.start_char - here.end_char <= 200 \
                    and _ANAPHOR_RESTATES_PLACE.fullmatch(text, here.end_char, nxt.start_char):
                drop.add(id(nxt))  # "segment 3 ... It is peripheral in the left lateral section": the same place again
        return [s for s in spans if id(s) not in drop]


register(SPEC, LiverSegmentExtractor)

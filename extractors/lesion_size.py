"""Measurements (SIZE, value_num = largest dimension in mm): "3.1 x 2.4 x 2.2 cm" -> 31.0,
"12mm", "ranging from 5 mm to 2.2 cm" -> 22.0, "up to 4.1 cm" -> 41.0, "subcentimeter" (no value).

Prior sizes are marked ``attrs["prior"]``: "previously 2.1 cm, now 2.6 cm" (2.1 prior), "from 1.8 to
2.3 cm" (1.8 prior, 2.3 current), "(prior 12 mm)", "(prev 3.8cm)", "measured 9 mm on the previous study",
read from what precedes a size in its clause or aside, so "now measures 41 mm where previously it was 40 mm"
keeps 41 current; "(pre-examination 19 x 15 mm)"; a bare bracketed size right after a size, "S6 2.2 cm (2.0 cm)"; in a
pipe table, the column header ("Today | Previous | Baseline") or else a size after another size of the row; the second
of a slash pair under a "now / baseline" legend. "more than on prior, largest 8 cm": 'than' makes the prior cue the
study compared with. A "lo - hi" range needs lo <= hi and no label before lo ("Segment 7 - 2.2 cm" is 2.2 cm). Short-axis
node measurements carry ``attrs["short_axis"]``. Which lesion a size belongs to is decided by the
report summariser. Units: mm, cm (also "cms"), millimetres, centimetres. Not handled: areas, volumes, sizes written
without a unit ("2.3 x 1.9").
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc, Span

from pipeline.lexicon import load_lexicon

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, drop_contained, finditer, register
from ._imaging_base import ImagingExtractor
from ._imaging_units import parse_number, parse_size_mm, to_mm
from ._tables import cell_at

_CUES = load_lexicon("lesion_size")

SPEC = ExtractorSpec(name="lesion_size", order=41)

_PRIOR_CUE = _CUES["PRIOR_CUE"]
_CURRENT_CUE = _CUES["CURRENT_CUE"]
#: Words that go with a prior cue rather than cancel it: "previously measuring 40 mm", "previously it was 40 mm".
_PRIOR_VERB = _CUES["PRIOR_VERB"]
#: "2.1 cm previously", "9 mm on the previous study": a cue after the size, unless it introduces the next size
#: ("41 x 35 mm, previously it was 40 x 33 mm": the 40 is the prior one).
_PRIOR_AFTER = _CUES["PRIOR_AFTER"]
#: The identifier of a list item or a segment, never a size: "Segment 7 - 2.2 cm", "seg 4 - 12 mm", "Lesion 2 - 8 mm".
_LABEL_BEFORE = _CUES["LABEL_BEFORE"]
_LIST_JOIN = _CUES["LIST_JOIN"]
#: "S6 2.2 cm (2.0 cm)", "segment 4b 1.4 cm (1.5 cm)": a bare bracketed size right after a size is the prior one.
_PRIOR_BRACKET = _CUES["PRIOR_BRACKET"]
_BRACKET_CLOSE = _CUES["BRACKET_CLOSE"]
#: "more than on prior", "smaller than the previous": the prior cue names the study compared with.
_REFERENCE_STUDY = _CUES["REFERENCE_STUDY"]
_SIZE_IN = re.compile(r"\d\s*-?\s*(?:mm|cm|millimet|centimet)", re.I)


_TABLE_PRIOR_COLUMN = _CUES["TABLE_PRIOR_COLUMN"]
_TABLE_CURRENT_COLUMN = _CUES["TABLE_CURRENT_COLUMN"]
_TABLE_UNIT = _CUES["TABLE_UNIT"]
_TABLE_NOT_SIZE_COLUMN = _CUES["TABLE_NOT_SIZE_COLUMN"]
_TABLE_PLACE_COLUMN = _CUES["TABLE_PLACE_COLUMN"]
#: "measures 18 mm (not 81 mm; transcription error)": the size a correction withdraws
_DENIED_SIZE_BEFORE = _CUES["DENIED_SIZE_BEFORE"]
_TABLE_SIZE_COLUMN = _CUES["TABLE_SIZE_COLUMN"]
_TABLE_NOT_SIZE_ROW = _CUES["TABLE_NOT_SIZE_ROW"]
_BARE_NUMBER_CELL = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:\([^()]*\))?\s*")
#: "Findings (size on CT now / baseline): - Liver S7: 3.0 cm / 3.9 cm": the size after the slash is the baseline one.
_SLASH_LEGEND = _CUES["SLASH_LEGEND"]
_SLASH_BEFORE = _CUES["SLASH_BEFORE"]
_LEGEND_CHARS = 600


def table_prior(text: str, start: int) -> bool | None:
    """True when a size in a cell of a pipe-table row is a prior one (None: not in a table row, or the table does not
    tell: the cell's own words then decide).

    The header of its column decides ("Lesion | Site | Today | Previous | Baseline"); without a header saying which
    study a column is, a size after another size of the row is a prior one ("T1 | Liver S4b | 21 mm | 24 mm")."""
    cell = cell_at(text, start)
    if cell is None:
        return None
    if cell.header is not None and not _SIZE_IN.search(cell.header_row or ""):
        if _TABLE_CURRENT_COLUMN.search(cell.header):
            return None  # the current study's column: what the cell itself says decides ("2.6 cm (prior 12 mm)")
        if _TABLE_PRIOR_COLUMN.search(cell.header):
            return True
    return True if any(_SIZE_IN.search(before) for before in cell.before) else None


_ISO_DATE = re.compile(r"^\s*((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?\s*$")
_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})/((?:19|20)\d\d)\s*$")


def _column_date(header: str) -> tuple[int, int, int] | None:
    """A header cell that is a date ('2025-03-14', '2025-03', '03/2025'), as (year, month, day)."""
    iso = _ISO_DATE.match(header)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3) or 0)
    month_year = _MONTH_YEAR.match(header)
    return (int(month_year.group(2)), int(month_year.group(1)), 0) if month_year else None


def _dated_columns(cell) -> bool | None:
    """For a column headed by a date in a header row of two or more dates: whether the column is an earlier study's
    (not the latest date); None when the header is no such date."""
    own = _column_date(cell.header or "")
    if own is None or cell.header_row is None:
        return None
    headers = cell.header_row.split("|")
    if any(_TABLE_CURRENT_COLUMN.search(h) for h in headers):
        return True  # "Today | 03/2025 | 12/2024": every dated column is an earlier study's
    dates = [d for d in (_column_date(h) for h in headers) if d is not None]
    return own < max(dates) if len(dates) >= 2 else None


def table_cell_size(text: str, start: int, number: str) -> tuple[float, bool] | None:
    """(size in mm, prior) of a bare number filling a table cell, when the column header or, for a column of sizes or
    of a study, the table's title names the unit ("Today (mm)"; "TARGET LESIONS (longest diameter), mm" over
    "Baseline | Nadir | Today"); None for any other number (an SUV, an image number, a row of sums)."""
    cell = cell_at(text, start)
    if cell is None or cell.header is None or _TABLE_NOT_SIZE_COLUMN.search(cell.header):
        return None
    if cell.before and _TABLE_NOT_SIZE_ROW.match(cell.before[0]):
        return None  # "Sum | 94 | 72 | 76"
    unit = _TABLE_UNIT.search(cell.header)
    if unit is None and (_TABLE_SIZE_COLUMN.search(cell.header) or _TABLE_CURRENT_COLUMN.search(cell.header)
                         or _TABLE_PRIOR_COLUMN.search(cell.header)):
        unit = _TABLE_UNIT.search(cell.title)
    if unit is None:
        return None
    if _TABLE_CURRENT_COLUMN.search(cell.header):
        prior = False
    elif _TABLE_PRIOR_COLUMN.search(cell.header):
        prior = True
    elif (dated := _dated_columns(cell)) is not None:
        prior = dated  # "| Lesion | 2025-03-14 | 2025-09-02 | 2026-02-20 |": only the latest date's column is today's
    else:  # "Today (mm) | 2025-03 | Baseline": a size after another of the row is an earlier study's (not after a
        # segment or a lesion number: "| 2 | 6 | 14 |" under "# | Segment | Size (mm)")
        headers = cell.header_row.split("|") if cell.header_row is not None else []
        prior = any((_BARE_NUMBER_CELL.fullmatch(before) or _SIZE_IN.search(before))
                    and not (j < len(headers) and _TABLE_PLACE_COLUMN.search(headers[j]))
                    for j, before in enumerate(cell.before) if j > 0)
    return to_mm(parse_number(number), unit.group("unit").lower()), prior


def is_prior_size(text: str, start: int, end: int) -> bool:
    """Whether the size at text[start:end] is a prior measurement.

    Read from what precedes the size in its clause: 'previously 2.1 cm, now 2.6 cm' -> 2.1 prior, 2.6 current;
    '2.6 cm (prior 12 mm)' -> 12 mm prior; 'now measures 41 mm where previously it was 40 mm' -> 41 current,
    40 prior; and from a cue right after it that introduces no size of its own: '9 mm on the previous study',
    '10 mm previously' -> prior.
    """
    in_table = table_prior(text, start)
    if in_table is not None:
        return in_table
    if _SLASH_BEFORE.search(text, max(0, start - 5), start) and _SLASH_LEGEND.search(text, max(0, start - _LEGEND_CHARS), start):
        return True  # "size on CT now / baseline ... 3.0 cm / 3.9 cm": the second of the pair is the baseline
    if _PRIOR_BRACKET.search(text, max(0, start - 20), start) and _BRACKET_CLOSE.match(text, end):
        return True  # "S6 2.2 cm (2.0 cm)": a bare size in brackets after the current one is the prior one
    window = text[max(0, start - 60):start]
    cut = max(window.rfind(". "), window.rfind("\n"), window.rfind(";"))
    window = window[cut + 1:]
    opened, closed = window.rfind("("), window.rfind(")")
    if opened > closed:
        window = window[opened + 1:]  # inside an aside: "(prior 12 mm)", "(was 9 mm)"
        listed = list(_SIZE_IN.finditer(window))
        lead = _PRIOR_CUE.match(window.lstrip())
        if listed and lead and _LIST_JOIN.match(window[listed[-1].end():]):
            return True  # "(previously 24 mm and 19 mm)": every size of a prior aside is prior
    elif closed >= 0:
        window = window[closed + 1:]  # "SUVmax 11.2 (previously 26.5), 1.6 cm": the aside has ended
    sizes = list(_SIZE_IN.finditer(window))
    if sizes:
        window = window[sizes[-1].end():]  # a cue before an earlier size was that size's
    last_prior = None
    for m in _PRIOR_CUE.finditer(window):
        last_prior = m
    if last_prior is not None:
        between = window[last_prior.end():]
        if _REFERENCE_STUDY.search(window, 0, last_prior.start()) and not _PRIOR_VERB.match(between):
            pass  # "more than on prior, largest conglomerate 8 cm": the study compared with, not a prior size
        elif _PRIOR_VERB.match(between) or not _CURRENT_CUE.search(between):
            return True
    return bool(_PRIOR_AFTER.match(text, end))


_DISTANCE = _CUES["DISTANCE"]
_WITHIN = _CUES["WITHIN"]
_LIST_LEAD_NOT_SIZE = _CUES["LIST_LEAD_NOT_SIZE"]
_LIVER_MEASURE_BEFORE = _CUES["LIVER_MEASURE_BEFORE"]
#: "dilatation of the segment 2 and 3 ducts upstream (to 4 mm)", "CBD 8 mm": a duct's calibre
_DUCT_MEASURE_BEFORE = _CUES["DUCT_MEASURE_BEFORE"]
_SUM_OF_DIAMETERS_BEFORE = _CUES["SUM_OF_DIAMETERS_BEFORE"]
_SHORT_AXIS = _CUES["SHORT_AXIS"]
_BOUND_BEFORE = _CUES["BOUND_BEFORE"]
_RANGE_LEAD = _CUES["RANGE_LEAD"]


def _plausible(text: str, match: re.Match[str], rule) -> bool:
    """A range needs a lower bound that is no label ("segment 7 - 2.2 cm") and not above its upper bound."""
    if rule.attrs.get("kind") != "range" or "lo" not in match.re.groupindex:
        return True
    if _LABEL_BEFORE.search(text[max(0, match.start("lo") - 12):match.start("lo")]):
        return False
    unit = match.group("unit")
    lo = to_mm(parse_number(match.group("lo")), match.groupdict().get("lounit") or unit)
    hi = to_mm(parse_number(match.group("hi")), unit)
    return lo <= hi


class LesionSizeExtractor(ImagingExtractor):
    """Sizes in mm; a later rule's match inside an earlier rule's ('2.3 cm' in 'from 1.8 to 2.3 cm') is skipped.

    (Span extensions are keyed by offsets and label, so two spans over the same characters would share values.)
    """

    def matches(self, text: str, rules, lower=None, hits=None):
        covered: list[tuple[int, int]] = []
        for rule in rules:
            mine = []
            for match in finditer(rule, text, lower, self.starts_of(rule, lower, hits)):
                s, e = match.span()
                if any(s < ce and cs < e for cs, ce in covered):
                    continue
                if not _plausible(text, match, rule):
                    continue  # "Segment 7 - 2.2 cm" is no range 7-2.2 cm: the later rules read the 2.2 cm
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
            if _DISTANCE.match(text, end) or _WITHIN.search(text[max(0, start - 45):start]):
                return []  # "lies 14 mm from the right hepatic vein", "within 5 mm of the IVC": a distance, not a size
            window = text[max(0, start - 60):start].lower()
            if "sum" in text[max(0, start - 120):start].lower() and _SUM_OF_DIAMETERS_BEFORE.search(
                    text, max(0, start - 120), start):
                return []  # "Sum of diameters 5.0 cm versus 5.2 cm": RECIST's sum, not a lesion
            if ("liver" in window or "hepatomegaly" in window) and _LIVER_MEASURE_BEFORE.search(text, max(0, start - 60), start):
                return []  # "The liver is enlarged, measuring 21 cm": the organ's size, not a lesion's
            if ("duct" in window or "cbd" in window or "chd" in window or "choledoch" in window or "biliary" in window) \
                    and _DUCT_MEASURE_BEFORE.search(text, max(0, start - 60), start):
                return []  # "mild dilatation of the segment 2 and 3 bile ducts upstream (to 4 mm)": a duct's calibre
            return [self._finding(text, start, end, value, kind)]
        if kind == "table_cell":  # "| 41 x 35 |" under "Size today (mm)": the largest dimension
            largest = max(re.findall(r"\d{1,3}(?:\.\d{1,2})?", match.group("hi") + match.group("more")), key=float)
            read = table_cell_size(text, match.start("hi"), largest)
            if read is None or read[0] <= 0:
                return []
            return [Finding(match.start("hi"), match.end("more") if match.group("more") else match.end("hi"), "SIZE",
                            value_num=read[0], value_unit="mm", attrs={"kind": kind, "prior": read[1]})]
        unit = match.group("unit")
        if kind == "list":  # "measuring 1.9 and 1.4 cm": every number in the unit after the last
            if _LIST_LEAD_NOT_SIZE.search(text, max(0, match.start() - 12), match.start()):
                return []  # "2.4 cm in segment 7 and 1.1 cm": the 7 is a segment, not a size
            values = [to_mm(parse_number(n), unit)
                      for n in re.findall(r"\d+(?:[.,]\d+)?", text[match.start():match.start("unit")])]
            return [self._finding(text, *match.span(), max(values), kind, lo=min(values))]
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
        attrs = {"kind": kind, "prior": is_prior_size(text, start, end) or bool(_DENIED_SIZE_BEFORE.search(text, max(0, start - 8), start))}
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

"""Tables aligned with spaces, read as pipe tables.

Follow-up and trial reports often lay out their lesions in a table whose columns are aligned with
runs of spaces, not separated by '|'::

    #   Location              Baseline   Nadir   Today
    T1  Liver segment VII     45         36      38

The extractors read pipe tables (a row's cells, the header naming which column is today's and which
are priors). :func:`pipe_aligned_tables` rewrites such a block as a pipe table *of the same length*:
each run of two or more spaces between cells becomes the same number of characters with one '|' in
it, so every character offset still points at the same character of the report. The NLP pipeline
reads the rewritten text; the mentions table quotes the report's own text (``pipeline/harvest.py``).

A block is at least :data:`MIN_ROWS` consecutive lines that each hold at least :data:`MIN_GAPS` such
runs between cells. Prose never does: a single wide gap ("Accession: 123    Received: 2025-01-02") or
a lone aligned line is left alone.
"""
from __future__ import annotations

import re

#: lines a block needs (a header and at least two rows, or three rows)
MIN_ROWS = 3
#: runs of 2+ spaces between cells that a line needs to be a table row
MIN_GAPS = 2
_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")


def _gaps(line: str) -> list[re.Match[str]]:
    return [] if "|" in line or "\t" in line else list(_GAP.finditer(line))


def pipe_aligned_tables(text: str) -> str:
    """``text`` with its space-aligned tables written as pipe tables, every offset unchanged."""
    if "  " not in text:
        return text
    lines = text.split("\n")
    rows = [len(_gaps(line)) >= MIN_GAPS for line in lines]
    out = list(lines)
    i = 0
    while i < len(lines):
        if not rows[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and rows[j]:
            j += 1
        if j - i >= MIN_ROWS:
            for k in range(i, j):
                out[k] = _piped(lines[k])
        i = j
    return "\n".join(out)


def _piped(line: str) -> str:
    """The line with each run of 2+ spaces between cells replaced by a run of the same length holding '|'."""
    def bar(match: re.Match[str]) -> str:
        n = len(match.group(0))
        return " " * ((n - 1) // 2) + "|" + " " * (n - 1 - (n - 1) // 2)
    return _GAP.sub(bar, line)


#: a dotted leader between a field's name and its value ("Margins ........ Uninvolved by tumour"): at least four dots
_LEADER = re.compile(r"(?<=[A-Za-z0-9)\]])[ \t]*\.{4,}[ \t.]*(?=\S)")
#: an equals sign after a field's name at the start of a line ("Ki67 = 7 %", "Specimen = liver, segment 8")
_EQUALS_FIELD = re.compile(r"(?m)^([ \t]*[A-Za-z][A-Za-z0-9 ()/&,-]{0,40}?[A-Za-z0-9)])( = )(?=\S)")


def colon_fields(text: str) -> str:
    """``text`` with the separators of a form's fields written as a colon *of the same length*: a dotted leader
    ("Margins ........ Uninvolved" -> "Margins:         Uninvolved") and a " = " after a field name at the start of a
    line ("Ki67 = 7 %" -> "Ki67:   7 %"), so that both read like "Margins: Uninvolved"."""
    if "...." in text:
        text = _LEADER.sub(lambda m: ":" + " " * (len(m.group(0)) - 1), text)
    if " = " in text:
        text = _EQUALS_FIELD.sub(lambda m: m.group(1) + ":  ", text)
    return text

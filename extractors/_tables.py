"""Where a character sits in a pipe table: its column, the column's header cell and the table's title.

Reports tabulate lesions ("Lesion | Segment | Today (mm) | Baseline"), and space-aligned tables reach the
extractors as pipe tables of the same length (``pipeline/aligned_tables.py``). A cell's meaning then lives
outside the cell: a bare "27" is a size in mm because its column header says "Today (mm)" or the title above
the table says "..., mm"; a bare "VIII" is a liver segment because its column is "Segment". The extractors ask
:func:`cell_at` and read the header and title with their own cue words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: non-table lines above the header read as the table's title (up to a blank line)
TITLE_LINES = 2

_SEPARATOR = re.compile(r"[\s|:+=-]*")


@dataclass(frozen=True)
class Cell:
    """A pipe-table cell: its column (0 = before the first pipe), its row's earlier cells, the table's header row
    (its top line; None when this row is the top line), the header's cell of the same column (None also when the
    header has fewer cells) and the title (the lines just above the table)."""

    column: int
    before: tuple[str, ...]  # the row's cells before this one
    header_row: str | None
    header: str | None
    title: str


def table_header(text: str, line_start: int) -> tuple[int, int] | None:
    """(start, end) of the header row of the pipe table whose row begins at ``line_start``: the topmost line, rule
    lines ("|---|---|") aside, of the unbroken run of lines with a "|" above it; None when no such line is above."""
    header: tuple[int, int] | None = None
    pos_above = line_start
    while pos_above > 0:
        above_start = text.rfind("\n", 0, pos_above - 1) + 1
        if "|" not in text[above_start:pos_above - 1]:
            break
        if not _SEPARATOR.fullmatch(text, above_start, pos_above - 1):
            header = (above_start, pos_above - 1)
        pos_above = above_start
    return header


def cell_at(text: str, pos: int) -> Cell | None:
    """The cell holding character ``pos``, None when its line is no pipe-table row."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    row = text[line_start:len(text) if line_end < 0 else line_end]
    if "|" not in row:
        return None
    bounds = table_header(text, line_start)
    header = text[bounds[0]:bounds[1]] if bounds is not None else None
    top = bounds[0] if bounds is not None else line_start
    title_lines: list[str] = []
    end = top - 1
    for _ in range(TITLE_LINES):
        if end <= 0:
            break
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if not line.strip() or "|" in line:
            break
        title_lines.insert(0, line)
        end = start - 1
    column = text.count("|", line_start, pos)
    cells = header.split("|") if header is not None else []
    return Cell(column, tuple(text[line_start:pos].split("|")[:-1]), header,
                cells[column] if column < len(cells) else None, "\n".join(title_lines))

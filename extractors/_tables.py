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

#: lines looked at above a row for its header (the top of the block of table lines)
HEADER_LINES = 20
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


def cell_at(text: str, pos: int) -> Cell | None:
    """The cell holding character ``pos``, None when its line is no pipe-table row."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    row = text[line_start:len(text) if line_end < 0 else line_end]
    if "|" not in row:
        return None
    header: str | None = None
    top = line_start
    pos_above = line_start
    for _ in range(HEADER_LINES):
        if pos_above == 0:
            break
        above_start = text.rfind("\n", 0, pos_above - 1) + 1
        above = text[above_start:pos_above - 1]
        if "|" not in above:
            break
        if not _SEPARATOR.fullmatch(above):
            header, top = above, above_start
        pos_above = above_start
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

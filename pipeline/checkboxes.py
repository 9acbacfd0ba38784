"""Checklist options left unticked, blanked before the NLP reads the text.

Synoptic checklists (CAP-style) print every option of a field and tick the chosen one::

    Histologic Grade:
    ___ G1
    _X_ G2
    Tumor Site:  _X_ Pancreatic tail   ___ Pancreatic body   ___ Pancreatic head

Only the ticked option is a statement; an unticked "___ G3" or "[ ] Poorly differentiated
neuroendocrine carcinoma" says nothing. :func:`blank_unticked_options` replaces each unticked
option (its box and its text, up to the next box or the end of the line) with spaces, and each
ticked box too ("_X_ G2" reads "    G2", "Tumor Site:  _X_ Pancreatic tail" reads as a field), at the same
length, so every character offset still points into the report's own text. A text with no ticked
box is left alone: a lone "___" is a blank to fill in, not an option.
"""
from __future__ import annotations

import re

#: a ticked box: "_X_", "[X]", "(x)", "☒", "☑", "✓"
_TICKED = r"(?:_[xX✓✔]_|\[\s?[xX✓✔]\s?\]|\(\s?[xX✓✔]\s?\)|[☒☑✓✔])"
#: an empty box: "___", "[ ]", "( )", "☐"
_EMPTY = r"(?:_{2,4}(?!_)|\[\s?\]|\(\s?\)|☐)"
_HAS_TICK = re.compile(_TICKED)
#: an empty box at the start of a line or after a space, then its option's text up to the next box
_UNTICKED_OPTION = re.compile(
    rf"(?:(?<=\n)|(?<=^)|(?<=\s))[ \t]*{_EMPTY}[ \t]+(?=[^\s_])[^\n]*?(?=[ \t]*(?:{_TICKED}|{_EMPTY})|[ \t]*$|[ \t]*\n)",
    re.MULTILINE)


def blank_unticked_options(text: str) -> str:
    """``text`` with the unticked options of its checklists blanked out, every offset unchanged."""
    if "_" not in text and "[" not in text and "(" not in text and "☐" not in text:
        return text
    if not _HAS_TICK.search(text):
        return text
    text = _UNTICKED_OPTION.sub(lambda m: " " * len(m.group(0)), text)
    return _HAS_TICK.sub(lambda m: " " * len(m.group(0)), text)  # "_X_ G2" reads "    G2"

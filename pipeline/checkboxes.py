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

from .markup import as_spaces

#: a ticked box: "_X_", "[X]", "(x)", "☒", "☑", "✓"
_TICKED = r"(?:_[xX✓✔]_|\[\s?[xX✓✔]\s?\]|\(\s?[xX✓✔]\s?\)|[☒☑✓✔])"
#: an empty box: "___", "[ ]", "( )", "☐"
_EMPTY = r"(?:_{2,4}(?!_)|\[\s?\]|\(\s?\)|☐)"
_HAS_TICK = re.compile(_TICKED)
#: a field's exact value after its options, on their line: "... [ ] >20%   Specify: 9%" (no option's text)
_SPECIFY_NEXT = r"[ \t]+(?i:specify)\b"
#: an empty box at the start of a line or after a space, then its option's text up to the next box (or "Specify")
_UNTICKED_OPTION = re.compile(
    rf"(?:(?<=\n)|(?<=^)|(?<=\s))[ \t]*{_EMPTY}[ \t]+(?=[^\s_])[^\n]*?(?=[ \t]*(?:{_TICKED}|{_EMPTY})|{_SPECIFY_NEXT}|[ \t]*$|[ \t]*\n)",
    re.MULTILINE)


#: a ticked box and its option's text, up to the next box or the end of the line
_TICKED_OPTION = re.compile(rf"{_TICKED}[ \t]*(?P<option>[^\n]*?)(?=[ \t]*(?:{_TICKED}|{_EMPTY})|{_SPECIFY_NEXT}|[ \t]*$|[ \t]*\n)",
                            re.MULTILINE)
#: the label of a field's exact value: "Specify: 9%", "Specify (exact): 3 mitoses/2 mm2"
_SPECIFY_LABEL = re.compile(r"\bspecify\b[^:\n]{0,30}:[ \t]*(?=[<>~]?[ \t]*\d)", re.IGNORECASE)
#: a line of the same field after the ticked one: another option (blank once unticked options are), or the value's
_OPTION_OR_SPECIFY_LINE = re.compile(rf"[ \t]*(?:{_TICKED}|{_EMPTY}|specify\b|$)", re.IGNORECASE)


def blank_unticked_options(text: str) -> str:
    """``text`` with the unticked options of its checklists blanked out, every offset unchanged."""
    if "_" not in text and "[" not in text and "(" not in text and "☐" not in text:
        return text
    if not _HAS_TICK.search(text):
        return text
    text = _blank_specified_bands(_UNTICKED_OPTION.sub(as_spaces, text))
    return _HAS_TICK.sub(as_spaces, text)  # "_X_ G2" reads "    G2"


def _blank_specified_bands(text: str) -> str:
    """A ticked band whose field also gives its exact value ("Ki-67 Labeling Index: [ ] <3% [x] 3%-20% [ ] >20%
    Specify: 9%", the same with the options and the value on lines of their own) is the grading band the value falls
    in, not a value: the band and the "Specify:" label are blanked, so "Ki-67 Labeling Index: ... 9%" is read."""
    if "pecif" not in text and "PECIF" not in text:
        return text
    chars = None
    for option in _TICKED_OPTION.finditer(text):
        if not any(c.isdigit() for c in option.group("option")):
            continue  # "[x] G2": a statement, not a band
        line_end = text.find("\n", option.end())
        line_end = len(text) if line_end < 0 else line_end
        specify = _SPECIFY_LABEL.search(text, option.end(), line_end)
        at = line_end
        lines = 0
        while specify is None and at < len(text) and lines < 4:  # the field's next lines: more options, the value
            nxt = text.find("\n", at + 1)
            nxt = len(text) if nxt < 0 else nxt
            if not _OPTION_OR_SPECIFY_LINE.match(text, at + 1, nxt):
                break
            specify = _SPECIFY_LABEL.search(text, at + 1, nxt)
            at, lines = nxt, lines + 1
        if specify is None:
            continue
        if chars is None:
            chars = list(text)
        for start, end in (option.span(), specify.span()):
            chars[start:end] = " " * (end - start)
    return text if chars is None else "".join(chars)

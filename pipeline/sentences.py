"""A fast rule-based sentence splitter for report text (replaces PyRuSH).

Boundaries are found with regular expressions over the text, then set on the tokens in one
array write (no Python loop over tokens):

* always at a blank line;
* at a line break when the next line opens with a capital, a digit or a bullet (unless, in a
  hard-wrapped text, the full line before ends in a word that needs its continuation: see
  :func:`wrapped_line_ends`), or the line before ended in ``. ! ? : ;`` (a line continuing in lower
  case is wrapped text, same sentence);
* at a line break before a field label in lower case ("hx: ...", "liver: no focal lesion.");
* at a line break before a lower-case line in a text that is not hard-wrapped (dictation with one
  finding per line and no punctuation: "no new liver lesions" / "pancreas tail primary 2.9 cm"),
  unless the line before ends in a word that needs its continuation ("and", "of", "with", ...):
  see :func:`dictated_line_starts`;
* after ``.``/``!``/``?`` plus spaces when the next word opens with a capital, digit or bullet (or
  with any letter in a text written all in lower case),
  except after abbreviations ("approx.", "Dr.", "e.g.", single initials) and numbered-list
  markers ("IMPRESSION: 1. Liver ...").

Sentences are what ConText scopes over, so splitting a little too often is safer than too rarely.
"""
from __future__ import annotations

import re
from bisect import bisect_left

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extractors._base import doc_text

ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "vs", "approx", "e.g", "i.e", "eg", "ie", "fig", "st", "no", "nos",
    "cf", "ca", "incl", "max", "min", "resp", "sig", "prof", "etc", "ref", "seg", "segs",
})
_OPENER = r"[A-Z0-9\u2022\u00b7\-\*\(\[#\u2013\u2014|]"
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*(?=\S)")
_LINE_AFTER_PUNCT = re.compile(r"(?<=[.!?:;])[ \t\r]*\n\s*(?=\S)")
_LINE_OPENER = re.compile(r"\n\s*(?=" + _OPENER + ")")
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=" + _OPENER + ")")
#: in a text written all in lower case ("liver: the segment 5 metastasis ... is no longer visible. the segment 4a
#: metastasis has decreased"), a sentence may open with a small letter
_SENTENCE_END_LOWER = re.compile(r"(?<=[.!?])[ \t]+(?=[a-z]|" + _OPENER + ")")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+|\d{1,2})\.$")
#: a " | " between two fields of a line (not a table's cell border at a line's start or end)
_FIELD_PIPE = re.compile(r"(?<=\S)[ \t]+\|[ \t]+(?=[^\s|])")
#: a line opening with a field label in lower case ("hx: ...", "liver: no focal lesion."): a new sentence, as a
#: capitalised one would be
_LABEL_LINE = re.compile(r"\n[ \t]*(?=[a-z][a-z/-]{1,15}(?:[ \t][a-z/-]{1,15}){0,2}[ \t]*:(?:[ \t]|$))")
_LOWER_LINE = re.compile(r"(?<![.!?:;\s])[ \t\r]*\n[ \t]*(?=[a-z])")
#: a line ending in one of these words continues on the next line, hard-wrapped or not
_CONTINUED = re.compile(r"(?:\b(?:and|or|nor|but|of|with|without|the|a|an|to|in|into|on|at|by|for|from|"
                        r"as|than|is|are|was|were|be|been|measuring|measures|demonstrating|showing|"
                        r"which|that|including|involving|within|between|per|versus|vs|since|until|after|during|"
                        r"approximately|approx|about|via|toward|towards|through|near|along|across|around|beyond|"
                        r"behind|beside|among|despite|unlike|except)|[,\-/&+(])$", re.I)
#: a text is hard-wrapped when at least this many lines reach WRAPPED_SHARE of its longest line
WRAPPED_LINES = 2
WRAPPED_SHARE = 0.8
#: the narrowest width a paragraph is wrapped at (report systems wrap at 60-100 characters)
WRAP_MIN_WIDTH = 50


def _after_abbreviation_or_marker(text: str, dot: int) -> bool:
    """True when the full stop ending at ``dot`` closes an abbreviation or a list marker."""
    if text[dot] != ".":
        return False
    line_start = text.rfind("\n", 0, dot) + 1
    m = _WORD_BEFORE.search(text, max(line_start, dot - 12), dot + 1)
    if not m:
        return False
    word = m.group(1).lower()
    if word.isdigit():  # "1." opening a line, or after a header colon/comma: a numbered item
        before = text[line_start:m.start()].strip()
        return before == "" or before.endswith((":", ","))
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def hard_wrapped(lines: list[str]) -> bool:
    """Whether the text was wrapped at a fixed width: :data:`WRAPPED_LINES` lines or more (not
    counting the last) come within :data:`WRAPPED_SHARE` of the longest line. Dictated one-line
    findings vary in length, so only one line, at most, is near the longest."""
    if len(lines) <= WRAPPED_LINES:
        return True  # too few lines to tell: keep lower-case lines joined, as before
    widths = [len(line.rstrip()) for line in lines[:-1]]
    longest = max(widths)
    return sum(width >= WRAPPED_SHARE * longest for width in widths) >= WRAPPED_LINES


def dictated_line_starts(text: str) -> list[int]:
    """Offsets of lower-case lines that start a new sentence in a text that is not hard-wrapped:
    the line before ends without punctuation and without a word that needs its continuation."""
    if "\n" not in text:
        return []
    matches = list(_LOWER_LINE.finditer(text))
    if not matches or hard_wrapped(text.split("\n")):
        return []
    return [m.end() for m in matches if not _CONTINUED.search(text, max(0, m.start() - 16), m.start())]


def wrapped_line_ends(text: str) -> set[int]:
    """Offsets of the line breaks of a hard-wrapped text that fall inside a sentence: the line before is full (within
    :data:`WRAPPED_SHARE` of the longest) and ends in a word that needs its continuation ("... performed at your
    hospital on" / "16 June 2025."; "... of the ileum," / "Ki-67 4%, WHO grade 2."), or the next line opens with a bracket
    of its last words ("... and segment 8" / "(30 mm).")."""
    lines = text.split("\n")
    if len(lines) <= WRAPPED_LINES + 1 or not hard_wrapped(lines):
        return set()
    longest = max(len(line.rstrip()) for line in lines[:-1])
    if longest < WRAP_MIN_WIDTH:
        return set()  # short field lines ("Nodes: 0/12,") are a list, not a paragraph wrapped at a width
    out, at = set(), 0
    for i, line in enumerate(lines[:-1]):
        at += len(line) + 1
        body = line.rstrip()
        if len(body) >= WRAPPED_SHARE * longest and (_CONTINUED.search(body, max(0, len(body) - 16))
                                                     or (_BRACKET_GOES_ON.match(lines[i + 1]) and not body.endswith(
                                                         (".", "!", "?", ":", ";")))):
            out.add(at - 1)
    return out


#: a wrapped line that opens with the bracket of the words before it: "... segment 6 (12 mm) and segment 8" / "(30 mm)."
_BRACKET_GOES_ON = re.compile(r"[ \t]*\((?:\d+(?:[.,]\d+)?\s*(?:mm|cm|%)|[a-z])")


def field_pipe_starts(text: str) -> list[int]:
    """Offsets after the " | " separating fields of a one-line record ("CT AP 13/09/2022 | hx duodenal NET, s/p Whipple
    2018 | Liver: 4 new mets ... | Nodes: n/enlarged | PD"): each field is a sentence of its own. A line whose neighbours
    hold pipes too is a table row, left as it is."""
    if "|" not in text:
        return []
    lines = text.split("\n")
    out, at = [], 0
    for i, line in enumerate(lines):
        if "|" in line and not (i and "|" in lines[i - 1]) and not (i + 1 < len(lines) and "|" in lines[i + 1]):
            out.extend(at + m.end() for m in _FIELD_PIPE.finditer(line))
        at += len(line) + 1
    return out


def boundary_offsets(text: str) -> set[int]:
    """Character offsets where a new sentence starts (besides offset 0)."""
    starts = {m.end() for m in _BLANK_LINE.finditer(text)}
    starts.update(field_pipe_starts(text))
    starts.update(dictated_line_starts(text))
    starts.update(m.end() for m in _LINE_AFTER_PUNCT.finditer(text))
    starts.update(m.end() for m in _LABEL_LINE.finditer(text))  # "hx: pancreatic NET ..." in a lower-case report
    openers = list(_LINE_OPENER.finditer(text))
    wrapped: set[int] = set()
    if any(_CONTINUED.search(text, max(0, m.start() - 16), m.start()) or text.startswith("(", m.end()) for m in openers):
        wrapped = wrapped_line_ends(text)  # only when some line before a capital ends in a continuing word (or a "(" opens it)
    starts.update(m.end() for m in openers if m.start() not in wrapped)
    ends = _SENTENCE_END_LOWER if text.islower() else _SENTENCE_END
    for m in ends.finditer(text):
        if not _after_abbreviation_or_marker(text, m.start() - 1):
            starts.add(m.end())
    return starts


@Language.component("nelm_sentences")
def split_sentences(doc: Doc) -> Doc:
    n = len(doc)
    if n == 0:
        return doc
    idx = doc.to_array("IDX").tolist()
    flags = numpy.full((n, 1), -1, dtype="int32")
    flags[0, 0] = 1
    for offset in boundary_offsets(doc_text(doc)):
        i = bisect_left(idx, offset)
        if 0 < i < n and idx[i] == offset:
            flags[i, 0] = 1
    doc.from_array([SENT_START], flags.astype("uint64"))
    return doc

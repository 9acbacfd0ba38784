"""A fast rule-based sentence splitter for report text (replaces PyRuSH).

Boundaries are found with regular expressions over the text, then set on the tokens in one
array write (no Python loop over tokens):

* always at a blank line;
* at a line break when the next line opens with a capital, a digit or a bullet, or the line
  before ended in ``. ! ? : ;`` (a line continuing in lower case is wrapped text, same sentence);
* after ``.``/``!``/``?`` plus spaces when the next word opens with a capital, digit or bullet,
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
_OPENER = r"[A-Z0-9\u2022\u00b7\-\*\(\[#\u2013\u2014]"
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*(?=\S)")
_LINE_AFTER_PUNCT = re.compile(r"(?<=[.!?:;])[ \t\r]*\n\s*(?=\S)")
_LINE_OPENER = re.compile(r"\n\s*(?=" + _OPENER + ")")
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=" + _OPENER + ")")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+|\d{1,2})\.$")


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


def boundary_offsets(text: str) -> set[int]:
    """Character offsets where a new sentence starts (besides offset 0)."""
    starts = {m.end() for m in _BLANK_LINE.finditer(text)}
    starts.update(m.end() for m in _LINE_AFTER_PUNCT.finditer(text))
    starts.update(m.end() for m in _LINE_OPENER.finditer(text))
    for m in _SENTENCE_END.finditer(text):
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

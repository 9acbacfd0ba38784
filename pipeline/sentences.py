"""A fast rule-based sentence splitter for report text (replaces PyRuSH).

Boundaries: the start of the text; after ``.``/``!``/``?`` when the next token starts with a
capital, a digit or a bullet (not after abbreviations such as "approx." or "Dr."); at a line
break when the next line starts with a capital, digit or bullet, or the line before ended in
punctuation or a colon; always at a blank line. A line that continues in lower case stays in the
sentence (wrapped text). Sentences are what ConText scopes over, so splitting a little too often
is safer than too rarely.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "vs", "approx", "e.g", "i.e", "eg", "ie", "fig", "st", "no", "nos",
    "cf", "ca", "incl", "max", "min", "resp", "sig", "prof", "etc",
})
END_PUNCT = frozenset({".", "!", "?"})
LINE_END_PUNCT = frozenset({".", "!", "?", ":", ";"})
BULLETS = frozenset({"-", "*", "•", "·", "(", "#", "–", "—", "["})
MAX_SENTENCE_TOKENS = 250


def _opens(text: str) -> bool:
    first = text[0]
    return first.isupper() or first.isdigit() or first in BULLETS


@Language.component("nelm_sentences")
def split_sentences(doc: Doc) -> Doc:
    prev = None  # last non-space token
    newline_gap = 0  # newlines seen since prev
    run = 0
    for token in doc:
        if token.i == 0:
            token.is_sent_start = True
            run = 0
            prev = None if token.is_space else token
            newline_gap = token.text.count("\n") if token.is_space else 0
            continue
        if token.is_space:
            token.is_sent_start = False
            newline_gap += token.text.count("\n")
            continue
        newline_gap += doc[token.i - 1].whitespace_.count("\n")
        start = False
        if prev is not None:
            ptext = prev.text
            if newline_gap >= 2:
                start = True
            elif newline_gap == 1:
                start = _opens(token.text) or ptext in LINE_END_PUNCT or ptext.endswith(":")
            elif ptext in END_PUNCT and _opens(token.text):
                before = doc[prev.i - 1].lower_ if prev.i > 0 else ""
                start = not (before in ABBREVIATIONS or (len(before) == 1 and before.isalpha())
                             or _is_list_marker(doc, prev.i - 1))
        run += 1
        if run >= MAX_SENTENCE_TOKENS and ptext_ends_clause(prev):
            start = True
        token.is_sent_start = start
        if start:
            run = 0
        prev = token
        newline_gap = 0
    return doc


def _is_list_marker(doc: Doc, i: int) -> bool:
    """'1.' opening a line (numbered impression item) is not a sentence end."""
    if i < 0 or not doc[i].text.isdigit() or len(doc[i].text) > 2:
        return False
    if i == 0:
        return True
    before = doc[i - 1]
    return "\n" in before.text or "\n" in before.whitespace_ or before.text in {":", ","}


def ptext_ends_clause(token: object) -> bool:
    text = getattr(token, "text", "")
    return text in {",", ";", ":", "."}

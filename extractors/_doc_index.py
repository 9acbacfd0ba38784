"""Per-doc lookups computed once (O(n)): sentence bounds, sections and organ words by character.

``Token.sent`` re-checks sentence annotation over the whole doc on every call, so span-by-span
``doc[i].sent`` is quadratic in report length; the imaging extractors use this index instead.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ._base import doc_text as _base_doc_text
from ._base import sentence_offsets, token_section

from ._imaging_units import ocr_clean, organ_matches

_KEY = "nelm_doc_index"
_TEXT_KEY = "nelm_imaging_text"


@dataclass(frozen=True)
class Sentence:
    """A sentence by character offsets, with its first token and section category."""

    start_char: int
    end_char: int
    start: int  # first token index
    section: str | None
    text: str


class DocIndex:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        text = doc_text(doc)
        has_sections = doc[0].has_extension("section_category") if len(doc) else False
        self.sentences: list[Sentence] = []
        for start, _, start_char, end_char in sentence_offsets(doc):  # doc.sents, without Span objects
            section = _category(token_section(doc, start_char)) if has_sections else None  # sent[0]._.section_category
            self.sentences.append(Sentence(start_char, end_char, start, section, text[start_char:end_char]))
        self.sentences = _end_one_line_sections(self.sentences, text)
        self._starts = [s.start_char for s in self.sentences]
        self.organs = organ_matches(text)
        self._organ_starts = [o[0] for o in self.organs]

    @classmethod
    def of(cls, doc: Doc) -> "DocIndex":
        """The doc's index, built on first use (and rebuilt if the doc changed length)."""
        index = doc.user_data.get(_KEY)
        if index is None or len(index.doc) != len(doc):
            index = cls(doc)
            doc.user_data[_KEY] = index
        return index

    def sentence_at(self, char: int) -> int:
        """Index of the sentence holding character `char`."""
        return max(0, bisect_right(self._starts, char) - 1)

    def sentence(self, span: Span) -> Sentence:
        return self.sentences[self.sentence_at(span.start_char)]

    def sentence_no(self, span: Span) -> int:
        return self.sentence_at(span.start_char)

    def organs_in(self, sent: Sentence) -> list[tuple[int, int, str]]:
        """Organ words inside a sentence, offsets relative to the sentence."""
        lo = bisect_right(self._organ_starts, sent.start_char - 1)
        out = []
        for start, end, organ in self.organs[lo:]:
            if start >= sent.end_char:
                break
            if end <= sent.end_char:
                out.append((start - sent.start_char, end - sent.start_char, organ))
        return out


def _category(section) -> str | None:
    return section.category if section is not None else None


#: Sections that hold one line ("Comparison: MRI 2024-01-17."); text on the lines after it with no new
#: header is the report body, not part of the section. TECHNIQUE/EXAM end at a blank line.
_ONE_LINE_SECTIONS = {"comparison": "\n", "technique": "\n\n", "exam": "\n\n"}
_HEADER_ONLY = re.compile(r"^\W*[A-Za-z ]{0,30}:?\W*$")
_QUOTED_LINE = re.compile(r"\s*(?:>|[\"\u201c'])")


def _end_one_line_sections(sentences: list[Sentence], text: str) -> list[Sentence]:
    out: list[Sentence] = []
    content_end: int | None = None  # end of the last content line of the open one-line section
    quoting = False  # the open one-line section's content ended with a colon or goes on in quoted lines
    for sent in sentences:
        breaker = _ONE_LINE_SECTIONS.get(sent.section or "")
        if breaker is None:
            content_end, quoting = None, False
            out.append(sent)
            continue
        if out and out[-1].section != sent.section and out[-1].section is not None:
            content_end = None  # a new section block starts
        if content_end is not None and breaker in text[content_end:sent.start_char]:
            if not (quoting and "\n\n" not in text[content_end:sent.start_char]):
                out.append(Sentence(sent.start_char, sent.end_char, sent.start, None, sent.text))
                continue
        # "Comparison: MRI 2025-05-02. Report of that study, pasted for reference:" / '>> "Two metastases ..." <<': the
        # lines a colon introduces, and quoted lines after them, are still the compared study's
        quoting = sent.text.rstrip().endswith(":") or (quoting and bool(_QUOTED_LINE.match(sent.text)))
        if content_end is None and _HEADER_ONLY.match(sent.text):
            out.append(sent)
            continue
        content_end = sent.start_char + len(sent.text.rstrip())
        out.append(sent)
    return out


def doc_text(doc: Doc) -> str:
    """The text the imaging extractors read: ``doc.text`` with OCR noise repaired at equal length
    ('rnetastases' -> 'metastases ', 'PELVlS' -> 'PELVIS'), computed once per doc."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), ocr_clean(_base_doc_text(doc)))
        doc.user_data[_TEXT_KEY] = cached
    return cached[1]



"""Per-doc lookups computed once (O(n)): sentence bounds, sections and organ words by character.

``Token.sent`` re-checks sentence annotation over the whole doc on every call, so span-by-span
``doc[i].sent`` is quadratic in report length; the imaging extractors use this index instead.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ._imaging_units import organ_matches

_KEY = "nelm_doc_index"


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
        for sent in doc.sents:
            section = sent[0]._.section_category if has_sections else None
            self.sentences.append(Sentence(sent.start_char, sent.end_char, sent.start, section,
                                           text[sent.start_char:sent.end_char]))
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


def doc_text(doc: Doc) -> str:
    """``doc.text`` computed once per doc (the property re-joins every token on each access)."""
    cached = doc.user_data.get("nelm_doc_text")
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), doc.text)
        doc.user_data["nelm_doc_text"] = cached
    return cached[1]

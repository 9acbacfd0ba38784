"""End "one-line" sections where their text ends, not at the next recognised header.

medspaCy's sectionizer runs a section until the next header it knows. Reports often write
``Comparison: CT 18/09/2023.`` or ``Indication: restaging.`` on one line and continue with
findings under a heading we cannot list in advance ("Hepatic lesions (long axis):"), so the whole
body would inherit the history/comparison section and every finding would look historical.
This component cuts such sections at a blank line, or at the end of a line when the next line
starts a new labelled line ("Liver: ...") or a new sentence, and gives the rest no section.

It also holds ``nelm_sectionizer``, medspaCy's sectionizer with a cheaper way of writing
``token._.section`` (see :class:`FastSectionizer`).
"""
from __future__ import annotations

import re

from medspacy.common.util import prune_overlapping_matches
from medspacy.section_detection import Section, Sectionizer
from spacy.language import Language
from spacy.tokens import Doc

from extractors._base import doc_text

#: sections that describe the request or the past and are usually short
LIMITED = frozenset({"history", "comparison", "technique", "exam"})
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_LINE_BREAK = re.compile(r"\n")
_NEW_BLOCK = re.compile(r"[ \t]*(?:[A-Z][A-Za-z0-9 /&().,'\-]{0,40}:|[A-Z]{3,}\b|\d{1,2}[.)]\s|[-*\u2022]\s)")


def section_end_char(text: str, body_start: int, body_end: int) -> int:
    """Where a limited section's text really ends (character offset, ≤ body_end)."""
    blank = _BLANK_LINE.search(text, body_start, body_end)
    limit = blank.start() if blank else body_end
    header_line_has_text = bool(text[body_start:text.find("\n", body_start) if "\n" in text[body_start:limit] else limit].strip(" \t:,"))
    for m in _LINE_BREAK.finditer(text, body_start, limit):
        before = text[body_start:m.start()].rstrip()
        if not before.strip(" \t:,"):
            continue  # header alone on its line: the body starts on the next line
        after = text[m.end():limit]
        if _NEW_BLOCK.match(after) or (header_line_has_text and before.endswith(".") and after[:1].isupper()):
            return m.start()
    return limit


@Language.component("nelm_section_limits")
def limit_sections(doc: Doc) -> Doc:
    if not Doc.has_extension("sections") or not doc._.sections:
        return doc
    text = doc_text(doc)
    out = []
    for section in doc._.sections:
        out.append(section)
        if section.category not in LIMITED or section.body_end <= section.body_start:
            continue
        body_start_char = doc[section.body_start].idx if section.body_start < len(doc) else len(text)
        body_end_char = doc[section.body_end - 1].idx + len(doc[section.body_end - 1]) if section.body_end > 0 else 0
        end_char = section_end_char(text, body_start_char, body_end_char)
        if end_char >= body_end_char:
            continue
        span = doc.char_span(end_char, body_end_char, alignment_mode="expand")
        if span is None or span.start <= section.body_start:
            continue
        rest = Section(None, span.start, span.start, span.start, section.body_end)
        section.body_end = span.start
        set_token_sections(doc, [rest])
        out.append(rest)
    doc._.sections = out
    return doc


def set_token_sections(doc: Doc, sections: list[Section]) -> None:
    """``token._.section = section`` for every token of each section's span, in order.

    The values go straight into ``doc.user_data`` under the key spaCy's ``Underscore`` uses for a
    token extension, ``("._.", name, token.idx, None)``: the same entries as the attribute
    assignment, without building a Token and an Underscore object per token.
    """
    idx = doc.to_array("IDX").tolist()
    user_data = doc.user_data
    for section in sections:
        start, end = section.section_span
        user_data.update(dict.fromkeys([("._.", "section", i, None) for i in idx[start:end]], section))


class FastSectionizer(Sectionizer):
    """medspaCy's ``Sectionizer`` for the options nelm uses, with token sections written in bulk.

    medspaCy spends half of its time assigning ``token._.section`` token by token. For rules with no
    parents and no ``max_scope``, and a sectionizer with no section length limit, line filters,
    sentence boundaries or span attributes (nelm's configuration), :meth:`__call__` builds the
    same ``doc._.sections`` and token values as medspaCy (sections run from one header to the next,
    the last one to the end of the doc) and writes the token values with
    :func:`set_token_sections`. Any other configuration runs medspaCy's own code.
    """

    def _simple(self, matches: list) -> bool:
        return not (self.max_section_length is not None or self.require_start_line or self.require_end_line
                    or self._parent_sections or self._apply_sentence_boundary or self.assertion_attributes_mapping
                    or any(self._rule(match_id).max_scope is not None for match_id, _, _ in matches))

    def _rule(self, match_id: int):
        return self._Sectionizer__matcher.rule_map[self.nlp.vocab.strings[match_id]]

    def _first_words(self) -> tuple[str, ...] | None:
        """The exact first-token texts of all token-pattern rules ({"TEXT": "FINDINGS"}, ...); None
        when a token pattern starts with anything else. Recomputed when rules are added."""
        rule_map = self._Sectionizer__matcher.rule_map
        cached = getattr(self, "_first_words_cache", None)
        if cached is None or cached[0] != len(rule_map):
            words: set[str] | None = set()
            for rule in rule_map.values():
                if isinstance(rule.pattern, list):
                    first = rule.pattern[0] if rule.pattern else None
                    if not (isinstance(first, dict) and list(first) == ["TEXT"] and isinstance(first["TEXT"], str)):
                        words = None
                        break
                    words.add(first["TEXT"])
            cached = (len(rule_map), tuple(sorted(words)) if words is not None else None)
            self._first_words_cache = cached
        return cached[1]

    def _matches(self, doc: Doc) -> list:
        """medspaCy's matches (its private ``MedspacyMatcher``: token patterns, phrases, regexes, then
        pruning). spaCy's token Matcher is its costliest part; a token pattern only matches where its
        first word occurs in the text, so in a text that holds none of them it is skipped (it would
        return no match)."""
        matcher = self._Sectionizer__matcher
        words = self._first_words()
        if words is None or any(word in doc_text(doc) for word in words):
            return matcher(doc)
        matches = matcher._MedspacyMatcher__phrase_matcher(doc) + matcher._MedspacyMatcher__regex_matcher(doc)
        return prune_overlapping_matches(matches) if matcher._prune else matches

    def __call__(self, doc: Doc) -> Doc:
        matches = self._matches(doc)
        if not self._simple(matches):
            return super().__call__(doc)
        if not matches:
            doc._.sections = [Section(None, 0, 0, 0, len(doc))]
            return doc
        sections = []
        if matches[0][1] != 0:
            sections.append(Section(None, 0, 0, 0, matches[0][1]))
        for i, (match_id, start, end) in enumerate(matches):
            body_end = matches[i + 1][1] if i + 1 < len(matches) else len(doc)
            rule = self._rule(match_id)
            sections.append(Section(rule.category, start, end, end, body_end, None, rule))
        doc._.sections = sections
        set_token_sections(doc, sections)
        return doc


@Language.factory("nelm_sectionizer", default_config={"rules": None, "span_attrs": None})
def make_sectionizer(nlp, name, rules, span_attrs):  # untyped: spaCy resolves factory signatures at runtime
    return FastSectionizer(nlp, name=name, rules=rules, span_attrs=span_attrs)

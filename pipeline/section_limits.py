"""End "one-line" sections where their text ends, not at the next recognised header.

medspaCy's sectionizer runs a section until the next header it knows. Reports often write
``Comparison: CT 18/09/2023.`` or ``Indication: restaging.`` on one line and continue with
findings under a heading we cannot list in advance ("Hepatic lesions (long axis):"), so the whole
body would inherit the history/comparison section and every finding would look historical.
This component cuts such sections at a blank line, or at the end of a line when the next line
starts a new labelled line ("Liver: ...") or a new sentence, and gives the rest no section.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

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
    from medspacy.section_detection import Section

    text = doc.text
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
        for token in doc[span.start:rest.body_end]:
            token._.section = rest
        out.append(rest)
    doc._.sections = out
    return doc

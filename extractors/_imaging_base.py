"""The regex component the imaging extractors share: OCR-repaired text and keyword prefilters.

* Rules match over ``_doc_index.doc_text`` (OCR noise repaired at equal length, so offsets hold).
* A rule may list trigger words in its rule file (``"attrs": {"triggers": ["cyst", "haemangiom"]}``):
  its regex runs only when one of them occurs in the lowercased text. The extractor skips the
  whole doc when every rule has triggers and none occurs. A rule without triggers always runs.
"""
from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Doc, Span

from ._base import RegexExtractor, add_findings, make_span
from ._doc_index import doc_text, lower_text
from ._rules import Rule


class ImagingExtractor(RegexExtractor):
    def __init__(self, nlp, name, rules_path) -> None:
        super().__init__(nlp, name, rules_path)
        self._triggers: list[tuple[Rule, tuple[str, ...] | None]] = []
        for rule in self.rules:
            words = rule.attrs.get("triggers")
            self._triggers.append((rule, tuple(w.lower() for w in words) if words else None))

    def active_rules(self, lower: str) -> list[Rule]:
        return [rule for rule, words in self._triggers if words is None or any(w in lower for w in words)]

    def rule_matches(self, text: str, rules: list[Rule]) -> Iterator[tuple[re.Match[str], Rule]]:
        for rule in rules:
            for match in rule.regex.finditer(text):
                yield match, rule

    def __call__(self, doc: Doc) -> Doc:
        rules = self.active_rules(lower_text(doc))
        spans: list[Span] = []
        if rules:
            for match, rule in self.rule_matches(doc_text(doc), rules):
                for finding in self.interpret(doc, match, rule) or ():
                    span = make_span(doc, finding, rule.id, self.spans_key)
                    if span is not None:
                        spans.append(span)
        spans = self.postprocess(doc, spans)
        doc.spans[self.spans_key] = spans
        add_findings(doc, spans)
        return doc

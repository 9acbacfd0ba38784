"""A RegexExtractor for the pathology extractors: a cheap keyword prefilter and one span per offsets and label.

Span extension values are keyed by (offsets, label) (``_base._accessors``), so a PROCEDURE span and a
PROCEDURE_HISTORY span over the same word ("Whipple") keep their own values and no span needs widening.
:class:`ClaimingExtractor` only drops a repeat of a finding it already emitted for the same match
(same offsets and label); repeats across rules are merged by ``drop_contained``.

Prefilters: pathology extractors also run on every imaging report, so each one first checks, on the
lower-cased text, for ``KEYWORDS`` (literals) or ``PREFILTER`` (a regex, for short words that need word
boundaries, e.g. "net" but not "magnetic"). A text without any of them skips every rule.
"""
from __future__ import annotations

import re
from typing import Iterable

from ._base import Finding, RegexExtractor, doc_text

_LOWER = "nelm_lower_text"
_REQUIRES: dict[str, re.Pattern[str]] = {}


def lower_text(doc_or_text) -> str:
    """The lower-cased report text, computed once per doc (cached in ``doc.user_data``)."""
    if isinstance(doc_or_text, str):
        return doc_or_text.lower()
    doc = doc_or_text
    cached = doc.user_data.get(_LOWER)
    text = doc_text(doc)
    if cached is None or cached[0] != len(text):
        cached = (len(text), text.lower())
        doc.user_data[_LOWER] = cached
    return cached[1]


def claim(doc, finding: Finding, pending: set[tuple[int, int, str]]) -> Finding | None:
    """The finding snapped to token edges, or None for a repeat (same offsets and label) in this match."""
    span = doc.char_span(finding.start, finding.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    key = (span.start_char, span.end_char, finding.label)
    if key in pending:
        return None
    pending.add(key)
    finding.start, finding.end = span.start_char, span.end_char
    return finding


class ClaimingExtractor(RegexExtractor):
    """Subclasses implement :meth:`findings`; :meth:`interpret` drops repeats.

    ``KEYWORDS``: lower-case literals of which at least one must occur for any rule to match.
    ``PREFILTER``: a compiled regex searched on the lower-cased text instead (or as well).
    """

    KEYWORDS: tuple[str, ...] = ()
    PREFILTER: re.Pattern[str] | None = None

    def __call__(self, doc):
        self._lower = lower_text(doc)
        try:
            return super().__call__(doc)
        finally:
            self._lower = None

    def relevant(self, text: str) -> bool:
        """False when no keyword occurs: the text cannot match any rule."""
        if not self.KEYWORDS and self.PREFILTER is None:
            return True
        lower = getattr(self, "_lower", None) or text.lower()
        if self.KEYWORDS and any(word in lower for word in self.KEYWORDS):
            return True
        return self.PREFILTER is not None and self.PREFILTER.search(lower) is not None

    def matches(self, text):
        if not self.relevant(text):
            return iter(())
        return self._rule_matches(text)

    def _rule_matches(self, text):
        """Every rule's matches; a rule with attrs ``requires`` (a regex on the lower-cased text) runs only
        when it is found, so an expensive pattern such as '<organ adjective> NET' skips most imaging text."""
        lower = getattr(self, "_lower", None) or text.lower()
        for rule in self.rules:
            need = rule.attrs.get("requires")
            if need:
                regex = _REQUIRES.get(need) or _REQUIRES.setdefault(need, re.compile(need))
                if regex.search(lower) is None:
                    continue
            for match in rule.regex.finditer(text):
                yield match, rule

    def findings(self, doc, match, rule) -> Iterable[Finding]:
        return super().interpret(doc, match, rule)

    def interpret(self, doc, match, rule):
        pending: set[tuple[int, int, str]] = set()
        out = []
        for finding in self.findings(doc, match, rule) or ():
            claimed = claim(doc, finding, pending)
            if claimed is not None:
                out.append(claimed)
        return out

"""A RegexExtractor that never writes a span over character offsets another span already holds.

spaCy keys span extensions (``span._.value_norm``...) by character offsets only, so two spans with the
same offsets share one set of values: a PROCEDURE span over "Whipple" would read the value_norm of the
PROCEDURE_HISTORY span over the same word. :class:`ClaimingExtractor` keeps each span's values its own:
a finding whose offsets are taken by another extractor is widened by one token (to the right, else the
left); a repeat of this extractor's own span at the same offsets is dropped (the earlier rule wins).
"""
from __future__ import annotations

from typing import Iterable

from ._base import Finding, RegexExtractor


def _taken(doc, start: int, end: int) -> str | None:
    """The extractor name holding these offsets, or None."""
    return doc.user_data.get(("._.", "extractor", start, end))


def _token_bounds(doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.start, span.end


def claim(doc, finding: Finding, owner: str, pending: set[tuple[int, int, str]]) -> Finding | None:
    """The finding with free offsets (widened if needed), or None for a duplicate of our own span."""
    bounds = _token_bounds(doc, finding.start, finding.end)
    if bounds is None:
        return None
    lo, hi = bounds
    for _ in range(6):
        start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
        holder = _taken(doc, start, end)
        mine = any((s, e) == (start, end) for s, e, _ in pending)
        if holder is None and not mine:
            finding.start, finding.end = start, end
            pending.add((start, end, finding.label))
            return finding
        if (holder == owner and not mine) or any((s, e, lab) == (start, end, finding.label) for s, e, lab in pending):
            return None
        if hi < len(doc):
            hi += 1
        elif lo > 0:
            lo -= 1
        else:
            return None
    return None


class ClaimingExtractor(RegexExtractor):
    """Subclasses implement :meth:`findings`; :meth:`interpret` makes their offsets unique.

    ``KEYWORDS``: lower-case literals of which at least one must occur for any rule to match; a text
    without any of them skips the regexes (most imaging reports have no "ki-67" or "mitos").
    """

    KEYWORDS: tuple[str, ...] = ()

    def matches(self, text):
        if self.KEYWORDS:
            lower = text.lower()
            if not any(word in lower for word in self.KEYWORDS):
                return iter(())
        return super().matches(text)

    def findings(self, doc, match, rule) -> Iterable[Finding]:
        return super().interpret(doc, match, rule)

    def interpret(self, doc, match, rule):
        pending: set[tuple[int, int, str]] = set()
        out = []
        for finding in self.findings(doc, match, rule) or ():
            claimed = claim(doc, finding, self.spans_key, pending)
            if claimed is not None:
                out.append(claimed)
        return out

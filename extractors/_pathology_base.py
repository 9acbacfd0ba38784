"""A RegexExtractor for the pathology extractors: a cheap keyword prefilter and one span per offsets and label.

Span extension values are keyed by (offsets, label) (``_base._accessors``), so a PROCEDURE span and a
PROCEDURE_HISTORY span over the same word ("Whipple") keep their own values and no span needs widening.
:class:`ClaimingExtractor` only drops a repeat of a finding it already emitted for the same match
(same offsets and label); repeats across rules are merged by ``drop_contained``.

Prefilters: each extractor first checks, on the lower-cased text, for ``KEYWORDS`` (literals) or
``PREFILTER`` (a regex, for short words that need word boundaries, e.g. "net" but not "magnetic").
A text without any of them skips every rule. Rule-level ``requires`` / ``triggers`` attrs in the
rule files are applied by ``_base.RegexExtractor``.
"""
from __future__ import annotations

import re
from typing import Iterable

from pipeline.lexicon import load_lexicon

from ._base import Finding, RegexExtractor, doc_text

_CRITERIA_BEFORE = load_lexicon("pathology_common")["CRITERIA_BEFORE"]
#: characters before a finding read for grading criteria
_CRITERIA_WINDOW = 80

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

    def relevant(self, lower: str) -> bool:
        """False when no keyword occurs: the text cannot match any rule."""
        if not self.KEYWORDS and self.PREFILTER is None:
            return True
        if self.KEYWORDS and any(word in lower for word in self.KEYWORDS):
            return True
        return self.PREFILTER is not None and self.PREFILTER.search(lower) is not None

    def findings(self, doc, match, rule) -> Iterable[Finding]:
        return super().interpret(doc, match, rule)

    def interpret(self, doc, match, rule):
        pending: set[tuple[int, int, str]] = set()
        out = []
        text = None
        for finding in self.findings(doc, match, rule) or ():
            if finding.value_num is not None:
                text = doc_text(doc) if text is None else text
                if _CRITERIA_BEFORE.search(text, max(0, finding.start - _CRITERIA_WINDOW), finding.start):
                    continue  # "Grade 2 [criteria: Ki-67 3-20% and/or 2-20 mitoses per 2 mm²]": the grading rule
            claimed = claim(doc, finding, pending)
            if claimed is not None:
                out.append(claimed)
        return out

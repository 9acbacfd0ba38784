"""The literal index answers exactly what ``str.find`` loops and ``in`` tests answer (pipeline/literal_index.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from extractors._base import RegexExtractor, literal_hits
from pipeline.literal_index import LiteralIndex
from pipeline.regex_literals import case_safe_lower

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _find_all(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc ", min_size=1, max_size=4), min_size=1, max_size=6, unique=True),
       st.text(alphabet="abc ", max_size=60))
def test_scan_finds_every_occurrence_overlapping_ones_too(words, text):
    index = LiteralIndex()
    ids = {w: next(iter(index.ids([w]))) for w in words}
    found = index.scan(text)
    for word, i in ids.items():
        assert found.get(i, []) == _find_all(text, word)


def test_words_registered_after_a_scan_are_found_by_the_next_one():
    index = LiteralIndex()
    first = next(iter(index.ids(["liver"])))
    assert index.scan("liver cyst") == {first: [0]}
    second = next(iter(index.ids(["cyst"])))
    assert index.scan("liver cyst") == {first: [0], second: [6]}
    assert index.ids(None) is None
    with pytest.raises(ValueError):
        index.ids([""])


def _texts() -> list[str]:
    texts = []
    for name in ("sample_archive", "imaging", "pathology", "blind25"):
        for line in (FIXTURES / name / "reports.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _gates_pass(rule, lower: str, use_literals: bool) -> bool:
    """A rule's prefilters read the plain way: its trigger words and literals with ``in``, its "requires" regex."""
    words = rule.attrs.get("triggers")
    need = rule.attrs.get("requires")
    return (not words or any(w.lower() in lower for w in words)) \
        and (not use_literals or rule.literals is None or any(w in lower for w in rule.literals)) \
        and (not need or re.search(need, lower) is not None)


def test_rule_gates_and_starts_agree_with_the_scanning_path(nlp):
    """For every extractor and fixture text: the rules the index lets run, and where each may start, are those the
    per-rule ``in`` tests and ``str.find`` loops give."""
    extractors = [component for _, component in nlp.pipeline if isinstance(component, RegexExtractor)]
    assert extractors
    for text in _texts():
        doc = nlp.make_doc(text)
        lower = text.lower()
        safe = case_safe_lower(text, lower)
        hits = literal_hits(doc, lower)
        for extractor in extractors:
            with_index = extractor.active_rules(lower, safe is not None, hits)
            assert with_index == [rule for rule in extractor.rules if _gates_pass(rule, lower, safe is not None)]
            assert extractor.active_rules(lower, safe is not None) == with_index  # scanned when no hits are given
            if safe is None:
                continue
            for rule in with_index:
                if rule.prefixes is not None:
                    expected = sorted({at for prefix in rule.prefixes for at in _find_all(safe, prefix)})
                    assert extractor.starts_of(rule, safe, hits) == expected, rule.id

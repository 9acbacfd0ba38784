"""The extractors' prefilters never skip a text one of their rules would match.

Before any rule runs, two kinds of hand-written fast path decide whether it may match at all:
* an extractor's ``relevant`` (``KEYWORDS`` / ``PREFILTER`` of the pathology extractors,
  ``extractors/_pathology_base.py``);
* a rule's ``"triggers"`` / ``"requires"`` attrs in its rule file (``_base.RegexExtractor.active_rules``).
Rules are data and grow; a rule added or widened without its fast path would silently find nothing
("no focal hepatic abnormality" under a trigger of "liver"; "solid pseudopapillary tumour" under a
tumour-word filter). Here hypothesis writes texts each rule matches, in the letters, digits,
punctuation and single spaces of reports, and every one must get through to its rule.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractors._base import RegexExtractor
from pipeline.config import load_config
from pipeline.nlp import build_nlp

#: Rules that read a value after a label stated earlier in the report ("Ki-67: 28% / 41%", "We
#: repeated the Ki-67 stain ... the index is 9%"): the label, elsewhere in the text, opens the gate.
NEED_EARLIER_LABEL = {"ki67.next_value.1", "ki67.index_anaphor.1"}
#: Rule attrs that make a match count only with another cue elsewhere in the report (a Ki-67 label
#: before it, a procedure word): that cue opens the gate.
CONTEXT_ATTRS = ("needs_label_before", "needs_proc")
#: What reports are written in; a generated text is then reduced to single spaces.
ALPHABET = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/.,:;%()<>=+#&|*[]'\"~_\n\t–—×≤≥µ")


def _cases() -> list[tuple[RegexExtractor, object]]:
    nlp = build_nlp(load_config(None))
    return [(component, rule) for _, component in nlp.pipeline if isinstance(component, RegexExtractor)
            for rule in component.rules
            if rule.id not in NEED_EARLIER_LABEL and not any(rule.attrs.get(a) for a in CONTEXT_ATTRS)]


CASES = _cases()


def test_every_extractor_is_covered():
    assert len({type(c).__name__ for c, _ in CASES}) >= 15 and len(CASES) >= 100


@pytest.mark.parametrize("component, rule", CASES, ids=[rule.id for _, rule in CASES])
def test_no_text_a_rule_matches_is_kept_from_it(component, rule):
    texts = st.from_regex(rule.regex, fullmatch=True, alphabet=st.sampled_from(ALPHABET))

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(texts)
    def check(text):
        text = re.sub(r"\s+", " ", text)  # report spacing, not "G\t2"
        assume(rule.regex.search(text))
        lower = text.lower()
        assert component.relevant(lower), f"{rule.id} matches {text!r}, which {type(component).__name__} skips"
        assert rule in component.active_rules(lower), f"{rule.id} matches {text!r}, which its triggers/requires skip"

    try:
        check()
    except Exception as exc:  # noqa: BLE001 - a pattern hypothesis cannot write texts for is not a failure here
        if type(exc).__name__ in ("Unsatisfiable", "FailedHealthCheck", "IncompatibleWithAlphabet"):
            pytest.skip(f"hypothesis cannot write texts for {rule.id}: {type(exc).__name__}")
        raise

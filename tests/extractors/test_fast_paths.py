"""The extraction fast paths give exactly what the plain spaCy / regex calls give.

* ``_base.finditer`` (try a rule only where one of its ``prefixes`` starts) == ``regex.finditer``;
* a rule whose ``literals`` are all absent from the text has no match;
* ``_base.value`` / ``values`` / ``flags`` / ``token_section`` == the ``span._`` / ``token._`` attributes.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractors._base import case_safe_lower, finditer, flags, token_section, value, values, SPAN_EXTENSIONS
from extractors._rules import CASE_FOLDING_CHARS, load_rules, match_prefixes, required_literals

ROOT = Path(__file__).resolve().parents[2]
RULES = [rule for path in sorted((ROOT / "configs" / "rules").glob("[a-z]*.jsonl")) for rule in load_rules(path)]
FIXTURES = ("sample_archive", "imaging", "imaging_dev", "imaging_dev2", "imaging_dev3", "imaging_dev4", "pathology",
            "pathology_dev", "pathology_dev2", "pathology_dev3", "blind3", "blind4")
#: Texts that stress case folding and offsets: upper case, non-ASCII letters that lower-case to two
#: characters or match ASCII letters under IGNORECASE, and text right at the edges.
TRICKY = [
    "LIVER: MULTIPLE HEPATIC METASTASES, THE LARGEST 2.1 CM IN SEGMENT VII. S/P WHIPPLE. KI-67 12%.",
    "İleal NET with liver metastases; s/p rıght hemicolectomy; Pancreatıc NET; cyſt; 3 mm; \u212ai-67 5%",
    "Ki\u212a 67: 5 %. Mitoſes 2/2 mm². Gradé 2. Segment Ⅶ lesion 2 × 3 cm. naïve – “cyst”.",
    "metastases", "NET", "x", "",
]


def _texts() -> list[str]:
    out = list(TRICKY)
    for folder in FIXTURES:
        for path in sorted((ROOT / "fixtures" / folder).glob("reports*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    text = json.loads(line).get("text")
                    if isinstance(text, str):
                        out.append(text)
    return out


TEXTS = _texts()


def _found(matches) -> list:
    return [(m.span(), m.groups(), m.groupdict()) for m in matches]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_finditer_and_literals_agree_with_the_regex(rule):
    for text in TEXTS:
        expected = _found(rule.regex.finditer(text))
        lower = case_safe_lower(text, text.lower())
        assert _found(finditer(rule, text, lower)) == expected, text[:80]
        if lower is not None and rule.literals is not None and not any(w in lower for w in rule.literals):
            assert expected == [], text[:80]


def test_case_folding_chars_are_the_only_non_ascii_matches_of_ascii_letters():
    # Under IGNORECASE, no other non-ASCII character matches an ASCII letter (checked on the BMP).
    letters = re.compile("[a-z]", re.I)
    found = {chr(c) for c in range(0x80, 0x10000) if letters.fullmatch(chr(c))}
    assert found == set(CASE_FOLDING_CHARS)
    assert case_safe_lower("a\u0131b", "a\u0131b") is None
    assert case_safe_lower("\u0130x", "\u0130x".lower()) is None


@pytest.mark.parametrize("pattern,literals,prefixes", [
    (r"\b(?:(?:right|left)\s+)?(?:hemi)?colectomy\b", ("colectomy",), ("colectomy", "hemi", "left", "right")),
    # one literal per branch, the longest: "resection" from the first, "primary" from the second
    (r"\bprimary\s+(?:tumou?r\s+)?resection\b|\bresect(?:ion|ed)\s+of\s+primary\b", ("primary", "resection"),
     ("primary", "resect")),
    (r"(?<=\band\s)one\b", ("one",), ("one",)),
    (r"\d+\s*(?:mm|cm)", ("cm", "mm"), None),            # starts with a digit class: no prefixes
    (r"(?:liver)?", None, None),                          # can match the empty string
    (r"a|\w", None, None),                                # one branch with no literal
    (r"[Ll]iver\s+lesion", ("lesion",), None),
])
def test_literals_and_prefixes_are_read_off_the_pattern(pattern, literals, prefixes):
    regex = re.compile(pattern, re.I)
    assert required_literals(regex) == literals
    assert match_prefixes(regex) == prefixes


@pytest.fixture(scope="module")
def docs(nlp):
    from pipeline.nlp import run_pipeline

    return [run_pipeline(nlp, text, kind) for text, kind in
            [(t, "CT") for t in TEXTS[:60]] + [(t, "PATHOLOGY") for t in TEXTS[-60:]]]


def test_value_helpers_read_what_span_underscore_reads(docs):
    checked = 0
    for doc in docs:
        for span in doc.spans["findings"] if "findings" in doc.spans else []:
            names = ("is_negated", "is_uncertain", "is_historical", "is_hypothetical", "is_family")
            assert flags(span, names) == [bool(getattr(span._, n)) for n in names]
            assert values(span) == {n: getattr(span._, n) for n in SPAN_EXTENSIONS}
            assert all(value(span, n) == getattr(span._, n) for n in SPAN_EXTENSIONS)
            checked += 1
        for token in doc:
            assert token_section(doc, token.idx) is token._.section
    assert checked > 100


def _guarded_cues() -> list[tuple[str, object]]:
    from pipeline.lexicon import FOLDER, read_lexicon
    from pipeline.regex_literals import GuardedPattern

    out = []
    for path in sorted((ROOT / "configs" / FOLDER).glob("*.jsonl")):
        lexicon = read_lexicon(path)
        out += [(f"{path.stem}.{cue}", lexicon[cue]) for cue in lexicon if isinstance(lexicon[cue], GuardedPattern)]
    return out


GUARDED = _guarded_cues()


def _outcome(result):
    if result is None or isinstance(result, (str, tuple)):
        return result
    if isinstance(result, re.Match):
        return result.span(), result.groups()
    return [_outcome(r) if isinstance(r, re.Match) else r for r in result]


def test_most_cues_are_guarded():
    assert len(GUARDED) > 100


@pytest.mark.parametrize("name,cue", GUARDED, ids=[name for name, _ in GUARDED])
def test_a_guarded_cue_finds_what_its_regex_finds(name, cue):
    """pipeline/regex_literals.GuardedPattern: the literal check never changes a result, on whole texts, on windows
    (lookbehinds see before ``pos``), and for every method the extractors call."""
    regex = cue.regex
    for text in TRICKY + TEXTS[::3]:
        n = len(text)
        for pos, endpos in ((0, n), (n // 3, 2 * n // 3), (n // 2, n + 10), (-5, 40)):
            assert _outcome(cue.search(text, pos, endpos)) == _outcome(regex.search(text, pos, endpos)), text[:80]
            assert _outcome(cue.match(text, pos, endpos)) == _outcome(regex.match(text, pos, endpos)), text[:80]
        assert _outcome(list(cue.finditer(text))) == _outcome(list(regex.finditer(text))), text[:80]
        assert cue.split(text) == regex.split(text) and cue.sub("#", text) == regex.sub("#", text), text[:80]

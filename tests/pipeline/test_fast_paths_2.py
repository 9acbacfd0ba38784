"""The second round of fast paths gives exactly what the spaCy / medspaCy code they replace gives.

* the tokenizer without the "\\n" / "\\t" special cases (``nlp._cacheable_whitespace``) == stock tokenizer;
* ``FastSectionizer._token_matches`` == spaCy's token Matcher (same matches, same order);
* ``FindingsContext.run`` == medspaCy's ``ConText.__call__`` (modifiers, scopes, edges, flags);
* ``_base.sentence_offsets`` == ``doc.sents``; ``_base.flag_reader`` / ``flag`` == ``flags``;
* ``nlp.run_pipeline`` runs the components the ``nelm_skip`` table leaves for the report type.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, NORM, ORTH, SPACY

from extractors._base import flag, flag_reader, flags, remember_text, sentence_offsets

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ("sample_archive", "imaging", "imaging_dev", "imaging_dev2", "imaging_dev3", "imaging_dev4", "pathology",
            "pathology_dev", "pathology_dev2", "pathology_dev3", "blind3", "blind4")
EXTRA = [
    "", " ", "\n", "\t", "a\n\tb \n c\t\t\n\n  d\u00a0e \u2028 f\r\n", "x:\n\n'\n\u2019s\n\u2014\n",
    "FINDINGS\nLiver: 2 cm lesion.\n\nIMPRESSION\n1. No evidence of metastasis. Possible cyst.",
    "PATHOLOGIC DIAGNOSIS\n\nDIAGNOSIS\nNeuroendocrine tumour, not grade 3. SPECIMEN(S)\nLiver.",
    "There is no liver lesion. History of resected pancreatic NET. Ki-67 12%, rather than a NEC.",
]


def _texts() -> list[tuple[str, str]]:
    out = [(text, kind) for text in EXTRA for kind in ("CT", "PATHOLOGY")]
    for folder in FIXTURES:
        for path in sorted((ROOT / "fixtures" / folder).glob("reports*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    obj = json.loads(line)
                    if isinstance(obj.get("text"), str):
                        out.append((obj["text"], obj.get("report_type") or "CT"))
    return out


TEXTS = _texts()


def _make_doc(nlp, text):
    doc = nlp.make_doc(text)
    remember_text(doc, text)
    return doc


def test_tokenizer_matches_stock_tokenizer_with_all_special_cases(nlp):
    from pipeline.nlp import _split_glued_punctuation

    stock = spacy.blank("en")
    _split_glued_punctuation(stock)
    assert "\n" in stock.tokenizer.rules and "\n" not in nlp.tokenizer.rules
    assert " " in nlp.tokenizer.rules and "\u00a0" in nlp.tokenizer.rules  # special cases that change tokens stay
    attrs = [ORTH, NORM, SPACY, IDX, LENGTH]
    for _ in range(2):  # the second pass reads the tokenizer cache
        for text, _kind in TEXTS:
            ours, theirs = nlp.tokenizer(text), stock.tokenizer(text)
            assert numpy.array_equal(ours.to_array(attrs), theirs.to_array(attrs)), text[:80]


def _header_texts(sectionizer) -> list[str]:
    """Texts made of the sectionizer's own line-header patterns, overlapping ones included."""
    patterns = [r.pattern for r in sectionizer._Sectionizer__matcher.rule_map.values() if isinstance(r.pattern, list)]
    rng = random.Random(7)
    out = []
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 8)):
            words = " ".join(step["TEXT"] for step in rng.choice(patterns)[:-1]).replace("( S )", "(S)")
            parts.append(words + rng.choice(["\n", " \n", "\n\n", ":\n", "\n \n"]))
            parts.append(rng.choice(["", "text here. ", "Liver lesion 2 cm.\n", "FINAL "]))
        out.append("".join(parts))
    return out


def test_token_matches_equal_spacy_matcher(nlp):
    sectionizer = nlp.get_pipe("nelm_sectionizer")
    assert sectionizer._token_patterns() is not None  # nelm's rules take the fast path
    matcher = sectionizer._Sectionizer__matcher._MedspacyMatcher__matcher
    found = 0
    for text in [t for t, _ in TEXTS] + _header_texts(sectionizer):
        doc = _make_doc(nlp, text)
        expected = matcher(doc)
        found += len(expected)
        assert sectionizer._token_matches(doc) == expected, text[:80]
    assert found > 1000


def _until_context(nlp, text, kind):
    from pipeline.nlp import _components

    doc = _make_doc(nlp, text)
    for proc in _components(nlp, kind):
        if proc is nlp.get_pipe("nelm_context"):
            break
        doc = proc(doc)
    return doc


def _context_state(doc):
    graph = doc._.context_graph
    modifiers = [(m.category, m.modifier_span, m.scope_span, tuple((t.start, t.end, t.label_) for t in m._targets))
                 for m in graph.modifiers] if graph is not None else None
    edges = [((t.start, t.end, t.label_), m.modifier_span) for t, m in graph.edges] if graph is not None else None
    names = ("is_negated", "is_uncertain", "is_historical", "is_hypothetical", "is_family")
    spans = [((s.start, s.end, s.label_), [getattr(s._, n) for n in names], [m.modifier_span for m in s._.modifiers])
             for s in doc.spans["findings"]] if "findings" in doc.spans else []
    return modifiers, edges, spans


def test_context_equals_medspacy_context(nlp):
    from extractors._base import publish_findings

    context = nlp.get_pipe("nelm_context")
    with_modifiers = 0
    for text, kind in TEXTS:
        ours = _until_context(nlp, text, kind)
        theirs = _until_context(nlp, text, kind)
        context(ours)
        publish_findings(theirs)
        if "findings" in theirs.spans and len(theirs.spans["findings"]):
            context.context(theirs)  # medspaCy's own ConText.__call__
        expected = _context_state(theirs)
        with_modifiers += bool(expected[0])
        assert _context_state(ours) == expected, text[:80]
    assert with_modifiers > 50


def test_sentence_offsets_and_flag_readers(nlp):
    from pipeline.nlp import run_pipeline

    names = ("is_negated", "is_uncertain", "is_historical", "is_hypothetical", "is_family", "not_registered")
    read = flag_reader(names)
    for text, kind in TEXTS[:150]:
        doc = run_pipeline(nlp, text, kind)
        assert sentence_offsets(doc) == [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        for span in doc.spans["findings"] if "findings" in doc.spans else []:
            assert read(span) == flags(span, names) == [flag(span, n) for n in names]


def test_run_pipeline_skips_what_the_scope_table_says(nlp):
    from pipeline.nlp import _components

    for kind in ("CT", "MRI", "PET", "PATHOLOGY", "OTHER", None):
        skip = set(nlp.meta["nelm_skip"][kind or "OTHER"])
        assert _components(nlp, kind) == tuple(proc for name, proc in nlp.pipeline if name not in skip)

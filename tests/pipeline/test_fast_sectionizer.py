"""``nelm_sectionizer`` (pipeline/section_limits.py) gives what medspaCy's Sectionizer gives.

Same ``doc._.sections`` (category, title and body token offsets, rule) and the same
``token._.section`` for every token, on every fixture report and on texts with no header at all.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ("sample_archive", "imaging", "imaging_dev", "imaging_dev2", "imaging_dev3", "imaging_dev4", "pathology",
            "pathology_dev", "pathology_dev2", "pathology_dev3", "blind3", "blind4")
EXTRA = [
    "", "no header at all, just a line", "FINDINGS\nLiver: 2 cm lesion.\n\nIMPRESSION\n1. Metastasis.",
    "EXAM: , CT abdomen.,REASON FOR EXAM: , Pain.,FINDINGS:, Liver normal.,IMPRESSION:,1. Normal.",
    "CLINICAL HISTORY\nNET.\nCOMPARISON: none.\nFINDINGS: lesion.",
    "hx: liver mets.\nmicro: met wdNET.\nihc: syn+, cga+.\ndx: met NET, G1. cl hx: none",
    "INTRAOPERATIVE CONSULTATION\nFS1: NET.\n\nFROZEN SECTION\nFS2: clear.\nIntraoperative diagnoses: see history: above",
]


def _texts() -> list[str]:
    out = list(EXTRA)
    for folder in FIXTURES:
        for path in sorted((ROOT / "fixtures" / folder).glob("reports*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and isinstance(json.loads(line).get("text"), str):
                    out.append(json.loads(line)["text"])
    return out


def _state(doc):
    sections = [(s.category, s.title_start, s.title_end, s.body_start, s.body_end, s.parent,
                 s.rule.literal if s.rule else None) for s in doc._.sections]
    tokens = [doc._.sections.index(t._.section) if t._.section is not None else None for t in doc]
    return sections, tokens


@pytest.fixture(scope="module")
def sectionizers(nlp, config):
    from medspacy.section_detection import Sectionizer

    from pipeline.nlp import _section_rules

    rules = _section_rules(config.resolve(config.nlp.sections_dir))
    stock = Sectionizer(nlp, name="stock_sectionizer", rules=None, span_attrs=None)
    stock.add(rules)
    return stock, nlp.get_pipe("nelm_sectionizer")


def test_fast_sectionizer_matches_medspacy(nlp, sectionizers):
    stock, fast = sectionizers
    texts = _texts()
    assert len(texts) > 200
    for text in texts:
        expected = _state(stock(nlp.make_doc(text)))
        assert _state(fast(nlp.make_doc(text))) == expected, text[:80]

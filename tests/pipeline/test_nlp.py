"""Pipeline construction: tokenizer tweaks and sections on CSV-exported ("comma-joined") reports."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,tokens", [
    ("pain.,REASON FOR EXAM:", ["pain", ".", ",", "REASON", "FOR", "EXAM", ":"]),   # CSV-joined header
    ("IMPRESSION:,1. Mets", ["IMPRESSION", ":", ",", "1", ".", "Mets"]),             # colon, comma, list number
    ("2,5 cm", ["2,5", "cm"]),                                                        # decimal comma untouched
    ("T1,T2", ["T1", ",", "T2"]),
])
def test_nlp_splits_glued_punctuation(nlp, text, tokens):
    assert [t.text for t in nlp.make_doc(text) if not t.is_space] == tokens


def test_nlp_finds_sections_in_comma_joined_reports(nlp):
    text = "EXAM: , CT abdomen.,REASON FOR EXAM: , Pain.,TECHNIQUE: , Axial.,FINDINGS:, Liver normal.,IMPRESSION:,1. Normal."
    doc = nlp(text)
    assert [s.category for s in doc._.sections] == ["exam", "history", "technique", "findings", "impression"]

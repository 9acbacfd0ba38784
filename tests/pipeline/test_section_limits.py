"""One-line history/comparison sections end where their text ends (pipeline/section_limits.py)."""
from __future__ import annotations

import pytest

from pipeline.harvest import section_bounds


def _sections(nlp, text):
    doc = nlp(text)
    starts, categories = section_bounds(doc)
    return [(c, text[s:].lstrip()[:12]) for s, c in zip(starts, categories)]


@pytest.mark.parametrize("text,expected", [
    # one-line comparison, then findings under a heading we do not list: not historical
    ("Comparison: 18/09/2023 (baseline).\n\nHepatic lesions (long axis):\n1. Segment 4a - 3.4 cm",
     [("comparison", "Comparison: "), (None, "Hepatic lesi")]),
    # history wrapped over two lines (lower-case continuation) ends before the new sentence line
    ("CLINICAL HISTORY: ileal NET,\nprior hemicolectomy 2019.\nThe liver shows two lesions.",
     [("history", "CLINICAL HIS"), (None, "The liver sh")]),
    # a labelled line right after a one-line indication starts a new block
    ("Indication: restaging.\nSpleen: 9 mm cyst.", [("history", "Indication: "), (None, "Spleen: 9 mm")]),
    # header alone on its line: the block runs to the blank line (negative case: not cut early)
    ("CLINICAL HISTORY:\nNET.\nPrior surgery.\n\nFINDINGS: 2 cm lesion.",
     [("history", "CLINICAL HIS"), (None, "FINDINGS: 2 "), ("findings", "FINDINGS: 2 ")]),
    # findings sections are never cut (negative case)
    ("FINDINGS: Liver lesion.\nSecond line.\n\nMore findings.", [("findings", "FINDINGS: Li")]),
])
def test_section_limits_end_one_line_sections(nlp, text, expected):
    assert _sections(nlp, text) == expected

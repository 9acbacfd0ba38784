"""ConText cues (configs/context/*.json): hedging with "favour", negation by "not confirmed" / "not supported"."""
from __future__ import annotations

import pytest


def _flags(extract, text, label, word):
    found = [m for m in extract(text, "PATHOLOGY").mentions if m["label"] == label and m["text"].lower() == word]
    assert found, (text, word)
    return found[0]["is_negated"], found[0]["is_uncertain"]


@pytest.mark.parametrize("text,word,expected", [
    # "favour X" hedges X: (negated, uncertain)
    ("Frozen section: carcinoma, favour adenocarcinoma.", "adenocarcinoma", (False, True)),
    ("Carcinoma, favor adenocarcinoma.", "adenocarcinoma", (False, True)),
    ("The features favour a well-differentiated neuroendocrine tumour.", "neuroendocrine tumour", (False, True)),
    ("Findings in favour of an adenocarcinoma.", "adenocarcinoma", (False, True)),
    ("An adenocarcinoma is favoured.", "adenocarcinoma", (False, True)),
    # "not confirmed" / "not supported" negate what comes before them
    ("The frozen-section impression of adenocarcinoma is not confirmed on permanent sections.", "adenocarcinoma", (True, False)),
    ("Adenocarcinoma was not confirmed.", "adenocarcinoma", (True, False)),
    ("A diagnosis of adenocarcinoma is not supported by the immunoprofile.", "adenocarcinoma", (True, False)),
    # NEG: a confirmed or plainly stated diagnosis keeps its flags
    ("Neuroendocrine tumour, confirmed on permanent sections.", "neuroendocrine tumour", (False, False)),
    ("Neuroendocrine tumour; adenocarcinoma not confirmed.", "neuroendocrine tumour", (False, False)),
    ("Adenocarcinoma not confirmed; neuroendocrine tumour is present.", "neuroendocrine tumour", (False, False)),
    ("Anatomy favourable for resection. Neuroendocrine tumour.", "neuroendocrine tumour", (False, False)),
])
def test_hedging_and_negation_cues(extract, text, word, expected):
    assert _flags(extract, text, "TUMOR_TYPE", word) == expected

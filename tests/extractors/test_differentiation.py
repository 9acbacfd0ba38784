"""DIFFERENTIATION mentions and the differentiation column."""
import pytest

from pathology_helpers import mentions


@pytest.mark.parametrize("text,expected", [
    ("Well-differentiated neuroendocrine tumour.", "well"),            # hyphen
    ("Neuroendocrine tumour, well differentiated.", "well"),           # after the noun
    ("Poorly differentiated neuroendocrine carcinoma.", "poorly"),     # NEC
    ("Endocrine carcinoma of the pancreas, moderately differentiated.", "well"),  # moderately -> well (WHO)
    ("Neuroendocrine carcinoma, small cell type.", "poorly"),          # NEC subtype by definition
    ("Invasive adenocarcinoma, moderately differentiated.", None),     # not a neuroendocrine tumour
])
def test_differentiation(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["differentiation"] == expected


def test_moderately_kept_as_written_in_mentions(extract):
    ex = extract("Endocrine carcinoma, moderately differentiated.", "PATHOLOGY")
    assert [m["value_norm"] for m in mentions(ex, "DIFFERENTIATION")] == ["moderately"]


def test_distant_negation_does_not_flip(extract):
    row = extract("No necrosis, well-differentiated neuroendocrine tumour.", "PATHOLOGY").row
    assert row["differentiation"] == "well"


@pytest.mark.parametrize("text,expected", [
    ("Liver core: met wdNET.", ["well"]),                              # glued
    ("Liver core: met. WD-NET, 1.4 cm.", ["well"]),                   # hyphen
    ("Liver core: met. wd NET.", ["well"]),                           # spaced
    ("Rectum: PD-NEC, small cell type.", ["poorly"]),                 # poorly
    ("Dx: met well diff NET, G1.", ["well"]),                         # 'well diff'
    ("Endocrine carcinoma, mod. diff.", ["moderately"]),              # 'mod. diff.'
    ("Neuroendocrine carcinoma, poorly-diff.", ["poorly"]),           # 'poorly-diff.'
    ("Diffuse infiltrate; differential includes NET.", []),           # NEG: 'diff' words that are not a grade
    ("wd adenocarcinoma of the colon.", []),                          # NEG: wd before another tumour
])
def test_abbreviated_differentiation_mentions(extract, text, expected):
    assert [m["value_norm"] for m in mentions(extract(text, "PATHOLOGY"), "DIFFERENTIATION")] == expected

"""MITOSES mentions and mitoses_per_2mm2."""
import pytest

from pathology_helpers import mentions


@pytest.mark.parametrize("text,expected", [
    ("3 mitoses per 10 HPF.", 3.0),             # per 10 HPF taken as per 2 mm2
    ("Mitoses: 1/10 hpf.", 1.0),                # slash
    ("4 mitoses per 2 mm2.", 4.0),              # per 2 mm2
    ("Mitotic count: 2 per 2 mm².", 2.0),       # unicode square
    ("Mitotic rate: 3/2 mm2.", 3.0),            # label then ratio
    ("<2 mitoses per 2 mm2.", 2.0),             # bound gives its number
    ("Mitoses are not seen.", 0.0),             # absent -> 0
    ("No mitotic figures are identified.", 0.0),# absent, negation first
    ("Mitotic count: about I per 10 HPF.", 1.0),# OCR I
    ("12 mitoses per 50 HPF.", 2.4),            # 50 HPF ≈ 10 mm2
])
def test_mitoses_values(extract, text, expected):
    row = extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY").row
    assert row["mitoses_per_2mm2"] == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "Mitoses cannot be reliably counted on this small sample.",  # no count
    "Tumour size 3 mm.",                                        # millimetres, not mitoses
    "Mitotic count 0110 per high power fields.",                 # OCR debris (impossible value)
])
def test_mitoses_null(extract, text):
    assert extract("Neuroendocrine tumour. " + text, "PATHOLOGY").row["mitoses_per_2mm2"] is None


def test_mitoses_hpf_conversion_noted(extract):
    ex = extract("Mitoses: 3/10 HPF.", "PATHOLOGY")
    (m,) = mentions(ex, "MITOSES")
    assert m["value_unit"] == "per_2mm2" and m["value_num"] == 3.0


@pytest.mark.parametrize("text,expected", [
    ("Well differentiated neuroendocrine tumour with insular growth, 4/10 HPF.", 4.0),  # bare count per 10 HPF
    ("Mitoses <1 per 10 HPF.", 1.0),                                                   # bound below one
    ("Mitotic count: 1 per 2 mm2.", 1.0),                                              # one per 2 mm2
    ("Neuroendocrine tumour. Eosinophils up to 30/10 HPF in the lamina propria.", None),  # NEG: another cell's count
])
def test_mitoses_other_styles(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["mitoses_per_2mm2"] == expected

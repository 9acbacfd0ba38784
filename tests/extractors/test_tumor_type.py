"""TUMOR_TYPE mentions and tumor_type."""
import pytest


@pytest.mark.parametrize("text,expected", [
    ("Well-differentiated neuroendocrine tumour, G1.", "NET"),                       # NET
    ("Metastatic NET.", "NET"),                                                       # abbreviation
    ("Typical carcinoid tumour.", "NET"),                                             # carcinoid
    ("Well-differentiated neuroendocrine carcinoma (old terminology).", "NET"),       # WHO 2000 name
    ("Poorly differentiated neuroendocrine carcinoma, large cell type.", "NEC"),      # NEC
    ("Small cell carcinoma.", "NEC"),                                                 # small cell
    ("Mixed neuroendocrine-non-neuroendocrine neoplasm (MiNEN).", "MiNEN"),          # MiNEN
    ("Mixed adenoneuroendocrine carcinoma (MANEC).", "MiNEN"),                        # MANEC
    ("Moderately differentiated adenocarcinoma.", "other"),                           # adenocarcinoma
    ("Poorly differentiated adenocarcinoma, negative for neuroendocrine differentiation.", "other"),  # negation
    ("Liver, core biopsy: no evidence of neuroendocrine tumour. Steatosis.", None),   # negated NET
    ("Pancreas, distal pancreatectomy: solid pseudopapillary tumour.", "other"),      # a NET mimic, no tumour word the prefilter knew
    ("Stomach, wedge resection: multiple GISTs, the largest 2.1 cm.", "other"),       # plural abbreviation
])
def test_tumor_type(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["tumor_type"] == expected


def test_not_a_carcinoma(extract):
    text = "Well-differentiated neuroendocrine tumour, G3. This is not a neuroendocrine carcinoma."
    assert extract(text, "PATHOLOGY").row["tumor_type"] == "NET"


@pytest.mark.parametrize("text,expected", [
    ("Outside diagnosis: poorly differentiated neuroendocrine carcinoma.\n"
     "Diagnosis: well-differentiated neuroendocrine tumour, G3.", ("NET", "well")),           # consult revises the type
    ("The tumour lacks the cytology of a small or large cell carcinoma. Diagnosis: well-differentiated NET, G3.",
     ("NET", "well")),                                                                      # rejected differential
    ("Diagnosis: poorly differentiated neuroendocrine carcinoma.", ("NEC", "poorly")),       # NEG: own diagnosis
])
def test_tumor_type_other_styles(extract, text, expected):
    row = extract(text, "PATHOLOGY").row
    assert (row["tumor_type"], row["differentiation"]) == expected

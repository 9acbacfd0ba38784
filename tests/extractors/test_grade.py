"""GRADE mentions, who_grade and who_grade_source."""
import pytest


@pytest.mark.parametrize("text,grade,source", [
    ("Well-differentiated neuroendocrine tumour, G2.", "G2", "stated"),                 # G code
    ("Neuroendocrine tumour, grade 2.", "G2", "stated"),                               # words
    ("Neuroendocrine tumour, WHO grade 1.", "G1", "stated"),                           # WHO grade
    ("Neuroendocrine tumour, grade II.", "G2", "stated"),                              # roman
    ("Low-grade neuroendocrine tumour.", "G1", "stated"),                              # low grade
    ("Well-differentiated neuroendocrine tumour, intermediate grade.", "G2", "stated"),# intermediate grade
    ("High-grade neuroendocrine carcinoma.", "G3", "stated"),                          # high grade
    ("Well-differentiated NET, G3.", "G3", "stated"),                                  # NET G3
    ("Neuroendocrine tumour. Ki-67: 2%.", "G1", "ki67"),                               # derived <3
    ("Neuroendocrine tumour. Ki-67: 3%.", "G2", "ki67"),                               # boundary 3
    ("Neuroendocrine tumour. Ki-67: 21%.", "G3", "ki67"),                              # >20
    ("Neuroendocrine tumour. Ki-67 2%; mitoses 4 per 2 mm2.", "G2", "mitoses"),        # the higher wins
    ("Neuroendocrine tumour. Ki-67 5%; mitoses 3 per 2 mm2.", "G2", "ki67"),           # tie -> ki67
    ("Neuroendocrine tumour. Mitoses: 1 per 2 mm2.", "G1", "mitoses"),                 # mitoses only
])
def test_grade(extract, text, grade, source):
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == (grade, source)


@pytest.mark.parametrize("text", [
    "Prostatic adenocarcinoma, Gleason score 3+4=7 (Grade Group 2).",       # Gleason
    "Invasive ductal carcinoma, Nottingham histologic grade 2.",             # Nottingham
    "Clear cell renal cell carcinoma, Fuhrman grade 3.",                     # Fuhrman
    "Diffuse astrocytoma, CNS WHO grade 2.",                                 # glioma
    "Pancreas with high-grade PanIN.",                                       # PanIN
    "Neuroendocrine tumour; cannot be graded on this limited sample.",       # hedged, no grade
])
def test_foreign_grades_are_not_net_grades(extract, text):
    assert extract(text, "PATHOLOGY").row["who_grade"] is None


def test_rejected_differential_grade(extract):
    text = "Poorly differentiated neuroendocrine carcinoma. Ki-67 70%. The findings favour a NEC over a NET G3."
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == ("G3", "ki67")

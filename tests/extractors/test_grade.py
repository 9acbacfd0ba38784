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


@pytest.mark.parametrize("text,grade,source", [
    ("Well differentiated neuroendocrine tumour; grade G2 on the cell block Ki-67. Ki-67 5%.", "G2", "stated"),  # 'cell block' is not a cassette
    ("Well differentiated NET. Ki-67 5%. Block A3 (G1 cassette) shows tumour.", "G2", "ki67"),                     # NEG: cassette name
    ("Macroscopic: Appendix 72 mm, tip nodule 9 mm.\nTumour type: Well differentiated NET\nWHO 2019 grade: Grade 1\n"
     "Ki-67 index: <2%", "G1", "stated"),                                                                          # synoptic after gross
    ("Macroscopic: nodule labelled G3 by the surgeon.\n\nDiagnosis: Well differentiated NET. Ki-67 5%.", "G2", "ki67"),  # NEG: inside gross
    ("Outside diagnosis: NET, G3.\nOur review: well-differentiated NET. Ki-67 8%.", "G2", "ki67"),                  # NEG: outside grade
    ("Metastatic NET, WHO grade 2 (revised from the outside grade 1).", "G2", "stated"),                           # revision
    ("Metastatic NET. Ki-67 14%. Compared with the 2019 primary (Ki-67 4%, G3), it has increased.", "G2", "ki67"), # prior in diagnosis
])
def test_grade_other_styles(extract, text, grade, source):
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == (grade, source)


# "Cannot be graded" stops a derived grade; the Ki-67 and mitoses values stay. A stated grade still wins.
@pytest.mark.parametrize("text,ki67,mitoses", [
    ("Metastatic NET in a tiny focus; the tumour cannot be reliably graded. Ki-67 1%.", 1.0, None),
    ("NET on crushed biopsy. Grading is not possible (scant tumour). No mitoses are seen.", None, 0.0),
    ("NET. WHO grade: cannot be assessed on this sample. Mitoses: 3 per 2 mm2.", None, 3.0),
    ("NET. Grade: not assessable. Ki-67 index 15%.", 15.0, None),
    ("Neuroendocrine tumour, ungradable on this material. Ki-67: 2%.", 2.0, None),
    ("We are unable to grade this neuroendocrine tumour on the material received. Ki-67 5%.", 5.0, None),
    ("Poorly differentiated neuroendocrine carcinoma; cannot be graded on this crushed sample.", None, None),
])
def test_cannot_be_graded_stops_derivation(extract, text, ki67, mitoses):
    ex = extract(text, "PATHOLOGY")
    row = ex.row
    assert (row["who_grade"], row["who_grade_source"]) == (None, None)
    assert (row["ki67_percent"], row["mitoses_per_2mm2"]) == (ki67, mitoses)
    assert "not_gradable" in {m["value_norm"] for m in ex.mentions if m["label"] == "GRADE"}


@pytest.mark.parametrize("text,grade,source", [
    ("Frozen section: NET, cannot be graded on frozen material.\nFinal diagnosis: well differentiated NET, "
     "WHO grade 2. Ki-67 1%.", "G2", "stated"),                                         # a stated grade wins
    ("NET. Grade cannot be assessed until the Ki-67 is available.\nADDENDUM: Ki-67 14%.", "G2", "ki67"),  # NEG: waits
    ("NET. Mitoses cannot be assessed on cytology material. Ki-67 6%.", "G2", "ki67"),   # NEG: mitoses, not grade
    ("MiNEN. The adenocarcinoma component cannot be graded. Ki-67 of the NEC component 70%.", "G3", "ki67"),  # NEG
    ("Well differentiated NET. The margin cannot be assessed. Ki-67 2%.", "G1", "ki67"),  # NEG: margin
])
def test_cannot_be_graded_negatives(extract, text, grade, source):
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == (grade, source)


# A grade the report corrects replaces the earlier stated grade (else the highest stated grade wins).
@pytest.mark.parametrize("text,grade", [
    ("Well differentiated NET, G3. Ki-67 25%.\nAddendum: after review the grade is downgraded to G2.", "G2"),
    ("NET, WHO grade 3.\nAmended report: grade amended from G3 to G2 (Ki-67 recount).", "G2"),
    ("NET, grade 1.\nSupplementary report: mitoses 4 per 2 mm2; re-graded as G2.", "G2"),
    ("NET, G2. Ki-67 3%.\nAddendum: Ki-67 24%; the grade is revised to well differentiated NET G3.", "G3"),
    ("A. Pancreas: NET, G1.\nB. Liver: metastatic NET, G2.", "G2"),                   # NEG: no correction, highest
    ("NET, G2 (preliminary).\nADDENDUM: Ki-67 1%, G1.", "G2"),                         # NEG: no correction word
])
def test_corrected_grade(extract, text, grade):
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == (grade, "stated")


def test_grade_after_dotted_leaders(extract):
    row = extract("HISTOLOGIC TYPE ...... Well-differentiated neuroendocrine tumor\nHISTOLOGIC GRADE ...... 2", "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == ("G2", "stated")


# --- blind2 regressions: a grade in the descriptor list of the NE component of a MiNEN -----------------------
@pytest.mark.parametrize("text,grade,source", [
    ("MiNEN composed of large cell neuroendocrine carcinoma (50%), poorly differentiated, high grade, "
     "and adenocarcinoma (50%). Ki-67 80%.", "G3", "stated"),                          # grade before 'and adeno...'
    ("Mixed neoplasm: neuroendocrine carcinoma, high grade; adenocarcinoma component 40%. Ki-67 70%.",
     "G3", "stated"),                                                                   # ';' then the other tumour
    ("Neuroendocrine tumour, grade 2, with adjacent tubular adenoma. Ki-67 4%.", "G2", "stated"),  # adenoma after
    ("Neuroendocrine tumour nearby; high grade adenocarcinoma in the colon. Ki-67 2%.", "G1", "ki67"),  # runs on into adeno
])
def test_grade_blind2_component_list(extract, text, grade, source):
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == (grade, source)


@pytest.mark.parametrize("text,grade", [
    ("Diagnosis: metastatic poorly differentiated neuroendocrine carcinoma, large cell type (high grade). MIB1 80%.", "G3"),
    ("Diagnosis: typical carcinoid (well-differentiated neuroendocrine tumour, low grade), 2.1 cm. Ki-67 1.5%.", "G1"),
])
def test_grade_word_in_brackets_is_stated(extract, text, grade):
    row = extract(text, "PATHOLOGY").row
    assert (row["who_grade"], row["who_grade_source"]) == (grade, "stated")

"""MARGIN mentions and margin_status."""
import pytest


@pytest.mark.parametrize("text,expected", [
    ("pT3 pN1 R0 resection.", "R0"),                                          # explicit R0
    ("Resection status: R1.", "R1"),                                          # explicit R1
    ("Macroscopic residual tumour at the mesenteric root (R2).", "R2"),       # R2
    ("Resection margins negative; closest margin 6 mm.", "R0"),               # margins negative
    ("Margins: all margins free of tumour.", "R0"),                           # free of tumour
    ("Margins: Uninvolved (closest 1.1 cm).", "R0"),                          # synoptic
    ("Surgical margin involvement: No.", "R0"),                               # yes/no synoptic
    ("Tumour is present at the inked transection margin.", "R1"),             # tumour at margin
    ("The pancreatic neck margin is involved by tumour.", "R1"),              # involved
    ("Superior margin free; new pancreatic margin focally involved.", "R1"),  # the worst wins
    ("Closest margin 6 mm.", None),                                           # a distance only
    ("No lymphovascular invasion.", None),                                    # unrelated negation
])
def test_margin(extract, text, expected):
    assert extract("Pancreas, distal pancreatectomy: neuroendocrine tumour.\n" + text, "PATHOLOGY").row["margin_status"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Margins clear (closest 2 mm, mesenteric).", "R0"),                                   # clear with distance
    ("The tumour extends to the inked mesenteric margin. Bowel ends are clear.", "R1"),     # inked margin, worst wins
    ("Macroscopic: Gastrectomy with an antral tumour.\nMargins: proximal and distal margins clear", "R0"),  # synoptic after gross
    ("Macroscopic: the margin was inked blue; tumour appears 5 mm from it and grossly clear.", None),    # NEG: gross only
])
def test_margin_other_styles(extract, text, expected):
    assert extract("Stomach, distal gastrectomy: neuroendocrine tumour.\n" + text, "PATHOLOGY").row["margin_status"] == expected


@pytest.mark.parametrize("text,expected", [
    # the inked surface stands for the margin
    ("TUMOR IS PRESENT AT THE INKED ENUCLEATION SURFACE (FOCAL).", "R1"),
    ("Tumour extends to the inked resection surface.", "R1"),
    ("Carcinoma touches ink.", "R1"),
    ("Tumour cells reach the painted surface.", "R1"),
    ("The inked resection surface is focally involved.", "R1"),
    ("Tumour is 0 mm from the inked surface.", "R1"),                    # a distance of 0 is at ink
    ("Tumour is 2 mm from the inked surface.", "R0"),
    ("The tumour is clear of the inked enucleation surface by 0.5 mm.", "R0"),  # clear of the inked surface
    ("The tumour is present at the inked enucleation surface.", "R1"),          # NEG: at ink
    ("Tumour lies 0.5 mm from the nearest inked surface.", "R0"),
    ("Ink is free of tumour.", "R0"),
    ("The inked surfaces are free of tumour.", "R0"),
    ("No tumour at the inked surface.", "R0"),
    ("Tumour does not reach the ink.", "R0"),
    ("Tumour is not present at the inked enucleation surface.", "R0"),
    # NEG: ink without a tumour statement
    ("The specimen surface is inked black.", None),
    ("Sections of the inked surface show fibrosis.", None),
])
def test_inked_surface_without_the_word_margin(extract, text, expected):
    assert extract("Pancreas, enucleation: neuroendocrine tumour.\n" + text, "PATHOLOGY").row["margin_status"] == expected


@pytest.mark.parametrize("text,expected", [
    # an explicitly superseded or original margin gives way to the final one
    (" A. Original neck margin: involved by NET (superseded by C).\n C. Final neck margin: negative for tumour.", "R0"),
    ("Initial bile duct margin: involved. Re-excised bile duct margin: clear.", "R0"),
    ("The original neck margin was involved (superseded by the re-excision); the final neck margin is clear.", "R0"),
    ("Neck margin involved (superseded by part C). Part C margin: clear.", "R0"),
    # a frozen-section margin gives way to the final report's margins
    ("Frozen section: tumour present at the neck margin.\nDiagnosis: NET. All margins clear.", "R0"),
    # NEG: without supersession wording the worst margin still wins
    ("Pancreatic neck margin involved. Uncinate margin free.", "R1"),
    ("Final margin: clear. Neck margin: involved.", "R1"),
    ("Superior margin free; new pancreatic margin focally involved.", "R1"),
    # NEG: a frozen-section margin alone is still the report's margin
    ("Frozen section: tumour present at the neck margin.\nDiagnosis: NET.", "R1"),
])
def test_superseded_and_frozen_margins(extract, text, expected):
    assert extract("Pancreas, distal pancreatectomy: neuroendocrine tumour.\n" + text, "PATHOLOGY").row["margin_status"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Accession: SP25-19015-R1. Diagnosis: well-differentiated NET G1, margins clear.", "R0"),   # a code, not R1
    ("Resection: R0. Well-differentiated NET G1.", "R0"),
    ("Well-differentiated NET G1, R1 (distal margin).", "R1"),
])
def test_r_class_never_read_inside_a_code(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["margin_status"] == expected

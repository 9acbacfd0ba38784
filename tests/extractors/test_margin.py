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

"""KI67 mentions and the ki67_percent column."""
import pytest

from pathology_helpers import mentions


@pytest.mark.parametrize("text,expected", [
    ("Ki-67: 12%.", 12.0),                                      # hyphen
    ("Ki67 index 12 %.", 12.0),                                 # no hyphen, space before %
    ("Ki 67 labelling index: 12 percent.", 12.0),               # space, word percent
    ("MIB-1 labeling index approximately 15%.", 15.0),          # MIB-1 clone name
    ("MIB1: ~15%.", 15.0),                                      # MIB1, tilde
    ("The proliferative index is 4%.", 4.0),                    # proliferative index
    ("Proliferation index (Ki-67) 7%.", 7.0),                   # proliferation index
    ("Ki-67 <1%.", 1.0),                                        # bound
    ("Ki-67 index is less than 2%.", 2.0),                      # bound in words
    ("Ki-67: ≤3%.", 3.0),                                       # unicode bound
    ("Ki-67: 10-15% (hot spot).", 15.0),                        # range -> upper
    ("Ki-67 index 10 to 15%.", 15.0),                           # range in words
    ("Ki-67: 1-2% (hot spot).", 2.0),                           # small range
    ("Ki-67: 8 of 500 cells.", 1.6),                            # count
    ("Ki-67: I%.", 1.0),                                        # OCR I for 1
    ("Ki-67: 5 %.", 5.0),                                       # OCR spacing
    ("Approximately 20% of tumour cells are positive for Ki-67.", 20.0),  # value before label
])
def test_ki67_values(extract, text, expected):
    row = extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY").row
    assert row["ki67_percent"] == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "Ki-67: pending.",                         # pending -> null, never 0
    "Ki-67 immunostain was not performed.",    # not performed
    "Ki-67: not assessable (crush artefact).", # not assessable
    "Chromogranin positive in 80% of cells.",  # another stain's percentage
])
def test_ki67_null(extract, text):
    ex = extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY")
    assert ex.row["ki67_percent"] is None


def test_ki67_pending_is_traceable(extract):
    ex = extract("Ki-67: pending.", "PATHOLOGY")
    assert [m["value_norm"] for m in mentions(ex, "KI67")] == ["pending"]


@pytest.mark.parametrize("text,expected", [
    ("Ki-67 averages 5%, with hot spots up to 12%.", 12.0),                       # hot spot vs average
    ("A. Pancreas: NET, Ki-67 4%.\nB. Liver: metastatic NET, Ki-67 9%.", 9.0),     # two current specimens
    ("CLINICAL HISTORY: Prior biopsy Ki-67 30%.\n\nDIAGNOSIS: NET, Ki-67 3%.", 3.0),  # history is not current
    ("Ki-67: 12%. Comment: the jejunal primary (2020) was G1 with a Ki-67 of 20%.", 12.0),  # other specimen
    ("Ki-67: 150%.", None),                                                        # invalid
])
def test_ki67_policy(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["ki67_percent"] == expected


# Phenomena from fixtures/pathology_dev (reports written in other styles): each row has a negative twin.
@pytest.mark.parametrize("text,expected", [
    ("NET. Ki-67: 28% (global) / 41% (hot-spot).", 41.0),                              # second value after a slash
    ("NET. Ki-67: 5% / chromogranin 80%.", 5.0),                                       # NEG: a slash then another stain
    ("NET. We repeated the Ki-67 immunostain. In a hot-spot count of 1000 tumour cells the index is 9%.", 9.0),  # 'the index is'
    ("NET. In a hot-spot count of 1000 tumour cells the index is 9%.", None),           # NEG: no Ki-67 label near
    ("NET. Our repeat Ki-67 (MIB-1) on block B2, counted in the hot-spot after excluding lymphocytes, is 16%.", 16.0),  # long gap
    ("NET. Ki-67 staining was weak and chromogranin was positive in 80% of cells.", None),  # NEG: another stain in the gap
])
def test_ki67_other_styles(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["ki67_percent"] == expected


@pytest.mark.parametrize("text,expected", [
    # consult: the reviewing pathologist's value, not the outside one
    ("Outside diagnosis: well-differentiated NET, grade 3 (Ki-67 24%).\nOur repeat Ki-67 is 16%.\n"
     "Consult diagnosis: well-differentiated NET, WHO grade 2.", (16.0, "G2")),
    ("Diagnosis: well-differentiated NET, grade 3 (Ki-67 24%).", (24.0, "G3")),                    # NEG: own diagnosis
    # a prior specimen quoted inside the diagnosis
    ("Lymph node: metastatic NET. Ki-67 2%.\nComment: similar to the 2019 ileal primary (Ki-67 4%, G2).", (2.0, "G1")),
    ("Lymph node: metastatic NET. Compared with the primary, Ki-67 is higher at 12%.", (12.0, "G2")),  # NEG: no parenthesis
])
def test_other_opinion_and_prior_specimen(extract, text, expected):
    row = extract(text, "PATHOLOGY").row
    assert (row["ki67_percent"], row["who_grade"]) == expected


# A value the report itself withdraws or corrects is never used; otherwise preliminary + addendum -> highest.
@pytest.mark.parametrize("text,expected", [
    ("NET. Ki-67: 30%.\nAddendum: the Ki-67 section was stained from another patient's block and is withdrawn. "
     "Ki-67 on the correct block: 6%.", 6.0),
    ("NET. MIB-1 index 40%.\nAmended report: the MIB-1 slide was cut from the wrong block. Repeat MIB-1: 12%.", 12.0),
    ("NET. Ki-67 index 18%.\nCorrected report: Ki-67 corrected to 4% (previously reported as 18%).", 4.0),
    ("NET. Ki-67 index 18%.\nAddendum: Ki-67 4% on recount; the earlier value of 18% is erroneous.", 4.0),
    ("NET. Ki-67 22%.\nAddendum: Ki-67 repeated: 9% (this replaces the previously reported value of 22%).", 9.0),
    ("NET. Ki-67 2%. Please disregard the previously reported Ki-67 of 15%.", 2.0),
    ("NET. Ki-67 index 25%.\nAmended: the previously reported Ki-67 of 25% is withdrawn; the repeat index is 8%.", 8.0),
    ("NET. Ki-67 12%.\nAddendum: Ki-67 result retracted (specimen mix-up).", None),          # withdrawn, none left
    ("NET. Ki-67 3% (preliminary).\nADDENDUM: Ki-67 repeated on deeper levels: 24%.", 24.0),   # NEG: no withdrawal
    ("NET. Ki-67 12%. Ki-67 was also performed on another block (A3): 9%.", 12.0),            # NEG: another block
    ("NET. Ki-67 hot spot 15%, average 4%. The earlier biopsy was reported elsewhere.", 15.0),  # NEG: no value named
])
def test_withdrawn_and_corrected_values(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["ki67_percent"] == expected


def test_withdrawal_is_traceable(extract):
    ex = extract("NET. Ki-67 18%.\nAddendum: Ki-67 corrected to 4% (previously reported as 18%).", "PATHOLOGY")
    assert [m["value_norm"] for m in mentions(ex, "KI67")] == [None, None, "withdrawn"]


@pytest.mark.parametrize("text,expected", [
    ("KI-67 LABELING INDEX ............. 5 - 8 %", 8.0),      # dotted leaders as a separator
    ("Ki-67 | hot spot | 11%", 11.0),                          # pipe table
    ("Moreover 20% of tumour cells are positive for Ki-67.", 20.0),
])
def test_ki67_separators(extract, text, expected):
    assert extract("Well-differentiated neuroendocrine tumour.\n" + text, "PATHOLOGY").row["ki67_percent"] == expected


# --- blind2 regressions: a cell count is not a year; OCR 'Kl-67' and '1O%' ---------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Ki-67: 60 of 2000 tumour cells positive in the hot spot.", 3.0),        # '2000' is a count, not a year
    ("MIB-1 stains 45 of 1500 tumor cells in the densest area.", 3.0),        # another count of cells
    ("Ki-67 index: 30/2000 neoplastic nuclei.", 1.5),                          # slash count, nuclei
    ("Kl-67: 1O% (hot spot).", 10.0),                                          # OCR l for i, O for zero
    ("KI-67 1O %.", 10.0),                                                     # OCR O, spaced per cent
    ("Ki67 labelling index 2O percent.", 20.0),                                # OCR O, word percent
])
def test_ki67_blind2_values(extract, text, expected):
    row = extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY").row
    assert row["ki67_percent"] == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "The primary resected in 2019 had a Ki-67 of 4%.",                        # a dated specimen still excluded
    "Ki-67 on the 2020 resection specimen: 6%.",                               # dated resection
    "Ki-67 on the prior biopsy was 12%.",                                      # prior biopsy
])
def test_ki67_blind2_other_specimen_still_null(extract, text):
    row = extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY").row
    assert row["ki67_percent"] is None


# A peak value after the average past a ';', a count of positive nuclei, and an index named with its area.
@pytest.mark.parametrize("text,expected", [
    ("Ki-67: average 1%; hot spot 3-5%.", 5.0),
    ("Ki-67 (MIB-1): average 8%; hot spot up to 23%.", 23.0),
    ("Ki-67: 3%; necrotic areas 20%.", 3.0),                                        # NEG: only a peak word may follow
    ("Ki-67: 31 positive nuclei of 1250 tumour cells counted.", 2.48),
    ("Ki-67: 40 positive nuclei among 1000 tumor cells counted in the hottest area.", 4.0),
    ("Ki-67: 12 positive cells of 600 counted cells.", 2.0),
    ("Ki-67: staining is patchy; the index in the best-preserved area is approximately 5-10%.", 10.0),
    ("Ki-67 2%. Mitoses 1 per 10 HPF; the index in the liver core is 4%.", 4.0),
])
def test_ki67_peak_after_semicolon_and_counts(extract, text, expected):
    assert extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY").row["ki67_percent"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Ki-67: 15%. ADDENDUM: the Ki-67 was recounted on block A7 in the hot spot by digital image analysis "
     "(2,150 tumour cells): 24%.", 24.0),
    ("Ki-67 was repeated on block B2 and is 8%.", 8.0),
    ("Ki-67 was repeated; result to follow.", None),                                     # NEG: no value yet
])
def test_ki67_recount_with_its_method_before_the_value(extract, text, expected):
    assert extract("Well-differentiated neuroendocrine tumour. " + text, "PATHOLOGY").row["ki67_percent"] == expected

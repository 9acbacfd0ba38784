"""SPECIMEN_SITE / PROCEDURE mentions and the specimen_site and procedure columns."""
import pytest


@pytest.mark.parametrize("text,site,procedure", [
    ("Specimen: Liver, segment 7 lesion, core needle biopsy.", "liver", "biopsy"),          # labelled line
    ("Pancreas, tail mass, EUS-guided fine-needle biopsy:\nNET.", "pancreas", "biopsy"),     # part header
    ("A. PANCREATIC HEAD, PANCREATICODUODENECTOMY (WHIPPLE):\nNET.", "pancreas", "resection"),  # Whipple
    ("Small bowel (ileum), segmental resection:\nNET.", "small_bowel", "resection"),         # small bowel
    ("Lymph node, mesenteric, excision:\nMetastatic NET.", "lymph_node", "resection"),       # lymph node
    ("Omentum, core biopsy:\nMetastatic NET.", "other", "biopsy"),                            # other site
    ("Specimen: Right hemicolectomy including terminal ileum.", "small_bowel", "resection"), # named organ beats the operation
    ("Specimen: Total gastrectomy.", "other", "resection"),                                   # stomach is other
    ("Lymph nodes: 2 of 12 involved.", None, None),                                           # a result line, not a specimen
])
def test_specimen(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)


def test_history_procedure_is_not_the_specimen(extract):
    text = "CLINICAL HISTORY: Ileal NET resected in 2019.\n\nSpecimen: Liver, segment 6, core biopsy."
    assert extract(text, "PATHOLOGY").row["procedure"] == "biopsy"


@pytest.mark.parametrize("text,site,procedure", [
    # multi-part report: the part holding the tumour gives site and procedure
    ("PART A: GALLBLADDER, CHOLECYSTECTOMY\n - Chronic cholecystitis.\nPART B: JEJUNUM, SEGMENTAL RESECTION\n"
     " - Well-differentiated neuroendocrine tumour.", "small_bowel", "resection"),
    ("Part A: Stomach, antrum, biopsies\nChronic gastritis.\n\nPart B: Duodenum, D2 nodule, cold snare polypectomy\n"
     "Well-differentiated neuroendocrine tumour.", "small_bowel", "resection"),
    ("Part A: Liver, segment 4b, wedge resection\nMetastatic NET.\n\nPart B: Para-aortic lymph node, core biopsy\n"
     "Metastatic NET.", "liver", "resection"),                                              # NEG: both parts: the first
    ("Part A: Stomach, antrum, biopsies\nNo tumour.\n\nPart B: Duodenum, biopsy\nNo tumour.", "other", "biopsy"),  # NEG: no tumour part
    # consult letters
    ("Material received: 6 slides from the referring hospital: pancreas, tail, distal pancreatectomy.\nNET G2.",
     "pancreas", "resection"),
    ("Consult diagnosis: Pancreas, body, EUS-guided fine-needle biopsy: well-differentiated NET, G3.", "pancreas", "biopsy"),
    ("Diagnosis: Metastatic NET, consistent with the known ileal primary.", None, None),      # NEG: not a specimen designation
])
def test_specimen_other_styles(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)

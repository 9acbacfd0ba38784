"""SPECIMEN_SITE / PROCEDURE mentions and the specimen_site and procedure columns."""
import pytest


@pytest.mark.parametrize("text,site,procedure", [
    ("Specimen: Liver, segment 7 lesion, core needle biopsy.", "liver", "biopsy"),          # labelled line
    ("Pancreas, tail mass, EUS-guided fine-needle biopsy:\nNET.", "pancreas", "biopsy"),     # part header
    ("A. PANCREATIC HEAD, PANCREATICODUODENECTOMY (WHIPPLE):\nNET.", "pancreas", "resection"),  # Whipple
    ("Small bowel (ileum), segmental resection:\nNET.", "small_bowel", "resection"),         # small bowel
    ("Lymph node, mesenteric, excision:\nMetastatic NET.", "lymph_node", "resection"),       # lymph node
    ("Omentum, core biopsy:\nMetastatic NET.", "other", "biopsy"),                            # other site
    ("Specimen: Right hemicolectomy including terminal ileum.", "other", "resection"),   # the operation's own parts
    ("Specimen: Right hemicolectomy incl. terminal ileum and mesentery.", "other", "resection"),
    ("Specimen: Terminal ileum and caecum, right hemicolectomy.", "other", "resection"),
    ("Specimen: Terminal ileum and caecum, ileocaecal resection.", "small_bowel", "resection"),   # NEG: no colectomy
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


@pytest.mark.parametrize("text,site,procedure", [
    # specimen list at the top, diagnoses in a separate block: parts are matched by their label
    ("Specimens submitted:\n 1) Ileum, segmental resection\n 2) Liver, segment 3 lesion, core biopsy\n\nFinal diagnosis:\n"
     " 1) Well-differentiated neuroendocrine tumour, 19 mm.\n 2) Benign liver tissue; no tumour seen.", "small_bowel", "resection"),
    ("Specimens:\n1) Gallbladder, cholecystectomy\n2) Pancreas, tail, distal pancreatectomy\n\nDiagnosis:\n"
     "1) Chronic cholecystitis.\n2) Well-differentiated neuroendocrine tumour, G1.", "pancreas", "resection"),
    ("A) Jejunum, segmental resection\nB) Gallbladder, cholecystectomy\n\nDIAGNOSIS:\n"
     "A) Well-differentiated neuroendocrine tumour, 12 mm.\nB) Cholelithiasis.", "small_bowel", "resection"),
    ("Part A - Liver, segment 3, core biopsy\nPart B - Stomach, antrum, biopsies\n\nMicroscopic diagnosis:\n"
     "Part A: Metastatic well-differentiated neuroendocrine tumour.\nPart B: Chronic gastritis.", "liver", "biopsy"),
    ("SPECIMENS:\n(A) Stomach, body, biopsies\n(B) Duodenum, D2 polyp, polypectomy\nDIAGNOSIS:\n(A) Oxyntic mucosa, no tumour.\n"
     "(B) Well differentiated neuroendocrine tumour, 6 mm.", "small_bowel", "resection"),
    # NEG: an unlabelled diagnosis after the list is not the last part's: the first-listed specimen
    ("Specimens:\nA. Ileum, resection\nB. Liver, wedge excision\n\nDiagnosis: Well-differentiated neuroendocrine tumour in "
     "both specimens.", "small_bowel", "resection"),
    # NEG: a numbered note below the parts does not pick the part with that number
    ("PART 1: LYMPH NODE, SUBCARINAL, BIOPSY -\nBenign lymph node.\nPART 2: LUNG, RIGHT LOWER LOBE, LOBECTOMY -\n"
     "A. Typical carcinoid tumour, 2 cm.\nNOTE:\n(1) Nodal metastases of neuroendocrine tumour occur in 10% of cases.",
     "other", "resection"),
])
def test_specimen_list_then_diagnoses(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)


@pytest.mark.parametrize("text,site,procedure", [
    # specimen lines with other labels and separators
    ("SPECIMEN ........ Terminal ileum\nPROCEDURE ....... Segmental resection\nHISTOLOGIC TYPE .... Well-differentiated "
     "neuroendocrine tumor", "small_bowel", "resection"),                                    # dotted leaders
    ("Nature of specimen: Liver, segment 5 lesion, trucut biopsy\nDiagnosis: metastatic NET.", "liver", "biopsy"),
    ("Specimen type: Pancreas, EUS-FNB\nDiagnosis: NET.", "pancreas", "biopsy"),
    ("Type of specimen: Lymph node, mesenteric, excision\nMetastatic NET.", "lymph_node", "resection"),
    ("Specimen(s) received: Duodenum, D2 polyp, cold snare polypectomy\nDiagnosis: NET G1.", "small_bowel", "resection"),
    ("Operation: Right hemicolectomy\nDiagnosis: NET of the caecum.", "other", "resection"),
    # a designation after Impression / Conclusion / Opinion, as after Diagnosis
    ("Impression: Jejunum, segmental resection - well differentiated neuroendocrine tumour.", "small_bowel", "resection"),
    ("Conclusion: Liver, core biopsy: metastatic NET.", "liver", "biopsy"),
    ("Opinion: Pancreas, head, Whipple resection: NET G1.", "pancreas", "resection"),
    ("Lymph node, station 7, EBUS-TBNA: metastatic carcinoid tumour.", "lymph_node", "biopsy"),
    ("Mediastinal lymph node, EBUS-TBNA cell block: metastatic NET.", "lymph_node", "biopsy"),
    ("Lymph node, station 4R, EBUS-TBNA: metastatic atypical carcinoid. Not small cell carcinoma.", "lymph_node", "biopsy"),
    ("(B) Distal stomach/duodenum/head of pancreas, Whipple procedure:\nNET G2.", "pancreas", "resection"),  # Whipple: pancreas
    # NEG: not specimen designations
    ("Impression: Metastatic NET, consistent with an ileal primary.", None, None),
    ("Source: referring hospital, slides only.\nDiagnosis: NET.", None, None),
    ("Conclusion: Liver lesion most likely a metastasis; correlate with imaging.", None, None),
    ("Operation date: 12/03/2024\nNET.", None, None),
    ("Regional lymph nodes: 0/6; resection margins clear.\nNET of the ileum.", None, "resection"),
])
def test_specimen_labels_and_designations(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)


@pytest.mark.parametrize("text,site,procedure", [
    ("Liver, segment 8, EUS-FNA:\nMetastatic NET.", "liver", "biopsy"),
    ("Pancreas, head, EUS-FNB cell block: well-differentiated NET.", "pancreas", "biopsy"),
    ("Lymph node, mediastinal, fine needle aspiration: metastatic NET.", "lymph_node", "biopsy"),  # not a resection
    ("Specimen: Duodenum, D1 nodule, forceps biopsis x2\nDiagnosis: NET.", "small_bowel", "biopsy"),  # typo
    ("Specimen: Liver, cores x3\nDiagnosis: metastatic NET.", "liver", "biopsy"),
    ("Microscopy: Two cores of liver infiltrated by a well-differentiated neuroendocrine tumour.", None, "biopsy"),
    # a field that does not apply because of the procedure does not negate the procedure
    ("Specimen: Stomach, body polyp\nDiagnosis: NET G1.\nMargins: not applicable (biopsy).", "other", "biopsy"),
    ("Specimen: Rectal nodule\nDiagnosis: NET G1.\nMargin status: N/A - endoscopic biopsy.", "other", "biopsy"),
    ("Specimen: Lymph node, inguinal, excisional biopsy\nMetastatic NET.", "lymph_node", "resection"),  # whole node out
    ("Specimen: Liver, segment 2, incisional biopsy\nMetastatic NET.", "liver", "biopsy"),
    # NEG: a procedure said not to have been done
    ("Specimen: Liver lesion\nDiagnosis: NET.\nNo biopsy of the pancreas was performed.", "liver", None),
])
def test_procedure_words(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)


@pytest.mark.parametrize("text,site,procedure", [
    # an organ left in place is not the specimen
    ("Procedure: Distal pancreatectomy, spleen-preserving\nDiagnosis: NET G1.", "pancreas", "resection"),
    ("Specimen: Spleen-preserving distal pancreatectomy\nDiagnosis: NET G1.", "pancreas", "resection"),
    ("Specimen: Distal pancreas (spleen preserved), distal pancreatectomy\nNET.", "pancreas", "resection"),
    ("Procedure: Distal pancreatectomy with preservation of the spleen\nNET.", "pancreas", "resection"),
    ("Specimen: Rectum, sphincter-sparing local excision\nNET.", "other", "resection"),
    # the organ after "X-preserving" is the one removed: only X is left
    ("Specimen: Pylorus-preserving pancreaticoduodenectomy.\nDiagnosis: duodenal NET, G2.", "pancreas", "resection"),
    ("Specimen: pylorus-sparing pancreatoduodenectomy (PPPD)\nNET G1.", "pancreas", "resection"),
    # NEG: a removed spleen is a specimen
    ("Specimen: Spleen, splenectomy\nDiagnosis: metastatic NET.", "other", "resection"),
    ("Specimen: Distal pancreas and spleen, distal pancreatectomy with splenectomy\nNET.", "pancreas", "resection"),
])
def test_spared_organ_is_not_the_specimen(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)


@pytest.mark.parametrize("line,label", [
    ("A. Liver", "A"), (" 2) Pancreas", "2"), ("Part b: Ileum", "B"), ("(C) Node", "C"), ("PART 11: LUNG", "11"),
    ("Specimen 2 - Liver", "2"), ("Part A - Liver", "A"),
    ("1.5 cm nodule", None), ("e.g. liver", None), ("Partial gastrectomy", None), ("Specimen received", None),
])
def test_part_marker(line, label):
    from extractors._pathology_common import PART_MARKER, part_label
    match = PART_MARKER.match(line)
    assert (part_label(match) if match else None) == label


@pytest.mark.parametrize("text,site", [
    ("Specimen: Stomach, duodenum and pancreas: Whipple resection\nNET G2.", "pancreas"),   # the operation names it
    ("Liver: metastatic NET, consistent with the pancreatic primary (prior Whipple resection).", "liver"),  # NEG
])
def test_pancreatic_operation_specimen(extract, text, site):
    assert extract(text, "PATHOLOGY").row["specimen_site"] == site


# --- blind2 regressions: dictated labels mid-line; the operation named in the clinical notes ----------------
DICTATED = ("surgical pathology report specimen labeled small bowel mass gross received in formalin is a segment "
            "of small bowel 12 cm microscopic sections show a well differentiated neuroendocrine tumor "
            "diagnosis small bowel ileum segmental resection well differentiated neuroendocrine tumor grade 1")


@pytest.mark.parametrize("text,site,procedure", [
    (DICTATED, "small_bowel", "resection"),                                                    # dictated diagnosis label
    ("received fresh final diagnosis liver core biopsy metastatic well differentiated neuroendocrine tumor",
     "liver", "biopsy"),                                                                        # final diagnosis, biopsy
    ("gross as described diagnosis pancreas tail distal pancreatectomy neuroendocrine tumor grade 2",
     "pancreas", "resection"),                                                                  # pancreas
    ("the diagnosis is a neuroendocrine tumor", None, None),                                    # no organ after the label
    ("Specimen: Appendix.\nClinical notes: Laparoscopic appendicectomy for acute appendicitis.\n"
     "Microscopic: well differentiated neuroendocrine tumour at the tip.", "other", "resection"),  # operation in notes
    ("Specimen: Pancreas.\nClinical history: Whipple procedure for a pancreatic head mass.\n"
     "Diagnosis: well differentiated neuroendocrine tumour.", "pancreas", "resection"),       # Whipple in the notes
    ("Specimen: Appendix.\nClinical notes: appendicectomy in 2015 for appendicitis.\n"
     "Diagnosis: well differentiated neuroendocrine tumour.", "other", None),                  # a dated operation
    ("Specimen: Liver.\nClinical notes: right hemicolectomy for an ileal NET.\n"
     "Diagnosis: metastatic well differentiated neuroendocrine tumour.", "liver", None),      # another organ's operation
])
def test_specimen_blind2(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)


def test_revised_report_header_names_the_specimen(extract):
    text = ("Accession: SP25-19015-R1\nREVISED REPORT - SMALL BOWEL, SEGMENTAL RESECTION (JEJUNUM)\n"
            "Revised diagnosis: Jejunum: well-differentiated neuroendocrine tumour, WHO grade 2, 1.4 cm, invading the "
            "submucosa (pT1). Proximal and distal resection margins clear (30 mm and 55 mm).")
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"], row["primary_site"], row["margin_status"]) == \
        ("small_bowel", "resection", "jejunum", "R0")


# A specimen line opened by its operation or biopsy word, or written as a cell of a summary table; EMR/ESD/polypectomy.
@pytest.mark.parametrize("text,site,procedure", [
    ("PANCREATICODUODENECTOMY (WHIPPLE)\nTumour site: pancreatic head\nHistologic type: well-differentiated "
     "neuroendocrine tumour", "pancreas", "resection"),
    ("Duodenum, second part, 9 mm sessile lesion - EMR (en bloc)\n\nSections show a well-differentiated "
     "neuroendocrine tumour.", "small_bowel", "resection"),
    ("Rectum, polypectomy: well-differentiated neuroendocrine tumour.", "other", "resection"),
    ("Endoscopic biopsies, stomach - 4 containers\n1. Body polyp: well-differentiated neuroendocrine tumour.", "other",
     "biopsy"),
    ("Laparoscopic biopsy, omental nodules (x2).\nMicro: well-differentiated neuroendocrine tumour.", "other", "biopsy"),
    ("DIAGNOSTIC SUMMARY\n| Liver, segment 7, percutaneous biopsy: metastatic neuroendocrine tumour |", "liver",
     "biopsy"),
    ("Clinical history: s/p right hepatectomy 2019.\nComment: metastatic neuroendocrine tumour.", None, None),  # NEG
])
def test_specimen_lines_led_by_their_operation(extract, text, site, procedure):
    row = extract(text, "PATHOLOGY").row
    assert (row["specimen_site"], row["procedure"]) == (site, procedure)

"""PRIMARY_SITE mentions and primary_site."""
import pytest


@pytest.mark.parametrize("text,expected", [
    ("Liver, core biopsy: metastatic NET, consistent with the known ileal primary.", "ileum"),      # ileal primary
    ("Liver, core biopsy: metastatic NET, consistent with pancreatic origin.", "pancreas"),         # origin
    ("Tumor site: Proximal jejunum\nHistologic type: Well-differentiated neuroendocrine tumor", "jejunum"),  # synoptic
    ("Well-differentiated neuroendocrine tumour of the duodenum.", "duodenum"),                     # NET of the X
    ("Liver, core biopsy: metastatic NEC; the primary site cannot be determined.", "unknown"),      # unknown
    ("Pancreas, tail, EUS-guided biopsy:\nWell-differentiated neuroendocrine tumour.", "pancreas"), # organ of a NET specimen
    ("Liver, core biopsy: metastatic well-differentiated neuroendocrine tumour.", None),            # not stated
    ("Liver, core biopsy: NET. No pancreatic primary is identified on imaging.", None),             # negated
])
def test_primary_site(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["primary_site"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Liver, core biopsy: metastatic NET; the profile favours a midgut (ileal) primary.", "ileum"),   # parenthesised adjective
    ("Pancreas, EUS-FNA: features of a primary pancreatic ductal adenocarcinoma.", "pancreas"),     # 'primary <organ> <tumour>'
    ("Ileocaecal resection: multifocal well differentiated neuroendocrine tumours of the terminal ileum.", "ileum"),  # plural
    ("Liver, core biopsy: metastatic NET. Staging for a primary pancreatic resection.", None),       # NEG: no tumour noun
])
def test_primary_site_other_styles(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["primary_site"] == expected


@pytest.mark.parametrize("text,expected", [
    # 'small bowel' refined by the part a specimen designation names
    ("Clinical: Small bowel NET with liver metastases.\n\nPart A: Liver, segment 4, wedge excision\n Metastatic NET.\n"
     "Part B: Small bowel (distal ileum), segmental resection\n Well-differentiated NET.", "ileum"),
    ("Small intestinal neuroendocrine tumour, 2 cm.\nSpecimen: Small bowel (jejunum), segmental resection", "jejunum"),
    ("Specimens:\n1) Ileum, segmental resection\n2) Liver, wedge\nDiagnosis:\n1) Small bowel NET, G1.\n2) Benign.", "ileum"),
    # NEG: two different parts named: the segment stays unspecified
    ("Small bowel NET, multifocal.\nPart A: Jejunum, segmental resection\nNET.\nPart B: Ileum, segmental resection\nNET.",
     "small_bowel"),
    # a lung lobe names the lung
    ("Lymph node, station 4R, EBUS-TBNA: metastatic atypical carcinoid, consistent with spread from the left upper "
     "lobe mass.", "lung"),
    ("Liver, core biopsy: metastatic carcinoid tumour in keeping with the known RLL primary.", "lung"),
    ("Liver, core biopsy: metastatic NET; metastasis from a pancreatic primary is favoured.", "pancreas"),
    ("Liver, core biopsy: metastatic NET, in keeping with a right lower lobe primary.", "lung"),
    # NEG: a liver lobe is not a lung lobe; an excluded source is not the primary
    ("Liver, right lobe, core biopsy: metastatic NET.", None),
    ("Liver, core biopsy: metastatic NET. Spread from the lower lobe lesion is excluded.", None),
    ("Oesophagus, biopsies: small cell carcinoma. An oesophageal primary is favoured; metastasis from a lung primary "
     "should be excluded.", None),                                                           # diagnosis organ is not the site's
])
def test_primary_site_refinements(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["primary_site"] == expected


@pytest.mark.parametrize("text,expected", [
    # the resected / sampled organ gives the primary of a non-neuroendocrine tumour too (PATH-061)
    ("Specimen: Pancreas, tail, distal pancreatectomy\nDiagnosis: Solid pseudopapillary neoplasm, 40 mm.", "pancreas"),
    ("Specimen: Appendix, appendicectomy\nDiagnosis: Goblet cell adenocarcinoma.", "appendix"),
    ("Specimen: Sigmoid colon, anterior resection\nDiagnosis: Adenocarcinoma, moderately differentiated.", "colon"),
    # NEG: organs that are not primaries of the enumeration, or no tumour at all
    ("Specimen: Liver, segment 6 resection\nDiagnosis: Hepatocellular carcinoma.", None),
    ("Specimen: Left breast, core biopsy\nDiagnosis: Invasive ductal carcinoma.", None),
    ("Specimen: Appendix, appendicectomy\nDiagnosis: Acute appendicitis. No tumour.", None),
    # a benign specimen: the primary named in the history is not this specimen's
    ("Clinical history: Ileal NET resected 2021; new liver lesion.\n\nSpecimen: Liver, core biopsy\nDiagnosis: Focal "
     "nodular hyperplasia. No evidence of metastatic neuroendocrine tumour.", None),
    ("Clinical history: Ileal NET resected 2021.\n\nSpecimen: Liver, core biopsy\nDiagnosis: Metastatic "
     "well-differentiated neuroendocrine tumour.", "ileum"),                                  # NEG: tumour present
])
def test_primary_site_from_the_specimen(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["primary_site"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Liver core: metastatic well-differentiated neuroendocrine tumour. CDX2 positive, TTF-1 negative: consistent "
     "with a jejuno-ileal (midgut) primary.", "small_bowel"),
    ("Metastatic NET. Comment: the immunostains do not point to an organ; primary site undetermined.", "unknown"),
    ("Diagnosis: ileal NET, G1.", "ileum"),                                                   # NEG: plain ileal
    ("Diagnosis: jejunal NET, G1.", "jejunum"),
])
def test_jejuno_ileal_and_undetermined_primary(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["primary_site"] == expected


# A primary the pathologist cannot determine; two small-bowel parts offered as alternatives.
@pytest.mark.parametrize("text,expected", [
    ("Liver, core biopsy: metastatic NET.\nPrimary         : Cannot determine; immunoprofile non-contributory", "unknown"),
    ("Omentum, biopsy: metastatic NET. Primary site: we cannot determine the primary from this material.", "unknown"),
    ("Liver, core biopsy: metastatic NET. We were unable to determine the site of origin.", "unknown"),
    ("Liver, core biopsy: metastatic NET. This profile is compatible with an ileal or jejunal origin.", "small_bowel"),
    ("Liver, core biopsy: metastatic NET, consistent with a jejunal primary.", "jejunum"),               # NEG: one part
])
def test_primary_undetermined_and_small_bowel_alternatives(extract, text, expected):
    assert extract(text, "PATHOLOGY").row["primary_site"] == expected

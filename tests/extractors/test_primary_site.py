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

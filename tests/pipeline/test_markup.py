"""Markup and export debris read as plain text, at the same length (pipeline/markup.py)."""
from __future__ import annotations

import re

import pytest

from pipeline.markup import read_markup, remove_page_breaks, restore_line_breaks


@pytest.mark.parametrize("text,expected", [
    ("Ki-67&nbsp;index:&nbsp;&lt;2&#37;<br>", "Ki-67      index:         <2%    \n   "),
    ("<p><b>Diagnosis:</b> Liver, core biopsy.</p>", "\n     Diagnosis:     Liver, core biopsy.\n   "),
    ("Impression:\\par 1. Two liver metastases.\\par", "Impression:\n    1. Two liver metastases.\n   "),
    ("Ki-67 25 pct (larger nodule)", "Ki-67 25%    (larger nodule)"),
    ("CDX2&minus;, TTF-1&minus;.", "CDX2-      , TTF-1-      ."),
    ("Ki-67&nbsp;&gt;90&#37;.", "Ki-67         >90%    ."),
    ("Ki-67 <2% and a lesion <5 mm; &unknownentity; stays", "Ki-67 <2% and a lesion <5 mm; &unknownentity; stays"),  # NEG
    ("Adequate sample, percentage of tumour cells 40 percent.", "Adequate sample, percentage of tumour cells 40 percent."),  # NEG
])
def test_markup_is_read_as_the_text_it_stands_for(text, expected):
    out = read_markup(text)
    assert out == expected
    assert len(out) == len(text)


@pytest.mark.parametrize("text,lines", [
    ("SURGICAL PATHOLOGY REPORT; Accession: SP25-00417; Specimen: liver, segment 6 lesion, ultrasound-guided core "
     "biopsy (2 cores, 16G); Clinical: known ileal NET resected 2022, new liver lesion on surveillance CT; Gross: two tan "
     "cores; Diagnosis: metastatic NET.", 6),
    ("MRI LIVER.,CLINICAL INFORMATION:.,Small bowel NET with liver metastases; considered for resection.,TECHNIQUE:.,"
     "Multiphase MRI with hepatobiliary contrast.,COMPARISON:.,CT 2026-01-11.,FINDINGS:.,Two metastases, segments 6 "
     "and 7.", 13),  # ".,LABEL:" was a paragraph break: a blank line
    ("Liver: two metastases, segment 6 (12 mm), segment 7 (9 mm); no other lesion. Spleen: normal.\nNodes: none.", 2),  # NEG
])
def test_a_one_paragraph_export_gets_its_line_breaks_back(text, lines):
    out = restore_line_breaks(text)
    assert len(out) == len(text)
    assert len(out.split("\n")) == lines


@pytest.mark.parametrize("text,expected", [
    ("CLINICAL ---- PANCREATIC NET.\nFINDINGS ----\nFOUR HEPATIC METASTASES",
     "CLINICAL:     PANCREATIC NET.\nFINDINGS:    \nFOUR HEPATIC METASTASES"),
    ("Indication. Ileal NET.\nFindings.\n* Liver: two metastases.", "Indication: Ileal NET.\nFindings:\n* Liver: two metastases."),
    ("CLINICAL INFORMATION:.\nSmall bowel NET.", "CLINICAL INFORMATION: \nSmall bowel NET."),
    ("Liver: two metastases. Findings are stable.", "Liver: two metastases. Findings are stable."),        # NEG
])
def test_label_separators_read_as_colons(text, expected):
    assert restore_line_breaks(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("A well-differen-\ntiated neuroendo-\ncrine tumour.", "A well-differentiated   neuroendocrine   tumour."),
    ("well-\ndifferentiated NET", "well-differentiated  NET"),                     # the compound keeps its hyphen
    ("15\u201320 mm, 2.3 \u00d7 1.9 cm\u00a0and \u201cnew\u201d", "15-20 mm, 2.3 x 1.9 cm and \"new\""),
    ("Segment 7 -\nsee above", "Segment 7 -\nsee above"),                          # NEG: a dash, no hyphenated word
])
def test_pdf_hyphenation_and_unicode(text, expected):
    out = read_markup(text)
    assert out == expected
    assert len(out) == len(text)


def test_a_page_break_and_its_running_header_are_read_through():
    text = ("St Elsewhere Radiology - Confidential\nPatient: P-002   MRN: 0000000\nFindings: The dominant lesion in segment 8\n"
            "Page 1 of 2\nSt Elsewhere Radiology - Confidential\nPatient: P-002   MRN: 0000000\nmeasures 5.2 cm.\n"
            "Conclusion: Stable.\nPage 2 of 2\nSt Elsewhere Radiology - Confidential")
    out = remove_page_breaks(text)
    assert len(out) == len(text)
    assert re.search(r"segment 8 +\nmeasures 5\.2 cm\.", out)  # the sentence reads on
    assert "Page" not in out and out.count("St Elsewhere") == 1


def test_repeated_lines_without_a_page_break_stay():                                                    # NEG
    text = "No change since the prior study.\nLiver: two metastases.\nNo change since the prior study."
    assert remove_page_breaks(text) == text


@pytest.mark.parametrize("text,expected", [
    ("Two liver meta stases: the segment 5 lesion", "Two liver metastases : the segment 5 lesion"),
    ("a well differentiated neuro endocrine tumour in the sub mucosa", "a well differentiated neuroendocrine  tumour in the submucosa "),
    ("meta-analysis of the metastasis", "meta-analysis of the metastasis"),                       # NEG
])
def test_words_a_scan_split_in_two(text, expected):
    assert read_markup(text) == expected

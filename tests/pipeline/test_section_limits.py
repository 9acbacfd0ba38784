"""One-line history/comparison sections end where their text ends (pipeline/section_limits.py)."""
from __future__ import annotations

import pytest

from pipeline.harvest import section_bounds


def _sections(nlp, text):
    doc = nlp(text)
    starts, categories = section_bounds(doc)
    return [(c, text[s:].lstrip()[:12]) for s, c in zip(starts, categories)]


@pytest.mark.parametrize("text,expected", [
    # one-line comparison, then findings under a heading we do not list: not historical
    ("Comparison: 18/09/2023 (baseline).\n\nHepatic lesions (long axis):\n1. Segment 4a - 3.4 cm",
     [("comparison", "Comparison: "), (None, "Hepatic lesi")]),
    # history wrapped over two lines (lower-case continuation) ends before the new sentence line
    ("CLINICAL HISTORY: ileal NET,\nprior hemicolectomy 2019.\nThe liver shows two lesions.",
     [("history", "CLINICAL HIS"), (None, "The liver sh")]),
    # a labelled line right after a one-line indication starts a new block
    ("Indication: restaging.\nSpleen: 9 mm cyst.", [("history", "Indication: "), (None, "Spleen: 9 mm")]),
    # header alone on its line: the block runs to the blank line (negative case: not cut early)
    ("CLINICAL HISTORY:\nNET.\nPrior surgery.\n\nFINDINGS: 2 cm lesion.",
     [("history", "CLINICAL HIS"), (None, "FINDINGS: 2 "), ("findings", "FINDINGS: 2 ")]),
    # findings sections are never cut (negative case)
    ("FINDINGS: Liver lesion.\nSecond line.\n\nMore findings.", [("findings", "FINDINGS: Li")]),
])
def test_section_limits_end_one_line_sections(nlp, text, expected):
    assert _sections(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # lower-case and abbreviated headers at the start of a line start sections, so a one-line
    # history ("hx: ...") ends at the next one instead of swallowing the report
    ("hx: multiple liver mets, primary unk.\nmicro: met NET, nests.\nihc: syn+, cga+.\ndx: met NET, G1.",
     [("history", "hx: multiple"), ("microscopic", "micro: met N"), ("immunohistochemistry", "ihc: syn+, c"),
      ("diagnosis", "dx: met NET,")]),
    ("HPI: known NET\ngross desc: liver core x2\nIMP: metastatic NET",
     [("history", "HPI: known N"), ("gross", "gross desc: "), ("impression", "IMP: metasta")]),
    ("cl hx: ileal NET 2019\nmicro desc: trabecular tumour\nfinal dx: NET G2",
     [("history", "cl hx: ileal"), ("microscopic", "micro desc: "), ("diagnosis", "final dx: NE")]),
    ("Diagnosis: NET G1.\naddm: Ki-67 8%.\ncomm: discussed at MDT.",
     [("diagnosis", "Diagnosis: N"), ("addendum", "addm: Ki-67 "), ("comment", "comm: discus")]),
    ("hx: mets\n  micro: NET G1", [("history", "hx: mets\n  m"), ("microscopic", "micro: NET G")]),   # indented
    # after a sentence end on the same line, in either case
    ("Hx: ileal NET. Micro: NET G1. dx: NET.",
     [("history", "Hx: ileal NE"), ("microscopic", "Micro: NET G"), ("diagnosis", "dx: NET.")]),
    # a lower-case label line we do not list ends a one-line history too
    ("hx: ileal NET resected 2019\nsite: liver seg 7\ndx: metastatic NET",
     [("history", "hx: ileal NE"), (None, "site: liver "), ("diagnosis", "dx: metastat")]),
    # NEG: a header word in mid-sentence, in lower case, is text
    ("Liver core: metastatic NET. Correlation with the history: advised.", [(None, "Liver core: ")]),
    ("Liver core: metastatic NET, see micro: below.", [(None, "Liver core: ")]),
    ("Liver core: metastatic NET, with a long clinical history: of flushing.", [(None, "Liver core: ")]),
    ("Margins were checked on frozen section: clear.", [(None, "Margins were")]),
    # NEG: a capitalised header in mid-line still is one (reports exported on one line)
    ("CT abdomen HISTORY: NET. FINDINGS: liver lesion.",
     [(None, "CT abdomen H"), ("history", "HISTORY: NET"), ("findings", "FINDINGS: li")]),
])
def test_lower_case_and_abbreviated_headers(nlp, text, expected):
    assert _sections(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # a frozen-section block is its own section, ended by the next header or its first blank line;
    # its items ("FS-A: ...") are labelled lines that do not end it
    ("Frozen section: carcinoma, favour adenocarcinoma.\nFinal diagnosis: NET.",
     [("intraoperative", "Frozen secti"), ("diagnosis", "Final diagno")]),
    ("FROZEN SECTION REPORT\nFS1: NEOPLASM.\nFS2: MARGIN NEGATIVE.\n\nFINAL PATHOLOGY\nWELL DIFFERENTIATED NET.",
     [("intraoperative", "FROZEN SECTI"), (None, "FINAL PATHOL")]),
    ("Intraoperative diagnoses:\n FS-A: carcinoma at margin.\n FS-C: negative.\n\nFinal diagnosis: NET.",
     [("intraoperative", "Intraoperati"), (None, "Final diagno"), ("diagnosis", "Final diagno")]),
    ("INTRAOPERATIVE CONSULTATION\nFSA: favour NET.\n\nFINAL DIAGNOSIS\nWD-NET.",
     [("intraoperative", "INTRAOPERATI"), (None, "FINAL DIAGNO"), ("diagnosis", "FINAL DIAGNO")]),
])
def test_intraoperative_sections(nlp, text, expected):
    assert _sections(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # dictated without punctuation or colons: a header word that starts a line (and a sentence) is a header
    ("MRI LIVER\nclinical notes known ileal NET on octreotide\nfindings two liver lesions in segment 6 and 8 the "
     "larger 2 cm no other abnormality spleen pancreas and adrenals normal no enlarged nodes\ncomment stable disease",
     [(None, "MRI LIVER\ncl"), ("history", "clinical not"), ("findings", "findings two"), ("comment", "comment stab")]),
    ("indication restaging of pancreatic NET\nFindings\nThere are three liver metastases.",
     [("history", "indication r"), ("findings", "Findings\nThe")]),
    ("Clinical History\nA 60-year-old man with flushing.\nImaging Findings\nThree liver lesions.",
     [("history", "Clinical His"), ("findings", "Imaging Find")]),
    ("CT ABDOMEN\nFINDINGS There are two liver lesions.", [(None, "CT ABDOMEN\nF"), ("findings", "FINDINGS The")]),
    # NEG: a capitalised header word followed by more words is a form's field or a sentence
    ("Final diagnosis: NET G1.\nDiagnosis Discrepancy\nPrimary Tumor Site Discrepancy\nDIAGNOSIS DISCREPANCY NO",
     [("diagnosis", "Final diagno")]),
    ("Indication restaging of pancreatic NET", [(None, "Indication r")]),
    ("DIAGNOSIS\nWell differentiated NET.\nmicroscopy nests of uniform cells",
     [("diagnosis", "DIAGNOSIS\nWe"), ("microscopic", "microscopy n")]),
    # NEG: the same words in running text, as a sentence's subject, or on a hard-wrapped line
    ("FINDINGS: The pattern fits the clinical history and the diagnosis of NET.",
     [("findings", "FINDINGS: Th")]),
    ("IMPRESSION:\nFindings are consistent with progression.\nComparison is made with CT of 2023.",
     [("impression", "IMPRESSION:\n")]),
    ("FINDINGS: The segment 7 lesion now measures 22 mm, and the appearances fit the clinical\n"
     "history of a slowly growing well differentiated neuroendocrine tumour metastasis here.\n"
     "The remaining liver parenchyma enhances normally and there are no other focal lesions.\n"
     "The spleen, pancreas, adrenal glands and both kidneys are unremarkable on this study.",
     [("findings", "FINDINGS: Th")]),
    ("ileal NET, comparison CT 2023 shows growth", [(None, "ileal NET, c")]),
])
def test_headers_without_colon(nlp, text, expected):
    assert _sections(nlp, text) == expected

"""LIVER_LESION / EXTRAHEPATIC_SITE from lesion nouns (extractors/lesion.py)."""
from __future__ import annotations

import pytest


def _lesions(extract, text, label="LIVER_LESION"):
    return [(m["value_norm"], m["value_num"]) for m in extract(text, "CT").mentions if m["label"] == label]


@pytest.mark.parametrize("text,expected", [
    ("Three arterially enhancing liver metastases.", [("metastasis", 3.0)]),        # word count
    ("Innumerable hepatic deposits.", [("metastasis", None)]),                      # deposits, vague count
    ("DOTATATE-avid foci in the liver.", [("lesion", None)]),                       # PET foci
    ("A hypervascular mass in segment 7.", [("lesion", None)]),                     # mass, segment names liver
    ("Liver: 2 lesions in segment 7.", [("lesion", 2.0)]),                          # digit count
    ("Simple hepatic cyst in segment 3.", [("benign", None)]),                      # benign, kept for attachment
    ("The liver is unremarkable.", [("none", 0.0)]),                                # no lesion
    ("There is a 2.1 cm renal cyst.", []),                                          # negative: other organ
])
def test_liver_lesion_nouns(extract, text, expected):
    assert _lesions(extract, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("A 3 cm mass in the pancreatic tail.", [("pancreas", None)]),       # primary in the pancreas
    ("Multiple bone metastases.", [("bone", None)]),
    ("Mesenteric nodal mass of 28 mm.", [("lymph_node", None)]),         # mesenteric mass called nodal
    ("There is a 2.1 cm renal cyst.", []),                               # negative: benign, no site
])
def test_other_organ_lesions_are_sites(extract, text, expected):
    assert _lesions(extract, text, "EXTRAHEPATIC_SITE") == expected


def test_no_stays_outside_the_span_so_context_negates(extract):
    # "No" must stay a ConText modifier, not part of the finding
    rows = [m for m in extract("No focal liver lesion.", "CT").mentions if m["label"] == "LIVER_LESION"]
    assert rows and rows[0]["is_negated"] and not rows[0]["text"].lower().startswith("no")


# -- probe phenomena: nouns named only to be ruled out, sizes that look like counts, rows without a lesion noun ----------
@pytest.mark.parametrize("text,expected", [
    ("Liver: small focus, likely a cyst; metastasis considered unlikely.", [("lesion", None), ("benign", None), ("benign", None)]),
    ("Liver: hepatic metastasis is unlikely.", [("benign", None)]),
    ("Liver: lesion with a central scar, probably FNH. Metastasis not favoured.", [("lesion", None), ("benign", None), ("benign", None)]),
    ("Liver: appearances unlikely to represent a metastasis.", [("benign", None)]),
    ("Liver: a metastasis is likely.", [("metastasis", None)]),                             # negative: a positive hedge
    ("Liver: 2 lesions in segment 7.", [("lesion", 2.0)]),                                  # negative: a digit count
    ("Liver: Segment 3: 45 by 40 mm metastasis.", [("metastasis", None)]),                  # "N by N mm" is a size
    ("Liver: Segment VIII: 31 by 27 mm, metastasis.", [("metastasis", None)]),
    ("Liver: previously 45 by 40 mm segment 3 lesion", [("lesion", None)]),
    ("Liver: 3 x 2 cm lesion in segment 6.", [("lesion", None)]),                           # the "x" form
    ("Multiple arterially enhancing SOLs in both lobes of liver.", [("lesion", None)]),      # SOL: space-occupying lesion
    ("Lesion | Site | Today\nT1 | Liver S4b | 21 mm\nNT1 | Liver S2 | present\n", [("lesion", None), ("lesion", None), ("lesion", None)]),
    ("Findings (size now / baseline):\n- Liver S7: 3.0 cm / 3.9 cm\n- Retroperitoneal node: 1.0 cm / 1.6 cm\n",
     [("lesion", None)]),                                                                   # a liver list line; a node line is not
    ("- Liver segment 7: 2.1 cm metastasis\n", [("metastasis", None)]),                      # negative: the line has its own noun
])
def test_probe_lesion_nouns(extract, text, expected):
    assert _lesions(extract, text) == expected


@pytest.mark.parametrize("text,restates", [
    ("Avid lesion in segment 3, SUVmax 13.6, corresponding to a 1.4 cm hypodensity on CT.", [False, True]),
    ("Avid focus in segment 5 (SUVmax 12), correlating with a 1.8 cm hypodensity on CT.", [False, True]),
    ("Lesions in segment 2 (1.2 cm) and segment 6 (2.0 cm), in the sense of liver metastases.", [False, True]),
    ("Two SOLs in segments 5 and 6 - s/o metastases.", [False, True]),
    ("A 2 cm metastasis in segment 7 and a 1 cm lesion in segment 3.", [False, False]),    # negative: two lesions
])
def test_nouns_that_name_the_lesion_again(nlp, text, restates):
    doc = nlp("FINDINGS:\n" + text)
    spans = [s for s in doc.spans["lesion"] if s.label_ == "LIVER_LESION"]
    assert [bool((s._.attrs or {}).get("restates")) for s in spans] == restates


# -- blind-set-2: a digit after a list of segments is a segment, not a count ------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("The segment 8 and 5 lesions show rim enhancement.", [("lesion", None)]),
    ("The segments 2, 6 and 7 lesions restrict diffusion.", [("lesion", None)]),
    ("Both segment II and IV metastases are smaller.", [("metastasis", None)]),
    ("Seg 3 / 4 lesions are unchanged.", [("lesion", None)]),
    ("A metastasis in segment 8 and 4 smaller lesions in the left lobe.", [("metastasis", None), ("lesion", 4.0)]),  # negative
    ("Two lesions in segment 6.", [("lesion", 2.0)]),                                                              # negative
])
def test_segment_list_digit_is_no_count(extract, text, expected):
    assert _lesions(extract, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Focus in segment 3, likely a transient hepatic perfusion difference.", [("lesion", None), ("benign", None)]),
    ("Subcapsular hepatic focus, transient perfusion difference.", [("lesion", None), ("benign", None)]),
    ("Wedge-shaped perfusion alteration in segment 4a.", [("benign", None)]),
    ("Hypervascular focus in segment 3, suspicious for metastasis.", [("lesion", None), ("metastasis", None)]),  # negative
])
def test_perfusion_differences_are_benign(extract, text, expected):
    assert _lesions(extract, text) == expected

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

"""EXTRAHEPATIC_SITE named by themselves (extractors/extrahepatic_site.py)."""
from __future__ import annotations

import pytest


def _sites(extract, text):
    return [(m["value_norm"], m["is_negated"]) for m in extract(text, "PET").mentions if m["label"] == "EXTRAHEPATIC_SITE"]


@pytest.mark.parametrize("text,expected", [
    ("Retroperitoneal lymphadenopathy.", [("lymph_node", False)]),
    ("Peritoneal carcinomatosis with omental cake.", [("peritoneum", False), ("peritoneum", False)]),
    ("Intense uptake in the T10 vertebral body.", [("bone", False)]),
    ("No lymphadenopathy.", [("lymph_node", True)]),                    # negated
    ("No extrahepatic disease.", [("extrahepatic", True)]),             # addressed, none
    # a negation before an uptake phrase whose adjective is part of ConText's modifier ("no abnormal")
    ("Post-operative status of rectum; no abnormal tracer uptake at the anastomotic site.", [("bowel", True)]),
    ("No pathological uptake in the skeleton.", [("bone", True)]),
    ("There is no abnormal uptake within the bones.", [("bone", True)]),
    ("Abnormal tracer uptake at the anastomotic site, suspicious for recurrence.", [("bowel", False)]),  # negative
    # peritoneum headings, OCR-misspelt or abbreviated: the peritoneum is addressed
    ("Peritonuem: no ascltes or nodularity.", [("peritoneum", False)]),
    ("Perit: small vol ascites, no nodularity seen.", [("peritoneum", False)]),
    ("PERITONEUM: NO ASCITES. NO NODULARITY.", [("peritoneum", False)]),
    ("The peritoneum is unremarkable.", []),                            # negative: no heading, no site noun
    # a row of a pipe table of measured lesions names its site
    ("Lesion | Site | Today | Previous\nT1 | Liver S4b | 21 mm | 24 mm\nT2 | Lung RLL | 11 mm | 12 mm\n"
     "NT1 | Portocaval node | 14 mm | 15 mm", [("lung", False), ("lymph_node", False)]),
    ("Site | Size | SUVmax\nSpleen (reference) | - | 24.1\nUncinate process (physiological) | - | 12.0", []),  # negative
    ("Organ | Size\nSpleen | 11 cm", []),                                # negative: not a lesion table
])
def test_sites(extract, text, expected):
    assert _sites(extract, text) == expected


# -- blind-set-2: coordinated adjectives sharing the head noun ("nodal, peritoneal or osseous disease") ---------------
@pytest.mark.parametrize("text,expected", [
    ("No SSTR-avid nodal, peritoneal or osseous disease.", [("peritoneum", True)]),
    ("No peritoneal or osseous disease.", [("peritoneum", True)]),
    ("New peritoneal and omental disease.", [("peritoneum", False)]),
    ("Peritoneal, mesenteric or omental involvement is not seen.", [("peritoneum", True)]),
    ("Small peritoneal fluid and no disease elsewhere.", []),                                  # negative: no shared noun
])
def test_coordinated_peritoneal_disease(extract, text, expected):
    assert [s for s in _sites(extract, text) if s[0] == "peritoneum"] == expected

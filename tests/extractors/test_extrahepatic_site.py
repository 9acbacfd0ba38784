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
])
def test_sites(extract, text, expected):
    assert _sites(extract, text) == expected

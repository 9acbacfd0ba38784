"""VESSEL_PROXIMITY (extractors/vessel_proximity.py)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,expected", [
    ("The lesion abuts the middle hepatic vein.", ["vessel"]),
    ("The mass is encasing the IVC.", ["vessel"]),
    ("In contact with the right portal vein branch.", ["vessel"]),
    ("The right hepatic vein is encased by tumour.", ["vessel"]),
    ("Lesion at the hepatic hilum.", ["hilar_bile_duct"]),
    ("Abutting the biliary confluence.", ["hilar_bile_duct"]),
    ("Portal vein patent.", []),                        # negative: no proximity word
    ("Porta hepatis lymph node.", []),                  # negative: a node, not a lesion at the hilum
])
def test_proximity(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "VESSEL_PROXIMITY"] == expected

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
    # the passive, with other words before the participle
    ("The left portal vein is attenuated and encased by the lesion.", ["vessel"]),
    ("The right hepatic vein is abutted by the segment 7 metastasis.", ["vessel"]),
    ("The middle hepatic vein is invaded by the mass.", ["vessel"]),
    ("The IVC is narrowed by the caudate lesion.", ["vessel"]),
    ("The portal vein is occluded by bland thrombus.", []),  # negative: a thrombus, not a lesion
])
def test_proximity(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "VESSEL_PROXIMITY"] == expected

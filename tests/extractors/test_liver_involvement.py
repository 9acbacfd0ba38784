"""LIVER_INVOLVEMENT (extractors/liver_involvement.py)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,expected", [
    ("Metastases replacing >50% of the liver.", [50.0]),
    ("Hepatic tumour burden approximately 30%.", [30.0]),
    ("Involving 25-50% of the liver volume.", [50.0]),        # upper value of a range
    ("About 40% of the liver is replaced by tumour.", [40.0]),
    ("Future liver remnant 35% of the liver volume.", []),    # negative: FLR is not involvement
])
def test_involvement(extract, text, expected):
    assert [m["value_num"] for m in extract(text, "CT").mentions if m["label"] == "LIVER_INVOLVEMENT"] == expected


# -- probe phenomena: a bare share of the liver after the tumour is named ------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Liver replaced by innumerable confluent mets, est. 40-50% of parenchyma.", [50.0]),   # a range gives its upper value
    ("Tumour infiltration approx. 25% of the liver volume.", [25.0]),
    ("Diffuse metastatic disease, about 70% of the liver parenchyma.", [70.0]),
    ("Confluent deposits, roughly 30 to 40 percent of the hepatic parenchyma.", [40.0]),
    ("A right hepatectomy would leave about 30% of the liver volume.", []),   # negative: a surgical volume
    ("Lesion resection would remove 20% of the liver volume.", []),            # negative
    ("The left lateral section is 25% of the liver volume.", []),              # negative: no tumour named
    ("Focal uptake in a segment 4 lesion, 150% of liver background.", []),     # negative: not a share of the liver
])
def test_share_of_liver(extract, text, expected):
    assert [m["value_num"] for m in extract(text, "CT").mentions if m["label"] == "LIVER_INVOLVEMENT"] == expected

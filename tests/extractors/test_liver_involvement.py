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

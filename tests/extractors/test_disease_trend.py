"""DISEASE_TREND (extractors/disease_trend.py)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,expected", [
    ("Interval progression of liver metastases.", ["progression"]),
    ("The lesion has increased in size.", ["progression"]),
    ("New lesion in segment 3.", ["progression"]),
    ("Stable hepatic metastases.", ["stable"]),
    ("No significant interval change.", ["stable"]),
    ("The metastases have decreased in size.", ["response"]),
    ("Partial response.", ["response"]),
    ("Hepatic metastases are seen.", []),                   # negative: no comparison
])
def test_trend(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "DISEASE_TREND"] == expected

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
    # "new" as a status tag after a lesion
    ("2) Segment III: 8 mm, metastasis (new compared with CT).", ["progression"]),
    ("L3 vertebral metastasis (new).", ["progression"]),
    ("Avid right ovarian lesion 2.8 cm (SUVmax 17.7), new.", ["progression"]),
    ("S6: 1.2 cm, NEW.", ["progression"]),
    ("Small left pleural effusion (new).", []),             # negative: no lesion before the tag
    ("No new lesions (new baseline for PRRT).", ["stable"]),  # negative: 'new baseline' is no tag
    # "progressive" of an enhancement pattern is no change
    ("Lesion with peripheral nodular enhancement and progressive centripetal fill in, a haemangioma.", []),
    ("A 1 cm lesion with progressive enhancement on delayed phases.", []),
    ("The lesion shows progressive fill-in.", []),
    ("Progressive hepatic metastases.", ["progression"]),   # negative: the disease progresses
    ("Progressive disease.", ["progression"]),
])
def test_trend(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "DISEASE_TREND"] == expected

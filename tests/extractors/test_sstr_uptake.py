"""SSTR_UPTAKE and SUV (extractors/sstr_uptake.py)."""
from __future__ import annotations

import pytest


def _values(extract, text, label):
    key = "value_num" if label == "SUV" else "value_norm"
    return [m[key] for m in extract(text, "PET").mentions if m["label"] == label]


@pytest.mark.parametrize("text,expected", [
    ("DOTATATE-avid liver metastases.", ["avid"]),
    ("Lesions with uptake greater than liver.", ["avid"]),          # Krenning-type wording
    ("Uptake higher than spleen in the lesions.", ["avid"]),
    ("Krenning score 3.", ["avid"]),
    ("Krenning score 1.", ["non_avid"]),
    ("A non-avid lesion in segment 6.", ["non_avid"]),
    ("Heterogeneous SSTR expression.", ["heterogeneous"]),
    ("Liver metastases on CT.", []),                                # negative
])
def test_sstr(extract, text, expected):
    assert _values(extract, text, "SSTR_UPTAKE") == expected


@pytest.mark.parametrize("text,expected", [
    ("Segment 7 lesion (SUVmax 24.3).", [24.3]),
    ("Maximum SUV of 18 in the pancreas.", [18.0]),
    ("SUVmax increased from 12.1 to 18.4.", [18.4]),   # current value of a change
    ("Lesion of 2 cm.", []),                           # negative
])
def test_suv(extract, text, expected):
    assert _values(extract, text, "SUV") == expected

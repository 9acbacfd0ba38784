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
    # pairs after an SUV label named earlier in the sentence: each pair's current value
    ("SUVmax values have risen since the nadir: segment 4b from 9.8 to 17.6, segment 7 from 7.5 to 12.0.", [17.6, 12.0]),
    ("SUVmax (prior -> now): liver 24.1 -> 15.2, node 8.0 -> 6.1.", [15.2, 6.1]),
    ("SUVmax 14.2 in segment 4b. The lesion grew from 1.2 to 1.8 cm.", [14.2]),       # negative: a size pair
    ("SUVmax 14.2; Krenning score from 2 to 3.", [14.2]),                              # negative: a score pair
    ("Uptake rose from 9.8 to 17.6 on the ratio to liver.", []),                      # negative: no SUV label
    ("Lesion of 2 cm.", []),                           # negative
    ("Avid lesions (SUVrnax 27.4, 3.2 cm).", [27.4]),  # OCR 'rn' for 'm'
    # list rows under a legend naming the SUV column: the current slot of each row
    ("Findings (SUVmax now / baseline; size on CT now / baseline):\n- Liver S7: 16.9 / 34.0; 3.0 cm / 3.9 cm\n"
     "- Liver S4b: not avid, not visible / 12.8; - / 1.1 cm\n- Retroperitoneal node: 7.5 / 18.0; 1.0 cm / 1.6 cm",
     [16.9, 7.5]),
    ("Lesions (SUVmax current/prior):\n1. Segment 7: 18.2/25.0\n2. Segment 2: 9.0/12.1", [18.2, 9.0]),
    ("Per-lesion values (SUVmax baseline / now):\n- Liver S7: 34.0 / 16.9\n- Liver S2: 21.5 / 11.2", [16.9, 11.2]),
    ("Lesion: size, SUVmax\n- Liver S7: 3.0 cm, 16.9\n- Liver S2: 1.7 cm, 11.2", [16.9, 11.2]),
    ("SUVmax values, where given, are body-weight corrected.\nLiver: avid metastasis in segment 7.", []),  # negative
    ("Findings (size now / baseline):\n- Liver S7: 3.0 / 3.9", []),                             # negative: no SUV column
])
def test_suv(extract, text, expected):
    assert _values(extract, text, "SUV") == expected

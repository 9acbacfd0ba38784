"""LIVER_SEGMENT / LIVER_LOBE (extractors/liver_segment.py)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,expected", [
    ("Lesion in segment 4A.", ["4a"]),
    ("Lesion in S7.", ["7"]),
    ("Lesion in segment VII.", ["7"]),
    ("Lesion in segement 4b measuring 17 mm.", ["4b"]),                 # a common misspelling
    ("Lesion in seg 6.", ["6"]),
    ("Lesion straddling segments 5/6.", ["5,6"]),
    ("Lesion in segment 4a/4b.", ["4a,4b"]),
    ("Lesion in the caudate lobe.", ["1"]),
    ("Lesion in the left lateral segment.", ["2,3"]),
    ("Lesion in the right posterior section.", ["6,7"]),
    ("Lesion in the right anterior sector.", ["5,8"]),
    ("Lesion at the hepatic dome.", []),             # negative: dome alone names no segment
    ("Degenerative change at L5-S1.", []),           # negative: spine level
])
def test_segments(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "LIVER_SEGMENT"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Metastases in both lobes.", ["both"]),
    ("Bilobar metastases.", ["both"]),
    ("Metastases throughout the liver.", ["both"]),
    ("A lesion in the right lobe of the liver.", ["right"]),
    ("Nodule in the right lower lobe.", []),          # negative: lung lobe
])
def test_lobes(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "LIVER_LOBE"] == expected


# -- probe phenomena: OCR misreadings; a segment said spared -------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Metastasis in segnent 2.", ["2"]),                    # OCR n for m
    ("Lesion in segrnent lVa.", ["4a"]),                    # OCR rn for m, l for I
    ("Lesion in segment Vlll.", ["8"]),
    ("Lesion in segment lll.", ["3"]),
    ("Lesions in segments Vl and Vll.", ["6,7"]),
    ("The caudate lobe relatively spared.", []),            # a segment without disease
    ("Diffuse metastases with relative sparing of the caudate lobe.", []),
    ("The caudate lobe is spared.", []),
    ("Metastases sparing segment 1.", []),
    ("A 2 cm metastasis in the caudate lobe.", ["1"]),       # negative
    ("Segment 6 lesion, segment 7 spared.", ["6"]),          # negative: only the spared one is dropped
])
def test_probe_segments(extract, text, expected):
    assert [m["value_norm"] for m in extract(text, "CT").mentions if m["label"] == "LIVER_SEGMENT"] == expected

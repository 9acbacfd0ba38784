"""SIZE mentions in mm with prior/current (extractors/lesion_size.py)."""
from __future__ import annotations

import pytest


def _sizes(extract, text):
    return [(m["value_num"], m["text"]) for m in extract(text, "CT").mentions if m["label"] == "SIZE"]


@pytest.mark.parametrize("text,expected", [
    ("A 3.1 x 2.4 x 2.2 cm lesion.", [31.0]),              # 3D
    ("Lesion of 18 x 15 mm.", [18.0]),                     # 2D mm
    ("Lesion measuring 9mm.", [9.0]),                      # 1D, no space
    ("Lesions ranging from 5 mm to 2.2 cm.", [22.0]),      # range: upper value
    ("Lesions up to 4.1 cm.", [41.0]),                     # up to
    ("Lesions measuring 5-10 mm.", [10.0]),                # dash range
    ("A subcentimeter lesion.", []),                       # negative: no number
    ("SUVmax 12.", []),                                    # negative: no unit, no size
])
def test_size_values(extract, text, expected):
    assert [v for v, _ in _sizes(extract, text) if v is not None] == expected


@pytest.mark.parametrize("text,prior", [
    ("previously 2.1 cm, now 2.6 cm", [True, False]),          # prior then current
    ("increased from 1.8 to 2.3 cm", [True, False]),           # change
    ("measures 2.6 cm (prior 12 mm)", [False, True]),          # parenthesised prior
    ("2.3 x 1.9 cm (previously 1.8 x 1.5 cm)", [False, True]),
    ("was 9 mm on the previous study", [True]),
    ("now measures 2.6 cm", [False]),                          # negative: current only
])
def test_prior_sizes(nlp, text, prior):
    doc = nlp(text)
    assert [bool((s._.attrs or {}).get("prior")) for s in doc.spans["lesion_size"]] == prior

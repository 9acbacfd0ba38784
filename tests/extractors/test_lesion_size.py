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


# -- hold-out phenomena: a segment or item number before a dash is no range; priors read from what precedes a size --
@pytest.mark.parametrize("text,expected", [
    ("1. Segment 4a - 3.4 cm (baseline 4.0 cm)\n2. Segment 7 - 2.2 cm (baseline 2.5 cm)", [34.0, 40.0, 22.0, 25.0]),
    ("Seg 6 - 15 mm.", [15.0]),                            # "seg" before the number: a label
    ("Lesion 2 - 1.4 cm, segment 3.", [14.0]),             # an item number
    ("Segment 7 - 22 mm.", [22.0]),                        # lower bound above the upper one: no range
    ("Liver metastases measuring 5 - 12 mm.", [12.0]),     # negative: a true range is still read
    ("Lesions 0.5-2 cm.", [20.0]),                         # negative: mixed decimals, a range
])
def test_no_range_from_labels(extract, text, expected):
    assert [v for v, _ in _sizes(extract, text) if v is not None] == expected


@pytest.mark.parametrize("text,prior", [
    # "previously" introduces the NEXT size: the one before it stays current
    ("the lesion now measures 41 x 35 mm where previously it was 40 x 33 mm", [False, True]),
    ("the lesion measures 41 x 35 mm, previously it was 40 x 33 mm", [False, True]),
    ("lesion 41 mm previously measuring 40 mm", [False, True]),
    ("has grown to 41 mm from 30 mm", [False, True]),           # "from N" is a prior value, not a distance
    ("Largest seg 6 measuring 2.9cm (prev 3.8cm)", [False, True]),
    ("segment 2 lesion 12 mm, 10 mm previously.", [False, True]),  # a cue after the size that introduces no size
    ("2.1 cm on the prior study, now 2.6 cm", [True, False]),
    ("measures 22 mm which is unchanged", [False]),              # negative: no prior cue at all
])
def test_prior_sizes_read_before(nlp, text, prior):
    doc = nlp(text)
    assert [bool((s._.attrs or {}).get("prior")) for s in doc.spans["lesion_size"]] == prior

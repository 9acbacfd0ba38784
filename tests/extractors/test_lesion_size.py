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


# -- probe phenomena: more ways of writing a prior size; "cms" ---------------------------------------------------------
@pytest.mark.parametrize("text,prior", [
    ("segment IVb now 27 × 22 mm (pre-examination 19 × 15 mm)", [False, True]),
    ("Largest lesion 5.8 × 4.9 cm (pre-exam 4.9 × 4.1 cm)", [False, True]),
    ("pre-treatment 40 mm, now 31 mm", [True, False]),
    ("segment 7 metastasis 15 mm (prior 9 mm)", [False, True]),
    ("segment 5 lesion 22 mm (on the previous study 12 mm)", [False, True]),
    ("S6 2.2 cm (2.0 cm), segment 4b 1.4 cm (1.5 cm)", [False, True, False, True]),  # a bare bracketed size after a size
    ("lesion 14 mm (18 mm), unchanged", [False, True]),
    ("more than on prior largest conglomerate right lobe approx 8 cm", [False]),    # "than on prior": the study compared with
    ("smaller than before, now 12 mm", [False]),
    ("Segment 7 metastasis (22 mm) and segment 3 metastasis (9 mm)", [False, False]),  # negative: bracket after a noun
    ("segments VII (42 mm) and IVa (25 mm)", [False, False]),                         # negative
])
def test_prior_sizes_more_cues(nlp, text, prior):
    doc = nlp(text)
    assert [bool((s._.attrs or {}).get("prior")) for s in doc.spans["lesion_size"]] == prior


@pytest.mark.parametrize("text,prior", [
    ("Lesion | Site | Today | Previous | Baseline\nT1 | Liver S4b | 21 mm | 24 mm | 30 mm\n", [False, True, True]),
    ("| Site | Baseline | Now |\n|---|---|---|\n| Liver S7 | 30 mm | 21 mm |\n", [True, False]),  # the header decides
    ("Liver S4 | 30 mm | 35 mm\nLiver S8 | 12 mm | 15 mm\n", [False, True, False, True]),          # no header: first is current
    ("Site | Size | SUVmax\nLiver S7 | 2.6 cm (prior 2.1 cm) | 28.4\n", [False, True]),            # the cell's own cue
    ("Findings (SUVmax now / baseline; size on CT now / baseline):\n- Liver S7: 16.9 / 34.0; 3.0 cm / 3.9 cm\n"
     "- Liver S4b: not visible / 12.8; - / 1.1 cm\n", [False, True, True]),                        # slash pairs under a legend
    ("- Liver S7: 3.0 cm / 3.9 cm\n", [False, False]),                                             # negative: no legend
])
def test_prior_sizes_in_tables_and_pairs(nlp, text, prior):
    doc = nlp(text)
    assert [bool((s._.attrs or {}).get("prior")) for s in doc.spans["lesion_size"]] == prior


@pytest.mark.parametrize("text,expected", [
    ("largest measuring ~ 4.5 x 3.8 cms in segment VII", [45.0]),
    ("one in segment V measuring 2.3 x 2.0 cms", [23.0]),
    ("Spleen is enlarged in size (17.2 cms).", [172.0]),
    ("pressure 5 cmH2O", []),                                                       # negative: not a length unit
])
def test_cms_unit(extract, text, expected):
    assert [v for v, _ in _sizes(extract, text) if v is not None] == expected

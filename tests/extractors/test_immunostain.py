"""IMMUNOSTAIN mentions (value_norm marker+ / marker-)."""
import pytest

from pathology_helpers import mentions


@pytest.mark.parametrize("text,expected", [
    ("Synaptophysin +, chromogranin +.", {"synaptophysin+", "chromogranin+"}),                 # signs
    ("Synaptophysin and chromogranin A strongly positive.", {"synaptophysin+", "chromogranin+"}),  # list
    ("Positive staining for synaptophysin and chromogranin.", {"synaptophysin+", "chromogranin+"}),  # status first
    ("SSTR2A: positive (membranous).", {"SSTR2+"}),                                              # SSTR2
    ("TTF-1 negative.", {"TTF-1-"}),                                                             # negative
    ("SSTR2A: weak and heterogeneous.", set()),                                                  # no status
])
def test_immunostains(extract, text, expected):
    assert {m["value_norm"] for m in mentions(extract(text, "PATHOLOGY"), "IMMUNOSTAIN")} == expected

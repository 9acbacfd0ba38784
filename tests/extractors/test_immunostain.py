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


@pytest.mark.parametrize("text,expected", [
    # a hyphen or dash before a status word separates marker and status: it is not a minus sign
    ("Chromogranin - positive.", {"chromogranin+"}),
    ("Synaptophysin – strongly positive; chromogranin — negative.", {"synaptophysin+", "chromogranin-"}),
    ("CD56 -- negative, INSM1 - pos, TTF-1 - negative.", {"CD56-", "INSM1+", "TTF-1-"}),
    ("IHC: chromogranin: - positive.", {"chromogranin+"}),
    ("Tumour cells are synaptophysin-positive and CDX2-negative.", {"synaptophysin+", "CDX2-"}),
    # NEG: a real minus sign stays a minus
    ("p53-, Rb +.", {"p53-", "Rb+"}),
    ("CK7 -, CK20 +.", {"keratin-", "keratin+"}),
    ("TTF1 - ; CDX2 +", {"TTF-1-", "CDX2+"}),
])
def test_hyphen_before_status_is_a_separator(extract, text, expected):
    assert {m["value_norm"] for m in mentions(extract(text, "PATHOLOGY"), "IMMUNOSTAIN")} == expected

"""PET_TRACER mentions: the tracer a PET report names (extractors/pet_tracer.py), read by the patient aggregation."""
import pytest

from pathology_helpers import mentions


@pytest.mark.parametrize("text,expected", [
    ("Ga-68 DOTATATE PET/CT\nFindings: avid liver lesions.", {("sstr", False)}),
    ("[68Ga]Ga-DOTATOC PET/CT", {("sstr", False)}),
    ("Cu-64 DOTATATE PET", {("sstr", False)}),
    ("Somatostatin receptor PET/CT: no avid disease.", {("sstr", False)}),
    ("18F-FDG PET/CT\nFindings: FDG-avid liver lesions.", {("fdg", False)}),
    ("Fluorodeoxyglucose PET/CT", {("fdg", False)}),
    ("18F-FDG PET/CT.\nComparison: DOTATATE PET 2023.", {("fdg", False), ("sstr", True)}),   # the prior study is history
    ("Ga-68 DOTATATE and F-18 FDG PET/CT", {("fdg", False), ("sstr", False)}),
    ("PET/CT: avid liver lesions.", set()),                                                # NEG: no tracer named
])
def test_pet_tracer(extract, text, expected):
    found = {(m["value_norm"], bool(m["is_historical"])) for m in mentions(extract(text, "PET"), "PET_TRACER")}
    assert found == expected


def test_pet_tracer_is_pet_only(extract):
    assert mentions(extract("18F-FDG PET/CT: avid nodes.", "CT"), "PET_TRACER") == []

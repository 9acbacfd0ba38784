"""PROCEDURE_HISTORY mentions, in imaging and pathology reports."""
import pytest

from pathology_helpers import mentions


@pytest.mark.parametrize("text,kind,expected", [
    ("History: s/p Whipple for pancreatic NET.", "CT", "pancreatoduodenectomy"),                    # Whipple
    ("Status post pancreaticoduodenectomy.", "MRI", "pancreatoduodenectomy"),                       # spelled out
    ("Pancreaticojejunostomy is patent.", "CT", "pancreatoduodenectomy"),                           # PJ cue
    ("Hepaticojejunostomy noted.", "CT", "pancreatoduodenectomy"),                                  # HJ cue
    ("Prior right hemicolectomy for ileal NET.", "CT", "primary_resection"),                        # hemicolectomy
    ("Primary resected in 2019.", "PET", "primary_resection"),                                      # primary resected
    ("Distal pancreatectomy and splenectomy.", "PATHOLOGY", "primary_resection"),                   # current specimen
    ("Post right hepatectomy changes.", "CT", "hepatectomy"),                                       # hepatectomy
    ("Prior radiofrequency ablation of segment 7.", "CT", "ablation"),                              # ablation
])
def test_procedure_history(extract, text, kind, expected):
    assert expected in {m["value_norm"] for m in mentions(extract(text, kind), "PROCEDURE_HISTORY")}


@pytest.mark.parametrize("text", [
    "Candidate for Whipple resection.",     # planned, not done
    "Consider radiofrequency ablation.",    # proposed
])
def test_planned_procedures_are_not_history(extract, text):
    assert mentions(extract(text, "CT"), "PROCEDURE_HISTORY") == []


def test_negated_history_is_flagged(extract):
    (m,) = mentions(extract("No prior Whipple.", "CT"), "PROCEDURE_HISTORY")
    assert m["is_negated"]


@pytest.mark.parametrize("text", [
    "Pancreas: pancreatic body primary (in situ, not resected) 30 mm.",
    "Primary (not resected) in the terminal ileum.",
])
def test_primary_in_situ_in_brackets(extract, text):
    found = [m for m in extract(text, "MRI").mentions if m["label"] == "PROCEDURE_HISTORY"]
    assert [m["value_norm"] for m in found] == ["primary_in_situ"]


def test_primary_in_situ_after_a_comma(extract):
    found = [m for m in extract("Clinical: liver metastases; jejunal primary on PET, not yet resected.", "MRI").mentions
             if m["label"] == "PROCEDURE_HISTORY"]
    assert [m["value_norm"] for m in found] == ["primary_in_situ"]

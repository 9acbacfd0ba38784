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
    "Known pancreatic tail tumour in situ (not resected), 3,6 cm.",  # the primary named by organ and tumour noun
    "Caecal primitive lesion in place (not operated), 45 mm.",  # translated: the 'primitive' tumour
])
def test_primary_in_situ_in_brackets(extract, text):
    found = [m for m in extract(text, "MRI").mentions if m["label"] == "PROCEDURE_HISTORY"]
    assert [m["value_norm"] for m in found] == ["primary_in_situ"]


def test_primary_in_situ_after_a_comma(extract):
    found = [m for m in extract("Clinical: liver metastases; jejunal primary on PET, not yet resected.", "MRI").mentions
             if m["label"] == "PROCEDURE_HISTORY"]
    assert [m["value_norm"] for m in found] == ["primary_in_situ"]


@pytest.mark.parametrize("text", [
    "Specimen: colon. Adenocarcinoma with an adjacent focus of carcinoma in situ.",
    "Pancreatic tail tumour, resected in 2019; no recurrence.",
])
def test_no_primary_in_situ_without_a_tumour_left_in_place(extract, text):
    found = [m for m in extract(text, "CT").mentions if m["label"] == "PROCEDURE_HISTORY"]
    assert "primary_in_situ" not in [m["value_norm"] for m in found]

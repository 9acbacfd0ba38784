"""Unticked checklist options are blanked at the same length (pipeline/checkboxes.py)."""
import pytest

from pipeline.checkboxes import blank_unticked_options


@pytest.mark.parametrize("text,expected", [
    ("___ G1\n_X_ G2\n___ G3", "      \n    G2\n      "),
    ("Tumor Site:  _X_ Pancreatic tail   ___ Pancreatic body", "Tumor Site:      Pancreatic tail                      "),
    ("[ ] Present  [X] Not identified", "             [X] Not identified".replace("[X]", "   ")),
    ("( ) G1 (x) G2 ( ) G3", "       " + "    G2" + "       "),
    ("☐ Involved ☒ Uninvolved", " " * 13 + "Uninvolved"),
    # negatives: no ticked box, so blanks are blanks to fill in
    ("Closest margin: ________ mm\n___ not a checklist", "Closest margin: ________ mm\n___ not a checklist"),
    ("Margins: Involved by tumor (specify margin): ________\n_X_ negative",
     "Margins: Involved by tumor (specify margin): ________\n    negative"),
])
def test_blank_unticked_options(text, expected):
    out = blank_unticked_options(text)
    assert out == expected and len(out) == len(text)

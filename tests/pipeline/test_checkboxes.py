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
    # a ticked grading band with the field's exact value: the band and the "Specify" label are blanked, the value kept
    ("Ki-67 Labeling Index: [ ] <3%  [x] 3%-20%  [ ] >20%   Specify: 9%", "Ki-67 Labeling Index:" + " " * 42 + "9%"),
    ("Mitotic rate:\n___ <2 mitoses/2 mm2\n_X_ 2 to 20 mitoses/2 mm2\nSpecify: 4 mitoses/2 mm2",
     "Mitotic rate:\n" + " " * 20 + "\n" + " " * 25 + "\n" + " " * 9 + "4 mitoses/2 mm2"),
    # negatives: a ticked statement stays; a band with no exact value stays; another field's value is not this one's
    ("Histologic Grade: [ ] G1  [x] G2   Specify: see comment", "Histologic Grade:" + " " * 13 + "G2   Specify: see comment"),
    ("Ki-67 Labeling Index: [ ] <3%  [x] 3%-20%  [ ] >20%", "Ki-67 Labeling Index:" + " " * 14 + "3%-20%" + " " * 10),
    ("Ki-67: [x] 3%-20%\nComment: Specify: 9% in one focus", "Ki-67:     3%-20%\nComment: Specify: 9% in one focus"),
])
def test_blank_unticked_options(text, expected):
    out = blank_unticked_options(text)
    assert out == expected and len(out) == len(text)

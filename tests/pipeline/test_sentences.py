"""nelm_sentences: where a report's sentences start (pipeline/sentences.py)."""
import pytest

from pipeline.sentences import boundary_offsets

_WRAPPED = ("Thank you for sending 9 H&E slides and paraffin block A5 from the segmental\n"
            "small bowel resection (terminal ileum, 22 cm) performed at your hospital on\n"
            "16 June 2025. Submitted diagnosis: well-differentiated neuroendocrine tumour,\n"
            "Ki-67 4%, WHO grade 2. We agree with the submitted diagnosis of a tumour of\n"
            "the ileum.\n")


def _sentences(text: str) -> list[str]:
    starts = sorted({0} | boundary_offsets(text))
    return [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]


@pytest.mark.parametrize("text,expected", [
    # a full line of a hard-wrapped paragraph that ends in a word needing its continuation goes on
    (_WRAPPED, ["Thank you for sending 9 H&E slides and paraffin block A5 from the segmental\nsmall bowel resection "
                "(terminal ileum, 22 cm) performed at your hospital on\n16 June 2025.",
                "Submitted diagnosis: well-differentiated neuroendocrine tumour,\nKi-67 4%, WHO grade 2.",
                "We agree with the submitted diagnosis of a tumour of\nthe ileum."]),
    # a full line of a hard-wrapped paragraph whose next line opens with the bracket of its last words goes on
    ("Liver: Four new hypervascular lesions: segment 2 (15 mm), segment 4a (19 mm), segment 6 (12 mm) and segment 8\n"
     "(30 mm). No biliary dilatation. Pancreas: 2.8 cm hypervascular mass in the pancreatic tail, new and solid.\n"
     "(1) Bones: no lesion.\n",
     ["Liver: Four new hypervascular lesions: segment 2 (15 mm), segment 4a (19 mm), segment 6 (12 mm) and segment 8\n"
      "(30 mm).", "No biliary dilatation.", "Pancreas: 2.8 cm hypervascular mass in the pancreatic tail, new and solid.",
      "(1) Bones: no lesion."]),
    # a lower-case report: a line opening with a field label starts a sentence, as a capitalised one would
    ("ct abdomen/pelvis with contrast\nhx: pancreatic NET G1, s/p Whipple 2019. surveillance.\nliver: no focal lesion.\n",
     ["ct abdomen/pelvis with contrast", "hx: pancreatic NET G1, s/p Whipple 2019. surveillance.",
      "liver: no focal lesion."]),
    # NEG: a short field line ending in a comma, then a capital, is a new sentence
    ("Nodes: 0/12,\nMargins: clear.\nKi-67: 2%.\nGrade: G1.\n", ["Nodes: 0/12,", "Margins: clear.", "Ki-67: 2%.",
                                                                 "Grade: G1."]),
])
def test_wrapped_lines_and_field_lines(text, expected):
    assert _sentences(text) == expected


@pytest.mark.parametrize("text,fields", [
    ("CT AP 02/2024 | hx ileal NET, s/p resection | Liver: 3 new mets | PD", ["hx ileal", "Liver: 3", "PD"]),
    ("Impression: stable. | Next CT in 6 months.", ["Next CT"]),
])
def test_fields_of_a_one_line_record_are_sentences(text, fields):
    starts = boundary_offsets(text)
    assert all(any(text.startswith(field, at) for at in starts) for field in fields)


def test_a_table_row_keeps_its_cells_together():
    text = "| Lesion | Segment | Size |\n| 1 | 7 | 30 mm |\n| 2 | 3 | 12 mm |"
    assert not any(text[at - 2:at] == "| " for at in boundary_offsets(text))

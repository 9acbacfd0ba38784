"""Space-aligned tables are read as pipe tables, every offset unchanged (pipeline/aligned_tables.py)."""
from __future__ import annotations

import pytest

from pipeline.aligned_tables import pipe_aligned_tables
from pipeline.extract import extract_record
from pipeline.ingest import RawRecord, Validator

TABLE = ("TARGET LESIONS (longest diameter), mm\n"
         "#   Location                     Baseline   Nadir (04/25)   Today\n"
         "T1  Liver segment VII            45         36              38\n"
         "T2  Liver segment II             27         19              21\n"
         "T3  Mesenteric lymph node        22         17              17\n"
         "    Sum                          94         72              76\n")


@pytest.mark.parametrize("text,piped", [
    (TABLE, True),
    # NEG: prose, one wide gap on a line, or fewer than three aligned lines
    ("Accession: SP-25-33918    Received: 2025-08-18\nSpecimen: one core, 17 mm.", False),
    ("Region      SUVmax   Size\nLiver seg 7   21.3   26 mm\nThe rest is prose.", False),
    ("The liver shows two lesions.  A second sentence after two spaces.  And a third one.", False),
])
def test_only_aligned_blocks_become_pipe_tables(text, piped):
    out = pipe_aligned_tables(text)
    assert len(out) == len(text)
    assert [i for i, (a, b) in enumerate(zip(text, out)) if a != b] == [i for i, c in enumerate(out) if c == "|" and text[i] != "|"]
    assert ("|" in out) == piped


def test_rows_keep_their_cells_at_the_same_offsets():
    out = pipe_aligned_tables(TABLE)
    for line_in, line_out in zip(TABLE.split("\n"), out.split("\n")):
        assert line_in.split() == line_out.replace("|", " ").split()


def test_aligned_table_read_as_a_lesion_table_and_mentions_quote_the_report(nlp, config):
    text = "CT CHEST/ABDOMEN/PELVIS - RECIST 1.1\n" + TABLE + "NON-TARGET LESIONS\nNT1 L2 vertebral metastasis   Present\n"
    record = Validator(config).validate(RawRecord({"report_id": "T1", "text": text, "report_type": "CT"}, "<test>"))
    result = extract_record(nlp, record)
    assert result.row["liver_lesion_count"] == 2
    assert sorted(result.row["liver_segments"]) == ["2", "7"]
    assert "lymph_node" in result.row["extrahepatic_sites"]
    for mention in result.mentions:  # the quoted text is the report's own, never a '|' the reader put in
        assert mention["text"] == text[mention["start_char"]:mention["end_char"]]


@pytest.mark.parametrize("text,expected", [
    ("Margins ........ Uninvolved", "Margins:         Uninvolved"),
    ("Ki-67 ......... 9 %", "Ki-67:          9 %"),
    ("The lesion... unchanged.", "The lesion... unchanged."),                                    # NEG: an ellipsis
    ("Specimen = liver, segment 8", "Specimen:  liver, segment 8"),
    ("x = 5 and y = 6", "x = 5 and y = 6"),                                                     # NEG: no field name
])
def test_field_separators_become_colons_of_the_same_length(text, expected):
    from pipeline.aligned_tables import colon_fields

    assert colon_fields(text) == expected and len(colon_fields(text)) == len(text)

"""Pure parsers of pathology values (no pipeline)."""
import pytest

from extractors._pathology_units import derive_grade, normalize_grade, parse_count, parse_mitoses, parse_percent


@pytest.mark.parametrize("text,expected", [
    ("12%", 12.0),               # plain
    ("12 %", 12.0),              # space before the sign
    ("12 percent", 12.0),        # word
    ("approximately 15%", 15.0), # hedge word kept out of the value
    ("~15%", 15.0),              # tilde
    ("<1%", 1.0),                # bound gives its number
    ("less than 2%", 2.0),       # bound in words
    ("≤3%", 3.0),                # unicode bound
    ("10-15%", 15.0),            # range: upper value
    ("10 to 15%", 15.0),         # range in words
    ("30%–40%", 40.0),           # range with both signs and an en dash
    ("2,5%", 2.5),               # decimal comma
    ("I%", 1.0),                 # OCR capital I for 1
    ("8 of 500 cells", 1.6),     # a count
    ("150%", None),              # impossible value
])
def test_parse_percent(text, expected):
    assert parse_percent(text)[0] == expected


@pytest.mark.parametrize("pos,total,expected", [
    ("8", "500", 1.6),    # usual hot-spot count
    ("15", "500", 3.0),   # boundary G2
    ("0", "500", 0.0),    # no labelled cell
    ("9", "0", None),     # nothing counted: no value
    ("600", "500", None), # impossible
])
def test_parse_count(pos, total, expected):
    assert parse_count(pos, total) == expected


@pytest.mark.parametrize("value,area,expected", [
    ("3", "2 mm2", 3.0),      # per 2 mm²
    ("3", "10 HPF", 3.0),     # per 10 HPF taken as per 2 mm²
    ("12", "50 HPF", 2.4),    # 50 HPF ≈ 10 mm²
    ("5", "10 mm2", 1.0),     # per 10 mm² rescaled
    ("three", "2 mm²", 3.0),  # number word, unicode square
])
def test_parse_mitoses(value, area, expected):
    assert parse_mitoses(value, area)[0] == expected


@pytest.mark.parametrize("ki67,mitoses,expected", [
    (2.9, None, ("G1", "ki67")),   # just below 3
    (3.0, None, ("G2", "ki67")),   # 3 is G2
    (20.0, None, ("G2", "ki67")),  # 20 is G2
    (20.5, None, ("G3", "ki67")),  # above 20
    (2.0, 4.0, ("G2", "mitoses")), # the higher wins
    (5.0, 3.0, ("G2", "ki67")),    # tie -> ki67
    (None, None, (None, None)),    # nothing to grade
])
def test_derive_grade(ki67, mitoses, expected):
    assert derive_grade(ki67, mitoses) == expected


@pytest.mark.parametrize("text,expected", [
    ("G2", "G2"), ("grade 2", "G2"), ("grade II", "G2"), ("grade III", "G3"),
    ("low", "G1"), ("intermediate", "G2"), ("high", "G3"),
    ("grade", None),  # no number
])
def test_normalize_grade(text, expected):
    assert normalize_grade(text) == expected

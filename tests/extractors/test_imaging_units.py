"""Pure parsers of extractors/_imaging_units.py: sizes, segments, counts, organs."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import _imaging_units
from extractors._imaging_units import (
    Count, attribute_organ, count_category, named_segments, normalize_segment, organ_of, parse_count, parse_size_mm,
    segments_in, side_of_segment,
)


@pytest.mark.parametrize("text,expected", [
    ("3.1 x 2.4 x 2.2 cm", 31.0),      # 3D, cm
    ("23 x 19 mm", 23.0),               # 2D, mm
    ("12mm", 12.0),                     # no space
    ("2,5 cm", 25.0),                   # decimal comma
    ("1.2 cm x 8 mm", 12.0),            # each dimension with its own unit
    ("1.5-cm", 15.0),                   # hyphenated unit
    ("0.9 centimetres", 9.0),           # unit spelled out
    ("no size here", None),             # negative: no number
])
def test_parse_size_mm(text, expected):
    assert parse_size_mm(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("4A", "4a"),     # upper-case subsegment
    ("IVa", "4a"),    # roman with subsegment
    ("VII", "7"),     # roman
    ("S7", "7"),      # S-prefixed
    ("8", "8"),       # digit
    ("9", None),      # negative: no segment 9
    ("4c", None),     # negative: no 4c
])
def test_normalize_segment(text, expected):
    assert normalize_segment(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("segments 5/6", ["5", "6"]),                    # slash list
    ("segment 4a/4b", ["4a", "4b"]),                 # subsegments
    ("segments II, III and IVb", ["2", "3", "4b"]),  # roman list
    ("seg 6", ["6"]),                                # abbreviation
    ("segments 5 to 7", ["5", "6", "7"]),            # a range
    ("segment", []),                                 # negative: no number
])
def test_segments_in(text, expected):
    assert segments_in(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("caudate lobe", ["1"]),              # caudate
    ("left lateral segment", ["2", "3"]), # left lateral section
    ("right posterior section", ["6", "7"]),
    ("right anterior sector", ["5", "8"]),
    ("hepatic dome", []),                 # negative: the dome names no segment
])
def test_named_segments(text, expected):
    assert named_segments(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("three", Count(3, "exact")),                       # word number
    ("12", Count(12, "exact")),                         # digits
    ("a few", Count(None, "few")),                      # few
    ("at least 5", Count(None, "at_least", 5)),         # lower bound only
    ("innumerable", Count(None, "innumerable")),
    ("too numerous to count", Count(None, "innumerable")),
    ("several", Count(None, "multiple")),
    ("no", Count(0, "none")),                           # zero
    ("solitary", Count(1, "exact")),
    ("twelve or so", Count(None, "multiple")),          # approximate
    ("two or so", Count(None, "few")),
    ("hypervascular", None),                            # negative: not a quantifier
])
def test_parse_count(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("count,kind,expected", [
    (0, None, "none"), (1, None, "single"), (3, None, "few"), (4, None, "multiple"),
    (None, "few", "few"), (None, "innumerable", "multiple"), (None, None, None),  # negative: nothing stated
])
def test_count_category(count, kind, expected):
    assert count_category(count, kind) == expected


@pytest.mark.parametrize("segment,side", [("2", "left"), ("4b", "left"), ("7", "right"), ("1", None)])
def test_side_of_segment(segment, side):
    assert side_of_segment(segment) == side


@pytest.mark.parametrize("sentence,noun,organ", [
    ("There is a 2.1 cm renal cyst.", "cyst", "other"),                    # premodifier
    ("A 3 cm mass in the pancreatic tail.", "mass", "pancreas"),           # prepositional phrase
    ("Two hepatic metastases are seen.", "metastases", "liver"),
    ("A lesion in segment 7 measures 2 cm.", "lesion", "liver"),           # segment names the liver
    ("Small nodules in the right lower lobe.", "nodules", "lung"),         # lung lobe, not liver lobe
    ("Lesion near the hepatic flexure.", "Lesion", "bowel"),               # hepatic flexure is bowel
    ("T2 hyperintense lesions are present.", "lesions", None),             # negative: MRI T2 is no vertebra
])
def test_attribute_organ(sentence, noun, organ):
    start = sentence.index(noun)
    assert attribute_organ(sentence, start, start + len(noun)) == organ


@pytest.mark.parametrize("word,organ", [("pancreatic", "pancreas"), ("osseous", "bone"), ("adrenal", "adrenal"),
                                        ("spleen", "other"), ("small", None)])  # negative: "small" is not SMA
def test_organ_of(word, organ):
    assert organ_of(word) == organ


@pytest.mark.parametrize("text,expected", [
    ("2 rnetastases, segrnent 7 (2.4 crn)", "2 metastases , segment  7 (2.4 cm )"),
    ("PELVlS WlTH hypervascuIar", "PELVIS WITH hypervascular"),
    ("the sternum, concerning pattern; internal hernia", "the sternum, concerning pattern; internal hernia"),  # real words kept
])
def test_ocr_clean_keeps_length(text, expected):
    from extractors._imaging_units import ocr_clean

    assert ocr_clean(text) == expected and len(ocr_clean(text)) == len(text)


@pytest.mark.parametrize("text,expected", [
    ("1iver: severa1 1esions, the 1argest", "liver: several lesions, the largest"),       # 1 for l, start and end of word
    ("No bi1iary dilatation; peritonea1; sc1erotic", "No biliary dilatation; peritoneal; sclerotic"),
    ("A n0dule in the c0lon", "A nodule in the colon"),                                    # 0 for o
    # negatives: numbers, segments, vertebrae, sequences, units and isotopes are not misread letters
    ("S1, T10, T1WI, T1w, pM1a, x10, 10mm, 1.5cm, 1st, b1000, 111In, 100kVp, seg 1a, Ki67 10%, H1N1",
     "S1, T10, T1WI, T1w, pM1a, x10, 10mm, 1.5cm, 1st, b1000, 111In, 100kVp, seg 1a, Ki67 10%, H1N1"),
])
def test_ocr_clean_digit_for_letter(text, expected):
    from extractors._imaging_units import ocr_clean

    assert ocr_clean(text) == expected and len(ocr_clean(text)) == len(text)


@pytest.mark.parametrize("text,expected", [
    ("segnent 2: 2.4 cm", "segment 2: 2.4 cm"),           # n for m, repaired only into a known word
    ("SEGNENT 4B", "SEGMENT 4B"),
    ("enlarged lynph nodes; haemangiona", "enlarged lymph nodes; haemangioma"),
    ("netastases in segnents 5/6", "metastases in segments 5/6"),
    ("NETs in a sane patient; the main lesion", "NETs in a sane patient; the main lesion"),  # negative: real words kept
])
def test_ocr_clean_n_for_m(text, expected):
    from extractors._imaging_units import ocr_clean

    assert ocr_clean(text) == expected and len(ocr_clean(text)) == len(text)


@pytest.mark.parametrize("text,expected", [
    ("lVa", "4a"), ("Vlll", "8"), ("lll", "3"), ("Vl", "6"), ("lV", "4"),   # OCR l for I
    ("l", None),                                                              # negative: a lone l is no segment
])
def test_normalize_segment_ocr(text, expected):
    assert normalize_segment(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("4.5 x 3.8 cms", 45.0), ("2.3 x 2.0 cms", 23.0), ("17.2 cms", 172.0),   # "cms"
])
def test_parse_size_mm_cms(text, expected):
    assert parse_size_mm(text) == expected


def test_dozen_is_a_vague_count():
    from extractors._imaging_units import parse_count
    assert parse_count("approximately a dozen").kind == "multiple"
    assert parse_count("approximately a dozen").value is None
    assert parse_count("twelve").value == 12  # negative: an exact number stays exact


# -- the organ fast path never skips an organ word of the lexicon -------------------------------------
# organ_matches tries ORGAN_RE only at words whose first three letters are in _ORGAN_PREFIXES (code),
# while the organ words are in configs/lexicons/imaging_units.jsonl (data): a word added to the lexicon
# with a new prefix must fail here, not vanish silently from extraction.


def _organ_matches_without_prefixes(text: str) -> list[tuple[int, int, str]]:
    """organ_matches with ORGAN_RE tried at every word: the reference for its prefix filter."""
    out, last_end = [], 0
    for word in _imaging_units._WORD.finditer(text):
        if word.start() < last_end:
            continue
        m = _imaging_units.ORGAN_RE.match(text, word.start())
        if m:
            out.append((m.start(), m.end(), _imaging_units._GROUP_ORGAN[m.lastgroup or ""]))
            last_end = m.end()
    return out


@pytest.mark.parametrize("organ, source", _imaging_units._ORGAN_PATTERNS,
                         ids=[f"{i}-{organ}" for i, (organ, _) in enumerate(_imaging_units._ORGAN_PATTERNS)])
def test_every_organ_word_passes_the_prefix_filter(organ, source):
    words = st.from_regex(re.compile(source, re.I), fullmatch=True, alphabet=st.characters(codec="ascii"))

    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(words)
    def check(word):
        text = f"a {word} lesion"
        assert _imaging_units.organ_matches(text) == _organ_matches_without_prefixes(text)

    check()


# Letters read for digits in numbers, "11" for "ll", "0" in capitals; codes and numbers are left alone.
@pytest.mark.parametrize("text,expected", [
    ("Ki-67 1O% and l/1O HPF", "Ki-67 10% and 1/10 HPF"),
    ("we11-differentiated, sma11 bowel, We11", "well-differentiated, small bowel, Well"),
    ("DIAGN0SIS: RESECTI0N", "DIAGNOSIS: RESECTION"),
    ("T10 S1 x10 10mm b1000 SSTR1 pT1N0 CD10 R0 G1 I/II", "T10 S1 x10 10mm b1000 SSTR1 pT1N0 CD10 R0 G1 I/II"),  # NEG
])
def test_ocr_clean_digits_and_letters(text, expected):
    assert _imaging_units.ocr_clean(text) == expected

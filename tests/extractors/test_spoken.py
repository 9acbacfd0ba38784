"""Sizes and segments dictated in words become digits, at the same length (extractors/_spoken.py)."""
import pytest

from extractors._spoken import spoken_numbers, spoken_punctuation, spoken_terms


@pytest.mark.parametrize("text,expected", [
    ("the largest at forty-one millimetres", "the largest at 41        millimetres"),
    ("measuring six point two cm", "measuring 6.2           cm"),
    ("a lesion of nine mm in segment seven.", "a lesion of 9    mm in segment     7."),
    ("Fourteen millimetre node", "14       millimetre node"),
    ("one in segment for measuring 14 mm and one in segment ate", "one in segment   4 measuring 14 mm and one in segment   8"),
    ("New metastases in segments for and ate.", "New metastases in segments   4 and   8."),
    ("The segment too lesion", "The segment   2 lesion"),
    ("replaces roughly forty percent (previously thirty %)", "replaces roughly 40    percent (previously 30     %)"),
    ("lesions in segment to, segment for A and segment sex, up to", "lesions in segment  2, segment    4a and segment   6, up to"),
    ("segment fore and segment fourb.", "segment    4 and segment    4b."),
    # negatives: counts, other numbers, and homophones that are not a segment
    ("Twelve or so metastases", "Twelve or so metastases"),
    ("two of fourteen nodes", "two of fourteen nodes"),
    ("segment for comparison", "segment for comparison"),
    ("the segment to the left", "the segment to the left"),
    ("was thirty-three", "was thirty-three"),
])
def test_spoken_numbers(text, expected):
    assert spoken_numbers(text) == expected and len(spoken_numbers(text)) == len(text)


@pytest.mark.parametrize("text,expected", [
    ("Histology report comma dictated period\nSpecimen colon rectal polyp period\nnew paragraph\nMargins colon clear period",
     "Histology report,      dictated.      \nSpecimen:      rectal polyp.      \n\n            \nMargins:      clear.      "),
    ("Conclusion colon sigmoid colon NET period. Ki-67 2 percent period. No mitoses period.",
     "Conclusion:      sigmoid colon NET.      . Ki-67 2 percent.      . No mitoses.      ."),          # the organ stays
    ("Specimen: sigmoid colon. The period of follow-up was two years.",
     "Specimen: sigmoid colon. The period of follow-up was two years."),                            # NEG: no dictation
    # a dictated full stop ends its sentence (the next word is capitalised); a paragraph's unspoken label gets its colon
    ("no new liver lesions period the primary remains in situ period no ascites period new paragraph impression "
     "partial response period",
     "no new liver lesions.       The primary remains in situ.       No ascites.      \n              Impression:partial "
     "response.      "),
])
def test_dictated_punctuation(text, expected):
    out = spoken_punctuation(text)
    assert out == expected
    assert len(out) == len(text)


@pytest.mark.parametrize("text,expected", [
    ("a new 2 2 x 1 8 cm lesion", "a new 2.2 x 1.8 cm lesion"),          # a decimal point dictation lost
    ("the largest in segment 7 measuring 4 1 cm", "the largest in segment 7 measuring 4.1 cm"),
    ("segment 2 2 cm metastasis", "segment 2 2 cm metastasis"),          # NEG: segment 2, 2 cm
    ("a 2 2 mm focus", "a 2 2 mm focus"),                                # NEG: millimetres say nothing sure
    ("Key 67: approximately 80%", "Ki-67 : approximately 80%"),
    ("My toes is: 35 per 2 mm2", "mitoses   : 35 per 2 mm2"),
    ("abuts the right hepatic vain", "abuts the right hepatic vein"),
    ("Know new lesions.", "no   new lesions."),
    ("I know the patient well.", "I know the patient well."),            # NEG
])
def test_dictation_slips(text, expected):
    assert spoken_terms(text) == expected
    assert len(spoken_terms(text)) == len(text)

"""Pure parsers for pathology values: percentages, counts, mitotic rates and WHO 2019 grades.

No spaCy here: every function takes the matched text and returns plain values, so each
phrasing can be tested as a table (``tests/extractors/test_pathology_units.py``).

WHO 2019 (GEP-NEN): Ki-67 <3% G1, 3-20% G2, >20% G3; mitoses per 2 mm² <2 G1, 2-20 G2,
>20 G3; the higher category wins. A count per 10 HPF is read as per 2 mm² (WHO 2010 practice).
"""
from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon

_CUES = load_lexicon("pathology_units")

GRADES = ("G1", "G2", "G3")

#: OCR confusions for the digit 1 seen in scanned reports ("I%", "l%", "0110 hpf" is not fixable).
_OCR_ONE = {"i": "1", "l": "1", "|": "1"}
_NUM = re.compile(r"\d+(?:[.,]\d+)?")
#: A letter O read for a zero after a digit, before the per cent sign ("1O%", "1OO%").
_OCR_ZERO = re.compile(r"(?<=\d)[oO](?=[\doO]*\s*(?:%|percent))")
_RANGE_SEP = _CUES["RANGE_SEP"]
_COUNT = _CUES["COUNT"]
_WORDS = {"zero": 0, "no": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a single": 1, "single": 1}  # "rare" is no count (null)
_NO_VALUE = _CUES["NO_VALUE"]
#: Bound and approximation words, read on lower-cased text.
_BOUND_UPPER = _CUES["BOUND_UPPER"]
_BOUND_LOWER = _CUES["BOUND_LOWER"]
_APPROXIMATE = _CUES["APPROXIMATE"]
#: Grade words, read on lower-cased text.
_GRADE_LOW = _CUES["GRADE_LOW"]
_GRADE_INTERMEDIATE = _CUES["GRADE_INTERMEDIATE"]
_GRADE_HIGH = _CUES["GRADE_HIGH"]
_GRADE_LABEL = _CUES["GRADE_LABEL"]


def to_float(text: str) -> float | None:
    """'12' -> 12.0, '2,5' -> 2.5 (decimal comma), 'I' -> 1.0 (OCR), '1,000' -> 1000.0."""
    text = text.strip()
    if text.lower() in _OCR_ONE:
        return 1.0
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        return float(text.replace(",", ""))
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def no_value(text: str) -> str | None:
    """'pending' -> 'pending'; 'not performed' / 'not assessable' -> 'not_performed'; else None."""
    m = _NO_VALUE.search(text)
    if not m:
        return None
    word = m.group(0).lower()
    return "pending" if word in {"pending", "to follow", "in progress"} or word.startswith("will be") else "not_performed"


def parse_percent(text: str) -> tuple[float | None, dict]:
    """A Ki-67 value phrase -> (percent, attrs).

    '12%' -> 12; '12 percent' -> 12; 'approximately 15%' -> 15; '<1%' -> 1 (bound);
    'less than 2%' -> 2; '≤3%' -> 3; '10-15%' / '10 to 15%' / '10%-15%' -> 15 (upper value);
    'I%' -> 1 (OCR); '8 of 500 cells' -> 1.6; values over 100 -> None (invalid).
    """
    attrs: dict = {}
    text = _OCR_ZERO.sub("0", text)  # OCR letter O for a zero inside a number: '1O%' -> '10%'
    lowered = text.lower()
    count = _COUNT.search(text)
    if count and "%" not in text and "percent" not in lowered:
        return parse_count(count.group(1), count.group(2)), {"from_count": True}
    if _BOUND_UPPER.search(lowered):
        attrs["bound"] = "upper"
    elif _BOUND_LOWER.search(lowered):
        attrs["bound"] = "lower"
    if _APPROXIMATE.search(lowered):
        attrs["approximate"] = True
    numbers = [m.group(0) for m in _NUM.finditer(text)]
    if not numbers:
        ocr = re.search(r"(?<![a-z])[il|](?=\s*(?:%|percent))", lowered)
        if not ocr:
            return None, attrs
        numbers = ["1"]
        attrs["ocr"] = True
    if len(numbers) > 1:
        attrs["range"] = [to_float(n) for n in numbers[:2]]
    value = max(v for v in (to_float(n) for n in numbers[:2]) if v is not None)
    if value > 100:
        return None, {**attrs, "invalid": True}
    return value, attrs


def parse_count(positive: str, total: str) -> float | None:
    """'8', '500' -> 1.6 (percent of counted cells); None when total is 0 or positive > total."""
    pos, tot = to_float(positive), to_float(total)
    if pos is None or not tot or pos > tot:
        return None
    return round(100.0 * pos / tot, 2)


def parse_number_word(text: str) -> float | None:
    """'3' -> 3; 'three' -> 3; 'a single' -> 1; 'no' -> 0; 'I' -> 1 (OCR)."""
    text = text.strip().lower()
    if text in _WORDS:
        return float(_WORDS[text])
    return to_float(text)


def parse_mitoses(value: str, area: str, bound: str | None = None) -> tuple[float | None, dict]:
    """A mitotic count and its area -> (per 2 mm², attrs).

    ('3', '2 mm2') -> 3; ('4', '10 HPF') -> 4 with attrs converted_from '10HPF';
    ('12', '50 HPF') -> 4.8 (50 HPF ≈ 10 mm²); ('1', '1 mm2') -> 2; ('<2', ...) -> 2 bound upper.
    """
    attrs: dict = {}
    if bound:
        attrs["bound"] = bound
    raw = re.findall(r"\d+(?:[.,]\d+)?", value)
    if any(re.match(r"0\d", n) for n in raw):
        return None, {**attrs, "invalid": True}  # OCR debris: '0110 per high power fields'
    words = value.split()
    numbers = [to_float(n) for n in raw] or [parse_number_word(" ".join(words[-2:])) if len(words) > 1 and
                                             words[-2].lower() == "a" else parse_number_word(words[-1] if words else "")]
    numbers = [n for n in numbers if n is not None]
    if not numbers:
        return None, attrs
    count = max(numbers)
    if len(numbers) > 1:
        attrs["range"] = numbers[:2]
    area_l = area.lower().replace(" ", "")
    factor = 1.0
    flat = area_l.replace(".", "").replace("-", "")  # 'h.p.f.', 'high-power fields'
    if "hpf" in flat or "highpower" in flat:
        fields = to_float(re.match(r"\d*", area_l).group(0) or "10") or 10.0  # 'per high power fields' ~ 10 HPF
        factor = 10.0 / fields
        attrs["converted_from"] = f"{int(fields)}HPF"
    else:
        m = re.match(r"(\d+(?:[.,]\d+)?)", area_l)
        mm2 = to_float(m.group(1)) if m else 1.0
        if mm2 and mm2 != 2:
            factor = 2.0 / mm2
            attrs["converted_from"] = f"{m.group(1) if m else '1'}mm2"
    return round(count * factor, 2), attrs


def grade_from_ki67(ki67: float | None) -> str | None:
    """WHO 2019: 2.9 -> G1, 3 -> G2, 20 -> G2, 20.5 -> G3; None -> None."""
    if ki67 is None:
        return None
    if ki67 < 3:
        return "G1"
    return "G2" if ki67 <= 20 else "G3"


def grade_from_mitoses(mitoses: float | None) -> str | None:
    """WHO 2019 per 2 mm²: 1 -> G1, 2 -> G2, 20 -> G2, 21 -> G3."""
    if mitoses is None:
        return None
    if mitoses < 2:
        return "G1"
    return "G2" if mitoses <= 20 else "G3"


def derive_grade(ki67: float | None, mitoses: float | None) -> tuple[str | None, str | None]:
    """(grade, source): the higher of the two index grades; 'ki67' when they tie."""
    by_ki67, by_mitoses = grade_from_ki67(ki67), grade_from_mitoses(mitoses)
    if by_ki67 is None and by_mitoses is None:
        return None, None
    if by_mitoses is None or (by_ki67 is not None and by_ki67 >= by_mitoses):
        return by_ki67, "ki67"
    return by_mitoses, "mitoses"


def normalize_grade(text: str) -> str | None:
    """'G2' / 'grade 2' / 'grade II' / 'grade two' / 'low grade' / 'intermediate grade' / 'high-grade' -> G1/G2/G3."""
    t = text.lower()
    if _GRADE_LOW.search(t):
        return "G1"
    if _GRADE_INTERMEDIATE.search(t):
        return "G2"
    if _GRADE_HIGH.search(t):
        return "G3"
    m = _GRADE_LABEL.search(t) or re.search(r"\b(iii|ii|i|[123])\s*$", t)
    if not m:
        return None
    token = m.group(1)
    roman = {"i": "G1", "ii": "G2", "iii": "G3", "l": "G1", "|": "G1", "one": "G1", "two": "G2", "three": "G3"}
    return roman.get(token) or f"G{token}"

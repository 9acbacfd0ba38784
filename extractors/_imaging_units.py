"""Pure parsers shared by the imaging extractors (no spaCy): sizes, counts, segments, organs.

Examples::

    parse_size_mm("3.1 x 2.4 x 2.2 cm")  -> 31.0
    parse_size_mm("12mm")                -> 12.0
    normalize_segment("IVa")             -> "4a"
    segments_in("segments 5/6")          -> ["5", "6"]
    parse_count("at least 5")            -> Count(None, "at_least", 5)
    organ_of("pancreatic")               -> "pancreas"

Couinaud segments 1-8, with 4a/4b (Bismuth 1982). Not handled: volumes ("12 mL"), areas.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from pipeline.lexicon import load_lexicon

from ._rules import required_literals

_CUES = load_lexicon("imaging_units")

_NUM = r"\d+(?:[.,]\d+)?"
_UNIT = r"(?:mm|cms?|millimet(?:er|re)s?|centimet(?:er|re)s?)\b"  # "cms": a plural some templates write
_SIZE = re.compile(rf"({_NUM})\s*-?\s*({_UNIT})?", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
WORD_NUMBERS = {
    "no": 0, "zero": 0, "none": 0, "one": 1, "a single": 1, "single": 1, "solitary": 1, "an isolated": 1,
    "isolated": 1, "two": 2, "both": 2, "a pair of": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20,
}
#: Vague quantifiers -> count kind ("few" is 2-3, the rest more than three).
VAGUE = {
    "few": "few", "a few": "few", "several": "multiple", "multiple": "multiple", "numerous": "multiple",
    "many": "multiple", "innumerable": "innumerable", "countless": "innumerable", "myriad": "innumerable",
    "too numerous to count": "innumerable", "diffuse": "innumerable", "miliary": "innumerable",
    "multifocal": "multiple", "scattered": "multiple", "various": "multiple", "some": "multiple",
    "a handful of": "multiple", "handful of": "multiple",  # colloquially about five: more than "a few"
    "a couple of": "few", "couple of": "few",  # colloquially two or so, not exactly two (blind4 convention 1)
    "a cluster of": "multiple", "cluster of": "multiple", "clusters of": "multiple",  # grouped, not counted
    "disseminated": "multiple", "widespread": "multiple",  # "Known disseminated metastases in both liver lobes"
}


def parse_number(text: str) -> float:
    """'2,5' (decimal comma) and '2.5' -> 2.5."""
    return float(text.replace(",", "."))


def to_mm(value: float, unit: str | None) -> float:
    """A length in mm: cm and centimetres x10; mm (or no unit) unchanged."""
    unit = (unit or "mm").lower()
    return round(value * 10.0, 2) if unit.startswith("c") else value


def parse_size_mm(text: str, default_unit: str | None = None) -> float | None:
    """Largest dimension in mm of a 1D/2D/3D measurement.

    '3.1 x 2.4 x 2.2 cm' -> 31.0; '23 x 19 mm' -> 23.0; '1.2 cm x 8 mm' -> 12.0; '2,5 cm' -> 25.0.
    A number without a unit takes the next unit written after it (dimensions share the last unit).
    """
    parts = [(parse_number(m.group(1)), m.group(2)) for m in _SIZE.finditer(text)]
    if not parts:
        return None
    values = []
    unit = default_unit
    for value, own in reversed(parts):
        unit = own or unit
        values.append(to_mm(value, unit))
    return max(values)


def roman_to_int(text: str) -> int | None:
    """'VII' -> 7; anything else -> None."""
    return _ROMAN.get(text.lower())


def normalize_segment(text: str) -> str | None:
    """One Couinaud segment token -> "1".."8", "4a", "4b". 'S7', 'IVa', '4A', 'seg 6' accepted."""
    t = text.strip().lower().lstrip("s").strip()
    if "l" in t and re.fullmatch(r"[ivl]{2,}\s*[ab]?", t):
        t = t.replace("l", "i")  # OCR: "lVa" -> IVa, "Vlll" -> VIII
    m = re.fullmatch(r"([1-8]|viii|vii|vi|iv|v|iii|ii|i)\s*([ab])?", t)
    if not m:
        return None
    core = m.group(1)
    number = int(core) if core.isdigit() else roman_to_int(core)
    if number is None or not 1 <= number <= 8:
        return None
    if m.group(2) and number == 4:
        return f"4{m.group(2)}"
    return str(number)


_SEG_TOKEN = re.compile(r"(?<![a-z0-9])(?:[1-8]|v[il]{1,3}|[il]v|v|[il]{2,3}|i)\s?[ab]?(?![a-z0-9])", re.I)  # l: OCR for I
#: Segment words in a segment list: the one opening it (removed) and those inside it (blanked); a range "5 to 7".
_SEGMENT_LEAD = _CUES["SEGMENT_LEAD"]
_SEGMENT_LABEL = _CUES["SEGMENT_LABEL"]
_SEGMENT_RANGE = _CUES["SEGMENT_RANGE"]


def segments_in(text: str) -> list[str]:
    """Every segment named in a list: 'segments 5/6' -> ['5','6']; '4a/4b' -> ['4a','4b'];
    'segments II, III and IVb' -> ['2','3','4b']; 'segments 5 to 7'/'5-7' -> ['5','6','7']."""
    text = re.sub(r"\([^()]*\)", " ", text)  # "segments VII (42 mm) and IVa (25 mm)": the sizes are not segments
    body = _SEGMENT_LEAD.sub("", text)
    body = _SEGMENT_LABEL.sub(" ", body)  # "S8, S4b", "seg 6 and seg 7"
    body = re.sub(r"\b(4|iv)\s?a\s?/\s?b\b", r"\1a/\1b", body, flags=re.I)  # "IVa/b" -> IVa, IVb
    body = re.sub(r"\d+(?:\.\d+|,\d+(?=\s*(?:mm|cm))|,\d{2,})", " ", body)  # "segment 5, 1.6 cm": the size's digits are not segments
    found = [normalize_segment(m.group(0)) for m in _SEG_TOKEN.finditer(body)]
    segs = [s for s in found if s]
    span_range = _SEGMENT_RANGE.search(body)
    if span_range and len(segs) == 2:
        lo, hi = int(normalize_segment(span_range.group(1)) or 0), int(normalize_segment(span_range.group(2)) or 0)
        if lo < hi:
            segs = [str(i) for i in range(lo, hi + 1)]
    return list(dict.fromkeys(segs))


#: Anatomical descriptions that stand for segments.
NAMED_SEGMENTS: list[tuple[re.Pattern[str], list[str]]] = [
    (_CUES["SEGMENT_CAUDATE"], ["1"]),
    (_CUES["SEGMENT_LEFT_LATERAL"], ["2", "3"]),
    (_CUES["SEGMENT_LEFT_MEDIAL"], ["4"]),
    (_CUES["SEGMENT_RIGHT_POSTERIOR"], ["6", "7"]),
    (_CUES["SEGMENT_RIGHT_ANTERIOR"], ["5", "8"]),
]


def named_segments(text: str) -> list[str]:
    """'left lateral segment' -> ['2','3']; 'caudate lobe' -> ['1']; 'hepatic dome' -> []."""
    for pattern, segs in NAMED_SEGMENTS:
        if pattern.search(text):
            return list(segs)
    return []


def side_of_segment(segment: str) -> str | None:
    """Couinaud side for bilobar: 2-4 left, 5-8 right; the caudate (1) is neither."""
    if segment.startswith(("2", "3", "4")):
        return "left"
    if segment[:1] in {"5", "6", "7", "8"}:
        return "right"
    return None


@dataclass(frozen=True)
class Count:
    """A lesion count as written: value (exact number or None), kind and a lower bound."""

    value: int | None
    kind: str  # exact | at_least | few | multiple | innumerable | none
    bound: int | None = None


_DOZEN = _CUES["DOZEN"]
_AT_LEAST = _CUES["AT_LEAST"]
#: a count range ("two or three", "6-8") or an approximate count ("approximately 15"): a category, no exact count
_COUNT_RANGE = _CUES["COUNT_RANGE"]
_COUNT_APPROX = _CUES["COUNT_APPROX"]


def word_to_number(text: str) -> int | None:
    """'three' -> 3; '12' -> 12; 'a single' -> 1; else None."""
    t = " ".join(text.lower().split())
    if t.isdigit():
        return int(t)
    return WORD_NUMBERS.get(t)


def parse_count(text: str) -> Count | None:
    """A count quantifier -> Count.

    'three' -> exact 3; 'a few' -> few; 'at least 5' -> at_least (bound 5); 'too numerous to count',
    'innumerable' -> innumerable; 'multiple'/'several'/'numerous' -> multiple; 'no' -> none (0).
    """
    t = " ".join(text.lower().split())
    if _DOZEN.match(t):
        return Count(None, "multiple")  # "approximately a dozen", "dozens of": more than a few, not an exact count
    m = _AT_LEAST.match(t)
    if m:
        bound = word_to_number(m.group(1))
        return Count(None, "at_least", bound)
    m = _COUNT_APPROX.match(t) or _COUNT_RANGE.match(t)
    if m:  # "two or three", "6-8", "approximately 15", "twelve or so": no exact count, only its category
        top = word_to_number(m.group(m.lastindex or 1))
        if top is not None and top > 0:
            return Count(None, "few" if top <= 3 else "multiple")
    if t in VAGUE:
        return Count(None, VAGUE[t])
    number = word_to_number(t)
    if number is None:
        return None
    if number == 0:
        return Count(0, "none")
    return Count(number, "exact")


def count_category(count: int | None, kind: str | None) -> str | None:
    """none|single|few|multiple from an exact count or a vague kind (few = 2-3)."""
    if count is not None:
        if count == 0:
            return "none"
        if count == 1:
            return "single"
        return "few" if count <= 3 else "multiple"
    if kind == "few":
        return "few"
    if kind in {"multiple", "innumerable", "at_least"}:
        return "multiple"
    return None


# ---------------------------------------------------------------------------------------------
# Organ lexicon: which organ a lesion noun belongs to ("renal cyst", "mass in the pancreatic tail").
# Alternation order matters where words overlap: "hepatic flexure" is bowel, "right lower lobe" lung.
_ORGAN_PATTERNS: list[tuple[str, str]] = [  # the words are in configs/lexicons/imaging_units.jsonl
    ("bowel", _CUES.source("ORGAN_BOWEL_FLEXURE")),
    ("vessel", _CUES.source("ORGAN_VESSEL")),
    ("lung", _CUES.source("ORGAN_LUNG")),
    ("liver", _CUES.source("ORGAN_LIVER")),
    ("pancreas", _CUES.source("ORGAN_PANCREAS")),
    ("lymph_node", _CUES.source("ORGAN_LYMPH_NODE")),
    ("mesentery", _CUES.source("ORGAN_MESENTERY")),
    ("peritoneum", _CUES.source("ORGAN_PERITONEUM")),
    ("bone", _CUES.source("ORGAN_BONE")),
    ("bowel", _CUES.source("ORGAN_BOWEL")),
    ("adrenal", _CUES.source("ORGAN_ADRENAL")),
    ("mediastinum", _CUES.source("ORGAN_MEDIASTINUM")),
    ("other", _CUES.source("ORGAN_OTHER")),
    # "soft tissue"/"subcutaneous" describe a mass more often than they place it ("a soft tissue nodule in the
    # distal ileum" is bowel): a weak organ that a named organ after the noun outranks.
    ("soft_tissue", _CUES.source("ORGAN_SOFT_TISSUE")),
]
ORGAN_RE = re.compile("|".join(f"(?P<g{i}>\\b(?:{p})(?![\\w]))" for i, (_, p) in enumerate(_ORGAN_PATTERNS)), re.I)
_GROUP_ORGAN = {f"g{i}": organ for i, (organ, _) in enumerate(_ORGAN_PATTERNS)}


#: First three letters of every organ word ORGAN_RE can start with: the big alternation is only tried there.
#: An organ word added to the lexicon with a new start needs it here too (tests/extractors/test_imaging_units.py
#: generates every organ cue's words and fails on one this list would skip).
_ORGAN_PREFIXES = frozenset("""
hep spl por ren mes inf ven ivc aor smv sma rig lef lin lun pul ple per liv int cou cau bot bil seg pan unc lym nod
ade omt ome car bon oss ske ver spi sac ili isc pub ace fem hum rib ste sca cla cal sku bow ile jej duo col rec sig
cec cae app ana adr sup kid ova adn ute cer end bre thy pro bla gal sto gas eso oes bra orb myo hea mus sof ski tes
thy par sub lat med ext mar rul rml rll lul lll che lep fro occ tem mor dia pou
""".split()) | {"r", "l"}  # "Hottest lesion R lobe": the liver's right lobe
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def organ_matches(text: str) -> list[tuple[int, int, str]]:
    """(start, end, organ) for every organ word in text. 'renal cyst' -> [(0, 5, 'other')].

    One pass over the words; the organ alternation is tried only at words with a known prefix. "S1" to "S5"
    in a passage about the skeleton are sacral levels (:func:`is_sacral_level`), not liver segments; the organ of a
    "tumour-to-spleen ratio" is no organ the sentence is about.
    """
    out = _organ_words(text)
    if "atio" in text:  # "tumour-to-spleen ratio": no organ named
        out = [(start, end, organ) for start, end, organ in out if not _RATIO_TERM.match(text, end)
               or text[max(0, start - 3):start].lower() not in ("to-", "to ")]
    if any(organ == "liver" and end - start == 2 for start, end, organ in out):
        out = [(start, end, "bone" if organ == "liver" and end - start == 2 and is_sacral_level(text, start, end)
                else organ) for start, end, organ in out]
    if "obe" in text:
        out = _lobes_of_named_organs(text, out)
    return out


#: "Uptake in all target lesions exceeds spleen": the organ an uptake is measured against, not a place
_REFERENCE_ORGAN_BEFORE = _CUES["REFERENCE_ORGAN_BEFORE"]


_RECIST_HEADING_LINE = _CUES["RECIST_HEADING_LINE"]


def in_recist_heading(text: str, start: int) -> bool:
    """The offset lies on the heading line of a RECIST table ("TARGET LESIONS (longest diameter; nodes short axis)")."""
    line_start = text.rfind("\n", 0, start) + 1
    head = text[line_start:start + 12]
    if "ESION" not in head and "esion" not in head:
        return False
    return bool(_RECIST_HEADING_LINE.match(text, line_start))


_COMPARISON_HINT = re.compile(r"xceed|than|to\b|above|below", re.I)


def is_reference_organ(text: str, start: int) -> bool:
    """The organ word at ``start`` is the yardstick of an uptake ("exceeds spleen", "lower than the normal liver")."""
    return bool(_REFERENCE_ORGAN_BEFORE.search(text, max(0, start - 45), start))


_BARE_LOBE = _CUES["BARE_LOBE"]
_LOBED_ORGAN = _CUES["LOBED_ORGAN"]


def _lobes_of_named_organs(text: str, out: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A lobe that names no organ ("in the left lobe") belongs to the lobed organ named before it in its
    sentence, if any ("Thyroid: 8 mm nodule in the left lobe": the thyroid's, not the liver's)."""
    lobed: tuple[int, str] | None = None  # (end, organ) of the last lobed organ word
    relabelled = []
    for start, end, organ in out:
        if organ == "liver" and lobed is not None and _BARE_LOBE.fullmatch(text, start, end) \
                and not _SENTENCE_BREAK.search(text, lobed[0], start):
            organ = lobed[1]
        elif organ != "liver" and _LOBED_ORGAN.fullmatch(text, start, end):
            lobed = (end, organ)
        relabelled.append((start, end, organ))
    return relabelled


_SENTENCE_BREAK = re.compile(r"\n|[.;](?:\s|$)")


_RATIO_TERM = re.compile(r"\s*(?:uptake\s+|suv\s*(?:max)?\s+)?ratios?\b", re.I)

#: characters either side of an "S1".."S5" read for the skeleton (within its line)
_SACRAL_WINDOW = 80
_SACRAL_TOKEN = re.compile(r"[sS][1-5]")


def is_sacral_level(text: str, start: int, end: int) -> bool:
    """Whether "S1".."S5" at text[start:end] is a sacral level: its sentence (within its line and
    :data:`_SACRAL_WINDOW` characters) names a bone and no liver word ("Progression in the skeleton (new S1 metastasis)"; not "S1 and S4a lesions")."""
    if not _SACRAL_TOKEN.fullmatch(text, start, end):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    lo = max(line_start, start - _SACRAL_WINDOW)
    hi = min(len(text) if line_end < 0 else line_end, end + _SACRAL_WINDOW)
    stop = text.rfind(". ", lo, start)
    lo = lo if stop < 0 else stop + 2  # its sentence
    stop = text.find(". ", end, hi)
    hi = hi if stop < 0 else stop
    around = [organ for s, e, organ in _organ_words(text[lo:hi]) if lo + s != start]
    return "bone" in around and "liver" not in around


def _organ_words(text: str) -> list[tuple[int, int, str]]:
    """:func:`organ_matches` before sacral levels are told apart."""
    out = []
    last_end = 0
    match = ORGAN_RE.match
    for word in _WORD.finditer(text):
        start = word.start()
        if start < last_end:
            continue
        w = word.group(0)
        if w[:3].lower() not in _ORGAN_PREFIXES and not (len(w) <= 3 and w[0] in "tlcsTLCS" and w[1:2].isdigit()):
            continue
        m = match(text, start)
        if m:
            out.append((m.start(), m.end(), _GROUP_ORGAN[m.lastgroup or ""]))
            last_end = m.end()
    return out


def organ_of(word: str) -> str | None:
    """The organ of one word: 'pancreatic' -> 'pancreas'; 'hepatic' -> 'liver'."""
    found = organ_matches(word)
    return found[0][2] if found else None


#: Organ -> the contract's extrahepatic site vocabulary.
ORGAN_SITE = {
    "lung": "lung", "pancreas": "pancreas", "lymph_node": "lymph_node", "peritoneum": "peritoneum",
    "bone": "bone", "bowel": "bowel", "adrenal": "adrenal", "other": "other", "mesentery": "other",
    "mediastinum": "other", "soft_tissue": "other",
}
#: Organ words that only weakly place a lesion (see ``attribute_organ``).
WEAK_ORGANS = {"soft_tissue": 3.0}
#: "next to the", "adjacent to", "abutting the": the organ word after it is a landmark beside the lesion
BESIDE_BEFORE = _CUES["BESIDE_BEFORE"]


#: "mass in the pancreatic tail", "lesion of segment 7". Not "adjacent to"/"near": a nodule next to the
#: liver is not in it.
_PP_AFTER = _CUES["PP_AFTER"]
#: An organ word after the noun but past a new negated statement ("... the known primary no lymphadenopathy"):
#: dictated run-on text without full stops.
_NEW_STATEMENT = _CUES["NEW_STATEMENT"]
_NP_GAP = re.compile(r"^[\s\w/+-]{0,40}$")
_GAP_STOP = _CUES["GAP_STOP"]


def is_premodifier_gap(gap: str) -> bool:
    """True when `gap` is only adjectives between a modifier and its head noun ('' or ' small hypervascular ')."""
    return bool(_NP_GAP.match(gap)) and len(gap.split()) <= 4 and not _GAP_STOP.search(gap)


#: a liver segment written right before a lesion noun ("segment 4a lesion", "Seg 7/8 met", "S6 lesion")
_SEGMENT_PREMODIFIER = _CUES["SEGMENT_PREMODIFIER"]


def attribute_organ(text: str, start: int, end: int,
                    organs: list[tuple[int, int, str]] | None = None) -> str | None:
    """The organ a lesion noun at text[start:end] belongs to, from organ words in `text` (its sentence).

    A premodifier wins ('renal cyst', 'hepatic metastases'), then a prepositional phrase right after
    ('mass in the pancreatic tail', 'lesion of segment 7'), then the nearest organ word, preceding
    words preferred. None when the sentence names no organ. `organs` may pass organ_matches(text) precomputed.
    """
    segment = _SEGMENT_PREMODIFIER.search(text, max(0, start - 30), start)
    if segment and not any(o != "liver" for _, _, o in organ_matches(segment.group(0))) \
            and not is_sacral_level(text, segment.start(), segment.start() + 2):
        return "liver"  # "the segment 4a lesion", "Seg 7/8 met": a liver segment names the liver (not "segment 6 splenic lesion")
    best: tuple[float, str] | None = None
    compares = _COMPARISON_HINT.search(text) is not None  # "exceeds", "than", "comparable to", "above", "below"
    for o_start, o_end, organ in organ_matches(text) if organs is None else organs:
        if organ == "vessel":
            continue  # a lesion abuts a vessel, it is not in one ("Lesion 3 is in contact with the right hepatic vein")
        if organ != "liver" and compares and is_reference_organ(text, o_start):
            continue  # "Uptake in all target lesions exceeds spleen": the yardstick, not the place
        if o_end <= start:
            gap = text[o_end:start]
            # a premodifier wins, the nearest of two ("no lymphadenopathy no peritoneal deposits": peritoneal)
            score = (start - o_end) * 0.001 if is_premodifier_gap(gap) else (start - o_end) + 5
        elif o_start >= end:
            after = text[end:o_start]
            pp = _PP_AFTER.match(after)
            score = 1.0 if pp and pp.end() == len(after) else (o_start - end) * 1.5 + 10
            if _NEW_STATEMENT.search(after):
                score += 100
        else:
            score = 0.0  # organ word inside the span ('liver metastasis')
        if re.search(r"[;]", text[min(o_end, start):max(o_start, end)]):
            score += 200
        score += WEAK_ORGANS.get(organ, 0.0)
        if BESIDE_BEFORE.search(text, max(0, o_start - 20), o_start):
            score += 300.0  # "in segment 4b next to the gallbladder, ..., a 13 mm lesion": a landmark, not the lesion's organ
        if organ == "soft_tissue" and text[o_start:o_start + 4].lower() == "soft":
            score += 500.0  # "a 2.3 cm enhancing soft-tissue mass ... in the pancreatic remnant": a texture, named last
        if best is None or score < best[0]:
            best = (score, organ)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# OCR noise: scanned reports spell "m" as "rn" ("rnetastases", "segrnent", "2.4 crn") and confuse
# "l" with "I" ("PELVlS", "hypervascuIar"). ``ocr_clean`` repairs these *without changing the length*
# of the text (a shortened word is padded with a space after it), so every offset stays valid.
_OCR_HINT = re.compile(r"rn|RN|[a-z]I|[A-Z]l")  # where a repair may be needed; the word around it is then read
_OCR_WORD = re.compile(r"[A-Za-z]+")
#: Words an "rn" -> "m" repair may produce (the repair is only made when the result is one of them).
_OCR_RN_TARGETS = _CUES["OCR_RN_TARGETS"]


def _fix_l_i(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if upper >= 2 and all(c.isupper() or c == "l" for c in letters):
        return word.replace("l", "I")  # "PELVlS", "WlTH"
    if word[:1].islower() or (word[:1].isupper() and word[1:2].islower()):
        return word[0] + word[1:].replace("I", "l")  # "hypervascuIar"
    return word


#: Digits read for letters: "1iver", "severa1", "bi1iary" (1 for l), "n0dule" (0 for o). A token of letters and 1/0.
_DIGIT_HINT = re.compile(r"[A-Za-z][10]|[10][A-Za-z]")
_DIGIT_TOKEN = re.compile(r"(?<![\w.,])[A-Za-z10]+(?![\w])")
#: Numbers with a unit or ordinal written on ("10mm", "1st", "10min"), never words.
_NUMBER_WORD = _CUES["NUMBER_WORD"]
#: Short words a 1/0 repair may give although the token has fewer than three letters.
_SHORT_REPAIRS = frozenset({"all", "ill", "old", "of", "on", "no", "to", "lo", "low", "also", "nil", "lobe", "node", "liver",
                            "lung", "bone", "left", "soft", "colon", "large", "small", "oval", "solid"})


_DOUBLE_ONE_WORD = re.compile(r"(?:we|sma|a|wi|ce|fu|sti|sku|wa|fa|ha|ba|ki|hi|fi|ti)11(?:s|y|ed|ing|ness)?", re.I)


def _fix_digits(token: str) -> str:
    """'1iver' -> 'liver', 'severa1' -> 'several', 'n0dule' -> 'nodule'; 'T10', 'S1', 'x10', '10mm', 'T1WI' unchanged."""
    letters = sum(c.isalpha() for c in token)
    if letters == 0 or _NUMBER_WORD.fullmatch(token):
        return token  # "10mm", "1st"
    if letters >= 4 and token.isupper() and "0" in token and "1" not in token:
        return token.replace("0", "O")  # "DIAGN0SIS", "RESECTI0N", "MICR0": an all-capital word, not a code
    if _DOUBLE_ONE_WORD.fullmatch(token):
        return token.replace("1", "l")  # "we11", "sma11": a word ending in "ll"
    if re.search(r"[10]{2}", token):
        return token  # "100kVp", "b1000", "111In": numbers, not misread letters
    if any(c in "10" and ((i and token[i - 1].isupper()) or token[i + 1:i + 2].isupper()) for i, c in enumerate(token)):
        return token  # "pM1a", "T1w", "SSTR1": a code beside a capital
    fixed = token.replace("1", "l").replace("0", "o") if token[:1].islower() or token[1:2].islower() or \
        any(token[i].isdigit() and ((i and token[i - 1].islower()) or token[i + 1:i + 2].islower()) for i in range(len(token))) \
        else token
    if fixed == token:
        return token
    if letters >= 3 or fixed.lower() in _SHORT_REPAIRS:
        return fixed
    return token


def splice(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` applied (edits in order; one that starts inside the edit
    before it is left out)."""
    out: list[str] = []
    last = 0
    for start, end, replacement in edits:
        if start < last:
            continue
        out.append(text[last:start])
        out.append(replacement)
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _digit_repairs(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _DIGIT_TOKEN.finditer(text):
        token = m.group(0)
        if token.isalpha() or not _DIGIT_HINT.search(token):
            continue
        fixed = _fix_digits(token)
        if fixed != token:
            yield m.start(), m.end(), fixed


def _repair_digits(text: str) -> str:
    if not _DIGIT_HINT.search(text):
        return text
    return splice(text, _digit_repairs(text))


def _word_repairs(text: str) -> Iterator[tuple[int, int, str]]:
    last = 0
    for hint in _OCR_HINT.finditer(text):
        start = hint.start()
        if start < last:
            continue
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        m = _OCR_WORD.match(text, start)
        if m is None:
            continue
        word = m.group(0)
        fixed = _fix_l_i(word) if ("I" in word[1:] or "l" in word) else word
        if "rn" in fixed or "RN" in fixed:
            candidate = fixed.replace("rn", "m").replace("RN", "M")
            if candidate != fixed and _OCR_RN_TARGETS.fullmatch(candidate.lower()) and not _OCR_RN_TARGETS.fullmatch(fixed.lower()):
                fixed = candidate + " " * (len(fixed) - len(candidate))
        if fixed != word:
            yield m.start(), m.end(), fixed
            last = m.end()


#: Words an OCR may have written with "n" for "m" ("segnent", "lynph"); repaired only into an _OCR_RN_TARGETS word.
_OCR_N_WORDS = _CUES["OCR_N_WORDS"]
#: Strings one of which each such word contains (read off the cue): most texts hold none and are not searched.
_OCR_N_LITERALS = required_literals(_OCR_N_WORDS)


def _n_repairs(text: str) -> Iterator[tuple[int, int, str]]:
    """'segnent' -> 'segment', 'lynph' -> 'lymph' (same length): the one 'n' whose 'm' makes a known word."""
    if _OCR_N_LITERALS is not None and text.isascii():
        lower = text.lower()
        if not any(w in lower for w in _OCR_N_LITERALS):
            return
    for m in _OCR_N_WORDS.finditer(text):
        word = m.group(0)
        low = word.lower()
        if _OCR_RN_TARGETS.fullmatch(low):
            continue
        for i, c in enumerate(low):
            if c == "n" and _OCR_RN_TARGETS.fullmatch(low[:i] + "m" + low[i + 1:]):
                yield m.start(), m.end(), word[:i] + ("M" if word[i] == "N" else "m") + word[i + 1:]
                break


#: A number an OCR wrote with letters for digits, before a unit or a slash: "1O%", "l/1O HPF", "2.l cm" (l or I for 1,
#: O for 0); it must hold a true digit as well (or be a lone l/I before "/digit").
_LETTER_DIGITS = re.compile(r"(?<![A-Za-z0-9.,])(?:(?=[0-9lIO.,]*[0-9])(?=[0-9.,]*[lIO])[0-9lIO]+(?:[.,][0-9lIO]+)?"
                            r"(?=\s*(?:%|/|mm\b|cm\b|hpf\b|HPF\b|per\b|mitos|x\s*\d))|[lI](?=/[0-9lIO]*[0-9]))")
_DIGIT_OF = str.maketrans({"l": "1", "I": "1", "O": "0"})


def _repair_letter_digits(text: str) -> str:
    if "/" not in text and "%" not in text and "m" not in text:
        return text
    return _LETTER_DIGITS.sub(lambda m: m.group(0).translate(_DIGIT_OF), text)


#: a capital O standing alone where a count goes: "Mitoses: O/2 mm2", "O per 10 HPF", "O of 12 nodes"
_LONE_O = re.compile(r"(?<![\w.'/-])O(?=[ \t]*/[ \t]*\d|[ \t]+(?:per|of)[ \t]+\d)")


def ocr_clean(text: str) -> str:
    """Same-length OCR repair: 'rnetastases' -> 'metastases ', '2.4 crn' -> '2.4 cm ', 'PELVlS' -> 'PELVIS',
    '1iver' -> 'liver', 'n0dule' -> 'nodule', 'segnent' -> 'segment', 'we11' -> 'well', 'DIAGN0SIS' -> 'DIAGNOSIS',
    'l/1O HPF' -> '1/10 HPF', 'O/2 mm2' -> '0/2 mm2'."""
    text = _repair_letter_digits(text)
    if "O/" in text or "O /" in text or "O per" in text or "O of" in text:
        text = _LONE_O.sub("0", text)  # "Mitoses: O/2 mm2", "O per 10 HPF": a zero
    text = _repair_digits(text)
    text = splice(text, _word_repairs(text))
    return splice(text, _n_repairs(text))



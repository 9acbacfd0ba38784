"""Same-length repair of numbers dictated in words, where they are a size or a segment.

Speech recognition and dictated reports write "forty-one millimetres", "six point two cm", "segment seven" and
homophones such as "segment for" (4) or "segment ate" (8). The extractors' rules read digits, so
:func:`spoken_numbers` rewrites these words as digits, padded with spaces to the same length, so every offset
still points into the report's own text: a size's digits stand where its words start ("forty-one millimetres" ->
"41        millimetres"), a segment's where its word ends ("segment seven" -> "segment     7"), so the spans the
rules find quote the words whole. Only words in those
two places are rewritten (configs/lexicons/spoken.jsonl): a count ("Twelve or so lesions") is the lesion
extractor's business, and "two of fourteen nodes" is left alone.

:func:`spoken_terms` repairs, at the same length too, the slips speech recognition makes in terms the rules read: a
decimal point lost before centimetres ("2 2 x 1 8 cm"), "Key 67", "My toes is", "hepatic vain", "know new lesions"
(the patterns are the SPOKEN_DECIMAL and SPOKEN_TERM_* cues; the hints in the code only skip the texts that hold none).
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.lexicon import load_lexicon

from ._imaging_units import splice

_CUES = load_lexicon("spoken")
_SIZE = _CUES["SPOKEN_SIZE"]
_SEGMENT = _CUES["SPOKEN_SEGMENT"]
_WORD = _CUES["SPOKEN_WORD"]
_UNIT = _CUES["SPOKEN_UNIT"]
#: punctuation dictated as words ("measuring 6 mm period", "Specimen colon rectal polyp"), read only in a text that
#: dictates at least SPOKEN_STOPS full stops
_STOP = _CUES["SPOKEN_STOP"]
_MARK = _CUES["SPOKEN_MARK"]
SPOKEN_STOPS = 3
_MARKS = {"period": ".", "full stop": ".", "comma": ",", "semicolon": ";", "new paragraph": "\n", "new line": "\n"}
#: a decimal point dictation lost ("2 2 x 1 8 cm"), and words speech recognition writes for a term, each with the term
#: it is read as (padded to the same length)
_DECIMAL = _CUES["SPOKEN_DECIMAL"]
_TERMS = ((_CUES["SPOKEN_TERM_KI67"], "Ki-67"), (_CUES["SPOKEN_TERM_MITOSES"], "mitoses"),
          (_CUES["SPOKEN_TERM_VEIN"], "vein"), (_CUES["SPOKEN_TERM_NO"], "no"))

_UNITS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])}
_TEENS = {w: 10 + i for i, w in enumerate(["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                           "seventeen", "eighteen", "nineteen"])}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
#: a segment said as a word, or a word speech recognition writes for its number
_SEGMENT_WORDS = {**{w: str(i) for w, i in _UNITS.items() if 1 <= i <= 8}, "for": "4", "fore": "4", "ate": "8",
                  "too": "2", "to": "2", "sex": "6"}
#: every word that may start a rewrite; a text with none of them is returned as it is
_TRIGGERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "teen",
             "twenty", "thirty", "forty", "fourty", "fifty", "sixty", "seventy", "eighty", "ninety", "zero", "for",
             "ate", "too", "to", "sex")


def _integer(words: str) -> int:
    parts = words.lower().replace("-", " ").split()
    if len(parts) == 2:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    word = parts[0]
    return _UNITS.get(word, _TEENS.get(word, _TENS.get(word, 0)))


def _padded(digits: str, width: int) -> str:
    return digits + " " * (width - len(digits))


def _edits(text: str, lower: str) -> Iterator[tuple[int, int, str]]:
    last = 0
    for unit in _UNIT.finditer(lower):  # read back from each unit, not scan the whole text
        at = len(lower[max(0, unit.start() - 4):unit.start()].rstrip()) + max(0, unit.start() - 4)
        if at == 0 or not lower[at - 1].isalpha():
            continue  # "12 mm": a digit before the unit, as in most reports
        m = _SIZE.search(text, max(last, unit.start() - 45), unit.start())
        last = unit.end()
        if m is None:
            continue
        end = m.end("frac") if m.group("frac") else m.end("int")
        value = str(_integer(m.group("int")))
        if m.group("frac"):
            value += "." + "".join(str(_UNITS[w]) for w in m.group("frac").lower().split())
        yield m.start(), end, _padded(value, end - m.start())
    if "seg" not in lower:
        return
    for m in _SEGMENT.finditer(text):
        for w in _WORD.finditer(text, m.start("first"), m.end("first")):
            if (w.start() == 0 or not text[w.start() - 1].isalpha()) and (w.end() == len(text) or not text[w.end()].isalpha()):
                word, _, part = w.group(0).lower().partition(" ")  # "for A" -> 4a
                if word not in _SEGMENT_WORDS and word[-1] in "ab":
                    word, part = word[:-1], word[-1]  # "fourb" -> 4b
                number = _SEGMENT_WORDS.get(word)
                if number is not None:  # right-aligned: "segment     7" quotes "segment seven" whole
                    yield w.start(), w.end(), (number + part).rjust(w.end() - w.start())


#: a full stop written for a dictated "period" (the word's other letters left as spaces), then a lower-case letter
_AFTER_DICTATED_STOP = re.compile(r"(\.[ \t]{4,}(?:\n[ \t]*)*)([a-z])")


def spoken_punctuation(text: str) -> str:
    """``text`` with punctuation dictated as words written as marks, at the same length ("6 mm period" -> "6 mm.
    ", "Specimen colon rectal polyp" -> "Specimen:       rectal polyp"), in a text that dictates its full stops."""
    if "period" not in text and "stop" not in text:
        return text
    if sum(1 for _ in _STOP.finditer(text)) < SPOKEN_STOPS:
        return text
    # a dictated full stop ends its sentence: the word after it starts with a capital, as a sentence does
    # ("no new liver lesions period the primary remains in situ": the "no" does not reach the primary)
    return _AFTER_DICTATED_STOP.sub(lambda m: m.group(1) + m.group(2).upper(), _MARK.sub(_mark, text))


def _mark(match: re.Match[str]) -> str:
    if match.group("plabel"):  # "new paragraph findings there are": "findings" is the paragraph's label
        return match.group("plabel") + ":"
    if match.group("colon"):
        label = match.group("label")
        return label + ":" + " " * (len(match.group(0)) - len(label) - 1)
    word = " ".join(match.group("mark").lower().split())
    return _MARKS[word] + " " * (len(match.group(0)) - 1)


def spoken_numbers(text: str) -> str:
    """``text`` with sizes and segments dictated in words written as digits, at the same length."""
    lower = text.lower()
    if not any(t in lower for t in _TRIGGERS):
        return text
    return splice(text, sorted(_edits(text, lower)))


def spoken_terms(text: str) -> str:
    """``text`` with dictation slips repaired at the same length: "2 2 x 1 8 cm" -> "2.2 x 1.8 cm", "Key 67" ->
    "Ki-67", "My toes is" -> "mitoses   ", "hepatic vain" -> "hepatic vein", "know new lesions" -> "no   new lesions"."""
    edits: list[tuple[int, int, str]] = []
    if "cm" in text and _DIGIT_SPACE_DIGIT.search(text):  # most reports hold no "2 2": the decimal pattern is not run on them
        edits += [(m.start(), m.end(), m.group("int") + "." + m.group("frac")) for m in _DECIMAL.finditer(text)]
    if ("67" in text or "toes" in text or "Toes" in text or "vain" in text or "now " in text) and _TERM_HINT.search(text):
        for pattern, term in _TERMS:
            edits += [(m.start(), m.end(), _padded(term, m.end() - m.start())) for m in pattern.finditer(text)]
    return splice(text, sorted(edits)) if edits else text


_DIGIT_SPACE_DIGIT = re.compile(r"\d \d\s*(?:c|x|×|by)")
_TERM_HINT = re.compile(r"\bkey[ -]67|\btoes\b|\bvain|\bknow\b", re.I)

"""Markup left in exported report text, read as what it stands for before the NLP reads the text.

Report archives exported from web viewers and word processors carry HTML and RTF debris::

    Ki-67&nbsp;index:&nbsp;&lt;2&#37;<br>
    <p><b>Diagnosis:</b> Liver, core biopsy: metastatic NET.</p>
    Impression:\\par 1. Two liver metastases.\\par

:func:`read_markup` reads unicode spaces, dashes, "×" and curly quotes as ASCII, rejoins words a
PDF layout hyphenated at a line end ("neuroendo-\\ncrine"), and replaces each entity with the character it stands for (``&lt;2&#37;`` reads
``<2%``), each line-level tag (``<br>``, ``<p>``, ``</div>``) and RTF paragraph mark (``\\par``)
with a line break and each inline tag (``<b>``, ``</span>``) with spaces, and "25 pct" with "25 %",
padding with spaces so that the text keeps its length: every character offset still points into
the report's own text. The character goes next to the word or number it belongs to: before one that
follows it (``&lt;2`` -> ``   <2``), else after the text before it (``2&#37;`` -> ``2%    ``).
Entities come from Python's :mod:`html` table; the tag and control-word words are in
``configs/lexicons/markup.jsonl``. A text with no ``&``, ``<``, ``\\`` or "pct" is returned as it is.

:func:`restore_line_breaks` puts back the line breaks of a report exported as one paragraph (before
its capitalised section labels, a blank line where ".," stood) and reads a label set off by dashes,
a full stop or ":." as a label with a colon.
"""
from __future__ import annotations

import html
import re

from .lexicon import load_lexicon

_CUES = load_lexicon("markup")
#: "&nbsp;", "&#37;", "&#x25;"
_ENTITY = _CUES["ENTITY"]
#: an HTML tag that ends a line ("<br>", "<p>", "</div>", "</tr>")
_LINE_TAG = _CUES["LINE_TAG"]
#: any other HTML tag ("<b>", "</span>", "<font size=2>")
_INLINE_TAG = _CUES["INLINE_TAG"]
#: an RTF paragraph or line mark ("\par", "\line")
_RTF_BREAK = _CUES["RTF_BREAK"]
#: an RTF formatting control word ("\b0", "\fs20", "\tab")
_RTF_CONTROL = _CUES["RTF_CONTROL"]
#: "pct" after a number ("25 pct", "1pct"): a per cent sign
_PCT = _CUES["PCT"]
#: in a one-paragraph export, the separator that stood for a line break before (or after) a section label
_SPLICED_LABEL = _CUES["SPLICED_LABEL"]
#: a text with at most this many line breaks per this many characters is a one-paragraph export
SPLICED_MAX_BREAKS, SPLICED_MIN_CHARS = 2, 200
#: ... and has at least this many section labels run into the text before them
SPLICED_MIN_LABELS = 3
#: a section label set off by dashes or a full stop ("FINDINGS ----", "Indication. Ileal NET")
_LABEL_SEPARATOR = _CUES["LABEL_SEPARATOR"]
#: a full stop right after a label's colon ("CLINICAL INFORMATION:.")
_COLON_STOP = _CUES["COLON_STOP"]
#: a word hyphenated at a line end ("neuroendo-\ncrine"), and the first parts whose hyphen is the compound's own
_HYPHEN_BREAK = _CUES["HYPHEN_BREAK"]
_HYPHEN_KEEP = _CUES["HYPHEN_KEEP"]
#: a word a scan or a paste split in two ("meta stases", "neuro endocrine")
_SPLIT_WORD = _CUES["SPLIT_WORD"]
#: a bullet glyph opening a line ("\u2022 A: Gastric body polyps")
_LINE_BULLET = _CUES["LINE_BULLET"]
#: a page-break line ("Page 1 of 2"); the running header repeated under it is read off the text's own first lines
_PAGE_LINE = _CUES["PAGE_LINE"]
#: a repeated line this short is no running header ("No change.")
PAGE_HEADER_MIN_CHARS = 12
#: characters (also those an entity stands for) that the extractors read as plain ASCII: no-break and thin spaces,
#: hyphens and dashes (the non-breaking hyphen of "Ki\u201167") and the minus sign, the multiplication sign, curly quotes
_PLAIN = {"\u00a0": " ", "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
          "\u2009": " ", "\u202f": " ", "\u00d7": "x",
          "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
_PLAIN_TABLE = str.maketrans(_PLAIN)


def read_markup(text: str) -> str:
    """``text`` with its HTML/RTF markup read as plain text, at the same length."""
    if not text.isascii():
        text = _LINE_BULLET.sub(as_spaces, text.translate(_PLAIN_TABLE))
    if "-\n" in text:
        text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    text = _SPLIT_WORD.sub(lambda m: m.group("a") + m.group("b") + " ", text)  # "meta stases" -> "metastases "
    if "&" not in text and "<" not in text and "\\" not in text and "pct" not in text.lower():
        return text
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "<" in text:
        text = _LINE_TAG.sub(_line_break, text)
        text = _INLINE_TAG.sub(as_spaces, text)
    if "\\" in text:
        text = _RTF_BREAK.sub(_line_break, text)
        text = _RTF_CONTROL.sub(as_spaces, text)
    return _PCT.sub(lambda m: "%" + " " * (len(m.group(0)) - 1), text)


def restore_line_breaks(text: str) -> str:
    """A report exported as one paragraph, its line breaks turned into commas or semicolons ("Specimen: liver core,
    16G; Clinical: known ileal NET; Diagnosis: ...", "FINDINGS:,Liver: ...,IMPRESSION:,1. ..."), with a line break
    again where a section label starts, at the same length (texts with line breaks of their own are left alone);
    and a section label set off by dashes or a full stop ("FINDINGS ----", "Indication. Ileal NET") with a colon."""
    if "--" in text or "." in text:
        text = _LABEL_SEPARATOR.sub(_as_colon, text)
    if len(text) >= SPLICED_MIN_CHARS and text.count("\n") <= SPLICED_MAX_BREAKS:
        splices = [m.start() for m in _SPLICED_LABEL.finditer(text)]
        if len(splices) >= SPLICED_MIN_LABELS:  # a one-paragraph export has several sections, not one "X, Y:" phrase
            chars = list(text)
            for at in splices:
                chars[at] = "\n"
                if at > 1 and chars[at - 1] == "." and text[at - 2] != ":":
                    chars[at - 1] = "\n"  # ".,TECHNIQUE:" was a paragraph break: a blank line ends the paragraph
            text = "".join(chars)
    if ":." in text:
        text = _COLON_STOP.sub(" ", text)
    return text


def _as_colon(match: re.Match[str]) -> str:
    """'FINDINGS ----' -> 'FINDINGS:    ': the label's separator as a colon, at the same length."""
    start, end = match.span("sep")
    return match.group(0)[:start - match.start()] + ":" + " " * (end - start - 1)


def _entity(match: re.Match[str]) -> str:
    entity = match.group(0)
    char = html.unescape(entity)
    if len(char) != 1:
        return entity  # not an entity html knows: left as written
    char = _PLAIN.get(char, char)
    pad = " " * (len(entity) - 1)
    if char.isspace():
        return " " * len(entity)
    after = match.string[match.end()] if match.end() < len(match.string) else " "
    return pad + char if after.isalnum() else char + pad


def remove_page_breaks(text: str) -> str:
    """``text`` without the page breaks a PDF or print export left in it: a "Page 1 of 2" line and the running header
    lines repeated around it (lines that already appeared earlier in the text) become spaces, together with the line
    breaks between them, so that a sentence the page break cut in two ("The dominant lesion in segment 8 / Page 1 of 2 /
    St Elsewhere Radiology / measures 5.2 cm") reads on. Same length; a text without a page line is left alone."""
    if not _PAGE_LINE.search(text):
        return text
    lines = text.split("\n")
    seen: set[str] = set()
    starts, page, drop = [], [], []
    at = 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
        key = " ".join(line.split())
        page.append(bool(_PAGE_LINE.fullmatch(line)))
        drop.append(page[-1] or (len(key) >= PAGE_HEADER_MIN_CHARS and key in seen))
        seen.add(key)
    chars = list(text)
    i = 0
    while i < len(lines):
        if not drop[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and drop[j]:
            j += 1
        if any(page[i:j]):  # only blocks holding a page line: a line repeated for another reason stays
            # the block's lines and the line break before each (none before the text's first line) become spaces
            lo, hi = max(0, starts[i] - 1), starts[j - 1] + len(lines[j - 1])
            chars[lo:hi] = " " * (hi - lo)
        i = j
    return "".join(chars)


def _join_hyphenated(match: re.Match[str]) -> str:
    """'neuroendo-\ncrine' -> 'neuroendocrine  ', 'well-\ndifferentiated' -> 'well-differentiated ': the word whole and
    its two lines one (the break fell inside a sentence), at the same length."""
    a, indent, b = match.group("a"), match.group("indent"), match.group("b")
    if _HYPHEN_KEEP.fullmatch(a):
        return a + "-" + b + " " * (1 + len(indent))
    return a + b + " " * (2 + len(indent))


def as_spaces(match: re.Match[str]) -> str:
    """A match replaced by spaces, at its length (a ``re.sub`` replacement for the same-length repairs)."""
    return " " * len(match.group(0))


def _line_break(match: re.Match[str]) -> str:
    return "\n" + " " * (len(match.group(0)) - 1)

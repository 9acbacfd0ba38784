"""Resection margin -> MARGIN mentions (value_norm R0|R1|R2).

Phrasings: "R0", "R1 resection", "Resection status: R1", "margins negative", "all margins free of
tumour", "Margins: Uninvolved", "free resection margins", "Surgical margin involvement: No" (R0);
"margin involved", "tumour extends to the inked margin" (R1); "macroscopic residual tumour" (R2).
The inked surface stands for the margin: "tumour is present at the inked enucleation surface",
"carcinoma touches ink" (R1); "tumour is 2 mm from the inked surface", "ink is free of tumour" (R0).
The polarity is read by the rule itself ("no tumour at the margin" -> R0), so the summary does not
apply ConText negation to these mentions. Margin distances ("closest margin 6 mm") give no mention,
except a tumour's distance to the inked surface.

Supersession is read from the mention's clause and kept in attrs for the summary: superseded=True
("Original neck margin: involved (superseded by C)"), original=True ("original/initial ... margin"),
final=True ("final/new/re-excision ... margin").
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, doc_text, register
from ._pathology_base import ClaimingExtractor

_CUES = load_lexicon("margin")

SPEC = ExtractorSpec(name="margin", order=65)
_R0 = _CUES["R0"]
_R1 = _CUES["R1"]
#: "no"/"not" (and at most one word) right before the status word: "no tumour involved" is R0.
_NEGATION_BEFORE = _CUES["NEGATION_BEFORE"]
_SUPERSEDED = _CUES["SUPERSEDED"]
_ORIGINAL_LABEL = _CUES["ORIGINAL_LABEL"]
_FINAL_LABEL = _CUES["FINAL_LABEL"]
_OVERALL_LABEL = _CUES["OVERALL_LABEL"]
_CLAUSE_END = _CUES["CLAUSE_END"]


def status_to_r(word: str) -> str | None:
    """'negative' / 'free' / 'uninvolved' -> R0; 'involved' / 'positive' -> R1."""
    word = word.strip()
    if _R0.search(word):
        return "R0"
    if _R1.search(word):
        return "R1"
    return None


def supersession(text: str, start: int, end: int) -> dict:
    """attrs saying whether the margin statement at text[start:end] is superseded, an original or a
    final margin, read on its clause (from the previous to the next full stop, semicolon or line break)."""
    before = _CLAUSE_END.split(text[max(0, start - 80):start])[-1]
    after = _CLAUSE_END.split(text[end:end + 80])[0]
    label = before + text[start:end]
    attrs = {}
    if _SUPERSEDED.search(label + after):
        attrs["superseded"] = True
    if _OVERALL_LABEL.search(label):
        attrs["overall"] = True  # "Overall margin status after re-excision: R0"
    if _ORIGINAL_LABEL.search(label):
        attrs["original"] = True
    elif _FINAL_LABEL.search(label):
        attrs["final"] = True
    return attrs


class MarginExtractor(ClaimingExtractor):
    KEYWORDS = ('margin', 'r0', 'r1', 'r2', 'r 0', 'r 1', 'r 2', 'residual', 'ink', 'painted')

    def findings(self, doc, match, rule):
        start, end = match.span()
        groups = match.groupdict()
        if rule.norm:
            norm = rule.norm
        elif groups.get("r") is not None:
            if doc_text(doc)[max(0, start - 12):start].lower().rstrip().endswith(("section", "cassette", "block")):
                return []
            norm = f"R{groups['r']}"
        elif "dist" in groups:  # the tumour's distance to the inked surface: 0 is at ink
            dist = groups["dist"]
            norm = "R0" if "<" in dist or float(dist.strip().replace(",", ".")) > 0 else "R1"
        elif "neg" in groups:
            norm = "R0" if groups.get("neg") or groups.get("not") else "R1"
        else:
            norm = status_to_r(groups["st"])
            if norm and _NEGATION_BEFORE.search(doc_text(doc)[max(0, match.start('st') - 12):match.start('st')]) \
                    and norm == "R1" and not groups["st"].lower().startswith("not"):
                norm = "R0"
        if norm is None:
            return []
        return [Finding(start, end, rule.label, value_norm=norm, attrs=supersession(doc_text(doc), start, end))]


register(SPEC, MarginExtractor)

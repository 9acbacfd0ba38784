"""Report type: normalise the input's label, or infer it from the text.

Accepted labels are case-insensitive synonyms ("Ga-68 DOTATATE PET/CT", "CT abdomen pelvis w
contrast", "MRI LIVER", "Surgical Pathology"). Inference reads the first part of the text for
modality words; a report that names no modality is OTHER.
"""
from __future__ import annotations

import re

from .lexicon import load_lexicon

TYPES = ("CT", "MRI", "PET", "PATHOLOGY", "OTHER")

_CUES = load_lexicon("report_types")
#: Input labels: the first type whose cue matches the label (order matters: "PET/CT" is PET).
_LABEL_RULES: list[tuple[str, re.Pattern[str]]] = [(type_, _CUES[f"LABEL_{type_}"]) for type_ in ("PATHOLOGY", "PET", "MRI", "CT")]

# Text inference: a title naming the type wins; else the strongest cue, looked for in the opening of the report first.
_TITLE_WORDS = 4
_TITLE_LABEL = _CUES["TITLE_LABEL"]
_NOT_A_TITLE = _CUES["NOT_A_TITLE"]
_TITLE_END = re.compile(r"[.:;(]")
_TEXT_ORDER = ("PET", "PATHOLOGY", "MRI", "CT")
_TEXT_RULES: list[tuple[str, re.Pattern[str]]] = [(type_, _CUES[f"TEXT_{type_}"]) for type_ in _TEXT_ORDER]


def normalize_report_type(label: object) -> str | None:
    """The contract type for an input label, or None when the label is absent or unknown."""
    if label is None:
        return None
    text = str(label).strip()
    if not text or text.lower() in {"nan", "none", "null", "unknown", "other", "na", "n/a"}:
        return None
    upper = text.upper()
    if upper in TYPES[:4]:
        return upper
    for type_, pattern in _LABEL_RULES:
        if pattern.search(text):
            return type_
    return None


def _title_type(text: str) -> str | None:
    """The type the report's first words name, read as an input label ("CT A/P 09/01/2024 (NET f/u): ...",
    "Ga-68 DOTATATE PET/CT", "Liver, segment 4a lesion, core biopsy"), unless they open a history or
    comparison field."""
    for line in text.splitlines():
        if line.strip():
            words = " ".join(line.split()[:_TITLE_WORDS])
            if _NOT_A_TITLE.match(words):
                return None
            title = _TITLE_END.split(_TITLE_LABEL.sub("", words), 1)[0]  # "MRI liver. Comparison: PET/CT": MRI
            return normalize_report_type(title)
    return None


def infer_report_type(text: str) -> str:
    """Infer CT/MRI/PET/PATHOLOGY from the text; OTHER when nothing points to one. The first words
    decide when they name a type; else the cues of the text do."""
    titled = _title_type(text)
    if titled is not None:
        return titled
    head = text[:1500]
    for window in (head, text[:20000]):
        scores = {t: len(p.findall(window)) for t, p in _TEXT_RULES}
        if scores["PET"]:
            scores["CT"] = 0  # a PET/CT report names its CT: PET cues outrank CT cues
        if max(scores.values()):
            # the most cues win ("... in keeping with the negative DOTATATE PET" in a biopsy report with its
            # Ki-67, mitoses and immunohistochemistry is pathology); ties in the order PET, PATHOLOGY, MRI, CT
            return max(scores, key=lambda t: (scores[t], -_TEXT_ORDER.index(t)))
    return "OTHER"

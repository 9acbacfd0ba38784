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

# Text inference: the strongest cue wins, looked for in the opening of the report first.
_TEXT_RULES: list[tuple[str, re.Pattern[str]]] = [(type_, _CUES[f"TEXT_{type_}"]) for type_ in ("PET", "PATHOLOGY", "MRI", "CT")]


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


def infer_report_type(text: str) -> str:
    """Infer CT/MRI/PET/PATHOLOGY from the text; OTHER when nothing points to one."""
    head = text[:1500]
    for window in (head, text[:20000]):
        scores = {t: len(p.findall(window)) for t, p in _TEXT_RULES}
        best = max(scores.values())
        if best:
            # PET/CT reports also mention CT: PET cues take precedence, then the most cues.
            if scores["PET"]:
                return "PET"
            return max(scores, key=lambda t: (scores[t], -[r[0] for r in _TEXT_RULES].index(t)))
    return "OTHER"

"""Report type: normalise the input's label, or infer it from the text.

Accepted labels are case-insensitive synonyms ("Ga-68 DOTATATE PET/CT", "CT abdomen pelvis w
contrast", "MRI LIVER", "Surgical Pathology"). Inference reads the first part of the text for
modality words; a report that names no modality is OTHER.
"""
from __future__ import annotations

import re

TYPES = ("CT", "MRI", "PET", "PATHOLOGY", "OTHER")

_LABEL_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("PATHOLOGY", re.compile(r"patholog|histolog|cytolog|biops|surgical path|\bpath\b|\bsp\b|specimen|autopsy", re.I)),
    ("PET", re.compile(r"\bpet\b|pet/|/pet|pet-|dotatate|dotatoc|dotanoc|ga-?68|68ga|gallium|octreo|\bsrs\b|spect|scintig|somatostatin|\bfdg\b|nuclear|\bnm\b", re.I)),
    ("MRI", re.compile(r"\bmri?\b|\bmr[ic]p?\b|magnetic|mrcp|\bmr\b|mr-|eovist|primovist", re.I)),
    ("CT", re.compile(r"\bct\b|ct[/ -]|\bcat\b|computed tom|\bcta\b", re.I)),
]

# Text inference: the strongest cue wins, looked for in the opening of the report first.
_TEXT_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("PET", re.compile(r"\b(?:dotatate|dotatoc|dotanoc|ga-?68|68\s*ga|gallium-?68|pet/ct|pet-ct|pet\s*/\s*ct|suv\s*max|suvmax|octreoscan|octreotide scan|somatostatin receptor (?:imaging|scintigraphy|pet))", re.I)),
    ("PATHOLOGY", re.compile(r"\b(?:gross description|microscopic description|final (?:pathologic )?diagnosis|surgical pathology|histolog|immunohistochem|ki-?\s?67|mib-?1|specimen(?:s)? (?:received|submitted|labeled|labelled)|synaptophysin|chromogranin|h&e|mitotic (?:rate|count)|pathologist|frozen section)", re.I)),
    ("MRI", re.compile(r"\b(?:mri|mr imaging|magnetic resonance|t1[- ]weighted|t2[- ]weighted|diffusion[- ]weighted|\bdwi\b|hepatobiliary phase|gadoxetate|eovist|primovist|gadolinium|\bt2\b|\bt1\b|\badc\b)", re.I)),
    ("CT", re.compile(r"\b(?:ct|computed tomography|cat scan|hounsfield|\bhu\b|omnipaque|isovue|portal venous phase|arterial phase|helical|axial images)", re.I)),
]


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

"""Vocabulary and small helpers shared by the pathology extractors (no spaCy state here).

Organ words are normalised twice: :func:`specimen_site` to the coarse ``pathology.specimen_site``
values (liver|pancreas|small_bowel|lymph_node|other) and :func:`primary_organ` to the
``primary_site`` values (pancreas|stomach|duodenum|jejunum|ileum|small_bowel|appendix|cecum|colon|
rectum|lung).
"""
from __future__ import annotations

import re

#: (pattern, primary_site value) — first match wins, so specific parts precede "small bowel".
_PRIMARY = [
    (r"pancrea|whipple", "pancreas"),
    (r"ile(?:um|al)|ileo-?c(?:a)?ecal", "ileum"),
    (r"jejun", "jejunum"),
    (r"duoden", "duodenum"),
    (r"small[-\s]+(?:bowel|intestin)", "small_bowel"),
    (r"stomach|gastric|gastrectomy", "stomach"),
    (r"appendi|append(?:ic)?ectomy", "appendix"),
    (r"c(?:a)?ec(?:um|al)", "cecum"),
    (r"colon|colorectal|colectomy", "colon"),
    (r"rect(?:um|al)", "rectum"),
    (r"lung|pulmonary|bronch|(?:upper|middle|lower)\s+lobe", "lung"),
]
_PRIMARY_RE = [(re.compile(p, re.I), v) for p, v in _PRIMARY]

_SPECIMEN = [
    (r"lymph\s*node|\bln\b", "lymph_node"),
    (r"liver|hepat(?!ic\s+flexure)|hepar", "liver"),
    (r"pancrea|whipple", "pancreas"),
    (r"small\s+(?:bowel|intestin)|ile(?:um|al)|ileo-?c(?:a)?ecal|jejun|duoden", "small_bowel"),
]
_SPECIMEN_RE = [(re.compile(p, re.I), v) for p, v in _SPECIMEN]

#: Words that open a sentence about another tumour: a NET grade/differentiation near them is not ours.
FOREIGN_CUES = re.compile(
    r"\b(?:gleason|nottingham|bloom|elston|fuhrman|isup|fnclcc|who\s+cns|glioma|glioblastoma|astrocytoma|"
    r"oligodendroglioma|meningioma|adenocarcinoma|squamous|urothelial|ductal\s+carcinoma|lobular|lymphoma|"
    r"hepatocellular|cholangiocarcinoma|renal\s+cell|sarcoma|melanoma|panin|dysplasia|intraepithelial|"
    r"adenoma|cassettes?|(?<!cell\s)blocks?|steatosis|fibrosis|inflammation|nuclear|edmondson|ain|cin|vin|b-cell|t-cell|"
    r"gist|stromal)\b", re.I)
NE_CUES = re.compile(
    r"\b(?:neuro-?endocrine|endocrine|carcinoid|p?net|nec|nen|minen|ki-?\s?67|mib-?1|mitos[ie]s|mitotic|"
    r"insulinoma|gastrinoma|islet)\b", re.I)


def primary_organ(text: str) -> str | None:
    """'terminal ileal' -> 'ileum'; 'pancreatic head' -> 'pancreas'; 'small intestine' -> 'small_bowel'."""
    for regex, value in _PRIMARY_RE:
        if regex.search(text):
            return value
    return None


def specimen_site(text: str) -> str:
    """'Liver, segment 7' -> 'liver'; 'mesenteric lymph node' -> 'lymph_node'; 'Omentum' -> 'other'."""
    for regex, value in _SPECIMEN_RE:
        if regex.search(text):
            return value
    return "other"


def nearest_cue_is_foreign(text: str, pos: int, window: int = 160) -> bool:
    """True when, in ``text`` around ``pos``, the closest tumour cue belongs to another tumour family.

    'HISTOLOGIC TYPE: Adenocarcinoma ... GRADE: G2' -> True; 'neuroendocrine tumour, G2' -> False;
    'Gleason score 3+4, grade group 2' -> True (Gleason anywhere in the window).
    """
    lo, hi = max(0, pos - window), min(len(text), pos + window)
    chunk = text[lo:hi]
    if re.search(r"\b(?:gleason|nottingham|fuhrman|isup|glioma|astrocytoma|cassettes?)\b", chunk, re.I):
        return True
    rel = pos - lo
    best_foreign = min((abs(m.start() - rel) for m in FOREIGN_CUES.finditer(chunk)), default=None)
    if best_foreign is None:
        return False
    best_ne = min((abs(m.start() - rel) for m in NE_CUES.finditer(chunk)), default=None)
    return best_ne is None or best_foreign < best_ne


def line_of(text: str, pos: int) -> str:
    """The text line holding character ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start:end if end >= 0 else len(text)]

#: Organ words that can name a specimen (checked in a header body, first one wins).
ORGAN_RE = re.compile(
    r"\b(?:(?:[a-z]+\s+)?lymph\s*nodes?|LN|liver|hepatic|hepar|pancrea\w*|whipple|small\s+(?:bowel|intestin\w*)|"
    r"(?:terminal\s+)?ile(?:um|al)|ileo-?c(?:a)?ecal|jejun\w*|duoden\w*|stomach|gastric|colon|colonic|rect(?:um|al)|"
    r"appendi\w*|c(?:a)?ecum|lung|bronch\w*|omentum|omental|peritone\w*|mesenter\w*|ovar\w*|bone|skin|breast|"
    r"kidney|adrenal|spleen|bladder|brain|soft\s+tissue|thyroid|(?:upper|middle|lower)\s+lobe|prostat\w*|uter\w*|cervix|"
    r"endometri\w*|testis|o?esophag\w*|gallbladder|bile\s+duct|thym\w*|pleura\w*|retroperitone\w*|"
    r"gastrectomy|(?:hemi)?colectomy|hepatectomy|append(?:ic)?ectomy)\b", re.I)
#: Procedure words; a biopsy word or else a resection word.
PROC_RE = re.compile(
    r"\b(?:biops(?:y|ies)|bx|core|fna|fnb|fine[-\s]needle|needle|eus[-\s]guided|cytolog\w*|curett\w*|punch|"
    r"brush\w*|aspirat\w*|cell\s+block|resect\w*|\w+ectomy|whipple|excision\w*|enucleat\w*|explant)\b", re.I)
_BIOPSY_WORD = re.compile(r"biops|bx|core|fna|fnb|needle|eus|cytolog|curett|punch|brush|aspirat|cell\s+block", re.I)


def procedure_kind(word: str, after: str = "") -> str:
    """'core' / 'FNA' / 'excisional biopsy' -> 'biopsy'; 'pancreatectomy' / 'resection' -> 'resection'."""
    if _BIOPSY_WORD.match(word) or (word.lower().startswith("excisional") and "biops" in after.lower()[:12]):
        return "biopsy"
    return "resection"

"""Vocabulary and small helpers shared by the pathology extractors (no spaCy state here).

Organ words are normalised twice: :func:`specimen_site` to the coarse ``pathology.specimen_site``
values (liver|pancreas|small_bowel|lymph_node|other) and :func:`primary_organ` to the
``primary_site`` values (pancreas|stomach|duodenum|jejunum|ileum|small_bowel|appendix|cecum|colon|
rectum|lung).
"""
from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon

_CUES = load_lexicon("pathology_common")

#: (pattern, primary_site value) — first match wins, so specific parts precede "small bowel".
_PRIMARY = [
    (_CUES.source("PRIMARY_PANCREAS"), "pancreas"),
    (_CUES.source("PRIMARY_ILEUM"), "ileum"),
    (_CUES.source("PRIMARY_JEJUNUM"), "jejunum"),
    (_CUES.source("PRIMARY_DUODENUM"), "duodenum"),
    (_CUES.source("PRIMARY_SMALL_BOWEL"), "small_bowel"),
    (_CUES.source("PRIMARY_STOMACH"), "stomach"),
    (_CUES.source("PRIMARY_APPENDIX"), "appendix"),
    (_CUES.source("PRIMARY_CECUM"), "cecum"),
    (_CUES.source("PRIMARY_COLON"), "colon"),
    (_CUES.source("PRIMARY_RECTUM"), "rectum"),
    (_CUES.source("PRIMARY_LUNG"), "lung"),
]
_PRIMARY_RE = [(re.compile(p, re.I), v) for p, v in _PRIMARY]

_SPECIMEN = [
    (_CUES.source("SPECIMEN_LYMPH_NODE"), "lymph_node"),
    (_CUES.source("SPECIMEN_LIVER"), "liver"),
    (_CUES.source("SPECIMEN_PANCREAS"), "pancreas"),
    (_CUES.source("SPECIMEN_SMALL_BOWEL"), "small_bowel"),
]
_SPECIMEN_RE = [(re.compile(p, re.I), v) for p, v in _SPECIMEN]

#: Words that open a sentence about another tumour: a NET grade/differentiation near them is not ours.
FOREIGN_CUES = _CUES["FOREIGN_CUES"]
NE_CUES = _CUES["NE_CUES"]
#: Other-tumour words that make the whole window foreign, however near a NET cue is ("Gleason score 3+4").
FOREIGN_ANYWHERE = _CUES["FOREIGN_ANYWHERE"]


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
    if FOREIGN_ANYWHERE.search(chunk):
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
ORGAN_RE = _CUES["ORGAN"]
#: the parts of the small bowel a primary site or specimen can name, in the order a designation is read for them
SMALL_BOWEL_PARTS = ("ileum", "jejunum", "duodenum")
#: Procedure words; a biopsy word or else a resection word.
PROC_RE = _CUES["PROC"]
_BIOPSY_WORD = _CUES["BIOPSY_WORD"]


def procedure_kind(word: str) -> str:
    """'core' / 'FNA' / 'fine needle aspiration' / 'EBUS-TBNA' -> 'biopsy'; 'pancreatectomy' / 'resection' /
    'excisional biopsy' (the whole lesion or node is removed: a local resection) -> 'resection'."""
    return "biopsy" if _BIOPSY_WORD.match(word) else "resection"


#: A part label at the start of a line ('A.', '2)', 'Part B:', '(C)'); groups ``mark`` (the label
#: with its punctuation), ``l1``/``l2`` (the label itself).
PART_MARKER = _CUES["PART_MARKER"]


def part_label(match: re.Match[str]) -> str:
    """The normalised label of a :data:`PART_MARKER` match: 'Part b:' -> 'B', '02)' -> '2'."""
    label = match.group("l1") or match.group("l2")
    return str(int(label)) if label.isdigit() else label.upper()

"""Primary tumour site -> PRIMARY_SITE mentions (pancreas|stomach|duodenum|jejunum|ileum|small_bowel|
appendix|cecum|colon|rectum|lung|unknown).

Rank 1 (explicit): "the known ileal primary", "primary site: terminal ileum", "consistent with pancreatic
origin", "origin from the pancreatic head mass", "spread from the right lower lobe mass" (a lung lobe names the lung),
"unknown primary". Rank 2: "Tumor site: Proximal jejunum"
(synoptic), "pancreatic neuroendocrine tumour", "ileal NET", "NET of the terminal ileum".
History sections count here: the primary is usually named there.
"""
from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, register
from ._pathology_base import ClaimingExtractor
from ._pathology_common import SMALL_BOWEL_PARTS, primary_organ

_CUES = load_lexicon("primary_site")

SPEC = ExtractorSpec(name="primary_site", order=67)
_ASIDE = re.compile(r"\(([^()\n]{1,20})\)")


class PrimarySiteExtractor(ClaimingExtractor):
    KEYWORDS = ('primary', 'origin', 'site', 'location', 'endocrine', 'endocrlne', 'carcinoid', 'spread', 'metasta',
                'dissemin', 'deposit', 'secondar', 'carcinoma', 'stromal', 'gist', 'lymphoma')
    # 'endocrlne': OCR l for i, as the rules read it; 'carcinoma' ... 'lymphoma': the organ a non-NEN tumour is named in
    PREFILTER = _CUES["PREFILTER"]  # word-bounded: not 'magnetic'


    def findings(self, doc, match, rule):
        start, end = match.span()
        if rule.norm:
            return [Finding(start, end, rule.label, value_norm=rule.norm, attrs={"rank": rule.attrs.get("rank", 2)})]
        groups = match.groupdict()
        organ_text = groups.get("org") or groups.get("org2")
        organ = primary_organ(organ_text or "")
        if organ is None:
            return []
        if organ == "small_bowel":  # "the known small bowel (jejunal) primary": the part in brackets
            for aside in _ASIDE.findall(match.group(0)):
                part = primary_organ(aside)
                if part in SMALL_BOWEL_PARTS:
                    organ = part
                    break
        return [Finding(start, end, rule.label, value_norm=organ, attrs={"rank": rule.attrs.get("rank", 2)})]


register(SPEC, PrimarySiteExtractor)

"""Tumour type -> TUMOR_TYPE mentions (value_norm NET|NEC|MiNEN|NEN|other).

Phrasings: "neuroendocrine tumour", "NET", "carcinoid", "insulinoma" (NET); "well-differentiated
neuroendocrine carcinoma" (old name of a NET); "neuroendocrine carcinoma", "small cell carcinoma",
"NEC" (NEC); "MiNEN", "MANEC", "mixed adenoneuroendocrine carcinoma" (MiNEN); "neuroendocrine
neoplasm"/"NEN" (NEN, resolved by differentiation in the report summary); adenocarcinoma, lymphoma,
GIST... (other).
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, doc_text, register
from ._pathology_base import ClaimingExtractor

_CUES = load_lexicon("tumor_type")

SPEC = ExtractorSpec(name="tumor_type", order=64)


_NOT_MET_BEFORE = _CUES["NOT_MET_BEFORE"]
_CRITERIA_FOR_BEFORE = _CUES["CRITERIA_FOR_BEFORE"]
_NOT_MET_AFTER = _CUES["NOT_MET_AFTER"]


class TumorTypeExtractor(ClaimingExtractor):
    """Rule norms carry the type. A type named only as a threshold the tumour does not reach ('falls short of
    the 30% threshold for a mixed neuroendocrine-non-neuroendocrine neoplasm (MiNEN)') gets attrs
    not_met=True: the report row does not use it."""

    PREFILTER = _CUES["PREFILTER"]

    def findings(self, doc, match, rule):
        out = list(super().findings(doc, match, rule) or ())
        if out:
            text = doc_text(doc)
            for finding in out:
                before = text[max(0, finding.start - 160):finding.start]
                if _NOT_MET_BEFORE.search(before) or (_CRITERIA_FOR_BEFORE.search(before)
                                                       and _NOT_MET_AFTER.match(text, finding.end)):
                    finding.attrs = {**(finding.attrs or {}), "not_met": True}  # "The criteria for a MiNEN are not met"
        return out


register(SPEC, TumorTypeExtractor)

"""Tumour type -> TUMOR_TYPE mentions (value_norm NET|NEC|MiNEN|NEN|other).

Phrasings: "neuroendocrine tumour", "NET", "carcinoid", "insulinoma" (NET); "well-differentiated
neuroendocrine carcinoma" (old name of a NET); "neuroendocrine carcinoma", "small cell carcinoma",
"NEC" (NEC); "MiNEN", "MANEC", "mixed adenoneuroendocrine carcinoma" (MiNEN); "neuroendocrine
neoplasm"/"NEN" (NEN, resolved by differentiation in the report summary); adenocarcinoma, lymphoma,
GIST... (other).
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, register
from ._pathology_base import ClaimingExtractor

_CUES = load_lexicon("tumor_type")

SPEC = ExtractorSpec(name="tumor_type", order=64)


class TumorTypeExtractor(ClaimingExtractor):
    """Rule norms carry the type; the base interpreter is enough."""

    PREFILTER = _CUES["PREFILTER"]


register(SPEC, TumorTypeExtractor)

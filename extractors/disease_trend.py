"""Change since a prior study (DISEASE_TREND, value_norm progression | stable | response).

progression: "interval progression", "increased in size", "new lesion in segment 3", "new
osseous metastases"; stable: "stable", "unchanged", "no significant interval change", "no
progression"; response: "decreased in size", "partial response", "smaller", "resolved". The
summariser weighs them (any new lesion or growth wins, IMPRESSION before FINDINGS). Not handled:
RECIST sums of diameters.
"""
from __future__ import annotations

from ._base import ExtractorSpec, register
from ._imaging_base import ImagingExtractor

SPEC = ExtractorSpec(name="disease_trend", order=47)


class DiseaseTrendExtractor(ImagingExtractor):
    """Fixed-norm rules: the default interpret (rule norm on the whole match) is all that is needed."""


register(SPEC, DiseaseTrendExtractor)

"""PET tracers -> PET_TRACER mentions (value_norm "sstr" or "fdg"), for patient aggregation.

"Ga-68 DOTATATE PET/CT", "68Ga-DOTATOC", "Cu-64 DOTATATE", "somatostatin receptor PET" -> sstr;
"18F-FDG PET/CT", "fluorodeoxyglucose" -> fdg. A PET report is an SSTR study when it names an SSTR
tracer in its title or, with no FDG named there, anywhere; the patient's ``sstr_avid`` is read from the
latest SSTR study, so an FDG PET done after a DOTATATE PET does not hide its avidity
(decision_rules.md §7: "Latest PET (SSTR-PET beats OctreoScan/SRS)").
"""
from __future__ import annotations

from ._base import ExtractorSpec, RegexExtractor, register

SPEC = ExtractorSpec(name="pet_tracer", order=59)


class PetTracerExtractor(RegexExtractor):
    """Every tracer name as written; what the report is a study of is decided in aggregation."""


register(SPEC, PetTracerExtractor)

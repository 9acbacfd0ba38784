"""Liver-lesion proximity to major vessels and the hilum, for ablation planning (VESSEL_PROXIMITY).

value_norm vessel: "abuts the middle hepatic vein", "encasing the IVC", "in contact with the right
portal vein branch", "the right hepatic vein is encased"; hilar_bile_duct: "at the hepatic hilum",
"abutting the biliary confluence", "centrally located". attrs["remote"] marks explicit distance
("remote from the hepatic veins", "clear of the hilum"), which the summariser reads as false.
Which lesion is meant is decided by the summariser (a pancreatic mass abutting the SMV is not a liver
lesion near a major vessel). Not handled: quantitative margins other than "within N mm of".
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc, Span

from pipeline.lexicon import load_lexicon

from ._doc_index import doc_text
from ._base import ExtractorSpec, Finding, drop_contained, register, value
from ._imaging_base import ImagingExtractor

_CUES = load_lexicon("vessel_proximity")

SPEC = ExtractorSpec(name="vessel_proximity", order=45)
_REMOTE = _CUES["REMOTE"]
#: "lies 4 mm from the right hepatic vein without contact": the distance leaves the vessel untouched
_NO_CONTACT_AFTER = _CUES["NO_CONTACT_AFTER"]
_CALIBRE_AFTER = _CUES["CALIBRE_AFTER"]


_PROX_BEFORE = _CUES["PROX_BEFORE"]
_PROX_AFTER = _CUES["PROX_AFTER"]
_FIELD_LABEL_AFTER = _CUES["FIELD_LABEL_AFTER"]
_FIELD_VALUE = _CUES["FIELD_VALUE"]
_DENIED_CONTACT_BEFORE = _CUES["DENIED_CONTACT_BEFORE"]
#: a field label starts its line: at most a short lead before the structure word ("Hilar / ...", "- Vascular ...")
_LINE_LEAD = _CUES["FIELD_LINE_LEAD"]
_CLEAR_AFTER = _CUES["CLEAR_AFTER"]


class VesselProximityExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        start, end = match.span()
        text = doc_text(doc)
        field = _FIELD_VALUE.match(text, end) if _LINE_LEAD.search(text, max(0, start - 20), start) else None
        if field is not None:
            if field.group("na") is not None:
                return []  # "Vascular involvement: N/A", an empty field: not stated
            return [Finding(start, field.end(), "VESSEL_PROXIMITY", value_norm=rule.norm,
                            attrs={"remote": field.group("neg") is not None})]  # "Hilar ... involvement: No" / ": Yes"
        if rule.id.startswith("vessel_proximity.vascular"):
            return [Finding(start, end, "VESSEL_PROXIMITY", value_norm="vessel", attrs={"remote": bool(match.group("neg"))})]
        if rule.norm == "hilar_bile_duct" and _FIELD_LABEL_AFTER.match(text, end):
            return []  # "Vascular / hilar: ...": the field's name; what it holds is read on its own
        if rule.norm == "hilar_bile_duct" and _CALIBRE_AFTER.match(text, end):
            return []  # "central bile ducts normal in calibre": the ducts' calibre, no lesion's place
        if rule.norm == "hilar_bile_duct" and _CLEAR_AFTER.match(text, end):
            return [Finding(start, end, "VESSEL_PROXIMITY", value_norm=rule.norm, attrs={"remote": True})]  # "Hilum clear."
        if rule.norm == "vessel":
            before = _PROX_BEFORE.search(text, max(0, start - 70), start)
            after = _PROX_AFTER.match(text, end)
            if before is None and after is None:
                return []  # a vessel named without a lesion touching it ("portal vein patent")
            start = before.start() if before else start
            end = after.end() if after else end
        remote = bool(_REMOTE.search(text[start:end])) or bool(_DENIED_CONTACT_BEFORE.search(text, max(0, start - 80), end)) \
            or (rule.norm == "vessel" and bool(_NO_CONTACT_AFTER.match(text, end)))  # "4 mm from the RHV without contact"
        return [Finding(start, end, "VESSEL_PROXIMITY", value_norm=rule.norm, attrs={"remote": remote})]

    def postprocess(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """One span per region and kind: the hilum named inside a vessel's proximity phrase ("well clear of the
        hilum, L portal vein and hepatic veins") keeps a mention of its own."""
        return drop_contained(spans, kind=lambda span: (span.label, value(span, "value_norm")))


register(SPEC, VesselProximityExtractor)

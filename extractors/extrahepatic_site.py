"""Extrahepatic disease sites named by themselves (EXTRAHEPATIC_SITE, value_norm = contract site).

"retroperitoneal lymphadenopathy" -> lymph_node (strong: disease by itself), "enlarged mesenteric
lymph node" -> lymph_node (weak: the summariser needs a disease word and no "not enlarged"),
"peritoneal carcinomatosis" / "omental cake" -> peritoneum, "intense uptake in the T10 vertebral
body" -> bone, "no extrahepatic disease" -> value_norm extrahepatic (the report addressed it).
Organ-named lesions ("pancreatic mass", "bone metastases") come from the lesion extractor.
Not handled: sites named only by an anatomical eponym ("Virchow node" is still a node).
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc

from ._base import ExtractorSpec, Finding, register
from ._imaging_base import ImagingExtractor
from ._imaging_units import ORGAN_SITE, WEAK_ORGANS, organ_matches

SPEC = ExtractorSpec(name="extrahepatic_site", order=43)


class ExtrahepaticSiteExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        attrs = {k: v for k, v in rule.attrs.items() if k != "triggers"}
        if rule.norm:
            return [Finding(*match.span(), "EXTRAHEPATIC_SITE", value_norm=rule.norm, attrs=attrs)]
        organs = organ_matches(match.group("organ"))
        if not organs:
            return []
        strong = [o for o in organs if o[2] not in WEAK_ORGANS]  # "uptake in a soft tissue nodule in the ileum"
        o_start, o_end, organ = (strong or organs)[0]
        site = ORGAN_SITE.get("other" if organ == "mesentery" else organ)
        if site is None:
            return []
        base = match.start("organ")
        return [Finding(match.start(), base + o_end, "EXTRAHEPATIC_SITE", value_norm=site, attrs={**attrs, "uptake": True})]


register(SPEC, ExtrahepaticSiteExtractor)

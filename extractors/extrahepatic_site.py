"""Extrahepatic disease sites named by themselves (EXTRAHEPATIC_SITE, value_norm = contract site).

"retroperitoneal lymphadenopathy" -> lymph_node (strong: disease by itself), "enlarged mesenteric
lymph node" -> lymph_node (weak: the summariser needs a disease word and no "not enlarged"),
"peritoneal carcinomatosis" / "omental cake" -> peritoneum, "intense uptake in the T10 vertebral
body" -> bone, "no extrahepatic disease" -> value_norm extrahepatic (the report addressed it), a row of a pipe
table of measured lesions ("T3 | Lung RLL | 11 mm") -> its organ, "Peritonuem:" / "Perit:" headings -> peritoneum
addressed (the summariser reads what follows them).
Organ-named lesions ("pancreatic mass", "bone metastases") come from the lesion extractor.
Not handled: sites named only by an anatomical eponym ("Virchow node" is still a node).
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, register
from ._doc_index import doc_text
from ._imaging_base import ImagingExtractor
from ._imaging_units import ORGAN_SITE, WEAK_ORGANS, in_recist_heading, organ_matches
from ._tables import table_header

_CUES = load_lexicon("extrahepatic_site")

SPEC = ExtractorSpec(name="extrahepatic_site", order=43)
#: "no abnormal tracer uptake at the anastomosis": ConText's modifier "no abnormal" would overlap a span that starts
#: at "abnormal" and so never negate it; after a negation the span starts at the uptake words instead.
_NEGATION_BEFORE = _CUES["NEGATION_BEFORE"]


_TABLE_HEADER = _CUES["TABLE_HEADER"]
_TABLE_ROW_SKIP = _CUES["TABLE_ROW_SKIP"]
_NODAL = _CUES["NODAL"]


def _table_site(text: str, start: int, end: int, attrs: dict) -> list[Finding]:
    """The site of a pipe-table row of measured lesions: 'Lesion | Site | Today' then 'T3 | Lung RLL | 11 mm' -> lung,
    'NT2 | Portocaval node | 14 mm' -> lymph_node. The header (the table's first row) must name lesions or sites; a
    liver row, a reference or physiological row and the header itself give nothing."""
    header = table_header(text, start)
    if header is None:
        return []
    header_start, header_end = header
    if not _TABLE_HEADER.search(text, header_start, header_end) or _TABLE_ROW_SKIP.search(text, start, end):
        return []
    offset = start
    for cell in text[start:end].split("|"):
        organs = [o for o in organ_matches(cell) if o[2] != "vessel"]
        if organs:
            if organs[0][2] == "liver":
                return []
            o_start, o_end, organ = organs[0]
            site = "lymph_node" if organ in ("mesentery", "mediastinum") and _NODAL.search(cell) else ORGAN_SITE.get(organ)
            if site is None:
                return []
            return [Finding(offset + o_start, offset + o_end, "EXTRAHEPATIC_SITE", value_norm=site,
                            attrs={**attrs, "row": True})]
        offset += len(cell) + 1
    return []


class ExtrahepaticSiteExtractor(ImagingExtractor):
    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        attrs = {k: v for k, v in rule.attrs.items() if k != "triggers"}
        if in_recist_heading(doc_text(doc), match.start()):
            return []  # "TARGET LESIONS (longest diameter; nodes short axis; mm)": a table's heading, no site
        if rule.id.startswith("extrahepatic_site.table_row"):
            return _table_site(doc_text(doc), *match.span(), attrs)
        if rule.norm:
            return [Finding(*match.span(rule.span or 0), "EXTRAHEPATIC_SITE", value_norm=rule.norm, attrs=attrs)]
        organs = organ_matches(match.group("organ"))
        if not organs:
            return []
        strong = [o for o in organs if o[2] not in WEAK_ORGANS]  # "uptake in a soft tissue nodule in the ileum"
        o_start, o_end, organ = (strong or organs)[0]
        site = ORGAN_SITE.get("other" if organ == "mesentery" else organ)
        if site is None:
            return []
        base = match.start("organ")
        start = match.start()
        if _NEGATION_BEFORE.search(doc_text(doc), max(0, start - 12), start):
            start = match.start("core")
        return [Finding(start, base + o_end, "EXTRAHEPATIC_SITE", value_norm=site, attrs={**attrs, "uptake": True})]


register(SPEC, ExtrahepaticSiteExtractor)

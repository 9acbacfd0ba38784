"""Specimen site and procedure -> SPECIMEN_SITE (liver|pancreas|small_bowel|lymph_node|other) and
PROCEDURE (biopsy|resection) mentions.

Rank 1 (attrs rank=1): the specimen designation — a labelled line ("Specimen: Liver, segment 7 lesion,
core biopsy", "Source: Pancreas, tail; EUS-guided fine-needle biopsy", "Procedure: Segmental resection of
small intestine (ileum)") or a part header ("A. Pancreas, body/tail and spleen, distal pancreatectomy:",
"LIVER, SEGMENT 5, CORE BX:"). Rank 2: "liver core biopsy", "biopsy of the liver". Rank 3: any biopsy or
resection word ("colonoscopic biopsies", "right hemicolectomy"). attrs organ = the finest primary-site
organ named in the header ("Small bowel (ileum)" -> ileum).
"""
from __future__ import annotations

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, register
from ._pathology_base import ClaimingExtractor
from ._pathology_common import ORGAN_RE, PROC_RE, primary_organ, procedure_kind, specimen_site

_CUES = load_lexicon("specimen")

SPEC = ExtractorSpec(name="specimen", order=66)
_MODIFIERS = _CUES["MODIFIERS"]


def _fine_organ(segment: str) -> str | None:
    """The most specific primary organ in a header segment: 'Small bowel (ileum)' -> 'ileum'."""
    organ = primary_organ(segment)
    if organ == "small_bowel":
        for part in ("ileum", "jejunum", "duodenum"):
            if primary_organ(segment.replace("small", "")) == part:
                return part
    return organ


def _organ(body: str):
    """First anatomical organ word; a procedure-implied organ ('gastrectomy') only when none is named:
    'Right hemicolectomy including terminal ileum' -> 'terminal ileum'."""
    found = list(ORGAN_RE.finditer(body))
    named = [m for m in found if not m.group(0).lower().endswith("ectomy")]
    return (named or found or [None])[0]


class SpecimenExtractor(ClaimingExtractor):
    #: every rule needs a procedure word or a specimen label ('Specimen:', 'Source:', 'Site:', 'Material:')
    KEYWORDS = ('biops', 'bx', 'resect', 'ectomy', 'excision', 'specimen', 'source', 'tissue', 'procedure', 'site',
                'material', 'fna', 'fnb', 'needle', 'core', 'cytolog', 'curett', 'punch', 'brush', 'aspirat', 'block',
                'whipple', 'enucleat', 'explant', 'emr', 'esd')
    def findings(self, doc, match, rule):
        if "body" in match.groupdict():
            return self._header(doc, match, rule)
        return self._phrase(match, rule)

    def _header(self, doc, match, rule):
        body, offset = match.group("body"), match.start("body")
        organ = _organ(body)
        proc = PROC_RE.search(body)
        if rule.attrs.get("needs_proc"):
            in_specimen_list = doc[doc.char_span(offset, offset + 1, alignment_mode="expand").start]._.section_category == "specimen"
            if organ is None or not _MODIFIERS.fullmatch(body[:organ.start()]) or ((proc is None or proc.start() > 120) and not in_specimen_list):
                return []
        out = []
        if organ is not None:
            attrs = {"rank": 1, "organ": _fine_organ(body[:160])}
            if proc is not None:
                attrs["procedure"] = procedure_kind(proc.group(0), body[proc.end():])
            seg_end = len(body.rstrip(" \t:.;,"))
            out.append(Finding(offset + organ.start(), offset + max(seg_end, organ.end()), "SPECIMEN_SITE",
                               value_norm=specimen_site(organ.group(0)), attrs=attrs))
        if proc is not None:
            out.append(Finding(offset + proc.start(), offset + proc.end(), "PROCEDURE",
                               value_norm=procedure_kind(proc.group(0), body[proc.end():]), attrs={"rank": 1}))
        return out

    def _phrase(self, match, rule):
        rank = rule.attrs.get("rank", 3)
        if rule.label == "PROCEDURE":
            start, end = match.span()
            return [Finding(start, end, "PROCEDURE", value_norm=rule.norm, attrs={"rank": rank})]
        org = match.group("org")
        start, end = match.span()
        return [Finding(start, end, "SPECIMEN_SITE", value_norm=specimen_site(org),
                        attrs={"rank": rank, "organ": primary_organ(org),
                               "procedure": procedure_kind(match.group("proc"))})]


register(SPEC, SpecimenExtractor)

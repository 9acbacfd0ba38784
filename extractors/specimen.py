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

import re

from pipeline.lexicon import load_lexicon

from ._base import ExtractorSpec, Finding, register
from ._pathology_base import ClaimingExtractor
from ._pathology_common import ORGAN_RE, PROC_RE, SMALL_BOWEL_PARTS, primary_organ, procedure_kind, specimen_site

_CUES = load_lexicon("specimen")

SPEC = ExtractorSpec(name="specimen", order=66)
_MODIFIERS = _CUES["MODIFIERS"]
#: the end of a designation's first sentence: its procedure word is read before it
_SENTENCE_STOP = re.compile(r"\.\s+(?=[A-Z])")
_SPARED_BEFORE = _CUES["SPARED_BEFORE"]
_SPARED_AFTER = _CUES["SPARED_AFTER"]
#: 'Margins: not applicable (biopsy)': the procedure word explains a negated field, it is not negated itself.
_NOT_APPLICABLE_BEFORE = _CUES["NOT_APPLICABLE_BEFORE"]
_DESIGNATION_END = _CUES["DESIGNATION_END"]
_PANCREAS_OPERATION = _CUES["PANCREAS_OPERATION"]
_OTHER_OPERATION = _CUES["OTHER_OPERATION"]
_OPERATION_LEAD = _CUES["OPERATION_LEAD"]
_ACCESSION_AFTER = _CUES["ACCESSION_AFTER"]
_WITH_NODES = _CUES["WITH_NODES"]
_PARTS_LIST = _CUES["PARTS_LIST"]
_MASS_ONLY = _CUES["MASS_ONLY"]
_DIAGNOSIS_LABEL = _CUES["DIAGNOSIS_LABEL"]


def _spared(text: str, organ) -> bool:
    """True when the organ word is said to be left in place ('spleen-preserving', 'spleen preserved')."""
    return bool(_SPARED_AFTER.match(text, organ.end()) or _SPARED_BEFORE.search(text[max(0, organ.start() - 30):organ.start()]))


def _fine_organ(segment: str) -> str | None:
    """The most specific primary organ in a header segment: 'Small bowel (ileum)' -> 'ileum'."""
    organ = primary_organ(segment)
    if organ == "small_bowel":
        for part in SMALL_BOWEL_PARTS:
            if primary_organ(segment.replace("small", "")) == part:
                return part
    return organ


def _organ(body: str):
    """First anatomical organ word; a procedure-implied organ ('gastrectomy') only when none is named:
    'Right hemicolectomy including terminal ileum' -> 'terminal ileum'. An organ left in place is not
    the specimen: 'Distal pancreatectomy, spleen-preserving', 'with preservation of the spleen'."""
    found = [m for m in ORGAN_RE.finditer(body) if not _spared(body, m)]
    named = [m for m in found if not m.group(0).lower().endswith("ectomy")]
    first = (named or found or [None])[0]
    if found and first is not None and found[0].start() < first.start() and (
            specimen_site(first.group(0)) == "lymph_node" and _WITH_NODES.search(body, found[0].end(), first.start())
            or _PARTS_LIST.match(body, found[0].end())):
        # "Right upper lobectomy with mediastinal lymph node dissection": the operation's organ is the specimen, the
        # nodes come with it; "Right hemicolectomy (terminal ileum, caecum, ascending colon, appendix)": the
        # operation's parts, listed in brackets
        return found[0]
    if first is not None and first.group(0).lower().startswith("mesenter") and specimen_site(first.group(0)) != "lymph_node":
        # "Mesenteric root lymph nodes, excision": the mesentery places the nodes, the nodes are the specimen (not
        # "Mesenteric lymph nodes, lymphadenectomy", already the nodes)
        node = next((m for m in found if m.start() > first.start() and specimen_site(m.group(0)) == "lymph_node"
                     and m.start() - first.end() <= 12), None)  # also "Redo mesenteric lymphadenectomy"
        if node is not None:
            return node
    return first


class SpecimenExtractor(ClaimingExtractor):
    #: every rule needs a procedure word or a specimen label ('Specimen:', 'Source:', 'Site:', 'Material:',
    #: 'Operation:', 'Sample:')
    KEYWORDS = ('biops', 'bx', 'resect', 'ectomy', 'excision', 'excised', 'dissection', 'specimen', 'source', 'tissue', 'procedure', 'site',
                'material', 'fna', 'fnb', 'needle', 'core', 'cytolog', 'curett', 'punch', 'brush', 'aspirat', 'block',
                'whipple', 'enucleat', 'explant', 'emr', 'esd', 'tbna', 'ebus', 'tru-cut', 'trucut', 'operation',
                'sample', 'wedge', 'appendix', 'liver', 'pancrea', 'stomach', 'rectum', 'colon', 'caecum', 'cecum', 'ileum',
                'jejunum', 'duodenum', 'lung',  # the organ words of an opening organ label ('Appendix: acute ...')
                'segment', 'loop', 'length')  # a length of bowel removed whole ('Segment of ileum with mesentery')
    def findings(self, doc, match, rule):
        if "body" in match.groupdict():
            return self._header(doc, match, rule)
        return self._phrase(match, rule)

    def _header(self, doc, match, rule):
        body, offset = match.group("body"), match.start("body")
        organ = _organ(body)
        stop = _SENTENCE_STOP.search(body)  # "Rectal NET, well differentiated. Complete excision is recommended."
        proc = PROC_RE.search(body, 0, stop.start() if stop else len(body))
        if rule.attrs.get("needs_proc"):
            in_specimen_list = doc[doc.char_span(offset, offset + 1, alignment_mode="expand").start]._.section_category == "specimen" \
                or bool(organ is not None and _DIAGNOSIS_LABEL.match(match.group(0))
                        and _DESIGNATION_END.search(body, organ.end(), organ.end() + 60))
            # "Final diagnosis: Mesenteric lymph nodes: metastatic NET" (a designation with its own colon), not
            # "Conclusion: Liver lesion most likely a metastasis"
            lead = body[:organ.start()] if organ is not None else ""
            if organ is None or not (_MODIFIERS.fullmatch(lead) or _OPERATION_LEAD.fullmatch(lead)) \
                    or ((proc is None or proc.start() > 120) and not in_specimen_list):
                return []
        out = []
        if organ is not None:
            # the designation ends where the diagnosis starts ('Lymph node, EBUS-TBNA: metastatic NET. Not SCLC'):
            # a negation or an organ in the diagnosis ('... metastasis from a lung primary is excluded') is not
            # said of the specimen
            cut = _DESIGNATION_END.search(body, organ.end())
            designation = body[:cut.start() if cut else len(body)]
            attrs = {"rank": rule.attrs.get("rank", 1), "organ": _fine_organ(designation[:160])}
            if _MASS_ONLY.search(designation) and "ectomy" not in designation.lower():
                attrs["mass_only"] = True  # "Mesenteric mass, CT-guided core biopsy": the label cannot name the tissue
            if proc is not None:
                attrs["procedure"] = procedure_kind(proc.group(0))
            seg_end = len(designation.rstrip(" \t:.;,"))
            # a Whipple / pancreatectomy specimen is the pancreas, whichever organ is named first (a part header
            # is read up to its diagnosis: 'Liver: metastatic NET after a Whipple' is a liver specimen); a colectomy,
            # gastrectomy or appendicectomy specimen is `other` ('Terminal ileum, right hemicolectomy')
            operation = designation if rule.attrs.get("needs_proc") else body
            site = "pancreas" if _PANCREAS_OPERATION.search(operation) else (
                "other" if _OTHER_OPERATION.search(designation) else specimen_site(organ.group(0)))
            out.append(Finding(offset + organ.start(), offset + max(seg_end, organ.end()), "SPECIMEN_SITE",
                               value_norm=site, attrs=attrs))
        if proc is not None:
            out.append(Finding(offset + proc.start(), offset + proc.end(), "PROCEDURE",
                               value_norm=procedure_kind(proc.group(0)),
                               attrs={"rank": rule.attrs.get("rank", 1)}))
        return out

    def _phrase(self, match, rule):
        rank = rule.attrs.get("rank", 3)
        if rule.label == "PROCEDURE":
            start, end = match.span()
            if _ACCESSION_AFTER.match(match.string, end):
                return []  # "Biopsy No.: H-4412/25": a lab number's label
            attrs = {"rank": rank}
            if _NOT_APPLICABLE_BEFORE.search(match.string[max(0, start - 40):start]):
                attrs["own_polarity"] = True  # 'Margins: not applicable (biopsy)' names the procedure
            if ORGAN_RE.fullmatch(match.group(0)):
                attrs["site"] = specimen_site(match.group(0))  # "salpingo-oophorectomy": the operation names its organ
            return [Finding(start, end, "PROCEDURE", value_norm=rule.norm, attrs=attrs)]
        org = match.group("org")
        start, end = match.span()
        if rule.attrs.get("opening_lines") and match.string.count("\n", 0, start) >= rule.attrs["opening_lines"]:
            return []  # an organ label names the specimen only at the report's head ("Appendix: acute appendicitis. ...")
        proc = match.groupdict().get("proc")
        attrs = {"rank": rank, "organ": primary_organ(org)}
        if proc:
            attrs["procedure"] = procedure_kind(proc)
        return [Finding(start, end, "SPECIMEN_SITE", value_norm=specimen_site(org), attrs=attrs)]


register(SPEC, SpecimenExtractor)

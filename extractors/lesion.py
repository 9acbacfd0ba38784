"""Lesion nouns and where they sit: LIVER_LESION for the liver, EXTRAHEPATIC_SITE for other organs.

Phrases: "three arterially enhancing liver metastases", "hepatic deposits", "DOTATATE-avid foci in the
liver", "a 2.1 cm simple cyst" (benign), "Liver: unremarkable." (value_norm none: the liver has no lesion).

Each noun gets a count from the quantifier written before it ("three", "a few", "at least 5",
"innumerable"; value_num = the exact count) or after it ("... too numerous to count"), and an organ
from its sentence (``attribute_organ``: "renal cyst", "mass in the pancreatic tail"); a sentence that
names no organ takes the organ of the nearest earlier sentence of the same section ("Liver:" headers,
segment-by-segment lists), else the liver. Liver nouns become LIVER_LESION (value_norm metastasis |
lesion | benign | none); current non-benign nouns of other organs become EXTRAHEPATIC_SITE with the
contract's site; the rest are kept in ``doc.spans["lesion_targets"]`` (not mentions) so that the
report summariser can tell a renal cyst's size from a liver lesion's. A noun ruled out ("metastasis considered
unlikely", "unlikely to represent a metastasis") is benign (attrs["unlikely"]); a noun that names the lesion just
described again ("..., corresponding to a 1.4 cm hypodensity on CT", "..., in the sense of liver metastases") carries
attrs["restates"]. A number followed by a unit or a "x"/"by" dimension is a size, never a count. A pipe-table row or a
list line that names the liver and a segment, with sizes and no lesion noun ("T1 | Liver S4b | 21 mm | 24 mm",
"- Liver S7: 3.0 cm / 3.9 cm") is one liver lesion. Not handled: organ named only
in an earlier paragraph of a free-text narrative more than six sentences back.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Doc, Span

from pipeline.lexicon import load_lexicon
from pipeline.markup import as_spaces

from ._doc_index import DocIndex, doc_text
from ._base import ExtractorSpec, Finding, register, set_values, value
from ._imaging_base import ImagingExtractor
from ._imaging_units import ORGAN_SITE, attribute_organ, in_recist_heading, is_reference_organ, organ_matches, parse_count, segments_in

_CUES = load_lexicon("lesion")

SPEC = ExtractorSpec(name="lesion", order=40)
TARGETS = "lesion_targets"
OTHER = "_OTHER_LESION"

_QUANT = _CUES.source("QUANT")
_COUNT_BEFORE = re.compile(rf"(?:\b|(?=[>\u2265]))(?P<q>{_QUANT})(?P<mid>(?:\s+(?!(?:and|or|of|in|with|the|is|are)\b)[\w][\w/.%+-]*,?){{0,5}})[\s,]*$", re.I)
_COUNT_AFTER = _CUES["COUNT_AFTER"]
_QUANT_AT = re.compile(rf"(?:\b|(?=[>\u2265]))(?:{_QUANT})", re.I)
#: a short aside in brackets among a noun's premodifiers, read as blank
_ASIDE = re.compile(r"\([^()\n]{1,30}\)")
_EACH_OF = _CUES["EACH_OF_SEGMENTS"]
_PLACE_WORD = _CUES["PLACE_WORD"]
_PLACE_LIST = _CUES["PLACE_LIST"]
_CLAUSE_END = re.compile(r"[.;\n](?:\s|$)|\n")
_FIELD_LABEL_BEFORE = _CUES["FIELD_LABEL_BEFORE"]
_FIELD_COUNT_AFTER = _CUES["FIELD_COUNT_AFTER"]
#: "Lesions x3", "liver mets x 3": a multiplication-sign count after the noun (not "x 2.1 cm").
_TIMES_AFTER = re.compile(r"\s*[x×]\s?(?P<n>\d{1,2})\b(?![.,]\d|\s*(?:mm|cm|x|×))", re.I)
#: A plural noun and a colon ("metastases:", "foci:"): what follows enumerates the lesions already counted.
_ENUMERATION_HEAD = _CUES["ENUMERATION_HEAD"]
#: Pronoun lesions: "... and one in the left lobe", "another in segment 3 measures 3.0 cm".
_PRONOUN = _CUES["PRONOUN"]
#: "3 cm lesion", "31 by 27 mm, metastasis": the number is a size, not a count.
_UNIT_WORD = _CUES["SIZE_AFTER_NUMBER"]
#: "metastasis considered unlikely", "unlikely to represent a metastasis": the noun is named only to be ruled out.
_UNLIKELY_AFTER = _CUES["UNLIKELY_AFTER"]
_UNLIKELY_BEFORE = _CUES["UNLIKELY_BEFORE"]
#: "avid lesion in segment 3, corresponding to a 1.4 cm hypodensity on CT", "..., in the sense of liver metastases":
#: the noun names the lesion just described again (attrs["restates"]; the report summariser merges it).
_RESTATES_BEFORE = _CUES["RESTATES_BEFORE"]
_PAREN_RESTATES_BEFORE = _CUES["PAREN_RESTATES_BEFORE"]
_SEG_BEFORE = _CUES["SEG_BEFORE"]
#: "Krenning 4 hepatic metastases", "grade 2 lesions", "Deauville 3": the digit is a score, not a count.
_SCORE_BEFORE = _CUES["SCORE_BEFORE"]
_CLAUSE_CUT = re.compile(r"[.;:\n(]")
_NO_DEFAULT_LIVER = _CUES["NO_DEFAULT_LIVER"]
_NODAL = _CUES["NODAL"]
_PERITONEAL_NOUN = _CUES["PERITONEAL_NOUN"]
_MASS_WORD = _CUES["MASS_WORD"]
_LIVER_PLACE = _CUES["LIVER_PLACE"]
_LOOKBACK_SENTS = 6
#: Words that make a count add to the lesions named before it ("four smaller lesions", "two further metastases").
_ADDITIVE = _CUES["ADDITIVE"]
#: Tumour-type nouns that name the primary ("pancreatic NET"), never a liver lesion.
_PRIMARY_TYPE = _CUES["PRIMARY_TYPE"]
#: "at the cranial margin of the segment 5 ablation zone": the treated zone is where a recurrence lies, no target
_LANDMARK_ZONE_BEFORE = _CUES["LANDMARK_ZONE_BEFORE"]
#: a template: "Hepatic metastases: Present" / "Number: 3" (or ": None": the liver holds no lesion)
_TEMPLATE_FIELD_BEFORE = _CUES["TEMPLATE_FIELD_BEFORE"]
_TEMPLATE_ANSWER_AFTER = _CUES["TEMPLATE_ANSWER_AFTER"]
_NUMBER_FIELD_LINE = _CUES["NUMBER_FIELD_LINE"]
_HEADING_AFTER = _CUES["HEADING_AFTER"]
#: how many lines after a template's lesion field its "Number:" field may stand
_NUMBER_FIELD_LINES = 3


def count_before(prefix: str) -> tuple[str, int] | None:
    """The quantifier ending a noun's premodifiers: ('three', offset) from 'there are three small'; the one nearest
    the noun when several could ('in both lobes, now more than 20 lesions': more than 20)."""
    if ")" in prefix:
        prefix = _ASIDE.sub(as_spaces, prefix)  # "Two (2) metastases", "numerous (over twenty) nodules"
    cut = max(prefix.rfind(c) for c in ".;:\n(")
    window = prefix[cut + 1:]
    first = _COUNT_BEFORE.search(window)
    if not first:
        return None
    nearer = [_COUNT_BEFORE.match(window, q.start()) for q in _QUANT_AT.finditer(window, first.end("q"))]
    for m in [n for n in reversed(nearer) if n is not None] + [first]:
        q = m.group("q")
        if any(c.isdigit() for c in q) and q[0] not in ">\u2265":  # "2 lesions", "6-8 lesions" are counts; "3 cm lesion", "5 to 10 mm lesions",
            # "segment 2 lesion" and "Seg. 7 lesion" are not
            before = prefix[: cut + 1 + m.start("q")]
            if _UNIT_WORD.match(m.group("mid") or "") or _SEG_BEFORE.search(before) or _SCORE_BEFORE.search(before):
                continue
        return q, cut + 1 + m.start("q")
    return None


def _template_answer(text: str, start: int, end: int) -> re.Match[str] | None:
    """The answer of a template field the noun labels ("Hepatic metastases: Present"), or None."""
    if not _TEMPLATE_FIELD_BEFORE.search(text, max(0, start - 40), start):
        return None
    return _TEMPLATE_ANSWER_AFTER.match(text, end)


def _template_number(text: str, at: int):
    """The count of a "Number:" field on one of the next few lines ("Hepatic metastases: Present" / "Number: >10")."""
    line_end = text.find("\n", at)
    for _ in range(_NUMBER_FIELD_LINES):
        if line_end < 0:
            return None
        label = _NUMBER_FIELD_LINE.match(text, line_end + 1)
        if label is not None:
            value = _FIELD_COUNT_AFTER.match(text, label.end())
            return parse_count(value.group("q")) if value else None
        line_end = text.find("\n", line_end + 1)
    return None


class LesionExtractor(ImagingExtractor):
    """Lesion nouns with count and organ (see the module docstring)."""

    def interpret(self, doc: Doc, match: re.Match[str], rule) -> Iterable[Finding]:
        start, end = match.span(rule.span or 0)  # "residual uptake" of "residual uptake in segment 8": the noun only
        noun = match.group(rule.span or 0)
        low = noun.lower().split(" of ")[0]  # the head noun: "localisations of disease" is plural
        attrs: dict = {"kind": rule.norm, "plural": low.endswith(("s", "foci", "mets")) and
                       not low.endswith(("focus", "disease", "mass", "sis", "us", "ss"))}
        if rule.norm == "none":
            return [Finding(start, end, "LIVER_LESION", value_num=0.0, value_norm="none", attrs=attrs)]
        if rule.id.startswith("lesion.treated.") and _LANDMARK_ZONE_BEFORE.search(doc_text(doc), max(0, start - 60), start):
            return []
        if attrs["plural"] and _HEADING_AFTER.match(doc_text(doc), end) and \
                _TEMPLATE_FIELD_BEFORE.search(doc_text(doc), max(0, start - 40), start):
            return []  # "Hepatic lesions:" over a table of them: its rows are the lesions
        if rule.attrs.get("per_place"):  # "uptake in segment 8 (...) and segment 2 (...)": one lesion per place
            stop = _CLAUSE_END.search(doc_text(doc), end)
            clause = re.sub(r"\([^()\n]*\)", " ", doc_text(doc)[end:stop.start() if stop else len(doc_text(doc))])
            attrs["plural"] = len(_PLACE_WORD.findall(clause)) > 1 or bool(_PLACE_LIST.search(clause))
        norm = rule.norm
        if norm != "benign" and (_UNLIKELY_AFTER.match(doc_text(doc), end)
                                 or _UNLIKELY_BEFORE.search(doc_text(doc), max(0, start - 60), start)):
            norm = attrs["kind"] = "benign"  # "likely a haemangioma; metastasis considered unlikely": ruled out
            attrs["unlikely"] = True
        count_start = start
        quant = count_before(doc_text(doc)[max(0, start - 90):start])
        if quant:
            count = parse_count(quant[0])
            if count is not None:
                attrs.update(count_kind=count.kind, count_value=count.value, count_bound=count.bound,
                             count_text=quant[0])
                q_abs = max(0, start - 90) + quant[1]
                window = doc_text(doc)[max(0, q_abs - 15):start]
                window = window[max(window.rfind(c) for c in ".;:\n(") + 1:]
                if count.kind == "exact" and _ADDITIVE.search(window):
                    attrs["additive"] = True  # "two further metastases": in addition to those already named
                elif count.kind in {"multiple", "few", "innumerable", "at_least"} and _ADDITIVE.search(window):
                    attrs["vague_additive"] = True  # "two dominant lesions and several smaller foci": uncountable total
                if count.kind != "none":  # keep "no" outside the span: ConText must see it as a modifier
                    count_start = max(0, start - 90) + quant[1]
        if _RESTATES_BEFORE.search(doc_text(doc), max(0, start - 80), start) or (
                "count_kind" not in attrs and "(" in doc_text(doc)[max(0, start - 60):start]
                and _PAREN_RESTATES_BEFORE.search(doc_text(doc), max(0, start - 150), start)):
            attrs["restates"] = True  # (not "metastases (5 lesions, segments 2, 3 ...)": a count of its own)
        if _PRONOUN.match(noun):
            # "and one in the left lobe": one more lesion, in addition to those just named
            window = doc_text(doc)[max(0, start - 200):start]
            window = window[max(window.rfind(". "), window.rfind("\n")) + 1:]
            if not _ENUMERATION_HEAD.search(window):  # "Three metastases: two in segment 7 and one in segment 3" enumerates, adds nothing
                attrs.update(count_kind="exact", count_value=1, count_text=noun, additive=True, pronoun=True)
            attrs["plural"] = False
        template = _template_answer(doc_text(doc), start, end) if "count_kind" not in attrs else None
        if template is not None and template.group("neg"):
            return [Finding(start, template.end(), "LIVER_LESION", value_num=0.0, value_norm="none",
                            attrs={**attrs, "template": True})]  # "Hepatic metastases: None"
        if template is not None:
            number = parse_count(template.group("q")) if template.group("q") else \
                _template_number(doc_text(doc), template.end())
            if number is not None:
                attrs.update(count_kind=number.kind, count_value=number.value, count_bound=number.bound,
                             count_text="template")
        field = _FIELD_COUNT_AFTER.match(doc_text(doc), end) if "count_kind" not in attrs else None
        if field and _FIELD_LABEL_BEFORE.search(doc_text(doc), max(0, start - 40), start):
            count = parse_count(field.group("q"))  # "Number of liver lesions (suspected metastases): 4"
            if count is not None:
                attrs.update(count_kind=count.kind, count_value=count.value, count_bound=count.bound,
                             count_text=field.group("q"))
        times = _TIMES_AFTER.match(doc_text(doc), end)
        if times and "count_kind" not in attrs:
            attrs.update(count_kind="exact", count_value=int(times.group("n")), count_text=times.group(0).strip())
        after = _COUNT_AFTER.match(doc_text(doc), end)
        if after and "count_kind" not in attrs:
            if after.group("more"):
                if attrs["plural"]:  # "The bilobar metastases have increased in size and number": more than a few
                    attrs.update(count_kind="multiple", count_value=None, count_text=after.group("more"))
            elif after.group("tntc"):
                attrs.update(count_kind="innumerable", count_value=None, count_text=after.group("tntc"))
            else:
                count = parse_count(after.group("q") or after.group("rq"))
                if count is not None:
                    attrs.update(count_kind=count.kind, count_value=count.value, count_bound=count.bound)
        each = _EACH_OF.match(doc_text(doc), end) if attrs.get("count_value") == 1 and not attrs.get("pronoun") else None
        if each:  # "One lesion in each of segments 2, 5 and 8": one per segment named
            places = 2 if each.group("lobes") else len(segments_in(each.group("list")))
            if places > 1:
                attrs.update(count_value=places, plural=True)
        value = attrs.get("count_value")
        if rule.attrs.get("other_tumour"):
            norm = "other_tumour"  # "the treated segment 8 HCC": another tumour's, counted nowhere (kind "benign")
        return [Finding(count_start, end, "LIVER_LESION", value_num=float(value) if value is not None else None,
                        value_norm=norm, attrs=attrs)]

    def postprocess(self, doc: Doc, spans: list[Span]) -> list[Span]:
        spans = _drop_overlaps(spans)
        index = DocIndex.of(doc)
        emitted: list[Span] = []
        targets: list[Span] = []
        primary_organ: str | None = None  # the organ of the last primary named with one
        for span in spans:
            attrs = dict(value(span, "attrs") or {})
            if value(span, "value_norm") == "none":
                emitted.append(span)
                continue
            organ = self.organ(doc, span, index, primary_organ if attrs["kind"] == "primary" else None)
            if attrs["kind"] == "primary" and organ not in {None, "liver"}:
                primary_organ = organ
            if attrs["kind"] == "primary" and _PRIMARY_TYPE.match(span.text) and organ in {"liver", None}:
                continue  # "NET liver metastases", "metastatic NET": the tumour type, not a lesion
            attrs["organ"] = organ
            set_values(span, attrs=attrs)
            targets.append(span)
            if organ == "liver":
                emitted.append(span)
                continue
            site = _site(organ, doc, span)
            if site is None or attrs["kind"] == "benign" or in_recist_heading(doc_text(doc), span.start_char):
                continue  # (not "TARGET LESIONS (longest diameter; nodes short axis)": a table's heading)
            new = Span(doc, span.start, span.end, label="EXTRAHEPATIC_SITE")
            count = value(span, "value_num")
            if count is None and attrs.get("plural") and site == "bone":
                count = _bones_listed(doc_text(doc), span.end_char)  # "the osseous metastases in T11, the iliac wing, ..."
            set_values(new, rule_id=value(span, "rule_id"), extractor=value(span, "extractor"),
                       value_num=count, value_norm=site, attrs={**attrs, "source": "lesion"})
            emitted.append(new)
        doc.spans[TARGETS] = targets
        return emitted

    def organ(self, doc: Doc, span: Span, index: DocIndex, known_primary: str | None = None) -> str | None:
        """The organ of a lesion noun: its own sentence first, then (for "the primary", ``known_primary``: the organ
        of the primary named before) earlier sentences of the section."""
        number = index.sentence_no(span)
        sent = index.sentences[number]
        noun_start = doc[span.end - 1].idx - sent.start_char
        organs = index.organs_in(sent)
        organ = attribute_organ(sent.text, noun_start, span.end_char - sent.start_char, organs)
        if organ is not None:
            return organ
        if organs and all(o[2] != "liver" and is_reference_organ(sent.text, o[0]) for o in organs):
            return None  # "Uptake in all target lesions exceeds spleen (Krenning 4)": a grading of uptake, placed nowhere
        if known_primary is not None:
            return known_primary  # "... pancreatic body primary. Physiological splenic uptake. FDG: The primary is avid"
        if _LIVER_PLACE.search(sent.text):
            return "liver"  # "Conclusion: Clear progression of the right-lobe metastases" after "Small pleural effusions."
        for prev in index.sentences[max(0, number - _LOOKBACK_SENTS):number][::-1]:
            if prev.section != sent.section:
                break
            found = [o for o in index.organs_in(prev) if o[2] != "vessel"]
            if found:
                return found[-1][2]
        noun = doc[span.end - 1].text
        if _NO_DEFAULT_LIVER.match(noun) and not _LIVER_PLACE.search(sent.text):
            return None  # "foci" alone may lie anywhere; "tiny foci in the left lateral segment" lie in the liver
        return "liver"


#: the list after a plural bone lesion noun: "in T11, the left iliac wing, the right sixth rib and the sternum"
_PLACE_LIST_AFTER = _CUES["PLACE_LIST_AFTER"]


def _bones_listed(text: str, end: int) -> float | None:
    """How many bones the list right after a plural bone lesion noun names, when it names two or more ("the osseous
    metastases in T11, the left iliac wing, the right sixth rib and the sternum": four lesions, one per bone)."""
    listed = _PLACE_LIST_AFTER.match(text, end)
    if listed is None:
        return None
    bones = [o for o in organ_matches(listed.group(0)) if o[2] == "bone"]
    return float(len(bones)) if len(bones) >= 2 else None


def _site(organ: str | None, doc: Doc, span: Span) -> str | None:
    """Contract site of a non-liver lesion: a mesenteric or mediastinal mass is nodal only when called so."""
    if organ == "mediastinum":
        return "lymph_node" if _NODAL.search(DocIndex.of(doc).sentence(span).text) else "other"
    if organ == "mesentery":
        sent = DocIndex.of(doc).sentence(span).text
        if _NODAL.search(sent):
            return "lymph_node"
        if _PERITONEAL_NOUN.search(span.text) and not (_MASS_WORD.search(sent) and not value(span, "attrs").get("plural")):
            return "peritoneum"  # "mesenteric implants": peritoneal disease; not "a spiculated mesenteric mass, the known
        return "other"  # mesenteric deposit" (the mass itself, named again)
    return ORGAN_SITE.get(organ or "")


def _drop_overlaps(spans: list[Span]) -> list[Span]:
    """One lesion noun per region: the longest, then the earliest rule ('metastatic lesions' over 'lesions')."""
    ordered = sorted(spans, key=lambda s: (s.start_char, -(s.end_char - s.start_char)))
    kept: list[Span] = []
    for span in ordered:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


register(SPEC, LesionExtractor)

"""One CT/MRI/PET report -> the columns of the ``imaging`` table (CONTRACT §3), from its mentions.

This is where the relational reasoning lives; every value comes from spans in ``doc.spans["findings"]``
(span values and ConText flags read with ``_base.value`` / ``flag``, the fast equivalents of ``span._``):

* **Which lesions count.** LIVER_LESION spans in sections that describe the current study (not
  INDICATION/HISTORY/COMPARISON/TECHNIQUE), not negated ("no focal liver lesion"), not hypothetical,
  not benign ("simple cyst", "too small to characterise, likely cysts", "s/o haemangioma", "corresponds to the known
  haemangioma", "unlikely to represent a metastasis"), not a history of resection. A noun that names the lesion just
  described again ("avid focus ..., corresponding to a 1.4 cm hypodensity on CT", "..., in the sense of liver
  metastases") is no lesion of its own. A sentence about what the prior study showed is not current ("The previous
  study showed multiple metastases in both lobes"); a set of treated lesions taken apart ("Of the four treated
  metastases, the segment 7 lesion ...") is counted by its parts, each only while viable.
* **Which size / segment belongs to which lesion.** Within a sentence a SIZE or LIVER_SEGMENT attaches
  to the nearest lesion noun ("a 2.1 cm lesion in segment 7", "segment 7 lesion measuring 2.1 cm"),
  so a renal cyst's size or a node's short axis attaches to the cyst or node. A sentence with no
  lesion noun ("Segment 4a: 1.2 cm.", "The largest measures 4.1 cm.") continues the lesion of the
  sentences just before it, unless it is about something beside a segment ("haematoma adjacent to segment 6"). A segment
  heading its line ("Segment VI: ablation zones ..., a new 1.3 cm focus") places the line's lesions that name none; the
  reference organ of a comparison ("more intense than spleen") takes nothing. Prior sizes ("previously 2.1 cm") never count.
* **Counts.** Explicit counts ("three", "two lesions") and de-duplicated lesion instances (segment
  and size; the IMPRESSION restating a FINDINGS lesion is the same lesion) give a number; vague
  words ("multiple", "a few", "at least 5", "innumerable") give only a category.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from pipeline.lexicon import load_lexicon

from ._base import flag
from ._base import value as span_value
from ._doc_index import DocIndex, Sentence, doc_text
from ._imaging_units import count_category, is_premodifier_gap, side_of_segment
from ._imaging_units import BESIDE_BEFORE, ORGAN_SITE, organ_matches

_CUES = load_lexicon("imaging_report")

FINDINGS = "findings"
TARGETS = "lesion_targets"
PAST_SECTIONS = frozenset({"history", "comparison", "technique", "exam"})
IMAGING_COLUMNS = (
    "liver_lesion_count", "liver_lesion_count_category", "largest_liver_lesion_mm", "liver_segments", "bilobar",
    "extrahepatic_sites", "peritoneal_carcinomatosis", "sstr_avid", "suv_max", "lesion_near_major_vessel",
    "hilar_or_central_bile_duct", "liver_involvement_percent", "disease_trend",
)

_BENIGN_CLAUSE = _CUES["BENIGN_CLAUSE"]
#: "A 9 mm lesion in S5 is T2 bright and follows blood pool, a haemangioma.": the benign diagnosis in apposition.
_BENIGN_APPOSITION = _CUES["BENIGN_APPOSITION"]
#: A lesion that is gone or has no viable tumour left ("has resolved", "no longer visible", "completely necrotic
#: ... no arterial enhancement", "non-enhancing and necrotic ... no viable tumour"); not "largely necrotic but retains
#: a residual enhancing component".
_NOT_VIABLE = _CUES["NOT_VIABLE"]
#: a treated area said to be dead, with no lesion noun: its segments hold no lesion
_TREATED_AREA_DEAD = _CUES["TREATED_AREA_DEAD"]
_VIABLE = _CUES["VIABLE"]
_TREATED_BEFORE = _CUES["TREATED_BEFORE"]
_AND_NEXT = _CUES["AND_NEXT"]
#: A later sentence that goes on about the lesion just described.
_ANAPHOR = _CUES["ANAPHOR"]
#: a sentence opening with the lesion just described as its subject: "The lesion", "This mass"
_ANAPHORIC_SUBJECT = _CUES["ANAPHORIC_SUBJECT"]
#: a count of RECIST target lesions ("two target lesions"): a selection, not the number of lesions
_TARGET_SUBSET = _CUES["TARGET_SUBSET"]
#: right after a segment: no lesion is left there ("segment III no longer visible")
_GONE_AFTER = _CUES["GONE_AFTER"]
#: a comparison line naming no earlier study ("Comparison: Nil")
_NO_COMPARISON = _CUES["NO_COMPARISON"]
#: a place in the liver with no side ("at the hepatic dome")
_UNSIDED_PLACE = _CUES["UNSIDED_PLACE"]
_SEGMENT_WORD = _CUES["SEGMENT_WORD"]
_COMPONENT_NOUN = _CUES["COMPONENT_NOUN"]
_RESIDUAL_BEFORE = _CUES["RESIDUAL_BEFORE"]
_RESIDUAL_AFTER = _CUES["RESIDUAL_AFTER"]
_TREATED_WORD = _CUES["TREATED_WORD"]
_RESECTED_HISTORY = _CUES["RESECTED_HISTORY"]
_NOT_ZERO = _CUES["NOT_ZERO"]
_BREAK = _CUES["BREAK"]
_STRONG_NOUN = _CUES["STRONG_NOUN"]
_CONTRAST = _CUES["CONTRAST"]
_DISEASE_CUE = _CUES["DISEASE_CUE"]
_SITE_BLOCK = _CUES["SITE_BLOCK"]
#: Words that make a *node or nodule* benign but not a mass ("calcified node" vs "calcified mesenteric mass").
#: An organ heading followed by a negative ("Nodes: none enlarged.", "Peritoneum: No ascites or nodularity.",
#: "Lymph nodes: No nodal disease."): the site was addressed and is free; never a site by itself.
_HEADING_NEGATIVE = _CUES["HEADING_NEGATIVE"]
_DISEASE_AFTER_UPTAKE = _CUES["DISEASE_AFTER_UPTAKE"]
#: "Overall stable disease", "In summary, progression": the sentence states the report's overall verdict
_OVERALL_BEFORE = _CUES["OVERALL_BEFORE"]
_CONTACT_WITHOUT_INVASION = _CUES["CONTACT_WITHOUT_INVASION"]
_SUV_OF_LESION_AFTER = _CUES["SUV_OF_LESION_AFTER"]
#: "; partial response with residual viable tumour in segment 5": a clause about another segment's lesion
_OTHER_SEGMENT_CLAUSE = _CUES["OTHER_SEGMENT_CLAUSE"]
#: "The segment 4 mass still abuts the confluence; the left duct dilatation has resolved": another subject's clause
_OTHER_SUBJECT_CLAUSE = _CUES["OTHER_SUBJECT_CLAUSE"]
#: "Relative to the pre-treatment baseline ...": a change counted against the baseline, not the latest study
_BASELINE_COMPARATOR = _CUES["BASELINE_COMPARATOR"]
#: "Surgical clips at the porta hepatis": a device named before a place
_DEVICE_SUBJECT = _CUES["DEVICE_SUBJECT"]
#: a size or a change in size: a treated lesion described so is still there ("now 21 mm", "smaller")
_STILL_MEASURED = _CUES["STILL_MEASURED"]
#: "In 2021 the liver lesions were intensely avid (SUVmax 34)": a sentence telling an earlier study
_PAST_YEAR_SENTENCE = _CUES["PAST_YEAR_SENTENCE"]
#: "LR-TR nonviable.": a sentence that only gives the item before it its treatment-response category
_TR_VERDICT_ANYWHERE = _CUES["TR_VERDICT_ANYWHERE"]
#: substrings one of which every TREATED_IN_STATUS match holds (with "TR", they gate the treatment cues)
_TREATMENT_HINTS = ("reat", "ipiodol", "blat", "mbolis", "mboliz", "rradiat")
_TR_VERDICT = _CUES["TR_VERDICT"]
#: "all six treated lesions", "compact lipiodol retention": a lesion named with its treatment
_TREATED_IN_STATUS = _CUES["TREATED_IN_STATUS"]
#: "primary not resected.": what was (not) done, not a primary seen on this study
_PRIMARY_STATUS_AFTER = _CUES["PRIMARY_STATUS_AFTER"]
#: "Mild interval decrease ...: stable disease by RECIST 1.1": a change named with its criteria is the verdict
_CRITERIA_AFTER = _CUES["CRITERIA_AFTER"]
#: "06/2023 CT: two liver metastases (4a 14 mm, 6 11 mm)": a dated timeline line, an earlier study
_TIMELINE_LINE = _CUES["TIMELINE_LINE"]
#: "in keeping with the known follicular lymphoma", "treated prostate cancer metastases": another malignancy's findings
_OTHER_CANCER_SITE = _CUES["OTHER_CANCER_SITE"]
#: "Two new lesions distinct from the adenomas: segment 3 (17 mm)": the adenomas are named to be set apart
_CONTRAST_REFERENCE_BEFORE = _CUES["CONTRAST_REFERENCE_BEFORE"]
#: "The hepatic adenomas, including the 46 mm segment 6 lesion, are photopenic": one of a benign group
_BENIGN_GROUP_MEMBER_BEFORE = _CUES["BENIGN_GROUP_MEMBER_BEFORE"]
_DIFFERENTIAL_PAIR = _CUES["DIFFERENTIAL_PAIR"]
_DIFFERENTIAL_LIST = _CUES["DIFFERENTIAL_LIST"]
_MALIGNANT_OPTION = _CUES["MALIGNANT_OPTION"]
_BENIGN_OPTION = _CUES["BENIGN_OPTION"]
#: "Differential: ...", "DDx ...": a sentence that weighs the diagnoses of the lesion just described
_DIFFERENTIAL_NEXT = _CUES["DIFFERENTIAL_NEXT"]
#: "Too small to characterise fully.": a sentence that only says the lesion before is not characterised
_UNCHARACTERISED = _CUES["UNCHARACTERISED_SENTENCE"]
#: "Known rectal NET.": a sentence that only recalls the primary, in reports without a history section
_KNOWN_PRIMARY_STATEMENT = _CUES["KNOWN_PRIMARY_STATEMENT"]
_ONLY_FLUID = _CUES["ONLY_FLUID"]
_HEDGED_BENIGN_TAIL = _CUES["HEDGED_BENIGN_TAIL"]
_PRIOR_ASIDE = _CUES["PRIOR_ASIDE"]
_TREATED_CHANGE = _CUES["TREATED_CHANGE"]
#: A sentence about the disease as a whole: "Disease remains SSTR-avid", "The residual tumour is receptor-positive".
_DISEASE_SUBJECT = _CUES["DISEASE_SUBJECT"]
_UPTAKE_CONTINUES = _CUES["UPTAKE_CONTINUES"]
_CONTACT_BUT_NOT = _CUES["CONTACT_BUT_NOT"]
_SEGMENT_LIST_LINE = _CUES["SEGMENT_LIST_LINE"]
_NEW_FINDING = _CUES["NEW_FINDING"]
_FINAL_READ = _CUES["FINAL_READ"]
_OTHER_BEFORE = _CUES["OTHER_BEFORE"]
_NO_UPTAKE_ABOVE = _CUES["NO_UPTAKE_ABOVE"]
_FEATURES_ANAPHOR = _CUES["FEATURES_ANAPHOR"]
_BENIGN_VERDICT_SENTENCE = _CUES["BENIGN_VERDICT_SENTENCE"]
_WORKUP = _CUES["WORKUP"]
_MALIGNANT_CALL = _CUES["MALIGNANT_CALL"]
_NON_AVID = _CUES["NON_AVID"]
_WEAK_SITE_BLOCK = _CUES["WEAK_SITE_BLOCK"]
_NEGATED_CUE = _CUES["NEGATED_CUE"]
_GROUP_LARGEST_BEFORE = _CUES["GROUP_LARGEST_BEFORE"]
_LATER_HEDGE = _CUES["LATER_HEDGE"]
_QUOTED_PRIOR = _CUES["QUOTED_PRIOR"]
_NOT_ASSESSED = _CUES["NOT_ASSESSED"]
_RESPONSE_AT_BEFORE = _CUES["RESPONSE_AT_BEFORE"]
#: the segment numeral of "segment VI", "seg 6", "S6" (lower-cased text), to tell two lesions' sentences apart
_SEGMENT_NAMES = _CUES["SEGMENT_NAME"]
_CALLED_PHYSIOLOGICAL = _CUES.source("CALLED_PHYSIOLOGICAL")
_LIVER_WORD = _CUES["LIVER_WORD"]
_REVISING_READ = _CUES["REVISING_READ"]
_PRELIMINARY_WORD = _CUES["PRELIMINARY_WORD"]
_PHYSIOLOGIC = _CUES["PHYSIOLOGIC"]
_FDG = _CUES["FDG"]
#: "FDG-avid", "Discordant with FDG avidity": the avidity or discordance is the FDG tracer's, not the receptor's
_FDG_OWN_BEFORE = _CUES["FDG_OWN_BEFORE"]
_FDG_OWN_AFTER = _CUES["FDG_OWN_AFTER"]
_SSTR = _CUES["SSTR"]
_SUV_REFERENCE = _CUES["SUV_REFERENCE"]
_BENIGN_UPTAKE = _CUES["BENIGN_UPTAKE"]
_ABSENCE = _CUES["ABSENCE"]
#: "uptake above background pancreas (SUVmax 3.4)": the SUV is the lesion's, compared with the background.
_COMPARATIVE = _CUES["COMPARATIVE"]
_REFERENCE_OWN_VALUE = _CUES["REFERENCE_OWN_VALUE"]
_REFERENCE_GIVEN_AFTER = _CUES["REFERENCE_GIVEN_AFTER"]
#: A change that says tumour seen before is gone (a shrinking ablation zone is not one).
_RESOLVED = _CUES["RESOLVED"]
_OTHER_HILUM = _CUES["OTHER_HILUM"]
_REMOTE = _CUES["REMOTE"]
#: "Hilum and central bile ducts free of tumour", "the hepatic veins are spared".
_FREE_AFTER = _CUES["FREE_AFTER"]
_NO_OTHER = _CUES["NO_OTHER"]
#: A negation and the words after it, blanked before viability cues are read.
_NEGATED_PHRASE = _CUES["NEGATED_PHRASE"]
_KRENNING = _CUES["KRENNING"]
#: "more intense than spleen (Krenning 4), and segment VI (...)": a reference organ takes no size or segment.
_REFERENCE_ORGAN_BEFORE = _CUES["REFERENCE_ORGAN_BEFORE"]
#: "Segment VI: two ablation zones ..., the larger now showing a new 1.3 cm focus": a segment heading its line
#: places every liver lesion of the line that names no segment of its own.
_SEGMENT_HEADING = _CUES["SEGMENT_HEADING"]
_HEADING_COLON = _CUES["HEADING_COLON"]
#: "5. Small subcapsular haematoma adjacent to segment 6": a line without a lesion noun, about something beside a segment.
_ADJACENT_BEFORE = _CUES["ADJACENT_BEFORE"]
_OTHER_LESION_CLAUSE = _CUES["OTHER_LESION_CLAUSE"]
_UNLIKELY_CALL = _CUES["UNLIKELY_CALL"]
# -- extrahepatic sites, PET and trend (used by the functions below the liver columns) --
#: "(SUVmax 64.0), physiological", ", without a CT correlate; most likely physiological": the label after the uptake.
_PHYSIOLOGIC_AFTER = _CUES["PHYSIOLOGIC_AFTER"]
#: "The previously avid pancreatic body lesion (SUVmax 32.0) has been resected", "the resected primary".
_RESECTED_AFTER = _CUES["RESECTED_AFTER"]
_RESECTED_BEFORE = _CUES["RESECTED_BEFORE"]
_RECURRENCE = _CUES["RECURRENCE"]
_NEGATION_LEAD = _CUES["NEGATION_LEAD"]
#: Under a peritoneum heading: "small vol ascites, no nodularity seen", "NO ASCITES. NO NODULARITY."
_PERITONEAL_NEGATIVE = _CUES["PERITONEAL_NEGATIVE"]
_NEXT_HEADING = _CUES["NEXT_HEADING"]
_ENLARGED = _CUES["ENLARGED"]
_METASTASIS_CALL = _CUES["METASTASIS_CALL"]
_SINCE_BEFORE = _CUES["SINCE_BEFORE"]
_FIELD_ANSWERED_NO = _CUES["FIELD_ANSWERED_NO"]
_CONTEXT_ANAPHOR = _CUES["CONTEXT_ANAPHOR"]
_NOT_DISEASE_CALL = _CUES["NOT_DISEASE_CALL"]
_EXTRAHEPATIC_FIELD_BEFORE = _CUES["EXTRAHEPATIC_FIELD_BEFORE"]
_FIELD_VALUE_LINE = _CUES["FIELD_VALUE_LINE"]
_FIELD_HEDGE = _CUES["FIELD_HEDGE"]
_HEDGE_RIGHT_AFTER = _CUES["HEDGE_RIGHT_AFTER"]
#: the SUV in brackets right after a reference organ is that organ's: "below normal liver parenchyma (SUVmax 8.9)";
#: not when the SUV names a lesion, nor when the reference's own value comes next ("(SUVmax 6.2 versus liver SUVmean 8.0)")
_REFERENCE_BRACKET = _CUES["REFERENCE_BRACKET"]
_LESION_NAMED = _CUES["LESION_NAMED"]
_REFERENCE_VALUE_FOLLOWS = _CUES["REFERENCE_VALUE_FOLLOWS"]
_BENIGN_TARGET_NONAVID = _CUES["BENIGN_TARGET_NONAVID"]
_TUMOUR_WORD = _CUES["TUMOUR_WORD"]
_RESPONSE_CALL = _CUES["RESPONSE_CALL"]
_CLAUSE_BREAK = _CUES["CLAUSE_BREAK"]
#: "Of the four treated metastases, the segment 7 lesion ...": the parts named after it are the lesions.
_PARTITIVE_BEFORE = _CUES["PARTITIVE_BEFORE"]
#: "The segment 6 ablation zone measures 33 mm. Along its posterior margin there is a new 8 mm focus": the focus lies
#: in the segment of the treated zone whose edge it is placed at.
_AT_MARGIN_OF = _CUES["AT_MARGIN_OF"]
_TREATED_ZONE = _CUES["TREATED_ZONE"]
#: "The previous study showed multiple avid metastases in both lobes.": the sentence reports the prior study.
_PRIOR_STUDY_SUBJECT = _CUES["PRIOR_STUDY_SUBJECT"]


#: A bracketed aside (no nesting): "(segment 7, 1.5 cm; segment 4a, 0.9 cm)".
_ASIDE = re.compile(r"\([^()]*\)")


def _attrs(span: Span) -> dict[str, Any]:
    """The span's extractor attributes (``span._.attrs``), {} when it has none."""
    return span_value(span, "attrs") or {}


def _negation_free(text: str) -> str:
    """Text with negated phrases blanked ('no nodular enhancement' is not a viability cue)."""
    return _NEGATED_PHRASE.sub(" ", text)


@dataclass
class Target:
    """A noun sizes and segments can attach to: a lesion (any organ), a node/site, or an organ word."""

    start: int  # chars in doc
    end: int
    kind: str  # liver | benign | other | organ
    span: Span | None = None
    sizes: list[Span] = field(default_factory=list)
    segments: list[Span] = field(default_factory=list)
    lobes: list[Span] = field(default_factory=list)
    implicit: bool = False  # a list line with no lesion noun, standing for one more lesion of the list


@dataclass
class Instance:
    """One liver lesion as far as the report lets us tell: its segments and current size."""

    segments: set[str]
    size: float | None
    #: only the size of a group's largest lesion ("Five liver metastases, largest 34 mm"): one of the group, no lesion
    #: of its own
    group_largest: bool = False


class _Report:
    """Spans of one doc, grouped by label and sentence, with the attachments computed once."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.index = DocIndex.of(doc)
        # "=== PRELIMINARY READ ===" ... "=== FINAL READ ===": the final read supersedes the preliminary one
        self.superseded_preliminary = bool(_FINAL_READ.search(self.text))
        # a prior report quoted inside this one ('The pre-PRRT PET report reads: >> "Multiple avid liver metastases ..."')
        self._benign: dict[tuple[int, int, str], bool] = {}
        # cheap gates for the treatment cues read per lesion (most reports name no treatment)
        self.has_treatment_words = "TR" in self.text or any(hint in self.text for hint in _TREATMENT_HINTS)
        self.has_tr_verdicts = self.has_treatment_words and bool(_TR_VERDICT_ANYWHERE.search(self.text))
        self.quoted_prior = [(m.start("quote"), m.end("quote")) for m in _QUOTED_PRIOR.finditer(self.text)]
        # a dated timeline line ("06/2023 CT: two liver metastases ...") tells an earlier study, not this one's findings
        self.quoted_prior += [m.span("quote") if m.group("quote") is not None else m.span("quote2")
                              for m in _TIMELINE_LINE.finditer(self.text)]
        self.revised_at = _revising_read_start(self.text)  # 'ATTENDING ADDENDUM: ...' after a preliminary read
        self.title = next((line for line in self.text.splitlines() if line.strip()), "")
        # "Comparison: Nil", "COMPARISON: None available": no earlier study to be new or changed against
        self.no_comparison = any(s.section == "comparison" and _NO_COMPARISON.search(s.text) for s in self.index.sentences)
        spans = list(doc.spans[FINDINGS]) if FINDINGS in doc.spans else []
        self.by_label: dict[str, list[Span]] = {}
        for span in spans:
            self.by_label.setdefault(span.label_, []).append(span)
        self.targets_by_sent: dict[int, list[Target]] = {}
        self.continued_by_sent: dict[int, Target] = {}  # sentence start -> the lesion it went on describing
        self.accepted_sites: set[int] = set()  # start chars of EXTRAHEPATIC_SITE spans taken as disease
        liver_keys = {(s.start_char, s.end_char) for s in self.get("LIVER_LESION")}
        for span in doc.spans[TARGETS] if TARGETS in doc.spans else []:
            attrs = _attrs(span)
            if attrs.get("organ") == "liver":
                if (span.start_char, span.end_char) not in liver_keys:
                    continue
                kind = "benign" if not self.is_counted_liver(span) else "liver"
                if (attrs.get("restates") or self._anaphoric_subject(span)) and self._restated(span):
                    continue  # "avid lesion ..., corresponding to a 1.4 cm hypodensity on CT": the same lesion again
            else:
                kind = "benign" if attrs.get("kind") == "benign" else "other"
            self._add_target(Target(span.start_char, span.end_char, kind, span))
        for span in self.get("EXTRAHEPATIC_SITE"):
            if _attrs(span).get("source") != "lesion":
                self._add_target(Target(span.start_char, span.end_char, "other", span))
        self._attach()

    def get(self, label: str) -> list[Span]:
        return self.by_label.get(label, [])

    def _restated(self, span: Span) -> bool:
        """The noun names again the counted liver lesion just before it in its sentence, or, in a sentence opening
        with an anaphor, the lesion the sentences before described (its sizes and segments then attach to that
        lesion)."""
        sent = self.sent(span)
        before = self.targets_by_sent.get(sent.start, [])
        if before:
            return before[-1].kind == "liver" and before[-1].end <= span.start_char
        if _ANAPHOR.match(sent.text):  # "... the segment 8 lesion restricts diffusion. It is consistent with a metastasis"
            target = self._continued_target(sent)
            return target is not None and target.kind == "liver"
        return False

    @functools.cached_property
    def called_benign(self) -> list[set[str]]:
        """The segments of lesions a later sentence diagnoses as benign by a definite reference (computed once)."""
        return _benign_by_reference(self)

    def _anaphoric_subject(self, span: Span) -> bool:
        """The noun is a sentence's opening "The lesion" / "This mass" and the sentence places no lesion of its own
        ("Segment 6 lesion: incomplete lipiodol retention ... The lesion measures 38 mm overall"): the lesion just
        described, named again."""
        sent = self.sent(span)
        if "count_kind" in _attrs(span) or not _ANAPHORIC_SUBJECT.fullmatch(self.text, sent.start_char, span.end_char):
            return False
        return not any(sent.start_char <= s.start_char < sent.end_char
                       for label in ("LIVER_SEGMENT", "LIVER_LOBE") for s in self.get(label))

    def sent(self, span: Span) -> Sentence:
        return self.index.sentence(span)

    def section(self, span: Span) -> str | None:
        return self.index.sentence(span).section

    def superseded(self, span: Span) -> bool:
        """In a preliminary read that a final read replaces, or in a prior report quoted in this one."""
        if self.quoted_prior and any(a <= span.start_char < b for a, b in self.quoted_prior):
            return True
        return self.superseded_preliminary and self.section(span) == "preliminary"

    def is_current(self, span: Span) -> bool:
        return self.section(span) not in PAST_SECTIONS and not self.superseded(span) \
            and not flag(span, "is_hypothetical") and not _PRIOR_STUDY_SUBJECT.search(self.sent(span).text)

    # -- liver lesions -------------------------------------------------------------------------
    def is_benign(self, span: Span) -> bool:
        """Not the NET's viable disease: benign, treated and dead, ruled out (computed once per span)."""
        key = (span.start_char, span.end_char, span.label_)
        known = self._benign.get(key)
        if known is None:
            known = self._benign[key] = self._is_benign(span)
        return known

    def _is_benign(self, span: Span) -> bool:
        if _attrs(span).get("kind") == "benign":
            return True
        if self.is_component(span):
            return True  # "a 9 mm focus of residual enhancement" of a treated lesion is part of it, not another lesion
        sent = self.sent(span)
        before = self.text[max(sent.start_char, span.start_char - 50):span.start_char]
        after = self.text[span.start_char:min(sent.end_char, span.end_char + 250)]
        if ("includ" in before or " of which" in before or "among" in before or "notably" in before
                or "especially" in before) and _BENIGN_GROUP_MEMBER_BEFORE.search(before):
            return True  # "The hepatic adenomas, including the 46 mm segment 6 lesion, are photopenic"
        treated = bool(_TREATED_BEFORE.search(before))
        # the sentences that go on describing this lesion ("It is predominantly non-enhancing but ..."); a clause about
        # another segment's lesion ends its own status ("necrosis of the segment 6 lesion and partial response of segment 7")
        other = _OTHER_LESION_CLAUSE.search(after, span.end_char - span.start_char) or \
            _OTHER_SEGMENT_CLAUSE.search(after, span.end_char - span.start_char) or \
            _OTHER_SUBJECT_CLAUSE.search(after, span.end_char - span.start_char)
        status = after[:other.start()] if other else after + " " + self._continuation(sent, treated) \
            + (self._treatment_verdict_after(sent) if self.has_tr_verdicts else "")  # "...: no enhancement. LR-TR nonviable."
        # "all six treated lesions", "Segment 8 and segment 5: compact lipiodol retention, no enhancement"
        if not treated and self.has_treatment_words and (_TREATED_IN_STATUS.search(status)
                                                         or _TREATED_IN_STATUS.search(before[-25:])) \
                and not _STILL_MEASURED.search(status):
            treated = True  # (not "Two other treated lesions in segments 5 and 8 measure 21 mm and 17 mm": still there)
        viable = bool(_VIABLE.search(_negation_free(status))) and not _NOT_VIABLE.search(status)
        # "the treated segment 8 lesion ... shows a residual enhancing component" is viable tumour
        if not viable and (treated or _NOT_VIABLE.search(status)):
            return True
        # "Two hypodensities (segment 7, 1.5 cm; segment 4a, 0.9 cm), simple cysts": a ';' inside brackets ends no clause
        parts = _CONTRAST.split(_ASIDE.sub(lambda m: m.group(0).replace(";", ","), after))
        clause = parts[0]
        if len(parts) > 1 and _HEDGED_BENIGN_TAIL.match(parts[1]):
            clause += " " + parts[1]  # "too small to characterise but most likely represent small cysts"
        head = _AND_NEXT.split(clause, 1)[0]  # "Segment 6 lesion 15 mm, haemangioma, and segment 8 metastasis 3.1 cm"
        own = _OTHER_LESION_CLAUSE.split(head, 1)[0]
        if _UNLIKELY_CALL.search(own) or _UNLIKELY_CALL.search(_OTHER_LESION_CLAUSE.split(clause, 1)[0]):
            # "Small lesion in segment 7, unlikely to represent a metastasis"; "..., stable since 2021, and for these
            # reasons not thought to be of concern" (past an "and", while no other lesion is named)
            return True
        if "favo" in clause and favours_benign(clause):
            return True  # "7 mm focus, metastasis versus haemangioma, favouring the latter"
        if "iffer" in clause and differential_all_benign(clause):
            return True  # "A 4 mm focus in segment VII: differential a simple cyst or a biliary hamartoma"
        return bool(_BENIGN_CLAUSE.search(before[-25:] + clause) or _BENIGN_APPOSITION.search(clause)
                    or _BENIGN_APPOSITION.search(head.rstrip(", "))) or self._diagnosed_benign_next(sent)

    def _diagnosed_benign_next(self, sent: Sentence) -> bool:
        """The next sentence of the section diagnoses the lesion just described as benign and names no other lesion
        ("There is a 23 mm lesion in the caudate lobe ... central scar. Features are typical of FNH."; "Lesion 4: Segment
        4a, 6 mm, markedly T2 bright, no enhancement. Simple cyst.")."""
        number = self.index.sentence_at(sent.start_char)
        if number + 1 >= len(self.index.sentences):
            return False
        nxt = self.index.sentences[number + 1]
        if _UNCHARACTERISED.match(nxt.text) and number + 2 < len(self.index.sentences):
            nxt = self.index.sentences[number + 2]  # "6 mm focus, new. Too small to characterise fully. Most likely a hamartoma."
        if nxt.section != sent.section:
            return False
        if _DIFFERENTIAL_NEXT.match(nxt.text) and (favours_benign(nxt.text) or differential_all_benign(nxt.text)):
            return True  # "Seg. V: 7 mm focus. Differential: small metastasis versus haemangioma, favouring the latter."
        if not (_FEATURES_ANAPHOR.match(nxt.text) or _BENIGN_VERDICT_SENTENCE.fullmatch(nxt.text)):
            return False  # not "Features are typical of FNH.", nor a bare "Simple cyst." closing a list item
        inside = [s for s in self.get("LIVER_LESION") if nxt.start_char <= s.start_char < nxt.end_char]
        return bool(inside) and all(_attrs(s).get("kind") == "benign" and not flag(s, "is_negated") for s in inside)

    def _treatment_verdict_after(self, sent: Sentence) -> str:
        """The next sentence when it is only a treatment-response category for the same item ("LR-TR nonviable.")."""
        number = self.index.sentence_at(sent.start_char)
        if number + 1 < len(self.index.sentences):
            nxt = self.index.sentences[number + 1]
            if nxt.section == sent.section and _TR_VERDICT.match(nxt.text):
                return " " + nxt.text
        return ""

    def _continuation(self, sent: Sentence, treated: bool) -> str:
        """Up to two following sentences of the section that go on about the same lesion: they start with an
        anaphor ("It is ...", "This shows ..."), or, after a treated lesion, name no other segment or organ."""
        number = self.index.sentence_at(sent.start_char)
        out = []
        own = set(_SEGMENT_NAMES.findall(sent.text.lower()))
        for nxt in self.index.sentences[number + 1:number + 3]:
            if nxt.section != sent.section:
                break
            if _ANAPHOR.match(nxt.text):
                named = set(_SEGMENT_NAMES.findall(nxt.text.lower()))
                if own and named and not own & named:
                    break  # "The lesion in segment II ... is no longer appreciable" is another lesion than segment VI's
                out.append(nxt.text)
                continue
            if treated and not _SEGMENT_WORD.search(nxt.text) and not any(
                    o not in {"liver", "vessel"} for _, _, o in self.index.organs_in(nxt)):
                out.append(nxt.text)  # "... 1.3 cm, with washout." / "LR-TR viable.": both about the treated lesion
                continue
            break
        return " ".join(out)

    def is_component(self, span: Span) -> bool:
        """A residual part of a treated lesion ("a 9 mm nodular focus of residual arterial enhancement persists"
        after "The treated segment 7 lesion ..."): the noun is a focus/nodule/component described as residual, and
        a treated lesion is named in its sentence before it or in the sentence before."""
        if not _COMPONENT_NOUN.search(span.text):
            return False
        sent = self.sent(span)
        before = self.text[max(sent.start_char, span.start_char - 40):span.start_char]
        after = self.text[span.end_char:min(sent.end_char, span.end_char + 50)]
        if not (_RESIDUAL_BEFORE.search(before) or _RESIDUAL_AFTER.match(after)):
            return False
        number = self.index.sentence_at(sent.start_char)
        context_start = sent.start_char
        if number > 0 and self.index.sentences[number - 1].section == sent.section:
            context_start = self.index.sentences[number - 1].start_char
        # "Segment 8 lesion: 2.7 cm overall, with a residual 1.8 cm enhancing component - residual viable tumour": the
        # residual part of the lesion its sentence has just named, treated or not
        named_before = any(sent.start_char <= s.start_char and s.end_char <= span.start_char
                           and not _COMPONENT_NOUN.search(s.text) and not flag(s, "is_negated")
                           for s in self.get("LIVER_LESION"))
        if not named_before and not _TREATED_WORD.search(self.text[context_start:span.start_char]):
            return False
        # "A residual enhancing nodule of 9 mm is seen in segment 2" after a segment 6 lesion: another lesion
        own = {seg for s in self.get("LIVER_SEGMENT") if span.start_char <= s.start_char < sent.end_char
               for seg in _attrs(s).get("segments", [])}
        before = {seg for s in self.get("LIVER_SEGMENT") if context_start <= s.start_char < span.start_char
                  for seg in _attrs(s).get("segments", [])}
        return not own or bool(own & before)

    def is_counted_liver(self, span: Span) -> bool:
        """A current, non-negated, non-benign liver lesion (indeterminate ones count)."""
        attrs = _attrs(span)
        if span_value(span, "value_norm") == "none" or attrs.get("count_kind") == "none":
            return False
        if not self.is_current(span) or flag(span, "is_negated"):
            return False
        if flag(span, "is_historical") and _RESECTED_HISTORY.search(self._near(span)):
            return False
        if self.is_treated_partitive(span):
            return False
        if _resected(self, span):
            return False  # "post extended left hepatectomy (2023) for duodenal NET liver metastases": gone
        return not self.is_benign(span)

    def _near(self, span: Span, reach: int = 80) -> str:
        """The span's sentence within ``reach`` characters of it: an unpunctuated dictation is one long "sentence",
        and "status post right hemicolectomy" near its start says nothing of a liver lesion 100 characters on."""
        sent = self.sent(span)
        return self.text[max(sent.start_char, span.start_char - reach):min(sent.end_char, span.end_char + reach)]

    def is_treated_partitive(self, span: Span) -> bool:
        """"Of the four treated metastases, the segment 7 lesion retains viable tumour; the segment 5, 6 and 8 lesions
        are necrotic": a set of treated lesions introduced to be taken apart; whether each still counts is said of the
        parts (a treated lesion counts only while viable), so the set's own count is no count."""
        sent = self.sent(span)
        before = self.text[max(sent.start_char, span.start_char - 40):span.start_char]
        return bool(_PARTITIVE_BEFORE.search(before)) and bool(_TREATED_WORD.search(span.text))

    def says_no_liver_lesion(self) -> bool:
        """'Liver: unremarkable', 'no focal hepatic lesion', or only benign/resolved liver lesions described.

        Only asked when no lesion was counted, so "no new liver lesion" beside known metastases never gives 0."""
        for span in self.get("LIVER_LESION"):
            if not self.is_current(span):
                continue
            attrs = _attrs(span)
            if span_value(span, "value_norm") == "none":
                return True
            if attrs.get("organ") == "liver":
                return True  # the liver was described and nothing counted: benign, resolved or "no new" lesions
        for span in self.get("SSTR_UPTAKE"):  # "Liver: no focal uptake above background."; "No SSTR-avid disease in the liver"
            absent = _ABSENCE.match(span.text) or (flag(span, "is_negated") and span_value(span, "value_norm") == "avid")
            if self.is_current(span) and absent and self.liver_only_sentence(self.sent(span)):
                return True
        return False

    def liver_only_sentence(self, sent: Sentence) -> bool:
        """The sentence names the liver and no other organ (a liver heading or a sentence about the liver)."""
        organs = self.organs_of(sent)
        return "liver" in organs and organs <= {"liver", "vessel"}

    def organs_of(self, sent: Sentence) -> set[str]:
        """The organs the sentence names ("vessel" for a hepatic vessel)."""
        return {organ for _, _, organ in self.index.organs_in(sent)}

    # -- attachment ----------------------------------------------------------------------------
    def _add_target(self, target: Target, key: int | None = None) -> None:
        assert target.span is not None
        if key is None:
            key = self.sent(target.span).start
        self.targets_by_sent.setdefault(key, []).append(target)

    def _organ_targets(self, sent: Sentence) -> list[Target]:
        """Organ words of other organs as targets ('The spleen measures 12 cm')."""
        out = []
        for start, end, organ in self.index.organs_in(sent):
            if organ not in {"liver", "vessel"}:
                if _REFERENCE_ORGAN_BEFORE.search(sent.text, max(0, start - 40), start):
                    continue  # "more intense than spleen": the organ compared with holds nothing
                if BESIDE_BEFORE.search(sent.text, max(0, start - 20), start):
                    continue  # "The first, in segment 4b next to the gallbladder, ...": a landmark holds nothing
                out.append(Target(sent.start_char + start, sent.start_char + end, "organ"))
        return out

    def _attach(self) -> None:
        attachables = [(s, "sizes") for s in self.get("SIZE") if span_value(s, "value_num") is not None]
        attachables += [(s, "segments") for s in self.get("LIVER_SEGMENT") if not flag(s, "is_negated")]
        attachables += [(s, "lobes") for s in self.get("LIVER_LOBE") if not flag(s, "is_negated")]
        organ_cache: dict[int, list[Target]] = {}
        orphans: dict[int, list[tuple[Span, str]]] = {}  # sentence start -> spans with no target of their own
        for span, slot in attachables:
            if not self.is_current(span):
                continue
            if slot == "segments" and _RESPONSE_AT_BEFORE.search(self.text, max(0, span.start_char - 40), span.start_char):
                continue  # "...; complete response at segment 5; ...": a treated lesion's place, no lesion of its own
            sent = self.sent(span)
            targets = self.targets_by_sent.get(sent.start, [])
            if sent.start not in organ_cache:
                organ_cache[sent.start] = self._organ_targets(sent)
            organs = organ_cache[sent.start]
            target = best_target(self.text, span, targets + organs, sent.start_char)
            if target is None and not any(_same_clause(self.text, organ, span) for organ in organs):
                orphans.setdefault(sent.start, []).append((span, slot))
            elif target is not None:
                getattr(target, slot).append(span)
        for start in sorted(orphans):
            spans = orphans[start]
            sent = self.sent(spans[0][0])
            if any(slot == "segments" and _ADJACENT_BEFORE.search(self.text, max(sent.start_char, span.start_char - 30),
                                                                  span.start_char) for span, slot in spans):
                continue  # "Small subcapsular haematoma adjacent to segment 6": no lesion of the list
            said = sent.text + self._treatment_verdict_after(sent)  # "... no enhancement." + "LR-TR nonviable."
            if (_NOT_VIABLE.search(said) or _TREATED_AREA_DEAD.search(said)) \
                    and not _VIABLE.search(_negation_free(said)):
                continue  # "2. Segment 4a: LR-TR nonviable.", "Treated segment 6 and 8 areas are scarred": no tumour left
            target = self._continued_target(sent)
            if target is None:
                target = self._list_line_lesion(sent, spans)
                if target is None:
                    continue
                self._add_target(target, sent.start)
            elif self._starts_new_lesion(target, spans):
                # a list line of its own ("2) S6: 1.2 cm, new.", "Segment 4a: 15 mm") after a lesion that already
                # has its segment/size is the next lesion of the list, not more of the same one
                target = Target(sent.start_char, sent.start_char, "liver", target.span, implicit=True)
                self._add_target(target, sent.start)
            self.continued_by_sent[start] = target
            for span, slot in spans:
                getattr(target, slot).append(span)
        self._heading_segments()
        self._margin_segments()

    def _list_line_lesion(self, sent: Sentence, spans: list[tuple[Span, str]]) -> Target | None:
        """The lesion of a list line that has no lesion noun and no lesion before it ("Liver:\nSegment VIII: 33 mm,
        SUVmax 27.5"; a table row "| 2 | IVa | 18 | 17 |"): a line opening with a segment and its size, or a table row
        with both, about the liver alone."""
        slots = {slot for _, slot in spans}
        if not {"segments", "sizes"} <= slots or not (_SEGMENT_LIST_LINE.match(sent.text) or "|" in sent.text):
            return None  # also a table row ("| 2 | IVa | 18 | 17 |", "| Liver | VIII | 14.2 | 22 |")
        if any(organ not in {"liver", "vessel"} for _, _, organ in self.index.organs_in(sent)):
            return None
        segment = next(span for span, slot in spans if slot == "segments")
        if flag(segment, "is_negated"):
            return None
        return Target(sent.start_char, sent.start_char, "liver", segment, implicit=True)

    def _margin_segments(self) -> None:
        """A liver lesion that names no segment but is placed at the margin of a treated zone just named ("The segment
        6 ablation zone measures 33 mm. Along its posterior margin there is a new 8 mm nodular focus") takes that
        zone's segments."""
        for start, targets in list(self.targets_by_sent.items()):
            for target in targets:
                if target.kind != "liver" or target.implicit or target.segments or target.span is None:
                    continue
                sent = self.sent(target.span)
                if not _AT_MARGIN_OF.search(self.text[sent.start_char:min(sent.end_char, target.end + 80)]):
                    continue
                number = self.index.sentence_at(sent.start_char)
                zone = None
                for prev in [sent] + self.index.sentences[max(0, number - 2):number][::-1]:
                    if prev.section != sent.section:
                        break
                    zone = next((t for t in reversed(self.targets_by_sent.get(prev.start, []))
                                 if t.kind == "benign" and t.segments and t.end <= target.start
                                 and t.span is not None and _TREATED_ZONE.search(t.span.text)), None)
                    if zone is not None:
                        break
                if zone is not None:
                    target.segments.extend(zone.segments)

    def _heading_segments(self) -> None:
        """A segment heading its line ("Segment VI: two ablation zones ..., the larger now showing a new 1.3 cm focus")
        places each liver lesion after it in the line that names no segment of its own."""
        for seg in self.get("LIVER_SEGMENT"):
            if flag(seg, "is_negated") or not self.is_current(seg):
                continue
            sent = self.sent(seg)
            if not (_SEGMENT_HEADING.fullmatch(self.text, sent.start_char, seg.start_char)
                    and _HEADING_COLON.match(self.text, seg.end_char)):
                continue
            for target in self.targets_by_sent.get(sent.start, []):
                if target.kind == "liver" and not target.implicit and not target.segments and target.start >= seg.end_char:
                    target.segments.append(seg)

    @staticmethod
    def _starts_new_lesion(target: Target, spans: list[tuple[Span, str]]) -> bool:
        assert target.span is not None
        attrs = _attrs(target.span)
        singular = target.implicit or not attrs.get("plural") or attrs.get("count_value") == 1
        own = {slot for _, slot in spans}
        return singular and "segments" in own and bool(target.segments or target.sizes)

    def _continued_target(self, sent: Sentence) -> Target | None:
        """The last liver lesion of the 4 sentences before, in the same section ('Segment 7: 2.1 cm.'); a sentence
        that itself went on describing a lesion passes it on, so a list of any length, one line per item, stays with
        the lesions it lists."""
        number = self.index.sentence_at(sent.start_char)
        for prev in self.index.sentences[max(0, number - 4):number][::-1]:
            if prev.section != sent.section:
                return None
            if prev.start in self.continued_by_sent:
                return self.continued_by_sent[prev.start]
            # "... a residual enhancing component (1.1 cm) - viable residual tumour. It abuts ...": a residual part of a
            # lesion is no lesion of its own, so the sentence goes on about the lesion it belongs to
            named = self.targets_by_sent.get(prev.start, [])
            targets = [t for t in named if not (t.kind == "benign" and t.span is not None and self.is_component(t.span))]
            affirmed = [t for t in targets if not (t.kind == "benign" and t.span is not None and flag(t.span, "is_negated"))]
            if affirmed and len(affirmed) < len(targets):
                targets = affirmed  # "the segment 8 lesion is not a haemangioma": the lesion, not the denied diagnosis
            if targets:
                last = targets[-1]
                return last if last.kind == "liver" else None
            if any(o not in {"liver", "vessel"} for _, _, o in self.index.organs_in(prev)):
                return None
        return None

    def recent_liver_lesion(self, sent: Sentence, back: int = 3) -> bool:
        """A counted liver lesion named or described in one of the ``back`` sentences before, in the same section."""
        number = self.index.sentence_at(sent.start_char)
        for prev in self.index.sentences[max(0, number - back):number]:
            if prev.section != sent.section:
                continue
            continued = self.continued_by_sent.get(prev.start)
            if (continued is not None and continued.kind == "liver") or \
                    any(t.kind == "liver" for t in self.targets_by_sent.get(prev.start, [])):
                return True  # "Segment 4b: SUVmax 9.0, 1.2 cm." goes on about a lesion named before
        return False

    def liver_targets(self) -> list[Target]:
        out = [t for ts in self.targets_by_sent.values() for t in ts if t.kind == "liver"]
        return sorted(out, key=lambda t: t.start)


def _same_clause(text: str, target: Target, span: Span) -> bool:
    """No ';' or full stop between a target and a span."""
    gap = text[span.end_char:target.start] if target.start >= span.end_char else text[target.end:span.start_char]
    return not _STRONG_BREAK.search(gap)


#: the clause breaks past which a denied lesion or a bare organ word owns no segment or size
_STRONG_BREAK = re.compile(r";|\.\s")


def best_target(text: str, span: Span, targets: list[Target], offset: int) -> Target | None:
    """The target a size/segment belongs to: a noun right after it in the same noun phrase ('2 cm
    hypervascular lesion'), else the nearest, preceding ones preferred; clause breaks cost a lot."""
    best: tuple[float, int, Target] | None = None
    for i, target in enumerate(targets):
        if target.kind != "organ" and _CONTRAST_REFERENCE_BEFORE.search(text, max(0, target.start - 40), target.start):
            continue  # "Two new lesions distinct from the adenomas: segment 3 (17 mm) ...": named only to be set apart
        if target.start >= span.end_char:
            gap = text[span.end_char:target.start]
            score = 0.0 if is_premodifier_gap(gap) else len(gap) * 1.5 + 15
        elif target.end <= span.start_char:
            gap = text[target.end:span.start_char]
            score = float(len(gap))
        else:
            gap, score = "", 0.0
        if _BREAK.search(gap):
            if _STRONG_BREAK.search(gap) and (target.kind == "organ" or (target.span is not None
                                                                          and flag(target.span, "is_negated"))):
                # "Segment 3: 10 mm, subcapsular; it indents the capsule without perihepatic deposit": an organ named, or
                # a lesion denied, past a ';' does not own the segment or size
                continue
            score += 200
        if target.kind == "organ":
            score += 40
        if best is None or score < best[0]:
            best = (score, i, target)
    return best[2] if best else None


# -- liver columns -----------------------------------------------------------------------------
def _segments_of(target: Target) -> set[str]:
    """Every liver segment attached to a target ('segments 5/6' -> {'5', '6'})."""
    return {seg for s in target.segments for seg in _attrs(s).get("segments", [])}


def _instances(report: _Report, target: Target) -> list[Instance]:
    """Lesions one noun stands for: one for 'a lesion in segments 5/6', one per size/segment for a plural."""
    assert target.span is not None
    attrs = _attrs(target.span)
    sizes = [s for s in target.sizes if not _attrs(s).get("prior") and not _attrs(s).get("short_axis")]
    point_sizes = [s for s in sizes if _attrs(s).get("kind") not in {"range", "upto"}]
    # a list line without a noun that gives each of several segments its own size ("Liver (Krenning 4): segment 2,
    # 2.2 cm, SUVmax 27.9; caudate lobe, 1.5 cm; segment 6, 1.8 cm") stands for one lesion per segment
    itemized = target.implicit and len(target.segments) >= 2 and len(point_sizes) == len(target.segments)
    singular = (target.implicit and not itemized) or (not target.implicit and (not attrs.get("plural")
                                                                               or attrs.get("count_value") == 1))
    if singular:
        segs = _segments_of(target)
        size = max((span_value(s, "value_num") for s in point_sizes), default=None)
        return [Instance(segs, size)]
    out: list[Instance] = []
    used: set[int] = set()
    for size in point_sizes:
        if _GROUP_LARGEST_BEFORE.search(report.text, max(0, size.start_char - 40), size.start_char):
            out.append(Instance(set(), span_value(size, "value_num"), group_largest=True))  # "..., the largest 52 mm"
            continue
        nearest = _segment_for_size(report, size, [s for s in target.segments if s.start_char not in used])
        segs = set(_attrs(nearest).get("segments", [])) if nearest is not None else set()
        if nearest is not None:
            used.add(nearest.start_char)
        out.append(Instance(segs, span_value(size, "value_num")))
    for seg in target.segments:
        if seg.start_char not in used:
            if _attrs(seg).get("one_place"):  # "at the 4a/8 junction": one lesion straddling two segments
                out.append(Instance(set(_attrs(seg).get("segments", [])), None))
            else:
                out.extend(Instance({s}, None) for s in _attrs(seg).get("segments", []))
    return out


def _segment_for_size(report: _Report, size: Span, segments: list[Span]) -> Span | None:
    """The segment a size describes in a list ('segment 7, 23 mm (previously 18 mm); segment 6, 9 mm'):
    the closest one before it in its sentence, else the closest after it in its sentence."""
    sent = report.sent(size)
    same = [s for s in segments if sent.start_char <= s.start_char < sent.end_char]
    before = [s for s in same if s.end_char <= size.start_char]
    if before:
        return max(before, key=lambda s: s.start_char)
    if same:
        return min(same, key=lambda s: s.start_char)
    return None


def _merge(instances: list[Instance]) -> list[Instance]:
    """Same lesion restated (FINDINGS then IMPRESSION): overlapping segments or equal size (within 1.5 mm)."""
    merged: list[Instance] = []
    for inst in instances:
        for other in merged:
            seg_ok = not inst.segments or not other.segments or bool(inst.segments & other.segments)
            size_ok = inst.size is None or other.size is None or abs(inst.size - other.size) <= 1.5
            if seg_ok and size_ok and (inst.segments & other.segments or inst.size is not None and other.size is not None
                                       and abs(inst.size - other.size) <= 1.5 or not inst.segments and inst.size is None
                                       or not other.segments and other.size is None):
                other.segments |= inst.segments
                other.size = max(x for x in (inst.size, other.size, -1.0) if x is not None)
                if other.size < 0:
                    other.size = None
                break
        else:
            merged.append(Instance(set(inst.segments), inst.size, inst.group_largest))
    return merged


def _same_lesion(a: Instance, b: Instance) -> bool:
    if a.segments and b.segments:
        return bool(a.segments & b.segments)
    return a.size is not None and b.size is not None and abs(a.size - b.size) <= 1.5


#: a definite reference to a liver lesion already described, by its one segment: "The segment VI lesion", "the 7 mm
#: segment III lesion"
_DEFINITE_SEGMENT_REFERENCE = _CUES["DEFINITE_SEGMENT_REFERENCE"]
#: the plain nouns such a reference uses (not "ablation zone", "resection margin": those are treated lesions)
_PLAIN_LESION_NOUN = _CUES["PLAIN_LESION_NOUN"]
#: a treatment or response word, which makes a lesion "benign" (not counted) without being a benign diagnosis
_TREATMENT_WORD = _CUES["TREATMENT_WORD"]


def favours_benign(text: str) -> bool:
    """A differential in ``text`` whose favoured option is benign: "Differential: small metastasis versus atypical
    haemangioma, favouring the latter" (the former, or an option named after "favouring", likewise)."""
    m = _DIFFERENTIAL_PAIR.search(text)
    if m is None:
        return False
    which = m.group("which").lower()
    option = m.group("second") if "latter" in which else m.group("first") if "former" in which else which
    return bool(_BENIGN_OPTION.search(option))


def differential_all_benign(text: str) -> bool:
    """A differential in ``text`` that lists benign options only: "differential a simple cyst or a biliary hamartoma"."""
    m = _DIFFERENTIAL_LIST.search(text)
    if m is None:
        return False
    options = [o for o in re.split(r",|\bor\b|\bversus\b|\bvs\.?|\band\b", m.group("options")) if o.strip()]
    return bool(options) and all(_BENIGN_OPTION.search(o) and not _MALIGNANT_OPTION.search(o) for o in options)


def _benign_by_reference(report: _Report) -> list[set[str]]:
    """The segment of each lesion a later sentence diagnoses as benign by a definite reference to it ("The segment VI
    lesion does not enhance in any phase, consistent with a simple cyst"): the lesion described before is that cyst.
    Only a benign diagnosis (cyst, haemangioma, FNH...), never a treated or responding lesion."""
    out: list[set[str]] = []
    for targets in report.targets_by_sent.values():
        for target in targets:
            if target.kind != "benign" or target.span is None or not target.segments \
                    or not _PLAIN_LESION_NOUN.fullmatch(target.span.text):
                continue
            sent = report.sent(target.span)
            if not _DEFINITE_SEGMENT_REFERENCE.search(report.text, max(sent.start_char, target.start - 30), target.start):
                continue
            rest = report.text[target.end:sent.end_char]
            if _TREATMENT_WORD.search(report.text[sent.start_char:sent.end_char]) or not (
                    _BENIGN_CLAUSE.search(rest) or _BENIGN_APPOSITION.search(rest)):
                continue
            segments = _segments_of(target)
            if len(segments) == 1:
                out.append(segments)
    return out


def _unsided_lesion_place(report: _Report, targets: list[Target]) -> bool:
    """A current liver lesion's sentence, or the sentence giving one of a group's sizes ("Liver: two avid lesions. At
    the hepatic dome: 2.5 cm ..."), places it where no side is told, without a segment."""
    for target in targets:
        if target.implicit or target.span is None or not report.is_current(target.span):
            continue
        places = [] if target.segments or target.lobes else [report.sent(target.span)]
        places += [report.sent(size) for size in target.sizes if not _attrs(size).get("prior")]
        for sent in places:
            if _UNSIDED_PLACE.search(sent.text) and not any(
                    sent.start_char <= s.start_char < sent.end_char for s in target.segments + target.lobes):
                return True
    return False


def _gone_segments(report: _Report) -> set[str]:
    """Segments a current sentence says no lesion is left in, by the segment alone ("segment III no longer visible",
    "segment 5 has resolved")."""
    gone: set[str] = set()
    for span in report.get("LIVER_SEGMENT"):
        if _GONE_AFTER.match(report.text, span.end_char) and report.is_current(span):
            gone.update(_attrs(span).get("segments", []))
    return gone


def _revising_read_start(text: str) -> int | None:
    """Where the read that revises a preliminary one starts ('ATTENDING ADDENDUM (Dr. ...): ...'), if any."""
    prelim = _PRELIMINARY_WORD.search(text)
    if prelim is None:
        return None
    revising = _REVISING_READ.search(text, prelim.end())
    return revising.start() if revising else None


def _liver_columns(report: _Report) -> dict[str, Any]:
    targets = report.liver_targets()
    revised_at = report.revised_at
    if revised_at is not None and any(t.start >= revised_at and not t.implicit and _attrs(t.span).get("count_kind") == "exact"
                                      for t in targets):
        # "ATTENDING ADDENDUM: ... the segment 3 lesion is a simple cyst ... Final impression: single new segment 6
        # lesion": the revising read's count replaces the preliminary read's "Two new liver lesions"
        counts_from = revised_at
    else:
        counts_from = 0
    instances: list[Instance] = []
    exact: list[int] = []
    vague: list[str] = []
    plural_unknown = False
    named: list[int] = []  # exact counts that are not "further/another" additions
    pronouns = 0  # "and one in the left lobe": adds to the count named before it
    largest: float | None = None
    lobes: set[str] = set()
    base: list[Instance] = []  # instances of every target but the additive ones
    additive: list[Instance] = []
    added = 0
    vague_added = False  # "two dominant lesions and several smaller foci": more lesions than any number written
    at_least = 0  # the highest "at least N" bound
    for target in targets:
        assert target.span is not None
        attrs = {} if target.implicit else _attrs(target.span)
        kind = attrs.get("count_kind")
        if kind == "exact" and target.start < counts_from:
            kind = "replaced"  # a preliminary read's count, replaced by the revising read's own
        if kind == "exact" and attrs.get("count_value"):
            exact.append(int(attrs["count_value"]))
            if not attrs.get("additive") and not _TARGET_SUBSET.search(target.span.text):
                # "Multiple metastases in both lobes ... two target lesions smaller": the RECIST targets are a
                # selection of the lesions, their number no count of them all
                named.append(int(attrs["count_value"]))
        elif kind in {"few", "multiple", "innumerable", "at_least"}:
            vague.append("few" if kind == "few" or (kind == "at_least" and (attrs.get("count_bound") or 9) <= 3) else "multiple")
            if kind == "at_least":
                at_least = max(at_least, int(attrs.get("count_bound") or 0))
            if attrs.get("vague_additive"):
                vague_added = True
        found = _instances(report, target)
        if attrs.get("plural") and not kind and not found:
            plural_unknown = True
        instances.extend(found)
        if (kind == "exact" and attrs.get("additive") and not found and base
                and report.section(target.span) == "impression"):
            # "Impression: 2. Two additional right lobe metastases." after FINDINGS that named them one by one: the
            # summary restates lesions already counted, so its number is a count of its own, not one added on top
            attrs = {**attrs, "additive": False}
            named.append(int(attrs["count_value"]))
        if kind == "exact" and attrs.get("additive") and attrs.get("count_value"):
            added += int(attrs["count_value"])
            pronouns += 1 if attrs.get("pronoun") else 0
            additive.extend(found)
        else:
            base.extend(found)
        for size in target.sizes:
            a = _attrs(size)
            if not a.get("prior") and not a.get("short_axis") and not a.get("bound"):
                largest = max(largest or 0.0, span_value(size, "value_num"))
        lobes.update(span_value(s, "value_norm") for s in target.lobes)
    merged = _merge(instances) if instances else []
    called_benign = report.called_benign
    if called_benign:  # "A 12 mm lesion in segment VI. ... The segment VI lesion ... is a simple cyst": not counted
        dropped = [m for m in merged if m.segments and any(m.segments <= b for b in called_benign)]
        merged = [m for m in merged if m not in dropped]
        if largest is not None and any(m.size == largest for m in dropped):  # the largest size was the cyst's
            largest = max((m.size for m in merged if m.size is not None), default=None)
    gone = _gone_segments(report)
    if gone:  # "segments II and III have decreased: segment II now 14 mm; segment III no longer visible"
        merged = [m for m in merged if not (m.size is None and m.segments and m.segments <= gone)]
    n = len(merged)
    if any(m.group_largest for m in merged) and any(not m.group_largest for m in merged):
        n -= sum(1 for m in merged if m.group_largest)  # "Five liver metastases, largest 34 mm": one of those named
    if added:
        # "The 5.2 cm segment 7 mass ... The four smaller lesions (...)": the lesions named apart from the additive
        # ones, plus the additive count (a restatement of an additive lesion is not counted twice)
        extra = _merge(additive)
        n = max(n, len([b for b in _merge(base) if not any(_same_lesion(b, a) for a in extra)]) + added)
        if pronouns and named:
            n = max(n, max(named) + added)  # "Two metastases in the right lobe and one in the left lobe": 3
    count: int | None
    if vague_added and named:
        exact, named = [], []
        vague.append("multiple")
    if vague and not named:
        exact = []  # "Numerous masses ... another in segment 3": the additions do not make the count exact
    if exact and at_least > max(max(exact), n):
        exact = []  # "At least eight avid lesions in both lobes, incl new lesions seg 3 and seg 6": no count reaches 8
    if exact:
        count = max(max(exact), n)
    elif vague:
        count = None
    elif plural_unknown and n < 2:
        count = None
    elif n:
        count = n
    elif report.says_no_liver_lesion():
        count = 0
    else:
        count = None
    category = count_category(count, "few" if vague and all(v == "few" for v in vague) and n <= 3 else
                              ("multiple" if vague or plural_unknown else None))
    segments = sorted({s for i in merged for s in i.segments})
    has_lesion = bool(targets)
    sides = {side_of_segment(s) for s in segments} - {None}
    if "left" in lobes and "right" in lobes:
        lobes.add("both")
    sides |= {l for l in lobes if l in {"left", "right"}}
    if not has_lesion:
        bilobar = None
    elif "both" in lobes:
        bilobar = True
    elif count == 1:
        bilobar = False  # one lesion is on one side (contract), whatever other lobe the report names ("the treated right lobe")
    elif {"left", "right"} <= sides:
        bilobar = True
    elif sides and any(not m.segments for m in merged) and _unsided_lesion_place(report, targets):
        bilobar = None  # "An 18 mm lesion at the hepatic dome ... A second metastasis in segment 3": one side unknown
    elif sides:
        bilobar = False
    else:
        bilobar = None
    return {
        "liver_lesion_count": count,
        "liver_lesion_count_category": category,
        "largest_liver_lesion_mm": largest if has_lesion else None,
        "liver_segments": segments,
        "bilobar": bilobar,
    }


# -- extrahepatic --------------------------------------------------------------------------------
def _clause_bounds(report: _Report, span: Span) -> tuple[int, int]:
    """Doc offsets of the span's clause: its sentence cut at the semicolons around it."""
    sent = report.sent(span)
    rel = span.start_char - sent.start_char
    end = sent.text.find(";", rel)
    return sent.start_char + sent.text.rfind(";", 0, rel) + 1, sent.start_char + (end if end >= 0 else len(sent.text))


def _clause(report: _Report, span: Span) -> str:
    """The text of the span's clause (:func:`_clause_bounds`), with the semicolon that opens it."""
    start, end = _clause_bounds(report, span)
    if start > report.sent(span).start_char:
        start -= 1
    return report.text[start:end]


def _physiological_after(report: _Report, span: Span, site: str | None = None) -> bool:
    """A physiological label after an uptake, a site or an SUV, in its sentence and about it: "Excreted tracer in the
    bladder (SUVmax 64.0), physiological."; "Focal uptake in the uncinate process, SUVmax 14.9, without a CT correlate;
    most likely physiological". Not when another organ (or another SUV) comes first: "..., SUVmax 12; spleen physiological"."""
    sent = report.sent(span)
    m = _PHYSIOLOGIC_AFTER.match(report.text, span.end_char, sent.end_char)
    if m is None:
        return False
    between = report.text[span.end_char:m.start("label")]
    if between.lower().count("suv") > (0 if span.label_ == "SUV" else 1):
        return False
    return all(o == "vessel" or (site is not None and ORGAN_SITE.get(o) == site) for _, _, o in organ_matches(between))


def _relabelled_physiological(report: _Report, span: Span) -> bool:
    """An uptake that the read revising a preliminary one calls physiological later on: "Right adrenal: focal uptake, SUVmax
    23.5, suspicious for a new adrenal metastasis." ... "ATTENDING ADDENDUM: The uptake is symmetric with the left adrenal
    (SUVmax 22.8) ... this is physiological adrenal uptake"."""
    revised_at = report.revised_at
    if revised_at is None:
        return False
    sent = report.sent(span)
    organs = [report.text[sent.start_char + a:sent.start_char + b].lower()
              for a, b, o in organ_matches(report.text[sent.start_char:span.start_char]) if o not in {"liver", "vessel"}]
    if not organs:
        return False
    later = report.text[max(revised_at, span.end_char):]  # the addendum's own "left adrenal (SUVmax 22.8) ... physiological"
    word = re.escape(organs[-1])
    return bool(re.search(_CALLED_PHYSIOLOGICAL.replace("ORGAN_WORD", word), later, re.I))


#: what may stand between a noun premodifying a lesion noun and it: at most two words ("NET liver metastases")
_PREMODIFYING_GAP = re.compile(r"[ \t]+(?:[A-Za-z-]+[ \t]+){0,2}")


def _resected(report: _Report, span: Span) -> bool:
    """The lesion (or its uptake / SUV) is said resected, so it is no current disease: "The previously avid pancreatic
    body lesion (SUVmax 32.0) has been resected", "Pancreatic tail primary resected (distal pancreatectomy 2021), no
    local recurrence", "carcinoid tumour of ileum, s/p resection", "the resected primary". Not when its clause calls a
    recurrence ("recurrence at the resected anastomosis"), nor when another lesion noun, or a clause break and another
    organ, stand between ("Pancreatic mass, the gallbladder has been removed")."""
    c0, c1 = _clause_bounds(report, span)
    text = report.text
    # other lesion nouns of the sentence, not those premodifying this one ("duodenal NET liver metastases")
    others = [t.start for t in report.targets_by_sent.get(report.sent(span).start, [])
              if not span.start_char <= t.start < span.end_char
              and not (t.end <= span.start_char and _PREMODIFYING_GAP.fullmatch(text[t.end:span.start_char]))]
    site = span_value(span, "value_norm") if span.label_ == "EXTRAHEPATIC_SITE" else None

    def free(a: int, b: int) -> bool:
        if any(a <= t < b for t in others):
            return False
        between = text[a:b]
        return not (_CLAUSE_BREAK.search(between) and any(
            o != "vessel" and ORGAN_SITE.get(o) != site for _, _, o in organ_matches(between)))

    after = _RESECTED_AFTER.match(text, span.end_char, c1)
    if after is not None and _NOT_BEFORE.search(text, max(0, after.start("cue") - 8), after.start("cue")):
        after = None  # "Known pancreatic tail tumour in situ (not resected)"
    if after is None or not free(span.end_char, after.start("cue")):
        before = _RESECTED_BEFORE.search(text, max(c0, span.start_char - 80), span.start_char)
        if before is None or not free(before.start(), span.start_char):
            return False
    clause = text[c0:c1]
    return not any(not _NEGATION_LEAD.search(clause, max(0, r.start() - 40), r.start()) for r in _RECURRENCE.finditer(clause))


_NOT_BEFORE = _CUES["NOT_BEFORE"]


#: the rest of a list of organ labels ending in a colon, after its first label: "Nodes, bone, lung: no disease"
_LABEL_LIST_END = re.compile(r"(?:[ \t]*(?:,|and|&|/)[ \t]*[A-Za-z][A-Za-z ]{0,20}?){1,4}[ \t]*:")
_LABEL_SEPARATOR = re.compile(r",|\band\b|&|/")


def _organ_label_list(text: str, at: int) -> int | None:
    """Where the colon ending a list of organ labels after ``at`` stands ("Nodes, bone, lung: no disease"), every label
    an organ (not "lymph node, short axis: 1,9 cm"); None when there is no such list."""
    found = _LABEL_LIST_END.match(text, at)
    if found is None:
        return None
    labels = [w.strip() for w in _LABEL_SEPARATOR.split(found.group(0).rstrip(": \t")) if w.strip()]
    return found.end() - 1 if labels and all(organ_matches(label) for label in labels) else None


#: words that name disease in a heading's content, which names no lesion of its own ("Nodes: avid retroperitoneal")
_HEADING_DISEASE = _CUES["HEADING_DISEASE"]


def _heading_names_disease(report: _Report, start: int, rest: str) -> bool:
    """An organ heading whose content (``rest``, from ``start``) calls disease without a lesion noun of its own: "Nodes:
    avid retroperitoneal + L supraclavicular, SUVmax 21.0." (a content with its own mention, or a negative one, decides
    by itself)."""
    if _HEADING_NEGATIVE.match(rest) or not _HEADING_DISEASE.search(rest) or _NEGATED_CUE.search(rest):
        return False
    end = start + len(rest)
    if _PHYSIOLOGIC_AFTER.match(report.text, start, end):
        return False  # "Ileocolic node: Mild uptake, SUVmax 3.2, similar to background, likely reactive."
    return not any(start < other.start_char < end for other in report.get("EXTRAHEPATIC_SITE"))


def _heading_content(report: _Report, span: Span, colon: int | None = None) -> str:
    """What an organ heading ("Peritoneum:", "Perit:") says: the rest of its sentence or line, whichever is longer,
    up to the next heading ("PERITONEUM: NO ASCITES. NO NODULARITY." reads both sentences). ``colon``: where the
    heading's colon stands when other labels come between ("Nodes, bone, lung: no disease"; default the span's end)."""
    text = report.text
    start = span.end_char if colon is None else colon
    line_end = text.find("\n", start)
    end = max(report.sent(span).end_char, line_end if line_end >= 0 else len(text))
    rest = text[start:end]
    nxt = _NEXT_HEADING.search(rest, 1)
    return rest[:nxt.start() + 1] if nxt else rest


def _clause_suvs(report: _Report, span: Span) -> list[Span]:
    """The current (not prior) SUVs of the span's clause."""
    c0, c1 = _clause_bounds(report, span)
    return [s for s in report.get("SUV") if c0 <= s.start_char < c1 and not _attrs(s).get("prior")]


def _row_suv(report: _Report, span: Span) -> bool:
    """A current SUV read off a row of a measurement table or list in the span's clause ("- Retroperitoneal node:
    7.5 / 18.0; 1.0 cm / 1.6 cm" under "SUVmax now / baseline"): a row of measured lesions is disease."""
    return any(_attrs(s).get("row") for s in _clause_suvs(report, span))


def _measured_uptake(report: _Report, span: Span) -> bool:
    """A current SUV given for the site in its clause, after it ("Skeleton: T9 vertebral body lesion, SUVmax 16.3,
    unchanged"): a measured focus of uptake is disease (physiological uptake is ruled out afterwards)."""
    return any(s.start_char > span.start_char and not flag(s, "is_negated") for s in _clause_suvs(report, span))


#: A lymph node with a short axis of this size or more is enlarged (RECIST 1.1: pathological from 10 mm).
_NODE_SHORT_AXIS_MM = 10.0
#: what may stand between a node and its own measurement: "node 15 mm", "node, 15 mm", "node now measures 12 mm"
_NODE_SIZE_GAP = _CUES["NODE_SIZE_GAP"]
_DIMENSION_SIGN = _CUES["DIMENSION_SIGN"]


def _enlarged_short_axis(report: _Report, span: Span) -> bool:
    """A current short-axis size given for the node in its clause ("lymph node, short axis: 1,9 cm") of 10 mm or more;
    or a single measurement written right after the node ("Subcarinal node 15 mm (16 mm)", "node now 12 mm"): a node
    is measured in its short axis."""
    start, end = _clause_bounds(report, span)
    for s in report.get("SIZE"):
        if not (start <= s.start_char < end and s.start_char >= span.end_char) or _attrs(s).get("prior") \
                or _attrs(s).get("bound") or (span_value(s, "value_num") or 0) < _NODE_SHORT_AXIS_MM:
            continue
        if _attrs(s).get("short_axis"):
            return True
        if _attrs(s).get("kind") == "dims" and _NODE_SIZE_GAP.fullmatch(report.text, span.end_char, s.start_char) \
                and not _DIMENSION_SIGN.search(s.text):
            return True
    return False


def _extrahepatic_columns(report: _Report) -> dict[str, Any]:
    sites: set[str] = set()
    addressed = False
    carcinomatosis: bool | None = None
    benign = [(t.start, t.end) for ts in report.targets_by_sent.values() for t in ts if t.kind == "benign"]
    for span in report.get("EXTRAHEPATIC_SITE"):
        if report.section(span) in PAST_SECTIONS or report.superseded(span):
            continue
        if _attrs(span).get("kind") == "primary" and _KNOWN_PRIMARY_STATEMENT.match(report.sent(span).text):
            continue  # "CT abdomen. Known rectal NET. Twelve metastases ...": the history recalled, not a finding
        if _NOT_ASSESSED.search(_clause(report, span)):
            continue  # "Liver-only protocol; extrahepatic disease was not assessed": nothing said outside the liver
        addressed = True
        if any(b0 <= span.start_char and span.end_char <= b1 for b0, b1 in benign) and \
                _attrs(span).get("source") != "lesion":
            continue  # the "node" of "Schmorl's node"
        site = span_value(span, "value_norm")
        attrs = _attrs(span)
        if site == "extrahepatic":
            named = _extrahepatic_field_sites(report, span)  # "Extrahepatic disease: Bone (T10), sclerotic, unchanged"
            if named:
                sites.update(named)
                report.accepted_sites.add(span.start_char)
                carcinomatosis = True if "peritoneum" in named else carcinomatosis
            continue
        colon = None  # where the colon of a heading ("Nodes:", "Nodes, bone, lung:") stands
        if attrs.get("source") != "lesion" and not attrs.get("strong"):
            colon = span.end_char if report.text.startswith(":", span.end_char) else \
                _organ_label_list(report.text, span.end_char)
        if attrs.get("heading") or (colon is not None and not _row_suv(report, span)):
            rest = _heading_content(report, span, colon)
            if site == "peritoneum" and carcinomatosis is None and (
                    _HEADING_NEGATIVE.match(rest) and not _ONLY_FLUID.match(rest) or _PERITONEAL_NEGATIVE.search(rest)):
                carcinomatosis = False  # "Perit: small vol ascites, no nodularity seen."
            if _heading_names_disease(report, span.end_char if colon is None else colon, rest):
                sites.add(site)  # "Nodes: avid retroperitoneal + L supraclavicular, SUVmax 21.0."
                report.accepted_sites.add(span.start_char)
            continue  # "Nodes:" / "Peritoneum:" heading (or "Nodes, bone, lung: no disease"): its content decides
        if flag(span, "is_negated") or attrs.get("count_kind") == "none" or _FIELD_ANSWERED_NO.match(report.text, span.end_char):
            if site == "peritoneum" and carcinomatosis is None:
                carcinomatosis = False
            continue
        if flag(span, "is_hypothetical") or flag(span, "is_uncertain") or _HEDGE_RIGHT_AFTER.match(report.text, span.end_char):
            continue  # (also "Intracranial focus indeterminate.")
        if flag(span, "is_historical") and not _PRIOR_ASIDE.search(report.sent(span).text):
            continue  # "Mesenteric nodal mass: SUVmax 8.4 (previously 18.9)" is current disease with a prior value
        if _resected(report, span):
            continue  # "The pancreatic tail primary has been resected; no recurrence": gone, not current disease
        if attrs.get("kind") == "primary" and _PRIMARY_STATUS_AFTER.match(report.text, span.end_char):
            continue  # "Conclusion: stable disease; primary not resected.": its status, not a primary seen today
        clause = _clause(report, span)
        block_clause = clause
        if attrs.get("kind") == "primary" or _STRONG_NOUN.search(span.text) or (
                site == "lymph_node" and _ENLARGED.search(_NEGATED_CUE.sub(" ", clause))) or (
                _METASTASIS_CALL.search(_NEGATED_CUE.sub(" ", clause))):
            # "the pancreatic head mass is also non-avid", "several enlarged peripancreatic nodes, non-avid": non-avid
            # disease is still disease (an enlarged node counts, D2-017; non-avid disease is a site, D2-036)
            block_clause = _NON_AVID.sub(" ", clause)
        if _SITE_BLOCK.search(block_clause) and not attrs.get("kind") == "metastasis":
            continue
        if _OTHER_CANCER_SITE.search(clause):
            continue  # "nodes ..., in keeping with the known follicular lymphoma": another cancer's disease, not the NET's
        if _WORKUP.search(clause) and not _MALIGNANT_CALL.search(clause):
            continue  # "thyroid uptake corresponding to a nodule, recommend ultrasound": an incidental finding to work up
        if _UNLIKELY_CALL.search(clause):
            continue  # "uptake in the uncinate process ... is not thought to represent tumour"
        strong = attrs.get("strong") or attrs.get("kind") in {"metastasis", "primary"} or bool(_STRONG_NOUN.search(span.text)) \
            or bool(_EXTRAHEPATIC_FIELD_BEFORE.search(report.text, max(0, span.start_char - 120), span.start_char))
        if site == "lymph_node" and _enlarged_short_axis(report, span):
            strong = True  # "Mesenteric lymph node, short axis: 1,9 cm": a short axis of 10 mm or more is an enlarged node
        if not strong and _hedged_later_in_sentence(report, span, site):
            continue  # "Mildly avid 6 mm right upper lobe nodule, SUVmax 3.1; a small pulmonary metastasis cannot be excluded"
        if not _STRONG_NOUN.search(span.text) and _WEAK_SITE_BLOCK.search(clause) and attrs.get("kind") != "metastasis":
            continue
        if not strong and not _DISEASE_CUE.search(_NEGATED_CUE.sub(" ", clause.replace(span.text, " "))) \
                and not _row_suv(report, span) and not _measured_uptake(report, span) \
                and not _called_next(report, span):
            continue  # "The 6 mm lung nodule shows no uptake": an absent uptake is no disease cue
        if attrs.get("uptake") and _PHYSIOLOGIC.search(clause):
            continue
        if _physiological_after(report, span, site):
            continue  # "Focal uptake in the uncinate process, SUVmax 14.9; most likely physiological"
        sites.add(site)
        report.accepted_sites.add(span.start_char)
        if site == "peritoneum":
            carcinomatosis = True
    for ts in report.targets_by_sent.values():
        for t in ts:
            if t.kind == "other" and t.span is not None and report.section(t.span) not in PAST_SECTIONS \
                    and not report.superseded(t.span) and not _NOT_ASSESSED.search(_clause(report, t.span)):
                addressed = True
    if sites and any(span_value(s, "value_norm") == "extrahepatic" and flag(s, "is_negated")
                     and report.section(s) == "addendum" for s in report.get("EXTRAHEPATIC_SITE")):
        # "ADDENDUM: ... The rib focus corresponds to a healing fracture. Not metastatic. ... No extrahepatic disease.":
        # the addendum's verdict replaces the sites the report named before it
        sites = set()
        if carcinomatosis:
            carcinomatosis = False
    return {
        "extrahepatic_sites": sorted(sites) if sites or addressed else None,
        "peritoneal_carcinomatosis": carcinomatosis,
    }


def _extrahepatic_field_sites(report: _Report, span: Span) -> set[str]:
    """The sites an "Extrahepatic disease:" field names as its value ("Bone (T10), sclerotic, unchanged";
    "peritoneal deposits, largest 2.0 cm"), unless the value denies or hedges ("none in field of view",
    "indeterminate sclerotic focus L2")."""
    if flag(span, "is_negated") or flag(span, "is_hypothetical") or not report.is_current(span):
        return set()
    field = _FIELD_VALUE_LINE.match(report.text, span.end_char)
    if field is None or _FIELD_ANSWERED_NO.match(report.text, span.end_char) or _FIELD_HEDGE.search(field.group("value")):
        return set()
    value = field.group("value")
    if _NEGATED_CUE.search(value) or _HEADING_NEGATIVE.match(value):
        return set()
    return {ORGAN_SITE[organ] for _, _, organ in organ_matches(value)
            if organ not in {"liver", "vessel"} and ORGAN_SITE.get(organ)}


def _called_next(report: _Report, span: Span) -> bool:
    """The next sentence of the section goes on about the finding and calls it disease: "... a 15 mm lytic lesion in
    the T9 vertebral body was not reported above. In this context it is suspicious for a bone metastasis." """
    number = report.index.sentence_at(report.sent(span).start_char)
    if number + 1 >= len(report.index.sentences):
        return False
    nxt = report.index.sentences[number + 1]
    return nxt.section == report.sent(span).section and bool(_CONTEXT_ANAPHOR.match(nxt.text)) \
        and bool(_MALIGNANT_CALL.search(nxt.text)) and not _NOT_DISEASE_CALL.search(nxt.text)


def _hedged_later_in_sentence(report: _Report, span: Span, site: str) -> bool:
    """A later clause of the span's sentence hedges on disease of the same organ (or names none): "6 mm right upper
    lobe nodule, SUVmax 3.1; a small pulmonary metastasis cannot be excluded"."""
    sent = report.sent(span)
    rest = report.text[span.end_char:sent.end_char]
    cut = max(rest.find(";"), rest.find(", "))
    if cut < 0:
        return False
    later = rest[cut:]
    if not _LATER_HEDGE.search(later):
        return False
    organs = {ORGAN_SITE.get(o) for _, _, o in organ_matches(later) if o != "vessel"}
    return not organs or organs == {site}


# -- PET ---------------------------------------------------------------------------------------
def _has_lesion_in_sentence(report: _Report, span: Span) -> bool:
    """The sentence names disease: a counted liver lesion or an accepted extrahepatic site (not a cyst,
    a Schmorl's node or an indeterminate lung nodule), or the uptake is a Krenning grade."""
    if _KRENNING.search(span.text):
        return True
    sent = report.sent(span)
    clause_start = _clause_bounds(report, span)[0]
    if _DISEASE_SUBJECT.match(report.text, sent.start_char, span.start_char) or \
            _DISEASE_SUBJECT.match(report.text, clause_start, span.start_char):
        return True  # "Disease remains SSTR-avid.", "Partial response; the remaining disease is SSTR-avid."
    if _DISEASE_AFTER_UPTAKE.match(report.text, span.end_char):
        return True  # "Partial response; residual receptor-positive disease in L1, L2 and N1."
    targets = report.targets_by_sent.get(sent.start, [])
    if any(t.kind == "liver" or (t.kind == "other" and t.start in report.accepted_sites) for t in targets):
        return True
    if targets or not _UPTAKE_CONTINUES.match(report.text, sent.start_char, span.start_char) or \
            any(organ not in {"liver", "vessel"} for _, _, organ in report.index.organs_in(sent)):
        return False
    # "Only two lesions retain uptake ... Uptake is still slightly above the liver background.": the lesions just described
    return report.recent_liver_lesion(sent)


#: a disease SUVmax on an SSTR PET that says nothing of avidity and states no liver background: at or above this, the
#: disease is avid (Krenning: uptake above the normal liver, whose SUVmax on Ga-68 / Cu-64 SSTR PET is ~5-12)
AVID_SUV_WITHOUT_REFERENCE = 15.0


def _liver_background(report: _Report) -> float | None:
    """The normal liver's stated SUV ('liver background SUVmax 4.1', 'normal liver SUVmax 6.4'), if any."""
    for span in report.get("SUV"):
        sent = report.sent(span)
        before = report.text[max(sent.start_char, span.start_char - 40):span.start_char]
        ref = _SUV_REFERENCE.search(before)
        if ref and _LIVER_WORD.search(before) and not _COMPARATIVE.search(before[:ref.start()]):
            return span_value(span, "value_num")
    return None


def _sstr_avid(report: _Report, report_type: str, disease: bool, suv: float | None = None) -> bool | None:
    if report_type != "PET" or not disease:
        return None
    title = report.title
    if _FDG.search(title) and not _SSTR.search(title):
        return None  # "18F-FDG PET/CT" heading a report that mentions "SSTR expression on recent DOTATATE PET"
    if _FDG.search(report.text) and not _SSTR.search(report.text):
        return None
    seen: set[str] = set()
    verdict: str | None = None  # "The disease is therefore not sufficiently receptor-avid": said of the disease as a whole
    for span in report.get("SSTR_UPTAKE"):
        if not report.is_current(span) or flag(span, "is_uncertain") or _PAST_YEAR_SENTENCE.match(report.sent(span).text) \
                or not _has_lesion_in_sentence(report, span):
            continue  # (not "In 2021 the liver lesions were intensely avid": an earlier study's uptake)
        clause = _clause(report, span)
        if _PHYSIOLOGIC.search(clause) or _physiological_after(report, span) or _resected(report, span):
            continue
        if _FDG_OWN_BEFORE.search(report.text, max(0, span.start_char - 25), span.start_char) \
                or _FDG_OWN_AFTER.match(report.text, span.end_char):
            continue  # "three FDG-avid metastases", "Discordant with FDG avidity": what the other tracer showed
        value = span_value(span, "value_norm")
        sent = report.sent(span)
        if value == "avid" and _DISEASE_SUBJECT.match(report.text, sent.start_char, span.start_char):
            verdict = "non_avid" if flag(span, "is_negated") else "avid"
        if flag(span, "is_negated"):
            continue  # "No avid nodes", "none shows uptake above liver": no disease there, not non-avid disease
        if value == "non_avid" and (_BENIGN_TARGET_NONAVID.search(clause) or _TREATED_IN_STATUS.search(clause)):
            # "The photopenic lesion in segment VII corresponds to the known haemangioma": benign, not disease; "The
            # remaining lipiodolised lesions (segments 2, 5 and 8) are photopenic": treated, not non-avid disease
            continue
        if value == "non_avid" and _ABSENCE.match(span.text) and not _lesion_before(report, span):
            continue  # "No uptake in the pancreatic bed": nothing there; "the mass shows no uptake" is non-avid
        seen.add(value)
    if verdict is not None:
        return verdict == "avid"
    if "heterogeneous" in seen or {"avid", "non_avid"} <= seen:
        return None
    if "avid" in seen:
        return True
    if "non_avid" in seen:
        return False
    if suv is not None:
        # "New foci in the sacrum (SUVmax 24.3) ..., consistent with bone metastases": no avidity word, but the disease's
        # own SUV says it: above the stated liver background, else clearly above any normal liver
        background = _liver_background(report)
        if background is not None:
            return suv > background
        return True if suv >= AVID_SUV_WITHOUT_REFERENCE else None
    return None


def _lesion_before(report: _Report, span: Span) -> bool:
    """A lesion noun earlier in the span's clause ('The pancreatic tail mass shows no uptake')."""
    sent = report.sent(span)
    clause_start = sent.start_char + max(sent.text.rfind(";", 0, span.start_char - sent.start_char), 0)
    return any(clause_start <= t.start and t.end <= span.start_char and t.kind != "benign"
               for t in report.targets_by_sent.get(sent.start, []))


def _suv_max(report: _Report) -> float | None:
    values = []
    title = report.title
    sstr_study = bool(_SSTR.search(title))  # "Ga-68 DOTATATE and F-18 FDG PET/CT", not "18F-FDG PET/CT"
    for span in report.get("SUV"):
        if not report.is_current(span) or _attrs(span).get("prior") or _PAST_YEAR_SENTENCE.match(report.sent(span).text):
            continue  # (also "In 2021 the liver lesions were intensely avid (SUVmax 34)")
        sent = report.sent(span)
        lead = max(sent.start_char, span.start_char - 40)
        before = report.text[lead:span.start_char]
        ref = _SUV_REFERENCE.search(before)
        # the comparison may begin before the 40 characters: "show uptake below that of the normal liver (Krenning 1)"
        compared = ref and _COMPARATIVE.search(report.text, max(sent.start_char, lead - 30), lead + ref.start())
        if ref and (_NO_UPTAKE_ABOVE.search(before) or not compared
                    or _REFERENCE_OWN_VALUE.search(before, ref.start())) \
                and not _SUV_OF_LESION_AFTER.match(report.text, span.end_char) \
                and not ("(" in report.text[max(0, span.start_char - 12):span.start_char]
                         and _REFERENCE_GIVEN_AFTER.match(report.text, span.end_char)):
            continue  # "(liver background SUVmax 7.6)"; "no focal uptake above background (liver SUVmax 7.9)"; not
            # "show no uptake above the liver background: SUVmax 4.6 within the segment 8 lesion" (the lesion's own), nor
            # "no uptake above the normal liver (SUVmax 4.1; normal liver 6.0)" (the reference's value given after it)
        if _REFERENCE_BRACKET.search(before) and not _SUV_OF_LESION_AFTER.match(report.text, span.end_char) \
                and not _LESION_NAMED.search(span.text) and not _REFERENCE_GIVEN_AFTER.match(report.text, span.end_char) \
                and not _REFERENCE_VALUE_FOLLOWS.match(report.text, span.end_char):
            continue  # "faint uptake (SUVmax 4.1), clearly below normal liver parenchyma (SUVmax 8.9)": the liver's value
        if sstr_study and _FDG.search(sent.text) and not _SSTR.search(sent.text):
            continue  # a dual-tracer report's "FDG (next day): ... SUVmax 21.0": not the receptor PET's SUV
        clause = report.text[sent.start_char:span.start_char]
        clause = clause[clause.rfind(";") + 1:]
        if _PHYSIOLOGIC.search(clause):
            continue  # "Physiological uptake in the uncinate process (SUVmax 14.0) and spleen (SUVmax 25.3)"
        if _physiological_after(report, span) or _resected(report, span):
            continue  # "bladder (SUVmax 64.0), physiological"; "the avid lesion (SUVmax 32.0) has been resected"
        if _relabelled_physiological(report, span):
            continue  # a preliminary read's "Right adrenal: focal uptake, SUVmax 23.5" that the addendum calls physiological
        if _BENIGN_UPTAKE.search(sent.text) and not _has_lesion_in_sentence(report, span):
            continue  # "Thyroid uptake (SUVmax 5.2) corresponding to a nodule, likely benign": not tumour
        if flag(span, "is_uncertain") and not any(t.kind == "liver" for t in report.targets_by_sent.get(sent.start, [])):
            continue  # "equivocal uptake in a 6 mm node (SUVmax 5.2); nodal disease not excluded": no site, no disease SUV
        values.append(span_value(span, "value_num"))
    return max(values) if values else None


# -- proximity, involvement, trend -------------------------------------------------------------
def _about_liver_lesion(report: _Report, span: Span) -> bool:
    sent = report.sent(span)
    targets = report.targets_by_sent.get(sent.start, [])
    if targets:
        # "Neither lesion contacts the hepatic veins": the negated noun is still a liver lesion being described
        return any(t.kind == "liver" or (t.span is not None and flag(t.span, "is_negated")
                                         and _attrs(t.span).get("organ") == "liver") for t in targets)
    if any(o != "liver" and o != "vessel" for _, _, o in report.index.organs_in(sent)):
        return False
    return report._continued_target(sent) is not None


def _proximity(report: _Report, norm: str) -> bool | None:
    result: bool | None = None
    for span in report.get("VESSEL_PROXIMITY"):
        if span_value(span, "value_norm") != norm or not report.is_current(span):
            continue
        if norm == "hilar_bile_duct" and _OTHER_HILUM.search(report.text[max(0, span.start_char - 12):span.start_char]):
            continue
        sent = report.sent(span)
        if _DEVICE_SUBJECT.search(report.text, max(sent.start_char, span.start_char - 40), span.start_char):
            continue  # "Surgical clips at the porta hepatis": a device there, no lesion
        before = report.text[sent.start_char:span.end_char]
        after = report.text[span.end_char:sent.end_char]
        negative = flag(span, "is_negated") or _attrs(span).get("remote") or bool(_REMOTE.search(before)) \
            or bool(_FREE_AFTER.match(after))
        if not _about_liver_lesion(report, span):
            # "No involvement of the hilar plate.", "The hilar structures are free.", "None abut hepatic veins/IVC; no
            # hilar involvement." in a report with liver lesions, in a sentence naming no organ but the liver and its
            # vessels: a statement about all of them
            if negative and report.liver_targets() and report.organs_of(sent) <= {"liver", "vessel"} \
                    and not _other_organ_line(report.text, sent.start_char):
                result = result or False
            continue
        contact = _CONTACT_BUT_NOT.search(report.text, max(sent.start_char, span.start_char - 60), span.start_char) \
            if negative else None
        if contact is not None and any(sent.start_char <= other.start_char < span.start_char
                                       and span_value(other, "value_norm") != norm
                                       for other in report.get("VESSEL_PROXIMITY")):
            contact = None  # "It abuts the IVC ..., but does not involve the hilar plate": the contact is the IVC's
        if negative and (contact is not None or _CONTACT_WITHOUT_INVASION.search(span.text)):
            negative = False  # "abutting but not invading the IVC": at the vessel, only not through it
        if negative:
            result = result or False
        else:
            return True
    return result


def _other_organ_line(text: str, at: int) -> bool:
    """The line before ``at`` is another organ's ("Pancreas: four solid lesions ... No vascular involvement.")."""
    line_start = text.rfind("\n", 0, at) + 1
    return any(organ not in {"liver", "vessel"} for _, _, organ in organ_matches(text[line_start:at]))


def _involvement(report: _Report) -> float | None:
    values = [span_value(s, "value_num") for s in report.get("LIVER_INVOLVEMENT") if report.is_current(s) and not flag(s, "is_negated")]
    return max(values) if values else None


def _trend(report: _Report, disease: bool) -> str | None:
    found: dict[str, set[str]] = {}
    called_benign = report.called_benign
    stated_progression: set[str] = set()  # sections that call progression in words, not only by a new finding
    denied_progression: set[str] = set()  # sections whose verdict is "no (definite) progression"
    resolved = False
    verdicts: dict[str, str] = {}  # section -> the value its "Overall ..." sentence states
    against_baseline: dict[str, set[str]] = {}  # changes counted from the baseline study, not the latest
    for span in report.get("DISEASE_TREND"):
        if not report.is_current(span):
            continue
        if span_value(span, "value_norm") == "response" and not flag(span, "is_negated") and (
                _RESOLVED.search(span.text) and _TUMOUR_WORD.search(report.sent(span).text)
                or _RESPONSE_CALL.search(span.text)):
            # a treated/resolved lesion is benign now, but its response is still the change; "Partial response" is
            # one even when no lesion was read; a vanished "hypodensity" never called tumour is none (IMG-001, D2-004)
            resolved = True
        sent = report.sent(span)
        # the lesions the sentence is about (not the "lesion" of "no new lesion", which is the verdict itself)
        targets = [t for t in report.targets_by_sent.get(sent.start, [])
                   if not (t.span is not None and flag(t.span, "is_negated") and (
                       span.start_char <= t.start < span.end_char or _attrs(t.span).get("count_kind") == "none"))]
        # (not "no new lesions", in the span or beside it: "Overall stable disease; no new lesions")
        if targets and all(t.kind == "benign" or (t.kind == "other" and t.start not in report.accepted_sites)
                           for t in targets) and not _TREATED_CHANGE.search(sent.text):
            continue  # "the simple cyst is unchanged", "the indeterminate lung nodule has resolved"
        placed = [t for t in targets if t.kind == "liver" and _segments_of(t)]
        if span_value(span, "value_norm") == "progression" and placed and called_benign and all(
                t.kind == "liver" for t in targets) and all(any(_segments_of(t) <= b for b in called_benign) for t in placed):
            # "New segment 3 lesion, suspicious for a new metastasis" when an addendum calls the segment 3 lesion "a known
            # haemangioma": nothing new (the unplaced "metastasis" names the same lesion again)
            continue
        value = span_value(span, "value_norm")
        if _SINCE_BEFORE.search(report.text, max(0, span.start_char - 16), span.start_char):
            continue  # "Stable disease, 18 months since the progression documented on CT 11/2021"
        section = report.section(span) or ""
        if flag(span, "is_negated"):
            if value != "progression":
                continue
            value = "stable"
            if not _OTHER_BEFORE.search(report.text, max(0, span.start_char - 25), span.start_char):
                denied_progression.add(section)  # not "no other progression", which grants the one named
        elif value == "progression" and not _NEW_FINDING.match(span.text):
            stated_progression.add(section)
        elif value == "progression" and report.no_comparison:
            continue  # "Comparison: Nil (first CT at this practice)" ... "New 19 mm adrenal nodule": new to no study
        verdict = not flag(span, "is_negated") and (_OVERALL_BEFORE.match(report.text, sent.start_char, span.start_char)
                                                     or _CRITERIA_AFTER.match(report.text, span.end_char))
        if _BASELINE_COMPARATOR.search(sent.text) and not verdict:
            # "Relative to the pre-treatment baseline ... (sustained partial response)": counts only when the report states
            # no change against a later study
            against_baseline.setdefault(section, set()).add(value)
            continue
        found.setdefault(section, set()).add(value)
        if verdict:  # RECIST's own verdict counts from the baseline: "Partial response (RECIST 1.1) compared with baseline"
            verdicts.setdefault(section, value)  # "L1 has grown slightly, L3 is no longer seen. Overall stable disease"
    if not any(found.values()):
        found = against_baseline
    for section in denied_progression - stated_progression:
        # "New 7 mm lesion in segment 2, not safely classifiable ... Overall no definite progression": the stated verdict
        found.setdefault(section, set()).discard("progression")
    if not disease:
        # no tumour now: a response (the prior lesions resolved) is the only change a report can state
        return "response" if resolved else None
    for section in ("addendum", "impression", "findings", ""):  # an addendum revises the report's own verdict
        values = found.get(section)
        if section in verdicts:
            return verdicts[section]
        if values:
            for value in ("progression", "response", "stable"):
                if value in values:
                    return value
    for values in found.values():
        for value in ("progression", "response", "stable"):
            if value in values:
                return value
    return None


def summarize(doc: Doc, report_type: str) -> dict[str, Any]:
    """The imaging columns for one report (CONTRACT §3 ``imaging``), every value from a mention."""
    report = _Report(doc)
    row: dict[str, Any] = {}
    row.update(_liver_columns(report))
    row.update(_extrahepatic_columns(report))
    disease = bool(row["liver_lesion_count"] or row["liver_lesion_count_category"] not in (None, "none")
                   or row["extrahepatic_sites"])
    row["suv_max"] = _suv_max(report)
    row["sstr_avid"] = _sstr_avid(report, report_type, disease, row["suv_max"])
    row["lesion_near_major_vessel"] = _proximity(report, "vessel")
    row["hilar_or_central_bile_duct"] = _proximity(report, "hilar_bile_duct")
    row["liver_involvement_percent"] = _involvement(report)
    row["disease_trend"] = _trend(report, disease)
    return {k: row[k] for k in IMAGING_COLUMNS}

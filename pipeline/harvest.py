"""Doc -> rows: the only module that reads spaCy spans and their ``._`` attributes.

``mention_rows`` turns the shared ``findings`` span group into ``mentions`` rows (with section,
sentence and ConText flags); ``report_row`` asks the report-level summariser of the report's
kind (``extractors/imaging_report.py`` or ``extractors/pathology_report.py``) for the columns of
the ``imaging`` or ``pathology`` table.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc, Span

from .ingest import Record

FINDINGS = "findings"
IMAGING_TYPES = frozenset({"CT", "MRI", "PET"})
#: Sections that describe the patient's past, not the current study or specimen.
HISTORICAL_SECTIONS = frozenset({"history", "comparison"})


def section_of(span: Span) -> str | None:
    token = span.doc[span.start]
    return token._.section_category if token.has_extension("section_category") else None


def _flag(span: Span, name: str) -> bool:
    return bool(getattr(span._, name, False)) if span.has_extension(name) else False


def sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end characters of every sentence, computed in one pass over the doc."""
    starts, ends = [], []
    for sent in doc.sents:
        starts.append(sent.start_char)
        ends.append(sent.end_char)
    return starts, ends


def mention_rows(doc: Doc, record: Record) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    spans = doc.spans[FINDINGS] if FINDINGS in doc.spans else []
    if not len(spans):
        return rows
    starts, ends = sentence_bounds(doc)
    for span in spans:
        i = max(0, bisect_right(starts, span.start_char) - 1)
        section = section_of(span)
        rows.append({
            "report_id": record.report_id,
            "patient_id": record.patient_id,
            "label": span.label_,
            "text": span.text,
            "start_char": span.start_char,
            "end_char": span.end_char,
            "section": section,
            "sentence_start": starts[i],
            "sentence_end": max(ends[i], span.end_char),
            "is_negated": _flag(span, "is_negated"),
            "is_uncertain": _flag(span, "is_uncertain"),
            "is_historical": _flag(span, "is_historical") or section in HISTORICAL_SECTIONS,
            "is_hypothetical": _flag(span, "is_hypothetical"),
            "value_num": span._.value_num,
            "value_unit": span._.value_unit,
            "value_norm": span._.value_norm,
            "extractor": span._.extractor or "unknown",
            "rule_id": span._.rule_id,
        })
    return rows


def report_row(doc: Doc, record: Record) -> tuple[str, dict[str, Any]] | None:
    """(table name, row) for an imaging or pathology report; None for OTHER."""
    keys = {"report_id": record.report_id, "patient_id": record.patient_id, "report_date": record.report_date}
    if record.report_type in IMAGING_TYPES:
        from extractors import imaging_report

        row = dict(imaging_report.summarize(doc, record.report_type))
        row.update(keys, report_type=record.report_type)
        return "imaging", row
    if record.report_type == "PATHOLOGY":
        from extractors import pathology_report

        row = dict(pathology_report.summarize(doc))
        row.update(keys)
        return "pathology", row
    return None

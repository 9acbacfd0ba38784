"""Doc -> rows: the only module that reads spaCy spans and their ``._`` attributes.

Span values and ConText flags are read with ``extractors._base.values`` / ``flag_reader`` (the same
``doc.user_data`` entries as ``span._``, without an Underscore object per access).

``mention_rows`` turns the shared ``findings`` span group into ``mentions`` rows (with section,
sentence and ConText flags); ``report_row`` asks the report-level summariser of the report's
kind (``extractors/imaging_report.py`` or ``extractors/pathology_report.py``) for the columns of
the ``imaging`` or ``pathology`` table.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc

from extractors._base import doc_text, flag_reader, sentence_offsets, values

from .ingest import Record

FINDINGS = "findings"
IMAGING_TYPES = frozenset({"CT", "MRI", "PET"})
#: Sections that describe the patient's past, not the current study or specimen.
HISTORICAL_SECTIONS = frozenset({"history", "comparison"})


def section_bounds(doc: Doc) -> tuple[list[int], list[str | None]]:
    """Start character and category of every medspaCy section, in order (one pass)."""
    starts: list[int] = []
    categories: list[str | None] = []
    sections = doc._.sections if Doc.has_extension("sections") else []
    for section in sections:
        start = section.section_span[0] if isinstance(section.section_span, tuple) else section.section_span.start
        starts.append(doc[start].idx if start < len(doc) else len(doc.text))
        categories.append(section.category)
    return starts, categories


def sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end characters of every sentence, computed in one pass over the doc."""
    bounds = sentence_offsets(doc)
    return [start for _, _, start, _ in bounds], [end for _, _, _, end in bounds]


_FLAGS = ("is_negated", "is_uncertain", "is_historical", "is_hypothetical")


def mention_rows(doc: Doc, record: Record) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    spans = doc.spans[FINDINGS] if FINDINGS in doc.spans else []
    if not len(spans):
        return rows
    starts, ends = sentence_bounds(doc)
    section_starts, categories = section_bounds(doc)
    text = doc_text(doc)
    if record.text is not None and len(record.text) == len(text):
        text = record.text  # quote the report itself, not the pipeline's reading of its aligned tables
    read_flags = flag_reader(_FLAGS)
    for span in spans:
        start_char, end_char = span.start_char, span.end_char
        i = max(0, bisect_right(starts, start_char) - 1)
        j = bisect_right(section_starts, start_char) - 1
        section = categories[j] if j >= 0 else None
        negated, uncertain, historical, hypothetical = read_flags(span)
        found = values(span)
        rows.append({
            "report_id": record.report_id,
            "patient_id": record.patient_id,
            "label": span.label_,
            "text": text[start_char:end_char],  # the report's own characters (not span.text: no re-joined tokens)
            "start_char": start_char,
            "end_char": end_char,
            "section": section,
            "sentence_start": starts[i],
            "sentence_end": max(ends[i], end_char),
            "is_negated": negated,
            "is_uncertain": uncertain,
            "is_historical": historical or section in HISTORICAL_SECTIONS,
            "is_hypothetical": hypothetical,
            "value_num": found["value_num"],
            "value_unit": found["value_unit"],
            "value_norm": found["value_norm"],
            "extractor": found["extractor"] or "unknown",
            "rule_id": found["rule_id"],
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

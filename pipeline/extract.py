"""One record through the NLP pipeline -> its mention rows and its imaging/pathology row."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from spacy.language import Language

from .harvest import mention_rows, report_row
from .ingest import Record
from .nlp import run_pipeline


@dataclass
class Extraction:
    record: Record
    mentions: list[dict[str, Any]] = field(default_factory=list)
    table: str | None = None
    row: dict[str, Any] | None = None


def extract_record(nlp: Language, record: Record) -> Extraction:
    assert record.text is not None, "quarantined records are never extracted"
    doc = run_pipeline(nlp, record.text, record.report_type)
    return _harvest(doc, record)


def _harvest(doc: Any, record: Record) -> Extraction:
    out = Extraction(record, mention_rows(doc, record))
    result = report_row(doc, record)
    if result is not None:
        out.table, out.row = result
    return out


def extract_many(nlp: Language, records: Iterable[Record]) -> Iterator[Extraction | tuple[Record, BaseException]]:
    """Extract each record; an exception is yielded with its record instead of stopping the batch."""
    for record in records:
        try:
            yield extract_record(nlp, record)
        except Exception as exc:  # a per-report failure is data (quarantine), never a crash
            yield record, exc

"""Report archives -> validated records, streamed (CONTRACT §2).

Supported inputs: ``.jsonl``/``.ndjson``, ``.csv``, ``.parquet``, and folders holding any of these
and/or ``.txt`` files (one report per file; an optional ``manifest.csv`` beside them gives the other
fields by file name). Folders are walked recursively in sorted order. Every input record yields
exactly one :class:`Record`; a bad one carries its one-line ``error`` and is quarantined
downstream, never dropped. Nothing here holds more than one batch of rows in memory.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import errno
import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from .config import Config
from .preflight import ARCHIVE_SUFFIXES, check_input
from .report_types import infer_report_type, normalize_report_type

MANIFEST = "manifest.csv"
FUTURE_TOLERANCE_DAYS = 1
#: I/O errors worth retrying: raised out of the reader so that Prefect's bounded retries of the plan
#: task read the file again. Any other OSError (permission denied, vanished file) quarantines the file.
TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.EBUSY, errno.EINTR, errno.ETIMEDOUT, errno.ESTALE,
                              errno.ENOLCK, errno.ECONNRESET, errno.EHOSTDOWN})


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read, before validation: field values by nelm name, or a read error."""

    fields: Mapping[str, Any]
    source: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """A validated record. ``error`` set means quarantined (text is then None)."""

    report_id: str
    patient_id: str | None
    report_date: dt.date | None
    report_type: str
    report_type_source: str
    text: str | None
    text_sha256: str
    n_chars: int
    source: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def document_row(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id, "patient_id": self.patient_id, "report_date": self.report_date,
            "report_type": self.report_type, "report_type_source": self.report_type_source,
            "status": "ok" if self.ok else "quarantined", "error": self.error, "n_chars": self.n_chars,
            "text_sha256": self.text_sha256, "source": self.source,
        }


# ----------------------------------------------------------------------------- decoding helpers

def decode_bytes(data: bytes) -> str:
    """Decode report bytes: UTF-8 (BOM allowed) or UTF-16 with a BOM; raises UnicodeDecodeError."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return data.decode("utf-8")


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    return "utf-8-sig"


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


# ----------------------------------------------------------------------------- readers

def _remap(obj: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    return {field: obj.get(column) for field, column in columns.items()}


def read_jsonl(path: Path, columns: Mapping[str, str], label: str) -> Iterator[RawRecord]:
    encoding = _sniff_encoding(path)
    if encoding == "utf-16":
        lines: Iterator[tuple[int, bytes | str]] = enumerate(path.open("r", encoding="utf-16", newline=""), 1)
    else:
        lines = enumerate(path.open("rb"), 1)
    for lineno, line in lines:
        source = f"{label}:{lineno}"
        if isinstance(line, bytes):
            if lineno == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield RawRecord(_salvage_id(line, columns), source, f"undecodable bytes (not UTF-8) at byte {exc.start}")
                continue
        else:
            text = line
            if not text.strip():
                continue
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield RawRecord({}, source, f"line is not valid JSON ({msg})")
            continue
        if not isinstance(obj, dict):
            yield RawRecord({}, source, "line is not a JSON object")
            continue
        yield RawRecord(_remap(obj, columns), source)


def _salvage_id(line: bytes, columns: Mapping[str, str]) -> dict[str, Any]:
    try:
        obj = json.loads(line.decode("utf-8", errors="replace"))
        if isinstance(obj, dict):
            fields = _remap(obj, columns)
            fields["text"] = None
            return fields
    except (json.JSONDecodeError, RecursionError):
        pass
    return {}


def read_csv(path: Path, columns: Mapping[str, str], label: str) -> Iterator[RawRecord]:
    encoding = _sniff_encoding(path)
    errors = "strict" if encoding == "utf-16" else "surrogateescape"
    csv.field_size_limit(1 << 30)
    with path.open("r", encoding=encoding, errors=errors, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            yield RawRecord({}, f"{label}:1", f"unreadable CSV header ({exc})")
            return
        header = [h.strip() for h in header]
        missing = [c for f, c in columns.items() if f in ("text", "report_id") and c not in header]
        row_no = 1
        while True:
            row_no += 1
            source = f"{label}:{row_no}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield RawRecord({}, source, f"unparseable CSV row ({exc})")
                return
            if not row or all(not c.strip() for c in row):
                continue
            obj = dict(zip(header, row))
            fields = _remap(obj, columns)
            if missing:
                yield RawRecord(fields, source, f"CSV has no column {missing[0]!r}")
                continue
            if len(row) > len(header):
                yield RawRecord(fields, source, f"CSV row has {len(row)} fields, header has {len(header)}")
                continue
            bad = [k for k, v in fields.items() if isinstance(v, str) and _has_surrogates(v)]
            if bad:
                fields = {k: (None if k in bad and k != "report_id" else v) for k, v in fields.items()}
                if "report_id" in bad:
                    fields["report_id"] = None
                yield RawRecord(fields, source, f"undecodable bytes (not UTF-8) in field {bad[0]!r}")
                continue
            yield RawRecord(fields, source)


def read_parquet(path: Path, columns: Mapping[str, str], label: str, batch_rows: int) -> Iterator[RawRecord]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        yield RawRecord({}, f"{label}:0", f"unreadable Parquet file ({type(exc).__name__})")
        return
    names = set(pf.schema_arrow.names)
    wanted = [c for c in columns.values() if c in names]
    missing = [c for f, c in columns.items() if f in ("text", "report_id") and c not in names]
    row_no = 0
    for batch in pf.iter_batches(batch_size=batch_rows, columns=wanted):
        for obj in batch.to_pylist():
            source = f"{label}:{row_no}"
            row_no += 1
            fields = _remap(obj, columns)
            if missing:
                yield RawRecord(fields, source, f"Parquet file has no column {missing[0]!r}")
            else:
                yield RawRecord(fields, source)


def _read_manifest(folder: Path, columns: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    out: dict[str, dict[str, Any]] = {}
    with path.open("r", encoding=_sniff_encoding(path), errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            name = (row.get("file") or row.get("filename") or row.get("path") or "").strip()
            if name:
                out[name] = _remap(row, columns)
    return out


def read_txt(path: Path, root: Path, manifest: Mapping[str, dict[str, Any]]) -> RawRecord:
    rel = _rel(path, root)
    meta = dict(manifest.get(path.name) or manifest.get(rel) or {})
    meta.pop("text", None)
    if not meta.get("report_id"):
        meta["report_id"] = rel
    try:
        data = path.read_bytes()
    except OSError as exc:
        if exc.errno in TRANSIENT_ERRNOS:
            raise
        return RawRecord(meta, rel, f"unreadable file ({exc.strerror})")
    try:
        meta["text"] = decode_bytes(data)
    except UnicodeDecodeError as exc:
        return RawRecord(meta, rel, f"undecodable bytes (not UTF-8) at byte {exc.start}")
    return RawRecord(meta, rel)


def iter_input_files(path: Path) -> Iterator[tuple[Path, Path]]:
    """(file, root) pairs in stable order; raises ArchiveError for an unusable input path."""
    check_input(path)
    if path.is_file():
        yield path, path.parent
        return
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for name in sorted(filenames):
            file = Path(dirpath) / name
            suffix = file.suffix.lower()
            if name == MANIFEST or name.startswith("."):
                continue
            if suffix in ARCHIVE_SUFFIXES or suffix == ".txt":
                yield file, path


def read_archive(path: str | Path, config: Config) -> Iterator[RawRecord]:
    """Every record of the archive, in stable order, one at a time."""
    path = Path(path)
    columns = config.input.columns
    manifests: dict[Path, dict[str, dict[str, Any]]] = {}
    for file, root in iter_input_files(path):
        label = _rel(file, root) if path.is_dir() else file.name
        suffix = file.suffix.lower()
        try:
            if suffix in (".jsonl", ".ndjson"):
                yield from read_jsonl(file, columns, label)
            elif suffix == ".csv":
                yield from read_csv(file, columns, label)
            elif suffix == ".parquet":
                yield from read_parquet(file, columns, label, config.input.batch_rows)
            else:
                if file.parent not in manifests:
                    manifests[file.parent] = _read_manifest(file.parent, columns)
                yield read_txt(file, root, manifests[file.parent])
        except (OSError, UnicodeError) as exc:
            if isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS:
                raise
            yield RawRecord({}, f"{label}:0", f"unreadable file ({type(exc).__name__})")


# ----------------------------------------------------------------------------- validation

def parse_date(value: Any) -> dt.date | None:
    """ISO date (datetime accepted); None for empty; ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none", "null"}:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 and text[10:11] in ("", "T", " ") else dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"unparseable report_date {text[:30]!r} (expected YYYY-MM-DD)") from None


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    return text or None


def _safe(value: str | None) -> str | None:
    """A string Arrow can store: unpaired surrogates (JSON escapes, non-UTF-8 file names) escaped."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


class Validator:
    """Turns raw records into Records; remembers report ids to catch duplicates.

    ``validate`` returns None for an exact repeat (same id, same text): counted, kept once.
    """

    def __init__(self, config: Config, today: dt.date | None = None) -> None:
        self.max_chars = config.input.max_chars
        self.seen: dict[str, bytes] = {}
        self.duplicates = 0
        self.today = today or dt.date.today()

    def validate(self, raw: RawRecord) -> Record | None:
        fields = raw.fields
        report_id = _safe(_clean_str(fields.get("report_id")))
        error = raw.error
        if report_id is None:
            report_id = _safe(raw.source)
            error = error or "missing report_id"
        text = fields.get("text")
        if text is not None and not isinstance(text, str):
            text = None if (isinstance(text, float) and math.isnan(text)) else str(text)
        patient_id = _safe(_clean_str(fields.get("patient_id")))
        try:
            report_date = parse_date(fields.get("report_date"))
        except ValueError as exc:
            report_date, error = None, error or str(exc)
        if report_date is not None and (report_date - self.today).days > FUTURE_TOLERANCE_DAYS and error is None:
            error = f"report_date {report_date.isoformat()} is in the future"
            report_date = None
        if error is None:
            if text is None:
                error = "missing text"
            elif not text.strip():
                error = "empty text"
            elif "\x00" in text:
                error = "text contains NUL bytes"
            elif _safe(text) is not text:
                error = "text is not valid Unicode (unpaired surrogate)"
            elif len(text) > self.max_chars:
                error = f"text has {len(text)} characters, over the limit of {self.max_chars}"
        sha = sha256_text(text) if isinstance(text, str) else sha256_text("")
        if error is None:
            digest = bytes.fromhex(sha)[:16]  # 16 bytes per id keeps 1M ids in a few tens of MB
            previous = self.seen.get(report_id)
            if previous is not None:
                if previous == digest:
                    self.duplicates += 1
                    return None
                error = "duplicate report_id with different text"
            else:
                self.seen[report_id] = digest
        label = normalize_report_type(fields.get("report_type"))
        if label is not None:
            report_type, type_source = label, "input"
        elif error is None and text:
            report_type, type_source = infer_report_type(text), "inferred"
        else:
            report_type, type_source = "OTHER", "inferred"
        n_chars = len(text) if isinstance(text, str) else 0
        return Record(
            report_id=report_id, patient_id=patient_id, report_date=report_date, report_type=report_type,
            report_type_source=type_source, text=text if error is None else None, text_sha256=sha,
            n_chars=min(n_chars, 2**31 - 1), source=_safe(raw.source), error=_one_line(_safe(error)),
        )


def _one_line(error: str | None) -> str | None:
    if error is None:
        return None
    return " ".join(error.split())[:300]


def iter_records(path: str | Path, config: Config, validator: Validator | None = None) -> Iterator[Record]:
    validator = validator or Validator(config)
    for raw in read_archive(path, config):
        record = validator.validate(raw)
        if record is not None:
            yield record

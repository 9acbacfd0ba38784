"""A whole run as three plain steps: plan, process shards, finalize.

``plan_run`` streams the archive once, validates every record and cuts the stream into shards
with content-defined boundaries (a boundary follows a record whose id hashes to 0 mod the shard
size), so an inserted or changed report disturbs only its own shard. A shard's key is a hash of
its records' metadata and text hashes plus the extractor fingerprint: a finished shard with the
same key is never processed again, and inside a changed shard every unchanged report reuses its
previous rows (no NLP work for it).

``process_shard`` (one Prefect task per shard) extracts one shard and commits its folder
atomically; ``finalize`` assembles the six tables from the shards of the plan, writes them
atomically, and removes shards no longer referenced. Task arguments and results hold paths,
ids and counts only, never report text.

Layout under ``--out``::

    documents.parquet imaging.parquet pathology.parquet patients.parquet eligibility.parquet
    mentions.parquet/part-<shard>.parquet          (a dataset folder)
    .nelm/lock  .nelm/inputs/<shard>.parquet  .nelm/shards/<fingerprint>/<shard>/  .nelm/run.json
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import signal
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import __version__
from .config import Config, load_config
from .errors import NelmError
from .ingest import Record, Validator, read_archive
from .io import commit_dir, replace_dir, write_bytes_atomic, write_parquet_atomic, write_parquet_chunks_atomic
from .schema import DOCUMENTS, TABLES, to_table

log = logging.getLogger(__name__)

WORK_DIR = ".nelm"
EXTRACTED_TABLES = ("mentions", "imaging", "pathology")
#: mention labels the patient aggregation reads (uncertain sites, procedure history)
AGGREGATION_LABELS = ("EXTRAHEPATIC_SITE", "PROCEDURE_HISTORY", "PRIMARY_SITE")
#: documents columns a shard writes; pipeline_version and run_id are stamped by finalize.
SHARD_DOC_FIELDS = [f.name for f in DOCUMENTS if f.name not in ("pipeline_version", "run_id")]
SHARD_DOCUMENTS = pa.schema([DOCUMENTS.field(n) for n in SHARD_DOC_FIELDS])
INPUT_SCHEMA = pa.schema(list(SHARD_DOCUMENTS) + [pa.field("text", pa.string()), pa.field("reuse_from", pa.string())])

#: Crash-safety test hooks: ``NELM_TEST_CRASH_AT=<point>[:<n>]`` SIGKILLs this process the n-th time
#: (default 1st) a point is reached. ingest: after each record is planned; extract: in process_shard,
#: after a shard's first table is written to its temporary folder; write: in finalize, between two
#: final tables. Unset (always, outside tests), the hook does nothing.
CRASH_POINTS = ("ingest", "extract", "write")
_crash_hits: dict[str, int] = {}


def _crash_hook(point: str) -> None:
    spec = os.environ.get("NELM_TEST_CRASH_AT")
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _crash_hits[point] = _crash_hits.get(point, 0) + 1
    if _crash_hits[point] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(frozen=True)
class ShardTask:
    """What a worker needs to process one shard: paths and counts, never text."""

    key: str
    input_path: str
    shard_dir: str
    n_records: int


@dataclass
class Plan:
    out_dir: str
    config_path: str | None
    fingerprint: str
    input_path: str = ""
    shard_keys: list[str] = field(default_factory=list)
    pending: list[ShardTask] = field(default_factory=list)
    n_records: int = 0
    n_ok: int = 0
    n_quarantined: int = 0
    n_duplicates: int = 0
    n_reusable: int = 0

    @property
    def store(self) -> Path:
        return Path(self.out_dir) / WORK_DIR / "shards" / self.fingerprint


@dataclass(frozen=True)
class ShardResult:
    key: str
    n_records: int
    n_ok: int
    n_extracted: int
    n_reused: int
    n_failed: int
    seconds: float


@dataclass
class RunSummary:
    out_dir: str
    run_id: str
    input: str
    records: int
    ok: int
    quarantined: int
    duplicates: int
    extracted: int
    reused_shards: int
    patients: int
    eligibility: dict[str, dict[str, int]]
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)


# ----------------------------------------------------------------------------- fingerprint

def fingerprint(config: Config) -> str:
    """Extractor version: nelm version + every rule file and extractor source the NLP is built from."""
    from .nlp import nlp_fingerprint

    digest = hashlib.sha256(f"{__version__}\n{nlp_fingerprint(config)}".encode())
    digest.update(json.dumps(config.input.model_dump(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _meta_line(record: Record) -> str:
    return json.dumps([record.report_id, record.patient_id, str(record.report_date), record.report_type,
                       record.report_type_source, record.error, record.n_chars, record.text_sha256, record.source])


def _boundary(report_id: str, shard_size: int) -> bool:
    digest = hashlib.blake2b(report_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % max(shard_size, 1) == 0


# ----------------------------------------------------------------------------- plan

def _reuse_index(store: Path) -> dict[tuple[str, str, str], str]:
    """(report_id, text_sha256, report_type) -> shard key, over finished shards of this fingerprint."""
    index: dict[tuple[str, str, str], str] = {}
    if not store.is_dir():
        return index
    for shard in sorted(store.iterdir()):
        if shard.name.startswith(".") or not (shard / "documents.parquet").exists():
            continue
        table = pq.read_table(shard / "documents.parquet", columns=["report_id", "text_sha256", "report_type", "status"])
        for rid, sha, type_, status in zip(*(table.column(c).to_pylist() for c in table.column_names)):
            if status == "ok":
                index[(rid, sha, type_)] = shard.name
    return index


def plan_run(input_path: str | Path, out_dir: str | Path, config_path: str | Path | None = None,
             today: dt.date | None = None) -> Plan:
    """Stream the archive into shards; write the input file of every shard not already finished."""
    config = load_config(config_path)
    out = Path(out_dir)
    work = out / WORK_DIR
    plan = Plan(out_dir=str(out), config_path=str(config_path) if config_path else None, fingerprint=fingerprint(config),
                input_path=str(Path(input_path).resolve()))
    finished = {p.name for p in plan.store.iterdir() if p.is_dir() and not p.name.startswith(".")} if plan.store.is_dir() else set()
    index = _reuse_index(plan.store) if finished else {}
    validator = Validator(config, today=today)
    shard_size = config.run.shard_size
    buffer: list[Record] = []

    def flush() -> None:
        if not buffer:
            return
        digest = hashlib.sha256(plan.fingerprint.encode())
        for record in buffer:
            digest.update(_meta_line(record).encode("utf-8", "surrogatepass"))
            digest.update(b"\n")
        key = digest.hexdigest()[:24]
        plan.shard_keys.append(key)
        if key not in finished:
            input_path_ = work / "inputs" / f"{key}.parquet"
            rows = []
            for record in buffer:
                row = record.document_row()
                row["text"] = record.text
                row["reuse_from"] = index.get((record.report_id, record.text_sha256, record.report_type)) if record.ok else None
                plan.n_reusable += row["reuse_from"] is not None
                rows.append(row)
            if not input_path_.exists():
                write_parquet_atomic(pa.Table.from_pylist(rows, schema=INPUT_SCHEMA), input_path_)
            plan.pending.append(ShardTask(key, str(input_path_), str(plan.store / key), len(buffer)))
        buffer.clear()

    for raw in read_archive(input_path, config):
        record = validator.validate(raw)
        if record is None:
            continue
        plan.n_records += 1
        if record.ok:
            plan.n_ok += 1
        else:
            plan.n_quarantined += 1
            log.info("quarantined %s: %s", record.report_id, record.error)
        buffer.append(record)
        if len(buffer) >= 2 * shard_size or (len(buffer) >= shard_size // 4 and _boundary(record.report_id, shard_size)):
            flush()
        _crash_hook("ingest")
    flush()
    plan.n_duplicates = validator.duplicates
    log.info("planned %d records in %d shards (%d to process)", plan.n_records, len(plan.shard_keys), len(plan.pending))
    return plan


# ----------------------------------------------------------------------------- process

def _read_reused(store: Path, wanted: dict[str, set[str]]) -> dict[str, list[dict[str, Any]]]:
    """Rows of earlier shards for the given report ids, per extracted table."""

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in EXTRACTED_TABLES}
    for old_key, ids in sorted(wanted.items()):
        for name in EXTRACTED_TABLES:
            path = store / old_key / f"{name}.parquet"
            if not path.exists():
                continue
            table = pq.read_table(path)
            mask = pc.is_in(table.column("report_id"), value_set=pa.array(sorted(ids), pa.string()))
            out[name].extend(table.filter(mask).to_pylist())
    return out


def process_shard(task: ShardTask, config_path: str | None = None) -> ShardResult:
    """Extract one shard and commit its folder atomically. Idempotent: a finished shard is skipped."""
    started = time.perf_counter()
    final = Path(task.shard_dir)
    if (final / "documents.parquet").exists():
        return ShardResult(task.key, task.n_records, 0, 0, 0, 0, 0.0)
    from .extract import extract_many
    from .nlp import build_nlp

    config = load_config(config_path)
    nlp = build_nlp(config)
    # spaCy refuses texts over nlp.max_length (1,000,000) with E088: the configured limit is the one that counts
    nlp.max_length = max(nlp.max_length, config.input.max_chars + 1)
    rows = pq.read_table(task.input_path).to_pylist()
    documents: list[dict[str, Any]] = []
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in EXTRACTED_TABLES}
    to_extract: list[Record] = []
    reuse: dict[str, set[str]] = {}
    current: dict[str, dict[str, Any]] = {}
    for row in rows:
        text = row.pop("text")
        reuse_from = row.pop("reuse_from")
        documents.append(row)
        if row["status"] != "ok":
            continue
        current[row["report_id"]] = row
        if reuse_from:
            reuse.setdefault(reuse_from, set()).add(row["report_id"])
        else:
            to_extract.append(Record(
                report_id=row["report_id"], patient_id=row["patient_id"], report_date=row["report_date"],
                report_type=row["report_type"], report_type_source=row["report_type_source"], text=text,
                text_sha256=row["text_sha256"], n_chars=row["n_chars"], source=row["source"]))
    failed: dict[str, str] = {}
    for result in extract_many(nlp, to_extract):
        if isinstance(result, tuple):
            record, exc = result
            failed[record.report_id] = f"internal error during extraction ({type(exc).__name__}); report kept for rerun"
            log.warning("extraction failed for %s: %s", record.report_id, type(exc).__name__)
            continue
        tables["mentions"].extend(result.mentions)
        if result.table:
            tables[result.table].append(result.row)
    reused = _read_reused(final.parent, reuse)
    n_reused = sum(len(ids) for ids in reuse.values())
    for name, old_rows in reused.items():
        for row in old_rows:
            meta = current.get(row["report_id"])
            if meta is None:
                continue
            row["patient_id"] = meta["patient_id"]
            if "report_date" in row:
                row["report_date"] = meta["report_date"]
        tables[name].extend(old_rows)
    for row in documents:
        if row["report_id"] in failed and row["status"] == "ok":
            row["status"], row["error"] = "quarantined", failed[row["report_id"]]
    failed_ids = set(failed)
    tmp = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(pa.Table.from_pylist(documents, schema=SHARD_DOCUMENTS), tmp / "documents.parquet")
    _crash_hook("extract")
    for name in EXTRACTED_TABLES:
        kept = [r for r in tables[name] if r["report_id"] not in failed_ids]
        write_parquet_atomic(to_table(kept, name, trusted=True), tmp / f"{name}.parquet")
    commit_dir(tmp, final)
    try:
        os.unlink(task.input_path)
    except FileNotFoundError:
        pass
    n_ok = sum(1 for r in documents if r["status"] == "ok")
    return ShardResult(task.key, task.n_records, n_ok, len(to_extract) - len(failed), n_reused, len(failed),
                       round(time.perf_counter() - started, 3))


# ----------------------------------------------------------------------------- finalize

#: documents columns the patient aggregation reads
AGGREGATION_DOCUMENT_COLUMNS = ("report_id", "patient_id", "report_date", "report_type", "status")
#: mention columns the patient aggregation reads
AGGREGATION_MENTION_COLUMNS = ("report_id", "patient_id", "label", "text", "start_char", "end_char", "value_norm",
                               "is_negated", "is_uncertain", "is_historical", "is_hypothetical")


def _concat_tables(tables: list[pa.Table], schema: pa.Schema | None) -> pa.Table:
    if tables:
        return pa.concat_tables(tables)
    assert schema is not None
    return schema.empty_table()


def _read_part(path: Path, schema: pa.Schema) -> pa.Table:
    return pq.read_table(path, schema=schema) if path.exists() else schema.empty_table()


def _sorted(table: pa.Table, name: str) -> pa.Table:
    from .schema import SORT_KEYS

    if table.num_rows == 0:
        return table
    return table.sort_by([(k, "ascending") for k in SORT_KEYS[name]])


def finalize(plan: Plan, results: Iterable[ShardResult] = ()) -> RunSummary:
    """Assemble the six tables from the plan's shards, write them atomically, clean up."""
    started = time.perf_counter()
    config = load_config(plan.config_path)
    out = Path(plan.out_dir)
    shard_dirs = [plan.store / key for key in plan.shard_keys]
    missing = [d.name for d in shard_dirs if not (d / "documents.parquet").exists()]
    if missing:
        raise NelmError(f"[N001] {len(missing)} shard(s) did not finish (first: {missing[0]}); run again to resume")
    run_id = hashlib.sha256(("\n".join(plan.shard_keys) + plan.fingerprint).encode()).hexdigest()[:16]
    pipeline_version = f"{__version__}+{plan.fingerprint}"

    # Tables are streamed shard by shard (plan order, key order inside a shard): memory holds one
    # shard's rows plus the few columns the patient aggregation needs, whatever the archive size.
    keep: dict[str, list[pa.Table]] = {"documents": [], "imaging": [], "pathology": []}

    def shard_tables() -> Iterator[tuple[pa.Table, pa.Table, pa.Table]]:
        for d in shard_dirs:
            documents = pq.read_table(d / "documents.parquet", schema=SHARD_DOCUMENTS)
            n = documents.num_rows
            documents = documents.append_column(DOCUMENTS.field("pipeline_version"), pa.array([pipeline_version] * n, pa.string()))
            documents = documents.append_column(DOCUMENTS.field("run_id"), pa.array([run_id] * n, pa.string()))
            documents = _sorted(documents.select(DOCUMENTS.names).cast(DOCUMENTS), "documents")
            imaging = _sorted(_read_part(d / "imaging.parquet", TABLES["imaging"]), "imaging")
            pathology = _sorted(_read_part(d / "pathology.parquet", TABLES["pathology"]), "pathology")
            keep["documents"].append(documents.select(list(AGGREGATION_DOCUMENT_COLUMNS)))
            keep["imaging"].append(imaging)
            keep["pathology"].append(pathology)
            yield documents, imaging, pathology

    write_parquet_chunks_atomic(shard_tables(), {name: out / f"{name}.parquet" for name in ("documents", "imaging", "pathology")},
                                schemas=[DOCUMENTS, TABLES["imaging"], TABLES["pathology"]])
    _crash_hook("write")
    _publish_mentions(out, shard_dirs)
    documents = _concat_tables(keep["documents"], pa.schema([DOCUMENTS.field(c) for c in AGGREGATION_DOCUMENT_COLUMNS]))
    imaging = _concat_tables(keep["imaging"], TABLES["imaging"])
    pathology = _concat_tables(keep["pathology"], TABLES["pathology"])
    n_patients, counts = decide_tables(documents, imaging, pathology, shard_dirs, config, out)
    _collect_garbage(out, plan)

    results = list(results)
    statuses = documents.column("status")
    n_ok = pc.sum(pc.equal(statuses, "ok")).as_py() or 0
    summary = RunSummary(
        out_dir=str(out), run_id=run_id, input=plan.input_path, records=documents.num_rows, ok=n_ok,
        quarantined=documents.num_rows - n_ok, duplicates=plan.n_duplicates,
        extracted=sum(r.n_extracted for r in results), reused_shards=len(plan.shard_keys) - len(plan.pending),
        patients=n_patients, eligibility=counts, seconds=round(time.perf_counter() - started, 3),
    )
    write_bytes_atomic(summary.to_json().encode(), out / WORK_DIR / "run.json")
    return summary


#: patients aggregated and decided at a time: bounds memory whatever the archive size
PATIENT_CHUNK = 2000


def _aggregation_mentions(shard_dirs: list[Path]) -> pa.Table:
    """The few mention labels the patient aggregation reads, from every shard (Arrow, compact)."""

    labels = pa.array(sorted(AGGREGATION_LABELS), pa.string())
    parts = []
    for d in shard_dirs:
        path = d / "mentions.parquet"
        if path.exists():
            table = pq.read_table(path, columns=list(AGGREGATION_MENTION_COLUMNS))
            parts.append(table.filter(pc.is_in(table.column("label"), value_set=labels)))
    return pa.concat_tables(parts) if parts else pa.schema([TABLES["mentions"].field(c) for c in AGGREGATION_MENTION_COLUMNS]).empty_table()


def _patient_ids(documents: pa.Table) -> list[str]:

    ok = documents.filter(pc.equal(documents.column("status"), "ok"))
    return sorted(pc.unique(ok.column("patient_id").drop_null()).to_pylist())


def decide_tables(documents: pa.Table, imaging: pa.Table, pathology: pa.Table, shard_dirs: list[Path],
                  config: Config, out: Path) -> tuple[int, dict[str, dict[str, int]]]:
    """Write ``patients`` and ``eligibility`` (decision_rules.md §7, §8), PATIENT_CHUNK patients at a time.

    Returns the number of patients and the status counts per therapy.
    """

    from .aggregate import aggregate_patients
    from .decision import decide_frame, load_ruleset

    ruleset = load_ruleset(config.resolve(config.decision.ruleset))
    mentions = _aggregation_mentions(shard_dirs)
    ids = _patient_ids(documents)
    counts: dict[str, dict[str, int]] = {}

    def chunks() -> Iterator[tuple[pa.Table, pa.Table]]:
        for i in range(0, max(len(ids), 1), PATIENT_CHUNK):
            chunk = pa.array(ids[i:i + PATIENT_CHUNK], pa.string())

            def part(table: pa.Table) -> Any:
                return table.filter(pc.is_in(table.column("patient_id"), value_set=chunk)).to_pandas()

            # extras: tumor_type and the worst-value columns the §7 discordance re-run and MiNEN rule read
            patients_df = aggregate_patients(part(documents), part(imaging), part(pathology), part(mentions), extras=True)
            eligibility_df = decide_frame(patients_df, ruleset)
            for therapy, status in zip(eligibility_df["therapy"], eligibility_df["status"]):
                counts.setdefault(therapy, {}).setdefault(status, 0)
                counts[therapy][status] += 1
            yield (to_table(patients_df.to_dict("records"), "patients"),
                   to_table(eligibility_df.to_dict("records"), "eligibility"))

    write_parquet_chunks_atomic(chunks(), {"patients": out / "patients.parquet", "eligibility": out / "eligibility.parquet"})
    return len(ids), counts


def _publish_mentions(out: Path, shard_dirs: list[Path]) -> None:
    final = out / "mentions.parquet"
    staging = out / f".mentions.parquet.new-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    for d in shard_dirs:
        src = d / "mentions.parquet"
        dst = staging / f"part-{d.name}.parquet"
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
    if not shard_dirs:
        pq.write_table(TABLES["mentions"].empty_table(), staging / "part-empty.parquet")
    replace_dir(staging, final)


def _collect_garbage(out: Path, plan: Plan) -> None:
    work = out / WORK_DIR
    keep = set(plan.shard_keys)
    shards_root = work / "shards"
    if shards_root.is_dir():
        for store in shards_root.iterdir():
            if store.name != plan.fingerprint:
                shutil.rmtree(store, ignore_errors=True)
                continue
            for shard in store.iterdir():
                if shard.name not in keep:
                    shutil.rmtree(shard, ignore_errors=True)
    inputs = work / "inputs"
    if inputs.is_dir():
        for path in inputs.iterdir():
            if path.stem not in keep or (plan.store / path.stem / "documents.parquet").exists():
                path.unlink(missing_ok=True)
    for stray in out.glob(".*.tmp-*"):
        stray.unlink(missing_ok=True)
    for stray in out.glob(".mentions.parquet.*"):
        shutil.rmtree(stray, ignore_errors=True)


# ----------------------------------------------------------------------------- without Prefect

def run_local(input_path: str | Path, out_dir: str | Path, config_path: str | Path | None = None,
              on_shard: Callable[[ShardResult], None] | None = None) -> RunSummary:
    """The whole job in this process, no Prefect: used by tests, benchmarks and library callers."""
    from .io import output_lock

    started = time.perf_counter()
    with output_lock(out_dir):
        plan = plan_run(input_path, out_dir, config_path)
        results = []
        for task in plan.pending:
            result = process_shard(task, plan.config_path)
            results.append(result)
            if on_shard:
                on_shard(result)
        summary = finalize(plan, results)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary

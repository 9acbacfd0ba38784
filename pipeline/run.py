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
import gc
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
from .errors import ConfigError, NelmError
from .ingest import Record, Validator, read_archive
from .io import commit_dir, replace_dir, write_bytes_atomic, write_parquet_atomic, write_parquet_chunks_atomic
from .schema import DOCUMENTS, TABLES, to_table

log = logging.getLogger(__name__)

# Arrow's default allocator (mimalloc) keeps the pages of every freed shard table: a 20,000-report
# plan held ~45 MiB more than with the system allocator, and the excess grows with the archive.
# The system allocator hands them back, so memory stays flat whatever the archive size.
pa.set_memory_pool(pa.system_memory_pool())

WORK_DIR = ".nelm"
EXTRACTED_TABLES = ("mentions", "imaging", "pathology")
#: mention labels the patient aggregation reads (uncertain sites, procedure history)
AGGREGATION_LABELS = ("EXTRAHEPATIC_SITE", "PROCEDURE_HISTORY", "PRIMARY_SITE", "PET_TRACER")
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
    #: wall-clock seconds of each step (plan, extract, assemble, decide, publish) when measured
    phases: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)


# ----------------------------------------------------------------------------- fingerprint

def fingerprint(config: Config) -> str:
    """Extractor version: nelm version + every rule file and extractor source the NLP is built from."""
    from .nlp_fingerprint import nlp_fingerprint

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
    plan = None
    for item in iter_plan(input_path, out_dir, config_path, today):
        if isinstance(item, Plan):
            plan = item
    assert plan is not None
    return plan


def iter_plan(input_path: str | Path, out_dir: str | Path, config_path: str | Path | None = None,
              today: dt.date | None = None) -> Iterator[ShardTask | Plan]:
    """:func:`plan_run` as a stream: yields each pending shard as soon as its input file is written
    (so workers can extract it while the rest of the archive is read), then the finished Plan."""
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

    def flush() -> ShardTask | None:
        if not buffer:
            return None
        pending_before = len(plan.pending)
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
        return plan.pending[-1] if pending_before < len(plan.pending) else None

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
            shard = flush()
            if shard is not None:
                yield shard
        _crash_hook("ingest")
    shard = flush()
    if shard is not None:
        yield shard
    plan.n_duplicates = validator.duplicates
    log.info("planned %d records in %d shards (%d to process)", plan.n_records, len(plan.shard_keys), len(plan.pending))
    yield plan


# ----------------------------------------------------------------------------- process

def warm_worker(config_path: str | None = None) -> int | None:
    """Load what this process's tasks need ahead of the first one: the NLP pipeline, the decision
    rules and the aggregation code. Returns the process id.

    Only a head start (a worker process spends a few seconds importing spaCy and compiling the
    rules): if it fails, the tasks load everything themselves and report the error. A defect of
    the configuration (a rule, lexicon, section or decision file: :class:`ConfigError`) is raised
    at once instead: every task would meet it, and ``nelm run``, which warms up before its flow
    starts, then refuses the run in one line, as it does for a bad ``--config``.
    """
    if not check_configuration(config_path):
        return None
    freeze_loaded_objects()
    return os.getpid()


def check_configuration(config_path: str | None = None) -> bool:
    """Build what a worker builds (the NLP pipeline from the rule, lexicon, section and context
    files; the decision rules; the aggregation code), raising a :class:`ConfigError` for a defect
    of any of those files. Any other failure is only logged (the tasks meet it and report it);
    returns whether everything loaded."""
    from .nlp import build_nlp

    try:
        config = load_config(config_path)
        build_nlp(config)
        from . import aggregate  # noqa: F401  (pandas and the aggregation code)
        from .decision import load_ruleset

        load_ruleset(config.resolve(config.decision.ruleset))
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - the tasks raise it properly
        log.debug("warm-up failed (%s); the tasks will load what they need", type(exc).__name__)
        return False
    return True


def freeze_loaded_objects() -> None:
    """Move every object loaded so far (modules, the NLP pipeline, the rules: ~230,000 objects,
    alive until the process ends) out of the garbage collector's reach: its full collections,
    which a shard's allocations trigger, no longer walk them (~3% of extraction CPU), and a
    worker forked from this process never copies their pages by touching their headers."""
    gc.collect()
    gc.freeze()


def warm_planner() -> None:
    """Load what planning loads on first use, for a process that is waiting anyway (``nelm run``
    while the Prefect server boots): pyarrow's first ``Table.from_pylist`` imports pandas (~0.2 s),
    which would otherwise delay the first shard while every worker waits for it."""
    pa.Table.from_pylist([], schema=INPUT_SCHEMA)


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
    from .nlp import build_nlp, renew_if_grown

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
    renew_if_grown(nlp)  # bounded memory on archives with endless new words
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
AGGREGATION_MENTION_COLUMNS = ("report_id", "patient_id", "label", "text", "start_char", "end_char", "section",
                               "sentence_start", "value_norm", "value_num", "is_negated", "is_uncertain", "is_historical",
                               "is_hypothetical")


def _concat_tables(tables: list[pa.Table], schema: pa.Schema | None) -> pa.Table:
    if tables:
        return pa.concat_tables(tables)
    assert schema is not None
    return schema.empty_table()


def _read_part(path: Path, schema: pa.Schema) -> pa.Table:
    return pq.read_table(path, schema=schema) if path.exists() else schema.empty_table()


AGGREGATION_DOCUMENTS = pa.schema([DOCUMENTS.field(c) for c in AGGREGATION_DOCUMENT_COLUMNS])
AGGREGATION_MENTIONS = pa.schema([TABLES["mentions"].field(c) for c in AGGREGATION_MENTION_COLUMNS])


def _sorted(table: pa.Table, name: str) -> pa.Table:
    from .schema import SORT_KEYS

    if table.num_rows == 0:
        return table
    return table.sort_by([(k, "ascending") for k in SORT_KEYS[name]])


class Stopwatch:
    """Wall-clock seconds per named step, for the run summary."""

    def __init__(self, phases: dict[str, float] | None = None) -> None:
        self.phases: dict[str, float] = dict(phases or {})

    def time(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.phases[name] = round(self.phases.get(name, 0.0) + time.perf_counter() - started, 3)


def finalize(plan: Plan, results: Iterable[ShardResult] = (), phases: dict[str, float] | None = None) -> RunSummary:
    """Assemble, decide and publish in this process: the three finalize steps in a row.

    The Prefect flow runs the same steps as tasks, deciding the patient buckets in parallel.
    """
    clock = Stopwatch(phases)
    assembly = clock.time("assemble", assemble, plan)
    decided = clock.time("decide", lambda: [decide_bucket(bucket, plan.config_path) for bucket in assembly.buckets])
    return publish(plan, assembly, decided, results, clock.phases)


@dataclass(frozen=True)
class DecisionBucket:
    """A range of patients decided together: the folder holding their aggregation inputs."""

    index: int
    path: str
    n_patients: int


@dataclass
class Assembly:
    """What :func:`assemble` leaves for the decision and publish steps (paths and counts only)."""

    run_id: str
    started: float
    records: int
    ok: int
    n_patients: int
    buckets: list[DecisionBucket] = field(default_factory=list)


@dataclass(frozen=True)
class BucketResult:
    index: int
    path: str
    n_patients: int
    counts: dict[str, dict[str, int]]


#: most patients aggregated and decided together (one bucket, one decision task): bounds memory
#: whatever the archive size
PATIENT_CHUNK = 2000
#: below PATIENT_CHUNK, buckets are cut smaller so that at least MIN_BUCKETS decision tasks can
#: share the workers, but never below MIN_CHUNK patients (a Prefect task costs ~160 ms of process
#: time in orchestration, measured with a process pool here: as much as deciding ~300 patients)
MIN_BUCKETS = 4
MIN_CHUNK = 500


def bucket_size(n_patients: int) -> int:
    """Patients per bucket: a function of the patient count alone, never of ``--workers``, so the
    row groups of patients/eligibility.parquet (one per bucket) are the same whatever the runner."""
    return min(PATIENT_CHUNK, max(MIN_CHUNK, -(-n_patients // MIN_BUCKETS)))
#: bucket files open at once while splitting the shards (4 per bucket); more buckets take more passes
OPEN_BUCKETS = 128
BUCKET_TABLES = ("documents", "imaging", "pathology", "mentions")


def assemble(plan: Plan) -> Assembly:
    """Write documents/imaging/pathology/mentions from the shards, and split the rows the patient
    aggregation reads into buckets of :func:`bucket_size` consecutive patient ids.

    Tables are streamed shard by shard (plan order, key order inside a shard): memory holds one
    shard's rows and the sorted patient ids, whatever the archive size. Each shard is read once for
    the output files and the first OPEN_BUCKETS buckets; more buckets take another pass each.
    """
    started = time.perf_counter()
    out = Path(plan.out_dir)
    shard_dirs = [plan.store / key for key in plan.shard_keys]
    missing = [d.name for d in shard_dirs if not (d / "documents.parquet").exists()]
    if missing:
        raise NelmError(f"[N001] {len(missing)} shard(s) did not finish (first: {missing[0]}); run again to resume")
    run_id = hashlib.sha256(("\n".join(plan.shard_keys) + plan.fingerprint).encode()).hexdigest()[:16]
    pipeline_version = f"{__version__}+{plan.fingerprint}"
    ids = _patient_ids(shard_dirs)
    work = out / WORK_DIR / "decide" / run_id
    shutil.rmtree(work, ignore_errors=True)
    size = bucket_size(len(ids))
    buckets = [DecisionBucket(b, str(work / f"bucket-{b:05d}"), len(ids[i:i + size]))
               for b, i in enumerate(range(0, len(ids), size))]
    groups = [buckets[first:first + OPEN_BUCKETS] for first in range(0, len(buckets), OPEN_BUCKETS)] or [[]]
    counted = {"records": 0, "ok": 0}

    with BucketWriter(ids, size, groups[0]) as first_group:

        def shard_tables() -> Iterator[tuple[pa.Table, pa.Table, pa.Table]]:
            for d in shard_dirs:
                documents = pq.read_table(d / "documents.parquet", schema=SHARD_DOCUMENTS)
                n = documents.num_rows
                counted["records"] += n
                counted["ok"] += pc.sum(pc.equal(documents.column("status"), "ok")).as_py() or 0
                documents = documents.append_column(DOCUMENTS.field("pipeline_version"), pa.array([pipeline_version] * n, pa.string()))
                documents = documents.append_column(DOCUMENTS.field("run_id"), pa.array([run_id] * n, pa.string()))
                documents = _sorted(documents.select(DOCUMENTS.names).cast(DOCUMENTS), "documents")
                imaging = _sorted(_read_part(d / "imaging.parquet", TABLES["imaging"]), "imaging")
                pathology = _sorted(_read_part(d / "pathology.parquet", TABLES["pathology"]), "pathology")
                first_group.add(_aggregation_inputs(d, documents, imaging, pathology))
                yield documents, imaging, pathology

        write_parquet_chunks_atomic(shard_tables(), {name: out / f"{name}.parquet" for name in ("documents", "imaging", "pathology")},
                                    schemas=[DOCUMENTS, TABLES["imaging"], TABLES["pathology"]])
    _crash_hook("write")
    _publish_mentions(out, shard_dirs)
    for group in groups[1:]:
        with BucketWriter(ids, size, group) as writer:
            for d in shard_dirs:
                writer.add(_aggregation_inputs(d))
    return Assembly(run_id=run_id, started=started, records=counted["records"], ok=counted["ok"],
                    n_patients=len(ids), buckets=buckets)


def _patient_ids(shard_dirs: list[Path]) -> list[str]:
    """Sorted ids of the patients with at least one ok report."""
    ids: set[str] = set()
    for d in shard_dirs:
        documents = pq.read_table(d / "documents.parquet", columns=["patient_id", "status"])
        ok = documents.filter(pc.equal(documents.column("status"), "ok"))
        ids.update(pc.unique(ok.column("patient_id").drop_null()).to_pylist())
    return sorted(ids)


def _aggregation_inputs(d: Path, documents: pa.Table | None = None, imaging: pa.Table | None = None,
                        pathology: pa.Table | None = None) -> dict[str, pa.Table]:
    """The rows and columns of one shard that the patient aggregation reads. ``documents``,
    ``imaging`` and ``pathology``, when given, are the shard's tables already read and sorted."""
    if documents is None:
        documents = _sorted(pq.read_table(d / "documents.parquet", schema=SHARD_DOCUMENTS), "documents")
    if imaging is None:
        imaging = _sorted(_read_part(d / "imaging.parquet", TABLES["imaging"]), "imaging")
    if pathology is None:
        pathology = _sorted(_read_part(d / "pathology.parquet", TABLES["pathology"]), "pathology")
    mentions_path = d / "mentions.parquet"
    if mentions_path.exists():
        mentions = pq.read_table(mentions_path, columns=list(AGGREGATION_MENTION_COLUMNS))
        labels = pa.array(sorted(AGGREGATION_LABELS), pa.string())
        mentions = mentions.filter(pc.is_in(mentions.column("label"), value_set=labels))
    else:
        mentions = AGGREGATION_MENTIONS.empty_table()
    return {
        "documents": documents.select(list(AGGREGATION_DOCUMENT_COLUMNS)).cast(AGGREGATION_DOCUMENTS),
        "imaging": imaging,
        "pathology": pathology,
        "mentions": mentions,
    }


def _bucket_of(patient_ids: pa.ChunkedArray, ids: "np.ndarray", size: int) -> "np.ndarray":
    """Bucket index of every row; -1 for a patient outside ``ids`` (no ok report) or no id."""
    import numpy as np

    present = ~np.asarray(pc.is_null(patient_ids).to_numpy(zero_copy_only=False), dtype=bool)
    bucket = np.full(len(patient_ids), -1, dtype=np.int64)
    if len(ids) == 0 or not present.any():
        return bucket
    values = np.asarray(patient_ids.drop_null().to_pylist(), dtype=object)
    position = np.searchsorted(ids, values)
    found = position < len(ids)
    found[found] = ids[position[found]] == values[found]
    bucket[np.flatnonzero(present)[found]] = position[found] // size
    return bucket


class BucketWriter:
    """The Arrow files of a group of buckets, open for appending shard after shard (shard order kept)."""

    SCHEMAS = {"documents": AGGREGATION_DOCUMENTS, "imaging": TABLES["imaging"], "pathology": TABLES["pathology"],
               "mentions": AGGREGATION_MENTIONS}

    def __init__(self, ids: list[str], size: int, buckets: list[DecisionBucket]) -> None:
        import numpy as np

        self.sorted_ids = np.asarray(ids, dtype=object)
        self.size = size
        self.buckets = buckets
        self.writers: dict[tuple[int, str], pa.ipc.RecordBatchFileWriter] = {}

    def __enter__(self) -> "BucketWriter":
        try:
            for bucket in self.buckets:
                Path(bucket.path).mkdir(parents=True, exist_ok=True)
                for name in BUCKET_TABLES:
                    self.writers[bucket.index, name] = pa.ipc.new_file(str(Path(bucket.path) / f"{name}.arrow"),
                                                                       self.SCHEMAS[name])
        except BaseException:
            self.close()
            raise
        return self

    def add(self, tables: dict[str, pa.Table]) -> None:
        """Append one shard's aggregation rows to the files of their buckets in this group."""
        import numpy as np

        if not self.buckets:
            return
        lo, hi = self.buckets[0].index, self.buckets[-1].index
        for name, table in tables.items():
            if table.num_rows == 0:
                continue
            which = _bucket_of(table.column("patient_id"), self.sorted_ids, self.size)
            for b in np.unique(which):
                if lo <= b <= hi:
                    self.writers[int(b), name].write_table(table.filter(pa.array(which == b)))

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _read_arrow(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def decide_bucket(bucket: DecisionBucket, config_path: str | None = None) -> BucketResult:
    """Aggregate and decide one bucket of patients (decision_rules.md §7, §8); write its
    ``patients`` and ``eligibility`` rows next to its inputs."""
    from .aggregate import aggregate_patients
    from .decision import decide_frame, frame_records, load_ruleset

    config = load_config(config_path)
    ruleset = load_ruleset(config.resolve(config.decision.ruleset))
    folder = Path(bucket.path)
    frames = {name: _read_arrow(folder / f"{name}.arrow").to_pandas() for name in BUCKET_TABLES}
    # extras: tumor_type and the worst-value columns the §7 discordance re-run and MiNEN rule read
    patients_df = aggregate_patients(frames["documents"], frames["imaging"], frames["pathology"], frames["mentions"],
                                     extras=True)
    eligibility_df = decide_frame(patients_df, ruleset)
    counts: dict[str, dict[str, int]] = {}
    for therapy, status in zip(eligibility_df["therapy"], eligibility_df["status"]):
        counts.setdefault(therapy, {}).setdefault(status, 0)
        counts[therapy][status] += 1
    for name, frame in (("patients", patients_df), ("eligibility", eligibility_df)):
        table = to_table(frame_records(frame), name)  # = frame.to_dict("records"), column-wise
        tmp = folder / f".{name}.arrow.tmp"
        with pa.ipc.new_file(str(tmp), table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, folder / f"{name}.arrow")
    return BucketResult(bucket.index, bucket.path, len(patients_df), counts)


def publish(plan: Plan, assembly: Assembly, decided: Iterable[BucketResult],
            results: Iterable[ShardResult] = (), phases: dict[str, float] | None = None) -> RunSummary:
    """Write patients/eligibility from the decided buckets (in bucket order), clean up, summarise."""
    out = Path(plan.out_dir)
    decided = sorted(decided, key=lambda r: r.index)
    if [r.index for r in decided] != [b.index for b in assembly.buckets]:
        raise NelmError("[N002] some patient buckets were not decided; run again to resume")

    def parts() -> Iterator[tuple[pa.Table, pa.Table]]:
        for result in decided:
            yield tuple(_read_arrow(Path(result.path) / f"{name}.arrow") for name in ("patients", "eligibility"))

    started = time.perf_counter()
    write_parquet_chunks_atomic(parts(), {"patients": out / "patients.parquet", "eligibility": out / "eligibility.parquet"},
                                schemas=[TABLES["patients"], TABLES["eligibility"]])
    counts: dict[str, dict[str, int]] = {}
    for result in decided:
        for therapy, by_status in result.counts.items():
            for status, n in by_status.items():
                counts.setdefault(therapy, {}).setdefault(status, 0)
                counts[therapy][status] += n
    _collect_garbage(out, plan)

    results = list(results)
    summary = RunSummary(
        out_dir=str(out), run_id=assembly.run_id, input=plan.input_path, records=assembly.records, ok=assembly.ok,
        quarantined=assembly.records - assembly.ok, duplicates=plan.n_duplicates,
        extracted=sum(r.n_extracted for r in results), reused_shards=len(plan.shard_keys) - len(plan.pending),
        patients=assembly.n_patients, eligibility=counts, seconds=round(time.perf_counter() - assembly.started, 3),
        phases={**(phases or {}), "publish": round(time.perf_counter() - started, 3)},
    )
    write_bytes_atomic(summary.to_json().encode(), out / WORK_DIR / "run.json")
    return summary


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
    shutil.rmtree(work / "decide", ignore_errors=True)
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
    from .preflight import output_lock

    started = time.perf_counter()
    with output_lock(out_dir):
        clock = Stopwatch()
        plan = clock.time("plan", plan_run, input_path, out_dir, config_path)
        results = []
        extract_started = time.perf_counter()
        for task in plan.pending:
            result = process_shard(task, plan.config_path)
            results.append(result)
            if on_shard:
                on_shard(result)
        clock.phases["extract"] = round(time.perf_counter() - extract_started, 3)
        summary = finalize(plan, results, clock.phases)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary

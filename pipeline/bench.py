"""The nelm benchmark (issue 6): ``python -m pipeline.bench --reports 20000``.

One command, three measurements over the same synthetic archive, and the ratios between them.
Ratios, not absolute times, are what we compare across machines.

Archive
    ``--reports N`` reports written as JSONL under ``--out`` (a temporary folder by default) by
    cycling over ``fixtures/sample_archive``, ``fixtures/imaging`` and ``fixtures/pathology``
    (197 reports, ~158 KB). Every copy gets a unique report id ``B000001-<original id>`` and a
    per-cycle patient id ``C0001-<original patient id>``, so the number of patients (and the
    patient aggregation) grows with N. Written streaming: only the 197 templates are in memory.

(a) stock medspaCy baseline, in-process
    ``medspacy.load()`` with its 1.3.1 defaults (medspaCy tokenizer, PyRuSH sentences,
    TargetMatcher, ConText with medspaCy's default ConText rules) plus :data:`TARGET_RULES`:
    ~40 TargetRules for the concepts nelm extracts (liver lesions, metastasis, liver segments,
    lymph nodes, bone, peritoneum, Ki-67, mitoses, grade, differentiation, SUV, DOTATATE uptake,
    NET, sizes, procedures). Run over the first M valid texts of the archive (``--baseline-reports``,
    default ``min(N, 300)``; it is slow) with ``nlp(text)`` per report, after one warm-up report.

    PyRuSH logs every sentence decision through loguru at DEBUG level, and loguru's stock
    handler prints DEBUG. Two variants are timed:

    * ``(a)  stock``  -- loguru at its default level (DEBUG); the records are formatted exactly as
      for a stock user but the handler writes to ``/dev/null`` instead of the terminal, so the
      printout stays readable (terminal I/O would make it slower still). This is the
      denominator of every ratio.
    * ``(a') quiet`` -- loguru at WARNING, what a user who found the problem would do (nelm sets
      ``LOGURU_LEVEL=WARNING`` itself). Ratios against it are printed too, for honesty.

(b) nelm extraction alone, in-process
    ``build_nlp(load_config())`` then :func:`pipeline.extract.extract_record` (NLP + harvest into
    mention and summary rows) over the same first M texts, and over all N reports streamed from
    the archive (read and validated by nelm's own reader; only the ``extract_record`` calls are
    timed). A report whose extraction raises is counted as ``failed`` (as ``extract_many`` would)
    and its time still counts.

(c) the whole ``nelm run`` as a process
    ``python -m pipeline.cli run ARCHIVE --out DIR --workers W --quiet [--runner R]`` for every W
    in ``--workers`` and R in ``--runners``, each into a fresh folder (no shard reuse): wall clock
    including interpreter and Prefect start-up (a temporary Prefect server), planning, extraction,
    aggregation, decisions and Parquet. ``(c0)`` is :func:`pipeline.run.run_local` (the same
    work without Prefect) in a child interpreter. One unmeasured warm-up ``nelm run`` over the archive's first
    200 reports comes before the measured children (:func:`warm_up`).

Throughput and memory
    reports/s = reports / seconds; KB/s = UTF-8 text KiB / seconds. Ratios use KB/s so that
    subsets with a different mix of report lengths compare fairly. ``(b)/(a)`` uses the same M
    texts for both. Peak RSS of a child run is measured by polling the whole process tree with
    psutil every 0.1 s: ``tree`` is the largest *sum* of RSS over the tree (Prefect server and
    worker processes included; shared pages are counted once per process, so it is an upper
    bound), ``max proc`` the largest single process. For the in-process steps it is the bench
    process's own peak RSS during the step (both pipelines loaded, so it only grows).

Output identity
    Every run's tables are hashed per table: an order-independent digest of the rows (a sum of
    per-row hashes, i.e. the hash of the sorted contents) and a SHA-256 of the file bytes. All runs
    are compared with the first; ``OK`` means equal contents, ``bytes=`` says whether the Parquet
    files are byte-identical too. If a run failed before writing the final tables, its committed
    shard tables are compared instead (marked ``shards``).

Rounds
    ``--repeat R`` (default 3 up to 50,000 reports, else 1): R rounds of (a) then every (c) run.
    Every ratio is computed within a round and the median over the rounds is reported; each row
    is its median round (a real run). The machine's speed drifts by 10-15% over minutes, as much
    as the effects measured: a single pair of runs can land on either side of a target.

Targets (issue 6), printed as PASS/BELOW, enforced only with ``--check``: (c)/(a) >= 10x,
2 workers >= 1.7x one worker, peak RSS < 1.5 GiB (and, across two runs at 10k and 100k, within
20%: compare the ``--json`` files). Fixed start-up costs (Prefect's server ~5-6 s, on the critical
path of every run) dominate small N: the targets are read at the default N = 20,000.

This module is a plain library script: Prefect is only imported by the ``nelm run`` children.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = (
    ROOT / "fixtures" / "sample_archive" / "reports.jsonl",
    ROOT / "fixtures" / "imaging" / "reports.jsonl",
    ROOT / "fixtures" / "pathology" / "reports.jsonl",
)
MIB = 1024 * 1024
TABLE_NAMES = ("documents", "imaging", "pathology", "patients", "eligibility", "mentions")
TARGETS = {"c_over_a": 10.0, "speedup_2w": 1.7, "rss_gib": 1.5}
#: rounds of (a) and every (c) run by default up to REPEAT_LIMIT reports (see default_repeat)
REPEAT_SMALL = 3
REPEAT_LIMIT = 50_000

_ROMAN_OR_DIGIT = r"^(?i:[1-8]|i{1,3}|iv|v|vi{1,3}|viii|[1-8][ab]?)$"
#: (literal, category, pattern): token patterns (list), regexes (str) or the literal itself (None).
TARGET_RULES: tuple[tuple[str, str, Any], ...] = (
    # liver lesions and metastasis
    ("liver lesion", "LIVER_LESION", [{"LOWER": {"IN": ["liver", "hepatic"]}}, {"LOWER": {"IN": ["lesion", "lesions", "mass", "masses", "nodule", "nodules"]}}]),
    ("lesion", "LESION", [{"LOWER": {"IN": ["lesion", "lesions"]}}]),
    ("mass", "LESION", [{"LOWER": {"IN": ["mass", "masses"]}}]),
    ("nodule", "LESION", [{"LOWER": {"IN": ["nodule", "nodules", "nodularity"]}}]),
    ("focus", "LESION", [{"LOWER": {"IN": ["focus", "foci"]}}]),
    ("liver metastasis", "LIVER_METASTASIS", [{"LOWER": {"IN": ["liver", "hepatic"]}}, {"LOWER": {"REGEX": "^metasta"}}]),
    ("metastasis", "METASTASIS", [{"LOWER": {"REGEX": "^metasta"}}]),
    ("mets", "METASTASIS", [{"LOWER": "mets"}]),
    ("hepatic involvement", "LIVER_METASTASIS", None),
    ("tumour burden", "LIVER_METASTASIS", [{"LOWER": {"IN": ["tumour", "tumor"]}}, {"LOWER": "burden"}]),
    # liver segments and lobes
    ("segment", "LIVER_SEGMENT", [{"LOWER": {"IN": ["segment", "segments", "seg"]}}, {"TEXT": {"REGEX": _ROMAN_OR_DIGIT}}]),
    ("S7", "LIVER_SEGMENT", [{"TEXT": {"REGEX": "^S[1-8][ab]?$"}}]),
    ("right lobe", "LIVER_SEGMENT", [{"LOWER": {"IN": ["right", "left", "caudate"]}}, {"LOWER": {"IN": ["lobe", "hepatic"]}}]),
    ("dome", "LIVER_SEGMENT", [{"LOWER": "hepatic"}, {"LOWER": "dome"}]),
    # extrahepatic sites
    ("lymph node", "LYMPH_NODE", [{"LOWER": "lymph"}, {"LOWER": {"IN": ["node", "nodes"]}}]),
    ("lymphadenopathy", "LYMPH_NODE", [{"LOWER": {"IN": ["lymphadenopathy", "adenopathy"]}}]),
    ("nodal", "LYMPH_NODE", [{"LOWER": "nodal"}]),
    ("bone", "BONE", [{"LOWER": {"IN": ["bone", "bones", "osseous", "skeletal", "vertebral", "sclerotic"]}}]),
    ("peritoneal", "PERITONEAL", [{"LOWER": {"IN": ["peritoneal", "peritoneum", "omental", "omentum", "carcinomatosis", "ascites"]}}]),
    ("lung", "LUNG", [{"LOWER": {"IN": ["lung", "lungs", "pulmonary"]}}]),
    ("mesenteric", "MESENTERIC", [{"LOWER": {"IN": ["mesenteric", "mesentery"]}}]),
    # pathology
    ("Ki-67", "KI67", [{"LOWER": {"IN": ["ki", "ki67", "ki-67", "mib"]}}, {"TEXT": "-", "OP": "?"}, {"TEXT": {"IN": ["67", "1"]}, "OP": "?"}]),
    ("Ki-67 index", "KI67", r"(?i)ki-?67\s*(?:index|labell?ing index|proliferation index)?\s*(?:of|:|=|was|is)?\s*(?:<|>|~|≤|≥)?\s*\d+(?:\.\d+)?\s*%"),
    ("mitoses", "MITOSES", [{"LOWER": {"IN": ["mitoses", "mitosis", "mitotic"]}}]),
    ("mitotic count", "MITOSES", r"(?i)\d+(?:\.\d+)?\s*mito(?:ses|sis)\s*(?:/|per)\s*(?:10\s*hpf|2\s*mm2|2\s*mm²|hpf)"),
    ("grade", "GRADE", [{"LOWER": {"IN": ["grade", "g"]}}, {"TEXT": {"REGEX": "^(?i:[123]|i{1,3})$"}}]),
    ("G2", "GRADE", [{"TEXT": {"REGEX": "^G[123]$"}}]),
    ("WHO grade", "GRADE", [{"LOWER": "who"}, {"LOWER": "grade"}]),
    ("well differentiated", "DIFFERENTIATION", [{"LOWER": {"IN": ["well", "moderately", "poorly"]}}, {"TEXT": "-", "OP": "?"}, {"LOWER": "differentiated"}]),
    ("differentiated", "DIFFERENTIATION", [{"LOWER": {"REGEX": "^(well|poorly|moderately)-differentiated$"}}]),
    ("neuroendocrine tumour", "NET", [{"LOWER": "neuroendocrine"}, {"LOWER": {"IN": ["tumour", "tumor", "tumours", "tumors", "neoplasm", "carcinoma"]}}]),
    ("NET", "NET", [{"TEXT": {"IN": ["NET", "NETs", "NEC", "carcinoid"]}}]),
    ("margin", "MARGIN", [{"LOWER": {"IN": ["margin", "margins"]}}]),
    # PET
    ("SUV", "SUV", [{"LOWER": {"IN": ["suv", "suvmax", "suv(max", "suvmax:"]}}]),
    ("SUVmax value", "SUV", r"(?i)suv\s*(?:max)?\s*(?:of|:|=)?\s*\d+(?:\.\d+)?"),
    ("DOTATATE", "SSTR_PET", [{"LOWER": {"REGEX": "dotat[ao]te|dotanoc|dotatoc"}}]),
    ("somatostatin receptor", "SSTR_PET", [{"LOWER": "somatostatin"}, {"LOWER": "receptor"}]),
    ("uptake", "UPTAKE", [{"LOWER": {"IN": ["uptake", "avid", "avidity", "tracer-avid"]}}]),
    ("Krenning", "UPTAKE", [{"LOWER": "krenning"}]),
    # sizes and procedures
    ("size", "SIZE", r"\d+(?:\.\d+)?\s*(?:x\s*\d+(?:\.\d+)?\s*)*(?:mm|cm)\b"),
    ("resection", "PROCEDURE", [{"LOWER": {"IN": ["resection", "resected", "hepatectomy", "segmentectomy", "metastasectomy", "whipple"]}}]),
    ("ablation", "PROCEDURE", [{"LOWER": {"IN": ["ablation", "ablated", "rfa", "mwa"]}}]),
    ("embolization", "PROCEDURE", [{"LOWER": {"IN": ["tace", "tare", "embolization", "embolisation", "chemoembolization", "sirt", "prrt", "y-90", "lutathera"]}}]),
)


# ----------------------------------------------------------------------------- helpers

def _kib(n_bytes: int) -> float:
    return n_bytes / 1024


def _rate(n: float, seconds: float) -> float:
    return n / seconds if seconds > 0 else 0.0


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _describe(proc: Any, root_pid: int | None = None) -> str:
    try:
        cmd = proc.cmdline()
    except Exception:
        return "?"
    text = " ".join(cmd) or proc.name()
    if "pipeline.cli" in text and root_pid is not None and proc.pid != root_pid:
        return "worker (forked)"  # a forked worker keeps the command line of the `nelm run` it was forked from
    for marker, label in (("uvicorn", "prefect server"), ("prefect.server", "prefect server"),
                          ("resource_tracker", "multiprocessing helper"), ("multiprocessing", "worker"),
                          ("distributed", "dask"), ("pipeline.cli", "nelm run (main)"), ("run_local", "run_local")):
        if marker in text:
            return label
    return text[:60]


class PeakRSS:
    """Polls RSS of a process tree (or this process) in a thread; ``tree``/``proc`` peaks in bytes."""

    def __init__(self, pid: int | None = None, interval: float = 0.1) -> None:
        self.pid = pid or os.getpid()
        self.interval = interval
        self.tree = 0
        self.proc = 0
        self.n_procs = 0
        self.per_process: dict[int, list[Any]] = {}  # pid -> [peak rss, short command line]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            return
        total = 0
        for p in procs:
            try:
                rss = p.memory_info().rss
            except psutil.Error:
                continue
            total += rss
            self.proc = max(self.proc, rss)
            entry = self.per_process.get(p.pid)
            if entry is None:
                entry = self.per_process[p.pid] = [0, _describe(p, self.pid)]
            entry[0] = max(entry[0], rss)
        self.tree = max(self.tree, total)
        self.n_procs = max(self.n_procs, len(procs))

    def top(self, n: int = 6) -> list[tuple[str, float]]:
        """The ``n`` processes with the largest peak RSS: (short command line, MiB)."""
        ranked = sorted((e for e in self.per_process.values() if e[0] >= MIB), key=lambda e: -e[0])[:n]
        return [(label, round(rss / MIB, 1)) for rss, label in ranked]

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Step:
    """One measured row of the table."""

    key: str
    label: str
    reports: int = 0
    kib: float = 0.0
    seconds: float = 0.0
    rss_mib: float | None = None
    rss_proc_mib: float | None = None
    cpu_seconds: float | None = None
    load: float | None = None
    ok: bool = True
    failed: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def reports_per_s(self) -> float:
        return _rate(self.reports, self.seconds)

    @property
    def kib_per_s(self) -> float:
        return _rate(self.kib, self.seconds)

    @property
    def kib_per_cpu_s(self) -> float:
        return _rate(self.kib, self.cpu_seconds or 0.0)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(reports_per_s=round(self.reports_per_s, 3), kib_per_s=round(self.kib_per_s, 3),
                 kib_per_cpu_s=round(self.kib_per_cpu_s, 3))
        return d


# ----------------------------------------------------------------------------- archive

def _templates(paths: Sequence[Path] = FIXTURES) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def build_archive(n: int, path: str | Path, templates: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write ``n`` reports to ``path`` (JSONL) by cycling over the fixtures; returns counts."""
    templates = list(templates or _templates())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text_bytes = 0
    patients: set[str] = set()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            cycle, j = divmod(i, len(templates))
            row = dict(templates[j])
            row["report_id"] = f"B{i + 1:06d}-{row.get('report_id')}"
            if row.get("patient_id"):
                row["patient_id"] = f"C{cycle + 1:04d}-{row['patient_id']}"
                patients.add(row["patient_id"])
            if isinstance(row.get("text"), str):
                text_bytes += len(row["text"].encode("utf-8"))
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"path": str(path), "reports": n, "patients": len(patients), "text_kib": round(_kib(text_bytes), 1),
            "file_mib": round(path.stat().st_size / MIB, 2)}


def iter_records(archive: str | Path, limit: int | None = None) -> Iterator[Any]:
    """Valid nelm Records of the archive, streamed through nelm's own reader and validator."""
    from .config import load_config
    from .ingest import Validator, read_archive

    config = load_config()
    validator = Validator(config)
    n = 0
    for raw in read_archive(archive, config):
        record = validator.validate(raw)
        if record is None or not record.ok:
            continue
        yield record
        n += 1
        if limit is not None and n >= limit:
            return


# ----------------------------------------------------------------------------- (a) stock medspaCy

def build_baseline():
    """``medspacy.load()`` with its defaults plus :data:`TARGET_RULES` on its TargetMatcher."""
    import medspacy
    from medspacy.target_matcher import TargetRule

    nlp = medspacy.load()
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(literal, category, pattern=pattern) for literal, category, pattern in TARGET_RULES])
    return nlp


@contextlib.contextmanager
def loguru_level(level: str) -> Iterator[str]:
    """Loguru's default handler (format, colour off) at ``level``, written to /dev/null."""
    from loguru import logger

    devnull = open(os.devnull, "w", encoding="utf-8")
    logger.remove()
    handler = logger.add(devnull, level=level, colorize=False)
    try:
        yield level
    finally:
        logger.remove(handler)
        devnull.close()
        logger.add(sys.stderr, level=os.environ.get("LOGURU_LEVEL", "DEBUG"))


def measure_baseline(texts: Sequence[str], level: str = "DEBUG", nlp: Any = None) -> Step:
    started = time.perf_counter()
    nlp = nlp or build_baseline()
    load_s = time.perf_counter() - started
    n_ents = 0
    with loguru_level(level), PeakRSS() as peak:
        if texts:
            nlp(texts[0])  # warm-up, not timed
        load0, c0, t0 = _load(), time.process_time(), time.perf_counter()
        for text in texts:
            n_ents += len(nlp(text).ents)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    key, label = ("a", "(a)  stock medspaCy, loguru DEBUG") if level == "DEBUG" else \
        ("a_quiet", f"(a') stock medspaCy, loguru {level}")
    return Step(key, label, len(texts), _kib(sum(len(t.encode("utf-8")) for t in texts)), seconds,
                rss_mib=peak.proc / MIB, cpu_seconds=cpu, load=max(load0, _load()), note=f"{n_ents} targets",
                extra={"load_seconds": round(load_s, 3), "pipe_names": nlp.pipe_names, "target_rules": len(TARGET_RULES),
                       "targets": n_ents, "loguru_level": level})


# ----------------------------------------------------------------------------- (b) nelm extraction

def measure_nelm(records: Iterator[Any] | Sequence[Any], key: str, label: str) -> Step:
    """Time ``extract_record`` alone over the records (streamed; results are dropped)."""
    from .config import load_config
    from .extract import extract_record
    from .nlp import build_nlp

    started = time.perf_counter()
    nlp = build_nlp(load_config())
    load_s = time.perf_counter() - started
    seconds = cpu = 0.0
    load = _load()
    n = failed = n_bytes = n_mentions = 0
    errors: dict[str, int] = {}
    warmed = False
    with PeakRSS() as peak:
        for record in records:
            if not warmed:
                with contextlib.suppress(Exception):
                    extract_record(nlp, record)  # warm-up, not timed
                warmed = True
            c0, t0 = time.process_time(), time.perf_counter()
            try:
                result = extract_record(nlp, record)
                n_mentions += len(result.mentions)
            except Exception as exc:  # as extract_many: a failure is data, its time still counts
                failed += 1
                name = type(exc).__name__
                errors[name] = errors.get(name, 0) + 1
            seconds += time.perf_counter() - t0
            cpu += time.process_time() - c0
            n += 1
            if n % 500 == 0:
                load = max(load, _load())
            n_bytes += len(record.text.encode("utf-8"))
    note = f"{n_mentions} mentions"
    if failed:
        note += f"; {failed} FAILED ({', '.join(f'{k} x{v}' for k, v in sorted(errors.items()))})"
    return Step(key, label, n, _kib(n_bytes), seconds, rss_mib=peak.proc / MIB, cpu_seconds=cpu, load=max(load, _load()),
                failed=failed, note=note,
                extra={"load_seconds": round(load_s, 3), "mentions": n_mentions, "errors": errors})


# ----------------------------------------------------------------------------- (c) whole runs

def run_process(cmd: Sequence[str], log_path: Path, key: str, label: str, reports: int, kib: float,
                env: dict[str, str] | None = None) -> Step:
    """Run ``cmd`` as a child, polling its process tree's RSS; wall clock from spawn to exit."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    load = _load()
    with log_path.open("wb") as log:
        c0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=log, stderr=subprocess.STDOUT, env=env or os.environ.copy())
        with PeakRSS(proc.pid) as peak:
            while True:
                try:
                    rc = proc.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    load = max(load, _load())
        seconds, cpu = time.perf_counter() - t0, _children_cpu() - c0
    step = Step(key, label, reports, kib, seconds, rss_mib=peak.tree / MIB, rss_proc_mib=peak.proc / MIB, ok=rc == 0,
                cpu_seconds=cpu, load=max(load, _load()),
                extra={"cmd": list(cmd), "returncode": rc, "log": str(log_path), "max_processes": peak.n_procs,
                       "process_peaks_mib": peak.top()})
    if rc != 0:
        tail = [ln for ln in log_path.read_text(errors="replace").splitlines() if ln.strip()]
        last = next((ln for ln in reversed(tail) if "Error" in ln or "nelm:" in ln), tail[-1] if tail else "")
        step.note = f"FAILED rc={rc}: {last.strip()[:160]} (log: {log_path})"
    return step


def run_phases(out: Path) -> dict[str, float]:
    """Wall-clock seconds per step of a finished run, from its ``.nelm/run.json`` (empty if absent)."""
    try:
        return dict(json.loads((out / ".nelm" / "run.json").read_text()).get("phases") or {})
    except (OSError, ValueError):
        return {}


def nelm_run_cmd(archive: Path, out: Path, workers: int, runner: str) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(archive), "--out", str(out), "--workers", str(workers), "--quiet"]
    if runner != "local":
        cmd += ["--runner", runner]
    return cmd


def run_local_cmd(archive: Path, out: Path) -> list[str]:
    code = ("import os, sys; os.environ.setdefault('LOGURU_LEVEL', 'WARNING'); "
            "from pipeline.run import run_local; s = run_local(sys.argv[1], sys.argv[2]); print(s.to_json())")
    return [sys.executable, "-c", code, str(archive), str(out)]


# ----------------------------------------------------------------------------- output identity

def _row_digest(row: dict[str, Any]) -> int:
    blob = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(blob, digest_size=16).digest(), "big")


def _table_files(out: Path, name: str) -> tuple[list[Path], str]:
    final = out / f"{name}.parquet"
    if final.is_dir():
        return sorted(final.glob("*.parquet")), "final"
    if final.is_file():
        return [final], "final"
    shards = sorted((out / ".nelm" / "shards").glob(f"*/*/{name}.parquet"))
    return shards, "shards" if shards else "missing"


def table_digests(out: str | Path) -> dict[str, dict[str, Any]]:
    """Per table: rows, an order-independent content hash (hash of the sorted rows), a bytes hash."""
    import pyarrow.parquet as pq

    digests: dict[str, dict[str, Any]] = {}
    for name in TABLE_NAMES:
        files, source = _table_files(Path(out), name)
        content, rows = 0, 0
        raw = hashlib.sha256()
        schema = None
        for path in files:
            pf = pq.ParquetFile(path)
            schema = schema or str(pf.schema_arrow)
            for batch in pf.iter_batches(batch_size=20_000):
                for row in batch.to_pylist():
                    content = (content + _row_digest(row)) % (1 << 128)
                    rows += 1
            raw.update(path.name.encode() if source == "final" else b"")
            raw.update(path.read_bytes())
        content_hash = hashlib.sha256(f"{schema}\n{content:032x}".encode()).hexdigest()[:16] if files else None
        digests[name] = {"source": source, "files": len(files), "rows": rows, "content": content_hash,
                         "bytes": raw.hexdigest()[:16] if files else None}
    documents = Path(out) / "documents.parquet"
    version = None
    if documents.is_file():
        column = pq.read_table(documents, columns=["pipeline_version"]).column(0)
        version = column[0].as_py() if len(column) else None
    digests["_version"] = {"pipeline_version": version}
    return digests


def compare_outputs(digests: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Each table of every run against the first run: OK / MISMATCH / MISSING."""
    runs = list(digests)
    result: dict[str, dict[str, Any]] = {}
    if len(runs) < 2:
        return result
    ref = runs[0]
    versions = {run: (digests[run].get("_version") or {}).get("pipeline_version") for run in runs}
    for name in TABLE_NAMES:
        a = digests[ref][name]
        verdicts, bytes_same = [], []
        for other in runs[1:]:
            b = digests[other][name]
            if a["content"] is None or b["content"] is None:
                verdicts.append("MISSING")
            elif versions[ref] and versions[other] and versions[ref] != versions[other]:
                verdicts.append("NOT-COMPARABLE")
            else:
                verdicts.append("OK" if (a["content"], a["rows"]) == (b["content"], b["rows"]) else "MISMATCH")
            bytes_same.append(a["bytes"] is not None and a["bytes"] == b["bytes"])
        status = "OK" if all(v == "OK" for v in verdicts) else next(
            v for v in ("MISMATCH", "NOT-COMPARABLE", "MISSING") if v in verdicts)
        result[name] = {"status": status, "reference": ref, "runs": runs[1:], "per_run": verdicts,
                        "bytes_identical": all(bytes_same), "rows": a["rows"], "source": a["source"],
                        "versions": versions}
    return result


# ----------------------------------------------------------------------------- report

def _ratio(num: Step | None, den: Step | None, cpu: bool = False) -> float | None:
    if num is None or den is None or not num.ok or not den.ok:
        return None
    x, y = (num.kib_per_cpu_s, den.kib_per_cpu_s) if cpu else (num.kib_per_s, den.kib_per_s)
    return x / y if x > 0 and y > 0 else None


def compute_ratios(steps: dict[str, Step]) -> dict[str, float | None]:
    a, a_q = steps.get("a"), steps.get("a_quiet")
    ratios: dict[str, float | None] = {}
    for key, step in steps.items():
        if key.startswith(("b", "c")):
            ratios[f"{key}/a"] = _ratio(step, a)
            ratios[f"{key}/a@cpu"] = _ratio(step, a, cpu=True)
            if a_q is not None:
                ratios[f"{key}/a_quiet"] = _ratio(step, a_q)
    one = steps.get("c_local_w1")
    for key, step in steps.items():
        if key.startswith("c_") and key != "c_local_w1" and one is not None and step.ok and one.ok and step.seconds > 0:
            ratios[f"speedup_{key.removeprefix('c_')}"] = one.seconds / step.seconds
    return ratios


def _fmt(x: float | None, spec: str = ",.1f") -> str:
    return "n/a" if x is None else format(x, spec)


def _times(x: float | None) -> str:
    return "   n/a" if x is None else f"{x:5.1f}x"


def format_report(result: dict[str, Any]) -> str:
    steps: dict[str, Step] = result["steps"]
    ratios = result["ratios"]
    arc = result["archive"]
    out = io.StringIO()
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"nelm benchmark: N={arc['reports']:,} reports ({arc['text_kib']:,.0f} KiB of text, {arc['patients']:,} patients), "
      f"M={result['baseline_reports']:,} baseline reports")
    env = result["environment"]
    p(f"machine: {env['cpus']} CPUs, Python {env['python']}, spaCy {env['spacy']}, medspaCy {env['medspacy']}, "
      f"nelm {env['nelm']} (extractor fingerprint {env['fingerprint']})")
    if "a" in steps or "a_quiet" in steps:
        p("baseline loguru: (a) stock default level DEBUG (PyRuSH debug records formatted, written to /dev/null); "
          "(a') LOGURU_LEVEL=WARNING")
    p("")
    header = (f"{'step':<44} {'reports':>8} {'KiB':>9} {'seconds':>9} {'reports/s':>10} {'KiB/s':>9} "
              f"{'peak RSS MiB':>16} {'cpu s':>8} {'load':>5}  notes")
    p(header)
    p("-" * len(header))
    for step in steps.values():
        rss = "n/a" if step.rss_mib is None else f"{step.rss_mib:,.0f}"
        if step.rss_proc_mib is not None:
            rss = f"{step.rss_mib:,.0f} ({step.rss_proc_mib:,.0f})"
        status = "" if step.ok else "FAILED "
        p(f"{step.label:<44} {step.reports:>8,} {step.kib:>9,.0f} {step.seconds:>9.2f} "
          f"{_fmt(step.reports_per_s if step.ok else None):>10} {_fmt(step.kib_per_s if step.ok else None):>9} {rss:>16} "
          f"{_fmt(step.cpu_seconds, '.1f'):>8} {_fmt(step.load, '.1f'):>5}  "
          f"{status if not step.note.startswith('FAILED') else ''}{step.note}")
    p("peak RSS of a child run: tree sum (largest single process); in-process steps: the bench process")
    p("cpu s: CPU seconds of the step (children: user+sys of the whole process tree); load: highest 1-min load average seen")
    for step in steps.values():
        peaks = step.extra.get("process_peaks_mib")
        if peaks:
            p(f"  {step.label.strip()}: " + ", ".join(f"{label} {mib:,.0f}" for label, mib in peaks))
    timed = [(step, step.extra.get("phases")) for step in steps.values() if step.extra.get("phases")]
    if timed:
        p("seconds per step of a run (the rest of its wall clock: interpreter start, imports, Prefect server):")
        for step, phases in timed:
            p(f"  {step.label.strip()}: " + ", ".join(f"{name} {sec:,.1f}" for name, sec in phases.items())
              + f"; other {max(step.seconds - sum(phases.values()), 0.0):,.1f}")
    repeat = result.get("repeat", 1)
    rounds = result.get("ratio_rounds") or {}
    if repeat > 1:
        p(f"{repeat} rounds of (a) and every (c) run: each row is its median round (all rounds' seconds below); "
          "each ratio is the median of the ratios measured within a round")
        for step in steps.values():
            if step.extra.get("rounds_seconds"):
                p(f"  {step.label.strip()}: " + ", ".join(f"{sec:,.2f}" for sec in step.extra["rounds_seconds"]) + " s")

    def spread(key: str, unit: str = "x") -> str:
        values = rounds.get(key) or []
        return f" (rounds: {', '.join(f'{v:.2f}{unit}' for v in values)})" if len(values) > 1 else ""

    p("")
    p("throughput ratios (KiB/s over KiB/s; stock = (a), quiet = (a')):")
    for key, step in steps.items():
        if not key.startswith(("b", "c")):
            continue
        target = ""
        if key in ten_x_runs(steps) and ratios.get(f"{key}/a") is not None:
            target = "  PASS (>= 10x)" if ratios[f"{key}/a"] >= TARGETS["c_over_a"] else "  BELOW target 10x"
        quiet = f"   vs quiet {_times(ratios.get(f'{key}/a_quiet'))}" if "a_quiet" in steps else ""
        on_cpu = f"   on CPU time {_times(ratios.get(f'{key}/a@cpu'))}"
        p(f"  {step.label:<44} vs stock {_times(ratios.get(f'{key}/a'))}{quiet}{on_cpu}{target}{spread(f'{key}/a')}")
    for key, value in ratios.items():
        if not key.startswith("speedup_"):
            continue
        verdict = ""
        if key == "speedup_local_w2" and value is not None:
            verdict = "  PASS (>= 1.7x)" if value >= TARGETS["speedup_2w"] else "  BELOW target 1.7x"
        p(f"  speed-up {key.removeprefix('speedup_')} over local_w1 (wall clock): {'n/a' if value is None else f'{value:.2f}x'}"
          f"{verdict}{spread(key)}")
    rss_runs = [s.rss_mib for k, s in steps.items() if k.startswith("c") and s.rss_mib is not None]
    if rss_runs:
        worst = max(rss_runs) / 1024
        p(f"  largest peak RSS of a run (tree sum): {worst:.2f} GiB  {'PASS' if worst < TARGETS['rss_gib'] else 'ABOVE'} (< 1.5 GiB)")
    comparison = result.get("identity") or {}
    if comparison:
        first = next(iter(comparison.values()))
        p("")
        p(f"output identity vs {first['reference']} ({', '.join(first['runs'])}):")
        for name, c in comparison.items():
            extra = "" if c["source"] == "final" else f"  [{c['source']}]"
            p(f"  {name:<12} {c['status']:<9} rows={c['rows']:<9,} bytes={'identical' if c['bytes_identical'] else 'differ'}{extra}")
    for warning in result.get("warnings", []):
        p(f"WARNING: {warning}")
    return out.getvalue()


# ----------------------------------------------------------------------------- main

def _environment() -> dict[str, Any]:
    import medspacy
    import spacy

    from . import __version__
    from .config import load_config
    from .run import fingerprint

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "spacy": spacy.__version__, "medspacy": getattr(medspacy, "__version__", "?"), "nelm": __version__,
            "fingerprint": fingerprint(load_config())}


WARM_UP_REPORTS = 200


def warm_up(archive: Path, out: Path, workers: int, runner: str, say: Any, warnings: list[str]) -> None:
    """One unmeasured ``nelm run`` over the archive's first WARM_UP_REPORTS lines before the measured
    children: the first child of a benchmark was repeatedly 8-14 s slower than the same command run
    again (a cold Prefect database and file cache), which skewed whichever run came first."""
    small = out / "archive" / "warm-up.jsonl"
    with archive.open("rb") as src, small.open("wb") as dst:
        for _, line in zip(range(WARM_UP_REPORTS), src):
            dst.write(line)
    dest = out / "runs" / "warm-up"
    shutil.rmtree(dest, ignore_errors=True)
    say(f"warm-up nelm run --workers {workers} over {WARM_UP_REPORTS} reports (not measured)")
    step = run_process(nelm_run_cmd(small, dest, workers, runner), out / "logs" / "warm-up.log", "warm_up", "warm-up",
                       WARM_UP_REPORTS, 0.0)
    if not step.ok:
        warnings.append(f"the warm-up run failed: {step.note}")
    shutil.rmtree(dest, ignore_errors=True)


def default_repeat(n: int) -> int:
    """Rounds when ``--repeat`` is not given: :data:`REPEAT_SMALL` up to :data:`REPEAT_LIMIT` reports
    (runs of a minute or two, where the machine's drift between two runs is as large as the effects
    measured), else one."""
    return REPEAT_SMALL if n <= REPEAT_LIMIT else 1


def median_step(steps: Sequence[Step]) -> Step:
    """The round whose wall clock is the median (the lower one of two middle values): a real run,
    so its memory and CPU columns belong to the seconds shown. A failed round is returned instead."""
    failed = [s for s in steps if not s.ok]
    ranked = sorted(steps, key=lambda s: s.seconds)
    chosen = failed[0] if failed else ranked[(len(ranked) - 1) // 2]  # a failed round is never hidden
    if len(steps) > 1:
        chosen.extra["rounds_seconds"] = [round(s.seconds, 3) for s in steps]
    return chosen


def median_ratios(per_round: Sequence[dict[str, float | None]]) -> tuple[dict[str, float | None], dict[str, list[float]]]:
    """Each ratio's median over the rounds (rounds where it is n/a left out), and its per-round values."""
    keys = list(dict.fromkeys(k for ratios in per_round for k in ratios))
    merged: dict[str, float | None] = {}
    values: dict[str, list[float]] = {}
    for key in keys:
        found = [r[key] for r in per_round if r.get(key) is not None]
        values[key] = found
        merged[key] = statistics.median(found) if found else None
    return merged, values


def run_benchmark(n: int, out: str | Path, workers: Sequence[int] = (1, 2), runners: Sequence[str] = ("local",),
                  baseline_reports: int | None = None, skip_baseline: bool = False, quiet_baseline: bool = True,
                  skip_full: bool = False, skip_local: bool = False, skip_identity: bool = False,
                  repeat: int = 1, echo: Any = None) -> dict[str, Any]:
    """All measurements; returns {"archive", "steps", "ratios", "identity", ...} (see module doc).

    ``repeat`` rounds of (a) then every (c) run: each ratio is computed within a round (measurements
    minutes apart, not tens of minutes), and the median over the rounds is reported; each row shows
    its median round. (b) and (c0) run once."""
    say = echo or (lambda msg: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    m = min(n, 300) if baseline_reports is None else min(baseline_reports, n)
    env = _environment()
    say(f"building archive of {n:,} reports")
    archive = build_archive(n, out / "archive" / "reports.jsonl")
    archive_path = Path(archive["path"])
    steps: dict[str, Step] = {}
    warnings: list[str] = []

    first = list(iter_records(archive_path, limit=m))
    texts = [r.text for r in first]
    n_first = len(first)
    base_nlp = None if skip_baseline else build_baseline()
    rounds: list[dict[str, Step]] = []

    def of_round(r: int) -> str:
        return f" (round {r + 1} of {repeat})" if repeat > 1 else ""

    def measure_a(round_steps: dict[str, Step], r: int) -> None:
        if base_nlp is None:
            return
        say(f"(a) stock medspaCy over {len(texts)} reports{of_round(r)}")
        round_steps["a"] = measure_baseline(texts, "DEBUG", base_nlp)
        if quiet_baseline:
            round_steps["a_quiet"] = measure_baseline(texts, "WARNING", base_nlp)

    rounds.append({})
    measure_a(rounds[0], 0)
    say(f"(b) nelm extraction over {len(first)} and {n:,} reports")
    steps["b_m"] = measure_nelm(first, "b_m", "(b)  nelm extraction, same M texts")
    del first
    if not skip_full:
        steps["b_n"] = measure_nelm(iter_records(archive_path), "b_n", "(b)  nelm extraction, all N")

    n_valid = sum(1 for _ in iter_records(archive_path)) if skip_full else steps["b_n"].reports
    kib = archive["text_kib"]
    outputs: dict[str, Path] = {}
    if workers and runners:
        warm_up(archive_path, out, max(workers), runners[0], say, warnings)
    if not skip_local:
        dest = out / "runs" / "run_local"
        shutil.rmtree(dest, ignore_errors=True)
        say("(c0) run_local")
        steps["c0_local"] = run_process(run_local_cmd(archive_path, dest), out / "logs" / "run_local.log", "c0_local",
                                        "(c0) run_local (no Prefect, 1 process)", n, kib)
        outputs["run_local"] = dest
        steps["c0_local"].extra["phases"] = run_phases(dest)
    for r in range(repeat):
        if r > 0:
            rounds.append({})
            measure_a(rounds[r], r)
        for runner in runners:
            for w in workers:
                name = f"{runner}_w{w}"
                dest = out / "runs" / name
                shutil.rmtree(dest, ignore_errors=True)
                say(f"(c) nelm run --workers {w} --runner {runner}{of_round(r)}")
                key = f"c_{name}"
                log = out / "logs" / (f"{name}.log" if repeat == 1 else f"{name}.round{r + 1}.log")
                step = run_process(nelm_run_cmd(archive_path, dest, w, runner), log, key,
                                   f"(c)  nelm run --workers {w}" + ("" if runner == "local" else f" --runner {runner}"),
                                   n, kib)
                step.extra["phases"] = run_phases(dest)
                rounds[r][key] = step
                outputs[name] = dest  # the last round's tables are compared
    per_round_ratios = [compute_ratios({**steps, **round_steps}) for round_steps in rounds]
    for key in dict.fromkeys(k for round_steps in rounds for k in round_steps):
        steps[key] = median_step([round_steps[key] for round_steps in rounds if key in round_steps])
    steps = {k: steps[k] for k in sorted(steps, key=_row_order)}
    if n_valid != n:
        warnings.append(f"{n - n_valid} of {n} archive reports are quarantined by validation (not extracted)")
    for step in steps.values():
        if not step.ok or step.failed:
            warnings.append(f"{step.label.strip()}: {step.note}")
    busy = max((s.load or 0.0 for s in steps.values()), default=0.0)
    if busy > (os.cpu_count() or 1):
        warnings.append(f"machine busy: 1-min load average reached {busy:.1f} on {os.cpu_count()} CPUs; wall-clock "
                        "numbers are inflated, compare the CPU-time ratios and rerun on an idle machine")

    identity: dict[str, Any] = {}
    digests: dict[str, Any] = {}
    if not skip_identity and len(outputs) >= 2:
        say("hashing outputs")
        # compare the Prefect runs with each other first (W=1 is the reference), then run_local
        order = [k for k in outputs if k != "run_local"] + [k for k in outputs if k == "run_local"]
        digests = {k: table_digests(outputs[k]) for k in order}
        identity = compare_outputs(digests)
        if any(c["status"] == "MISMATCH" for c in identity.values()):
            warnings.append("outputs differ between runs (see output identity)")
        if any(c["status"] == "NOT-COMPARABLE" for c in identity.values()):
            warnings.append("runs used different extractor versions (pipeline_version): code or rules were edited "
                            "during the benchmark; benchmark a frozen copy of the tree (see bench/README.md)")
    env_after = _environment()["fingerprint"]
    if env_after != env["fingerprint"]:
        warnings.append(f"extractor fingerprint changed during the benchmark ({env['fingerprint']} -> {env_after}): "
                        "someone edited extractors/configs; runs are not comparable")
    result = {"archive": archive, "baseline_reports": n_first, "environment": env,
              "steps": steps, "warnings": warnings, "identity": identity, "digests": digests}
    result["ratios"], result["ratio_rounds"] = median_ratios(per_round_ratios)
    result["repeat"] = repeat
    return result


def _row_order(key: str) -> int:
    """Table order: (a), (a'), (b), (c0), then the (c) runs in the order measured (a stable sort)."""
    return {"a": 0, "a_quiet": 1, "b_m": 2, "b_n": 3, "c0_local": 4}.get(key, 5)


def ten_x_runs(steps: dict[str, Step]) -> set[str]:
    """The `nelm run` rows the 10x target applies to: the run as users start it, with the default
    ``--workers`` (all cores), or the most workers measured when that was not run. Runs with fewer
    workers are there for the speed-up target."""
    runs = {key: int(key.rsplit("_w", 1)[1]) for key in steps if key.startswith("c_") and "_w" in key}
    if not runs:
        return set()
    default = os.cpu_count() or 1
    wanted = default if default in runs.values() else max(runs.values())
    return {key for key, w in runs.items() if w == wanted}


def targets_met(result: dict[str, Any]) -> list[str]:
    """Targets missed (empty when all measured targets are met)."""
    missed = []
    ratios, steps = result["ratios"], result["steps"]
    for key, step in steps.items():
        value = ratios.get(f"{key}/a")
        if key in ten_x_runs(steps) and value is not None and value < TARGETS["c_over_a"]:
            missed.append(f"{step.label.strip()}: (c)/(a) = {value:.1f}x < 10x")
        if key.startswith("c") and step.rss_mib is not None and step.rss_mib / 1024 >= TARGETS["rss_gib"]:
            missed.append(f"{step.label.strip()}: peak RSS {step.rss_mib:,.0f} MiB >= 1.5 GiB")
        if not step.ok:
            missed.append(f"{step.label.strip()}: failed")
    speedup = ratios.get("speedup_local_w2")
    if speedup is not None and speedup < TARGETS["speedup_2w"]:
        missed.append(f"2 workers / 1 worker = {speedup:.2f}x < 1.7x")
    statuses = {c["status"] for c in result.get("identity", {}).values()}
    if statuses - {"OK"}:
        missed.append(f"output identity: {', '.join(sorted(statuses - {'OK'}))}")
    return missed


def to_json(result: dict[str, Any]) -> dict[str, Any]:
    data = dict(result)
    data["steps"] = {k: s.as_dict() for k, s in result["steps"].items()}
    data["targets"] = TARGETS
    data["targets_missed"] = targets_met(result)
    return data


def _int_list(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()] if value.strip() else []


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Methodology: see the module docstring and bench/README.md.")
    p.add_argument("--reports", type=int, default=20000,
                   help="archive size N (default 20000, the size issue 6's targets are read at; --smoke for a quick check)")
    p.add_argument("--workers", default="1,2", help="comma list of --workers values for `nelm run` ('' = skip)")
    p.add_argument("--runners", default="local", help="comma list of runners: local,dask (default local)")
    p.add_argument("--baseline-reports", type=int, default=None, help="M reports for (a) and (b)-same-texts (default min(N, 300))")
    p.add_argument("--skip-baseline", action="store_true", help="skip (a) stock medspaCy")
    p.add_argument("--no-quiet-baseline", action="store_true", help="skip (a') medspaCy with loguru at WARNING")
    p.add_argument("--skip-full", action="store_true", help="skip (b) over all N (only the M texts)")
    p.add_argument("--skip-local", action="store_true", help="skip (c0) run_local")
    p.add_argument("--skip-run", action="store_true", help="skip every `nelm run` child (same as --workers '')")
    p.add_argument("--out", help="work folder (archive, run outputs, logs); default a temporary folder, removed after")
    p.add_argument("--json", help="write every number here as JSON")
    p.add_argument("--repeat", type=int, default=None,
                   help=f"rounds of (a) and every (c) run; medians are reported (default {REPEAT_SMALL} up to "
                        f"{REPEAT_LIMIT:,} reports, else 1)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed, a run fails or outputs differ")
    p.add_argument("--smoke", action="store_true", help="CI preset: --reports 60 --baseline-reports 20 --workers 1 --no-quiet-baseline")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if args.smoke:
        args.reports, args.workers, args.no_quiet_baseline = 60, "1", True
        args.repeat = args.repeat or 1
        args.baseline_reports = args.baseline_reports or 20
    workers = [] if args.skip_run else _int_list(args.workers)
    runners = [r.strip() for r in args.runners.split(",") if r.strip()]
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="nelm-bench-"))
    echo = lambda msg: print(f"[bench] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    try:
        result = run_benchmark(args.reports, out, workers=workers, runners=runners,
                               baseline_reports=args.baseline_reports, skip_baseline=args.skip_baseline,
                               quiet_baseline=not args.no_quiet_baseline, skip_full=args.skip_full,
                               skip_local=args.skip_local, echo=echo,
                               repeat=max(1, args.repeat if args.repeat is not None else default_repeat(args.reports)))
    finally:
        if not args.out:
            shutil.rmtree(out, ignore_errors=True)
    print(format_report(result), end="")
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(result), indent=2, default=str))
    missed = targets_met(result)
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())

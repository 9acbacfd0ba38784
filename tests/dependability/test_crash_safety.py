"""Crash safety (issue 7): a run SIGKILLed during ingestion, mid-extraction or mid-write, then
started again, ends with every input record exactly once and tables identical to a run that was
never interrupted. Also the lock on --out.

Kill points are hit deterministically through ``NELM_TEST_CRASH_AT=<point>[:<n>]``
(``pipeline.run.CRASH_POINTS``), which SIGKILLs the process the n-th time the point is reached.
Most kills use a small driver around ``run_local`` in a subprocess (fast); one kills a real
``nelm run`` (Prefect flow). Every subprocess gets its own session so that the whole process
group it started (Prefect's temporary API server included) is cleaned up after the kill.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.preflight import output_lock
from pipeline.run import CRASH_POINTS, run_local
from pipeline.schema import TABLES

from session_process import run_in_session

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"
DRIVER = "import sys; from pipeline.run import run_local; run_local(sys.argv[1], sys.argv[2], sys.argv[3])"


def read_tables(out: Path) -> dict[str, list[str]]:
    tables = {}
    for name, schema in TABLES.items():
        table = pq.read_table(out / f"{name}.parquet").select(schema.names)
        tables[name] = sorted(json.dumps(row, sort_keys=True, default=str) for row in table.to_pylist())
    return tables


def _input_ids(archive: Path) -> list[str]:
    return [json.loads(line)["report_id"] for line in archive.read_text(encoding="utf-8").splitlines() if line.strip()]


def _env(tmp_path: Path, crash: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NELM_TEST_CRASH_AT", None)
    if crash:
        env["NELM_TEST_CRASH_AT"] = crash
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return env


def _run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return run_in_session(args, env, ROOT, timeout)


def _driver(archive: Path, out: Path, cfg: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-c", DRIVER, str(archive), str(out), str(cfg)], env)


def _nelm_run(archive: Path, out: Path, cfg: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "pipeline.cli", *extra, "run", str(archive), "--out", str(out),
                 "--config", str(cfg), "--workers", "1", "--quiet"], env)


def _assert_every_file_whole(out: Path) -> None:
    """After a crash, every table file present is a complete Parquet file (atomic writes)."""
    for path in out.glob("*.parquet"):
        if path.is_dir():
            for part in path.glob("*.parquet"):
                pq.read_metadata(part)
        else:
            pq.read_metadata(path)


class Reference(dict):
    """Tables of uninterrupted runs, keyed by pipeline_version (nelm version + extractor fingerprint), so
    that a comparison is always against a run of the same code even while the code is being edited."""

    def __init__(self, archive: Path, cfg: Path, base: Path) -> None:
        super().__init__()
        self.archive, self.cfg, self.base = archive, cfg, base

    def build(self) -> str:
        out = self.base / f"reference-{len(self)}-{time.time_ns()}"
        done = _driver(self.archive, out, self.cfg, _env(self.base, None))
        assert done.returncode == 0, done.stderr[-3000:]
        version = _version(out)
        self[version] = read_tables(out)
        return version

    def tables(self, version: str) -> dict[str, list[str]]:
        for _ in range(3):
            if version in self:
                break
            self.build()
        return self[version]


def _version(out: Path) -> str:
    (version,) = set(pq.read_table(out / "documents.parquet", columns=["pipeline_version"]).column(0).to_pylist())
    return version


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """The sample archive, a small-shard config and the tables of an uninterrupted run."""
    base = tmp_path_factory.mktemp("crash")
    archive = base / "reports.jsonl"
    shutil.copyfile(SAMPLE, archive)
    cfg = base / "cfg.yaml"
    cfg.write_text("run:\n  shard_size: 8\n")
    reference = Reference(archive, cfg, base)
    reference.build()
    return archive, cfg, reference


def _recover_and_check(archive: Path, out: Path, cfg: Path, reference: Reference) -> None:
    _assert_every_file_whole(out)
    done = _driver(archive, out, cfg, _env(out.parent, None))  # the next run, no crash hook
    assert done.returncode == 0, done.stderr[-3000:]
    docs = pq.read_table(out / "documents.parquet").to_pandas()
    assert sorted(docs.report_id) == sorted(_input_ids(archive)), "every input record exactly once"
    assert len(docs) == 54
    assert read_tables(out) == reference.tables(_version(out))
    assert not list((out / ".nelm" / "inputs").glob("*")), "no shard input left behind"
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".nelm"], "no temp files left"


def test_crash_points_are_the_documented_ones():
    assert CRASH_POINTS == ("ingest", "extract", "write")


@pytest.mark.parametrize("crash", ["ingest:1", "ingest:30", "ingest:54", "extract:1", "extract:3", "write:1"])
def test_crash_sigkill_then_rerun_gives_identical_tables(setup, tmp_path, crash):
    archive, cfg, reference = setup
    out = tmp_path / "out"
    killed = _driver(archive, out, cfg, _env(tmp_path, crash))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    if crash.startswith("write"):
        assert (out / "documents.parquet").exists() and not (out / "eligibility.parquet").exists()
    _recover_and_check(archive, out, cfg, reference)


def test_crash_mid_write_over_a_previous_run_then_rerun(setup, tmp_path):
    """A killed rerun on changed input leaves a mix of old and new tables; the next run repairs it."""
    archive, cfg, reference = setup
    lines = archive.read_text(encoding="utf-8").splitlines()
    older = tmp_path / "older.jsonl"
    older.write_text("\n".join(lines[5:]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _driver(older, out, cfg, _env(tmp_path, None)).returncode == 0
    for crash in ("extract:1", "write:1"):  # two crashes in a row before the good run
        killed = _driver(archive, out, cfg, _env(tmp_path, crash))
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    _recover_and_check(archive, out, cfg, reference)


@pytest.mark.slow
def test_crash_real_nelm_run_killed_mid_extraction_then_nelm_run_again(setup, tmp_path):
    archive, cfg, reference = setup
    out = tmp_path / "out"
    killed = _nelm_run(archive, out, cfg, _env(tmp_path, "extract:2"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    shards = [p for p in (out / ".nelm" / "shards").glob("*/*") if not p.name.startswith(".")]
    assert len(shards) == 1, "one shard committed before the kill"
    _assert_every_file_whole(out)
    done = _nelm_run(archive, out, cfg, _env(tmp_path, None))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "54 reports read" in done.stdout
    docs = pq.read_table(out / "documents.parquet").to_pandas()
    assert sorted(docs.report_id) == sorted(_input_ids(archive))
    assert read_tables(out) == reference.tables(_version(out))


def test_lock_second_run_on_the_same_out_fails_fast(setup, tmp_path):
    archive, cfg, _ = setup
    out = tmp_path / "out"
    with output_lock(out):
        started = time.perf_counter()
        busy = _nelm_run(archive, out, cfg, _env(tmp_path, None))
        elapsed = time.perf_counter() - started
    assert busy.returncode == 3
    assert "lock" in busy.stderr and "another nelm run" in busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1, "one clear line, no traceback"
    assert elapsed < 30
    assert not (out / "documents.parquet").exists()


def test_lock_in_process_run_fails_immediately_while_held(setup, tmp_path):
    from pipeline.errors import OutputLockedError

    archive, cfg, _ = setup
    out = tmp_path / "out"
    with output_lock(out):
        started = time.perf_counter()
        with pytest.raises(OutputLockedError, match="lock"):
            run_local(archive, out, cfg)
        assert time.perf_counter() - started < 1
    run_local(archive, out, cfg)  # released: the next run proceeds

"""Worker processes started by ``nelm run`` before its flow, adopted by Prefect's process pool runner."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from flows import worker_pool
from flows.worker_pool import WORKER_NICENESS, EarlyWorkers, early_runner_class

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"


def _pid_and_niceness(_: int) -> tuple[int, int]:
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def _warm(tag: str) -> int:
    return os.getpid()


@pytest.fixture(scope="module")
def api_url():
    from flows import prefect_env

    return prefect_env.start_shared_server_in_background()()


def _run_probe_flow(runner, api_url: str, n: int = 6) -> list[tuple[int, int]]:
    from prefect import flow, task
    from prefect.settings import PREFECT_API_URL, temporary_settings

    probe = task(_pid_and_niceness, name="probe", persist_result=False)

    @flow(name="worker-pool-probe", persist_result=False)
    def probe_flow(n: int) -> list[tuple[int, int]]:
        return [future.result() for future in probe.map(range(n))]

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        return probe_flow.with_options(task_runner=runner)(n)


def _shut_down(early: EarlyWorkers) -> bool:
    try:
        early.executor.submit(_warm, "late").cancel()
    except RuntimeError:
        return True
    return False


def test_the_flow_runs_its_tasks_on_the_early_workers(api_url):
    early = EarlyWorkers(2, _warm, ("x",))
    warmed = early.warmed()
    assert all(isinstance(pid, int) and pid != os.getpid() for pid in warmed)
    pool_pids = set(early.executor._processes)  # the processes spawned before the flow
    rows = _run_probe_flow(early_runner_class()(max_workers=2, early=early), api_url)
    assert early.adopted
    assert len(rows) == 6 and {pid for pid, _ in rows} <= pool_pids
    expected = min(os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS, 19)
    assert {nice for _, nice in rows} == {expected}
    assert _shut_down(early)  # the runner's exit stopped the pool


def test_a_changed_prefect_runner_falls_back_to_its_own_pool(api_url, monkeypatch):
    monkeypatch.setattr(worker_pool, "PREFECT_RUNNER_ATTRIBUTES",
                        worker_pool.PREFECT_RUNNER_ATTRIBUTES + ("_attribute_a_future_prefect_lacks",))
    early = EarlyWorkers(2, _warm, ("x",))
    early.warmed()
    pool_pids = set(early.executor._processes)
    rows = _run_probe_flow(early_runner_class()(max_workers=2, early=early), api_url, n=2)
    assert not early.adopted and _shut_down(early)
    assert len(rows) == 2 and not {pid for pid, _ in rows} & pool_pids


def test_the_flow_engines_duplicate_takes_the_pool_along():
    early = EarlyWorkers(1)
    try:
        runner = early_runner_class()(max_workers=1, early=early)
        twin = runner.duplicate()
        assert twin._early is early and runner._early is None
        assert twin.duplicate()._early is early  # handed on again, never shared by two runners
        with pytest.raises(ValueError):
            early_runner_class()(max_workers=3, early=early)
    finally:
        early.shutdown()


def test_a_failed_warm_up_is_reported_as_none():
    early = EarlyWorkers(1, _warm_fails)
    try:
        assert early.warmed() == [None]
    finally:
        early.shutdown()
    assert _shut_down(early)


def _warm_fails() -> None:
    raise RuntimeError("no NLP here")


def test_nelm_run_stops_early_workers_its_flow_never_adopted(tmp_path, monkeypatch):
    """A run that fails before its flow starts (here: the server) leaves no worker processes behind."""
    from flows import nelm_run, prefect_env

    def no_server():
        raise RuntimeError("no server")

    monkeypatch.setattr(prefect_env, "start_shared_server_in_background", lambda: no_server)
    early = EarlyWorkers(1)
    with pytest.raises(RuntimeError, match="no server"):
        nelm_run.run_flow(str(tmp_path / "in.jsonl"), str(tmp_path / "out"), workers=2, early_workers=early)
    assert _shut_down(early)


def _thread_and_niceness() -> tuple[str, int]:
    import threading

    return threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")
def test_start_up_work_runs_at_startup_niceness_in_a_thread_of_its_own():
    before = os.getpriority(os.PRIO_PROCESS, 0)
    name, niceness = worker_pool.at_startup_priority(_thread_and_niceness)
    assert name == "nelm-worker-startup" and niceness == max(before, worker_pool.STARTUP_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before  # the calling thread keeps its priority

    def fails() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        worker_pool.at_startup_priority(fails)


def test_a_pipeline_that_fails_to_import_does_not_fail_the_worker_start_up(monkeypatch):
    monkeypatch.setitem(sys.modules, "pipeline.run", None)  # importing it now raises ImportError
    worker_pool._import_prefect_worker_support()  # the tasks import it again and report why


def test_workers_are_forked_only_from_a_process_of_one_thread():
    fresh = subprocess.run([sys.executable, "-c", "from flows.worker_pool import can_fork_workers; print(can_fork_workers())"],
                           capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert fresh.stdout.strip() == str(sys.platform.startswith("linux")), fresh.stderr[-2000:]
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not worker_pool.can_fork_workers()
    finally:
        release.set()
        other.join()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_nelm_run_forks_warmed_workers_and_writes_the_same_tables(tmp_path):
    """In a fresh ``nelm run --workers 2`` (one thread until its flow starts), the workers are
    forked from the process that loaded the pipeline, the flow adopts them, and the tables equal
    those of the in-process run (tests/test_end_to_end.py checks the spawned workers likewise)."""
    from pipeline.bench import table_digests
    from pipeline.run import run_local
    from pipeline.schema import TABLES

    out = tmp_path / "forked"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "-v", "run", str(SAMPLE), "--out", str(out),
                           "--workers", "2", "--quiet"], capture_output=True, text=True, timeout=600, env=env,
                          cwd=str(ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 worker processes started (fork)" in done.stderr
    assert "starting its own worker pool" not in done.stderr  # the flow's runner adopted the forked pool
    run_local(SAMPLE, tmp_path / "local")
    forked, local = table_digests(out), table_digests(tmp_path / "local")
    for name in TABLES:
        assert forked[name]["rows"] > 0 and forked[name]["content"] == local[name]["content"], name


def test_warming_a_process_freezes_what_it_loaded_out_of_the_collectors_reach():
    code = ("import gc\n"
            "from pipeline.run import warm_worker\n"
            "before = gc.get_freeze_count()\n"
            "assert warm_worker(None) is not None\n"
            "print(gc.get_freeze_count() - before)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 100_000  # modules, spaCy and medspaCy, the NLP pipeline, the rules

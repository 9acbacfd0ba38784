"""The nightly job as one Prefect flow: plan -> one task per shard -> assemble -> one task per
bucket of patients -> publish.

Tasks wrap ``pipeline.run`` functions; they carry paths, ids and counts, never report text,
and nothing is persisted as a Prefect result.
"""
from __future__ import annotations

import time
from typing import Callable

from . import prefect_env

prefect_env.configure()

from prefect import flow, task, unmapped  # noqa: E402
from prefect.settings import PREFECT_API_URL, temporary_settings  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner  # noqa: E402

from pipeline import run  # noqa: E402
from pipeline.errors import NelmError  # noqa: E402
from pipeline.preflight import output_lock  # noqa: E402
from pipeline.shard_queue import ShardQueue  # noqa: E402

from .worker_pool import EarlyWorkers, early_runner_class  # noqa: E402


def _retry_transient(task_, task_run, state) -> bool:
    """Retry I/O hiccups; a NelmError (bad archive, bad config) is permanent."""
    try:
        state.result()
    except NelmError:
        return False
    except Exception:
        return True
    return False


#: a generator task: each shard is yielded as soon as its input is written, and extracted by the
#: workers while the rest of the archive is read; the Plan comes last. A retry re-reads the archive
#: from the start (shards already submitted are recognised by key and not submitted twice).
plan_task = task(run.iter_plan, name="plan", persist_result=False, retries=2, retry_delay_seconds=[1, 5],
                 retry_condition_fn=_retry_transient)
shard_task = task(run.process_shard, name="extract-shard", persist_result=False, retries=2,
                  retry_delay_seconds=[1, 5], retry_condition_fn=_retry_transient)
warm_task = task(run.warm_worker, name="warm-worker", persist_result=False)
assemble_task = task(run.assemble, name="assemble", persist_result=False)
decide_task = task(run.decide_bucket, name="decide-patients", persist_result=False, retries=2,
                   retry_delay_seconds=[1, 5], retry_condition_fn=_retry_transient)
publish_task = task(run.publish, name="publish", persist_result=False)


@flow(name="nelm-run", persist_result=False, log_prints=False)
def nelm_run(input_path: str, out_dir: str, config_path: str | None = None,
             on_shard: Callable[[run.ShardResult, int], None] | None = None, separate_workers: bool = False,
             warm_workers: int = 0, in_flight: int | None = None) -> run.RunSummary:
    """Ingest the archive, extract per shard, aggregate, decide, write the six tables.

    With ``separate_workers`` (the task runner's workers are other processes), shards are handed
    out while planning goes on. With worker threads in this process, shards are handed out once
    planning is done: overlapping would only make the two contend for the interpreter lock
    (measured: 15% slower at 100k reports). ``warm_workers`` > 0 first sends that many warm-up
    tasks, so that the workers import spaCy and build the NLP pipeline while this process plans
    (not needed when ``nelm run`` started and warmed its workers itself: flows/worker_pool.py).

    ``in_flight`` caps the shards submitted at a time (``None``: all at once); the next one is then
    the largest still waiting (:class:`pipeline.shard_queue.ShardQueue`), so the run does not end
    on one large shard while the other workers idle.

    The flow holds the lock on ``out_dir`` for its whole run, so a scheduled run and a manual
    ``nelm run`` on the same folder can never interleave writes.
    """
    with output_lock(out_dir):
        clock = run.Stopwatch()
        warming = warm_task.map([config_path] * warm_workers) if warm_workers > 0 else []
        started = time.perf_counter()
        shards = ShardQueue(lambda shard: shard_task.submit(shard, config_path), in_flight)
        plan: run.Plan | None = None
        held: list[run.ShardTask] = []
        for item in plan_task(input_path, out_dir, config_path):
            if isinstance(item, run.Plan):
                plan = item
            elif separate_workers:  # separate worker processes: they extract while this process plans
                shards.add(item)  # a shard yielded again by a retry of the plan task is ignored
            else:  # worker threads of this process: overlapping would only contend for the GIL
                held.append(item)
        assert plan is not None, "the plan task ends with its Plan"
        for item in held:
            shards.add(item)
        clock.phases["plan"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        results = []
        for future in shards.completed():
            result = future.result()
            results.append(result)
            if on_shard is not None:
                on_shard(result, len(plan.pending))
        results.sort(key=lambda r: r.key)
        clock.phases["extract"] = round(time.perf_counter() - started, 3)
        assembly = clock.time("assemble", assemble_task, plan)
        decided = clock.time("decide", lambda: [future.result() for future in
                                                decide_task.map(assembly.buckets, unmapped(plan.config_path))])
        for future in warming:
            future.wait()
        return publish_task(plan, assembly, decided, results, clock.phases)


#: the same flow on a process pool of ``PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS`` workers (default:
#: all cores), for served deployments (``nelm serve --workers N``): a served flow run is started by
#: Prefect from its entrypoint in a fresh process, so the task runner must be part of the flow object
nelm_run_processes = nelm_run.with_options(task_runner=ProcessPoolTaskRunner())


#: shards submitted per worker at a time: one running, one queued behind it (so a worker never waits
#: for the flow to hand it the next); the rest wait in the ShardQueue, largest first. An existing
#: Dask cluster (``--dask-address``) has a worker count nelm does not know: everything is submitted.
IN_FLIGHT_PER_WORKER = 2


def worker_parameters(workers: int, separate_workers: bool, warmed: bool = False,
                      bounded: bool = True) -> dict[str, object]:
    """The flow's parameters for how its shards are handed out (``nelm run`` and ``nelm serve``):
    warm-up tasks for separate workers not ``warmed`` before the flow, and :data:`IN_FLIGHT_PER_WORKER`
    shards per worker at a time unless the worker count is unknown (not ``bounded``)."""
    return {"separate_workers": separate_workers, "warm_workers": workers if separate_workers and not warmed else 0,
            "in_flight": IN_FLIGHT_PER_WORKER * workers if bounded else None}


def task_runner(runner: str, workers: int, dask_address: str | None = None):
    """The Prefect task runner for ``--runner`` / ``--workers``."""
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    if workers > 1:
        return ProcessPoolTaskRunner(max_workers=workers)
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=1)


def run_flow(input_path: str, out_dir: str, config_path: str | None = None, workers: int = 1,
             runner: str = "local", dask_address: str | None = None,
             on_shard: Callable[[run.ShardResult, int], None] | None = None,
             early_workers: EarlyWorkers | None = None) -> run.RunSummary:
    """Run the flow with the chosen task runner; starts one shared embedded server when needed.

    ``early_workers``: the local worker processes, already started by ``nelm run`` while the server
    boots (forked, or spawned and warming up); the flow's process pool runner adopts them.

    The flow takes the lock on ``out_dir`` itself; ``nelm run`` also probes it before importing
    Prefect so that a second run fails in well under a second.
    """
    try:
        join_server = prefect_env.start_shared_server_in_background()
        try:
            prefect_env.load_lazy_prefect_imports()
            if runner == "local" and workers == 1:  # shards run in this process: build the NLP while the server boots
                run.warm_worker(config_path)
            else:  # this process plans while the workers extract
                if early_workers is None or early_workers.start_method != "fork":
                    # the workers build the NLP elsewhere (spawned, Dask): a defect of a rule or
                    # lexicon file must refuse the run here, in one line, not fail every task
                    run.check_configuration(config_path)
                run.warm_planner()
        finally:
            api_url = join_server()
        if early_workers is not None and runner == "local" and workers > 1:
            task_runner_ = early_runner_class()(max_workers=workers, early=early_workers)
        else:
            task_runner_ = task_runner(runner, workers, dask_address)
            if early_workers is not None:  # not for this runner
                early_workers.shutdown()
                early_workers = None
        flow_ = nelm_run.with_options(task_runner=task_runner_)
        # Prefect read its settings when it was imported: the server's URL is passed explicitly, so this
        # flow (and the workers it starts) talk to the shared server instead of starting their own
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            return flow_(str(input_path), str(out_dir), str(config_path) if config_path else None, on_shard=on_shard,
                         **worker_parameters(workers, runner == "dask" or workers > 1, warmed=early_workers is not None,
                                             bounded=not dask_address))
    finally:
        if early_workers is not None and not early_workers.adopted:  # the flow never started
            early_workers.shutdown()

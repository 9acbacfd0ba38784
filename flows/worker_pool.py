"""Worker processes that start with ``nelm run``, not with the flow.

Prefect's ``ProcessPoolTaskRunner`` spawns its worker processes when the flow submits its first
task, and the flow can only start once the temporary API server answers (~6 s here). Each spawned
worker then spends another ~5 s importing Prefect, spaCy and medspaCy and building the NLP
pipeline before it extracts anything: on 2 cores and 20,000 reports, ~11 s of a ~50 s run passed
before the first shard was extracted. :class:`EarlyWorkers` starts the same pool (same Prefect
worker initializer, same message queue for the logs and events the workers forward) while the
server boots, its workers ready when the flow starts (:func:`start_early_workers`: forked from
``nelm run`` once it has loaded what they need, or spawned and warmed each on its own);
:class:`EarlyProcessPoolTaskRunner` is Prefect's runner, entering with that pool instead of
creating its own. Everything else (task submission, log forwarding, cancellation, shutdown) is
Prefect's code.

Entering reuses attributes of Prefect's runner; :func:`adoptable` checks they are there, and the
runner falls back to Prefect's own start (a fresh pool, workers spawned by the flow) when they are
not, so a Prefect upgrade that changes them costs speed, not correctness.
``tests/operators/test_worker_pool.py`` runs a flow both ways.
"""
from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Callable

log = logging.getLogger(__name__)

#: attributes of Prefect's ProcessPoolTaskRunner that entering with an early pool sets or calls
PREFECT_RUNNER_ATTRIBUTES = ("_subprocess_message_queue", "_message_forwarding_thread", "_executor",
                             "_resolver_executor", "_forward_subprocess_messages", "_max_workers")


#: how much nicer than ``nelm run`` itself the workers run. The workers start while the Prefect
#: server boots, and the run cannot begin before the server answers: at equal priority, four
#: processes sharing two cores stretched the server's ~6 s boot to 10-14 s. Nicer workers leave the
#: server (and this process's planning and orchestration) the CPU they need, and still take every
#: cycle nothing else wants. Lowering priority needs no privilege; it is never raised back.
WORKER_NICENESS = 5

#: the niceness of a worker's start-up (importing Prefect, spaCy and medspaCy, building the NLP
#: pipeline: ~2.5-3 s of CPU each), which runs while the server boots and is never on the run's
#: critical path: it takes only the CPU the server and ``nelm run`` leave idle. Measured on 2 cores
#: and 20,000 reports with two workers (4 pairs of runs): the runs ended ~0.9 s sooner (36.0 against
#: 36.9 s) than with the start-up at :data:`WORKER_NICENESS`, the flow starting ~0.4 s earlier.
#: Linux gives each thread its own niceness, so the start-up runs in a thread of its own and the
#: worker's tasks keep :data:`WORKER_NICENESS`; elsewhere the start-up runs at
#: :data:`WORKER_NICENESS` like the rest.
STARTUP_NICENESS = 19


def at_startup_priority(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` at :data:`STARTUP_NICENESS` in a thread of its own (Linux), else directly."""
    if not sys.platform.startswith("linux"):
        _lower_priority(WORKER_NICENESS)
        return function(*args)
    outcome: dict[str, Any] = {}

    def body() -> None:
        try:
            _lower_priority(STARTUP_NICENESS)
            outcome["value"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=body, name="nelm-worker-startup")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _lower_priority(to: int) -> None:
    """Lower the calling thread's (Linux) or process's priority to niceness ``to`` (never raise it)."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if to > current:
            os.nice(to - current)
    except (AttributeError, OSError):  # not on this platform
        pass


def _import_prefect_worker_support() -> None:
    """What a worker imports at start-up: Prefect's worker support (required) and what Prefect
    would otherwise import on the worker's first task (:func:`flows.prefect_env.load_lazy_prefect_imports`),
    then nelm's pipeline (spaCy, medspaCy, pandas, pyarrow). A pipeline that fails to import does not fail the
    worker here, where it would only break the pool: the tasks import it again and report why."""
    import prefect.task_runners  # noqa: F401

    from .prefect_env import load_lazy_prefect_imports

    load_lazy_prefect_imports()
    try:
        import pipeline.run  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        log.debug("the pipeline did not import at worker start-up (%s)", type(exc).__name__)


def _initialize_worker(message_queue: Any, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Prefect's worker initializer, imported in the worker (the parent need not have imported
    Prefect yet) at :data:`STARTUP_NICENESS`; the worker then runs at :data:`WORKER_NICENESS`. The
    worker ends without the interpreter's teardown (~0.7 s per worker the flow waited for): the
    handler is registered first, so multiprocessing's queue flushing and every other exit handler
    run before it."""
    from pipeline.fast_exit import exit_without_teardown

    atexit.register(exit_without_teardown)
    at_startup_priority(_import_prefect_worker_support)
    _lower_priority(WORKER_NICENESS)
    from prefect.task_runners import _initialize_process_pool_worker

    _initialize_process_pool_worker(message_queue, initializer, initargs)


def warm_nlp(config_path: str | None) -> int | None:
    """The warm-up each early worker runs (:func:`pipeline.run.warm_worker`, imported in the worker)."""
    from pipeline.run import warm_worker

    return at_startup_priority(warm_worker, config_path)


def can_fork_workers() -> bool:
    """Whether workers can be forked from this process: Linux (where fork is the tested, safe
    default of many years), and no thread but this one (a thread holding a lock while the process
    forks leaves that lock held forever in the child; Python 3.12+ warns about it)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def start_early_workers(max_workers: int, config_path: str | None) -> "EarlyWorkers":
    """The worker pool of ``nelm run --workers N`` (N > 1), started while the server boots.

    Where :func:`can_fork_workers`, this process loads everything a worker needs (Prefect's worker
    support and installed integrations, the NLP pipeline, the decision rules: ~3 s of CPU) once,
    on the core the booting server leaves free, as a one-worker run does for itself; then forks
    the workers, which start with all of it loaded. Otherwise the workers are spawned and each
    loads it again (:func:`warm_nlp`), at the lowest priority. Measured on 2 cores and 20,000
    reports: ~2 s sooner per two-worker run (bench/README.md).
    """
    if can_fork_workers():
        from pipeline.run import warm_worker

        _import_prefect_worker_support()
        warm_worker(config_path)  # ends by freezing what it loaded (pipeline.run.freeze_loaded_objects)
        early = EarlyWorkers(max_workers, start_method="fork")
    else:
        early = EarlyWorkers(max_workers, warm_nlp, (config_path,))
    log.info("%d worker processes started (%s)", max_workers, early.start_method)
    return early


class EarlyWorkers:
    """A process pool for Prefect's runner, started (and warmed) before the flow.

    ``start_method`` "spawn" (Prefect's own choice) starts fresh interpreters, and ``warm`` runs
    once in each; "fork" copies this process, whose loaded objects are first frozen out of the
    garbage collector's reach (``gc.freeze``), so that the workers' collections never touch, hence
    never copy, the pages they share with it.
    """

    def __init__(self, max_workers: int, warm: Callable[..., Any] | None = None, warm_args: tuple = (),
                 start_method: str = "spawn") -> None:
        self.adopted = False
        context = multiprocessing.get_context(start_method)  # Prefect's runner uses spawn
        self.max_workers = max_workers
        self.start_method = start_method
        self.message_queue = context.Queue()
        self.executor = ProcessPoolExecutor(max_workers=max_workers, mp_context=context,
                                            initializer=_initialize_worker, initargs=(self.message_queue, None, ()))
        if start_method == "fork":
            sys.stdout.flush()  # a forked worker flushes its copy of these buffers when it ends
            sys.stderr.flush()
            gc.freeze()  # for good (what this process loaded before its flow lives as long as the run)
        # one call per worker makes the pool start every worker now (a spawned pool starts a
        # process per submission while none is idle; a forked pool forks them all at the first)
        self.warming: list[Future] = [self.executor.submit(warm or os.getpid, *warm_args) for _ in range(max_workers)]

    def warmed(self) -> list[Any]:
        """Wait for the warm-up calls; their results (a failed warm-up is logged, not raised: the
        tasks load what they need themselves)."""
        out = []
        for future in self.warming:
            try:
                out.append(future.result())
            except Exception as exc:  # noqa: BLE001
                log.warning("a worker's warm-up failed (%s)", type(exc).__name__)
                out.append(None)
        return out

    def shutdown(self) -> None:
        """Stop the pool if no runner adopted it (e.g. the run failed before its flow started)."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        try:
            self.message_queue.close()
            self.message_queue.join_thread()
        except (OSError, ValueError, AttributeError):
            pass


def adoptable(runner: Any) -> bool:
    """Whether ``runner`` has the attributes :meth:`EarlyProcessPoolTaskRunner.__enter__` sets."""
    return all(hasattr(runner, name) for name in PREFECT_RUNNER_ATTRIBUTES)


def early_runner_class() -> type:
    """:class:`EarlyProcessPoolTaskRunner`, defined on first use (it imports Prefect)."""
    global _RUNNER_CLASS
    if _RUNNER_CLASS is None:
        _RUNNER_CLASS = _define_runner()
    return _RUNNER_CLASS


_RUNNER_CLASS: type | None = None


def _define_runner() -> type:
    from prefect.task_runners import ProcessPoolTaskRunner

    class EarlyProcessPoolTaskRunner(ProcessPoolTaskRunner):
        """Prefect's ProcessPoolTaskRunner entering with an :class:`EarlyWorkers` pool if given one."""

        def __init__(self, max_workers: int | None = None, early: EarlyWorkers | None = None, **kwargs: Any) -> None:
            super().__init__(max_workers=max_workers, **kwargs)
            if early is not None and early.max_workers != self._max_workers:
                raise ValueError("the early pool has a different number of workers")
            self._early = early

        def duplicate(self):  # the flow engine enters a duplicate of the runner it was given
            twin = super().duplicate()
            twin._early, self._early = self._early, None
            return twin

        def __enter__(self):
            early, self._early = self._early, None
            if early is None:
                return super().__enter__()
            if not adoptable(self) or self._initializer is not None:
                log.warning("Prefect's process pool runner changed; starting its own worker pool")
                early.shutdown()
                return super().__enter__()
            super(ProcessPoolTaskRunner, self).__enter__()  # TaskRunner: marks the runner started
            # what ProcessPoolTaskRunner.__enter__ does, with the early pool's queue and executor
            self._subprocess_message_queue = early.message_queue
            self._message_forwarding_thread = threading.Thread(target=self._forward_subprocess_messages,
                                                               name="ProcessPoolTaskRunnerMessageForwarder", daemon=True)
            self._message_forwarding_thread.start()
            self._executor = early.executor
            early.adopted = True  # the runner's exit shuts the pool down from here on
            self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
            return self

    return EarlyProcessPoolTaskRunner

"""``nelm serve``: the ``nelm-run`` flow as a scheduled Prefect deployment, for nightly archive sweeps.

The deployment runs the same flow as ``nelm run`` (one task run per shard in the Prefect UI). Because a
rerun on the same ``--out`` processes only new or changed reports (CONTRACT §4), a nightly sweep of an
archive that grew by a few hundred reports costs a few shards, not the whole archive.

Serving needs a Prefect server (the embedded ephemeral API of ``nelm run`` lives only as long as one
run): start one with ``prefect server start`` and point nelm at it with ``PREFECT_API_URL``.

Example:
    PREFECT_API_URL=http://127.0.0.1:4200/api nelm serve --cron "0 2 * * *" /data/reports --out /data/nelm
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import prefect_env

prefect_env.configure()

from pipeline.errors import NelmError  # noqa: E402

START_HINT = ("start one with `prefect server start` (see the README, 'Scheduled runs') and set "
              "PREFECT_API_URL, e.g. export PREFECT_API_URL=http://127.0.0.1:4200/api")


class ServeError(NelmError):
    """The deployment cannot be served (no server, bad schedule, bad paths)."""


def api_url() -> str | None:
    """The configured Prefect API URL: the environment first, then the active Prefect profile."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


def check_server(url: str, timeout: float = 10.0) -> None:
    """Fail with a clear message unless the Prefect API answers its health check."""
    import httpx

    health = url.rstrip("/") + "/health"
    try:
        response = httpx.get(health, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServeError(f"[P002] no Prefect server answers at {url} ({type(exc).__name__}); {START_HINT}") from None
    if response.status_code != 200:
        raise ServeError(f"[P002] the Prefect server at {url} is not healthy (HTTP {response.status_code}); {START_HINT}")


def check_cron(cron: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except Exception as exc:  # pydantic ValidationError
        errors = getattr(exc, "errors", None)
        detail = errors()[0].get("msg", "") if callable(errors) and errors() else type(exc).__name__
        raise ServeError(f"[P003] invalid --cron {cron!r} ({detail}): use five fields, "
                         "e.g. \"0 2 * * *\" for 02:00 every day") from None


#: what sets the worker count of ``nelm_run_processes`` in the processes that run served flows
POOL_SIZE_SETTING = "PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS"


def build_deployment(input: str | Path, out: str | Path, cron: str | None, config_path: str | Path | None = None,
                     name: str = "nelm-nightly", workers: int = 1) -> Any:
    """The RunnerDeployment of ``nelm-run`` with absolute paths as its parameters.

    ``workers`` > 1: each flow run extracts on that many worker processes (the flow
    ``nelm_run_processes``; the pool size reaches the flow run's process through
    :data:`POOL_SIZE_SETTING`, set by :func:`serve`), shards handed out as in ``nelm run --workers``.
    """
    from prefect.types.entrypoint import EntrypointType

    from .nelm_run import nelm_run, nelm_run_processes, worker_parameters

    if workers < 1:
        raise ServeError(f"[P005] --workers must be at least 1, not {workers}")

    input_path = Path(input).expanduser().resolve()
    if not input_path.exists():
        raise ServeError(f"[P004] input {input_path} does not exist")
    out_dir = Path(out).expanduser().resolve()
    config = str(Path(config_path).expanduser().resolve()) if config_path else None
    if config and not Path(config).is_file():
        raise ServeError(f"[P004] config {config} does not exist")
    if cron:
        check_cron(cron)
    parameters: dict[str, Any] = {"input_path": str(input_path), "out_dir": str(out_dir), "config_path": config}
    if workers > 1:
        parameters.update(worker_parameters(workers, separate_workers=True))
    deployment = (nelm_run_processes if workers > 1 else nelm_run).to_deployment(
        name=name,
        cron=cron,
        parameters=parameters,
        description=f"nelm archive sweep: {input_path} -> {out_dir}",
        tags=["nelm"],
        # two sweeps of one --out never overlap: a slow night's run finishes before the next starts
        concurrency_limit=1,
        # import the flow by module (pip-installed nelm), wherever the serving process was started
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    if workers > 1:  # Prefect names the entrypoint after the function, which both flow objects share
        deployment.entrypoint = "flows.nelm_run.nelm_run_processes"
    return deployment


def serve(input: str | Path, out: str | Path, cron: str, config_path: str | Path | None = None,
          name: str = "nelm-nightly", workers: int = 1) -> None:
    """Register the deployment with the configured Prefect server and run its flow runs; blocks until stopped."""
    url = api_url()
    if not url:
        raise ServeError(f"[P001] nelm serve needs a Prefect server and no PREFECT_API_URL is configured; {START_HINT}")
    check_server(url)
    deployment = build_deployment(input, out, cron, config_path, name, workers)
    if workers > 1:  # the flow runs' processes inherit this environment
        os.environ[POOL_SIZE_SETTING] = str(workers)
    from prefect import serve as prefect_serve

    prefect_serve(deployment, limit=1)

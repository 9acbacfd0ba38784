"""Prefect settings nelm needs before Prefect is imported: no analytics, no network, patient start-up.

Without a configured server Prefect runs embedded (ephemeral API, SQLite under PREFECT_HOME).
With process workers, one temporary server is started here in the parent and shared, instead of
one per worker process.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any, Callable

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "pipeline,extractors",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_UI_ENABLED": "false",
    "LOGURU_LEVEL": "WARNING",
}

_server = None
_starting: Callable[[], str | None] | None = None


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


def ensure_shared_server() -> str | None:
    """Start one embedded Prefect server for this process tree unless an API URL is configured."""
    global _server
    configure()
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.server.api.server import SubprocessASGIServer

    _server = SubprocessASGIServer()
    _server.start(timeout=int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    atexit.register(_stop_at_exit)  # runs before Prefect's own exit hook (last registered, first run)
    os.environ["PREFECT_API_URL"] = _server.api_url
    return _server.api_url


def start_shared_server_in_background() -> Callable[[], str | None]:
    """Start :func:`ensure_shared_server` on a thread, once per process; returns ``join``, which
    waits for it (and re-raises its error).

    The server boots in its own process (importing Prefect's server, checking its database: 5-10 s),
    so this process is free meanwhile: ``nelm run`` calls this before it even imports the flow,
    then imports Prefect and builds its NLP pipeline while the server starts.
    """
    global _starting
    if _starting is None:
        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                outcome["url"] = ensure_shared_server()
            except BaseException as exc:  # handed to join()
                outcome["error"] = exc

        thread = threading.Thread(target=target, name="nelm-prefect-server", daemon=True)
        thread.start()

        def join() -> str | None:
            thread.join()
            if "error" in outcome:
                raise outcome["error"]
            return outcome.get("url")

        _starting = join
    return _starting


def _stop_at_exit() -> None:
    # At exit the console stream may already be closed (pytest's capture, a closed pipe): the
    # server's "Stopping temporary server" log line must not print a logging traceback.
    logging.raiseExceptions = False
    stop_shared_server()


def stop_shared_server() -> None:
    global _server, _starting
    _starting = None
    if _server is not None:
        _server.stop()
        os.environ.pop("PREFECT_API_URL", None)
        _server = None

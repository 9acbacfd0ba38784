"""Prefect settings nelm needs before Prefect is imported: no analytics, no network, patient start-up.

Without a configured server, ``nelm run`` starts one temporary server here (Prefect's embedded
API, SQLite under PREFECT_HOME), shared by the flow and its worker processes.
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import tempfile
from pathlib import Path
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
_added_environment: dict[str, str] = {}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


#: Prefect's client builds an SSL context from a CA bundle for every client it creates (certifi's
#: ~150 certificates: ~20 ms), even for a plain-HTTP API: a task on a process pool creates two, so
#: ~40 ms of a worker's CPU went to each shard. nelm's temporary server is plain HTTP on 127.0.0.1,
#: where that context is never used, so Prefect is handed a bundle of one certificate instead
#: (measured: 50 tasks on two workers, 3.9 -> 1.8 s of worker CPU). Never for a configured server.
CA_FILE_SETTING = "PREFECT_API_SSL_CERT_FILE"
_PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n?", re.S)


def one_certificate_bundle() -> str | None:
    """A CA file holding the first certificate of certifi's bundle, in a folder of this user's
    (written once, atomically); ``None`` if it cannot be made."""
    try:
        import certifi

        match = _PEM_CERTIFICATE.search(Path(certifi.where()).read_text(encoding="ascii"))
        if match is None:
            return None
        owner = os.getuid() if hasattr(os, "getuid") else "user"
        folder = Path(tempfile.gettempdir()) / f"nelm-{owner}"
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / "local-api-ca.pem"
        if not path.is_file() or path.read_text(encoding="ascii") != match.group(0):
            partial = folder / f".local-api-ca.pem.{os.getpid()}"
            partial.write_text(match.group(0), encoding="ascii")
            os.replace(partial, path)
        return str(path)
    except (ImportError, OSError, UnicodeDecodeError):
        return None


def local_server_environment() -> dict[str, str]:
    """Settings for talking to nelm's own plain-HTTP temporary server (:data:`CA_FILE_SETTING`),
    unless the user has set them."""
    if os.environ.get(CA_FILE_SETTING):
        return {}
    bundle = one_certificate_bundle()
    return {CA_FILE_SETTING: bundle} if bundle else {}


def start_shared_server_in_background() -> Callable[[], str | None]:
    """Spawn the shared server now, once per process; returns ``join``, which waits until it
    answers and returns its API URL (or re-raises its error; Prefect's own launcher is tried when
    this one fails).

    The server boots in its own process (importing Prefect's server, checking its database:
    ~4-6 s), so this process is free meanwhile: ``nelm run`` calls this before it even imports the
    flow, then imports Prefect and builds its NLP pipeline while the server starts. No thread
    waits for it (``join`` does, in the caller's thread): ``nelm run`` may fork its workers
    meanwhile, which is only safe in a process of one thread.
    ``PREFECT_API_URL`` is exported at once, before Prefect is imported here, because Prefect reads
    its settings at import: a URL exported later would go unseen and Prefect would start a second
    server of its own. :func:`flows.nelm_run.run_flow` also passes the final URL explicitly.
    """
    global _starting, _server
    if _starting is not None:
        return _starting
    configure()
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        _starting = lambda: configured  # noqa: E731
        return _starting
    from .prefect_server import ServerProcess

    timeout = int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
    _server = ServerProcess()
    os.environ["PREFECT_API_URL"] = _server.launch()
    _added_environment.update(local_server_environment())
    os.environ.update(_added_environment)
    atexit.register(_stop_at_exit)
    outcome: dict[str, Any] = {}

    def join() -> str | None:
        if not outcome:
            outcome.update(_wait_for_server(timeout))
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("url")

    _starting = join
    return _starting


def _wait_for_server(timeout: int) -> dict[str, Any]:
    """Wait for the launched server (Prefect's own launcher if it fails); ``{"url": ...}`` or
    ``{"error": ...}``."""
    global _server
    try:
        url = _server.wait(timeout)
    except Exception as exc:  # noqa: BLE001 - Prefect's own launcher is the fallback
        logging.getLogger(__name__).warning("fast start of the temporary Prefect server failed (%s); using Prefect's",
                                            type(exc).__name__)
        try:
            _server.stop()
            from prefect.server.api.server import SubprocessASGIServer

            _server = SubprocessASGIServer()
            _server.start(timeout=timeout)
            url = _server.api_url
        except BaseException as fallback_exc:  # handed to join()
            return {"error": fallback_exc}
    os.environ["PREFECT_API_URL"] = url
    return {"url": url}


def load_lazy_prefect_imports() -> None:
    """Load what Prefect imports on a process's first flow or task run: the Prefect integrations
    installed (``prefect.collections`` entry points; prefect-dask imports dask and distributed:
    ~0.3 s, in the flow's process and again in every worker process) and FastAPI's JSON encoder
    (flow parameters are serialized with it: ~0.3 s). Called by processes that are waiting anyway
    (``nelm run`` while its server boots, a worker starting), it takes that time off the path to
    the first shard."""
    try:
        from prefect.plugins import load_prefect_collections
    except ImportError:  # another Prefect version: its runs load them when they need them
        pass
    else:
        load_prefect_collections()
    try:
        import fastapi.encoders  # noqa: F401
    except ImportError:
        pass


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
        for key, value in _added_environment.items():
            if os.environ.get(key) == value:
                del os.environ[key]
        _added_environment.clear()
        _server = None

"""Prefect's temporary API server, launched without importing Prefect's server package here.

Prefect's embedded mode (``SubprocessASGIServer``) runs uvicorn on
``prefect.server.api.server:create_app`` in a child process. Starting it through that class means
importing ``prefect.server`` in this process first (~2 s of imports that compete with nelm's own
start-up for the interpreter lock); on this 2-core machine the server was ready ~11 s after
``nelm run`` started. :class:`ServerProcess` starts the same child with the same command line at
once, so it boots while nelm imports Prefect and builds its NLP pipeline (ready after ~6 s).
``tests/operators/test_prefect_server.py`` checks the command against Prefect's own, so a Prefect
upgrade that changes it is caught; :func:`flows.prefect_env.start_shared_server_in_background`
falls back to Prefect's class if this launcher fails.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

APP = "prefect.server.api.server:create_app"
#: what Prefect's embedded server sets in its child's environment (UI off, ephemeral mode)
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
#: uvicorn's exit status when its port is taken
PORT_IN_USE = 3


def _app_dir() -> str:
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("prefect is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))).parent)


def server_command(port: int) -> list[str]:
    """The command line of Prefect's embedded server (``SubprocessASGIServer._run_uvicorn_command``)."""
    return [sys.executable, "-m", "uvicorn", "--app-dir", _app_dir(), "--factory", APP,
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """One temporary Prefect API server on 127.0.0.1 for this process tree."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.port: int | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float) -> str:
        """Start the server and wait until it answers ``/health``; returns its API URL."""
        self.launch()
        return self.wait(timeout)

    def launch(self) -> str:
        """Spawn the server (a few milliseconds); returns the API URL it will answer on."""
        self._launch()
        return self.api_url

    def wait(self, timeout: float) -> str:
        """Wait until the server answers ``/health``; returns its API URL (a new one if the first
        port was taken meanwhile)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None, "launch() first"
            status = self.process.poll()
            if status == PORT_IN_USE:  # another process took the port first: try another one
                self._launch()
                continue
            if status is not None:
                raise RuntimeError(f"the temporary Prefect server exited with status {status}")
            if self._healthy():
                return self.api_url
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def _launch(self) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(server_command(self.port), env={**os.environ, **SERVER_ENV})

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

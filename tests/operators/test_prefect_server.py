"""The fast launcher of Prefect's temporary server runs exactly Prefect's own command, answers, stops."""
from __future__ import annotations

import urllib.request

import pytest

from flows import prefect_server


def test_server_command_is_prefects_own(monkeypatch):
    """A Prefect upgrade that changes how its embedded server is started fails here."""
    from prefect.server.api import server as prefect_api_server

    captured = {}

    def fake_popen(args, env=None, **kwargs):
        captured["args"], captured["env"] = list(args), dict(env or {})
        raise RuntimeError("captured")

    monkeypatch.setattr(prefect_api_server.subprocess, "Popen", fake_popen)
    launcher = prefect_api_server.SubprocessASGIServer.__new__(prefect_api_server.SubprocessASGIServer)
    launcher.port = 48123
    with pytest.raises(RuntimeError, match="captured"):
        launcher._run_uvicorn_command()
    assert captured["args"] == prefect_server.server_command(48123)
    for key, value in prefect_server.SERVER_ENV.items():
        assert captured["env"].get(key) == value, key


def test_server_process_starts_answers_and_stops(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    server = prefect_server.ServerProcess()
    url = server.start(timeout=120)
    try:
        assert url == f"http://127.0.0.1:{server.port}/api"
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            assert response.status == 200
        process = server.process
    finally:
        server.stop()
    assert server.process is None and process.poll() is not None


def test_a_server_that_exits_is_reported(monkeypatch):
    monkeypatch.setattr(prefect_server, "server_command", lambda port: ["python3", "-c", "import sys; sys.exit(7)"])
    server = prefect_server.ServerProcess()
    with pytest.raises(RuntimeError, match="status 7"):
        server.start(timeout=30)
    server.stop()


def test_a_taken_port_is_retried(monkeypatch):
    ports = iter([1, 2])
    monkeypatch.setattr(prefect_server, "_free_port", lambda: next(ports))
    commands = {1: ["python3", "-c", "import sys; sys.exit(3)"],
                2: ["python3", "-c", "import time; time.sleep(60)"]}
    monkeypatch.setattr(prefect_server, "server_command", lambda port: commands[port])
    monkeypatch.setattr(prefect_server.ServerProcess, "_healthy", lambda self: self.port == 2)
    server = prefect_server.ServerProcess()
    try:
        assert server.start(timeout=30) == "http://127.0.0.1:2/api"
    finally:
        server.stop()


def test_the_local_server_gets_a_one_certificate_ca_file_prefects_client_loads_quickly(monkeypatch):
    import ssl

    from flows import prefect_env

    monkeypatch.delenv(prefect_env.CA_FILE_SETTING, raising=False)
    added = prefect_env.local_server_environment()
    path = added[prefect_env.CA_FILE_SETTING]
    with open(path, encoding="ascii") as fh:
        assert fh.read().count("BEGIN CERTIFICATE") == 1
    ssl.create_default_context(cafile=path)  # a valid bundle: Prefect's client builds this context
    assert prefect_env.one_certificate_bundle() == path  # the same file, rewritten only if it differs


def test_a_ca_file_the_user_chose_is_kept(monkeypatch):
    from flows import prefect_env

    monkeypatch.setenv(prefect_env.CA_FILE_SETTING, "/etc/ssl/hospital-ca.pem")
    assert prefect_env.local_server_environment() == {}


def test_starting_the_shared_server_starts_no_thread_here(tmp_path):
    """``nelm run`` forks its workers while the server boots: only safe in a one-thread process,
    so the server is waited for by ``join`` in the caller's thread, never by a thread of its own."""
    import os
    import subprocess
    import sys

    code = ("import threading\n"
            "from flows import prefect_env\n"
            "join = prefect_env.start_shared_server_in_background()\n"
            "assert threading.active_count() == 1, threading.enumerate()\n"
            "url = join()\n"
            "assert url.startswith('http://127.0.0.1:') and url.endswith('/api'), url\n"
            "assert join() == url\n"
            "print('ok')\n")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                          cwd=str(prefect_server.Path(__file__).resolve().parents[2]))
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_what_prefect_imports_on_a_first_run_can_be_loaded_ahead_of_it():
    import importlib.util
    import sys

    from flows import prefect_env

    prefect_env.load_lazy_prefect_imports()
    assert "fastapi.encoders" in sys.modules  # flow parameters are serialized with it
    if importlib.util.find_spec("prefect_dask") is not None:  # a declared dependency (--runner dask)
        assert "prefect_dask" in sys.modules

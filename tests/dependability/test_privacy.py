"""Privacy and isolation (issue 7): no report text and no patient id beyond report_id in logs, Prefect
task results or exceptions; Prefect result persistence off; no network access at run time."""
from __future__ import annotations

import json
import logging
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from session_process import run_in_session

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"
WINDOW = 25


def _reports() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _windows(text: str) -> set[str]:
    """Every 25-character fragment (whitespace collapsed) that carries real words."""
    flat = " ".join(text.split())
    out = set()
    for i in range(max(len(flat) - WINDOW + 1, 0)):
        piece = flat[i:i + WINDOW]
        if sum(ch.isalpha() for ch in piece) >= 12:
            out.add(piece)
    return out


def find_leaks(blob: str, reports: list[dict]) -> list[str]:
    """Report-text fragments and patient ids (outside report ids) found in ``blob``."""
    flat = " ".join(blob.split())
    have = {flat[i:i + WINDOW] for i in range(max(len(flat) - WINDOW + 1, 0))}
    leaks = []
    for report in reports:
        hits = _windows(report["text"]) & have
        if hits:
            leaks.append(f"{report['report_id']}: {sorted(hits)[0]!r}")
    scrubbed = blob
    for report in sorted(reports, key=lambda r: -len(r["report_id"])):
        scrubbed = scrubbed.replace(report["report_id"], "<report_id>")
    for pid in sorted({r["patient_id"] for r in reports if r.get("patient_id")}):
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(pid)}(?![A-Za-z0-9])", scrubbed):
            leaks.append(f"patient id {pid}")
    return leaks


def test_find_leaks_catches_a_sentence_and_a_patient_id():
    reports = _reports()[:2]
    sentence = reports[0]["text"].split("\n")[1][:60]
    assert find_leaks(f"INFO something: {sentence}", reports)
    assert find_leaks("patient SA01 done", reports) == ["patient id SA01"]
    assert find_leaks(f"quarantined {reports[0]['report_id']}: empty text", reports) == []


# ----------------------------------------------------------------------------- subprocess nelm run

SITECUSTOMIZE = r'''
"""Installed through PYTHONPATH into every Python process of the run (Prefect's server included):
refuses and records any connection or name lookup that is not loopback."""
import os, socket

_LOG = os.environ.get("NELM_NET_LOG")
_LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None}


def _record(what):
    if _LOG:
        with open(_LOG, "a") as fh:
            fh.write(f"{os.getpid()} {what}\n")


def _is_local(address):
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    return host in _LOCAL or (isinstance(host, str) and host.startswith("127."))


if _LOG:
    with open(_LOG + ".loaded", "a") as fh:
        fh.write(f"{os.getpid()}\n")

_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def connect(self, address):
    if not _is_local(address):
        _record(f"connect {address!r}")
        raise OSError(101, "network blocked by nelm test")
    return _connect(self, address)


def connect_ex(self, address):
    if not _is_local(address):
        _record(f"connect_ex {address!r}")
        return 101
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in _LOCAL and not (isinstance(name, str) and (name.startswith("127.") or name == "ephemeral-prefect")):
        _record(f"getaddrinfo {name!r}")
        raise socket.gaierror(socket.EAI_NONAME, "network blocked by nelm test")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''


@pytest.fixture(scope="module")
def guarded_run(tmp_path_factory):
    """``nelm -v run`` over the sample archive, DEBUG logs, network blocked for every process."""
    base = tmp_path_factory.mktemp("privacy")
    guard = base / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE)
    net_log = base / "net.log"
    prefect_home = base / "prefect-home"
    out = base / "out"
    env = dict(os.environ)
    env.pop("NELM_TEST_CRASH_AT", None)
    env.pop("PREFECT_API_URL", None)
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(guard), str(ROOT), os.environ.get("PYTHONPATH")])), NELM_NET_LOG=str(net_log),
               PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PREFECT_LOGGING_LEVEL="DEBUG",
               PREFECT_LOGGING_LOG_PRINTS="true")
    done = run_in_session([sys.executable, "-m", "pipeline.cli", "-v", "run", str(SAMPLE), "--out", str(out),
                           "--workers", "1"], env, ROOT)
    return {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr, "net_log": net_log,
            "prefect_home": prefect_home, "out": out}


def test_privacy_run_completes_with_the_network_blocked(guarded_run):
    assert guarded_run["rc"] == 0, guarded_run["stderr"][-3000:]
    assert "54 reports read" in guarded_run["stdout"]
    attempts = guarded_run["net_log"].read_text() if guarded_run["net_log"].exists() else ""
    assert attempts == "", f"non-loopback network attempts during the run:\n{attempts}"
    docs = pq.read_table(guarded_run["out"] / "documents.parquet")
    assert docs.num_rows == 54


def test_privacy_network_guard_was_active_in_every_process_and_blocks(guarded_run, tmp_path):
    loaded = Path(str(guarded_run["net_log"]) + ".loaded").read_text().split()
    assert len(set(loaded)) >= 2, "the guard ran in the CLI and in Prefect's server process"
    guard_dir = guarded_run["net_log"].parent / "guard"
    log = tmp_path / "probe.log"
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('203.0.113.7', 80), timeout=2)"],
                           env={**os.environ, "PYTHONPATH": str(guard_dir), "NELM_NET_LOG": str(log)},
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "network blocked" in probe.stderr
    assert "203.0.113.7" in log.read_text()


def test_privacy_no_report_text_or_patient_id_in_run_output_and_logs(guarded_run):
    assert guarded_run["rc"] == 0
    output = guarded_run["stdout"] + "\n" + guarded_run["stderr"]
    assert output.count("INFO") + output.count("DEBUG") >= 5, "logging was on"
    assert find_leaks(output, _reports()) == []


def test_privacy_prefect_database_and_storage_hold_no_report_text(guarded_run):
    home = guarded_run["prefect_home"]
    assert home.is_dir()
    blobs = []
    for path in home.rglob("*"):
        if path.is_file():
            blobs.append(path.read_bytes().decode("utf-8", errors="ignore"))
    assert blobs, "the run used this PREFECT_HOME"
    assert find_leaks("\n".join(blobs), _reports()) == []
    storage = home / "storage"
    assert not storage.exists() or not any(storage.iterdir()), "no Prefect results were persisted"


# ----------------------------------------------------------------------------- in process

def test_privacy_prefect_tasks_do_not_persist_results():
    from flows import nelm_run, prefect_env

    for task_ in (nelm_run.plan_task, nelm_run.shard_task, nelm_run.assemble_task, nelm_run.decide_task,
                  nelm_run.publish_task):
        assert task_.persist_result is False, task_.name
    assert nelm_run.nelm_run.persist_result is False
    assert prefect_env.DEFAULTS["PREFECT_RESULTS_PERSIST_BY_DEFAULT"] == "false"
    assert prefect_env.DEFAULTS["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert nelm_run.plan_task.retries == 2 and nelm_run.shard_task.retries == 2 and nelm_run.decide_task.retries == 2


def test_privacy_task_arguments_and_results_carry_no_text(tmp_path):
    """What crosses a Prefect task boundary (Plan, ShardTask, ShardResult, RunSummary) holds no text."""
    from pipeline.run import assemble, decide_bucket, plan_run, process_shard, publish

    out = tmp_path / "out"
    plan = plan_run(SAMPLE, out)
    results = [process_shard(task, plan.config_path) for task in plan.pending]
    assembly = assemble(plan)
    decided = [decide_bucket(bucket, plan.config_path) for bucket in assembly.buckets]
    summary = publish(plan, assembly, decided, results)
    crossing = [plan, *plan.pending, *results, assembly, *assembly.buckets, *decided, summary]
    blob = "\n".join(repr(x) for x in crossing)
    blob += pickle.dumps(crossing).decode("latin-1")
    assert find_leaks(blob, _reports()) == []


def test_privacy_logs_and_errors_of_an_in_process_run_hold_no_text(tmp_path, caplog, monkeypatch):
    """DEBUG logs of every logger, quarantine reasons and a failing extractor: no text escapes."""
    import pipeline.extract as extract_mod
    from pipeline.run import run_local

    reports = _reports()
    victim = reports[3]
    hostile = [
        *reports,
        {"report_id": "H-DATE", "patient_id": "SA01", "report_date": "not a date at all", "text": reports[0]["text"] + " x"},
        {"report_id": "H-NUL", "patient_id": "SA02", "text": reports[1]["text"] + "\u0000"},
        {"report_id": "H-BIG", "patient_id": "SA02", "text": reports[2]["text"] * 40},
    ]
    archive = tmp_path / "in.jsonl"
    lines = [json.dumps(r) for r in hostile]
    lines.append(reports[4]["text"][:200].replace("\n", " ") + " {not json")  # a broken line made of report text
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("input:\n  max_chars: 20000\nrun:\n  shard_size: 16\n")

    real = extract_mod.extract_record

    def leaky(nlp, record):
        if record.report_id == victim["report_id"]:
            raise ValueError(f"extractor blew up on: {record.text}")
        return real(nlp, record)

    monkeypatch.setattr(extract_mod, "extract_record", leaky)
    caplog.set_level(logging.DEBUG)
    summary = run_local(archive, tmp_path / "out", cfg)
    assert summary.records == len(hostile) + 1
    docs = pq.read_table(tmp_path / "out" / "documents.parquet").to_pandas().set_index("report_id")
    assert "internal error during extraction (ValueError)" in docs.loc[victim["report_id"], "error"]
    assert caplog.records, "logs were captured"
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    errors = "\n".join(str(e) for e in docs.error.dropna())
    assert find_leaks(logged, reports) == []
    assert find_leaks(errors, reports) == []
    run_json = (tmp_path / "out" / ".nelm" / "run.json").read_text()
    assert find_leaks(run_json, reports) == []

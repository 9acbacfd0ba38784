"""The ``nelm`` entry point ends without interpreter teardown but keeps every exit code and message."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_archive" / "reports.jsonl"


def _nelm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, code, stream, text", [
    (("--help",), 0, "stdout", "usage:"),
    (("no-such-command",), 2, "stderr", "invalid choice"),
    (("run", "/no/such/archive.jsonl", "--out", "/tmp/nelm-entry-test-out", "--workers", "2"), 1, "stderr", "[A001]"),
    (("run", __file__, "--out", "/tmp/nelm-entry-test-out"), 1, "stderr", "[A002] unsupported input"),
    (("run", str(SAMPLE), "--out", "/tmp/nelm-entry-test-out", "--config", "/no/such/nelm.yaml", "--workers", "2"), 1,
     "stderr", "[C003] cannot read config"),
])
def test_entry_exit_codes_and_messages(args, code, stream, text):
    done = _nelm(*args)
    assert done.returncode == code
    assert text in getattr(done, stream)
    # an unusable input or configuration is refused before any flow or worker starts: one line, no traceback
    assert "Traceback" not in done.stderr and "prefect" not in done.stderr.lower()


def _entry_with_main(*body: str) -> subprocess.CompletedProcess:
    """Run ``cli.entry()`` in a child whose ``cli.main`` is the given body."""
    script = "\n".join(["import atexit", "from pipeline import cli", "def main(argv=None):",
                        *(f"    {line}" for line in body), "cli.main = main", "cli.entry()", ""])
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


def test_entry_runs_exit_handlers_before_it_ends(tmp_path):
    """Handlers registered while the command runs (Prefect's log flushing, the server's shutdown)
    still run: the entry's own handler is the last one."""
    marker = tmp_path / "ran"
    done = _entry_with_main(f"atexit.register(lambda: open({str(marker)!r}, 'w').write('ok'))",
                            "print('printed, not lost', end='')", "return 3")
    assert done.returncode == 3
    assert done.stdout == "printed, not lost"
    assert marker.read_text() == "ok"


def test_entry_exits_1_with_the_traceback_when_main_raises():
    done = _entry_with_main("raise RuntimeError('boom')")
    assert done.returncode == 1
    assert "RuntimeError: boom" in done.stderr

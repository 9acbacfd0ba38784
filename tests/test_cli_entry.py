"""The ``nelm`` entry point ends without interpreter teardown but keeps every exit code and message."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_archive" / "reports.jsonl"


def _nelm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=120,
                          env=env)


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


def _break_line(path: Path, lineno: int, replacement: str | None) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if replacement is None:
        del lines[lineno - 1]
    else:
        lines[lineno - 1] = replacement + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("workers", ["1", "2", "2 --runner dask"])
@pytest.mark.parametrize("file, lineno, replacement, text", [
    ("lexicons/ki67.jsonl", 1, None, "[R009] lexicons/ki67.jsonl: no cue"),  # a cue the code asks for is gone
    ("lexicons/report_types.jsonl", 2, '{"cue": "LABEL_PET", "pattern": "(pet"}', "[R007] lexicons/report_types.jsonl:2"),
    ("rules/ki67.jsonl", 1, '{"id": broken', "[R001] ki67.jsonl:1"),
])
def test_a_broken_rule_or_lexicon_file_refuses_the_run_in_one_line(tmp_path, file, lineno, replacement, text, workers):
    """A defect in the configured rule or lexicon files stops ``nelm run`` before its flow starts
    (the warm-up builds the NLP pipeline first; with Dask, whose workers build their own, ``nelm run``
    checks the files itself): the file, line and code in one line, no traceback."""
    configs = tmp_path / "configs"
    shutil.copytree(Path(__file__).resolve().parent.parent / "configs", configs)
    _break_line(configs / file, lineno, replacement)
    out = tmp_path / "out"
    done = _nelm("run", str(SAMPLE), "--out", str(out), "--workers", *workers.split(),
                 env={**os.environ, "NELM_CONFIGS_DIR": str(configs)})
    assert done.returncode == 1
    assert text in done.stderr
    assert "Traceback" not in done.stderr and "prefect" not in done.stderr.lower()
    assert not (out / "documents.parquet").exists()


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

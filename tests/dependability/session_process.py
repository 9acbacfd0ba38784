"""Run a child process in its own session and always kill what it leaves behind.

Output goes to temporary files, not pipes: an orphan (Prefect's server after a SIGKILL) would
keep pipes open and hang the test.
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path


def run_in_session(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err, text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        finally:
            try:  # whatever the run left behind
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(args, proc.returncode, out.read(), err.read())

"""What ``nelm run`` checks before it starts anything (a Prefect server, worker processes): the
input path and the lock on the output folder.

Nothing heavy is imported here (``pipeline.ingest`` imports pydantic, ``pipeline.io`` pyarrow:
~0.2-0.4 s), so a bad command fails at once and a good one launches its Prefect server that much
sooner: the server's boot is on the critical path of every run.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import ArchiveError, OutputLockedError

ARCHIVE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")


def check_input(path: Path) -> None:
    """Raise ArchiveError for an input path that cannot be an archive (missing, unsupported file)."""
    if not path.exists():
        raise ArchiveError(f"[A001] input {path} does not exist")
    if path.is_file() and path.suffix.lower() not in ARCHIVE_SUFFIXES + (".txt",):
        raise ArchiveError(f"[A002] unsupported input {path.name}: use .jsonl, .ndjson, .csv, .parquet, .txt or a folder")


@contextmanager
def output_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock on ``out_dir``; a second run fails fast with OutputLockedError."""
    out = Path(out_dir)
    (out / ".nelm").mkdir(parents=True, exist_ok=True)
    lock_path = out / ".nelm" / "lock"
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise OutputLockedError(
                f"[O001] another nelm run is writing to {out} (lock {lock_path} is held); "
                "wait for it to finish or use another --out"
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        yield out
    finally:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()

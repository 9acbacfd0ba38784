"""Atomic Parquet writes (the output folder's lock is in pipeline.preflight).

Every file nelm writes appears whole or not at all: it is written to a temporary name in the
same folder, fsynced, then renamed over the target (``os.replace`` is atomic on POSIX).
"""
from __future__ import annotations

import errno
import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    import pandas as pd

PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet_atomic(table: pa.Table, path: str | Path) -> Path:
    """Write ``table`` to ``path`` atomically (temp file + fsync + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        pq.write_table(table, tmp, **PARQUET_OPTIONS)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(path.parent)
    return path


def write_parquet_chunks_atomic(chunks: Iterable[tuple[pa.Table, ...]], paths: dict[str, Path],
                                schemas: list[pa.Schema] | None = None) -> None:
    """Stream tuples of tables (one per path, in order) into Parquet files, each committed atomically
    only after the last chunk: memory holds one chunk, and readers never see a partial file.
    With ``schemas``, a file is written (empty) even when no chunk comes."""
    names = list(paths)
    tmps = {n: p.with_name(f".{p.name}.tmp-{uuid.uuid4().hex[:8]}") for n, p in paths.items()}
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for chunk in chunks:
            for name, table in zip(names, chunk):
                if name not in writers:
                    paths[name].parent.mkdir(parents=True, exist_ok=True)
                    writers[name] = pq.ParquetWriter(tmps[name], table.schema, **PARQUET_OPTIONS)
                writers[name].write_table(table)
        for name, schema in zip(names, schemas or []):
            if name not in writers:
                paths[name].parent.mkdir(parents=True, exist_ok=True)
                writers[name] = pq.ParquetWriter(tmps[name], schema, **PARQUET_OPTIONS)
        for writer in writers.values():
            writer.close()
        for name in names:
            with open(tmps[name], "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmps[name], paths[name])
            _fsync_dir(paths[name].parent)
    finally:
        for writer in writers.values():
            try:
                writer.close()
            except Exception:  # already closed
                pass
        for tmp in tmps.values():
            if tmp.exists():
                tmp.unlink()


def read_table_frame(path: str | Path) -> "pd.DataFrame":
    """A table (file or dataset folder) as a DataFrame.

    Reads through ``pyarrow.parquet`` rather than ``pandas.read_parquet``: with pyarrow 22 and
    pandas 2.3 the latter intermittently aborts the interpreter at exit ("terminate called
    without an active exception").
    """
    return pq.read_table(path).to_pandas()


def write_bytes_atomic(data: bytes, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return path


def commit_dir(tmp_dir: Path, final_dir: Path) -> None:
    """Move a fully written folder into place; a finished folder already there wins."""
    _fsync_dir(tmp_dir)
    try:
        os.rename(tmp_dir, final_dir)
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
            shutil.rmtree(tmp_dir, ignore_errors=True)  # another attempt finished first: same content
        else:
            raise
    _fsync_dir(final_dir.parent)


def replace_dir(new_dir: Path, final_dir: Path) -> None:
    """Swap ``new_dir`` in as ``final_dir`` (the old one is removed after the swap)."""
    old = final_dir.with_name(f".{final_dir.name}.old-{uuid.uuid4().hex[:8]}")
    if final_dir.exists():
        os.rename(final_dir, old)
    os.rename(new_dir, final_dir)
    _fsync_dir(final_dir.parent)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)

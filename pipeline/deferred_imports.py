"""Modules that medspaCy imports and nelm never uses, loaded on first use instead of at import.

``import medspacy`` imports QuickUMLS (``medspacy/util.py``), which imports NLTK, which imports
SciPy's statistics: ~1.2 s of CPU in every process that builds the NLP pipeline (each worker of a
run, ``nelm extract``, the tests), for a UMLS matcher nelm does not run. QuickUMLS only touches
NLTK inside ``QuickUMLS()`` (its stop-word list), so its name can stand for the module until then:
while medspaCy is imported (:func:`deferred`, used by :mod:`pipeline._medspacy`), ``sys.modules``
holds a placeholder for NLTK, which QuickUMLS binds as its ``nltk``. The placeholder imports the
real module the first time any attribute is read and hands every access on to it. Once medspaCy is
imported the placeholder leaves ``sys.modules``, so any other ``import nltk`` (or of a submodule)
is an ordinary import: only QuickUMLS's own reference is deferred.

A plain ``importlib.util.LazyLoader`` does not work here: on Python 3.11 the import system reads
``module.__spec__`` of a module already in ``sys.modules``, which makes a lazy module load at once.
The placeholder carries the real (not yet executed) spec, so that read finds it without loading.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from contextlib import contextmanager
from typing import Any, Iterator

#: imported by medspaCy's dependencies, never used by nelm (see the module docstring)
UNUSED_BY_NELM = ("nltk",)

_lock = threading.RLock()


class DeferredModule(types.ModuleType):
    """Stands for a module in ``sys.modules`` until an attribute of it is read."""

    def __init__(self, name: str, spec: Any) -> None:
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attribute: str) -> Any:  # only called for what the placeholder lacks
        return getattr(load(self.__name__), attribute)


def load(name: str) -> types.ModuleType:
    """The real module, imported now if only its placeholder was there."""
    with _lock:
        if isinstance(sys.modules.get(name), DeferredModule):
            del sys.modules[name]
        return importlib.import_module(name)


def defer(name: str) -> bool:
    """Put a placeholder for top-level module ``name`` in ``sys.modules``; False when it is already
    imported (or deferred) or not installed."""
    with _lock:
        if name in sys.modules:
            return False
        try:
            spec = importlib.util.find_spec(name)  # finds the package without running it
        except (ImportError, ValueError):
            return False
        if spec is None:
            return False
        sys.modules[name] = DeferredModule(name, spec)
        return True


@contextmanager
def deferred(*names: str) -> Iterator[None]:
    """Within the block, ``import NAME`` binds a placeholder for each of ``names`` not yet imported;
    after it, ``sys.modules`` no longer holds the placeholders (see the module docstring)."""
    placed = [name for name in names if defer(name)]
    try:
        yield
    finally:
        with _lock:
            for name in placed:
                if isinstance(sys.modules.get(name), DeferredModule):
                    del sys.modules[name]

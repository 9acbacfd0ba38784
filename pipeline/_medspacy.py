"""medspaCy, imported without loading NLTK, which it pulls in through QuickUMLS and nelm never uses
(:mod:`pipeline.deferred_imports`). nelm modules import this before any ``medspacy`` name."""
from __future__ import annotations

from .deferred_imports import UNUSED_BY_NELM, deferred

with deferred(*UNUSED_BY_NELM):
    import medspacy  # noqa: F401

"""All nelm exceptions. Library code raises these; the CLI maps them to messages and exit codes.

Per-report failures are never raised out of a run: they become quarantined rows in ``documents``.
"""
from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, options: Iterable[str], shown: str = "'{}'") -> str:
    """`` (did you mean 'x'?)`` for the option closest to a misspelt ``name``, or ``""``; ``shown``
    formats the option (``"<<{}>>"`` for a rule-file definition)."""
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {shown.format(close[0])}?)" if close else ""


class NelmError(Exception):
    """Base class of every nelm error."""


class ConfigError(NelmError):
    """A config file is missing, malformed or names something unknown."""


class RuleFileError(ConfigError):
    """A rule file (extractor rules, ConText, sections, decision rules) is invalid."""


class ArchiveError(NelmError):
    """The input archive as a whole cannot be read (missing path, unsupported format)."""


class OutputLockedError(NelmError):
    """Another nelm run holds the lock on the output folder."""


class RecordError(NelmError):
    """One input record is unusable; carries the one-line reason written to ``documents.error``."""

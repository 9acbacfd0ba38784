"""All nelm exceptions. Library code raises these; the CLI maps them to messages and exit codes.

Per-report failures are never raised out of a run: they become quarantined rows in ``documents``.
"""
from __future__ import annotations


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

"""Extractors: one module per concept, each registering a spaCy factory ``nelm_<name>``.

Importing this package imports every non-underscore submodule, so adding a file (plus its
rule file in ``configs/rules/``) is enough to add an extractor to the pipeline.
"""
from __future__ import annotations

import importlib
import pkgutil

from ._base import SPECS, ExtractorSpec, Finding, RegexExtractor, register

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["SPECS", "ExtractorSpec", "Finding", "RegexExtractor", "register"]

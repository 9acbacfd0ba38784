"""Extractor rule files: one JSONL per extractor, one rule per line.

A rule line::

    {"id": "ki67.label_pct.1", "label": "KI67", "literal": "Ki-67: 12%",
     "pattern": "\\bki[- ]?67\\b\\W{0,5}(?P<value><<NUM>>)\\s*%", "norm": null}

* ``id``      stable, unique across all rule files, written to ``mentions.rule_id``.
* ``label``   the mention label (LIVER_LESION, KI67, ...).
* ``literal`` a readable example for reviewers.
* ``pattern`` a Python regular expression (case-insensitive unless ``"case": true``),
  matched over the whole report text. ``<<NAME>>`` expands a definition.
* ``norm``    optional fixed normalised value for the mention (e.g. a site name).
* ``attrs``   optional dict of extra, extractor-specific settings.
* ``span``    optional name of the regex group that delimits the evidence span (default: whole match).

Definition lines ``{"define": "NUM", "pattern": "\\d+(?:\\.\\d+)?"}`` may appear anywhere in
the file or in ``_defines.jsonl`` beside it (shared by every extractor).
Errors name file, line and rule id (``[R001]``...).

Each rule also gets, read off its compiled pattern, ``literals`` (:func:`required_literals`): strings
of which every match contains one, so that a text containing none of them is not searched; and
``prefixes`` (:func:`match_prefixes`): strings with one of which every match starts, so that the
pattern is only tried where one of them occurs (``_base.finditer``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pipeline.errors import RuleFileError
from pipeline.regex_literals import CASE_FOLDING_CHARS, match_prefixes, required_literals  # noqa: F401 (re-exported)
from pipeline.rule_files import add_defines, check_keys, expand_defines, load_defines, read_lines

RULE_KEYS = {"id", "label", "literal", "pattern", "norm", "attrs", "span", "case", "comment"}


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    literal: str
    pattern: str
    regex: re.Pattern[str]
    norm: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    span: str | None = None
    source: str = ""
    literals: tuple[str, ...] | None = None  # lower-case; every match contains one (None: no such set)
    prefixes: tuple[str, ...] | None = None  # lower-case; every match starts with one (None: no such set)


def load_rules(path: str | Path, shared_defines: dict[str, str] | None = None) -> list[Rule]:
    """Load and compile one extractor's rule file; fails at load on any defect."""
    path = Path(path)
    lines = read_lines(path)
    defines = dict(shared_defines if shared_defines is not None else load_defines(path.parent / "_defines.jsonl"))
    add_defines(lines, defines, path.name)
    rules: list[Rule] = []
    seen: set[str] = set()
    for lineno, obj in lines:
        if "define" in obj:
            continue
        where = f"{path.name}:{lineno}"
        check_keys(obj, RULE_KEYS, where)
        for required in ("id", "label", "pattern"):
            if not obj.get(required):
                raise RuleFileError(f"[R003] {where}: rule needs '{required}'")
        rid = obj["id"]
        where = f"{where} rule '{rid}'"
        if rid in seen:
            raise RuleFileError(f"[R004] {where}: duplicate rule id")
        seen.add(rid)
        expanded = expand_defines(obj["pattern"], defines, where)
        flags = 0 if obj.get("case") else re.IGNORECASE
        try:
            regex = re.compile(expanded, flags)
        except re.error as exc:
            raise RuleFileError(f"[R007] {where}: bad regular expression: {exc}") from exc
        span = obj.get("span")
        if span and span not in regex.groupindex:
            raise RuleFileError(f"[R008] {where}: span group '{span}' not in pattern")
        rules.append(Rule(
            id=rid, label=obj["label"], literal=obj.get("literal", ""), pattern=obj["pattern"],
            regex=regex, norm=obj.get("norm"), attrs=dict(obj.get("attrs") or {}), span=span,
            source=where, literals=required_literals(regex), prefixes=match_prefixes(regex),
        ))
    return rules

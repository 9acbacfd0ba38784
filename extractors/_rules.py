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
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import RuleFileError

RULE_KEYS = {"id", "label", "literal", "pattern", "norm", "attrs", "span", "case", "comment"}
DEFINE_KEYS = {"define", "pattern", "comment"}
_DEFINE_REF = re.compile(r"<<([A-Z0-9_]+)>>")


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


def _expand(pattern: str, defines: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 10:
        raise RuleFileError(f"[R006] {where}: definitions nest too deeply")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in defines:
            close = difflib.get_close_matches(name, list(defines), n=1)
            hint = f" (did you mean <<{close[0]}>>?)" if close else ""
            raise RuleFileError(f"[R005] {where}: unknown definition <<{name}>>{hint}")
        return "(?:" + _expand(defines[name], defines, where, depth + 1) + ")"

    return _DEFINE_REF.sub(sub, pattern)


def _read_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"[R000] cannot read rule file {path}: {exc}") from exc
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleFileError(f"[R001] {path.name}:{lineno}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise RuleFileError(f"[R001] {path.name}:{lineno}: each line must be a JSON object")
        out.append((lineno, obj))
    return out


def load_defines(path: Path) -> dict[str, str]:
    defines: dict[str, str] = {}
    if not path.exists():
        return defines
    for lineno, obj in _read_lines(path):
        _check_keys(obj, DEFINE_KEYS, f"{path.name}:{lineno}")
        defines[obj["define"]] = obj["pattern"]
    return defines


def _check_keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in obj:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RuleFileError(f"[R002] {where}: unknown key '{key}'{hint}")


def load_rules(path: str | Path, shared_defines: dict[str, str] | None = None) -> list[Rule]:
    """Load and compile one extractor's rule file; fails at load on any defect."""
    path = Path(path)
    lines = _read_lines(path)
    defines = dict(shared_defines if shared_defines is not None else load_defines(path.parent / "_defines.jsonl"))
    for lineno, obj in lines:
        if "define" in obj:
            _check_keys(obj, DEFINE_KEYS, f"{path.name}:{lineno}")
            defines[obj["define"]] = obj["pattern"]
    rules: list[Rule] = []
    seen: set[str] = set()
    for lineno, obj in lines:
        if "define" in obj:
            continue
        where = f"{path.name}:{lineno}"
        _check_keys(obj, RULE_KEYS, where)
        for required in ("id", "label", "pattern"):
            if not obj.get(required):
                raise RuleFileError(f"[R003] {where}: rule needs '{required}'")
        rid = obj["id"]
        where = f"{where} rule '{rid}'"
        if rid in seen:
            raise RuleFileError(f"[R004] {where}: duplicate rule id")
        seen.add(rid)
        expanded = _expand(obj["pattern"], defines, where)
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
            source=where,
        ))
    return rules

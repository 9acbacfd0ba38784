"""The file machinery shared by rule files (``configs/rules``) and cue lexicons (``configs/lexicons``):
JSONL lines, key checks, ``{"define": ...}`` lines and ``<<NAME>>`` expansion.

It lives in ``pipeline`` and imports neither spaCy nor the extractors (importing anything under
``extractors`` imports every extractor), so that planning code such as :mod:`pipeline.report_types`
can read a lexicon in a process that never extracts.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import RuleFileError, did_you_mean

DEFINE_KEYS = {"define", "pattern", "comment"}
_DEFINE_REF = re.compile(r"<<([A-Z0-9_]+)>>")


def expand_defines(pattern: str, defines: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 10:
        raise RuleFileError(f"[R006] {where}: definitions nest too deeply")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in defines:
            raise RuleFileError(f"[R005] {where}: unknown definition <<{name}>>{did_you_mean(name, defines, '<<{}>>')}")
        return "(?:" + expand_defines(defines[name], defines, where, depth + 1) + ")"

    return _DEFINE_REF.sub(sub, pattern)


def read_lines(path: Path, label: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """The JSON object of every line that is not blank or a ``//`` comment, with its line number;
    errors name the file as ``label`` (default: its name)."""
    label = label or path.name
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
            raise RuleFileError(f"[R001] {label}:{lineno}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise RuleFileError(f"[R001] {label}:{lineno}: each line must be a JSON object")
        out.append((lineno, obj))
    return out


def load_defines(path: Path) -> dict[str, str]:
    """The definitions of a ``_defines.jsonl`` (none if there is no such file)."""
    defines: dict[str, str] = {}
    if not path.exists():
        return defines
    lines = read_lines(path)
    for lineno, obj in lines:
        if "define" not in obj:  # a definitions file holds nothing else
            check_keys(obj, DEFINE_KEYS, f"{path.name}:{lineno}")
            raise RuleFileError(f"[R003] {path.name}:{lineno}: definition line needs 'define' and 'pattern'")
    add_defines(lines, defines, path.name)
    return defines


def add_defines(lines: list[tuple[int, dict[str, Any]]], defines: dict[str, str], label: str) -> None:
    """Add the ``{"define": NAME, "pattern": ...}`` lines among ``lines`` (of the file ``label``) to ``defines``."""
    for lineno, obj in lines:
        if "define" not in obj:
            continue
        check_keys(obj, DEFINE_KEYS, f"{label}:{lineno}")
        if not obj.get("define") or not isinstance(obj.get("pattern"), str) or not obj["pattern"]:
            raise RuleFileError(f"[R003] {label}:{lineno}: definition line needs 'define' and 'pattern'")
        defines[obj["define"]] = obj["pattern"]


def check_keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in obj:
        if key not in allowed:
            raise RuleFileError(f"[R002] {where}: unknown key '{key}'{did_you_mean(key, allowed)}")

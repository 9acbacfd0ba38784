"""The file machinery shared by rule files (``configs/rules``) and cue lexicons (``configs/lexicons``):
JSONL lines, key checks, ``{"define": ...}`` lines and ``<<NAME>>`` expansion.

It lives in ``pipeline`` and imports neither spaCy nor the extractors (importing anything under
``extractors`` imports every extractor), so that planning code such as :mod:`pipeline.report_types`
can read a lexicon in a process that never extracts.
"""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from .errors import RuleFileError

DEFINE_KEYS = {"define", "pattern", "comment"}
_DEFINE_REF = re.compile(r"<<([A-Z0-9_]+)>>")


def expand_defines(pattern: str, defines: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 10:
        raise RuleFileError(f"[R006] {where}: definitions nest too deeply")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in defines:
            close = difflib.get_close_matches(name, list(defines), n=1)
            hint = f" (did you mean <<{close[0]}>>?)" if close else ""
            raise RuleFileError(f"[R005] {where}: unknown definition <<{name}>>{hint}")
        return "(?:" + expand_defines(defines[name], defines, where, depth + 1) + ")"

    return _DEFINE_REF.sub(sub, pattern)


def read_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
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
    for lineno, obj in read_lines(path):
        check_keys(obj, DEFINE_KEYS, f"{path.name}:{lineno}")
        defines[obj["define"]] = obj["pattern"]
    return defines


def check_keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in obj:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RuleFileError(f"[R002] {where}: unknown key '{key}'{hint}")

"""Cue lexicons: the words and phrases extractor code looks for, one JSONL file per module.

``configs/lexicons/<module>.jsonl`` (``NELM_CONFIGS_DIR`` overrides ``configs/``), one cue a line::

    {"cue": "FDG", "pattern": "\\b(?:FDG|fluorodeoxyglucose|18F-FDG)\\b", "comment": "FDG tracer names"}

* ``cue``      the name the module asks for (``[A-Z][A-Z0-9_]*``), unique in its file.
* ``pattern``  a Python regular expression; ``<<NAME>>`` expands a definition as in rule files.
* ``comment``  what it recognises, one short line.
* ``case``     optional, ``true`` for a case-sensitive pattern (default: IGNORECASE, as in rule files).
* ``verbose``  optional, ``true`` for a pattern written for re.VERBOSE.
* ``flags``    optional list of further flags: ``MULTILINE``, ``DOTALL``, ``ASCII``.

Definition lines ``{"define": NAME, "pattern": ...}`` may appear in the file; the shared ones of
``configs/rules/_defines.jsonl`` apply too (read with :mod:`pipeline.rule_files`).

A module loads its file once, at import, and keeps its module-level names::

    _CUES = load_lexicon("imaging_report")
    _FDG = _CUES["FDG"]                       # or _CUES.FDG; the compiled pattern (behind a literal
                                              # guard when it has one: pipeline/regex_literals.py)
    _QUANT = _CUES.source("QUANT")            # the expanded pattern text, to compose in code

Every defect fails at load with a :class:`RuleFileError` naming file, line and cue: bad JSON
``[R001]``, unknown key ``[R002]``, missing cue/pattern ``[R003]``, duplicate cue ``[R004]``,
unknown or too deeply nested definition ``[R005]``/``[R006]``, bad regular expression ``[R007]``,
a cue the code asks for that the file lacks ``[R009]``, a bad ``cue``/``case``/``verbose``/``flags``
value ``[R010]``. :meth:`Lexicon.unused` lists the cues no code asked for (dead lines; a test keeps
it empty).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from .errors import RuleFileError, did_you_mean
from .regex_literals import GuardedPattern, guarded
from .resources import config_path, configs_dir
from .rule_files import add_defines, check_keys, expand_defines, load_defines, read_lines

FOLDER = "lexicons"
CUE_KEYS = {"cue", "pattern", "comment", "case", "verbose", "flags"}
#: Flags a ``"flags"`` list may name (IGNORECASE is the default, see ``case``; VERBOSE is ``verbose``).
FLAG_NAMES = {"MULTILINE": re.MULTILINE, "DOTALL": re.DOTALL, "ASCII": re.ASCII}
_CUE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")

_CACHE: dict[Path, "Lexicon"] = {}


class Lexicon:
    """The compiled cues of one lexicon file, by name: ``lex["FDG"]`` or ``lex.FDG``."""

    def __init__(self, path: Path, patterns: dict[str, "re.Pattern[str] | GuardedPattern"], sources: dict[str, str],
                 lines: dict[str, int]) -> None:
        self.path = path
        self._patterns = patterns
        self._sources = sources
        self._lines = lines
        self._asked: set[str] = set()

    @property
    def name(self) -> str:
        """``lexicons/<file>``: how errors name the file (``configs/rules`` has files of the same names)."""
        return f"{FOLDER}/{self.path.name}"

    def _get(self, cue: str) -> str:
        if cue not in self._patterns:
            raise RuleFileError(f"[R009] {self.name}: no cue '{cue}', which the code asks for"
                                f"{did_you_mean(cue, self._patterns)} ({self.path})")
        self._asked.add(cue)
        return cue

    def __getitem__(self, cue: str) -> "re.Pattern[str] | GuardedPattern":
        return self._patterns[self._get(cue)]

    def __getattr__(self, cue: str) -> "re.Pattern[str] | GuardedPattern":
        if not _CUE_NAME.fullmatch(cue):
            raise AttributeError(cue)
        return self[cue]

    def source(self, cue: str) -> str:
        """The cue's pattern text with ``<<NAME>>`` expanded, for a pattern composed in code."""
        return self._sources[self._get(cue)]

    def line(self, cue: str) -> int:
        """The line of the file that defines ``cue``."""
        return self._lines[cue]

    def __contains__(self, cue: object) -> bool:
        return cue in self._patterns

    def __iter__(self) -> Iterator[str]:
        return iter(self._patterns)

    def __len__(self) -> int:
        return len(self._patterns)

    def unused(self) -> list[str]:
        """Cues of the file that no code has asked for (in file order): dead lines."""
        return [cue for cue in self._patterns if cue not in self._asked]

    def __repr__(self) -> str:
        return f"Lexicon({self.name}, {len(self)} cues)"


def load_lexicon(name: str) -> Lexicon:
    """The lexicon ``configs/lexicons/<name>.jsonl``, read and compiled once per resolved path."""
    path = config_path(FOLDER, f"{name}.jsonl").resolve()
    lexicon = _CACHE.get(path)
    if lexicon is None:
        lexicon = _CACHE[path] = read_lexicon(path)
    return lexicon


def read_lexicon(path: str | Path, shared_defines: dict[str, str] | None = None) -> Lexicon:
    """Read and compile one lexicon file (no cache); fails on any defect.

    ``shared_defines`` defaults to ``configs/rules/_defines.jsonl``'s definitions.
    """
    path = Path(path)
    where_file = f"{FOLDER}/{path.name}"
    lines = read_lines(path, where_file)  # "lexicons/<file>": configs/rules has files of the same names
    if shared_defines is None:
        shared_defines = load_defines(configs_dir() / "rules" / "_defines.jsonl")
    defines = dict(shared_defines)
    add_defines(lines, defines, where_file)
    patterns: dict[str, re.Pattern[str] | GuardedPattern] = {}
    sources: dict[str, str] = {}
    cue_lines: dict[str, int] = {}
    for lineno, obj in lines:
        if "define" in obj:
            continue
        where = f"{where_file}:{lineno}"
        check_keys(obj, CUE_KEYS, where)
        for required in ("cue", "pattern"):
            if not obj.get(required):
                raise RuleFileError(f"[R003] {where}: cue line needs '{required}'")
        cue = obj["cue"]
        if not isinstance(cue, str) or not _CUE_NAME.fullmatch(cue):
            raise RuleFileError(f"[R010] {where}: cue name {cue!r} must be upper case: letters, digits, _")
        where = f"{where} cue '{cue}'"
        if cue in patterns:
            raise RuleFileError(f"[R004] {where}: duplicate cue (first on line {cue_lines[cue]})")
        if not isinstance(obj["pattern"], str):
            raise RuleFileError(f"[R010] {where}: 'pattern' must be a string")
        flags = _flags(obj, where)
        expanded = expand_defines(obj["pattern"], defines, where)
        try:
            patterns[cue] = guarded(re.compile(expanded, flags))  # skips texts it cannot match (regex_literals.py)
        except re.error as exc:
            raise RuleFileError(f"[R007] {where}: bad regular expression: {exc}") from exc
        sources[cue] = expanded
        cue_lines[cue] = lineno
    return Lexicon(path, patterns, sources, cue_lines)


def _flags(obj: dict[str, object], where: str) -> int:
    for key in ("case", "verbose"):
        if not isinstance(obj.get(key, False), bool):
            raise RuleFileError(f"[R010] {where}: '{key}' must be true or false")
    flags = 0 if obj.get("case") else re.IGNORECASE
    if obj.get("verbose"):
        flags |= re.VERBOSE
    names = obj.get("flags", [])
    if not isinstance(names, list):
        raise RuleFileError(f"[R010] {where}: 'flags' must be a list such as [\"MULTILINE\"]")
    for flag in names:
        if flag not in FLAG_NAMES:
            raise RuleFileError(f"[R010] {where}: unknown flag {flag!r}{did_you_mean(str(flag), FLAG_NAMES)}; "
                                f"known: {', '.join(sorted(FLAG_NAMES))}")
        flags |= FLAG_NAMES[flag]
    return flags

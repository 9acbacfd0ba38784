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
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any, Iterable

from pipeline.errors import RuleFileError
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


# -- required literals -------------------------------------------------------------------------
# Every match of a rule contains, somewhere, one of a few literal strings: "resection" or "primary"
# for "\bprimary\s+(?:tumou?r\s+)?resection\b|\bresect(?:ion|ed)\s+(?:of\s+)?(?:the\s+)?primary\b".
# Most rules find nothing in most reports, and a substring test is far cheaper than a regex search,
# so RegexExtractor skips a rule whose literals are all absent from the lower-cased text. The
# literals are read off the parsed pattern, so they always agree with it:
#   * a run of consecutive literal characters must occur as it is;
#   * an alternation needs one literal of each branch (no branch without one);
#   * a group or a repeat with a minimum of at least one needs what its content needs;
#   * anything else (classes, anchors, lookarounds, optional parts) needs nothing.
# The same reading gives the strings a match can start with (:func:`match_prefixes`): zero-width
# items (\b, ^, lookarounds) are skipped, an optional item adds the prefixes of what follows it.
# Only ASCII characters are used. Under IGNORECASE four non-ASCII characters also match ASCII
# letters ("\u0130", "\u0131" -> i, "\u017f" -> s, "\u212a" -> k), so the literals only apply to a
# text without them (:data:`CASE_FOLDING_CHARS`).

#: Non-ASCII characters that an IGNORECASE pattern matches with an ASCII letter (all of them).
CASE_FOLDING_CHARS = ("\u0130", "\u0131", "\u017f", "\u212a")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
#: a prefix of one or two letters is carried on into the alternatives after it while they give at most this many
MAX_EXTENDED_PREFIXES = 32
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def required_literals(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case strings one of which occurs in every match of ``regex`` (None when there are none).

    A string that contains another one of the set is dropped (the shorter one is found whenever it is).
    """
    found = _sequence(sre_parse.parse(regex.pattern, regex.flags))
    if found is None:
        return None
    return tuple(sorted(w for w in found if not any(o != w and o in w for o in found)))


def _sequence(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """What a sequence needs: any one of its items' needs; the most selective one is kept."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        need = _item(op, av)
        if need:
            options.append(need)
    if run:
        options.append(frozenset(["".join(run)]))
    # most selective: the longest shortest string, then the fewest strings
    return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def match_prefixes(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of ``regex`` starts with (None when unknown, or
    when the pattern can match the empty string). A string that starts with another one is dropped."""
    parsed = sre_parse.parse(regex.pattern, regex.flags)
    if parsed.getwidth()[0] == 0:
        return None
    found = _starts(list(parsed))
    if found is None:
        return None
    return tuple(sorted(w for w in found if not any(o != w and w.startswith(o) for o in found)))


def _starts(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The strings a match of the sequence ``items`` starts with (None when unknown)."""
    for i, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            run = []
            for op2, av2 in items[i:]:
                if op2 is not sre.LITERAL or av2 >= 128:
                    break
                run.append(chr(av2).lower())
            if not run:
                return None
            head = "".join(run)
            # the compiler factors a first letter shared by alternatives out of them ("endoscopic|eus" is
            # "e" then "ndoscopic|us"): carry the run on into what follows it, when that is known and small
            rest = _starts(items[i + len(run):]) if len(run) < 3 and i + len(run) < len(items) else None
            if rest and len(rest) <= MAX_EXTENDED_PREFIXES:
                return frozenset(head + tail for tail in rest)
            return frozenset([head])
        if op is sre.SUBPATTERN:
            return _starts(list(av[3]))
        if op is sre.ATOMIC_GROUP:
            return _starts(list(av))
        if op is sre.BRANCH:
            branches = [_starts(list(branch)) for branch in av[1]]
            return None if any(b is None for b in branches) else frozenset().union(*branches)
        if op in _REPEATS:
            low, _, body = av
            inner = _starts(list(body))
            if low >= 1 or inner is None:
                return inner
            after = _starts(items[i + 1:])  # the optional item may be skipped
            return None if after is None else inner | after
        return None
    return None


def _item(op: Any, av: Any) -> frozenset[str] | None:
    if op is sre.SUBPATTERN:
        return _sequence(av[3])  # (group, add_flags, del_flags, pattern)
    if op is sre.ATOMIC_GROUP:
        return _sequence(av)
    if op is sre.BRANCH:
        branches = [_sequence(branch) for branch in av[1]]
        if any(not b for b in branches):
            return None
        return frozenset().union(*branches)
    if op in _REPEATS:
        low, _, body = av
        return _sequence(body) if low >= 1 else None
    return None


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

"""What a regular expression's matches must contain, read off its parsed pattern, and compiled
patterns that use it to skip the texts they cannot match.

:func:`required_literals` gives strings of which every match contains one, :func:`match_prefixes`
strings with one of which every match starts. Extractor rules use both (``extractors/_base.py``); the
cue lexicons use the first through :class:`GuardedPattern`: a pattern that, before searching a text
(or the window ``pos:endpos`` of one), checks that one of its literals occurs there. A substring test
costs a fraction of a regex search, and most cues find nothing in most of the sentences they are
asked about. The guard never changes a result: a text without the literals has no match.
"""
from __future__ import annotations

import re
import sys
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any, Callable, Iterable, Iterator

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


#: literals shorter than this are found in nearly every text: a pattern needing one of them is not guarded
MIN_GUARD_LITERAL = 3


def case_safe_lower(text: str, lower: str) -> str | None:
    """``lower`` (= ``text.lower()``) when rule literals and prefixes may be looked up in it, else None.

    That needs every character of ``text`` that a pattern matches with an ASCII letter to lower-case to
    that letter (true but for :data:`CASE_FOLDING_CHARS`), and, for prefixes, equal offsets in both.
    """
    if text.isascii():
        return lower
    if len(lower) != len(text) or any(c in text for c in CASE_FOLDING_CHARS):
        return None
    return lower


def may_contain(text: str, literals: tuple[str, ...]) -> bool:
    """False only when ``text`` cannot contain a match needing one of ``literals`` (lower-case ASCII)."""
    lower = case_safe_lower(text, text.lower())
    if lower is None:
        return True  # "\u0130".lower() is two characters; "\u212a" matches k under IGNORECASE
    for literal in literals:
        if literal in lower:
            return True
    return False


def _window(string: str, pos: int, endpos: int) -> str:
    """``string[pos:endpos]`` as ``re`` reads the two bounds (negative ones count as 0)."""
    n = len(string)
    pos = min(max(pos, 0), n)
    endpos = min(max(endpos, 0), n)
    if pos == 0 and endpos == n:
        return string
    return string[pos:endpos]


class GuardedPattern:
    """A compiled pattern that first checks the text for one of the literals every match contains.

    Offers the methods of ``re.Pattern`` with the same results (a match never lies outside the window
    searched, and its literals are characters it consumes, never ones a lookaround peeks at); any other
    attribute (``pattern``, ``flags``, ``groupindex``...) is the compiled pattern's own, and ``regex`` is it.
    """

    __slots__ = ("regex", "literals", "_search", "_match", "_fullmatch")

    def __init__(self, regex: re.Pattern[str], literals: tuple[str, ...]) -> None:
        self.regex = regex
        self.literals = literals
        self._search = regex.search
        self._match = regex.match
        self._fullmatch = regex.fullmatch

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not may_contain(_window(string, pos, endpos), self.literals):
            return None
        return self._search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not may_contain(_window(string, pos, endpos), self.literals):
            return None
        return self._match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not may_contain(_window(string, pos, endpos), self.literals):
            return None
        return self._fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if not may_contain(_window(string, pos, endpos), self.literals):
            return iter(())
        return self.regex.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        if not may_contain(_window(string, pos, endpos), self.literals):
            return []
        return self.regex.findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        if not may_contain(string, self.literals):
            return string
        return self.regex.sub(repl, string, count)

    def subn(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> tuple[str, int]:
        if not may_contain(string, self.literals):
            return string, 0
        return self.regex.subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        if not may_contain(string, self.literals):
            return [string]
        return self.regex.split(string, maxsplit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.regex, name)

    def __repr__(self) -> str:
        return f"GuardedPattern({self.regex!r}, literals={self.literals!r})"


def guarded(regex: re.Pattern[str]) -> "re.Pattern[str] | GuardedPattern":
    """``regex`` behind a literal guard when every match needs one of a few literals of at least
    :data:`MIN_GUARD_LITERAL` characters; else ``regex`` itself."""
    literals = required_literals(regex)
    if not literals or min(map(len, literals)) < MIN_GUARD_LITERAL:
        return regex
    return GuardedPattern(regex, literals)

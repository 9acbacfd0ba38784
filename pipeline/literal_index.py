"""Where every rule literal occurs in a text, found in one pass (Aho-Corasick, ``pyahocorasick``).

The regex extractors gate their rules on literal words ("run this rule only if 'cyst' occurs") and
start each rule's regex only where one of its prefixes occurs. Asked rule by rule, that is a few
hundred ``str.find`` scans of every report by every extractor. A :class:`LiteralIndex` holds every
such word of every extractor in one automaton, so that one scan of a text answers them all:
:meth:`LiteralIndex.scan` returns, per word id, the sorted start offsets of its occurrences
(overlapping ones included, as repeated ``str.find(word, at + 1)`` would find them).

Words are registered by id (:meth:`LiteralIndex.ids`); the automaton is rebuilt on the first scan
after a registration. The answers are those of ``word in text`` and ``text.find``: the index is
machinery, the words stay data in each rule file.
"""
from __future__ import annotations

from typing import Iterable

import ahocorasick


class LiteralIndex:
    """A growing vocabulary of lower-case literals and the automaton that finds them all at once."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._automaton: ahocorasick.Automaton | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self, words: Iterable[str] | None) -> frozenset[int] | None:
        """The ids of ``words`` (registering new ones); None stays None (no such set)."""
        if words is None:
            return None
        out = []
        for word in words:
            if not word:
                raise ValueError("an empty literal occurs everywhere: it cannot gate or start a rule")
            if word not in self._ids:
                self._ids[word] = len(self._ids)
                self._automaton = None
            out.append(self._ids[word])
        return frozenset(out)

    def _built(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for word, i in self._ids.items():
                automaton.add_word(word, (i, len(word) - 1))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def scan(self, text: str) -> dict[int, list[int]]:
        """word id -> start offsets of its occurrences in ``text``, ascending (only words that occur)."""
        if not self._ids:
            return {}
        found: dict[int, list[int]] = {}
        for end, (i, back) in self._built().iter(text):
            starts = found.get(i)
            if starts is None:
                found[i] = [end - back]
            else:
                starts.append(end - back)
        return found


#: The one index of the process: every regex extractor registers its rules' words here.
SHARED = LiteralIndex()

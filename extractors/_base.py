"""Machinery shared by every extractor: span extensions, the regex component, registration.

An extractor is one module in ``extractors/`` plus one rule file in ``configs/rules/``::

    # extractors/ki67.py
    SPEC = ExtractorSpec(name="ki67", order=50)          # factory nelm_ki67, rules ki67.jsonl

    class Ki67Extractor(RegexExtractor):
        def interpret(self, doc, match, rule):           # regex match -> Findings (or none)
            ...

    register(SPEC, Ki67Extractor)

Each span is written to ``doc.spans[<name>]`` and to the shared ``doc.spans["findings"]``
group that ConText reads, with its rule id and normalised value as span extensions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy

from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.tokens.underscore import Underscore

from pipeline.literal_index import SHARED as LITERALS
from pipeline.regex_literals import case_safe_lower

from ._rules import Rule, load_rules

FINDINGS = "findings"
_PENDING = "nelm_pending_findings"
_TEXT = "nelm_doc_text"
_LOWER = "nelm_lower_texts"
_HITS = "nelm_literal_hits"

#: Span extensions every extractor may set; harvest reads exactly these.
SPAN_EXTENSIONS: dict[str, Any] = {
    "rule_id": None,
    "value_num": None,
    "value_unit": None,
    "value_norm": None,
    "extractor": None,
    "attrs": None,
}


def _accessors(name: str) -> tuple[Callable[[Span], Any], Callable[[Span, Any], None]]:
    """Span values keyed by (offsets, label): spaCy 3.7 keys ``span._`` by offsets alone, so two
    mentions over the same characters (PROCEDURE and PROCEDURE_HISTORY on "Whipple") would
    otherwise share one value."""

    def getter(span: Span) -> Any:
        return value(span, name)

    def setter(span: Span, new: Any) -> None:
        set_values(span, **{name: new})

    return getter, setter


for _name in SPAN_EXTENSIONS:
    if not Span.has_extension(_name):
        _get, _set = _accessors(_name)
        Span.set_extension(_name, getter=_get, setter=_set)


# Direct access to span values. Every ``span._`` access makes spaCy build an ``Underscore`` object;
# extraction reads and writes these values hundreds of thousands of times per thousand reports, so
# the hot paths use the functions below. They read and write the very ``doc.user_data`` entries the
# extension attributes use, so ``span._.x`` and ``value(span, "x")`` always agree.

def value(span: Span, name: str) -> Any:
    """``span._.<name>`` for one of :data:`SPAN_EXTENSIONS` (``None`` when never set)."""
    return span.doc.user_data.get(("nelm", name, span.start_char, span.end_char, span.label), SPAN_EXTENSIONS[name])


def values(span: Span) -> dict[str, Any]:
    """Every :data:`SPAN_EXTENSIONS` value of a span at once (name -> value)."""
    user_data, start, end, label = span.doc.user_data, span.start_char, span.end_char, span.label
    return {name: user_data.get(("nelm", name, start, end, label), default) for name, default in SPAN_EXTENSIONS.items()}


def set_values(span: Span, **values: Any) -> None:
    """``span._.<name> = value`` for each keyword (names from :data:`SPAN_EXTENSIONS`), in order."""
    user_data, start, end, label = span.doc.user_data, span.start_char, span.end_char, span.label
    for name, new in values.items():
        if name not in SPAN_EXTENSIONS:
            raise AttributeError(f"unknown nelm span value {name!r}")
        user_data[("nelm", name, start, end, label)] = new


def _stored_flag(name: str) -> tuple[bool, Any] | None:
    """How a span extension is read: None when no component registered it (it reads as False);
    ``(True, default)`` for a plain one (a default value, no getter, method or mutable default),
    which lives in ``doc.user_data`` under the key spaCy's ``Underscore`` uses for spans,
    ``("._.", name, start_char, end_char)``; ``(False, None)`` for any other kind (read through
    ``span._``)."""
    extension = Underscore.span_extensions.get(name)  # what Span.has_extension / get_extension read
    if extension is None:
        return None
    default, method, getter, _ = extension
    if getter is not None or method is not None or isinstance(default, (dict, list, set)):
        return False, None
    return True, default


def flag(span: Span, name: str) -> bool:
    """``bool(span._.<name>)`` for a span extension another component sets (ConText's ``is_negated``,
    ``is_uncertain``...); False when no component registered it."""
    how = _stored_flag(name)
    if how is None:
        return False
    plain, default = how
    if not plain:
        return bool(getattr(span._, name))
    return bool(span.doc.user_data.get(("._.", name, span.start_char, span.end_char), default))


def flags(span: Span, names: Iterable[str]) -> list[bool]:
    """:func:`flag` for several names at once."""
    return flag_reader(tuple(names))(span)


def flag_reader(names: tuple[str, ...]) -> Callable[[Span], list[bool]]:
    """A function ``span -> flags(span, names)`` for reading many spans: how each extension is
    stored is looked up once, here, so make a new reader if extensions may have been registered
    since."""
    hows = [_stored_flag(name) for name in names]
    if any(how is not None and not how[0] for how in hows):
        return lambda span: [flag(span, name) for name in names]
    specs = [None if how is None else (name, how[1]) for name, how in zip(names, hows)]

    def read(span: Span) -> list[bool]:
        user_data, start, end = span.doc.user_data, span.start_char, span.end_char
        return [spec is not None and bool(user_data.get(("._.", spec[0], start, end), spec[1])) for spec in specs]

    return read


def sentence_offsets(doc: Doc) -> list[tuple[int, int, int, int]]:
    """(start token, end token, start char, end char) of each sentence of ``doc.sents``, in order.

    Read off the token arrays in one call instead of building a Span per sentence (``doc.sents``
    does, and each Span reads its first and last Token). Falls back to ``doc.sents`` when it would
    not split on ``sent_start`` alone (a ``sents`` hook, or no sentence annotation: its error).
    """
    if "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
        return [(sent.start, sent.end, sent.start_char, sent.end_char) for sent in doc.sents]
    if not len(doc):
        return []
    array = doc.to_array([SENT_START, IDX, LENGTH])
    starts = [0] + (numpy.flatnonzero(array[1:, 0] == 1) + 1).tolist()
    ends = starts[1:] + [len(array)]
    idx, length = array[:, 1].tolist(), array[:, 2].tolist()
    return [(start, end, idx[start], idx[end - 1] + length[end - 1]) for start, end in zip(starts, ends)]


def token_section(doc: Doc, char: int) -> Any:
    """``token._.section`` (medspaCy's Section, or None) of the token that starts at character ``char``.

    spaCy keys a token's extension values by the token's character offset, ``("._.", name, idx, None)``.
    """
    return doc.user_data.get(("._.", "section", char, None))


@dataclass
class Finding:
    """One mention an extractor wants to emit (character offsets into ``doc.text``)."""

    start: int
    end: int
    label: str
    value_num: float | None = None
    value_unit: str | None = None
    value_norm: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExtractorSpec:
    """How the pipeline finds an extractor: factory ``nelm_<name>``, rules ``<name>.jsonl``."""

    name: str
    order: int = 50
    rules: str | None = None

    @property
    def factory(self) -> str:
        return f"nelm_{self.name}"

    @property
    def rules_file(self) -> str:
        return self.rules or f"{self.name}.jsonl"


SPECS: dict[str, ExtractorSpec] = {}


class RegexExtractor:
    """Runs every rule's regex over the text and turns matches into spans.

    Subclasses override :meth:`interpret` (a match into zero or more Findings) and, when needed,
    :meth:`text_of` (the text rules read, same length as ``doc.text``), :meth:`relevant` (a cheap
    whole-extractor prefilter) or :meth:`postprocess` (all spans of the doc at once).

    Rule-level prefilters are data in the rule file: ``"attrs": {"triggers": ["cyst", "haemangiom"]}``
    runs a rule only when one of these literals occurs in the lower-cased text, and
    ``"attrs": {"requires": "<regex>"}`` only when that regex is found in it. Besides, a rule is
    skipped when none of its ``literals`` (read off its pattern, see ``_rules.required_literals``)
    occurs in the lower-cased text: it could not match.
    """

    def __init__(self, nlp: Language, name: str, rules_path: str | Path) -> None:
        self.name = name
        self.spans_key = name.removeprefix("nelm_")
        self.rules: list[Rule] = load_rules(rules_path)
        # each rule's trigger words and literals as ids of the process's literal index (one scan per text answers
        # every rule), and its "requires" regex
        self._gates: list[tuple[Rule, frozenset[int] | None, frozenset[int] | None, re.Pattern[str] | None]] = []
        self._prefix_ids: dict[str, frozenset[int]] = {}
        for rule in self.rules:
            words = rule.attrs.get("triggers")
            need = rule.attrs.get("requires")
            self._gates.append((rule, LITERALS.ids([w.lower() for w in words]) if words else None,
                                LITERALS.ids(rule.literals), re.compile(need) if need else None))
            if rule.prefixes is not None:
                self._prefix_ids[rule.id] = LITERALS.ids(rule.prefixes)
        self._gated = any(words or need or literals for _, words, literals, need in self._gates)

    def text_of(self, doc: Doc) -> str:
        return doc_text(doc)

    def lower_of(self, doc: Doc) -> str:
        return lower_text(doc, self.text_of(doc))

    def relevant(self, lower: str) -> bool:
        """False when the text cannot match any rule (subclasses add keyword checks)."""
        return True

    def active_rules(self, lower: str, use_literals: bool = True, hits: LiteralHits | None = None) -> list[Rule]:
        """The rules whose prefilters pass on ``lower`` (``use_literals``: also test each rule's
        ``literals``; only valid for a text :func:`case_safe_lower` accepts). ``hits``: the literals
        found in ``lower`` (:func:`literal_hits`; scanned here when not given)."""
        if not self._gated:
            return self.rules
        present = (hits if hits is not None else LiteralHits(LITERALS.scan(lower))).present
        return [rule for rule, words, literals, need in self._gates
                if (words is None or not words.isdisjoint(present))
                and (not use_literals or literals is None or not literals.isdisjoint(present))
                and (need is None or need.search(lower))]

    def starts_of(self, rule: Rule, lower: str | None, hits: LiteralHits | None) -> list[int] | None:
        """Where ``rule`` may match in ``lower`` (see :func:`finditer`), ascending: every occurrence of one of its
        prefixes, read off ``hits`` (None: no prefixes, no case-safe ``lower`` or no hits: :func:`finditer` decides)."""
        ids = self._prefix_ids.get(rule.id)
        if lower is None or hits is None or ids is None:
            return None
        found = hits.starts
        lists = [found[i] for i in ids if i in found]
        if len(lists) == 1:
            return lists[0]
        return sorted({start for starts in lists for start in starts})

    def matches(self, text: str, rules: list[Rule], lower: str | None = None,
                hits: LiteralHits | None = None) -> Iterator[tuple[re.Match[str], Rule]]:
        """Every rule's matches, rule by rule (``lower``, ``hits``: see :func:`finditer`)."""
        for rule in rules:
            for match in finditer(rule, text, lower, self.starts_of(rule, lower, hits)):
                yield match, rule

    def interpret(self, doc: Doc, match: re.Match[str], rule: Rule) -> Iterable[Finding]:
        group = rule.span or 0
        start, end = match.span(group)
        return [Finding(start, end, rule.label, value_norm=rule.norm)]

    def postprocess(self, doc: Doc, spans: list[Span]) -> list[Span]:
        return drop_contained(spans)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        text = self.text_of(doc)
        lower = self.lower_of(doc)
        safe = case_safe_lower(text, lower)
        hits = literal_hits(doc, lower)
        rules = self.active_rules(lower, safe is not None, hits) if self.relevant(lower) else []
        if rules:
            for match, rule in self.matches(text, rules, safe, hits):
                for finding in self.interpret(doc, match, rule) or ():
                    span = make_span(doc, finding, rule.id, self.spans_key)
                    if span is not None:
                        spans.append(span)
        spans = self.postprocess(doc, spans)
        doc.spans[self.spans_key] = spans
        add_findings(doc, spans)
        return doc


def finditer(rule: Rule, text: str, lower: str | None = None, starts: list[int] | None = None) -> Iterator[re.Match[str]]:
    """The matches of ``rule.regex.finditer(text)``, found faster when the rule has ``prefixes``.

    Every match starts with one of the rule's prefixes, so the pattern is only tried (``regex.match``)
    where one occurs in ``lower`` (``text.lower()`` accepted by :func:`case_safe_lower`; None: plain
    ``finditer``), left to right, each search resuming at the end of the last match, as ``finditer``
    does (the pattern cannot match the empty string). Positions are found with ``str.find`` (or given
    as ``starts``, ascending: the prefixes' occurrences in ``lower`` read off :func:`literal_hits`),
    which is much faster than the regex engine's trial at every character.
    """
    if lower is None or rule.prefixes is None:
        yield from rule.regex.finditer(text)
        return
    if starts is None:
        found = set()
        for prefix in rule.prefixes:
            at = lower.find(prefix)
            while at >= 0:
                found.add(at)
                at = lower.find(prefix, at + 1)
        starts = sorted(found)
    resume = 0
    match_at = rule.regex.match
    for start in starts:
        if start >= resume:
            match = match_at(text, start)
            if match is not None:
                resume = match.end()
                yield match


def make_span(doc: Doc, finding: Finding, rule_id: str, extractor: str) -> Span | None:
    """A span over the finding's characters (expanded to token edges), annotated."""
    if finding.end <= finding.start:
        return None
    span = doc.char_span(finding.start, finding.end, label=finding.label, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    set_values(span, rule_id=rule_id, value_num=finding.value_num, value_unit=finding.value_unit,
               value_norm=finding.value_norm, extractor=extractor, attrs=finding.attrs or None)
    return span


def add_findings(doc: Doc, spans: Iterable[Span]) -> None:
    """Queue spans for the shared ``findings`` group (built once, by :func:`publish_findings`)."""
    doc.user_data.setdefault(_PENDING, []).extend(spans)


def publish_findings(doc: Doc) -> None:
    """Set ``doc.spans["findings"]`` from every extractor's spans, in one SpanGroup."""
    pending = doc.user_data.pop(_PENDING, None)
    if pending is not None:
        existing = list(doc.spans[FINDINGS]) if FINDINGS in doc.spans else []
        doc.spans[FINDINGS] = existing + pending


class LiteralHits:
    """The rule literals one text holds: ``starts`` (word id -> ascending offsets) and ``present`` (the ids)."""

    __slots__ = ("starts", "present")

    def __init__(self, starts: dict[int, list[int]]) -> None:
        self.starts = starts
        self.present = frozenset(starts)


def literal_hits(doc: Doc, lower: str) -> LiteralHits:
    """Every registered rule literal in ``lower`` (a lower-cased text of ``doc``), scanned once per doc and text."""
    cache = doc.user_data.setdefault(_HITS, {})
    key = (len(doc), hash(lower))
    hits = cache.get(key)
    if hits is None:
        hits = cache[key] = LiteralHits(LITERALS.scan(lower))
    return hits


def lower_text(doc: Doc, text: str) -> str:
    """``text.lower()`` computed once per doc and text (extractors reading the same text share it)."""
    cache = doc.user_data.setdefault(_LOWER, {})
    key = (len(doc), hash(text))
    if key not in cache:
        cache[key] = text.lower()
    return cache[key]


def doc_text(doc: Doc) -> str:
    """``doc.text`` computed once per doc (the property re-joins every token on each access)."""
    cached = doc.user_data.get(_TEXT)
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), doc.text)
        doc.user_data[_TEXT] = cached
    return cached[1]


def remember_text(doc: Doc, text: str) -> None:
    """Give :func:`doc_text` the string ``doc`` was tokenized from, so that it is never re-joined.

    spaCy's tokenizer is non-destructive (``tokenizer(text).text == text``), so this is ``doc.text``.
    """
    doc.user_data[_TEXT] = (len(doc), text)


def drop_contained(spans: list[Span], kind: Callable[[Span], Any] = lambda span: span.label) -> list[Span]:
    """Keep one span per region and ``kind`` (default: label): the longest; on a tie the earlier rule's."""
    ordered = sorted(enumerate(spans), key=lambda p: (p[1].start_char, -(p[1].end_char - p[1].start_char), p[0]))
    kept: list[tuple[Any, Span]] = []
    for _, span in ordered:
        own = kind(span)
        if any(k == own and s.start_char <= span.start_char and span.end_char <= s.end_char for k, s in kept):
            continue
        kept.append((own, span))
    return [span for _, span in kept]


def register(spec: ExtractorSpec, cls: Callable[..., Any]) -> None:
    """Register the spaCy factory ``nelm_<name>`` for an extractor class."""
    SPECS[spec.name] = spec

    def make(nlp, name, rules_path):  # untyped: spaCy resolves factory signatures at runtime
        return cls(nlp, name, rules_path)

    if not Language.has_factory(spec.factory):
        Language.factory(spec.factory, assigns=["doc.spans"], default_config={"rules_path": ""})(make)

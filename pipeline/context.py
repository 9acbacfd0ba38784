"""ConText over the shared ``findings`` span group, with rules we own (``configs/context/*.json``).

A thin wrapper around medspaCy's ConText: it loads every rule file in the context folder,
skips documents that have no findings (most of ConText's cost is its modifier matcher), finds
modifier scopes from sentence bounds read once per doc (:func:`_scope`) and links modifiers to
findings with a cheaper equivalent of ``ConTextGraph.apply_modifiers`` (:func:`apply_modifiers`).
"""
from __future__ import annotations

import json
from bisect import bisect_right
from pathlib import Path

import numpy

from . import _medspacy  # noqa: F401  (before any medspacy name: NLTK deferred)
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc

from extractors._base import publish_findings

from .errors import RuleFileError

FINDINGS = "findings"
_ALLOWED = {"literal", "category", "pattern", "direction", "max_scope", "allowed_types", "excluded_types",
            "terminated_by", "max_targets", "metadata", "comment"}


def load_context_rules(folder: str | Path) -> list[ConTextRule]:
    rules: list[ConTextRule] = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise RuleFileError(f"[X001] cannot read ConText rules {path}: {exc}") from exc
        for i, obj in enumerate(data.get("context_rules", [])):
            unknown = set(obj) - _ALLOWED
            if unknown:
                raise RuleFileError(f"[X002] {path.name} rule {i} ({obj.get('literal')!r}): unknown keys {sorted(unknown)}")
            obj = {k: v for k, v in obj.items() if k != "comment"}
            for key in ("allowed_types", "excluded_types", "terminated_by"):
                if key in obj and obj[key] is not None:
                    obj[key] = set(obj[key])
            try:
                rules.append(ConTextRule(**obj))
            except (ValueError, TypeError) as exc:
                raise RuleFileError(f"[X003] {path.name} rule {i} ({obj.get('literal')!r}): {exc}") from exc
    return rules


class FindingsContext:
    def __init__(self, nlp: Language, name: str, rules_dir: str) -> None:
        self.context = ConText(nlp, name=name, rules=None, input_span_type="group", span_group_name=FINDINGS)
        self.context.add(load_context_rules(rules_dir))

    def __call__(self, doc: Doc) -> Doc:
        publish_findings(doc)
        if FINDINGS in doc.spans and len(doc.spans[FINDINGS]):
            return self.run(doc)
        return doc

    def run(self, doc: Doc) -> Doc:
        """``ConText.__call__`` over the findings group (medspaCy 1.3.1), with :func:`apply_modifiers`."""
        context = self.context
        if context.input_span_type != "group" or context.span_group_name != FINDINGS:
            return context(doc)
        matcher = context._ConText__matcher
        graph = ConTextGraph(prune_on_modifier_overlap=context.prune_on_target_overlap)
        graph.targets = doc.spans[FINDINGS]
        graph.modifiers = []
        sentences = _sentence_starts(doc) if not context.max_scope else None
        for match_id, start, end in matcher(doc):
            rule = matcher.rule_map[context.nlp.vocab[match_id].text]
            scope = _scope(rule, start, end, *_sentence_of(sentences, start, len(doc))) if sentences is not None else (None, None)
            graph.modifiers.append(ConTextModifier(rule, start, end, doc, *scope, max_scope=context.max_scope))
        graph.update_scopes()
        apply_modifiers(graph)
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
        if context.context_attributes_mapping:
            context.set_context_attributes(graph.edges)
        doc._.context_graph = graph
        return doc


def _sentence_starts(doc: Doc) -> list[int] | None:
    """Token indices where a sentence starts (``sent_start == 1``), for the sentence of a token as
    ``Token.sent`` finds it; None when ``Token.sent`` would not read ``sent_start`` (sentence hooks,
    no sentence annotation): then ConTextModifier finds its scope itself."""
    if not doc.has_annotation("SENT_START") or "sent" in doc.user_token_hooks or "sent" in doc.user_span_hooks \
            or "sents" in doc.user_hooks:
        return None
    return numpy.flatnonzero(doc.to_array("SENT_START") == 1).tolist()


def _sentence_of(starts: list[int], i: int, length: int) -> tuple[int, int]:
    """(start, end) token bounds of ``doc[i].sent``: from the last sentence start at or before ``i``
    (else 0) to the first one after ``i`` (else the end of the doc)."""
    k = bisect_right(starts, i)
    return (starts[k - 1] if k else 0), (starts[k] if k < len(starts) else length)


def _scope(rule: ConTextRule, start: int, end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    """``ConTextModifier``'s scope (its private ``__set_scope``, medspaCy 1.3.1, without ConText's
    ``max_scope``): the rest of the sentence in the rule's direction, at most ``rule.max_scope`` tokens.

    Computed here from sentence bounds found once per doc, instead of ``doc[start].sent`` per modifier.
    """
    direction, limit = rule.direction.lower(), rule.max_scope
    if direction == "forward":
        scope_start, scope_end = end, sent_end
        if limit is not None and scope_end - scope_start > limit:
            scope_end = end + limit
    elif direction == "backward":
        scope_start, scope_end = sent_start, start
        if limit is not None and scope_end - scope_start > limit:
            scope_start = start - limit
    else:  # bidirectional
        scope_start, scope_end = sent_start, sent_end
        if limit is not None and start - scope_start > limit:
            scope_start = start - limit
        if limit is not None and scope_end - end > limit:
            scope_end = end + limit
    return scope_start, scope_end


def apply_modifiers(graph: ConTextGraph) -> None:
    """``graph.apply_modifiers()``: the same edges, in the same order, found faster.

    medspaCy calls ``modifier.modifies(target)`` for every (target, modifier) pair, each call
    re-reading span and rule properties. Here each target's token bounds and upper-cased label are
    read once, and modifiers that never modify anything (PSEUDO, TERMINATE) are skipped; the tests
    are those of ``ConTextModifier.modifies``. Each modifier collects its targets in target order,
    as in medspaCy's target-major loop, before ``reduce_targets``.
    """
    if graph.prune_on_modifier_overlap:
        graph.apply_modifiers()
        return
    targets = list(graph.targets)
    bounds = [(target.start, target.end, target.label_.upper()) for target in targets]
    for modifier in graph.modifiers:
        if modifier.direction in ("TERMINATE", "PSEUDO"):
            continue
        m0, m1 = modifier.modifier_span
        s0, s1 = modifier.scope_span
        allowed, excluded = modifier.allowed_types, modifier.excluded_types
        for target, (t0, t1, label) in zip(targets, bounds):
            # medspaCy's tuple_overlaps(a, b) is `a0 <= b0 < a1 or a0 < b1 <= a1` (False when b strictly
            # holds a): skip targets outside the scope or overlapping the modifier itself
            if not (s0 <= t0 < s1 or s0 < t1 <= s1) or m0 <= t0 < m1 or m0 < t1 <= m1:
                continue
            if allowed is not None:
                if label not in allowed:
                    continue
            elif excluded is not None and label in excluded:
                continue
            if modifier.on_modifies(target):
                modifier.modify(target)
    edges = []
    for modifier in graph.modifiers:
        modifier.reduce_targets()
        edges.extend((target, modifier) for target in modifier._targets)
    graph.edges = edges


@Language.factory("nelm_context", default_config={"rules_dir": ""})
def make_context(nlp, name, rules_dir):  # untyped: spaCy resolves factory signatures at runtime
    return FindingsContext(nlp, name, rules_dir)

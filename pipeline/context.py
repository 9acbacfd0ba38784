"""ConText over the shared ``findings`` span group, with rules we own (``configs/context/*.json``).

A thin wrapper around medspaCy's ConText: it loads every rule file in the context folder and
skips documents that have no findings (most of ConText's cost is its modifier matcher).
"""
from __future__ import annotations

import json
from pathlib import Path

from medspacy.context import ConText, ConTextRule
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
            return self.context(doc)
        return doc


@Language.factory("nelm_context", default_config={"rules_dir": ""})
def make_context(nlp, name, rules_dir):  # untyped: spaCy resolves factory signatures at runtime
    return FindingsContext(nlp, name, rules_dir)

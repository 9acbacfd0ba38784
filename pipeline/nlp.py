"""Build the spaCy pipeline from files in ``configs/``.

Order: blank English tokenizer -> ``nelm_sentences`` -> medspaCy sectionizer (our radiology and
pathology headers) -> every extractor in ``extractors/`` (by its ``order``) -> ``nelm_context``
(medspaCy ConText with our rules over the ``findings`` span group). Built once per process.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path

import spacy
from spacy.language import Language

from .config import Config
from .errors import RuleFileError

log = logging.getLogger(__name__)

# medspaCy imports loguru-based PyRuSH at import time; keep its DEBUG chatter out of our logs.
os.environ.setdefault("LOGURU_LEVEL", "WARNING")


def _section_rules(folder: Path) -> list:
    from medspacy.section_detection import SectionRule

    rules = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for obj in data["section_rules"]:
                rules.append(SectionRule(**obj))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RuleFileError(f"[T001] invalid section rules {path}: {exc}") from exc
    return rules


def extractor_specs(config: Config) -> list:
    import extractors

    disabled = set(config.nlp.disabled_extractors)
    unknown = disabled - set(extractors.SPECS)
    if unknown:
        raise RuleFileError(f"[T002] nlp.disabled_extractors names unknown extractors {sorted(unknown)}")
    specs = [s for s in extractors.SPECS.values() if s.name not in disabled]
    return sorted(specs, key=lambda s: (s.order, s.name))


def nlp_fingerprint(config: Config) -> str:
    """A hash of every file the pipeline is built from plus extractor code: the extractor version."""
    digest = hashlib.sha256()
    import extractors

    folders = [config.resolve(config.nlp.rules_dir), config.resolve(config.nlp.sections_dir),
               config.resolve(config.nlp.context_dir), Path(extractors.__file__).parent,
               Path(__file__).parent]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".json", ".jsonl", ".yaml"}:
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    digest.update(json.dumps(sorted(config.nlp.disabled_extractors)).encode())
    return digest.hexdigest()[:16]


def build_nlp(config: Config) -> Language:
    return _build_cached(config.model_dump_json())


@functools.lru_cache(maxsize=4)
def _build_cached(config_json: str) -> Language:
    from . import context, sentences  # noqa: F401  (registers components)

    config = Config.model_validate_json(config_json)
    nlp = spacy.blank("en")
    nlp.add_pipe("nelm_sentences")
    sectionizer = nlp.add_pipe("medspacy_sectionizer", config={"rules": None, "span_attrs": None})
    sectionizer.add(_section_rules(config.resolve(config.nlp.sections_dir)))
    rules_dir = config.resolve(config.nlp.rules_dir)
    for spec in extractor_specs(config):
        path = rules_dir / spec.rules_file
        if not path.exists():
            raise RuleFileError(f"[T003] extractor '{spec.name}' has no rule file {path}")
        nlp.add_pipe(spec.factory, name=spec.factory, config={"rules_path": str(path)})
    nlp.add_pipe("nelm_context", config={"rules_dir": str(config.resolve(config.nlp.context_dir))})
    log.info("built nlp pipeline: %s", ", ".join(nlp.pipe_names))
    return nlp

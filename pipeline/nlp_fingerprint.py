"""The extractor version: a hash of every file extraction output depends on.

Kept apart from :mod:`pipeline.nlp` so that computing it imports neither spaCy nor the
extractors: ``nelm run`` hashes the files before it hands out the first shard, and its main process
never builds an NLP pipeline when separate workers extract (importing spaCy there cost ~0.8 s of
CPU before the first shard, with every worker waiting).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

from .config import Config
from .resources import configs_dir

#: pipeline modules whose code shapes extraction output (the rest — CLI, bench, decision — do not).
EXTRACTION_MODULES = ("nlp.py", "aligned_tables.py", "checkboxes.py", "markup.py", "sentences.py", "section_limits.py",
                      "context.py", "harvest.py", "extract.py", "schema.py", "report_types.py", "rule_files.py", "lexicon.py",
                      "regex_literals.py", "literal_index.py")


def _extractors_folder() -> Path:
    """The ``extractors`` package's folder, found without importing it (it imports spaCy)."""
    spec = importlib.util.find_spec("extractors")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the extractors package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def nlp_fingerprint(config: Config) -> str:
    """A hash of every file extraction depends on: the extractor version.

    Rule, section, ConText and lexicon files (``configs/lexicons``), extractor code and the pipeline
    modules in EXTRACTION_MODULES. A change to any of them re-extracts on the next run; a change
    elsewhere (decision rules, CLI) does not.
    """
    digest = hashlib.sha256()
    files: list[Path] = []
    for folder in (config.resolve(config.nlp.rules_dir), config.resolve(config.nlp.sections_dir),
                   config.resolve(config.nlp.context_dir), configs_dir() / "lexicons", _extractors_folder()):
        files.extend(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".py", ".json", ".jsonl"})
    files.extend(Path(__file__).parent / name for name in EXTRACTION_MODULES)
    for path in sorted(files, key=lambda p: (p.parent.name, p.name)):
        if "__pycache__" in path.parts:
            continue
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(config.nlp.model_dump(), sort_keys=True).encode())
    return digest.hexdigest()[:16]

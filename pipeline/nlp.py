"""Build the spaCy pipeline from files in ``configs/``.

Order: blank English tokenizer -> ``nelm_sentences`` -> ``nelm_sectionizer`` (medspaCy's sectionizer
with our radiology and pathology headers) -> ``nelm_section_limits`` -> every extractor in
``extractors/`` (by its ``order``) -> ``nelm_context`` (medspaCy ConText with our rules over the
``findings`` span group). Built once per process.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import weakref
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .aligned_tables import colon_fields, pipe_aligned_tables
from .checkboxes import blank_unticked_options
from .markup import read_markup, remove_page_breaks, restore_line_breaks
from .config import Config
from .errors import RuleFileError
from .nlp_fingerprint import EXTRACTION_MODULES, nlp_fingerprint  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

# medspaCy imports loguru-based PyRuSH at import time; keep its DEBUG chatter out of our logs.
os.environ.setdefault("LOGURU_LEVEL", "WARNING")


def _section_rules(folder: Path) -> list:
    from . import _medspacy  # noqa: F401  (before any medspacy name: NLTK deferred)
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


#: Extra infixes: a comma or semicolon glued to the next word ("pain.,REASON FOR EXAM:" in reports
#: exported through CSV) and a full stop glued to it, so that headers and words stay tokens.
#: Decimal commas ("2,5 cm") are untouched: the next character must be a letter.
GLUED_PUNCTUATION_INFIXES = (r"(?<=[^\s,;])[,;](?=[A-Za-z])", r"(?<=[A-Za-z])[.:](?=[,;])", r"(?<=[.:;]),(?=\S)")


def _split_glued_punctuation(nlp: Language) -> None:
    from spacy.util import compile_infix_regex

    infixes = list(nlp.Defaults.infixes or ()) + list(GLUED_PUNCTUATION_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def _cacheable_whitespace(nlp: Language) -> None:
    """Drop the whitespace special cases ("\\n", "\\t") that the affix rules tokenize the same way.

    spaCy's tokenizer stops caching the words of a doc once one special case has been hit
    (``has_special`` in ``Tokenizer._tokenize_affixes`` is per doc, not per word), and almost every
    report hits ``"\\n"`` on its first line, so each word of each report went through the affix
    regexes again. A whitespace run is always a chunk of its own; when no prefix, suffix, infix,
    ``token_match`` or ``url_match`` rule matches it, and the special case only sets ORTH, the rules
    give the very same single token, so the special case only costs the cache. ``" "`` stays: it is
    also in the special-case matcher, which rewrites its token.
    """
    from spacy.symbols import ORTH

    tokenizer = nlp.tokenizer
    rules = tokenizer.rules

    def same_without(string: str) -> bool:
        return (string.isspace() and " " not in string and rules[string] == [{ORTH: string}]
                and not (tokenizer.find_prefix(string) or tokenizer.find_suffix(string) or tokenizer.find_infix(string))
                and not (tokenizer.token_match and tokenizer.token_match(string))
                and not (tokenizer.url_match and tokenizer.url_match(string)))

    drop = {string for string in rules if same_without(string)}
    if drop:
        tokenizer.rules = {string: subs for string, subs in rules.items() if string not in drop}


def _skip_table(config: Config, names: list[str]) -> dict[str, list[str]]:
    """Report type -> extractor components that do not run on it (``nlp.extractor_scope``)."""
    scope = config.nlp.extractor_scope
    unknown = set(scope) - set(names) - set(config.nlp.disabled_extractors)
    if unknown:
        raise RuleFileError(f"[T004] nlp.extractor_scope names unknown extractors {sorted(unknown)}")
    from .report_types import TYPES

    for name, types in scope.items():
        bad = set(types) - set(TYPES)
        if bad:
            raise RuleFileError(f"[T005] nlp.extractor_scope.{name} names unknown report types {sorted(bad)}")
    return {t: sorted(f"nelm_{n}" for n, types in scope.items() if n in names and t not in types) for t in TYPES}


#: nlp -> (its pipeline when planned, report type -> the components to run on it)
_PLANS: "weakref.WeakKeyDictionary[Language, tuple[list, dict[str, tuple]]]" = weakref.WeakKeyDictionary()


def _components(nlp: Language, report_type: str | None) -> tuple:
    """The components ``run_pipeline`` runs on a report type, computed once per pipeline.

    ``nlp.meta`` rebuilds part of the meta dict on every access, which cost more than a small
    extractor per report; the plan is recomputed only when the pipeline's components change.
    """
    pipeline = nlp.pipeline
    cached = _PLANS.get(nlp)
    if cached is None or cached[0] != pipeline:
        cached = (pipeline, {})
        _PLANS[nlp] = cached
    plans = cached[1]
    key = report_type or "OTHER"
    if key not in plans:
        skip = set(nlp.meta.get("nelm_skip", {}).get(key, ()))
        plans[key] = tuple(proc for name, proc in pipeline if name not in skip)
    return plans[key]


def run_pipeline(nlp: Language, text: str, report_type: str | None) -> Doc:
    """``nlp(text)``, skipping the extractors whose scope excludes ``report_type``."""
    from extractors._base import remember_text

    from extractors._spoken import spoken_numbers, spoken_punctuation, spoken_terms

    text = restore_line_breaks(remove_page_breaks(read_markup(text)))  # same length: "&lt;2&#37;" is "<2%" (markup.py)
    text = blank_unticked_options(text)  # same length: "___ G3" in a checklist says nothing (checkboxes.py)
    text = colon_fields(pipe_aligned_tables(text))  # same length: every offset is the report's own (aligned_tables.py)
    text = spoken_terms(spoken_numbers(spoken_punctuation(text)))  # same length: 'six mm period', 'segment seven', 'Key 67' (extractors/_spoken.py)
    if report_type == "PATHOLOGY":
        # same-length OCR repair ('we11-differentiated', 'DIAGN0SIS:', 'l/1O HPF'); the imaging extractors repair
        # the text they read themselves (extractors/_doc_index.py)
        from extractors._imaging_units import ocr_clean

        text = ocr_clean(text)
    doc = nlp.make_doc(text)
    remember_text(doc, text)
    for proc in _components(nlp, report_type):
        doc = proc(doc)
    return doc


def build_nlp(config: Config) -> Language:
    return _build_cached(config.model_dump_json())


@functools.lru_cache(maxsize=4)
def _build_cached(config_json: str) -> Language:
    from . import context, section_limits, sentences  # noqa: F401  (registers components)

    config = Config.model_validate_json(config_json)
    nlp = spacy.blank("en")
    _split_glued_punctuation(nlp)
    _cacheable_whitespace(nlp)
    nlp.add_pipe("nelm_sentences")
    sectionizer = nlp.add_pipe("nelm_sectionizer")  # medspaCy's sectionizer, faster (section_limits.py)
    sectionizer.add(_section_rules(config.resolve(config.nlp.sections_dir)))
    nlp.add_pipe("nelm_section_limits")
    rules_dir = config.resolve(config.nlp.rules_dir)
    for spec in extractor_specs(config):
        path = rules_dir / spec.rules_file
        if not path.exists():
            raise RuleFileError(f"[T003] extractor '{spec.name}' has no rule file {path}")
        nlp.add_pipe(spec.factory, name=spec.factory, config={"rules_path": str(path)})
    nlp.add_pipe("nelm_context", config={"rules_dir": str(config.resolve(config.nlp.context_dir))})
    nlp.meta["nelm_skip"] = _skip_table(config, [s.name for s in extractor_specs(config)])
    _BUILT_WITH[nlp] = len(nlp.vocab.strings)
    log.info("built nlp pipeline: %s", ", ".join(nlp.pipe_names))
    return nlp


#: strings a pipeline's vocabulary may gain before :func:`renew_if_grown` retires it. spaCy interns
#: every token text a pipeline ever sees, and its tokenizer caches every distinct chunk, for the
#: life of the pipeline: on an archive of endless new numbers, dates and codes a long-lived worker
#: would grow without bound. 500,000 strings is on the order of 100 MiB; a rebuild costs ~3 s.
VOCAB_GROWTH_LIMIT = 500_000
#: nlp -> size of its string store when it was built
_BUILT_WITH: "weakref.WeakKeyDictionary[Language, int]" = weakref.WeakKeyDictionary()


def renew_if_grown(nlp: Language, limit: int | None = None) -> bool:
    """Forget the cached pipeline once its vocabulary has grown by more than ``limit`` strings
    (default :data:`VOCAB_GROWTH_LIMIT`): the next :func:`build_nlp` builds a fresh one, and this
    one is freed when its last document is. Outputs do not depend on it (the vocabulary only caches
    what the text says). Returns whether the pipeline was retired."""
    grown = len(nlp.vocab.strings) - _BUILT_WITH.get(nlp, 0)
    if grown <= (VOCAB_GROWTH_LIMIT if limit is None else limit):
        return False
    _build_cached.cache_clear()
    log.info("NLP pipeline retired after its vocabulary grew by %d strings; the next shard builds a fresh one", grown)
    return True

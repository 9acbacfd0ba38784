"""NLTK (pulled in by medspaCy through QuickUMLS, never used by nelm) is loaded on first use only."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from pipeline.deferred_imports import DeferredModule, deferred


def _fresh(code: str) -> str:
    """Run code in a fresh interpreter (this test session may have imported NLTK already)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_building_the_pipeline_does_not_load_nltk_and_quickumls_still_gets_it_on_use():
    out = _fresh("""
        import sys
        from pipeline.config import load_config
        from pipeline.nlp import build_nlp
        build_nlp(load_config())
        print("nltk" in sys.modules, any(m.startswith("scipy.stats") for m in sys.modules))
        import quickumls.core
        print(type(quickumls.core.nltk).__name__)
        stopwords = quickumls.core.nltk.corpus.stopwords  # what QuickUMLS() reads: loads the real NLTK
        import nltk
        print(type(nltk).__name__, quickumls.core.nltk.corpus is nltk.corpus, sys.modules["nltk"] is nltk)
    """)
    assert out.splitlines() == ["False False", "DeferredModule", "module True True"]


def test_other_imports_of_nltk_are_ordinary_after_medspacy():
    out = _fresh("""
        import sys
        import pipeline._medspacy
        from nltk.tokenize import word_tokenize  # a submodule first: the ordinary import system
        import nltk
        print(type(sys.modules["nltk"]).__name__, sys.modules["nltk.tokenize"] is nltk.tokenize)
    """)
    assert out == "module True"


def test_deferred_leaves_imported_and_missing_modules_alone():
    import json

    with deferred("json", "no_such_module_for_nelm"):
        assert sys.modules["json"] is json
        assert "no_such_module_for_nelm" not in sys.modules


def test_a_placeholder_answers_its_spec_without_loading_and_leaves_after_the_block():
    out = _fresh("""
        import sys
        from pipeline.deferred_imports import DeferredModule, deferred
        with deferred("csv"):
            import csv
            print(type(sys.modules["csv"]).__name__, csv.__spec__.name, "writer" in vars(csv))
        print("csv" in sys.modules, callable(csv.writer), type(sys.modules["csv"]).__name__)
    """)
    assert out.splitlines() == ["DeferredModule csv False", "False True module"]
    assert issubclass(DeferredModule, type(sys))

"""Cue lexicons (``configs/lexicons/<module>.jsonl``, read by :mod:`pipeline.lexicon`).

* every file loads, every line says what it recognises, and every cue is used by its module;
* a broken file fails at load with a ``RuleFileError`` naming code, file, line and cue;
* a lexicon edit changes the extractor version (``nlp_fingerprint``), so the next run re-extracts.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import RuleFileError
from pipeline.lexicon import Lexicon, load_lexicon, read_lexicon
from pipeline.nlp_fingerprint import nlp_fingerprint
from pipeline.resources import configs_dir

LEXICONS = configs_dir() / "lexicons"
FILES = sorted(LEXICONS.glob("*.jsonl"))
NAMES = [path.stem for path in FILES]


def _module_of(name: str) -> str:
    """The module that reads ``lexicons/<name>.jsonl``: extractors.<name>, extractors._<name> or
    pipeline.<name> (planning code, such as report_types)."""
    for candidate in (f"extractors.{name}", f"extractors._{name}", f"pipeline.{name}"):
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise AssertionError(f"no extractors module for configs/lexicons/{name}.jsonl")


def test_there_are_lexicons():
    assert len(FILES) >= 15
    assert "imaging_report" in NAMES and "imaging_units" in NAMES and "report_types" in NAMES


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_every_lexicon_file_loads_and_documents_its_cues(path: Path):
    lexicon = read_lexicon(path)
    assert len(lexicon) > 0
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        if "cue" in obj:
            assert obj.get("comment", "").strip(), f"{path.name}: cue {obj['cue']} has no comment"
            assert isinstance(getattr(lexicon[obj["cue"]], "regex", lexicon[obj["cue"]]), re.Pattern)


@pytest.mark.parametrize("name", NAMES)
def test_every_cue_is_used_by_its_module(name: str):
    module = importlib.import_module(_module_of(name))
    cues = getattr(module, "_CUES", None)
    assert isinstance(cues, Lexicon), f"{module.__name__} does not load lexicons/{name}.jsonl"
    assert cues.path == (LEXICONS / f"{name}.jsonl").resolve()
    assert cues.unused() == [], f"cues in lexicons/{name}.jsonl that {module.__name__} never asks for"


def test_module_constants_are_the_lexicon_patterns():
    from extractors import _imaging_units, imaging_report, lesion

    assert imaging_report._FDG is load_lexicon("imaging_report")["FDG"]
    assert imaging_report._FDG.flags & re.IGNORECASE
    assert _imaging_units._DOZEN is load_lexicon("imaging_units").DOZEN
    assert not _imaging_units._DOZEN.flags & re.IGNORECASE  # "case": true
    assert lesion._COUNT_BEFORE.pattern.startswith(r"(?:\b|(?=[>\u2265]))(?P<q>" + load_lexicon("lesion").source("QUANT") + ")")


# -- the loader itself, on files written here ----------------------------------------------------
def _write(tmp_path: Path, *lines: object, name: str = "demo.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
                    encoding="utf-8")
    return path


def test_flags_defines_and_sources(tmp_path: Path):
    path = _write(
        tmp_path,
        {"define": "SIDE", "pattern": "left|right"},
        "// a comment line",
        {"cue": "LOBE", "pattern": r"\b<<SIDE>>\s+lobe\b", "comment": "a liver lobe"},
        {"cue": "EXACT", "pattern": "NET", "case": True},
        {"cue": "LINES", "pattern": "^Liver:", "flags": ["MULTILINE"]},
        {"cue": "SPACED", "pattern": r"a \s* b  # verbose", "verbose": True},
        {"cue": "SIZE", "pattern": r"<<NUM>>\s*<<UNIT_LEN>>"},  # shared definitions of configs/rules/_defines.jsonl
    )
    lex = read_lexicon(path)
    assert lex.source("LOBE") == r"\b(?:left|right)\s+lobe\b"
    assert lex["LOBE"].flags == re.IGNORECASE | re.UNICODE
    assert lex.EXACT.flags == re.UNICODE
    assert lex["LINES"].flags == re.IGNORECASE | re.MULTILINE | re.UNICODE
    assert lex["SPACED"].fullmatch("AB") and lex["SPACED"].flags & re.VERBOSE
    assert lex["SIZE"].fullmatch("2,5 cm")
    assert list(lex) == ["LOBE", "EXACT", "LINES", "SPACED", "SIZE"]
    assert lex.line("EXACT") == 4


def test_unused_lists_the_cues_nobody_asked_for(tmp_path: Path):
    lex = read_lexicon(_write(tmp_path, {"cue": "A", "pattern": "a"}, {"cue": "B", "pattern": "b"},
                              {"cue": "C", "pattern": "c"}))
    assert lex.unused() == ["A", "B", "C"]
    lex["A"], lex.source("C")
    assert lex.unused() == ["B"]
    assert "B" in lex and "Z" not in lex and not hasattr(lex, "_private")


def test_asking_for_a_missing_cue_names_file_and_cue(tmp_path: Path):
    lex = read_lexicon(_write(tmp_path, {"cue": "BENIGN_CLAUSE", "pattern": "cyst"}))
    with pytest.raises(RuleFileError, match=r"\[R009\] lexicons/demo\.jsonl: no cue 'BENIGN_CLAUS'.*did you mean 'BENIGN_CLAUSE'"):
        lex["BENIGN_CLAUS"]
    with pytest.raises(RuleFileError, match=r"\[R009\] lexicons/demo\.jsonl: no cue 'NOPE'"):
        lex.NOPE


# -- broken files, through NELM_CONFIGS_DIR like every config ---------------------------------------
@pytest.fixture
def configs_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of configs/ that NELM_CONFIGS_DIR points at."""
    copy = tmp_path / "configs"
    shutil.copytree(configs_dir(), copy)
    monkeypatch.setenv("NELM_CONFIGS_DIR", str(copy))
    assert configs_dir() == copy
    return copy


def _append(line: str):
    return lambda text: text + line + "\n"


_KI67_LINES = len((LEXICONS / "ki67.jsonl").read_text(encoding="utf-8").splitlines())
_NEXT = _KI67_LINES + 1  # the line a mutation appends


def _duplicate_first(text: str) -> str:
    return text + text.splitlines()[0] + "\n"


@pytest.mark.parametrize("mutate, pattern", [
    (_append('{"cue": "X", "pattern": "x"'), rf"\[R001\] lexicons/ki67\.jsonl:{_NEXT}: not valid JSON"),
    (_append('["cue", "X"]'), rf"\[R001\] lexicons/ki67\.jsonl:{_NEXT}: each line must be a JSON object"),
    (_append('{"cue": "EXTRA", "pattern": "x", "coment": "typo"}'),
     rf"\[R002\] lexicons/ki67\.jsonl:{_NEXT}: unknown key 'coment' \(did you mean 'comment'\?\)"),
    (_append('{"define": "D", "pattern": "x", "case": true}'), rf"\[R002\] lexicons/ki67\.jsonl:{_NEXT}: unknown key 'case'"),
    (_append('{"cue": "EXTRA", "comment": "no pattern"}'), rf"\[R003\] lexicons/ki67\.jsonl:{_NEXT}: cue line needs 'pattern'"),
    (_append('{"pattern": "x"}'), rf"\[R003\] lexicons/ki67\.jsonl:{_NEXT}: cue line needs 'cue'"),
    (_append('{"define": "D"}'), rf"\[R003\] lexicons/ki67\.jsonl:{_NEXT}: definition line needs"),
    (_duplicate_first, rf"\[R004\] lexicons/ki67\.jsonl:{_NEXT} cue 'HOT': duplicate cue \(first on line 1\)"),
    (_append('{"cue": "EXTRA", "pattern": "<<NUMBR>>"}'),
     rf"\[R005\] lexicons/ki67\.jsonl:{_NEXT} cue 'EXTRA': unknown definition <<NUMBR>> \(did you mean <<NUM>>\?\)"),
    (_append('{"cue": "BROKEN", "pattern": "ki-?67 (index"}'),
     rf"\[R007\] lexicons/ki67\.jsonl:{_NEXT} cue 'BROKEN': bad regular expression"),
    (_append('{"cue": "lower_case", "pattern": "x"}'), rf"\[R010\] lexicons/ki67\.jsonl:{_NEXT}: cue name 'lower_case'"),
    (_append('{"cue": "EXTRA", "pattern": "x", "case": "yes"}'),
     rf"\[R010\] lexicons/ki67\.jsonl:{_NEXT} cue 'EXTRA': 'case' must be true or false"),
    (_append('{"cue": "EXTRA", "pattern": "x", "flags": ["MULTILNE"]}'),
     rf"\[R010\] lexicons/ki67\.jsonl:{_NEXT} cue 'EXTRA': unknown flag 'MULTILNE' \(did you mean 'MULTILINE'\?\)"),
], ids=["json", "not-object", "unknown-key", "define-key", "no-pattern", "no-cue", "define-no-pattern",
        "duplicate", "unknown-define", "bad-regex", "cue-name", "case-value", "flag-name"])
def test_a_broken_lexicon_fails_at_load_naming_file_line_and_cue(configs_copy: Path, mutate, pattern: str):
    path = configs_copy / "lexicons" / "ki67.jsonl"
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RuleFileError, match=pattern):
        load_lexicon("ki67")


def test_a_deleted_cue_fails_when_its_module_asks_for_it(configs_copy: Path):
    path = configs_copy / "lexicons" / "ki67.jsonl"
    path.write_text("".join(line + "\n" for line in path.read_text(encoding="utf-8").splitlines()
                            if '"cue": "AVERAGE"' not in line), encoding="utf-8")
    lex = load_lexicon("ki67")
    assert lex.path == path.resolve() and lex is load_lexicon("ki67")  # cached per resolved path
    assert lex is not importlib.import_module("extractors.ki67")._CUES
    with pytest.raises(RuleFileError, match=r"\[R009\] lexicons/ki67\.jsonl: no cue 'AVERAGE'.*" + re.escape(str(path))):
        lex["AVERAGE"]


@pytest.mark.slow
def test_a_deleted_cue_stops_the_import_with_a_clear_message(configs_copy: Path):
    path = configs_copy / "lexicons" / "imaging_report.jsonl"
    path.write_text("".join(line + "\n" for line in path.read_text(encoding="utf-8").splitlines()
                            if '"cue": "FDG"' not in line), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import extractors"], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "RuleFileError: [R009] lexicons/imaging_report.jsonl: no cue 'FDG'" in done.stderr


def test_a_missing_lexicon_file_is_a_config_error(configs_copy: Path):
    (configs_copy / "lexicons" / "ki67.jsonl").unlink()
    with pytest.raises(Exception, match=r"\[C002\] missing config file .*ki67\.jsonl"):
        load_lexicon("ki67")


# -- the extractor version -------------------------------------------------------------------------
def test_the_extractor_version_changes_when_a_lexicon_changes(configs_copy: Path):
    config = load_config()
    before = nlp_fingerprint(config)
    assert nlp_fingerprint(config) == before
    path = configs_copy / "lexicons" / "imaging_report.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("fluorodeoxyglucose", "fluoro-deoxyglucose"), encoding="utf-8")
    edited = nlp_fingerprint(config)
    assert edited != before
    (configs_copy / "lexicons" / "new_module.jsonl").write_text('{"cue": "X", "pattern": "x"}\n', encoding="utf-8")
    assert nlp_fingerprint(config) not in {before, edited}

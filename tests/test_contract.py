"""Contract tests: the promises other people build on, checked mechanically.

Every extractor module has its factory, its rule file and its test file; rule ids are unique
across all rule files; every output column is documented and matches CONTRACT.md §3; every CLI
command of CONTRACT §1 exists, has help and is in the README.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from spacy.language import Language

import extractors
from pipeline.cli import build_parser
from pipeline.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "configs" / "rules"
SHARED = ROOT.parent / "shared"
SUMMARISERS = {"imaging_report", "pathology_report"}


def _extractor_modules() -> list[str]:
    return sorted(p.stem for p in (ROOT / "extractors").glob("*.py") if not p.stem.startswith("_") and p.stem not in SUMMARISERS)


@pytest.mark.parametrize("name", _extractor_modules())
def test_contract_each_extractor_has_factory_rules_and_tests(name):
    assert name in extractors.SPECS, f"extractors/{name}.py does not register(SPEC, ...)"
    spec = extractors.SPECS[name]
    assert Language.has_factory(spec.factory)
    assert (RULES / spec.rules_file).is_file(), f"missing configs/rules/{spec.rules_file}"
    assert (ROOT / "tests" / "extractors" / f"test_{name}.py").is_file(), f"missing tests/extractors/test_{name}.py"


def test_contract_rule_ids_unique_across_rule_files_and_prefixed_by_extractor():
    seen: dict[str, str] = {}
    for path in sorted(RULES.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            obj = json.loads(line)
            if "define" in obj:
                continue
            rid = obj["id"]
            assert rid not in seen, f"rule id {rid} in {path.name} and {seen[rid]}"
            seen[rid] = path.name
            assert rid.split(".")[0] == path.stem, f"{path.name}: rule id {rid} should start with '{path.stem}.'"
    assert len(seen) > 50


def test_contract_every_output_column_is_documented():
    for name, schema in TABLES.items():
        for field in schema:
            assert field.metadata and field.metadata.get(b"doc"), f"{name}.{field.name} has no doc"


def _contract_columns() -> dict[str, set[str]]:
    text = (SHARED / "CONTRACT.md").read_text()
    out: dict[str, set[str]] = {}
    for name in TABLES:
        m = re.search(rf"### {name}\b[^\n]*\n(.*?)(?=\n### |\n## )", text, re.S)
        assert m, name
        out[name] = set(re.findall(r"`([a-z_0-9]+)`", m.group(1)))
    return out


@pytest.mark.skipif(not (SHARED / "CONTRACT.md").exists(), reason="../shared (CONTRACT.md) is not beside this checkout")
def test_contract_tables_carry_every_contract_column():
    for name, columns in _contract_columns().items():
        names = set(TABLES[name].names)
        # the contract's prose also quotes values in backticks; every schema column must be named there
        assert names <= columns | {"report_type"}, f"{name}: {sorted(names - columns)} not in CONTRACT.md"
        listed = {c for c in columns if c in names}
        assert listed == names


def test_contract_list_columns_are_lists_of_strings():
    for name, schema in TABLES.items():
        for field in schema:
            if pa.types.is_list(field.type):
                assert field.type.value_type == pa.string(), f"{name}.{field.name}"


def test_contract_cli_has_every_command_with_help_and_readme_mentions_them():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    commands = set(sub.choices)
    assert commands >= {"run", "extract", "explain", "decide", "cohort", "serve", "eval"}
    readme = (ROOT / "README.md").read_text()
    for command, sub_parser in sub.choices.items():
        assert sub_parser.format_help().strip()
        assert f"nelm {command}" in readme, f"README does not show `nelm {command}`"

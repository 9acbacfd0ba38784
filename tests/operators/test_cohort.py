"""``nelm cohort``: the safe --where evaluator and the wide export (issue 8)."""
from __future__ import annotations

import csv

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.cohort import QueryError, compile_where, export_cohort


def _ids(run_dir, where):
    path, n = export_cohort(run_dir, where, "parquet")
    ids = pq.read_table(path).column("patient_id").to_pylist()
    assert len(ids) == n
    return ids


@pytest.mark.parametrize("where,expected", [
    ("", ["P1", "P2", "P3"]),
    ("   ", ["P1", "P2", "P3"]),
    ("resection == 'eligible' and ki67_percent < 20", ["P1"]),
    ("resection != 'eligible'", ["P2", "P3"]),
    ("prrt == 'indeterminate' or transarterial == 'ineligible'", ["P1", "P2", "P3"]),
    ("who_grade in ('G2', 'G3')", ["P1", "P3"]),
    ("who_grade not in ['G2']", ["P3"]),
    ("3 <= ki67_percent <= 30", ["P1", "P3"]),
    ("ki67_percent >= 20.5", ["P3"]),
    ("ki67_percent > -1", ["P1", "P3"]),
    ("'bone' in extrahepatic_sites", ["P2"]),
    ("'bone' not in extrahepatic_sites", ["P1"]),
    ("extrahepatic_sites == []", ["P1"]),
    ("extrahepatic_sites == ['lymph_node', 'bone']", ["P2"]),
    ("bilobar", ["P2"]),
    ("not bilobar", ["P1"]),
    ("bilobar == False", ["P1"]),
    ("bilobar or liver_lesion_count == 1", ["P1", "P2"]),
    ("as_of >= '2024-01-15'", ["P2"]),
    ("as_of in ('2024-01-10',)", ["P1"]),
    ("liver_lesion_count_category == 'multiple' and largest_liver_lesion_mm > 30", ["P2"]),
])
def test_valid_expressions(run_dir, where, expected):
    assert _ids(run_dir, where) == expected


@pytest.mark.parametrize("where,expected", [
    # a comparison with a missing value is never true, negated or not (three-valued logic)
    ("ki67_percent < 20", ["P1"]),
    ("not ki67_percent < 20", ["P3"]),
    ("not (ki67_percent < 20 and bilobar)", ["P1", "P3"]),   # P1: bilobar false -> and is false -> not is true
    ("ki67_percent < 20 or bilobar", ["P1", "P2"]),           # unknown or true = true
    ("ki67_percent is None", ["P2"]),
    ("ki67_percent is not None", ["P1", "P3"]),
    ("extrahepatic_sites is None", ["P3"]),
    ("'bone' not in extrahepatic_sites", ["P1"]),            # P3's list is unknown, not empty
    ("bilobar != True", ["P1"]),                             # P3's bilobar is unknown
])
def test_null_semantics(run_dir, where, expected):
    assert _ids(run_dir, where) == expected


@pytest.mark.parametrize("where,code,fragment", [
    ("ki67_percent.real > 1", "Q002", "attribute access is not allowed in --where"),
    ("resection.__class__ == 'x'", "Q002", "attribute access is not allowed"),
    ("len(evidence) > 1", "Q003", "function calls are not allowed"),
    ("open('/etc/passwd')", "Q003", "function calls are not allowed"),
    ("evidence[0] == 'P1-CT'", "Q004", "indexing and slicing are not allowed"),
    ("(lambda: 1)", "Q006", "lambda is not allowed"),
    ("__import__('os').system('true')", "Q007", "dunder names such as '__import__'"),
    ("__builtins__ == 1", "Q007", "dunder names"),
    ("ki67_percent * 2 > 10", "Q006", "arithmetic is not allowed"),
    ("[x for x in evidence]", "Q006", "comprehensions are not allowed"),
    ("(y := 1)", "Q006", "assignment (:=) is not allowed"),
    ("f'{ki67_percent}' == '1'", "Q006", "f-strings are not allowed"),
    ("ki67_percent == None", "Q009", "write 'ki67_percent is None'"),
    ("ki67_percent != None", "Q009", "write 'ki67_percent is not None'"),
    ("ki67_percent < 'high'", "Q008", "ki67_percent is a number column"),
    ("bilobar == 1", "Q008", "compare it with True or False"),
    ("as_of > 'last year'", "Q008", "a date like"),
    ("ki67_percent", "Q008", "not yes/no"),
    ("1 == 1", "Q008", "compares two constants"),
    ("resection == 'eligble'", "Q010", "did you mean 'eligible'"),
    ("resection ==", "Q001", "cannot parse --where"),
    ("import os", "Q001", "cannot parse --where"),
])
def test_forbidden_and_malformed(run_dir, where, code, fragment):
    with pytest.raises(QueryError) as info:
        export_cohort(run_dir, where)
    message = str(info.value)
    assert message.startswith(f"[{code}]"), message
    assert fragment in message


@pytest.mark.parametrize("name,suggestion", [
    ("ki67", "ki67_percent"),
    ("ki67_pct", "ki67_percent"),
    ("resecton", "resection"),
    ("bilobal", "bilobar"),
])
def test_unknown_column_suggests_close_matches(run_dir, name, suggestion):
    with pytest.raises(QueryError, match=r"^\[Q005\] unknown column") as info:
        export_cohort(run_dir, f"{name} == 1")
    assert f"did you mean {suggestion}" in str(info.value) or suggestion in str(info.value).split("(columns")[0]


def test_bad_expression_fails_before_reading_tables(tmp_path):
    with pytest.raises(QueryError, match=r"\[Q002\]"):
        export_cohort(tmp_path / "nowhere", "a.b == 1")


def test_missing_tables_message(tmp_path):
    with pytest.raises(Exception, match=r"\[Q011\].*patients.parquet not found"):
        export_cohort(tmp_path, "")


def test_evaluator_never_calls_python(monkeypatch):
    import builtins

    monkeypatch.setattr(builtins, "eval", lambda *a, **k: pytest.fail("eval called"))
    predicate = compile_where("ki67_percent < 20")
    assert predicate({"ki67_percent": 3.0}) is True
    assert predicate({"ki67_percent": None}) is None


def test_csv_output(run_dir):
    path, n = export_cohort(run_dir, "", "csv")
    assert path == run_dir / "cohort.csv" and n == 3
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["patient_id"] for r in rows] == ["P1", "P2", "P3"]
    for therapy in ("resection", "ablation", "transarterial", "transplant", "prrt"):
        assert therapy in rows[0]
    p1, p2, p3 = rows
    assert p1["resection"] == "eligible" and p2["resection"] == "ineligible"
    assert p1["evidence"] == "P1-CT;P1-PATH"                  # lists: ';'-joined
    assert p2["extrahepatic_sites"] == "bone;lymph_node"
    assert p1["extrahepatic_sites"] == "" and p3["extrahepatic_sites"] == ""
    assert p2["ki67_percent"] == "" and p1["ki67_percent"] == "4.0"
    assert p1["bilobar"] == "false" and p2["bilobar"] == "true"
    assert p1["as_of"] == "2024-01-10" and p1["liver_lesion_count"] == "1"
    frame = pd.read_csv(path)
    assert list(frame["patient_id"]) == ["P1", "P2", "P3"]


def test_parquet_output_keeps_types(run_dir, tmp_path):
    target = tmp_path / "sub" / "cohort.parquet"
    path, n = export_cohort(run_dir, "prrt == 'indeterminate'", "parquet", target)
    assert path == target and n == 3
    table = pq.read_table(path)
    import pyarrow as pa

    site_type = table.schema.field("extrahepatic_sites").type
    assert pa.types.is_list(site_type) and pa.types.is_string(site_type.value_type)
    assert str(table.schema.field("ki67_percent").type) == "double"
    assert str(table.schema.field("as_of").type) == "date32[day]"
    rows = {r["patient_id"]: r for r in table.to_pylist()}
    assert rows["P2"]["extrahepatic_sites"] == ["bone", "lymph_node"]
    assert rows["P3"]["extrahepatic_sites"] is None
    assert rows["P1"]["transarterial"] == "ineligible"
    frame = pd.read_parquet(path)
    assert list(frame.columns[-5:]) == ["resection", "ablation", "transarterial", "transplant", "prrt"]


def test_cli_cohort(run_dir, capsys):
    assert main(["cohort", "--out", str(run_dir), "--where", "resection == 'eligible'"]) == 0
    assert "1 patients written to" in capsys.readouterr().out
    assert main(["cohort", "--out", str(run_dir), "--where", "x.y == 1"]) == 1
    err = capsys.readouterr().err
    assert "[Q002] attribute access is not allowed in --where" in err
    assert "Traceback" not in err


def test_readme_query_examples_run(run_dir, monkeypatch, capsys):
    """The DuckDB and pandas examples of the README run against a finished run's tables."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)
    assert any("duckdb" in b for b in blocks) and any("pandas" in b for b in blocks)
    monkeypatch.chdir(run_dir.parent)   # the examples read out/...
    for block in blocks:
        if "import duckdb" in block:
            pytest.importorskip("duckdb", reason="duckdb is optional (pip install duckdb)")
        exec(compile(block.replace("'SA01'", "'P1'"), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "P1" in printed and "eligible" in printed

"""The fast paths of the decision step give exactly what the reference paths give.

``decide_bucket`` compiles the rule conditions, reads frames column-wise and coerces whole columns;
each shortcut is checked here against the plain code it replaces (``evaluate``, ``DataFrame.to_dict``,
``_coerce``, ``normalize_row``), on values chosen to hit every branch.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pipeline import aggregate, decision, schema
from pipeline.decision import (
    INPUT_FEATURES,
    KNOWN_FEATURES,
    decide_patient,
    evaluate,
    explain_patient,
    frame_records,
    load_ruleset,
    normalize_features,
)


def _all_conditions(rs: decision.RuleSet) -> list[decision.Condition]:
    conds: list[Any] = []
    for rule in rs.rules:
        conds += [rule.when] + [c.when for c in rule.cases or ()] + [v.when for v in rule.variants]
    conds += [item.when for item in rs.review_items.values()]
    conds += [rs.overrides.minen.when, rs.overrides.discordance.when]
    return [c for c in conds if c is not None]


#: Values a context may hold: unknown, booleans, numbers at and around the thresholds, strings,
#: lists (including rule ids for contains_any) and values that do not compare with numbers.
_POOL: list[Any] = [None, True, False, 0, 1, 2, 3, 4, 5, 20, 30, 50, 55, 55.0, 54.9, 100, math.inf, -1,
                    "G1", "G2", "G3", "well", "poorly", "NET", "NEC", "MiNEN", "pancreas", "liver", "low", "high",
                    "none", "eligible", "ineligible", "indeterminate", "resectable", [], ["bone"], ["peritoneum"],
                    ["R1", "R10b"], dt.date(2021, 1, 1)]


def test_compiled_conditions_match_evaluate() -> None:
    rs = load_ruleset("nelm-rules-1")
    conds = _all_conditions(rs)
    features = sorted({leaf.feature for c in conds for leaf in c.leaves() if leaf.feature})
    rule_ids = [r.id for r in rs.rules]
    pool = _POOL + [[rid] for rid in rule_ids[:40]]
    rng = random.Random(7)
    for _ in range(1500):
        ctx = {name: rng.choice(pool) for name in features if rng.random() < 0.8}
        for cond in conds:
            try:
                expected = evaluate(cond, ctx)
            except TypeError:  # e.g. contains_any on a number: no rule file can produce it
                continue  # (the compiled form may stop before reaching that leaf)
            assert decision._check(rs, cond, ctx) is expected, cond


def test_compiled_condition_edge_cases() -> None:
    rs = load_ruleset("nelm-rules-1")
    assert decision._check(rs, None, {}) is True
    leaf = decision.Condition.model_validate({"feature": "ki67_percent", "op": "ge", "value": 20})
    for value in (None, 19, 20, "x", [1], dt.date(2020, 1, 1)):
        assert decision._compile(leaf)({"ki67_percent": value}) is evaluate(leaf, {"ki67_percent": value})
    empty_all = decision.Condition.model_validate({"all": []})
    empty_any = decision.Condition.model_validate({"any": []})
    assert decision._compile(empty_all)({}) is evaluate(empty_all, {}) is True
    assert decision._compile(empty_any)({}) is evaluate(empty_any, {}) is False


def _frames() -> list[pd.DataFrame]:
    base = pd.DataFrame({
        "patient_id": ["A", "B", None],
        "as_of": [dt.date(2021, 1, 1), None, dt.date(2020, 5, 6)],
        "n_reports": np.array([1, 2, 3], dtype="int32"),
        "liver_lesion_count": pd.array([1, None, 4], dtype="Int32"),
        "bilobar": pd.array([True, None, False], dtype="boolean"),
        "ki67_percent": [2.0, math.nan, 55.0],
        "liver_segments": [["7"], np.array(["2", "5"], dtype=object), None],
        "odd": pd.Series([np.int64(3), np.float64("nan"), np.bool_(True)], dtype=object),
        "stamp": pd.to_datetime(["2021-01-01", None, "2020-02-03"]),
        "flag": np.array([True, False, True]),
        "text": pd.array(["x", None, "z"], dtype="string"),
    })
    dup = pd.DataFrame([[1, "a", 2.5], [3, "b", math.nan]], columns=["x", "y", "x"])
    return [base, dup, base.iloc[:0], pd.DataFrame(index=range(2))]


def _same(a: Any, b: Any) -> bool:
    """Equal, of the same type, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.tolist() == b.tolist()
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b) if a is not pd.NaT else b is pd.NaT


@pytest.mark.filterwarnings("ignore:DataFrame columns are not unique")
@pytest.mark.parametrize("frame", _frames())
def test_frame_columns_match_to_dict(frame: pd.DataFrame) -> None:
    expected = frame.to_dict(orient="records")
    assert _same(frame_records(frame), expected)
    wanted = ["patient_id", "ki67_percent", "missing_column"]
    subset = [{k: v for k, v in row.items() if k in wanted} for row in expected]
    assert _same(frame_records(frame, wanted), subset)


@pytest.mark.filterwarnings("ignore:DataFrame columns are not unique")
@pytest.mark.parametrize("frame", _frames())
def test_aggregate_records_match_reference(frame: pd.DataFrame) -> None:
    reference = [{k: aggregate._clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    assert _same(aggregate._records(frame), reference if len(frame) else [])


def _outcome(fn: Any, value: Any) -> Any:
    try:
        return fn(value)
    except Exception as exc:  # noqa: BLE001 - the same failure is expected
        return type(exc)


def _slow_as_list(value: Any) -> Any:
    value = aggregate._clean(value)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return sorted({str(v) for v in value if not aggregate._missing(v)})


def _slow_as_bool(value: Any) -> Any:
    value = aggregate._clean(value)
    return None if value is None else bool(value)


def test_aggregate_value_shortcuts_match_clean() -> None:
    values = [None, True, False, np.bool_(True), pd.NA, math.nan, 0, 1.0, "2021-01-02", dt.date(2021, 1, 2),
              dt.datetime(2021, 1, 2, 3), pd.Timestamp("2021-01-02"), ["b", "a", "b"], ("x",), ["a", None, 1],
              np.array(["c", "a"], dtype=object), "solo", []]
    for value in values:
        assert _same(_outcome(aggregate._as_bool, value), _outcome(_slow_as_bool, value)), value
        assert _same(_outcome(aggregate._as_list, value), _outcome(_slow_as_list, value)), value
    assert aggregate._as_date(dt.date(2021, 1, 2)) == dt.date(2021, 1, 2)


_RAW_VALUES: list[Any] = [
    True, False, 0, 1, 2, 2 ** 60 + 1, -3, 1.0, 2.5, math.nan, math.inf, "", " ", "nan", "None", "none", "yes", "no",
    "3", "12.5%", "G2", "grade 3", "well differentiated", "NEC", "Pancreas head", "low", "2021-01-05",
    dt.date(2021, 1, 5), dt.datetime(2021, 1, 5, 6), pd.Timestamp("2021-01-05"), np.int64(4), np.float64(2.5),
    np.bool_(True), ["7", " 8 ", "", "7"], ["a", 1, None], ("x",), np.array(["2", "5"], dtype=object), '["4a"]',
    "liver, bone", pd.NA, pd.NaT,
]


def test_coerce_plain_matches_coerce() -> None:
    for (name, kind), value in itertools.product(INPUT_FEATURES.items(), _RAW_VALUES):
        slow = _outcome(lambda v: decision._coerce(name, kind, v), value)
        assert _same(_outcome(lambda v: decision._coerce_plain(name, kind, v), value), slow), (name, value)


def _reference_table(rows: list[dict[str, Any]], name: str) -> pa.Table | str:
    try:
        table = pa.Table.from_pylist([schema.normalize_row(r, schema.TABLES[name]) for r in rows],
                                     schema=schema.TABLES[name])
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return table.sort_by([(k, "ascending") for k in schema.SORT_KEYS[name]]) if table.num_rows else table


def _fast_table(rows: list[dict[str, Any]], name: str) -> pa.Table | str:
    try:
        return schema.to_table(rows, name)
    except schema.SchemaError:
        raise
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def test_to_table_columns_match_row_wise() -> None:
    patients = [
        {"patient_id": "B", "as_of": pd.Timestamp("2021-01-02"), "n_reports": np.int32(2), "liver_lesion_count": pd.NA,
         "largest_liver_lesion_mm": math.nan, "liver_segments": np.array(["7", "2", "7"], dtype=object),
         "bilobar": np.bool_(True), "extrahepatic_sites": None, "ki67_percent": 3, "who_grade": "G1",
         "evidence": ["r2", "r1", "r2"], "disease_stable_months": 1.5},
        {"patient_id": "A", "as_of": "2020-03-04T00:00", "n_reports": 1, "liver_lesion_count": 3.0,
         "liver_segments": ["5", 4, None], "bilobar": None, "extrahepatic_sites": [], "ki67_percent": 2.5,
         "evidence": ("r3",), "grade_discordant": False},
        {"patient_id": "C", "n_reports": True, "as_of": dt.date(2022, 1, 1), "liver_segments": [],
         "evidence": []},
    ]
    fast = _fast_table(patients, "patients")
    assert isinstance(fast, pa.Table) and fast.equals(_reference_table(patients, "patients"), check_metadata=True)
    eligibility = [{"patient_id": "A", "therapy": t, "status": "eligible", "reasons": ["b", "a"], "missing": [],
                    "needs_review": ["CR1 x"], "rules_version": "nelm-rules-1", "as_of": None} for t in ("prrt", "ablation")]
    fast = _fast_table(eligibility, "eligibility")
    assert isinstance(fast, pa.Table) and fast.equals(_reference_table(eligibility, "eligibility"), check_metadata=True)


def test_to_table_errors_match_row_wise() -> None:
    bad = [{"patient_id": "A", "n_reports": 1, "liver_segments": "7", "evidence": []},
           {"patient_id": "B", "n_reports": "x", "liver_segments": [], "evidence": []}]
    with pytest.raises(schema.SchemaError) as fast:
        schema.to_table(bad, "patients")
    with pytest.raises(schema.SchemaError) as slow:
        [schema.normalize_row(r, schema.PATIENTS) for r in bad]
    assert str(fast.value) == str(slow.value)
    with pytest.raises(schema.SchemaError, match=r"\[S001\] patients.patient_id"):
        schema.to_table([{"patient_id": None, "n_reports": 1}], "patients")


def test_decide_without_trace_matches_explain() -> None:
    rs = load_ruleset("nelm-rules-1")
    rng = random.Random(3)
    for _ in range(200):
        features = {"patient_id": "P", "as_of": dt.date(2021, 1, 1)}
        for name in ("liver_lesion_count", "ki67_percent", "who_grade", "differentiation", "bilobar",
                     "extrahepatic_sites", "primary_site", "primary_resected", "grade_discordant",
                     "ki67_percent_worst", "tumor_type", "sstr_avid", "liver_involvement_percent"):
            features[name] = rng.choice({
                "liver_lesion_count": [None, 1, 3, 8], "ki67_percent": [None, 1.0, 15.0, 60.0],
                "who_grade": [None, "G1", "G3"], "differentiation": [None, "well", "poorly"],
                "bilobar": [None, True, False], "extrahepatic_sites": [None, [], ["bone"], ["lymph_node"]],
                "primary_site": [None, "pancreas", "small_bowel"], "primary_resected": [None, True, False],
                "grade_discordant": [None, True, False], "ki67_percent_worst": [None, 30.0],
                "tumor_type": [None, "NET", "MiNEN"], "sstr_avid": [None, True, False],
                "liver_involvement_percent": [None, 10.0, 60.0],
            }[name])
        rows = decide_patient(features, rs)
        explained = explain_patient(features, rs)
        for row in rows:
            entry = explained["therapies"][row["therapy"]]
            assert {k: entry[k] for k in ("status", "reasons", "missing", "needs_review")} == \
                {k: row[k] for k in ("status", "reasons", "missing", "needs_review")}
            assert entry["rules"] or row["status"] == "eligible"


def test_normalize_features_keys() -> None:
    out = normalize_features({"patient_id": "P", "liver_segments": ["2", "6"], "who_grade": "grade 2"})
    assert set(out) == set(INPUT_FEATURES) and out["bilobar"] is True and out["who_grade"] == "G2"
    assert set(INPUT_FEATURES) <= KNOWN_FEATURES


def test_ruleset_pickles_after_use() -> None:
    import copy
    import pickle

    rs = load_ruleset("nelm-rules-1")
    features = {"patient_id": "P", "liver_lesion_count": 2, "ki67_percent": 4.0}
    expected = decide_patient(features, rs)  # fills the compiled cache
    clone = pickle.loads(pickle.dumps(rs))
    assert clone == rs and decide_patient(features, clone) == expected
    assert decide_patient(features, copy.deepcopy(rs)) == expected
    assert rs._compiled  # the original keeps its cache

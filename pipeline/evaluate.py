"""``nelm eval``: score a finished run against gold annotations (CONTRACT §1).

Gold is JSONL: per report (``report_id``, ``kind`` and imaging/pathology columns) or per patient
(``patient_id`` and patients columns). Null means "not stated", ``[]`` "explicitly none". For each
field we report accuracy over all gold rows that carry the field, accuracy over the rows whose gold
value is stated (non-null), so an extractor that returns nothing cannot look good, and for list
fields micro precision/recall/F1 over the items.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .io import read_table_frame

from .errors import NelmError
from .schema import TABLES

TOLERANCE = {
    "largest_liver_lesion_mm": 1.0,
    "ki67_percent": 0.5,
    "mitoses_per_2mm2": 0.5,
    "suv_max": 0.1,
    "liver_involvement_percent": 0.5,
    "disease_stable_months": 0.5,
}
KIND_TABLE = {"CT": "imaging", "MRI": "imaging", "PET": "imaging", "PATHOLOGY": "pathology"}
KEY_COLUMNS = {"report_id", "patient_id", "report_date", "report_type", "kind", "as_of", "n_reports", "evidence"}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA


def _as_list(value: Any) -> list[str] | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return [value]
    return sorted({str(v) for v in value})


def _is_listlike(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and getattr(value, "ndim", 0) == 1)


def values_match(field: str, gold: Any, pred: Any) -> bool:
    """Gold and prediction agree (null gold = not stated; ``[]`` gold = explicitly none).

    Lists compare as sets, and a null gold list accepts an empty prediction; numbers compare
    within the field's tolerance; everything else compares exactly.
    """
    if _is_listlike(gold) or _is_listlike(pred):
        if _missing(gold):
            return _missing(pred) or not _as_list(pred)
        if _missing(pred):
            return False
        return _as_list(gold) == _as_list(pred)
    if _missing(gold) or _missing(pred):
        return _missing(gold) and _missing(pred)
    if hasattr(pred, "item"):  # numpy scalar -> Python scalar
        pred = pred.item()
    if isinstance(gold, bool) or isinstance(pred, bool):
        return isinstance(gold, bool) and isinstance(pred, bool) and gold == pred
    if isinstance(gold, (int, float)) and isinstance(pred, (int, float)):
        return abs(float(gold) - float(pred)) <= TOLERANCE.get(field, 1e-6)
    return str(gold) == str(pred)


def _read_table(out_dir: Path, name: str) -> pd.DataFrame:
    path = out_dir / f"{name}.parquet"
    if not path.exists():
        raise NelmError(f"[E001] {path} not found: is {out_dir} the --out of a finished nelm run?")
    return read_table_frame(path)


def _read_gold(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NelmError(f"[E002] cannot read gold file {path}: {exc.strerror}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NelmError(f"[E003] {path}:{lineno}: not valid JSON ({exc.msg})") from exc
        if "report_id" not in row and "patient_id" not in row:
            raise NelmError(f"[E004] {path}:{lineno}: a gold line needs report_id or patient_id")
        rows.append(row)
    return rows


class _FieldScore:
    def __init__(self) -> None:
        self.n = self.correct = self.n_stated = self.correct_stated = 0
        self.tp = self.fp = self.fn = 0
        self.is_list = False
        self.errors: list[dict[str, Any]] = []

    def add(self, field: str, key: str, gold: Any, pred: Any) -> None:
        ok = values_match(field, gold, pred)
        self.n += 1
        self.correct += ok
        if not _missing(gold):
            self.n_stated += 1
            self.correct_stated += ok
        if isinstance(gold, list):
            self.is_list = True
            g, p = set(_as_list(gold) or []), set(_as_list(pred) or [])
            self.tp += len(g & p)
            self.fp += len(p - g)
            self.fn += len(g - p)
        if not ok and len(self.errors) < 50:
            self.errors.append({"key": key, "gold": gold, "pred": _jsonable(pred)})

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": self.n, "accuracy": _ratio(self.correct, self.n),
            "n_stated": self.n_stated, "accuracy_stated": _ratio(self.correct_stated, self.n_stated),
        }
        if self.is_list:
            precision = _ratio(self.tp, self.tp + self.fp)
            recall = _ratio(self.tp, self.tp + self.fn)
            f1 = None if precision is None or recall is None or precision + recall == 0 else 2 * precision * recall / (precision + recall)
            out.update(precision=precision, recall=recall, f1=f1)
        out["errors"] = self.errors
        return out


def _ratio(a: int, b: int) -> float | None:
    return None if b == 0 else a / b


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if _missing(value):
        return None
    return value


def _index(df: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in df.to_dict("records")}


def evaluate_run(gold_path: str | Path, out_dir: str | Path) -> dict[str, Any]:
    """Per-table, per-field scores of the run in ``out_dir`` against the gold file."""
    out = Path(out_dir)
    gold = _read_gold(gold_path)
    scores: dict[str, dict[str, _FieldScore]] = {}
    predictions: dict[str, dict[str, dict[str, Any]]] = {}
    missing_reports = 0
    for row in gold:
        if "report_id" in row and "patient_id" not in row or "kind" in row:
            kind = str(row.get("kind", "")).upper()
            table = KIND_TABLE.get(kind)
            if table is None:
                continue
            key = "report_id"
        else:
            table, key = "patients", "patient_id"
        if table not in predictions:
            predictions[table] = _index(_read_table(out, table), key)
        pred_row = predictions[table].get(row[key])
        if pred_row is None:
            missing_reports += 1
            pred_row = {}
        for field, gold_value in row.items():
            if field in KEY_COLUMNS or field not in TABLES[table].names:
                continue
            scores.setdefault(table, {}).setdefault(field, _FieldScore()).add(field, row[key], gold_value, pred_row.get(field))
    return {
        "gold": str(gold_path), "out": str(out), "missing_in_run": missing_reports,
        "tables": {t: {f: s.as_dict() for f, s in sorted(fs.items())} for t, fs in sorted(scores.items())},
    }


def format_scores(scores: dict[str, Any]) -> str:
    lines = [f"gold {scores['gold']} vs run {scores['out']} ({scores['missing_in_run']} gold rows missing in run)"]
    header = f"{'table':<10} {'field':<30} {'n':>4} {'acc':>6} {'stated':>6} {'acc_st':>6} {'P':>6} {'R':>6} {'F1':>6}"
    lines.append(header)
    for table, fields in scores["tables"].items():
        for field, s in fields.items():
            def f(v: Any) -> str:
                return "   -  " if v is None else f"{v:6.3f}"
            lines.append(f"{table:<10} {field:<30} {s['n']:>4} {f(s['accuracy'])} {s['n_stated']:>6} {f(s['accuracy_stated'])} "
                         f"{f(s.get('precision'))} {f(s.get('recall'))} {f(s.get('f1'))}")
    return "\n".join(lines)

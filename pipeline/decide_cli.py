"""``nelm decide``: the decision module over structured, patients-shaped rows from a registry.

FEATURES is JSONL, CSV or Parquet; missing columns count as unknown, never as false.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .io import read_table_frame

from .config import load_config
from .errors import NelmError
from .io import write_parquet_atomic
from .schema import to_table


def read_features(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise NelmError(f"[D001] features file {path} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            df = pd.DataFrame(rows)
        elif suffix == ".csv":
            df = pd.read_csv(path, dtype={"patient_id": str})
        elif suffix == ".parquet":
            df = read_table_frame(path)
        else:
            raise NelmError(f"[D002] unsupported features file {path.name}: use .jsonl, .csv or .parquet")
    except (ValueError, OSError) as exc:
        raise NelmError(f"[D003] cannot read features file {path.name}: {type(exc).__name__}") from exc
    if "patient_id" not in df.columns:
        raise NelmError(f"[D004] features file {path.name} has no patient_id column")
    df["patient_id"] = df["patient_id"].astype(str)
    return df


def decide_file(features: str | Path, out_dir: str | Path, config_path: str | Path | None = None,
                rules: str | Path | None = None) -> Path:
    """Decide every row of FEATURES and write ``DIR/eligibility.parquet``."""
    from .decision import decide_frame, load_ruleset

    config = load_config(config_path)
    ruleset = load_ruleset(Path(rules) if rules else config.resolve(config.decision.ruleset))
    df = read_features(features)
    decided = decide_frame(df, ruleset)
    return write_parquet_atomic(to_table(decided.to_dict("records"), "eligibility"), Path(out_dir) / "eligibility.parquet")

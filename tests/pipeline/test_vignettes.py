"""Independent clinical vignettes (fixtures/vignettes): statuses derived by hand from
decision_rules.md by a reviewer who had not read the decision code, run through `nelm decide`."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.cli import main
from pipeline.io import read_table_frame

VIGNETTES = Path(__file__).resolve().parents[2] / "fixtures" / "vignettes"


def test_vignettes_all_statuses_match_hand_derivation(tmp_path):
    assert main(["decide", str(VIGNETTES / "vignettes.jsonl"), "--out", str(tmp_path)]) == 0
    got = {(r.patient_id, r.therapy): r for r in read_table_frame(tmp_path / "eligibility.parquet").itertuples()}
    expected = [json.loads(line) for line in (VIGNETTES / "expected.jsonl").read_text().splitlines() if line.strip()]
    assert len(expected) >= 180
    wrong = [(e["patient_id"], e["therapy"], e["status"], got[(e["patient_id"], e["therapy"])].status)
             for e in expected if got[(e["patient_id"], e["therapy"])].status != e["status"]]
    assert not wrong, wrong

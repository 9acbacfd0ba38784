"""Smoke test of the benchmark (issue 6): it runs end to end on ~60 reports and prints its table.

Speed is never asserted here (the benchmark asserts it, with ``--check``); only the structure of
the printout and of ``--json``, and that the measured ratios are positive numbers.
"""
from __future__ import annotations

import json
import re

import pytest

from pipeline import bench

pytestmark = pytest.mark.issue(6)


def test_archive_ids_unique_and_patients_scale(tmp_path):
    templates = bench._templates()
    n = len(templates) + 5
    info = bench.build_archive(n, tmp_path / "a.jsonl", templates)
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert info["reports"] == len(rows) == n
    ids = [r["report_id"] for r in rows]
    assert len(set(ids)) == n and ids[0].startswith("B000001-")
    # the second cycle gets new patient ids, so the patient count grows with N
    assert rows[len(templates)]["patient_id"] != rows[0]["patient_id"]
    assert info["patients"] > len({t["patient_id"] for t in templates})


def test_compare_outputs_flags_mismatch():
    same = {name: {"source": "final", "files": 1, "rows": 3, "content": "abc", "bytes": "x"} for name in bench.TABLE_NAMES}
    other = {name: dict(d) for name, d in same.items()}
    other["imaging"]["content"] = "abd"
    result = bench.compare_outputs({"w1": same, "w2": same, "w3": other})
    assert result["documents"]["status"] == "OK" and result["documents"]["bytes_identical"]
    assert result["imaging"]["status"] == "MISMATCH"


def test_bench_smoke(tmp_path, capsys):
    out_json = tmp_path / "bench.json"
    code = bench.main(["--reports", "60", "--baseline-reports", "20", "--skip-run",
                       "--out", str(tmp_path / "work"), "--json", str(out_json)])
    assert code == 0  # without --check the exit code never depends on speed
    printed = capsys.readouterr().out

    assert re.search(r"N=60 reports .* M=20 baseline reports", printed)
    header = next(line for line in printed.splitlines() if line.startswith("step"))
    for column in ("reports", "KiB", "seconds", "reports/s", "KiB/s", "peak RSS MiB"):
        assert column in header
    for label in ("(a)  stock medspaCy, loguru DEBUG", "(a') stock medspaCy, loguru WARNING",
                  "(b)  nelm extraction, same M texts", "(b)  nelm extraction, all N",
                  "(c0) run_local (no Prefect, 1 process)"):
        assert label in printed
    assert "throughput ratios" in printed and "baseline loguru:" in printed

    data = json.loads(out_json.read_text())
    steps = data["steps"]
    assert steps["a"]["reports"] == steps["b_m"]["reports"] == 20
    assert 0 < steps["b_n"]["reports"] <= 60
    for key in ("a", "a_quiet", "b_m", "b_n"):
        assert steps[key]["reports_per_s"] > 0 and steps[key]["kib_per_s"] > 0
        assert steps[key]["rss_mib"] > 0
    for key in ("b_m/a", "b_n/a", "b_m/a_quiet"):
        ratio = data["ratios"][key]
        assert isinstance(ratio, float) and ratio > 0
    assert re.search(r"vs stock\s+\d+\.\dx", printed)

    # the whole run (no Prefect) in a child process: finished, measured, positive ratio
    local = steps["c0_local"]
    assert local["ok"], local["note"]
    assert local["rss_mib"] > 0 and data["ratios"]["c0_local/a"] > 0
    digests = bench.table_digests(tmp_path / "work" / "runs" / "run_local")
    assert digests["documents"]["source"] == "final" and digests["documents"]["rows"] == 60
    assert bench.compare_outputs({"x": digests, "y": digests})["mentions"]["status"] == "OK"


def _step(seconds: float, ok: bool = True) -> "bench.Step":
    return bench.Step("c_local_w2", "(c)  nelm run --workers 2", 100, 50.0, seconds, ok=ok)


@pytest.mark.parametrize("seconds, chosen", [([30.0, 10.0, 20.0], 20.0), ([12.0, 11.0], 11.0), ([5.0], 5.0)])
def test_median_step_is_a_real_round(seconds, chosen):
    step = bench.median_step([_step(s) for s in seconds])
    assert step.seconds == chosen
    assert step.extra.get("rounds_seconds", [5.0]) == (seconds if len(seconds) > 1 else [5.0])


def test_median_step_never_hides_a_failed_round():
    assert not bench.median_step([_step(10.0), _step(99.0, ok=False), _step(11.0)]).ok


def test_median_ratios_per_key_over_rounds():
    merged, values = bench.median_ratios([{"x/a": 10.0, "s": 1.6}, {"x/a": 12.0, "s": None}, {"x/a": 11.0, "s": 1.8}])
    assert merged == {"x/a": 11.0, "s": pytest.approx(1.7)}
    assert values["s"] == [1.6, 1.8]


def test_default_repeat_is_three_rounds_for_short_runs_only():
    assert bench.default_repeat(20_000) == bench.REPEAT_SMALL == 3
    assert bench.default_repeat(100_000) == 1


class _Proc:
    def __init__(self, pid: int, cmdline: list[str]) -> None:
        self.pid, self._cmdline = pid, cmdline

    def cmdline(self) -> list[str]:
        return self._cmdline

    def name(self) -> str:
        return "python"


@pytest.mark.parametrize("pid, cmdline, label", [
    (10, ["python", "-m", "pipeline.cli", "run", "a.jsonl"], "nelm run (main)"),
    (11, ["python", "-m", "pipeline.cli", "run", "a.jsonl"], "worker (forked)"),
    (12, ["python", "-c", "from multiprocessing.spawn import spawn_main; spawn_main()", "--multiprocessing-fork"], "worker"),
    (13, ["python", "-c", "from multiprocessing.resource_tracker import main;main(5)"], "multiprocessing helper"),
    (14, ["python", "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"], "prefect server"),
])
def test_processes_of_a_run_are_named_by_role(pid, cmdline, label):
    assert bench._describe(_Proc(pid, cmdline), root_pid=10) == label

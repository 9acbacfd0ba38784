"""A worker's NLP pipeline is retired once its vocabulary has grown too much (bounded memory on
archives with endless new numbers and dates), and the tables do not change when that happens."""
from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline import nlp as nlp_module
from pipeline import run
from pipeline.config import load_config

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample_archive" / "reports.jsonl"
TABLES = ("documents", "mentions", "imaging", "pathology", "patients", "eligibility")


def _tables(out: Path) -> dict[str, list[dict]]:
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist() for name in TABLES}


def test_renew_if_grown_retires_the_cached_pipeline_only_past_the_limit():
    config = load_config()
    nlp = nlp_module.build_nlp(config)
    assert nlp_module.build_nlp(config) is nlp
    assert not nlp_module.renew_if_grown(nlp, limit=10**9)
    assert nlp_module.build_nlp(config) is nlp
    nlp_module.run_pipeline(nlp, "Lesion 17 mm zqxjv-48213 wkrtp-99120 in segment 7.", "CT")  # new strings
    assert nlp_module.renew_if_grown(nlp, limit=0)
    fresh = nlp_module.build_nlp(config)
    assert fresh is not nlp
    assert not nlp_module.renew_if_grown(fresh, limit=10**9)


def test_tables_are_identical_when_every_shard_gets_a_fresh_pipeline(tmp_path, monkeypatch):
    from pipeline.bench import build_archive

    archive = tmp_path / "reports.jsonl"
    build_archive(600, archive)
    config = tmp_path / "nelm.yaml"
    config.write_text("run:\n  shard_size: 100\n")  # several shards
    steady = run.run_local(archive, tmp_path / "steady", config)
    built = []
    real = nlp_module._build_cached

    def counting(config_json):
        built.append(1)
        return real(config_json)

    counting.cache_clear = real.cache_clear
    real.cache_clear()
    monkeypatch.setattr(nlp_module, "_build_cached", counting)
    monkeypatch.setattr(nlp_module, "VOCAB_GROWTH_LIMIT", -1)  # retire the pipeline after every shard
    renewed = run.run_local(archive, tmp_path / "renewed", config)
    shards = len(list((tmp_path / "renewed" / "mentions.parquet").iterdir()))
    assert shards >= 2 and len(built) >= shards, (shards, len(built))
    assert renewed.records == steady.records == 600
    assert _tables(tmp_path / "renewed") == _tables(tmp_path / "steady")

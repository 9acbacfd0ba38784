"""What ``nelm run``'s main process loads before the first shard, and the YAML loader it uses."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from pipeline import nlp, nlp_fingerprint
from pipeline.config import SAFE_LOADER, load_config, safe_load_yaml
from pipeline.resources import configs_dir


def _fresh(code: str) -> str:
    """Run code in a fresh interpreter (this test session has imported spaCy already)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_planning_imports_neither_spacy_nor_the_extractors(tmp_path: Path):
    """With spawned or Dask workers, the main process only plans: the extractor version it stamps on
    the run is a hash of files, and must not cost a spaCy import before the first shard."""
    archive = tmp_path / "a.jsonl"
    archive.write_text('{"report_id": "r1", "patient_id": "p1", "report_type": "ct", "text": "Liver: normal."}\n')
    out = _fresh(f"""
        import sys
        from pipeline import run
        run.warm_planner()
        items = list(run.iter_plan({str(archive)!r}, {str(tmp_path / "out")!r}))
        print(type(items[0]).__name__, type(items[-1]).__name__, len(items[-1].fingerprint))
        print("spacy" in sys.modules, "extractors" in sys.modules, "medspacy" in sys.modules)
    """)
    assert out.splitlines() == ["ShardTask Plan 16", "False False False"]


def test_nelm_run_launches_its_server_before_importing_pydantic_or_pyarrow(tmp_path: Path):
    """The server's boot is on every run's critical path: ``nelm run`` checks its input and output
    folder (pipeline.preflight) and launches the server before it imports anything heavy."""
    archive = tmp_path / "a.jsonl"
    archive.write_text('{"report_id": "r1", "text": "Liver: normal."}\n')
    out = _fresh(f"""
        import sys
        from flows import prefect_env
        from pipeline import cli

        def launched():
            print(sorted(m for m in ("pydantic", "pyarrow", "pandas", "prefect", "spacy") if m in sys.modules))
            raise SystemExit(0)

        prefect_env.start_shared_server_in_background = launched
        cli.main(["run", {str(archive)!r}, "--out", {str(tmp_path / "out")!r}, "--workers", "1", "--quiet"])
    """)
    assert out == "[]"


def test_the_fingerprint_hashes_the_extractors_package_it_finds_without_importing_it():
    assert nlp.nlp_fingerprint is nlp_fingerprint.nlp_fingerprint  # still importable from pipeline.nlp
    import extractors

    assert nlp_fingerprint._extractors_folder() == Path(extractors.__file__).parent
    config = load_config()
    assert nlp_fingerprint.nlp_fingerprint(config) == nlp_fingerprint.nlp_fingerprint(config)


def test_the_yaml_loader_reads_the_shipped_files_as_pyyaml_safe_load_does():
    paths = sorted(configs_dir().rglob("*.yaml"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert safe_load_yaml(text) == yaml.safe_load(text), path


@pytest.mark.parametrize("text", ["!!python/object/apply:os.system ['true']", "x: !!python/name:os.system"])
def test_the_yaml_loader_is_a_safe_loader(text: str):
    assert SAFE_LOADER in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)
    with pytest.raises(yaml.YAMLError):
        safe_load_yaml(text)

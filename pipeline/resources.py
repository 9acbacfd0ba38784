"""The only code that resolves paths into ``configs/``.

``NELM_CONFIGS_DIR`` overrides the location; otherwise the ``configs/`` folder beside the
installed packages (the repository root of an editable install) is used.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError


def configs_dir() -> Path:
    env = os.environ.get("NELM_CONFIGS_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parent.parent / "configs")
    for candidate in candidates:
        if (candidate / "nelm.yaml").is_file():
            return candidate
    raise ConfigError(
        f"[C001] configs folder not found (looked in {', '.join(map(str, candidates))}); "
        "install nelm from its repository (pip install -e .) or set NELM_CONFIGS_DIR"
    )


def config_path(*parts: str) -> Path:
    path = configs_dir().joinpath(*parts)
    if not path.exists():
        raise ConfigError(f"[C002] missing config file {path}")
    return path

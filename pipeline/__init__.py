"""nelm: neuroendocrine liver metastasis extraction and eligibility flags.

The package is a plain library (no Prefect imports); ``flows/`` wraps it.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

"""Prefect flows: thin wrappers over ``pipeline`` library functions (no parsing logic here)."""

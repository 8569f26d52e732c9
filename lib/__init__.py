"""Shared code for the notebooks: data, layer builders, training, reports."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root; relative paths in notebook parameters resolve against it."""

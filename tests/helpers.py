"""Tiny training setups shared by the tests."""

from __future__ import annotations

import numpy as np

from lib.training import Split


def split(arrays: dict[str, np.ndarray], n_val: int = 200) -> Split:
    x, y = arrays["x_train"][..., None], arrays["y_train"].astype(np.int64)
    return Split(
        x[n_val:],
        y[n_val:],
        x[:n_val],
        y[:n_val],
        arrays["x_test"][..., None],
        arrays["y_test"].astype(np.int64),
    )


def model(notebook: str, seed: int = 0, recipe: dict | None = None, **changes):
    """The model a notebook's ``model`` cell builds, as its run builds it (seeded first)."""
    from tools.notebook_cells import build

    return build(notebook, seed, recipe, **changes)

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

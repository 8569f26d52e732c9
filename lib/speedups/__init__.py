"""Speed patches for Keras on TensorFlow's CPU, behind one switch.

Three patches make training on a laptop-class CPU several times faster without changing a
number (``make bench`` times each one on and off; tests/test_training.py checks the numbers):

- ``fast_batchnorm``: every 4-D ``BatchNormalization`` call runs TensorFlow's fused kernel
  (one op instead of separate moments and normalisation).
- ``fast_conv``: a valid convolution whose kernel covers its whole input map (01's 1,024
  kernels on a 3x3 map, the 1x1 heads on 1x1 maps) runs as the matrix product it is.
- ``input_stage``: the model's leading layers without weights or randomness (the scaling,
  the deskewing) are computed once per image, not once per image per epoch.

The layers, their weights and the saved ``.keras`` files stay standard Keras: a saved model
loads anywhere, with or without these patches. On another backend they stay off.

The switch: ``SPEEDUPS=0`` in the environment turns all three off (plain Keras everywhere).
"""

from __future__ import annotations

import os

from lib.speedups import fast_batchnorm, fast_conv, input_stage

ENABLED = os.environ.get("SPEEDUPS", "1") != "0"
"""Whether the patches are on in this process (``SPEEDUPS=0`` turns them off)."""


def enable() -> dict[str, bool]:
    """Apply the patches (where ``ENABLED`` and the backend is TensorFlow); say which are on."""
    if not ENABLED:
        return {"fused_batchnorm": False, "whole_map_matmul": False, "input_stage": False}
    return {
        "fused_batchnorm": fast_batchnorm.enable(),
        "whole_map_matmul": fast_conv.enable(),
        "input_stage": True,
    }


__all__ = ["ENABLED", "enable", "fast_batchnorm", "fast_conv", "input_stage"]

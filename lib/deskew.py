"""Moment-based deskewing of digits, as a Keras layer without weights.

Writers slant their digits, and a model of a few thousand parameters must learn every
slant it meets. The classic MNIST preprocessing (LeCun's table lists it
beside many classifiers) shears each image so that its ink has no slant: the ink-weighted
covariance of row and column, over the ink's row variance, becomes 0, and the centre of
ink moves to the middle of the image. It is part of the model, in training and at
inference alike, so a saved model still takes raw pixels. Only ``keras.ops``: it runs on
any backend.
"""

from __future__ import annotations

import keras
from keras import ops


def slant_and_centre(ink):
    """Per image of ``ink`` (batch, height, width; non-negative weights): the slant (columns
    per row) and the centre of ink (row, column)."""
    h, w = ink.shape[1], ink.shape[2]
    total = ops.sum(ink, axis=(1, 2)) + 1e-6  # an empty image: no division by zero, nothing to move
    rows = ops.reshape(ops.arange(h, dtype="float32"), (1, h, 1))
    cols = ops.reshape(ops.arange(w, dtype="float32"), (1, 1, w))
    cr = ops.sum(ink * rows, axis=(1, 2)) / total
    cc = ops.sum(ink * cols, axis=(1, 2)) / total
    dr, dc = rows - cr[:, None, None], cols - cc[:, None, None]
    slant = ops.sum(ink * dr * dc, axis=(1, 2)) / (ops.sum(ink * dr * dr, axis=(1, 2)) + 1e-6)
    return slant, cr, cc


@keras.saving.register_keras_serializable(package="small_cnn")
class Deskew(keras.layers.Layer):
    """Each image sheared to no slant, its centre of ink moved to the middle.

    ``background``: the value of a blank pixel in the layer's input (after
    ``blocks.scaled_input``, not 0): ink is what lies above it, and it fills what the shear
    uncovers. The slant is clipped to ±``max_slant`` columns per row.
    """

    def __init__(self, background: float = 0.0, max_slant: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        if not max_slant >= 0:
            raise ValueError(f"max_slant={max_slant!r}: expected 0 (no shear) or more columns per row")
        self.background, self.max_slant = float(background), float(max_slant)

    def call(self, images):
        h, w = images.shape[1], images.shape[2]
        ink = ops.relu(ops.mean(ops.cast(images, "float32"), axis=-1) - self.background)
        slant, cr, cc = slant_and_centre(ink)
        slant = ops.clip(slant, -self.max_slant, self.max_slant)
        one, zero = ops.ones_like(slant), ops.zeros_like(slant)
        # Output pixel (row, col) reads input (row + cr - h/2, col + slant * row + cc - slant * h/2 - w/2).
        transform = ops.stack(
            [one, slant, cc - slant * h / 2 - w / 2, zero, one, cr - h / 2, zero, zero], axis=1
        )
        out = ops.image.affine_transform(
            ops.cast(images, "float32"),
            transform,
            interpolation="bilinear",
            fill_mode="constant",
            fill_value=self.background,
        )
        return ops.cast(out, images.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "background": self.background, "max_slant": self.max_slant}

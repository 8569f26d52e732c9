"""Elastic distortions of digits (Simard, Steinkraus and Platt, 2003), as a Keras layer.

Each training image gets its own smooth random displacement field: uniform noise in
[-1, 1] per pixel and axis, blurred by a Gaussian of ``sigma`` pixels and scaled by
``alpha``; the image is resampled bilinearly along it. The paper used sigma = 4 and
alpha = 34 on MNIST: about 1.4 pixels of displacement per axis, root mean square (tested).

Keras's own ``RandomElasticTransform`` could not serve: on TensorFlow it draws both axes
of the field from one seed (every pixel then moves along the diagonal) and loops over the
batch in Python, which needs a fixed batch size. Only ``keras.ops`` here, so the layer runs
on any backend; it has no weights, and outside training it returns its input unchanged.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


def gaussian_blur_matrix(n: int, sigma: float) -> np.ndarray:
    """``M @ v`` blurs a length-``n`` signal with a Gaussian truncated at 3 sigma, zeros outside.

    A matrix, so that the whole field is blurred by two matrix products (rows, then columns),
    which every backend has.
    """
    radius = int(3 * sigma + 0.5)
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    m = np.zeros((n, n), dtype="float32")
    for i in range(n):
        for k, t in enumerate(taps, -radius):
            if 0 <= i + k < n:
                m[i, i + k] = t
    return m


@keras.saving.register_keras_serializable(package="small_cnn")
class RandomElastic(keras.layers.Layer):
    """Random elastic distortion of each image in training; the identity at inference."""

    def __init__(
        self,
        alpha: float = 34.0,
        sigma: float = 4.0,
        fill_value: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not alpha >= 0 or not sigma > 0:
            raise ValueError(f"alpha={alpha!r}, sigma={sigma!r}: expected alpha >= 0 and sigma > 0 (pixels)")
        self.alpha, self.sigma, self.fill_value = float(alpha), float(sigma), float(fill_value)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[1] is None or input_shape[2] is None:
            raise ValueError(
                f"{self.name}: expected images of shape (batch, height, width, channels), got {input_shape}"
            )
        self.blur_h = gaussian_blur_matrix(input_shape[1], self.sigma)
        self.blur_w = gaussian_blur_matrix(input_shape[2], self.sigma)

    def displacements(self, batch) -> tuple:
        """(dy, dx), each (batch, height, width) in pixels: smooth random fields."""
        h, w = self.blur_h.shape[0], self.blur_w.shape[0]
        noise = keras.random.uniform((batch, 2, h, w), -1.0, 1.0, seed=self.seed_generator)
        field = ops.matmul(
            ops.matmul(ops.convert_to_tensor(self.blur_h), noise), ops.convert_to_tensor(self.blur_w.T)
        )
        field = field * self.alpha
        return field[:, 0], field[:, 1]

    def call(self, images, training=None):
        if not training or self.alpha == 0:
            return images
        shape = ops.shape(images)
        batch, h, w, c = shape[0], images.shape[1], images.shape[2], images.shape[3]
        dy, dx = self.displacements(batch)
        # Sample from the image framed by one pixel of fill: anything beyond the border reads
        # the fill (a black background), blended bilinearly with the pixels inside.
        framed = ops.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=self.fill_value)
        y = ops.clip(ops.arange(h, dtype="float32")[:, None] + 1.0 + dy, 0.0, h + 1.0)
        x = ops.clip(ops.arange(w, dtype="float32")[None, :] + 1.0 + dx, 0.0, w + 1.0)
        y0 = ops.minimum(ops.floor(y), float(h))
        x0 = ops.minimum(ops.floor(x), float(w))
        wy, wx = (y - y0)[..., None], (x - x0)[..., None]
        y0, x0 = ops.cast(y0, "int32"), ops.cast(x0, "int32")
        flat = ops.reshape(framed, (-1, c))
        base = ops.arange(batch, dtype="int32")[:, None, None] * ((h + 2) * (w + 2))

        def at(yi, xi):
            return ops.take(flat, base + yi * (w + 2) + xi, axis=0)

        top = at(y0, x0) * (1.0 - wx) + at(y0, x0 + 1) * wx
        bottom = at(y0 + 1, x0) * (1.0 - wx) + at(y0 + 1, x0 + 1) * wx
        return ops.cast(top * (1.0 - wy) + bottom * wy, images.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha": self.alpha,
            "sigma": self.sigma,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }

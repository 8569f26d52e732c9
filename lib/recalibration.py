"""BatchNorm statistics of the clean training images, for inference ("precise BN").

In training, each BatchNormalization layer keeps a moving average of the statistics of
the batches it sees: images rotated (and blurred by the resampling), activations thinned
by dropout. At inference neither happens, so the statistics a layer normalises with are
not those of what it is then given. ``recalibrate_batchnorm`` replaces them with the mean
and variance of the layer's inputs over the training images, with the model in inference
mode (no augmentation, no dropout), one layer after another from the input, so that each
layer's statistics are measured under the already corrected layers before it. No weight
is trained, and only the images passed in are read (the training split, in outputs/tuning).
Only ``keras`` APIs: any backend.
"""

from __future__ import annotations

import keras
import numpy as np


def batchnorm_layers(model: keras.Model) -> list[keras.layers.BatchNormalization]:
    """The model's BatchNormalization layers, in the order the functional graph runs them."""
    return [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]


def recalibrate_batchnorm(model: keras.Model, x: np.ndarray, batch_size: int = 2000) -> int:
    """Set every BatchNorm layer's moving mean and variance to those of ``x``; return how many.

    Moments are summed in float64 over all images and positions, as the layer's own
    (biased) variance is defined.
    """
    layers = batchnorm_layers(model)
    for bn in layers:
        if bn.axis not in (-1, len(bn.input.shape) - 1):
            raise ValueError(f"{bn.name}: only channels-last BatchNormalization can be recalibrated")
        probe = keras.Model(model.inputs[0], bn.input)
        total, squares, count = 0.0, 0.0, 0
        for start in range(0, len(x), batch_size):
            a = np.asarray(probe(x[start : start + batch_size], training=False), dtype="float64")
            a = a.reshape(-1, a.shape[-1])
            total, squares, count = total + a.sum(0), squares + (a * a).sum(0), count + len(a)
        mean = total / count
        bn.moving_mean.assign(mean.astype("float32"))
        bn.moving_variance.assign(np.maximum(squares / count - mean * mean, 0.0).astype("float32"))
    return len(layers)

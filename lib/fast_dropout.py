"""Keras's dropout on TensorFlow, the same masks drawn at less cost.

Keras draws a float uniform per element (``tf.nn.experimental.stateless_dropout``), keeps
the elements whose draw is at least the rate, scales them, and selects. TensorFlow makes
each of those floats from one 32-bit Philox draw, whose low 23 bits become the mantissa of
a number in [1, 2), less 1: so ``u >= rate`` is ``(bits & 0x7FFFFF) >= ceil(rate * 2**23)``
on the same draws, the same mask without the floats. ``enable()`` routes every training
call of ``keras.layers.Dropout`` through that mask and one multiplication each way
(``make bench`` times 05 both ways: its three dropout layers cost about a fifth of its
step, a good part of it in the select and the floats). Same seeds, same masks, the same
numbers (tests/test_training.py); the layers and saved models stay standard Keras. Other
backends and a ``noise_shape`` keep Keras's own code.
"""

from __future__ import annotations

import math

import keras
import numpy as np

_original_call = keras.layers.Dropout.call
MANTISSA = 0x7FFFFF  # the 23 bits TensorFlow turns into a float in [0, 1)


def keep_threshold(rate: float) -> int:
    """The smallest 23-bit mantissa m with m / 2**23 >= rate (rate as float32, as Keras has it)."""
    return math.ceil(float(np.float32(rate)) * 2**23)


def _mask_call(self, inputs, training=False):
    if not (training and self.rate > 0) or self.noise_shape is not None or self.rate >= 1:
        return _original_call(self, inputs, training=training)
    import tensorflow as tf

    # The seed as Keras's TensorFlow backend draws it (keras/src/backend/tensorflow/random.py)
    seed = self.seed_generator.next()
    if seed.dtype != tf.int32:
        seed = tf.cast(tf.math.floormod(seed, tf.int32.max - 1), tf.int32)
    bits = tf.random.stateless_uniform(tf.shape(inputs), seed=seed, minval=None, maxval=None, dtype=tf.uint32)
    keep = tf.bitwise.bitwise_and(bits, MANTISSA) >= keep_threshold(self.rate)
    scale = tf.constant(1 / (1 - self.rate), inputs.dtype)
    return inputs * (tf.cast(keep, inputs.dtype) * scale)


def enable() -> bool:
    """Draw dropout masks this way where the backend is TensorFlow; return whether it is on."""
    if keras.backend.backend() != "tensorflow":
        return False
    keras.layers.Dropout.call = _mask_call
    return True


def disable() -> None:
    """Back to Keras's own implementation (for comparisons in the benchmark)."""
    keras.layers.Dropout.call = _original_call

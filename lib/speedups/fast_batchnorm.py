"""Fused batch normalisation for Keras layers on TensorFlow's CPU.

Keras 3 computes a BatchNormalization layer as separate moments and normalisation ops;
on a 2-core CPU that doubled the time per epoch of our small models in training, and at
inference its separate passes over each map slowed every evaluation (``make bench`` times
05 both ways). TensorFlow's fused kernel does the same work in one op. ``enable()``
routes every ``keras.layers.BatchNormalization`` call on 4-D images through it, in
training (batch statistics, moving averages updated as Keras does) and at inference
(moving statistics): the layers, their weights and the saved ``.keras`` files stay
standard Keras, so a saved model loads anywhere, with or without this module. Other
backends, masks and non-image inputs keep Keras's own code.
"""

from __future__ import annotations

import keras

_original_call = keras.layers.BatchNormalization.call


def _fused_call(self, inputs, training=None, mask=None):
    if (
        mask is not None
        or len(inputs.shape) != 4
        or self.axis not in (-1, 3)
        or not (self.center and self.scale)
        or self.synchronized
    ):
        return _original_call(self, inputs, training=training, mask=mask)
    import tensorflow as tf

    x = tf.cast(inputs, "float32")
    if not training:  # None (outside fit) is inference too, as in Keras
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(
            x,
            self.gamma,
            self.beta,
            mean=self.moving_mean,
            variance=self.moving_variance,
            epsilon=self.epsilon,
            data_format="NHWC",
            is_training=False,
        )
        return tf.cast(y, inputs.dtype)
    y, mean, var = tf.compat.v1.nn.fused_batch_norm(
        x, self.gamma, self.beta, epsilon=self.epsilon, data_format="NHWC", is_training=True
    )
    # The kernel returns the unbiased (n - 1) variance; Keras's moving average takes the
    # biased one, which the normalisation itself uses: rescale so the two agree.
    n = tf.cast(tf.reduce_prod(tf.shape(x)[:3]), "float32")
    var = var * (n - 1.0) / n
    m = self.momentum
    self.moving_mean.assign(self.moving_mean * m + mean * (1 - m))
    self.moving_variance.assign(self.moving_variance * m + var * (1 - m))
    return tf.cast(y, inputs.dtype)


def enable() -> bool:
    """Use the fused kernel where the backend is TensorFlow; return whether it is on."""
    if keras.backend.backend() != "tensorflow":
        return False
    keras.layers.BatchNormalization.call = _fused_call
    return True


def disable() -> None:
    """Back to Keras's own implementation (for comparisons in the benchmark)."""
    keras.layers.BatchNormalization.call = _original_call

"""Whole-map convolutions as one matrix product, for Keras layers on TensorFlow's CPU.

A valid convolution whose kernel is as large as its input map (01's 1,024 3x3 kernels on
the 3x3 map, the 1x1 heads on 1x1 maps) has one output position: it is a dense layer over
the flattened map. TensorFlow's CPU convolution kernels handle that shape badly: 01's layer
took most of 01's epoch, many times what the equivalent matrix product takes (``make bench``
measures 01 both ways). ``enable()`` routes such layers of every ``keras.layers.Conv2D``
through the product: same weights, same initialisation, same function (up to the order of
floating-point sums), and the saved ``.keras`` files stay standard Keras. Every other
convolution keeps Keras's own code.
"""

from __future__ import annotations

import keras
from keras import ops

_original_op = keras.layers.Conv2D.convolution_op


def covers_whole_map(layer: keras.layers.Conv2D, input_shape: tuple) -> bool:
    """Whether the layer has exactly one output position, computed from the whole input."""
    return (
        layer.padding == "valid"
        and layer.data_format == "channels_last"
        and tuple(layer.dilation_rate) == (1, 1)
        and layer.groups == 1
        and tuple(input_shape[1:3]) == tuple(layer.kernel_size)
    )


def _matmul_op(self, inputs, kernel):
    if not covers_whole_map(self, inputs.shape):
        return _original_op(self, inputs, kernel)
    kh, kw, c_in, c_out = kernel.shape
    flat = ops.reshape(inputs, (-1, kh * kw * c_in))  # (row, column, channel) order ...
    y = ops.matmul(flat, ops.reshape(kernel, (kh * kw * c_in, c_out)))  # ... as the kernel's
    return ops.reshape(y, (-1, 1, 1, c_out))


def enable() -> bool:
    """Use the matrix product where the backend is TensorFlow; return whether it is on."""
    if keras.backend.backend() != "tensorflow":
        return False
    keras.layers.Conv2D.convolution_op = _matmul_op
    return True


def disable() -> None:
    """Back to Keras's own convolution (for comparisons in the benchmark)."""
    keras.layers.Conv2D.convolution_op = _original_op

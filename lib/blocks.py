"""Layer builders: the vocabulary of the article (convolution and transition blocks).

Each builder takes a Keras tensor and returns one, so a model reads top-down as a list of
blocks. Only ``keras`` APIs are used: the same code runs on TensorFlow, JAX or PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from lib.deskew import Deskew

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
# A black pixel (0) after scaled_input: what rotations and shifts must fill the corners with.
BACKGROUND = -MNIST_MEAN / MNIST_STD


def scaled_input(
    shape: tuple[int, int, int] = (28, 28, 1), *, deskew: bool = False
) -> tuple[keras.KerasTensor, keras.KerasTensor]:
    """Raw pixels 0-255 in, standardised pixels out: the saved model needs no preprocessing.

    ``deskew``: then each image sheared upright (lib/deskew.py), in training and at inference.
    """
    inputs = keras.Input(shape, name="pixels")
    x = layers.Rescaling(1 / (255 * MNIST_STD), offset=-MNIST_MEAN / MNIST_STD, name="scale")(inputs)
    if deskew:
        x = Deskew(background=BACKGROUND, name="deskew")(x)
    return inputs, x


def augment(
    x,
    *,
    rotation_degrees: float = 0.0,
    shift_pixels: float = 0.0,
    flip: bool = False,
    seed: int | None = None,
):
    """Random mirror images, rotations and shifts, active in training only (no parameters).

    Applied after ``scaled_input``: the area a rotation or shift uncovers is filled with the
    scaled value of a black pixel. Keras's default fill (0.0) is a grey there, and left grey
    wedges along the borders of the training images that no test image has.
    """
    if flip:  # clothes, not digits: a mirrored shirt is still a shirt
        x = layers.RandomFlip("horizontal", seed=seed, name="flip")(x)
    if rotation_degrees:
        x = layers.RandomRotation(
            rotation_degrees / 360, fill_mode="constant", fill_value=BACKGROUND, seed=seed, name="rotate"
        )(x)
    if shift_pixels:
        f = shift_pixels / 28
        x = layers.RandomTranslation(
            f, f, fill_mode="constant", fill_value=BACKGROUND, seed=seed, name="shift"
        )(x)
    return x


def conv(
    x,
    filters: int,
    kernel: int = 3,
    *,
    batchnorm: bool = False,
    dropout: float = 0.0,
    padding: str = "valid",
    relu: bool = True,
    name: str,
):
    """Conv -> [BatchNorm] -> ReLU -> [Dropout]; the bias is dropped where BatchNorm follows."""
    x = layers.Conv2D(filters, kernel, padding=padding, use_bias=not batchnorm, name=name)(x)
    if batchnorm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    if relu:
        x = layers.ReLU(name=f"{name}_relu")(x)
    if dropout:
        x = layers.Dropout(dropout, name=f"{name}_drop")(x)
    return x


def conv_block(
    x,
    filters: Sequence[int],
    *,
    batchnorm: bool = False,
    dropout: float = 0.0,
    padding: str = "valid",
    name: str,
):
    """Several 3x3 convolutions; each one grows the receptive field by 2 x the jump."""
    for i, f in enumerate(filters, 1):
        x = conv(x, f, 3, batchnorm=batchnorm, dropout=dropout, padding=padding, name=f"{name}_{i}")
    return x


def transition_block(x, filters: int, *, batchnorm: bool = False, name: str):
    """Max-pooling halves the map, then a 1x1 convolution cuts the channels.

    Pooling first makes the 1x1 convolution four times cheaper; the receptive field is the same.
    """
    x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
    return conv(x, filters, 1, batchnorm=batchnorm, name=f"{name}_1x1")


def max_pool(x, *, name: str):
    """Max-pooling alone: halves the map, doubles the jump of every later layer."""
    return layers.MaxPooling2D(2, name=name)(x)


def partial_transition(x, filters: int, *, batchnorm: bool = False, name: str):
    """A 1x1 convolution without pooling: fewer channels, no information lost to pooling."""
    return conv(x, filters, 1, batchnorm=batchnorm, name=f"{name}_1x1")


def residual_block(x, filters: int, *, convs: int = 2, name: str):
    """``convs`` padded 3x3 convolutions whose output is added to their input.

    The sum gives the block two paths: the short one keeps the input's receptive field,
    the long one grows it by 2 x jump per convolution. BatchNorm after each convolution.
    """
    if x.shape[-1] != filters:
        raise ValueError(f"{name}: a residual block of {filters} kernels needs {filters} input channels")
    y = conv_block(x, [filters] * convs, batchnorm=True, padding="same", name=name)
    return layers.Add(name=f"{name}_add")([x, y])


def output_head(x, classes: int = 10, *, kind: str = "flatten", name: str = "head"):
    """Class probabilities from the last feature map.

    ``flatten``: a 1x1 convolution to ``classes`` channels on a 1x1 map, then flatten (the
    article's head). ``gap``: global average pooling, then a dense layer, so the last
    convolution may end on any map size. ``dense``: a dense layer on the flattened map, with
    a weight per position (what the GAP head saves).
    """
    if kind == "flatten":
        x = layers.Conv2D(classes, 1, name=f"{name}_1x1")(x)
        x = layers.Flatten(name=f"{name}_flatten")(x)
    elif kind == "dense":
        x = layers.Flatten(name=f"{name}_flatten")(x)
        x = layers.Dense(classes, name=f"{name}_dense")(x)
    elif kind == "gap":
        x = layers.GlobalAveragePooling2D(name=f"{name}_gap")(x)
        x = layers.Dense(classes, name=f"{name}_dense")(x)
    else:
        raise ValueError(f"output head kind={kind!r}: expected 'flatten', 'gap' or 'dense'")
    return layers.Softmax(name=f"{name}_softmax")(x)

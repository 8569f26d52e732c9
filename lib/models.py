"""One function per iteration of the article; each is a short list of blocks from blocks.py.

Spatial plan shared by 01-04 (valid 3x3 convolutions): 28 -> 26 -> 24 -> pool 12 -> 10 -> 8
-> 6 -> pool 3 -> 1, so the last convolution sees the whole 28x28 digit (receptive field 28).
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import layers

from lib.blocks import (
    augment,
    conv_block,
    output_head,
    partial_transition,
    residual_block,
    scaled_input,
    transition_block,
)


def vanilla() -> keras.Model:
    """01: pairs of convolution and transition blocks, then flatten and softmax.

    The wide layers sit where the maps are 3x3 or smaller, so 1.6M parameters cost few
    multiply-adds (the 1024-kernel convolution runs on one 3x3 window per image; on
    TensorFlow it is computed as the matrix product it is: lib/fast_conv.py).
    """
    inputs, x = scaled_input()
    x = conv_block(x, [16, 32], name="block1")  # 26, 24
    x = transition_block(x, 16, name="trans1")  # 12
    x = conv_block(x, [32, 64, 128], name="block2")  # 10, 8, 6
    x = transition_block(x, 160, name="trans2")  # 3
    x = conv_block(x, [1024], name="block3")  # 1
    return keras.Model(inputs, output_head(x), name="vanilla")


def _reduced_body(x, *, batchnorm: bool = False, dropout: float = 0.0):
    # Dropout only after the first transition: on the 26x26 and 24x24 maps it cost the most
    # time (one random number per activation) for the least regularisation.
    kw = dict(batchnorm=batchnorm)
    x = conv_block(x, [8, 16], name="block1", **kw)  # 26, 24
    x = transition_block(x, 8, name="trans1", **kw)  # 12
    x = conv_block(x, [16, 24], dropout=dropout, name="block2", **kw)  # 10, 8
    x = partial_transition(x, 12, name="partial", **kw)  # 8
    x = conv_block(x, [24], dropout=dropout, name="block3", **kw)  # 6
    x = transition_block(x, 16, name="trans2", **kw)  # 3
    x = conv_block(x, [24], dropout=dropout, name="block4", **kw)  # 1
    return output_head(x)


def reduced() -> keras.Model:
    """02: fewer 3x3 and 1x1 kernels, and a partial transition halfway to the output."""
    inputs, x = scaled_input()
    return keras.Model(inputs, _reduced_body(x), name="reduced")


def batchnorm() -> keras.Model:
    """03: 02 with BatchNormalization after every convolution but the head."""
    inputs, x = scaled_input()
    return keras.Model(inputs, _reduced_body(x, batchnorm=True), name="batchnorm")


def regularized(dropout: float = 0.05, rotation_degrees: float = 7.0, seed: int | None = None) -> keras.Model:
    """04: 03 with dropout after the 3x3 convolutions past the first transition and random
    rotations of the input (both inactive at inference)."""
    inputs, x = scaled_input()
    x = augment(x, rotation_degrees=rotation_degrees, seed=seed)
    return keras.Model(inputs, _reduced_body(x, batchnorm=True, dropout=dropout), name="regularized")


def under_8k(
    dropout: float = 0.05, rotation_degrees: float = 7.0, deskew: bool = True, seed: int | None = None
) -> keras.Model:
    """05: fewer kernels everywhere, a global-average-pooling head, rotation augmentation.

    The GAP head replaces the second transition block and the dense-like last convolution,
    which held a third of 04's parameters; the last 3x3 convolution ends on a 6x6 map.
    Dropout sits only after the transition, as in 04 (outputs/tuning/TUNING.md, 05drop_wd1e3).
    Every digit deskewed first (lib/deskew.py, no parameters), as in 06: within the noise on
    seeds 1-5 (05deskew), then better on fresh seeds 6-10 and over all ten (05deskewr).
    """
    inputs, x = scaled_input(deskew=deskew)
    x = augment(x, rotation_degrees=rotation_degrees, seed=seed)
    x = conv_block(x, [8, 16], batchnorm=True, name="block1")  # 26, 24
    x = transition_block(x, 8, batchnorm=True, name="trans1")  # 12
    x = conv_block(x, [16, 16, 16], batchnorm=True, dropout=dropout, name="block2")  # 10, 8, 6
    return keras.Model(inputs, output_head(x, kind="gap"), name="under_8k")


def under_5k(
    rotation_degrees: float = 10.0, head: str = "gap", deskew: bool = True, seed: int | None = None
) -> keras.Model:
    """06: 05's plan and first block, then 12, 12 and 10 kernels instead of 16.

    The savings come after the transition, not at 24x24: 16 kernels there rather than 12
    gave better validation scores on average (outputs/tuning/TUNING.md, 06b16) and, at one
    thread as run-all trains, shorter epochs (oneDNN favours multiples of 8 channels).
    Rotations of up to ±10° rather than 05's ±7°: better validation scores on average over
    seeds 1-5 once the corners a rotation uncovers were black (TUNING.md, 06rot10).
    Every digit deskewed first (lib/deskew.py, no parameters): better validation scores over
    seeds 1-5, the loss lower on each (TUNING.md, 06deskew; 05 followed: 05deskewr).

    ``head="flatten"`` (ablation only) puts a dense layer on the flattened 6x6 map instead
    of on its average: the parameter count shows what the GAP head saves.
    """
    inputs, x = scaled_input(deskew=deskew)
    x = augment(x, rotation_degrees=rotation_degrees, seed=seed)
    x = conv_block(x, [8, 16], batchnorm=True, name="block1")  # 26, 24
    x = transition_block(x, 8, batchnorm=True, name="trans1")  # 12
    x = conv_block(x, [12, 12, 10], batchnorm=True, name="block2")  # 10, 8, 6
    if head == "flatten":
        x = layers.Flatten(name="head_flatten")(x)
        outputs = layers.Softmax(name="head_softmax")(layers.Dense(10, name="head_dense")(x))
    else:
        outputs = output_head(x, kind="gap")
    return keras.Model(inputs, outputs, name="under_5k")


def residual_8k(rotation_degrees: float = 7.0, seed: int | None = None) -> keras.Model:
    """07: 05's first block and transition, then two residual blocks at 12x12.

    Padded convolutions keep the 12x12 map, so the identity path can be added back; the
    deepest path reaches a receptive field of 22 pixels, the identity paths less.
    """
    inputs, x = scaled_input()
    x = augment(x, rotation_degrees=rotation_degrees, seed=seed)
    x = conv_block(x, [8, 16], batchnorm=True, name="block1")  # 26, 24
    x = transition_block(x, 12, batchnorm=True, name="trans1")  # 12
    x = residual_block(x, 12, name="res1")  # 12
    x = residual_block(x, 12, name="res2")  # 12
    return keras.Model(inputs, output_head(x, kind="gap"), name="residual_8k")


def fashion_15k(seed: int | None = None) -> keras.Model:
    """08: more kernels than 05, and padded convolutions that keep the 12x12 map.

    Clothes differ in details (a collar, a seam) that the digits' recipe averaged away: its
    first version here, with valid convolutions down to 6x6, stopped at the same accuracy on
    training and validation images. Mirror images are the augmentation (a mirrored shirt is
    still a shirt); rotations are not.
    """
    inputs, x = scaled_input()
    x = augment(x, flip=True, seed=seed)
    x = conv_block(x, [16, 16], batchnorm=True, name="block1")  # 26, 24
    x = transition_block(x, 12, batchnorm=True, name="trans1")  # 12
    x = conv_block(x, [24, 24], batchnorm=True, padding="same", name="block2")  # 12, 12
    x = layers.MaxPooling2D(2, name="pool2")(x)  # 6
    x = conv_block(x, [16], batchnorm=True, name="block3")  # 4
    return keras.Model(inputs, output_head(x, kind="gap"), name="fashion_15k")


MODELS: dict[str, Callable[..., keras.Model]] = {
    "vanilla": vanilla,
    "reduced": reduced,
    "batchnorm": batchnorm,
    "regularized": regularized,
    "under_8k": under_8k,
    "under_5k": under_5k,
    "residual_8k": residual_8k,
    "fashion_15k": fashion_15k,
}


def build_model(name: str, **kwargs) -> keras.Model:
    """Build a registered model by name, with a clear error for an unknown one."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    return MODELS[name](**kwargs)

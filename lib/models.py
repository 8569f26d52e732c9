"""One function per iteration of the article; each is a short list of blocks from blocks.py.

Spatial plan shared by 01-04 (valid 3x3 convolutions): 28 -> 26 -> 24 -> pool 12 -> 10 -> 8
-> 6 -> pool 3 -> 1, so the last convolution sees the whole 28x28 digit (receptive field 28).
"""

from __future__ import annotations

from collections.abc import Callable

import keras

from lib.blocks import augment, conv_block, output_head, partial_transition, scaled_input, transition_block


def vanilla() -> keras.Model:
    """01: pairs of convolution and transition blocks, then flatten and softmax.

    The wide layers sit where the maps are 3x3 or smaller, so 1.6M parameters cost few
    multiply-adds (the 1024-kernel convolution runs on one 3x3 window per image).
    """
    inputs, x = scaled_input()
    x = conv_block(x, [16, 32], name="block1")  # 26, 24
    x = transition_block(x, 16, name="trans1")  # 12
    x = conv_block(x, [32, 64, 128], name="block2")  # 10, 8, 6
    x = transition_block(x, 160, name="trans2")  # 3
    x = conv_block(x, [1024], name="block3")  # 1
    return keras.Model(inputs, output_head(x), name="vanilla")


def _reduced_body(x, *, batchnorm: bool = False, dropout: float = 0.0):
    kw = dict(batchnorm=batchnorm)
    x = conv_block(x, [8, 16], dropout=dropout, name="block1", **kw)  # 26, 24
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


def regularized(dropout: float = 0.05) -> keras.Model:
    """04: 03 with dropout after every 3x3 convolution (inactive at inference)."""
    inputs, x = scaled_input()
    return keras.Model(inputs, _reduced_body(x, batchnorm=True, dropout=dropout), name="regularized")


def under_8k(dropout: float = 0.0, rotation_degrees: float = 7.0, seed: int | None = None) -> keras.Model:
    """05: fewer kernels everywhere, a global-average-pooling head, rotation augmentation.

    The GAP head replaces the second transition block and the dense-like last convolution,
    which held a third of 04's parameters; the last 3x3 convolution ends on a 6x6 map.
    """
    inputs, x = scaled_input()
    x = augment(x, rotation_degrees=rotation_degrees, seed=seed)
    x = conv_block(x, [8, 16], batchnorm=True, dropout=dropout, name="block1")  # 26, 24
    x = transition_block(x, 8, batchnorm=True, name="trans1")  # 12
    x = conv_block(x, [16, 16, 16], batchnorm=True, dropout=dropout, name="block2")  # 10, 8, 6
    return keras.Model(inputs, output_head(x, kind="gap"), name="under_8k")


MODELS: dict[str, Callable[..., keras.Model]] = {
    "vanilla": vanilla,
    "reduced": reduced,
    "batchnorm": batchnorm,
    "regularized": regularized,
    "under_8k": under_8k,
}


def build_model(name: str, **kwargs) -> keras.Model:
    """Build a registered model by name, with a clear error for an unknown one."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    return MODELS[name](**kwargs)

"""Test-time augmentation: a model's prediction averaged over views of each image.

The MNIST models train on digits rotated by up to ±7° (05) or ±10° (06), so a digit turned by
a few degrees is one they have learnt to read; 08 trains on mirrored clothes. Averaging the
softmax over the image and its turns by ``±degrees`` (black corners, as in training) or its
mirror image adds no parameter; it costs one forward pass per view. Backend-agnostic
(``keras.ops``): it runs wherever the model runs.
"""

from __future__ import annotations

import keras
import numpy as np

from lib.params import ParameterError

SIDE = 28


def rotation_matrix(degrees: float, side: int = SIDE) -> np.ndarray:
    """The projective transform (8 numbers, Keras's layout) that turns a side x side image by
    ``degrees`` about its centre: it maps each output pixel to the input point it reads."""
    t = np.deg2rad(degrees)
    c, s, centre = np.cos(t), np.sin(t), (side - 1) / 2
    return np.array(
        [c, -s, centre - c * centre + s * centre, s, c, centre - s * centre - c * centre, 0, 0], "float32"
    )


def rotate(x: np.ndarray, degrees: float) -> np.ndarray:
    """Raw pixels (N, 28, 28, 1) turned by ``degrees``, bilinear, the uncovered corners black."""
    x = np.asarray(x, "float32")
    if not degrees:
        return x
    m = np.tile(rotation_matrix(degrees, x.shape[1]), (len(x), 1))
    out = keras.ops.image.affine_transform(x, m, interpolation="bilinear", fill_mode="constant", fill_value=0)
    return keras.ops.convert_to_numpy(out)


def views(degrees: float = 0.0, flip: bool = False) -> list[str]:
    """The views averaged, by name: the image itself, then its turns by ``±degrees`` and/or its
    mirror image; ``views()`` is the image alone."""
    if not degrees >= 0:  # NaN too
        raise ParameterError(f"tta degrees={degrees!r}: expected 0 (no turned views) or more")
    turns = [f"turned {d:+g}°" for d in (degrees, -degrees)] if degrees else []
    return ["image", *turns, *(["mirrored"] if flip else [])]


def view(x: np.ndarray, name: str) -> np.ndarray:
    """One view of raw pixels (N, 28, 28, 1), by its name in ``views``."""
    if name == "image":
        return np.asarray(x, "float32")
    if name == "mirrored":
        return np.asarray(x, "float32")[:, :, ::-1]
    if name.startswith("turned ") and name.endswith("°"):
        return rotate(x, float(name[len("turned ") : -1]))
    raise ValueError(f"unknown view {name!r}; expected one of 'image', 'turned +5°', 'mirrored'")


def predict(
    model: keras.Model, x: np.ndarray, degrees: float = 0.0, *, flip: bool = False, batch_size: int = 1000
) -> np.ndarray:
    """Class probabilities averaged over ``views(degrees, flip)``."""
    probs = [model.predict(view(x, v), batch_size=batch_size, verbose=0) for v in views(degrees, flip)]
    return np.mean(probs, axis=0)


def scores(probs: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Accuracy and cross-entropy of averaged probabilities (clipped as Keras's loss clips them)."""
    y = np.asarray(y).reshape(-1)
    p_true = np.clip(probs[np.arange(len(y)), y], 1e-7, 1.0)
    return {"accuracy": float(np.mean(probs.argmax(1) == y)), "loss": float(-np.mean(np.log(p_true)))}

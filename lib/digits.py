"""Your own digit, as MNIST's: a photo or drawing turned into the 28x28 image the models read.

MNIST's digits were made this way (LeCun, Cortes and Burges): the ink fitted into a 20x20
box keeping its aspect ratio, with anti-aliasing, then placed in a 28x28 field so that its
centre of mass sits at the field's centre. ``mnist_style`` does the same to any grey image,
dark ink on light paper or light ink on dark, so that a model trained on MNIST sees what it
was trained on.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

SIDE, BOX = 28, 20
CENTRE = 14.0  # where MNIST's centres of mass lie (mean over its test digits: row 14.0, column 14.0)
MIN_CONTRAST = 32  # grey levels between the paper and the strongest ink, at least
INK = 0.1  # a pixel is ink where it differs from the paper by this share of the strongest ink
SMALLEST = 4  # pixels: ink smaller than this on its longer side is a speck, not a digit
LARGEST = 1024  # pixels: larger images are shrunk first (a digit needs no more)


class ImageError(ValueError):
    """The image cannot be read as a digit; the message says what is wrong with it."""


def read_image(source: str | Path | bytes) -> np.ndarray:
    """Grey levels 0-255 (2-D float32) of a PNG or JPEG file, or of its bytes.

    Transparent pixels are laid on paper of the opposite shade to the ink (a drawing with a
    transparent background has no paper colour of its own).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(source, bytes | bytearray):
        name, data = "the image", bytes(source)
    else:
        name = str(source)
        path = Path(source)
        if not path.is_file():
            raise ImageError(f"{name}: no such file")
        data = path.read_bytes()
    if not data:
        raise ImageError(f"{name}: the file is empty (0 bytes); expected a PNG or JPEG image")
    try:
        image = Image.open(io.BytesIO(data))
        image.draft("L", (LARGEST, LARGEST))  # a JPEG decodes straight to a smaller size
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise ImageError(f"{name}: not an image ({type(e).__name__}); expected a PNG or JPEG file") from None
    image = ImageOps.exif_transpose(image)  # a phone's photo, upright as its camera held it
    if image.mode.startswith("I;16") or image.mode == "I":  # 16-bit grey levels, not clipped to 8
        image = Image.fromarray((np.asarray(image, "float64") * (255 / 65535)).astype("uint8"))
    image.thumbnail((LARGEST, LARGEST), Image.Resampling.BOX)  # a digit needs no more pixels
    if image.mode in ("RGBA", "LA", "PA", "P") or "transparency" in image.info:
        rgba = np.asarray(image.convert("RGBA"), "float32")
        alpha = rgba[..., 3:] / 255
        grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], "float32")
        opaque = alpha[..., 0] > 0.5
        light_ink = opaque.any() and opaque.mean() < 0.5 and grey[opaque].mean() > 127
        paper = 0.0 if light_ink else 255.0
        return (grey[..., None] * alpha + paper * (1 - alpha))[..., 0].astype("float32")
    return np.asarray(image.convert("L"), "float32")


def mnist_style(grey: np.ndarray) -> np.ndarray:
    """The (28, 28) float32 image, ink 0-255 on a 0 background, that MNIST's preprocessing
    gives for ``grey`` (2-D, any size). The paper is the border's median grey; the ink is
    what differs from it the most, darker or lighter. Best with one digit, evenly lit, and
    little else in the picture: every mark counts as ink."""
    g = np.asarray(grey, "float32")
    if g.ndim == 3 and g.shape[-1] == 1:
        g = g[..., 0]
    if g.ndim != 2 or min(g.shape) == 0:
        raise ImageError(f"expected a 2-D grey image, got an array of shape {g.shape}")
    border = np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])
    paper = float(np.median(border))
    lighter, darker = np.clip(g - paper, 0, None), np.clip(paper - g, 0, None)
    ink = lighter if lighter.max() > darker.max() else darker
    strongest = float(ink.max())
    if strongest < MIN_CONTRAST:
        raise ImageError(
            f"no ink: every pixel is within {strongest:.0f} grey levels of the paper ({paper:.0f}); "
            f"expected a digit at least {MIN_CONTRAST} levels darker or lighter than its background"
        )
    ink = np.where(ink >= INK * strongest, ink / strongest, 0.0).astype("float32")
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    if max(crop.shape) < SMALLEST:
        raise ImageError(
            f"the ink spans only {max(crop.shape)} pixels; expected a digit at least {SMALLEST} pixels tall"
        )
    fitted = _fit(crop, BOX)
    h, w = fitted.shape
    total = fitted.sum()
    cy = (fitted.sum(1) @ np.arange(h)) / total
    cx = (fitted.sum(0) @ np.arange(w)) / total
    top = int(np.clip(round(CENTRE - cy), 0, SIDE - h))
    left = int(np.clip(round(CENTRE - cx), 0, SIDE - w))
    out = np.zeros((SIDE, SIDE), "float32")
    out[top : top + h, left : left + w] = fitted
    return out * (255 / out.max())


def _fit(ink: np.ndarray, box: int) -> np.ndarray:
    """``ink`` scaled so that its longer side is ``box`` pixels, keeping the aspect ratio:
    averaged over each output pixel's area when shrinking (anti-aliasing), bilinear when growing."""
    from PIL import Image

    h, w = ink.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if size == (w, h):
        return ink
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    return np.clip(np.asarray(Image.fromarray(ink, mode="F").resize(size, resample)), 0, None)

"""Session 22's probe (not a candidate run): how much of a turn survives deskewing.

On the first 2,000 training images, turned by fixed angles either after deskewing (05's recipe)
or before it (05rotdsk): the mean absolute slant left (columns per row) and the mean absolute
change of a pixel (scaled units) against the deskewed image. Writes probe_rotdsk.txt here.
"""

import sys
from pathlib import Path

import numpy as np
from keras import ops

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from lib.blocks import BACKGROUND, MNIST_MEAN, MNIST_STD  # noqa: E402
from lib.data import load_dataset  # noqa: E402
from lib.deskew import Deskew, slant_and_centre  # noqa: E402


def turn(images: np.ndarray, degrees: float | np.ndarray) -> np.ndarray:
    """Every image turned about its middle by ``degrees`` (one angle, or one per image), black
    where the turn uncovers."""
    a = np.deg2rad(np.broadcast_to(np.asarray(degrees, "float64"), (len(images),)))
    c, s, m = np.cos(a), np.sin(a), 13.5
    zero = np.zeros_like(a)
    t = np.stack([c, -s, m - c * m + s * m, s, c, m - s * m - c * m, zero, zero], axis=1).astype("float32")
    out = ops.image.affine_transform(
        images, t, interpolation="bilinear", fill_mode="constant", fill_value=BACKGROUND
    )
    return ops.convert_to_numpy(out)


def slant(images: np.ndarray) -> float:
    ink = np.maximum(images[..., 0] - BACKGROUND, 0)
    return float(np.abs(ops.convert_to_numpy(slant_and_centre(ops.convert_to_tensor(ink))[0])).mean())


def main() -> None:
    x = load_dataset("mnist").x_train[:2000].astype("float32")
    x = ((x / 255 - MNIST_MEAN) / MNIST_STD).reshape(-1, 28, 28, 1)
    deskew = Deskew(background=BACKGROUND)
    upright = ops.convert_to_numpy(deskew(x))
    lines = [f"mean |slant|: raw {slant(x):.3f}, deskewed {slant(upright):.3f}"]
    for degrees in (3.5, -3.5, 7, -7, 10, -10, 14, -14):
        after = turn(upright, degrees)
        before = ops.convert_to_numpy(deskew(turn(x, degrees)))
        lines.append(
            f"{degrees:+5.1f} deg: turned after deskewing: |change| {np.abs(after - upright).mean():.4f}, "
            f"slant {slant(after):.3f}; turned before: |change| {np.abs(before - upright).mean():.4f}, "
            f"slant {slant(before):.3f}"
        )
    (HERE / "probe_rotdsk.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

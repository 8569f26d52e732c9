"""Session 22's probe (not a candidate run): how strong a random change of stroke width is.

On the first 2,000 training images, deskewed as 05 does: the share of ink pixels (over half
the full ink value) after a 3x3 dilation or erosion, and the mean absolute change of a pixel
(scaled units) made by 05's random turns (up to ±7°) and by a random share t of the way to
the dilation (t > 0) or erosion (t < 0), t uniform in ±0.35 and ±0.7 (tune.py's
RandomThickness, written again here with numpy draws). Writes probe_thick.txt here.
"""

import sys
from pathlib import Path

import numpy as np
from keras import ops

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from probe_rotdsk import turn  # noqa: E402

from lib.blocks import BACKGROUND, MNIST_MEAN, MNIST_STD  # noqa: E402
from lib.data import load_dataset  # noqa: E402
from lib.deskew import Deskew  # noqa: E402


def main() -> None:
    rng = np.random.default_rng(0)
    x = load_dataset("mnist").x_train[:2000].astype("float32")
    x = ((x / 255 - MNIST_MEAN) / MNIST_STD).reshape(-1, 28, 28, 1)
    upright = ops.convert_to_numpy(Deskew(background=BACKGROUND)(x))
    thicker = ops.convert_to_numpy(ops.max_pool(upright, 3, 1, "same"))
    thinner = -ops.convert_to_numpy(ops.max_pool(-upright, 3, 1, "same"))
    half_ink = BACKGROUND + 0.5 * (1 / MNIST_STD)
    shares = [(a > half_ink).mean() for a in (upright, thicker, thinner)]
    lines = ["share of ink pixels: deskewed {:.3f}, dilated {:.3f}, eroded {:.3f}".format(*shares)]
    turned = turn(upright, rng.uniform(-7, 7, len(x)))
    lines.append(f"turns up to ±7°: mean |change| {np.abs(turned - upright).mean():.4f}")
    for strength in (0.35, 0.7):
        t = rng.uniform(-strength, strength, (len(x), 1, 1, 1))
        changed = upright + np.where(t > 0, t * (thicker - upright), -t * (thinner - upright))
        lines.append(f"thickness up to ±{strength}: mean |change| {np.abs(changed - upright).mean():.4f}")
    (HERE / "probe_thick.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

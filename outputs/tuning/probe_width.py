"""Session 35's probe (not a candidate run): how much stroke width varies, and WidthNormalize's target.

On the 60,000 training images, deskewed as 05 does (lib/deskew.py): the stroke width that
tune.py's WidthNormalize estimates (2 x ink / the ink a 3x3 dilation adds), its spread, and
its median per digit; then the spread left after WidthNormalize with the target set to that
median (rounded to a tenth of a pixel). Labels are read only for the per-digit medians; no
validation or test image decides anything here beyond what every training image does.
Writes probe_width.txt here.
"""

import sys
from pathlib import Path

import numpy as np
from keras import ops

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))
from tune import WidthNormalize  # noqa: E402

from lib.blocks import BACKGROUND, MNIST_MEAN, MNIST_STD  # noqa: E402
from lib.data import load_dataset  # noqa: E402
from lib.deskew import Deskew  # noqa: E402


def spread(w: np.ndarray) -> str:
    q = np.percentile(w, [1, 10, 50, 90, 99])
    return "percentiles 1/10/50/90/99: " + ", ".join(f"{v:.2f}" for v in q) + f"; std {w.std():.2f}"


def main() -> None:
    ds = load_dataset("mnist")
    x = ((ds.x_train.astype("float32") / 255 - MNIST_MEAN) / MNIST_STD)[..., None]
    upright = np.concatenate([ops.convert_to_numpy(Deskew(background=BACKGROUND)(x[i:i + 5000]))
                              for i in range(0, len(x), 5000)])
    probe = WidthNormalize(background=BACKGROUND)
    w = ops.convert_to_numpy(probe.width(upright))
    target = round(float(np.median(w)), 1)
    lines = [f"stroke width of the 60,000 deskewed training digits (pixels): {spread(w)}",
             "median per digit: " + ", ".join(f"{k}: {np.median(w[ds.y_train == k]):.2f}" for k in range(10)),
             f"target (the median, to a tenth): {target}"]
    layer = WidthNormalize(target, background=BACKGROUND)
    normal = np.concatenate([ops.convert_to_numpy(layer(x[i:i + 5000])) for i in range(0, len(x), 5000)])
    w2 = ops.convert_to_numpy(probe.width(normal))
    half_ink = BACKGROUND + 0.5 / MNIST_STD
    shares = (upright > half_ink).mean(), (normal > half_ink).mean()
    lines += [f"after WidthNormalize({target}): {spread(w2)}",
              "share of ink pixels (over half the full ink value): deskewed {:.3f}, normalised {:.3f}".format(
                  *shares),
              f"mean |change| of a pixel (scaled units): {np.abs(normal - upright).mean():.4f}"]
    (HERE / "probe_width.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

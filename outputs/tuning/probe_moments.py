"""Session 25's probe (not a candidate run): does normalising each digit's size by its ink's
moments, after deskewing, make digits of a class more alike?

A classifier with no learned invariance shows it plainly: 3-nearest neighbours (Euclidean, raw
pixel values in [0, 1]) trained on 25,000 training images and scored on the next 5,000, on
each half of the 60,000 training images (the test set is not read). Inputs: the raw digits,
deskewed (lib/deskew.py), and deskewed with their size normalised (tune.py's
MomentNormalize, the layer 05mnorm starts with). Also the spread of the ink over rows and,
once sheared, over columns (mean and std over the first 20,000 images: the targets of
MomentNormalize). Writes probe_moments.txt here.
"""

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from lib.data import load_dataset  # noqa: E402
from lib.deskew import Deskew  # noqa: E402


def spreads(x):
    """Row spread and column spread once sheared, per image, in pixels."""
    r, c = np.arange(28)[None, :, None], np.arange(28)[None, None, :]
    t = x.sum((1, 2))
    dr, dc = r - ((x * r).sum((1, 2)) / t)[:, None, None], c - ((x * c).sum((1, 2)) / t)[:, None, None]
    vr, vc, cv = ((x * a * b).sum((1, 2)) / t for a, b in ((dr, dr), (dc, dc), (dr, dc)))
    return np.sqrt(vr), np.sqrt(vc - cv**2 / vr)


def knn_error(x, y, n_train=25_000, k=3):
    x = x.reshape(len(x), -1)
    tr, va, y_tr, y_va = x[:n_train], x[n_train:], y[:n_train], y[n_train:]
    sq, wrong = (tr**2).sum(1), 0
    for i in range(0, len(va), 1000):
        nearest = np.argpartition(sq[None, :] - 2 * va[i : i + 1000] @ tr.T, k, axis=1)[:, :k]
        votes = np.apply_along_axis(np.bincount, 1, y_tr[nearest], minlength=10)
        wrong += int((votes.argmax(1) != y_va[i : i + 1000]).sum())
    return 100 * wrong / len(va)


def main():
    from tune import MomentNormalize  # its layers only: tune.py trains when run as a script

    ds = load_dataset("mnist")
    lines = []
    sr, sc = spreads(ds.x_train[:20_000].astype("float32") / 255)
    lines.append(f"row spread {sr.mean():.2f} px (std {sr.std():.2f}); column spread once sheared "
                 f"{sc.mean():.2f} px (std {sc.std():.2f}); first 20,000 training images")
    for half in (0, 1):
        x = ds.x_train[30_000 * half : 30_000 * (half + 1)].astype("float32")[..., None] / 255
        y = ds.y_train[30_000 * half : 30_000 * (half + 1)]
        views = {"raw": x, "deskewed": Deskew()(x), "deskewed, size by moments": MomentNormalize()(x)}
        errors = ", ".join(f"{k} {knn_error(np.asarray(v)[..., 0], y):.2f} %" for k, v in views.items())
        first, last = 30_000 * half, 30_000 * (half + 1)
        lines.append(f"training images {first:,}-{last:,}, 3-NN error on the last 5,000: {errors}")
    (HERE / "probe_moments.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

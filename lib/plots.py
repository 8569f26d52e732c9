"""The figures of a run, drawn from its ``metrics.json`` alone (so they can be redrawn any time).

One style everywhere: validation solid with dots, test dashed with squares (distinguishable
without colour), training dotted and grey; the target a labelled red line; the saved model's
test accuracy written on the plot; the learning rate beneath, so that a dip in the curves
reads as the schedule's doing.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter, PercentFormatter

VALIDATION = dict(
    color="tab:blue", ls="-", marker="o", ms=3.5, lw=1.6, label="validation (6,000 training images held out)"
)
TEST = dict(
    color="tab:orange",
    ls="--",
    marker="s",
    ms=3.5,
    mfc="none",
    lw=1.4,
    label="test (read only, chooses nothing)",
)
TRAIN = dict(color="0.45", ls=":", lw=1.4, label="train (running mean over each epoch, in training mode)")
TARGET = dict(color="tab:red", ls=(0, (6, 3)), lw=1.1)


def accuracy_band(series: list[list[float]], target: float | None, last: int) -> tuple[float, float]:
    """The accuracy range where "did it reach the target?" is decided: 0.9 points below the
    target to 0.6 above (99.40 % for a notebook without one, so that every MNIST notebook
    shares one scale), widened where the last ``last`` epochs of ``series`` leave it."""
    tail = np.concatenate([np.asarray(s[-last:], dtype=float) for s in series if len(s)])
    ref = 0.994 if target is None else target
    lo = min(ref - 0.009, float(tail.min()) - 0.001)
    hi = max(ref + 0.006, float(tail.max()) + 0.001)
    return max(0.0, lo), min(1.0, hi)


def _epochs(n: int) -> np.ndarray:
    return np.arange(1, n + 1)


def _accuracy_lines(ax, h: dict, with_train: bool = True) -> None:
    x = _epochs(len(h["val_accuracy"]))
    if with_train:
        ax.plot(x, h["accuracy"], **TRAIN)
    ax.plot(x, h["val_accuracy"], **VALIDATION)
    if "test_accuracy" in h:
        ax.plot(x, h["test_accuracy"], **TEST)


def _frame(ax, n: int) -> None:
    ax.set_xlim(0.5, n + 0.5)  # the saved-epoch marker sits inside the frame, not on it
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)


def plot_curves(metrics: dict, path: Path | str | None = None):
    """Accuracy (whole run, and the last epochs' band around the target), loss on a log scale,
    and the learning rate per epoch, from one run's ``metrics``."""
    h, cfg = metrics["history"], metrics.get("config", {})
    n, saved = len(h["val_accuracy"]), metrics["saved_epoch"]
    target, test_acc = cfg.get("target"), metrics["test_accuracy"]
    fig = plt.figure(figsize=(13, 6.6))
    grid = fig.add_gridspec(2, 2, height_ratios=[2.4, 1], width_ratios=[1, 1.55], hspace=0.32, wspace=0.2)
    whole, band = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    loss, rate = fig.add_subplot(grid[1, 0], sharex=whole), fig.add_subplot(grid[1, 1], sharex=band)

    _accuracy_lines(whole, h)
    whole.set_title("accuracy, whole run", fontsize=10)
    whole.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))

    _accuracy_lines(band, h)
    last = max(3, n // 4)
    lo, hi = accuracy_band([h["val_accuracy"], h.get("test_accuracy", [])], target, last)
    band.set_ylim(lo, hi)
    band.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=2 if hi - lo < 0.02 else 1))
    band.set_title(f"accuracy, zoomed on the last {last} epochs", fontsize=10)
    whole.axhspan(lo, hi, color="0.85", alpha=0.5, lw=0, label="range zoomed on the right")
    for ax in (whole, band):
        ax.axvline(saved, color="0.6", lw=0.8)
        if target is not None:
            ax.axhline(target, **TARGET, label=f"target {target:.2%}")
    if target is not None:
        met = "met" if test_acc >= target else "not met"
        band.text(0.6, target, f" target {target:.2%} ({met})", color="tab:red", va="bottom", fontsize=9)
    what = "mean over its views" if metrics.get("tta") else "saved model"
    band.plot([saved], [test_acc], marker="*", ms=14, color="black", ls="none", zorder=5)
    band.annotate(
        f"{what}, epoch {saved} ({metrics['selection']}):\n"
        f"{test_acc:.2%} on the {metrics['data']['test']:,} test images",
        xy=(saved, test_acc),
        xytext=(0.97, 0.05),
        textcoords="axes fraction",
        ha="right",
        va="bottom",
        fontsize=9,
        bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.6", alpha=0.9),
        arrowprops=dict(arrowstyle="-", color="0.4"),
    )
    loss_x = _epochs(n)
    loss.plot(loss_x, h["loss"], **{**TRAIN, "label": "train"})
    loss.plot(loss_x, h["val_loss"], **{**VALIDATION, "label": "validation"})
    if "test_loss" in h:
        loss.plot(loss_x, h["test_loss"], **{**TEST, "label": "test"})
    loss.set_yscale("log")
    loss.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    loss.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    loss.yaxis.set_minor_formatter(NullFormatter())
    loss.set_title("loss (log scale)", fontsize=10)
    loss.set_xlabel("epoch")

    rate.plot(_epochs(len(h["learning_rate"])), h["learning_rate"], color="tab:green", marker=".", lw=1.4)
    schedule = (
        "one-cycle: up for the first quarter, then down" if cfg.get("schedule") == "onecycle" else "constant"
    )
    rate.set_title(f"learning rate at the end of each epoch ({schedule})", fontsize=10)
    rate.set_xlabel("epoch")
    rate.set_ylim(0, max(h["learning_rate"]) * 1.15 or 1)
    for ax in (whole, band, loss, rate):
        _frame(ax, n)

    handles, labels = whole.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8.5, frameon=False)
    fig.suptitle(_title(metrics), fontsize=13, y=0.985)
    fig.subplots_adjust(left=0.06, right=0.985, top=0.9, bottom=0.16)
    if path:
        fig.savefig(path, dpi=100)
    return fig


def _title(metrics: dict) -> str:
    title = metrics.get("title") or metrics["notebook"]
    return f"{title} · {metrics['params']:,} parameters · seed {metrics['seed']}"


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts with true labels as rows and predictions as columns."""
    m = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(m, (y_true, y_pred), 1)
    return m


def plot_confusion(matrix: np.ndarray, path: Path | str | None = None, class_names: list[str] | None = None):
    """The confusion matrix, diagonal dimmed so that the errors stand out."""
    names = class_names or [str(i) for i in range(len(matrix))]
    wide = max(map(len, names)) > 2
    fig, ax = plt.subplots(figsize=(7.5, 6.5) if wide else (6, 5.5))
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    ax.imshow(off, cmap="Reds")
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color="grey" if i == j else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_xticks(range(len(matrix)), names, rotation=45 if wide else 0, ha="right" if wide else "center")
    ax.set_yticks(range(len(matrix)), names)
    ax.set_title(f"test set: {int(off.sum())} errors of {int(matrix.sum()):,}")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=100)
    return fig


def plot_misclassified(
    x: np.ndarray,
    y_true: np.ndarray,
    probs: np.ndarray,
    path: Path | str | None = None,
    count: int = 32,
    class_names: list[str] | None = None,
    what: str = "digits",
):
    """The misclassified test images the model was most confident about."""
    names = class_names or [str(i) for i in range(probs.shape[1])]
    pred = probs.argmax(1)
    wrong = np.flatnonzero(pred != y_true)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]])][:count]
    cols = 8
    rows = max(1, -(-len(wrong) // cols))
    wide = max(map(len, names)) > 2
    fig, axes = plt.subplots(rows, cols, figsize=(cols * (1.6 if wide else 1.3), rows * 1.6), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong, strict=False):
        ax.imshow(x[i].squeeze(), cmap="gray_r")
        sep = "\n" if wide else ""
        ax.set_title(
            f"{names[y_true[i]]}→{sep}{names[pred[i]]} ({probs[i, pred[i]]:.2f})", fontsize=7 if wide else 8
        )
    fig.suptitle(f"misclassified test {what}: true→predicted (confidence)")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=100)
    return fig

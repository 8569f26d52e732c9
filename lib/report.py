"""Figures and metrics.json: what a reader sees without running anything."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from lib import ROOT


def plot_curves(result, path: Path | None = None, title: str = ""):
    """Accuracy and loss per epoch: train and validation; test dotted, for reading only.

    ``result`` is a TrainResult; a vertical line marks the epoch whose weights were saved.
    """
    history = result.history
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    epochs = np.arange(1, len(history["accuracy"]) + 1)
    chooses = result.selection == "best validation accuracy"
    for ax, metric in zip(axes, ("accuracy", "loss"), strict=True):
        ax.plot(epochs, history[metric], label="train")
        ax.plot(
            epochs, history[f"val_{metric}"], label="validation" + (" (chooses the epoch)" if chooses else "")
        )
        ax.plot(epochs, history[f"test_{metric}"], ":", label="test (read only)")
        ax.axvline(
            result.saved_epoch,
            color="grey",
            lw=0.8,
            label=f"saved: epoch {result.saved_epoch} ({result.selection})",
        )
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if len(epochs) and min(history["val_accuracy"]) > 0.97:
        axes[0].set_ylim(0.97, 1.0)
    fig.suptitle(title)
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=100)
    return fig


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts with true labels as rows and predictions as columns."""
    m = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(m, (y_true, y_pred), 1)
    return m


def plot_confusion(matrix: np.ndarray, path: Path | None = None):
    """The confusion matrix, diagonal dimmed so that the errors stand out."""
    fig, ax = plt.subplots(figsize=(6, 5.5))
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    ax.imshow(off, cmap="Reds")
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color="grey" if i == j else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_xticks(range(len(matrix)))
    ax.set_yticks(range(len(matrix)))
    ax.set_title(f"test set: {int(off.sum())} errors of {int(matrix.sum())}")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=100)
    return fig


def plot_misclassified(
    x: np.ndarray, y_true: np.ndarray, probs: np.ndarray, path: Path | None = None, count: int = 32
):
    """The misclassified test digits the model was most confident about."""
    pred = probs.argmax(1)
    wrong = np.flatnonzero(pred != y_true)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]])][:count]
    cols = 8
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.3, rows * 1.5), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong, strict=False):
        ax.imshow(x[i].squeeze(), cmap="gray_r")
        ax.set_title(f"{y_true[i]}→{pred[i]} ({probs[i, pred[i]]:.2f})", fontsize=8)
    fig.suptitle("misclassified test digits: true→predicted (confidence)")
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=100)
    return fig


def versions() -> dict[str, str]:
    """Library versions, for metrics.json."""
    import keras

    out = {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "numpy": np.__version__,
        "backend": keras.backend.backend(),
    }
    if out["backend"] == "tensorflow":
        import tensorflow as tf

        out["tensorflow"] = tf.__version__
    else:
        backend_module = __import__({"jax": "jax", "torch": "torch"}.get(out["backend"], "numpy"))
        out[out["backend"]] = backend_module.__version__
    from lib.training import FUSED_BATCHNORM, WHOLE_MAP_MATMUL

    out["fused_batchnorm"] = str(FUSED_BATCHNORM)
    out["whole_map_matmul"] = str(WHOLE_MAP_MATMUL)
    out["machine"] = f"{platform.machine()} {platform.system()}"
    out["processor"] = processor()
    out["cpu"] = cpu_signature()
    return out


def read_cpuinfo() -> str:
    """The text of /proc/cpuinfo; empty where there is none (not Linux)."""
    path = Path("/proc/cpuinfo")
    return path.read_text() if path.exists() else ""


def cpu_signature(cpuinfo: str | None = None) -> str:
    """Family, model, stepping and widest vector unit: what "the same processor" needs.

    A VM's model name can be as vague as "AMD EPYC": two such machines here trained 06 to
    different numbers (oneDNN picks its kernels by the instruction sets it finds).
    """
    if cpuinfo is None:
        cpuinfo = read_cpuinfo()
    field = {
        k: re.search(rf"^{k}\s*:\s*(.*)$", cpuinfo, re.M)
        for k in ("cpu family", "model", "stepping", "flags")
    }
    if not field["cpu family"]:
        return platform.machine()
    flags = set(field["flags"].group(1).split()) if field["flags"] else set()
    isa = next(
        (name for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX")) if flag in flags),
        "SSE",
    )
    f, m, st = (field[k].group(1).strip() if field[k] else "?" for k in ("cpu family", "model", "stepping"))
    return f"family {f}, model {m}, stepping {st}; widest vectors: {isa}"


def processor(cpuinfo: str | None = None) -> str:
    """The CPU's model name: timings, and the last digits of some results, depend on it.

    ``cpuinfo``: the text of /proc/cpuinfo (read from there when None).
    """
    if cpuinfo is None:
        cpuinfo = read_cpuinfo()
    found = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    return found.group(1).strip() if found else platform.processor() or platform.machine()


def git(*args: str, root: Path = ROOT, strip: bool = True) -> str | None:
    """``git args`` in ``root``: its output, or None where it failed or there is no git."""
    # The first status or diff after a checkout reads every notebook through the nbstripout
    # filter (about a second each); cut short, it would never finish and record nothing.
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=300, check=True
        ).stdout
        return out.strip() if strip else out
    except (OSError, subprocess.SubprocessError):
        return None


def git_commit(root: Path = ROOT) -> dict:
    """The commit the code came from, whether ``lib/`` or ``notebooks/`` had changes, and
    which paths (``Run.finish`` narrows ``dirty`` to those the run used: ``run_dirty``)."""
    args = ("status", "-z", "--porcelain", "--untracked-files=all", "--", "lib", "notebooks")
    status = git(*args, root=root, strip=False)
    # NUL-separated: two status letters, a space, the path; a rename's old path follows it
    entries, changed = iter((status or "").split("\0")), set()
    for entry in entries:
        if entry:
            changed.add(entry[3:])
            if "R" in entry[:2]:
                next(entries, None)
    return {
        "commit": git("rev-parse", "HEAD", root=root),
        "dirty": bool(changed) if status is not None else None,
        "changed": sorted(changed) if status is not None else None,
    }


def run_dirty(start_git: dict, lib_modules: list[str], notebook: str) -> bool | None:
    """Whether the code a run used differed from its commit: its notebook or a ``lib/`` module
    it imported had changes at its start. A change elsewhere (the bench, another notebook)
    leaves its numbers those of the commit. None where git could not tell."""
    changed = start_git.get("changed")
    if changed is None:
        return start_git.get("dirty")
    return bool(set(changed) & {*lib_modules, f"notebooks/{notebook}.ipynb"})


def loaded_lib_modules(root: Path = ROOT) -> list[str]:
    """The files of ``lib/`` this process has imported, as paths from ``root``.

    A run's numbers can depend only on these (and its notebook): an edit to a module it never
    imported (the bench, the report) leaves its results those of the code at hand.
    """
    lib = (root / "lib").resolve()
    found = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (name == "lib" or name.startswith("lib.")) and file and Path(file).resolve().parent == lib:
            found.add(Path(file).resolve().relative_to(root.resolve()).as_posix())
    return sorted(found)


def code_paths(notebook: str, *runs_git: dict | None) -> list[str]:
    """What git should compare to tell whether a run's code changed: the notebook and the
    ``lib/`` modules every one of these runs recorded importing, or all of ``lib/`` where one
    did not record them (runs before the record, or no run)."""
    recorded = [(g or {}).get("lib_modules") for g in runs_git]
    modules = sorted(set().union(*recorded)) if recorded and all(m is not None for m in recorded) else ["lib"]
    return [*modules, f"notebooks/{notebook}.ipynb"]


def summary_markdown(metrics: dict) -> str:
    """Our figures beside the article's, each labelled as what it is."""
    art = metrics.get("article") or {}
    rows = [
        ("parameters (Keras total)", f"{metrics['params']:,}", f"{art['params']:,}" if art else "–"),
        ("epochs run", str(metrics["epochs"]), "–"),
        ("test accuracy of the saved model", f"{metrics['test_accuracy']:.2%}", "–"),
    ]
    if metrics.get("tta"):  # the recipe predicts over several views; the image alone beside it
        t = metrics["tta"]
        rows[-1] = (f"test accuracy of the saved model, mean over: {', '.join(t['views'])}", rows[-1][1], "–")
        rows.append(("the same model on the image alone", f"{t['single_view_test_accuracy']:.2%}", "–"))
    rows += [
        ("saved weights", f"epoch {metrics['saved_epoch']} ({metrics['selection']})", "best epoch"),
        ("best validation accuracy", f"{metrics['best_val_accuracy']:.2%}", art.get("reported", "–")),
        ("seconds per epoch", f"{metrics['seconds_per_epoch']:.1f}", "–"),
    ]
    lines = ["| | this run | the article |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def ablation_markdown(rows: list[dict]) -> str:
    """The ablation as a table; the first row is the full recipe, the others one change each."""
    full = rows[0]["val_accuracy"]
    lines = [
        "| variant | params | final val. acc. | Δ vs full recipe | best val. acc. | train acc. |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        delta = "–" if r is rows[0] else f"{(r['val_accuracy'] - full) * 100:+.2f} pt"
        lines.append(
            f"| {r['variant']} | {r['params']:,} | {r['val_accuracy']:.2%} | {delta} | "
            f"{r['best_val_accuracy']:.2%} | {r['train_accuracy']:.2%} |"
        )
    return "\n".join(lines)

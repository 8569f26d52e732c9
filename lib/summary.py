"""What a notebook's closing cells show: the outcome against the target, the comparison with
the article, and 06's ablation table; each generated from the run's ``metrics.json``."""

from __future__ import annotations


def outcome_line(metrics: dict) -> str:
    """One sentence: the saved model's test accuracy, against the notebook's target if it has one."""
    acc, n = metrics["test_accuracy"], metrics["data"]["test"]
    target = metrics["config"].get("target")
    views = " (mean over the image and its mirror image)" if metrics.get("tta") else ""
    line = f"**{acc:.2%} on the {n:,} test images{views}, {metrics['params']:,} parameters"
    if target is None:
        return line + ".** This notebook sets no target."
    verdict = "met" if acc >= target else "not met"
    return line + f": target {target:.2%} {verdict}.**"


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

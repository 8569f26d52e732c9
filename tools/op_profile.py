"""Where a training step's time goes: TensorFlow's profiler over steps of one bench model.

    python -m tools.op_profile [--model 05_under_8k] [--steps 100]   # TF_NUM_INTRAOP_THREADS=1: one thread

Trains the model as ``make bench`` does (random pixels, the training pipeline, after a
warm-up), records ``--steps`` steps with ``tf.profiler``, and sums the time of every
TensorFlow op by the layer it belongs to (forward and backward apart) and by op type. It
writes ``outputs/bench/profile-<model>.json`` and ``.md``. Op time is each op's wall time
on TensorFlow's compute threads, its helper threads included; the time of a step that no
op covers is dispatch and waiting. Recording adds its own overhead to every op, so compare
shares here, and speeds in ``make bench``. TensorFlow only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from lib import ROOT
from lib.files import write_json

OTHER = "(not in a layer: loss, metrics, optimizer)"


def op_events(xspace) -> tuple[list[tuple[str, str, float]], float]:
    """(op name, op type, milliseconds) of every op run on TensorFlow's compute threads, and
    the milliseconds during which at least one of them ran.

    An op's event is named ``scope/op:Type``; events inside another op's (its bookkeeping,
    or the ops of a function it calls) are not counted again.
    """
    out, spans = [], []
    for plane in xspace.planes:
        if not plane.name.startswith("/host:CPU"):
            continue
        names = {k: m.name for k, m in plane.event_metadata.items()}
        for line in plane.lines:
            if not line.name.startswith("tf_Compute"):
                continue
            end = -1
            for e in sorted(line.events, key=lambda e: (e.offset_ps, -e.duration_ps)):
                name = names[e.metadata_id]
                if name.count(":") != 1 or e.offset_ps < end:  # not ExecutorState::Process
                    continue
                end = e.offset_ps + e.duration_ps
                spans.append((line.timestamp_ns * 1000 + e.offset_ps, line.timestamp_ns * 1000 + end))
                op, kind = name.rsplit(":", 1)
                out.append((op, kind.removeprefix("_Mkl").removeprefix("Native"), e.duration_ps / 1e9))
    busy, reach = 0, None
    for a, b in sorted(spans):
        if reach is None or a > reach:
            busy, reach = busy + b - a, b
        elif b > reach:
            busy, reach = busy + b - reach, b
    return out, busy / 1e9


def layer_of(op: str, layers: set[str]) -> tuple[str, bool]:
    """The layer an op's scope names (TensorFlow appends ``_1`` and such), and whether the
    op belongs to the backward pass."""
    backward = "gradient_tape/" in op
    for part in op.split("/"):
        for name in (re.sub(r"_\d+$", "", part), part):
            if name in layers:
                return name, backward
    return OTHER, backward


def summarize(
    events: list[tuple[str, str, float]], busy_ms: float, layers: list[str], steps: int, wall_s: float
) -> dict:
    """Milliseconds per step by layer (in model order), by op type and by both, with shares
    of the op time."""
    by_layer: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_type: dict[str, float] = defaultdict(float)
    by_both: dict[tuple[str, str], float] = defaultdict(float)
    known = set(layers)
    for op, kind, ms in events:
        layer, backward = layer_of(op, known)
        by_layer[layer][backward] += ms / steps
        by_type[kind] += ms / steps
        by_both[layer + (" (backward)" if backward else ""), kind] += ms / steps
    total = sum(by_type.values())

    def share(ms: float) -> float:
        return round(ms / total, 4) if total else 0.0

    order = [n for n in layers if n in by_layer] + ([OTHER] if OTHER in by_layer else [])
    return {
        "steps": steps,
        "wall_ms_per_step": round(1000 * wall_s / steps, 2),
        "op_ms_per_step": round(total, 2),
        "ops_running_ms_per_step": round(busy_ms / steps, 2),
        "layers": [
            {
                "layer": n,
                "forward_ms": round(by_layer[n][0], 3),
                "backward_ms": round(by_layer[n][1], 3),
                "share": share(sum(by_layer[n])),
            }
            for n in order
        ],
        "op_types": [
            {"op": k, "ms": round(v, 3), "share": share(v)}
            for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])
        ],
        "layer_ops": [
            {"layer": k[0], "op": k[1], "ms": round(v, 3), "share": share(v)}
            for k, v in sorted(by_both.items(), key=lambda kv: -kv[1])
        ],
    }


def profile(name: str, steps: int) -> dict:
    """Profile ``steps`` training steps of the bench model ``name`` (after a warm-up)."""
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise SystemExit(f"tools.op_profile needs TensorFlow's profiler; the Keras backend is {backend}")
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    from lib.training import feed
    from tools.bench import random_pixels, warmed_up

    model, fitted, pre, batch = warmed_up(name)
    x, y = random_pixels(batch * steps)
    x = pre.predict(x, verbose=0) if pre else x  # once per run, as training does: not profiled
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        t = time.perf_counter()
        fitted.fit(**feed(x, y, batch), epochs=1, verbose=0)
        wall = time.perf_counter() - t
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        space.ParseFromString(next(Path(logdir).rglob("*.xplane.pb")).read_bytes())
    layers = [layer.name for layer in model.layers]
    events, busy_ms = op_events(space)
    return {"model": name, "batch_size": batch, **summarize(events, busy_ms, layers, steps, wall)}


def headline(report: dict) -> str:
    return (
        f"{report['model']}, batch {report['batch_size']}, {report['steps']} training steps: "
        f"{report['wall_ms_per_step']} ms per step; TensorFlow ops ran during "
        f"{report['ops_running_ms_per_step']} ms of it (the rest: dispatch, waiting) and took "
        f"{report['op_ms_per_step']} ms in all (two ops can run at once)."
    )


def top_ops(report: dict, top: int = 10) -> str:
    """The costliest (layer, op type) pairs as a markdown table."""
    lines = ["| layer | op type | ms/step | share of op time |", "|---|---|---:|---:|"]
    lines += [
        f"| {r['layer']} | {r['op']} | {r['ms']:.2f} | {100 * r['share']:.1f} % |"
        for r in report["layer_ops"][:top]
    ]
    return "\n".join(lines)


def markdown(report: dict, top: int = 10) -> str:
    lines = [
        headline(report),
        "",
        "| layer | forward ms/step | backward ms/step | share of op time |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['layer']} | {r['forward_ms']:.2f} | {r['backward_ms']:.2f} | {100 * r['share']:.1f} % |"
        for r in report["layers"]
    ]
    lines += ["", "| op type | ms/step | share of op time |", "|---|---:|---:|"]
    lines += [f"| {r['op']} | {r['ms']:.2f} | {100 * r['share']:.1f} % |" for r in report["op_types"][:top]]
    lines += ["", top_ops(report, top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="05_under_8k", help="a row name of make bench")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--output", type=Path, default=ROOT / "outputs" / "bench")
    args = ap.parse_args(argv)
    if args.steps < 1:
        ap.error(f"--steps {args.steps}: must be at least 1")
    report = profile(args.model, args.steps)
    args.output.mkdir(parents=True, exist_ok=True)
    stem = "profile-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", args.model).strip("_")
    write_json(args.output / f"{stem}.json", report)
    table = markdown(report)
    (args.output / f"{stem}.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

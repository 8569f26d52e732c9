"""Receptive fields computed from a built model's layers, never typed in.

For each layer: r_out = r_in + (k - 1) * j_in and j_out = j_in * stride, where r is the
receptive field and j the jump (input pixels between two neighbouring cells). Branches
are followed through the functional graph; where branches merge (Add, Concatenate) the
receptive field is the largest of them, and ``shortest`` keeps the smallest (the view of
the shortest path, e.g. through a residual block's identity). Global pooling and flatten
act as one window over the whole map.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras


@dataclass
class RFRow:
    layer: str
    kind: str
    output: str
    kernel: int
    stride: int
    jump: int
    receptive_field: int
    params: int
    shortest: int  # receptive field along the shortest path; equal without branches


def _kernel_stride(layer) -> tuple[int, int]:
    if (
        isinstance(
            layer,
            (keras.layers.GlobalAveragePooling2D, keras.layers.GlobalMaxPooling2D, keras.layers.Flatten),
        )
        and len(layer.input.shape) == 4
    ):
        return int(layer.input.shape[1]), 1  # one window over the whole map
    if hasattr(layer, "kernel_size"):
        return int(layer.kernel_size[0]), int(layer.strides[0])
    if hasattr(layer, "pool_size"):
        return int(layer.pool_size[0]), int((layer.strides or layer.pool_size)[0])
    return 1, 1


def _inputs(layer) -> list:
    t = layer.input
    return list(t) if isinstance(t, (list, tuple)) else [t]


def receptive_fields(model: keras.Model) -> list[RFRow]:
    """One row per layer, in graph order, for a functional model."""
    state = {id(t): (1, 1, 1) for t in model.inputs}  # (receptive field, jump, shortest)
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        ins = [state[id(t)] for t in _inputs(layer)]
        r_in, j_in, short_in = max(r for r, _, _ in ins), ins[0][1], min(m for _, _, m in ins)
        k, s = _kernel_stride(layer)
        out_shape = tuple(layer.output.shape[1:])
        r, j, short = r_in + (k - 1) * j_in, j_in * s, short_in + (k - 1) * j_in
        state[id(layer.output)] = (r, j, short)
        rows.append(
            RFRow(
                layer.name,
                type(layer).__name__,
                "x".join(map(str, out_shape)),
                k,
                s,
                j,
                r,
                layer.count_params(),
                short,
            )
        )
    return rows


def final_receptive_field(model: keras.Model) -> int:
    """The receptive field of the last convolution (before any global pooling or flatten)."""
    convs = [r for r in receptive_fields(model) if r.output.count("x") == 2 and r.kernel > 1]
    return convs[-1].receptive_field


def rf_table(model: keras.Model) -> str:
    """A markdown table of :func:`receptive_fields`, for notebooks and reports.

    With branches, a column gives the shortest path's receptive field beside the longest.
    """
    rows = [asdict(r) for r in receptive_fields(model)]
    branches = any(r["shortest"] != r["receptive_field"] for r in rows)
    cols = ["layer", "type", "output", "k", "s", "jump", "RF"]
    cols += ["RF, shortest path", "params"] if branches else ["params"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [r["layer"], r["kind"], r["output"], r["kernel"], r["stride"], r["jump"]]
        cells += [r["receptive_field"]]
        cells += [r["shortest"]] if branches else []
        lines.append("| " + " | ".join(map(str, cells)) + f" | {r['params']:,} |")
    return "\n".join(lines)

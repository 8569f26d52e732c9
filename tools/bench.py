"""``make bench``: training and inference speed of every notebook's model, and of a reference.

    python -m tools.bench [--images 12800] [--models 05_under_8k,keras-io-mnist-convnet]

Each model is measured in a fresh process (so peak memory is its own), after a warm-up
that traces the graph, in three timed passes of training and three of inference over random
pixels (speed does not depend on the digits). The list of models is measured ``--rounds``
times, interleaved: a shared machine's speed drifts over minutes, and interleaving spreads the drift
over every model, so that ratios between models (05 against the reference) hold; each
figure is the median over all rounds' passes, and each round's own ratio is kept. It writes
``outputs/bench/bench.json`` and ``bench.md``. Nothing here is a test: speed is reported,
never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lib import ROOT
from lib.files import write_json
from tools.runner import best_split

if TYPE_CHECKING:
    import keras

REFERENCE = "keras-io-mnist-convnet"
UNFUSED = "05_under_8k (Keras BatchNorm)"  # without lib/speedups/fast_batchnorm.py
KERAS_CONV = "01_vanilla (Keras convolution)"  # without lib/speedups/fast_conv.py
ONE_STEP = "05_under_8k (one step per call)"  # what steps_per_execution saves
EVERY_STEP = "05_under_8k (deskewing every step)"  # what computing the input stage once saves
EPOCH_IMAGES = 60_000
REPEATS = 3  # timed passes per model; the median is reported, the spread kept
FLOPS_PER_CYCLE = 64  # fp32, AVX-512: 16 lanes x 2 (FMA) x 2 FMA units per core


def reference_model():
    """keras-io's mnist_convnet example, with its 1/255 scaling as a layer (no parameters)."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Rescaling(1 / 255),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ],
        name=REFERENCE,
    )


def flops_per_image(model) -> int:
    """Forward multiply-adds x 2, from the convolution and dense layers' shapes."""
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, h, w, c_out = layer.output.shape
            k = layer.kernel_size[0] * layer.kernel_size[1]
            total += 2 * h * w * c_out * k * layer.input.shape[-1]
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.input.shape[-1] * layer.units
    return int(total)


def bench_model(name: str) -> tuple[keras.Model, int]:
    """The compiled model behind a bench row's name, and its training batch size."""
    from lib.training import LOSS, make_optimizer, steps_per_execution
    from tools import notebook_cells

    calls = dict(steps_per_execution=1 if name == ONE_STEP else steps_per_execution())  # as training compiles

    if name == REFERENCE:
        model = reference_model()
        model.compile("adam", LOSS, metrics=["accuracy"], **calls)
        return model, 128
    notebook = name.split(" ")[0]
    cfg = notebook_cells.recipe(notebook)
    model = notebook_cells.build(notebook)
    model.compile(make_optimizer(cfg["lr"] or 0.01), LOSS, metrics=["accuracy"], **calls)
    return model, cfg["batch_size"]


def random_pixels(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random images and labels: speed does not depend on the digits."""
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 28, 28, 1), dtype=np.uint8), rng.integers(0, 10, n)


def warmed_up(name: str) -> tuple[keras.Model, keras.Model, keras.Model | None, int]:
    """A bench row's model, what its training fits, the fixed input stage computed ahead of that
    (lib/speedups/input_stage.py; None: none) and the batch size: seeded, with the fast paths the row's
    name says, after a short fit that traces the graph (so that no timing includes the tracing)."""
    from lib.speedups import fast_batchnorm, fast_conv, input_stage
    from lib.training import feed, set_determinism

    set_determinism(0)
    if name == UNFUSED:
        fast_batchnorm.disable()
    if name == KERAS_CONV:
        fast_conv.disable()
    model, batch = bench_model(name)
    pre, fitted = (None, model) if name == EVERY_STEP else input_stage.for_training(model)
    x, y = random_pixels(batch * 10)
    fitted.fit(**feed(pre.predict(x, verbose=0) if pre else x, y, batch), epochs=1, verbose=0)
    return model, fitted, pre, batch


def measure(name: str, images: int, eval_images: int) -> dict:
    """One model's figures; runs in its own process."""
    from lib.training import feed

    model, fitted, pre, batch = warmed_up(name)
    raw, y = random_pixels(images)
    x, stage = raw, {}
    if pre:  # once per run in training: reported beside the epochs, not in them
        t = time.perf_counter()
        x = pre.predict(raw, batch_size=1000, verbose=0)
        stage = {"input_stage_seconds_per_60k": round((time.perf_counter() - t) * EPOCH_IMAGES / images, 2)}
    seconds = []
    for _ in range(REPEATS):  # this machine's timings vary by tens of percent: take the median
        t = time.perf_counter()
        fitted.fit(**feed(x, y, batch), epochs=1, verbose=0)  # the pipeline training uses
        seconds.append(time.perf_counter() - t)
    xe = raw[:eval_images]  # a saved model takes raw pixels: inference runs the whole model
    model.predict(xe[:1000], batch_size=1000, verbose=0)
    eval_seconds = []
    for _ in range(REPEATS):  # passes fall in a fast or a slow group by chance: the median
        t = time.perf_counter()
        model.predict(xe, batch_size=1000, verbose=0)
        eval_seconds.append(round(time.perf_counter() - t, 3))
    flops = flops_per_image(model)
    return {
        "name": name,
        "params": int(model.count_params()),
        "batch_size": batch,
        "flops_per_image": flops,
        **training_speed(images, [round(v, 3) for v in seconds], flops),
        **eval_speed(len(xe), eval_seconds),
        **stage,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def training_speed(images: int, seconds: list[float], flops_per_image: int) -> dict:
    """Training figures from the timed passes over ``images`` images: the median pass counts."""
    train_ips = images / float(np.median(seconds))
    return {
        "train_images_per_second": round(train_ips, 1),
        "seconds_per_epoch": round(EPOCH_IMAGES / train_ips, 2),
        "train_gflops_per_second": round(3 * flops_per_image * train_ips / 1e9, 2),
        "train_seconds_repeats": seconds,
    }


def eval_speed(images: int, seconds: list[float]) -> dict:
    """Inference figures from the timed ``predict`` passes over ``images`` images."""
    return {
        "eval_images_per_second": round(images / float(np.median(seconds)), 1),
        "eval_images": images,
        "eval_seconds_repeats": seconds,
    }


def combine(runs: list[dict], images: int) -> dict:
    """One model's rounds as one row: medians over every timed pass, each round kept."""
    seconds = [v for r in runs for v in r["train_seconds_repeats"]]
    stage = [r["input_stage_seconds_per_60k"] for r in runs if "input_stage_seconds_per_60k" in r]
    return {
        **runs[0],
        **({"input_stage_seconds_per_60k": round(float(np.median(stage)), 2)} if stage else {}),
        **training_speed(images, seconds, runs[0]["flops_per_image"]),
        **eval_speed(runs[0]["eval_images"], [v for r in runs for v in r["eval_seconds_repeats"]]),
        "train_images_per_second_by_round": [r["train_images_per_second"] for r in runs],
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
    }


def ratio_by_round(rows: list[dict], name: str, reference: str = REFERENCE) -> list[float] | None:
    """``name``'s training img/s over the reference's, round by round (paired in time)."""
    by = {r["name"]: r.get("train_images_per_second_by_round") for r in rows}
    if not by.get(name) or not by.get(reference):
        return None
    return [round(a / b, 3) for a, b in zip(by[name], by[reference], strict=True)]


def machine(info: str | None = None) -> dict:
    """Processor, cores and the fp32 peak we compare against (and how it was derived).

    ``info``: the text of /proc/cpuinfo (read from there when None).
    """
    from lib.provenance import cpu_signature, processor, read_cpuinfo

    if info is None:
        info = read_cpuinfo()
    mhz = re.search(r"cpu MHz\s*:\s*([\d.]+)", info)
    family = re.search(r"cpu family\s*:\s*(\d+)", info)
    cores = os.cpu_count() or 1
    ghz = float(mhz.group(1)) / 1000 if mhz else None
    # AMD before Zen 5 (family 25 and lower) runs AVX-512 on 256-bit units: AVX2's peak.
    amd_256 = "AuthenticAMD" in info and family is not None and int(family.group(1)) <= 25
    avx512 = " avx512f" in info and not amd_256
    per_cycle = FLOPS_PER_CYCLE if avx512 else 32
    width = "AVX-512" if avx512 else "256-bit FMA units" if amd_256 else "AVX2"
    clock = f"{ghz:.2f}" if ghz else "unknown"  # /proc/cpuinfo's MHz reads 2599.998
    return {
        "processor": processor(info),
        "cpu": cpu_signature(info),
        "cores": cores,
        "ghz": ghz,
        "peak_fp32_gflops": round(cores * ghz * per_cycle, 1) if ghz else None,
        "peak_derivation": f"{cores} cores x {clock} GHz x {per_cycle} fp32 FLOP/cycle "
        f"({width}, FMA, two FMA units per core assumed)",
        "platform": platform.platform(),
    }


def time_to_target(metrics: dict, target: float = 0.994) -> float | None:
    """Seconds of fit from the start to the end of the first epoch at ``target`` test accuracy."""
    elapsed = np.cumsum(metrics["epoch_seconds"])
    hits = [i for i, a in enumerate(metrics["history"]["test_accuracy"]) if a >= target]
    return round(float(elapsed[hits[0]]), 1) if hits else None


def from_outputs(outputs: Path = ROOT / "outputs") -> dict:
    """What the bench quotes from the last ``make run-all``: its timings, 04's and 05's time to target."""
    metrics = {
        n: json.loads((outputs / n / "metrics.json").read_text())
        for n in ("04_dropout_schedule", "05_under_8k")
        if (outputs / n / "metrics.json").exists()
    }
    run_all_path = outputs / "run_all.json"
    run_all = json.loads(run_all_path.read_text()) if run_all_path.exists() else None
    return {
        "run_all": run_all,
        "run_all_seconds": run_all["total_seconds"] if run_all else None,
        "time_to_target": {n: time_to_target(m) for n, m in metrics.items()},
    }


def refresh(folder: Path, outputs: Path = ROOT / "outputs") -> bool:
    """Bring ``folder``'s bench.json and bench.md up to date with ``outputs``' last run-all.

    The measured rows are kept: a run-all after the bench must not leave its table quoting the
    run-all before. False where no bench was written there.
    """
    path = folder / "bench.json"
    if not path.exists():
        return False
    report = json.loads(path.read_text())
    report.update(from_outputs(outputs))
    write(folder, report)
    return True


def write(folder: Path, report: dict) -> str:
    """bench.json and its table, bench.md, into ``folder``; returns the table."""
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "bench.json", report)
    table = markdown(report)
    (folder / "bench.md").write_text(table + "\n")
    return table


def markdown(report: dict) -> str:
    lines = [
        "| model | params | MFLOP/img | train img/s | eval img/s | s/epoch (60k) | train GFLOP/s | "
        "% of peak | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    peak = report["machine"]["peak_fp32_gflops"] or float("nan")
    for r in report["models"]:
        lines.append(
            f"| {r['name']} | {r['params']:,} | {r['flops_per_image'] / 1e6:.2f} | "
            f"{r['train_images_per_second']:,.0f} | {r['eval_images_per_second']:,.0f} | "
            f"{r['seconds_per_epoch']:.1f} | {r['train_gflops_per_second']:.1f} | "
            f"{_percent(r['train_gflops_per_second'] / peak)} | {r['peak_rss_mib']:.0f} |"
        )
    ra = report.get("run_all") or {}
    ratio = (report.get("ratio_to_reference_by_round") or {}).get("05_under_8k")
    lines += [
        "",
        f"Rounds: {report.get('rounds', 1)}, interleaved (every model in a fresh process per round); "
        "figures are medians over all rounds. 05_under_8k's training img/s over the reference's, "
        f"round by round: {', '.join(f'{v:.2f}' for v in ratio) if ratio else '–'}.",
        f"Machine: {report['machine']['processor']}"
        + (f" ({report['machine']['cpu']})" if report["machine"].get("cpu") else "")
        + f", peak {report['machine']['peak_derivation']} = "
        f"{report['machine']['peak_fp32_gflops']} GFLOP/s. Versions: {report['versions']}. "
        f"Threads: {report['threads']}.",
        f"Last `make run-all`: {ra.get('total_seconds', '–')} s in all{_where(report)}; per notebook "
        f"{ra.get('notebook_seconds', '–')}.",
        f"Time to 99.40 % test accuracy (read only): {report['time_to_target']}.",
    ]
    staged = {
        r["name"]: r["input_stage_seconds_per_60k"]
        for r in report["models"]
        if "input_stage_seconds_per_60k" in r
    }
    if staged:
        lines.append(
            "Training fits what follows the fixed input stage (scaling, deskewing: "
            "lib/speedups/input_stage.py), "
            "computed once per run and not in the epochs above; seconds for 60,000 images: "
            + ", ".join(f"{n} {v}" for n, v in staged.items())
            + "."
        )
    goals = speed_goals(report)
    return "\n".join(lines + ([f"Speed goals on this machine: {goals}."] if goals else []))


def _where(report: dict) -> str:
    """Where the last run-all ran, flagged when that is not the machine the rows were measured on."""
    cpu = (report.get("run_all") or {}).get("processor")
    if not cpu:  # its notebooks' outputs name more than one processor and the record none
        return ", on a processor its record does not name: **perhaps not the machine of the rows above**"
    same = [report["machine"].get("processor"), report["machine"].get("cpu")] == list(cpu)
    return f", on {cpu[0]} ({cpu[1]})" + ("" if same else ": **not the machine of the rows above**")


def _percent(share: float) -> str:
    # a share under 0.1 % keeps four decimals, not zero
    return f"{100 * share:.1f}" if not 0 < share < 0.001 else f"{100 * share:.4f}"


def speed_goals(report: dict) -> str:
    """The speed goals for 05 and run-all, each with what this report measured and whether it is met."""
    rows = {r["name"]: r for r in report["models"]}
    goals = []
    run_all = report.get("run_all") or {}
    total = run_all.get("total_seconds")
    ours, ref = rows.get("05_under_8k"), rows.get(REFERENCE)
    if ours and ref:
        ratio = ours["train_images_per_second"] / ref["train_images_per_second"]
        goals.append(f"05 trains at least as many img/s as the reference: {ratio:.2f}x, {_met(ratio >= 1)}")
    if ours:
        spe = ours["seconds_per_epoch"]
        goals.append(f"05 at ≤ 6 s per epoch: {spe:.1f} s, {_met(spe <= 6)}")
    if total:
        # The least any order of these notebooks could take on these lanes: below it, only less work.
        jobs = int(run_all.get("jobs") or 1)
        split = best_split(run_all.get("notebook_seconds") or {}, jobs)
        bound = (
            f" (the best split of its notebooks over {jobs} lanes: {split[0] / 60:.1f} min)" if split else ""
        )
        where = _where(report)
        goals.append(
            f"`make run-all` in ≤ 30 minutes: {total / 60:.1f} min{bound}{where}, {_met(total <= 1800)}"
        )
    return "; ".join(goals)


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main(argv: list[str] | None = None) -> int:
    from tools.notebook_cells import names as notebook_names

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=12_800, help="training images timed per model")
    ap.add_argument("--eval-images", type=int, default=10_000)
    ap.add_argument(
        "--models",
        default=",".join([*notebook_names(), UNFUSED, ONE_STEP, EVERY_STEP, KERAS_CONV, REFERENCE]),
    )
    ap.add_argument("--output", type=Path, default=ROOT / "outputs" / "bench")
    ap.add_argument(
        "--threads",
        type=int,
        help="TensorFlow threads per model (default: one per core); 1 is what each of "
        "`make run-all`'s two jobs gets on a 2-core machine",
    )
    ap.add_argument("--rounds", type=int, default=3, help="interleaved passes over the models")
    ap.add_argument(
        "--outputs-root",
        type=Path,
        default=ROOT / "outputs",
        help="where the run-all quoted (run_all.json) and timed to target (04's, 05's metrics.json) ran",
    )
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error(f"--rounds {args.rounds}: must be at least 1")
    env = dict(os.environ)
    if args.threads:
        env.update(TF_NUM_INTRAOP_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))
    if args.one:
        print(json.dumps(measure(args.one, args.images, args.eval_images)))
        return 0
    names = args.models.split(",")
    runs: dict[str, list[dict]] = {n: [] for n in names}
    for k, name in ((k, n) for k in range(args.rounds) for n in names):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "tools.bench",
                "--one",
                name,
                "--images",
                str(args.images),
                "--eval-images",
                str(args.eval_images),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(out.stderr[-2000:], file=sys.stderr)
            return out.returncode
        runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(
            f"round {k + 1}/{args.rounds} {name}: {runs[name][-1]['seconds_per_epoch']} s per epoch",
            flush=True,
        )
    rows = [combine(runs[n], args.images) for n in names]
    where = machine()
    peak = where["peak_fp32_gflops"]
    for r in rows:
        r["share_of_peak"] = round(r["train_gflops_per_second"] / peak, 4) if peak else None
    from lib.provenance import versions

    report = {
        "models": rows,
        "machine": where,
        "versions": versions(),
        "threads": {
            "OMP_NUM_THREADS": env.get("OMP_NUM_THREADS"),
            "TF intra op": env.get("TF_NUM_INTRAOP_THREADS") or "TensorFlow's default (one per core)",
        },
        "images_timed": args.images,
        "rounds": args.rounds,
        "ratio_to_reference_by_round": {
            n: ratio_by_round(rows, n) for n in names if REFERENCE in names and n != REFERENCE
        },
        **from_outputs(args.outputs_root),
    }
    print(write(args.output, report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

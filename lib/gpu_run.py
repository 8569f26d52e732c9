"""The GPU figures in one command, for a machine with JAX but neither TensorFlow nor Jupyter.

    make gpu-pack                                   # here: .gpu/ with the wheels and data to carry
    python3 -m lib.gpu_run --carried .gpu --out DIR # there

There, with ``KERAS_BACKEND=jax``: every notebook at full parameters through the in-process
executor (``lib/nbexec.py``), ``--jobs`` at a time on the one GPU (memory taken as needed,
not preallocated), timed as ``make run-all`` times itself; then ``lib.bench`` over every
notebook's model and the reference, quoting that run. XLA's deterministic GPU ops are on
(``--xla_gpu_deterministic_ops``), so a seed gives the same numbers there run after run, not
the CPU's. Into ``--out``: ``bench.json``, ``bench.md``, ``run_all.json``, ``outputs.tgz``
(each notebook's metrics.json, figures and executed copy; no models) and ``log.txt``; copy
the first three to ``outputs/bench/gpu/`` and the archive's folders under ``outputs/gpu/``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from lib import ROOT
from lib.bench import REFERENCE
from lib.experiments import EXPERIMENTS


def environment(carried: Path | None, site: Path) -> dict[str, str]:
    """The child processes' environment: the JAX backend, carried wheels and data, XLA settings."""
    env = dict(os.environ, KERAS_BACKEND="jax", XLA_PYTHON_CLIENT_PREALLOCATE="false")
    env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} --xla_gpu_deterministic_ops=true".strip()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), str(ROOT), env.get("PYTHONPATH")) if p)
    if carried:
        data = carried / "data"
        if (data / "mnist.npz").exists():
            env["MNIST_PATH"] = str((data / "mnist.npz").resolve())
        if (data / "fashion-mnist").is_dir():
            env["FASHION_MNIST_PATH"] = str((data / "fashion-mnist").resolve())
    return env


def archive(outputs: Path, path: Path) -> None:
    """Every run's small files (metrics, figures, executed notebooks), without models or state."""
    with tarfile.open(path, "w:gz") as tar:
        for f in sorted(outputs.rglob("*")):
            if f.is_file() and f.suffix in (".json", ".png", ".ipynb", ".md"):
                tar.add(f, arcname=str(f.relative_to(outputs)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="where the five result files go")
    ap.add_argument("--carried", type=Path, help="the folder make gpu-pack filled (wheels/, data/)")
    ap.add_argument("--jobs", type=int, default=4, help="notebooks trained at a time on the GPU")
    ap.add_argument("--images", type=int, default=60_000, help="training images the bench times per model")
    ap.add_argument("--models", default=",".join([*EXPERIMENTS, REFERENCE]), help="the bench's models")
    ap.add_argument("--notebooks", nargs="*", default=["0"], help="notebook prefixes (default: all)")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    site = Path(tempfile.mkdtemp(prefix="small-cnn-site-"))
    env = environment(args.carried, site)
    outputs = Path(tempfile.mkdtemp(prefix="small-cnn-outputs-"))
    notebooks = sorted(
        p for p in (ROOT / "notebooks").glob("*.ipynb") if p.name.startswith(tuple(args.notebooks))
    )
    steps = []
    wheels = sorted((args.carried / "wheels").glob("*.whl")) if args.carried else []
    if wheels:
        pip = [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile"]
        steps.append(("wheels", [*pip, "--target", str(site), *map(str, wheels)]))
    params = [x for k, v in args.param for x in ("-p", k, v)]
    steps.append(
        (
            "run-all",
            [sys.executable, "-m", "lib.runner", *map(str, notebooks), "--executor", "inprocess"]
            + [
                "--jobs",
                str(args.jobs),
                "--output-root",
                str(outputs),
                "--timings",
                str(outputs / "run_all.json"),
            ]
            + params,
        )
    )
    steps.append(
        (
            "bench",
            [sys.executable, "-m", "lib.bench", "--rounds", "1", "--images", str(args.images)]
            + ["--models", args.models, "--output", str(args.out), "--outputs-root", str(outputs)],
        )
    )
    failed = []
    with open(args.out / "log.txt", "w") as log:
        for name, cmd in steps:
            print(f"== {name}: {' '.join(cmd)}", file=log, flush=True)
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for line in proc.stdout:  # flushed line by line: a command stopped at its limit keeps its log
                sys.stdout.write(line)
                log.write(line)
                log.flush()
            if proc.wait():
                failed.append(name)
                print(f"== {name}: exit {proc.returncode}", file=log, flush=True)
            if name == "run-all":  # sent back even if the bench then runs out of time
                if (outputs / "run_all.json").exists():
                    (args.out / "run_all.json").write_bytes((outputs / "run_all.json").read_bytes())
                archive(outputs, args.out / "outputs.tgz")
    print(f"results in {args.out}" + (f"; failed: {' '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run notebooks headlessly with papermill; used by the Makefile.

    python -m tools.runner notebooks/03_batchnorm.ipynb [-p EPOCHS 2 ...] [--output-root DIR]

Each training prints one line per epoch as it runs; at the end, a table of every notebook's
time, test accuracy and target. The executed copy is written to a temporary name, cleaned
(no start-up messages of TensorFlow, no folder of the machine that ran it) and moved into
``<output-root>/<name>/`` only when the notebook succeeded; a failure leaves the previous
results untouched (the notebook itself publishes its output folder only at its last cell).
With several notebooks, every one runs even when one fails; the exit status says whether any did.

``--jobs N`` runs N notebooks at a time, each in its own process with the CPU cores shared
out (TensorFlow's thread pools set through the environment). On a 2-core machine, two
single-threaded trainings side by side train more images per second than one two-threaded
training alone. The thread count changes the floating-point summation order, so it is
recorded in each ``metrics.json`` (``config["threads"]``): same seed and same threads, same
numbers. Parallel runs plan their order from the wall times in the last ``--timings`` record.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lib import ROOT
from lib.params import ParameterError, positive_int
from tools.notebook_cells import notebook_path

# A guard against a hung kernel, not a time budget: 06's ablation cell trains four models.
CELL_TIMEOUT_S = 4 * 3600
PARAM_NAMES = ("EPOCHS", "BATCH_SIZE", "SEED", "TRAIN_LIMIT", "DATA_PATH", "OUTPUT_DIR")


def parse_value(text: str):
    """A papermill parameter given on the command line: a Python literal, else a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def find_notebook(selector: str) -> Path:
    """``03``, ``03_batchnorm`` or a path: the one matching notebook in notebooks/."""
    path = Path(selector)
    if path.suffix == ".ipynb":
        if not path.is_file():
            raise SystemExit(f"error: notebook {selector!r} not found")
        return path
    try:
        return notebook_path(selector, label=f"NB={selector!r}")
    except ValueError as e:
        raise SystemExit(f"error: {e}") from None


def _hidden(notebook: Path, params: dict, output_root: Path, ext: str) -> Path:
    # Seeds of one notebook run side by side: their temporary files must differ.
    out = Path(params.get("OUTPUT_DIR") or notebook.stem).name
    return output_root / f".{notebook.stem}{'' if out == notebook.stem else '-' + out}.{ext}"


def executed_copy(notebook: Path, params: dict, output_root: Path) -> Path:
    """Where a run's executed copy is written, and kept for reading if the run fails."""
    return _hidden(notebook, params, output_root, "running.ipynb")


# What TensorFlow and its logging library print when they start (CUDA probes, oneDNN notes)
NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\].*"
    r"|\[IPKernelApp\] WARNING \| Kernel is running over TCP.*"
    r"|WARNING:tensorflow:.*triggered tf.function retracing.*"
    r"|INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.)$"
)


def shown(path: str | Path) -> str:
    """``path`` relative to the repository where it lies inside it (as notebooks print it)."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def clean_executed(path: Path) -> None:
    """Drop TensorFlow's start-up messages from an executed notebook and write every path inside
    the repository relative to it: the copy readers open names no folder of the machine that ran it."""
    nb = json.loads(path.read_text())
    root = str(ROOT) + "/"
    for cell in nb["cells"]:
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = out["text"] if isinstance(out["text"], str) else "".join(out["text"])
                kept = [line for line in text.splitlines(keepends=True) if not NOISE.match(line.rstrip("\n"))]
                if not kept:
                    continue
                out["text"] = "".join(kept)
            outputs.append(out)
        if "outputs" in cell:
            cell["outputs"] = outputs
    meta = nb["metadata"].get("papermill", {})
    for key in ("input_path", "output_path"):
        if meta.get(key):
            meta[key] = shown(meta[key])
    path.write_text((json.dumps(nb, indent=1, ensure_ascii=False) + "\n").replace(root, ""))


def run_one(notebook: Path, params: dict, output_root: Path, kernel: str) -> float:
    """Execute one notebook, its cells' printed lines passed to standard output as they come;
    return its wall time. Raises on failure."""
    import papermill

    name = notebook.stem
    out_dir = Path(params.get("OUTPUT_DIR") or output_root / name).resolve()
    params = {**params, "OUTPUT_DIR": shown(out_dir)}
    running = executed_copy(notebook, params, output_root)
    output_root.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(running),
            parameters=params,
            kernel_name=kernel,
            cwd=str(ROOT),
            execution_timeout=CELL_TIMEOUT_S,
            progress_bar=False,
            stdout_file=sys.stdout,
        )
    finally:
        if running.exists():
            clean_executed(running)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.replace(running, out_dir / f"{name}.ipynb")
    return time.time() - t0


THREAD_VARS = ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS")


def share_cores(jobs: int) -> int:
    """Give each of ``jobs`` parallel kernels its share of the cores, through the environment."""
    threads = max(1, (os.cpu_count() or 1) // jobs)
    for var in THREAD_VARS:
        os.environ[var] = str(threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    return threads


def run_in_subprocess(notebook: Path, params: dict, output_root: Path, kernel: str) -> float:
    """``run_one`` in a child process; its lines go to standard output as they come and to
    ``<output-root>/.<name>.log``. Raises on failure."""
    log = _hidden(notebook, params, output_root, "log")
    output_root.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "tools.runner", str(notebook), "--output-root", str(output_root)]
    cmd += ["--kernel", kernel, "--no-summary"]
    for k, v in params.items():
        cmd += ["-p", k, repr(v)]
    t0 = time.time()
    with open(log, "w") as out:
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in child.stdout:
            out.write(line)
            if not NOISE.match(line.rstrip("\n")) and not line.startswith("== "):
                print(line, end="", flush=True)
        code = child.wait()
    if code:
        tail = log.read_text().strip().splitlines()[-3:]
        raise RuntimeError(f"exit {code}; see {log}: " + " | ".join(tail))
    log.unlink()
    return time.time() - t0


def run_many(
    tasks: list[tuple[str, Path, dict]],
    output_root: Path,
    kernel: str,
    jobs: int = 1,
    in_process: bool = False,
):
    """Run every (label, notebook, params) task, ``jobs`` at a time, each in a child process whose
    output is filtered of start-up noise (``in_process``: here, unfiltered); return times and failures."""
    times: dict[str, float] = {}
    failed: list[str] = []

    def one(task: tuple[str, Path, dict]) -> None:
        label, nb, params = task
        sys.stdout.write(f"== {label}: started\n")
        sys.stdout.flush()
        try:
            run = run_one if in_process else run_in_subprocess
            times[label] = round(run(nb, params, output_root, kernel), 1)
            print(f"== {label}: done in {times[label]:.0f} s", flush=True)
        except Exception as e:  # report and go on: every notebook runs
            failed.append(label)
            copy = executed_copy(nb, params, output_root)
            print(
                f"== {label}: FAILED: {type(e).__name__}: {(str(e).strip().splitlines() or [''])[-1]}"
                + (f" (executed copy: {copy})" if copy.exists() else ""),
                file=sys.stderr,
                flush=True,
            )

    if jobs == 1:
        for task in tasks:
            one(task)
    else:
        share_cores(jobs)
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, tasks))
    return times, failed


def summary_table(rows: list[tuple[str, float | None, Path]]) -> str:
    """Plain text: per (label, seconds, output folder), the time, the test accuracy and the target."""
    lines = [f"{'notebook':<34} {'seconds':>8} {'test accuracy':>14}  target", "-" * 72]
    for label, seconds, out in rows:
        path = out / "metrics.json"
        if seconds is None:
            lines.append(f"{label:<34} {'FAILED':>8}")
            continue
        if not path.exists():
            lines.append(f"{label:<34} {seconds:>8.0f} {'–':>14}  (no metrics.json)")
            continue
        m = json.loads(path.read_text())
        target = m["config"].get("target")
        met = "met" if target is not None and m["test_accuracy"] >= target else "NOT met"
        verdict = "none" if target is None else f"{target:.2%} {met}"
        lines.append(f"{label:<34} {seconds:>8.0f} {m['test_accuracy']:>14.2%}  {verdict}")
    return "\n".join(lines)


def best_split(seconds: dict[str, float], jobs: int) -> tuple[float, dict[str, int]] | None:
    """The split of the notebooks over ``jobs`` lanes that ends soonest by ``seconds``.

    Returns its end time (the lower bound on a parallel run with these times) and each
    notebook's lane. Every assignment is tried (8 notebooks on 2 lanes: 128); None where
    that would be too many (many notebooks or lanes).
    """
    names = sorted(seconds, key=lambda n: -seconds[n])
    if not names:
        return None
    if jobs <= 1:
        return sum(seconds.values()), dict.fromkeys(names, 0)
    if jobs ** (len(names) - 1) > 100_000:
        return None
    best: tuple[float, tuple[int, ...]] | None = None
    for rest in itertools.product(range(jobs), repeat=len(names) - 1):
        lanes, loads = (0, *rest), [0.0] * jobs  # the first notebook's lane: any, say 0
        for name, lane in zip(names, lanes, strict=True):
            loads[lane] += seconds[name]
        if best is None or max(loads) < best[0]:
            best = (max(loads), lanes)
    return best[0], dict(zip(names, best[1], strict=True))


def planned_order(names: list[str], previous: dict[str, float], jobs: int) -> list[str]:
    """The order to start notebooks in, so that ``jobs`` parallel lanes finish close together.

    The notebooks timed last run go to the lanes of ``best_split``; they then start in the
    order of their planned start times: a pool that gives the next one to the first free
    lane follows the plan. Longest-first alone left a lane idle for minutes at the end.
    Notebooks without a time start first; many notebooks or lanes: longest first.
    """
    unknown = [n for n in names if n not in previous]
    known = sorted((n for n in names if n in previous), key=lambda n: -previous[n])
    split = best_split({n: previous[n] for n in known}, jobs) if jobs > 1 and len(known) > jobs else None
    if split is None:
        return unknown + known
    clock, start = [0.0] * jobs, {}
    for name in known:  # each lane runs its notebooks longest first
        lane = split[1][name]
        start[name], clock[lane] = clock[lane], clock[lane] + previous[name]
    return unknown + sorted(known, key=lambda n: start[n])


def previous_seconds(timings: Path | None) -> dict[str, float]:
    """Per-notebook wall times of the last run recorded in ``timings``, if any."""
    try:
        return dict(json.loads(timings.read_text())["notebook_seconds"]) if timings else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", help="notebook paths or prefixes such as 03")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    ap.add_argument("--output-root", type=Path, default=ROOT / "outputs")
    ap.add_argument("--kernel", default=os.environ.get("KERNEL", "python3"))
    ap.add_argument(
        "--no-summary",
        action="store_true",
        help="run in this process, no table at the end (how a run of several starts each notebook)",
    )
    ap.add_argument("--timings", type=Path, help="JSON file that records each notebook's wall time")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="notebooks run at a time (default 1)")
    ap.add_argument(
        "--env-params",
        action="store_true",
        help=f"also take {', '.join(PARAM_NAMES)} from the environment (the Makefile's way "
        "of passing them as data, never through a shell)",
    )
    args = ap.parse_args(argv)
    params = {k: parse_value(os.environ[k]) for k in PARAM_NAMES if args.env_params and os.environ.get(k)}
    params.update({k: parse_value(v) for k, v in args.param})
    try:
        jobs = positive_int("JOBS", args.jobs)
    except ParameterError as e:
        raise SystemExit(f"error: {e}") from None
    notebooks = [find_notebook(s) for s in args.notebooks]
    order = [nb.stem for nb in notebooks]
    if jobs > 1:
        order = planned_order(order, previous_seconds(args.timings), jobs)
    by_name = {nb.stem: nb for nb in notebooks}
    started = time.time()
    tasks = [(name, by_name[name], params) for name in order]
    times, failed = run_many(tasks, args.output_root, args.kernel, jobs, in_process=args.no_summary)
    if not args.no_summary:
        out = {n: Path(params.get("OUTPUT_DIR") or args.output_root / n).resolve() for n in by_name}
        print("\n" + summary_table([(n.stem, times.get(n.stem), out[n.stem]) for n in notebooks]), flush=True)
    if args.timings:
        from lib.provenance import cpu_signature, processor

        record = {
            "notebook_seconds": {nb.stem: times[nb.stem] for nb in notebooks if nb.stem in times},
            "total_seconds": round(time.time() - started, 1),
            "jobs": jobs,
            "threads_per_job": os.environ.get("TF_NUM_INTRAOP_THREADS", "TensorFlow's default"),
            "failed": failed,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            # where it ran, as each notebook's metrics.json names its processor (tools/bench.py reads it)
            "processor": [processor(), cpu_signature()],
        }
        args.timings.parent.mkdir(parents=True, exist_ok=True)
        args.timings.write_text(json.dumps(record, indent=1) + "\n")
    if failed:
        # "Resumes" only where a run was cut short: after a bad parameter or data file the same
        # command fails the same way, and a changed parameter starts the run afresh.
        print(
            f"failed: {' '.join(failed)}: each FAILED line above says why. A run cut short (a crash, "
            "an interruption) resumes from its last completed epoch when the same command runs again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

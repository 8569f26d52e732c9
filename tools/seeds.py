"""``make seeds``: the notebooks that claim a target, once per seed, and their statistics.

    python -m tools.seeds 04 05 --seeds 5

Each run goes through papermill into ``outputs/seeds/<notebook>/seed-<k>/``, where only its
``metrics.json`` is kept (seed 0's figures and executed notebook are those of
``outputs/<notebook>/``); the summary (``outputs/seeds/summary.json``) lists, per notebook,
every seed's final test accuracy and their mean, sample standard deviation, min, max and share
at the notebook's target. Every training prints a line per epoch as it runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import papermill

from lib import ROOT
from lib.params import positive_int
from lib.provenance import code_paths, git
from lib.training import intra_op_threads
from tools.notebook_cells import recipe
from tools.results import write_seed_summary
from tools.runner import find_notebook, parse_value, run_many, share_cores


def unchanged_since(run_git: dict | None, name: str, root: Path = ROOT) -> bool:
    """Whether the run's code is, in the work tree, as at the run's clean commit: the notebook
    and the ``lib/`` modules the run imported (all of ``lib/`` for a run that did not record them).

    The configuration alone does not name the code: a model changed in ``lib/blocks.py``
    keeps its name. Unknown (no commit, a dirty run, no git): treated as changed.
    """
    commit = (run_git or {}).get("commit")
    if not commit or (run_git or {}).get("dirty") is not False:
        return False
    # exit status 1 (a difference) or 128 (an unknown commit) read as None
    return git("diff", "--quiet", commit, "--", *code_paths(name, run_git), root=root) is not None


def reuse_single_run(name: str, seed: int, out: Path, root: Path = ROOT) -> bool:
    """Copy ``outputs/<name>`` when it holds this seed's run at these settings and code.

    Runs are deterministic (same seed, machine and versions: same numbers), so running it
    again would only repeat it; the copy keeps its own metrics.json, commit included.
    """
    path = root / "outputs" / name / "metrics.json"
    if not path.exists():
        return False
    metrics = json.loads(path.read_text())
    done = metrics["config"]
    want = {
        "dataset": "mnist",
        **recipe(name),
        "seed": seed,
        "train_limit": None,
        "val_fraction": 0.1,
        "threads": intra_op_threads(),
    }
    if any(done.get(k) != v for k, v in want.items()):
        return False
    if not unchanged_since(metrics.get("git"), name, root):
        print(f"== {name} seed {seed}: lib/ or the notebook changed since outputs/{name}; trained again")
        return False
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copy2(path, out / "metrics.json")
    return True


def keep_metrics_only(folder: Path) -> None:
    """Remove everything but ``metrics.json`` from a seed's finished output folder."""
    if not (folder / "metrics.json").exists():
        return
    for p in folder.iterdir():
        if p.name != "metrics.json":
            shutil.rmtree(p) if p.is_dir() else p.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--output-root", type=Path, default=ROOT / "outputs" / "seeds")
    ap.add_argument("--kernel", default="python3")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="runs at a time (see tools/runner.py)")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    args = ap.parse_args(argv)
    n = positive_int("SEEDS", args.seeds)
    jobs = positive_int("JOBS", args.jobs)
    if jobs > 1:
        share_cores(jobs)  # before comparing a single run's thread count with the seeds'
    extra = {k: parse_value(v) for k, v in args.param}
    started, tasks = time.time(), []
    for nb in map(find_notebook, args.notebooks):
        # The ablation is one seed's study, not the seeds' job.
        skip = {"ABLATION": False} if "ABLATION" in papermill.inspect_notebook(str(nb)) else {}
        for seed in range(n):
            out = args.output_root / nb.stem / f"seed-{seed}"
            if not extra and reuse_single_run(nb.stem, seed, out):
                print(f"== {nb.stem} seed {seed}: outputs/{nb.stem} is this very run; copied", flush=True)
                continue
            params = {**skip, **extra, "SEED": seed, "OUTPUT_DIR": str(out.resolve())}
            tasks.append((f"{nb.stem}/seed-{seed}", nb, params))
    _, failed = run_many(tasks, args.output_root, args.kernel, jobs)  # the summary says what is missing
    for _, _, params in tasks:
        keep_metrics_only(Path(params["OUTPUT_DIR"]))
    summary = write_seed_summary(args.output_root)
    (args.output_root / "seeds_seconds.txt").write_text(f"{time.time() - started:.0f}\n")
    for s in summary:
        print(
            f"{s['notebook']}: mean {s['mean']:.4f} std {s['std']:.4f} min {s['min']:.4f} "
            f"max {s['max']:.4f} share>={s['target']:.2%} {s['share_at_target']:.0%}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

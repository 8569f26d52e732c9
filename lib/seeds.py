"""``make seeds``: the notebooks that claim a target, once per seed, and their statistics.

    python -m lib.seeds 04 05 --seeds 5

Each run goes through papermill into ``outputs/seeds/<notebook>/seed-<k>/``; the summary
(``outputs/seeds/summary.json``) lists, per notebook, every seed's final test accuracy and
their mean, sample standard deviation, min, max and share at 99.40 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lib import ROOT
from lib.params import positive_int
from lib.report import write_json
from lib.results import summarize_seeds
from lib.runner import find_notebook, run_one


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--output-root", type=Path, default=ROOT / "outputs" / "seeds")
    ap.add_argument("--kernel", default="python3")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    args = ap.parse_args(argv)
    n = positive_int("SEEDS", args.seeds)
    from lib.runner import parse_value

    extra = {k: parse_value(v) for k, v in args.param}
    failed, started = [], time.time()
    for nb in map(find_notebook, args.notebooks):
        for seed in range(n):
            out = args.output_root / nb.stem / f"seed-{seed}"
            print(f"== {nb.stem} seed {seed}", flush=True)
            try:
                run_one(
                    nb,
                    {**extra, "SEED": seed, "OUTPUT_DIR": str(out.resolve())},
                    args.output_root,
                    args.kernel,
                )
            except Exception as e:  # keep going: the summary says which seeds are missing
                failed.append(f"{nb.stem}/seed-{seed}")
                print(f"== FAILED: {type(e).__name__}", file=sys.stderr)
    summary = []
    for folder in sorted(p for p in args.output_root.iterdir() if p.is_dir()):
        runs = [json.loads(p.read_text()) for p in sorted(folder.glob("seed-*/metrics.json"))]
        if runs:
            summary.append(summarize_seeds(runs))
    write_json(args.output_root / "summary.json", summary)
    (args.output_root / "seeds_seconds.txt").write_text(f"{time.time() - started:.0f}\n")
    for s in summary:
        print(
            f"{s['notebook']}: mean {s['mean']:.4f} std {s['std']:.4f} min {s['min']:.4f} "
            f"max {s['max']:.4f} share>=99.40% {s['share_at_target']:.0%}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

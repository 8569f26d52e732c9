"""Run notebooks headlessly with papermill; used by the Makefile.

    python -m lib.runner notebooks/03_batchnorm.ipynb [-p EPOCHS 2 ...] [--output-root DIR]

The executed copy is written to a temporary name and moved into ``<output-root>/<name>/``
only when the notebook succeeded; a failure leaves the previous results untouched (the
notebook itself publishes its output folder only at its last cell). With several
notebooks, every one runs even when one fails; the exit status says whether any did.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from pathlib import Path

from lib import ROOT

CELL_TIMEOUT_S = 3600
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
    matches = sorted((ROOT / "notebooks").glob(f"{selector}*.ipynb"))
    if len(matches) != 1:
        names = ", ".join(p.stem for p in sorted((ROOT / "notebooks").glob("*.ipynb")))
        raise SystemExit(f"error: NB={selector!r} matches {len(matches)} notebooks; expected one of: {names}")
    return matches[0]


def run_one(notebook: Path, params: dict, output_root: Path, kernel: str) -> float:
    """Execute one notebook; return its wall time. Raises on failure."""
    import papermill

    name = notebook.stem
    out_dir = Path(params.get("OUTPUT_DIR") or output_root / name).resolve()
    params = {**params, "OUTPUT_DIR": str(out_dir)}
    running = output_root / f".{name}.running.ipynb"
    output_root.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    papermill.execute_notebook(
        str(notebook),
        str(running),
        parameters=params,
        kernel_name=kernel,
        cwd=str(ROOT),
        execution_timeout=CELL_TIMEOUT_S,
        progress_bar=False,
        log_output=True,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    os.replace(running, out_dir / f"{name}.ipynb")
    return time.time() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", help="notebook paths or prefixes such as 03")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    ap.add_argument("--output-root", type=Path, default=ROOT / "outputs")
    ap.add_argument("--kernel", default=os.environ.get("KERNEL", "python3"))
    ap.add_argument("--timings", type=Path, help="JSON file that records each notebook's wall time")
    ap.add_argument(
        "--env-params",
        action="store_true",
        help=f"also take {', '.join(PARAM_NAMES)} from the environment (the Makefile's way "
        "of passing them as data, never through a shell)",
    )
    args = ap.parse_args(argv)
    params = {k: parse_value(os.environ[k]) for k in PARAM_NAMES if args.env_params and os.environ.get(k)}
    params.update({k: parse_value(v) for k, v in args.param})
    notebooks = [find_notebook(s) for s in args.notebooks]
    failed, times = [], {}
    for nb in notebooks:
        print(f"== {nb.stem}", flush=True)
        try:
            times[nb.stem] = round(run_one(nb, params, args.output_root, args.kernel), 1)
            print(f"== {nb.stem}: done in {times[nb.stem]:.0f} s", flush=True)
        except Exception as e:  # report and go on: every notebook runs
            failed.append(nb.stem)
            print(
                f"== {nb.stem}: FAILED: {type(e).__name__}: {(str(e).strip().splitlines() or [''])[-1]}",
                file=sys.stderr,
                flush=True,
            )
    if args.timings:
        record = {
            "notebook_seconds": times,
            "total_seconds": round(sum(times.values()), 1),
            "failed": failed,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.timings.parent.mkdir(parents=True, exist_ok=True)
        args.timings.write_text(json.dumps(record, indent=1) + "\n")
    if failed:
        print(
            f"failed: {' '.join(failed)} (executed copies: {args.output_root}/.<name>.running.ipynb)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

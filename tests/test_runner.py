import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lib import provenance as report
from tools import runner

ROOT = Path(__file__).resolve().parent.parent


def _notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("OUTPUT_DIR = None")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.cells.append(nbformat.v4.new_code_cell(code))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_notebook_runs_and_failures_are_reported(tmp_path, capsys, shared_cores, jobs):
    bad = _notebook(tmp_path / "bad.ipynb", "raise RuntimeError('boom')")
    good = _notebook(tmp_path / "good.ipynb", "import os; print(os.environ.get('TF_NUM_INTRAOP_THREADS'))")
    out = tmp_path / "out"
    code = runner.main(
        [str(bad), str(good), "--output-root", str(out), "--timings", str(tmp_path / "t.json")]
        + ["--jobs", jobs]
    )
    assert code == 1
    printed_out, err = capsys.readouterr()
    assert "failed: bad" in err
    # the table at the end: every notebook, failed or not
    table = printed_out[printed_out.index("notebook ") :].splitlines()
    assert table[2].split()[:2] == ["bad", "FAILED"] and table[3].split()[0] == "good"
    kept = out / ".bad.running.ipynb"  # the failed run's executed copy, named in its FAILED line
    assert kept.exists() and f"executed copy: {kept}" in err
    assert "boom" in str(nbformat.read(kept, as_version=4).cells[-1].outputs)
    assert (out / "good" / "good.ipynb").exists()
    timings = json.loads((tmp_path / "t.json").read_text())
    assert timings["failed"] == ["bad"] and list(timings["notebook_seconds"]) == ["good"]
    assert timings["jobs"] == int(jobs)
    assert timings["processor"] == [report.processor(), report.cpu_signature()]  # where it ran
    printed = nbformat.read(out / "good" / "good.ipynb", as_version=4).cells[-1].outputs
    if jobs == "2":  # each kernel got its share of the cores; the failure's log is kept and named
        assert printed[0]["text"].strip() == str(max(1, (os.cpu_count() or 1) // 2))
        assert "RuntimeError" in (out / ".bad.log").read_text() and ".bad.log" in err
        assert not (out / ".good.log").exists()


def _makespan(order: list[str], seconds: dict[str, float], jobs: int) -> float:
    """When the last notebook ends if the next one always goes to the first free lane."""
    lanes = [0.0] * jobs
    for name in order:
        lanes[lanes.index(min(lanes))] += seconds[name]
    return max(lanes)


def test_parallel_runs_follow_a_plan_from_the_last_timings(tmp_path):
    seconds = {"01": 411.0, "02": 202.0, "03": 370.0, "04": 312.0, "05": 249.0, "06": 930.0}
    seconds |= {"07": 338.0, "08": 602.0}
    timings = tmp_path / "run_all.json"
    timings.write_text(json.dumps({"notebook_seconds": seconds}))
    previous = runner.previous_seconds(timings)
    order = runner.planned_order([*sorted(seconds), "09"], previous, jobs=2)
    assert order[0] == "09" and sorted(order[1:]) == sorted(seconds)  # no time yet: first
    longest_first = sorted(seconds, key=lambda n: -seconds[n])
    assert _makespan(longest_first, seconds, 2) == 1802.0
    assert _makespan(order[1:], seconds, 2) == 1711.0  # the best split: 06, 01, 03 on one lane
    assert runner.best_split(seconds, 2)[0] == 1711.0
    assert runner.planned_order(["02", "06"], previous, jobs=4) == ["06", "02"]
    timings.write_text("{not json")  # a damaged record only loses the ordering
    assert runner.previous_seconds(timings) == {} and runner.previous_seconds(tmp_path / "none.json") == {}


def test_best_split_is_the_bound_no_order_can_beat():
    seconds = {"a": 5.0, "b": 4.0, "c": 3.0, "d": 3.0, "e": 3.0}  # longest first: 10 on one lane
    end, lanes = runner.best_split(seconds, 2)
    assert (end, lanes) == (9.0, {"a": 0, "b": 0, "c": 1, "d": 1, "e": 1})
    assert end == min(_makespan(list(order), seconds, 2) for order in itertools.permutations(seconds))
    assert runner.best_split(seconds, 1) == (18.0, dict.fromkeys(["a", "b", "c", "d", "e"], 0))
    assert runner.best_split({}, 2) is None
    assert runner.best_split({str(i): 1.0 for i in range(20)}, 2) is None  # too many to try


def test_jobs_must_be_positive(tmp_path):
    with pytest.raises(SystemExit, match="JOBS=0: expected a positive integer"):
        runner.main([str(_notebook(tmp_path / "a.ipynb", "x = 1")), "--jobs", "0"])


def test_unknown_notebook_selector():
    with pytest.raises(SystemExit, match="NB='9' matches 0 notebooks"):
        runner.find_notebook("9")
    assert runner.find_notebook("03").name == "03_batchnorm.ipynb"


def test_parameter_values_are_literals_or_strings():
    assert runner.parse_value("3") == 3 and runner.parse_value("None") is None
    assert runner.parse_value("a b'; rm -rf /") == "a b'; rm -rf /"


def test_makefile_passes_variables_as_data(tmp_path):
    marker = tmp_path / "pwned"
    venv = Path(sys.executable).parent.parent
    evil = f'03"; touch {marker}; echo "\'$(touch {marker})'
    r = subprocess.run(
        ["make", "-s", "run", f"NB={evil}", f"VENV={venv}", "KERNEL=python3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0
    assert "matches 0 notebooks" in r.stderr
    assert not marker.exists()


def test_bad_parameter_through_make_exits_non_zero(synthetic_npz, tmp_path):
    venv = Path(sys.executable).parent.parent
    out = tmp_path / "bad-parameter-test"
    # the runner keeps a failed notebook's executed copy in outputs/ for reading; this test's goes
    kept = ROOT / "outputs" / f".05_under_8k-{out.name}.running.ipynb"
    try:
        r = subprocess.run(
            [
                "make",
                "-s",
                "run",
                "NB=05",
                "EPOCHS=0",
                f"DATA_PATH={synthetic_npz}",
                f"OUTPUT_DIR={out}",
                f"VENV={venv}",
                "KERNEL=python3",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert r.returncode != 0
        assert "EPOCHS=0: expected a positive integer" in r.stderr
        assert not out.exists()
        assert kept.exists()
    finally:
        kept.unlink(missing_ok=True)


def test_seeds_summary_on_tiny_runs(synthetic_npz, tmp_path, shared_cores):
    from tools import seeds

    args = [
        "05",
        "06",
        "--jobs",
        "2",
        "--seeds",
        "2",
        "--output-root",
        str(tmp_path),
        "--kernel",
        "python3",
        "-p",
        "EPOCHS",
        "1",
        "-p",
        "TRAIN_LIMIT",
        "600",
        "-p",
        "DATA_PATH",
        str(synthetic_npz),
    ]
    assert seeds.main(args) == 0
    summary, summary06 = json.loads((tmp_path / "summary.json").read_text())
    assert summary["notebook"] == "05_under_8k" and summary["seeds"] == [0, 1]
    runs = [json.loads((tmp_path / "05_under_8k" / f"seed-{k}" / "metrics.json").read_text()) for k in (0, 1)]
    assert summary["test_accuracy"] == [r["test_accuracy"] for r in runs]
    assert [r["seed"] for r in runs] == [0, 1] and all(r["epochs"] == 1 for r in runs)
    assert summary["min"] <= summary["mean"] <= summary["max"]
    # two runs at a time, the two cores shared out: one thread each, recorded with the run
    assert all(r["config"]["threads"] == max(1, (os.cpu_count() or 1) // 2) for r in runs)
    runs06 = [
        json.loads((tmp_path / "06_under_5k" / f"seed-{k}" / "metrics.json").read_text()) for k in (0, 1)
    ]
    assert summary06["seeds"] == [0, 1] and not any("ablation" in r for r in runs06)  # the seeds skip it
    assert not list(tmp_path.glob(".*"))  # no temporary notebook or log left behind
    # each seed keeps its metrics.json only: the figures and executed notebook are seed 0's own run's
    assert all(sorted(p.name for p in d.iterdir()) == ["metrics.json"] for d in tmp_path.glob("*/seed-*"))


def test_seed_zero_is_copied_only_from_a_run_of_the_same_code(tmp_path):
    # make seeds copies outputs/<notebook> as seed 0; a model changed in lib/ keeps its name
    # and configuration, so only git can tell that the run is stale.
    from lib.training import intra_op_threads
    from tools import seeds
    from tools.notebook_cells import recipe

    root = tmp_path / "repo"
    (root / "lib").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "lib" / "models.py").write_text("KERNELS = 16\n")
    (root / "notebooks" / "05_under_8k.ipynb").write_text("{}\n")

    def git(*args: str) -> str:
        cmd = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args]
        return subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "code")
    run = root / "outputs" / "05_under_8k"
    run.mkdir(parents=True)
    config = {
        "dataset": "mnist",
        **recipe("05_under_8k"),
        "seed": 0,
        "train_limit": None,
        "val_fraction": 0.1,
        "threads": intra_op_threads(),
    }

    def published(**git_info) -> None:
        (run / "metrics.json").write_text(json.dumps({"config": config, "git": git_info}))

    head = git("rev-parse", "HEAD")
    published(commit=head, dirty=False)
    assert seeds.reuse_single_run("05_under_8k", 0, tmp_path / "seed-0", root)
    assert json.loads((tmp_path / "seed-0" / "metrics.json").read_text())["git"]["commit"] == head
    assert not seeds.reuse_single_run("05_under_8k", 1, tmp_path / "seed-1", root)  # another seed
    (root / "lib" / "models.py").write_text("KERNELS = 18\n")  # same name, same configuration
    assert not seeds.reuse_single_run("05_under_8k", 0, tmp_path / "stale", root)
    git("checkout", "--", "lib")
    assert seeds.reuse_single_run("05_under_8k", 0, tmp_path / "again", root)
    unknown = [dict(commit=head, dirty=True), dict(commit=None), dict(commit="0" * 40, dirty=False)]
    for git_info in unknown:  # a dirty run, no git, a commit this clone lacks
        published(**git_info)
        assert not seeds.reuse_single_run("05_under_8k", 0, tmp_path / "unknown", root)
    assert not (tmp_path / "seed-1").exists() and not (tmp_path / "stale").exists()
    assert not (tmp_path / "unknown").exists()

    # A run that recorded the lib/ modules it imported is stale only when one of those changed.
    (root / "lib" / "bench.py").write_text("ROUNDS = 3\n")
    git("add", "-A")
    git("commit", "-q", "-m", "bench")
    published(commit=git("rev-parse", "HEAD"), dirty=False, lib_modules=["lib/models.py"])
    (root / "lib" / "bench.py").write_text("ROUNDS = 5\n")  # never imported by the run
    assert seeds.reuse_single_run("05_under_8k", 0, tmp_path / "bench-edited", root)
    (root / "lib" / "models.py").write_text("KERNELS = 18\n")
    assert not seeds.reuse_single_run("05_under_8k", 0, tmp_path / "models-edited", root)
    (root / "lib" / "models.py").write_text("KERNELS = 16\n")
    (root / "notebooks" / "05_under_8k.ipynb").write_text('{"cells": []}\n')  # the notebook always counts
    assert not seeds.reuse_single_run("05_under_8k", 0, tmp_path / "notebook-edited", root)
    assert not (tmp_path / "models-edited").exists() and not (tmp_path / "notebook-edited").exists()


def test_code_paths_narrow_only_when_every_run_recorded_its_modules():
    from lib.provenance import code_paths

    nb = "notebooks/05_under_8k.ipynb"
    assert code_paths("05_under_8k", {"commit": "a", "lib_modules": ["lib/run.py", "lib/models.py"]}) == [
        "lib/models.py",
        "lib/run.py",
        nb,
    ]
    both = code_paths("05_under_8k", {"lib_modules": ["lib/run.py"]}, {"lib_modules": ["lib/tta.py"]})
    assert both == ["lib/run.py", "lib/tta.py", nb]  # either run's code may explain a difference
    assert code_paths("05_under_8k", {"lib_modules": ["lib/run.py"]}, {"commit": "b"}) == ["lib", nb]
    assert code_paths("05_under_8k", None) == ["lib", nb]
    assert code_paths("05_under_8k") == ["lib", nb]

"""Comparing each committed run with the one before it (tools/reproduction.py), in a scratch git repo."""

import copy
import json
import subprocess

import pytest

from tools import reproduction, results

CPU_A = {"processor": "AMD EPYC", "cpu": "family 25, model 17, stepping 1; widest vectors: AVX-512"}
CPU_B = {"processor": "Intel Xeon", "cpu": "family 6, model 207, stepping 2; widest vectors: AVX-512"}


def _run(seconds, cpu=CPU_A, loss=0.05, acc=0.99, lr=0.1):
    return {
        "params": 7602,
        "test_accuracy": acc,
        "test_loss": loss,
        "history": {"accuracy": [0.9, acc], "val_loss": [0.1, loss]},
        "epoch_seconds": [seconds, seconds],
        "wall_seconds": 2 * seconds,
        "config": {"lr": lr, "threads": 1},
        "data": {"source": f"/somewhere/{seconds}/mnist.npz"},
        "versions": cpu,
    }


def _git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A repository with one notebook run five times: again on another processor (same
    numbers), again with losses moved, with a code change and other numbers, with another recipe."""
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.com")
    _git(tmp_path, "config", "user.name", "t")
    out = tmp_path / "outputs" / "05_x" / "metrics.json"
    out.parent.mkdir(parents=True)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "models.py").write_text("v = 1\n")

    def commit(metrics, message):
        commit_of_code = _git(tmp_path, "rev-parse", "HEAD") if message != "first" else None
        if commit_of_code:
            metrics["git"] = {"commit": commit_of_code, "dirty": False}
        out.write_text(json.dumps(metrics))
        _git(tmp_path, "add", "-A")
        _git(tmp_path, "commit", "-q", "-m", message)

    commit(_run(10.0), "first")
    commit(_run(11.0, cpu=CPU_B), "same numbers, other processor")
    rewritten = json.loads(out.read_text())
    rewritten["schema_field"] = 1  # the same run's file rewritten: not a new run
    commit(rewritten, "file rewritten")
    commit(_run(12.0, loss=0.05 * (1 + 3e-7)), "losses moved")
    (tmp_path / "lib" / "models.py").write_text("v = 2\n")
    _git(tmp_path, "commit", "-q", "-am", "code changed")
    commit(_run(13.0, acc=0.991), "run after the code change")
    commit(_run(14.0, acc=0.992, lr=0.2), "recipe changed")
    return tmp_path


def test_differences_leave_out_time_provenance_and_new_fields():
    old, new = _run(10.0), _run(99.0, cpu=CPU_B)
    new["extra"] = 3
    assert reproduction.differences(old, new) == []
    new["history"]["val_loss"][1] = 0.06
    assert reproduction.differences(old, new) == [("history.val_loss", 0.05, 0.06)]


def test_each_run_against_the_one_before(repo):
    found = reproduction.compare_history("05_x", repo)
    assert [c.verdict for c in found] == ["identical", "losses", "different", "different"]
    assert [c.same_recipe for c in found] == [True, True, True, False]
    assert [c.other_processor for c in found] == [True, True, False, False]
    assert found[1].loss_digits == 7
    assert found[0].code_changes is None  # the first run recorded no commit
    assert found[1].code_changes == [] and found[2].code_changes == ["lib/models.py"]
    # the commit is that of the code that ran, which the table names each run by
    assert found[2].commit == _git(repo, "rev-parse", "HEAD~2")[:7]


def test_summary_and_table(repo):
    comparisons = reproduction.compare_all(repo)
    line = reproduction.summary(comparisons)
    assert line.startswith(
        "Of 3 runs with the same recipe as the previous committed run of their notebook and seed "
        "(3 a notebook's own run, 0 make seeds' runs of seeds 1 and up)"
    )
    assert "1 repeated every number bit for bit (1 of them on another processor" in line
    assert "1 every accuracy and per-epoch curve bit for bit with losses differing from their 7th" in line
    assert "(1 of them on another processor), and" in line
    assert "1 came out different (each after a change to `lib/` or the notebook)" in line
    table = reproduction.table(comparisons)
    assert "| 05 (changed: models.py) |" in table and "| 05 (recipe changed) |" in table
    assert len(table.splitlines()) == 2 + 4  # header and one row per run


def test_seed_runs_are_compared_too_and_only_with_their_own_seed(repo):
    """make seeds' runs of seeds 1 and up against their own previous runs; seed 0 (a copy of the
    notebook's run) is left out. Runs that recorded their lib/ modules name only those as changed."""
    seeds = repo / "outputs" / "seeds" / "05_x"

    def commit(seed, metrics, message):
        out = seeds / f"seed-{seed}" / "metrics.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        metrics["git"] = {
            "commit": _git(repo, "rev-parse", "HEAD"),
            "dirty": False,
            "lib_modules": ["lib/models.py"],
        }
        out.write_text(json.dumps(metrics))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", message)

    commit(0, _run(20.0), "seed 0")
    commit(1, _run(21.0, acc=0.993), "seed 1")
    (repo / "lib" / "bench.py").write_text("rounds = 3\n")  # a module the runs did not import
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "bench changed")
    commit(0, _run(22.0), "seed 0 again")
    commit(1, _run(23.0, acc=0.994), "seed 1 again, other numbers")
    assert reproduction.seed_runs(repo) == [("05_x", 1)]
    found = [c for c in reproduction.compare_all(repo) if c.seed is not None]
    assert [(c.seed, c.verdict, c.code_changes) for c in found] == [(1, "different", [])]
    assert "| 05 seed 1 (same code) |" in reproduction.table(found)
    assert "(3 a notebook's own run, 1 make seeds' runs of seeds 1 and up)" in reproduction.summary(
        reproduction.compare_all(repo)
    )


def test_a_table_cell_groups_a_notebooks_seeds():
    changed = [("test_accuracy", 0.99, 0.98)]

    def run(seed, same_recipe=True):
        return reproduction.Comparison("05_x", "abc", "cpu", "cpu", 1, 1, same_recipe, changed, [], seed)

    # one column of the table (here: different), a run per notebook and seed, in commit order
    cell = reproduction._cell([run(2, same_recipe=False), run(1, same_recipe=False), run(None), run(4)])
    assert cell == "05 seeds 1, 2 (recipe changed), 05 (same code), 05 seed 4 (same code)"
    assert reproduction._cell([]) == "–"


def test_the_work_tree_counts_as_the_newest_run(repo):
    out = repo / "outputs" / "05_x" / "metrics.json"
    newest = copy.deepcopy(json.loads(out.read_text()))
    newest["epoch_seconds"] = [15.0, 15.0]
    out.write_text(json.dumps(newest))
    found = reproduction.compare_history("05_x", repo)
    assert len(found) == 5 and found[-1].verdict == "identical"


def test_without_history_the_generated_line_stays(tmp_path):
    """An archive or a shallow clone cannot recount the runs: docs/ keeps its committed line."""
    assert not reproduction.history_available(tmp_path)
    assert results.reproductions_markdown(tmp_path).startswith("(needs the repository's full git history")
    (tmp_path / "outputs").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(
        f"{results.BEGIN}\n{results.END}\n{results.TIMES_BEGIN}\n{results.TIMES_END}\n"
    )
    (tmp_path / "docs" / "reproducibility.md").write_text(
        f"{results.REPRO_BEGIN}\nkept\n{results.REPRO_END}\n"
    )
    pages = results.generated(tmp_path)
    assert tmp_path / "docs" / "reproducibility.md" not in pages  # left as it is


def test_committed_history_is_read():
    if not reproduction.history_available():
        pytest.skip("this checkout has no full git history")
    comparisons = reproduction.compare_all()
    assert {c.notebook for c in comparisons} == set(reproduction.notebooks()), (
        "every notebook ran twice or more"
    )
    # what docs/reproducibility.md rests on: history is only ever added to, so this stays true
    assert any(c.verdict == "identical" and c.other_processor for c in comparisons)


def test_a_processor_counts_as_another_only_where_the_records_say_so():
    def pair(old, new):
        return reproduction.Comparison("05_x", "abc", new, old, 1, 1, True).other_processor

    assert pair("AMD EPYC", "AMD EPYC (family 25, model 17, stepping 1)") is False  # signature first recorded
    assert pair("Xeon (family 6, model 167, stepping 1)", "Xeon (family 6, model 167, stepping 8)") is True
    assert pair("Xeon", "AMD EPYC") is True
    assert pair(reproduction.NOT_RECORDED, "AMD EPYC") is False

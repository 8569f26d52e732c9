import pytest

from lib.params import ParameterError
from lib.run import Run
from tools.notebook_cells import model_builder, recipe


@pytest.fixture
def start(synthetic_npz, tmp_path):
    def _start(**kw):
        kw = {"DATA_PATH": str(synthetic_npz), "OUTPUT_DIR": str(tmp_path / "out"), **kw}
        settings = kw.pop("recipe", None) or recipe("02_reduce_parameters")
        return Run.start(kw.pop("name", "02_reduce_parameters"), settings, **kw)

    return _start


def _train_and_evaluate(run):
    model, result = run.train(run.build(model_builder("02")), verbose=0)
    return run.evaluate(model, result)


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"EPOCHS": 0}, r"EPOCHS=0: expected a positive integer \(at least 1\)"),
        ({"EPOCHS": -3}, r"EPOCHS=-3: expected a positive integer"),
        ({"EPOCHS": 2.5}, r"EPOCHS=2.5: expected a positive integer"),
        ({"EPOCHS": "3"}, r"EPOCHS='3': expected a positive integer"),
        ({"BATCH_SIZE": 0}, r"BATCH_SIZE=0: expected a positive integer"),
        (
            {"BATCH_SIZE": 5000},
            r"BATCH_SIZE=5000: larger than the training images after the validation split \(1080\)",
        ),
        ({"TRAIN_LIMIT": 0}, r"TRAIN_LIMIT=0: expected a positive integer"),
        ({"TRAIN_LIMIT": 10**6}, r"TRAIN_LIMIT=1000000: larger than the training images available \(1200\)"),
        ({"SEED": -1}, r"SEED=-1: expected a non-negative integer"),
        (
            {"recipe": {"lr": 0.1}},
            r"recipe=\{'lr': 0.1\}: expected the notebook's RECIPE dict, with 'epochs'",
        ),
        ({"DATASET": "cifar10"}, r"DATASET='cifar10': these models take 28x28 grey images"),
    ],
)
def test_invalid_parameters_name_the_culprit(start, kw, message):
    with pytest.raises((ParameterError, ValueError), match=message):
        start(**kw)


def test_output_dir_that_cannot_be_written(start, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(ParameterError, match=r"OUTPUT_DIR='.*a_file/out': cannot be written"):
        start(OUTPUT_DIR=str(blocker / "out"))
    with pytest.raises(ParameterError, match="exists and is not a folder"):
        start(OUTPUT_DIR=str(blocker))
    with pytest.raises(ParameterError, match="cannot be written"):
        start(OUTPUT_DIR="/proc/small-cnn-out")


def test_errors_come_before_any_file_is_written(start, tmp_path):
    with pytest.raises(ParameterError):
        start(EPOCHS=0)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.partial").exists()


def test_metrics_name_the_commit_the_run_started_from(start, monkeypatch):
    # a commit made while a run trains is not the code that trained it
    import lib.run

    monkeypatch.setattr(lib.run, "git_commit", lambda: {"commit": "at-start", "dirty": False})
    run = start(EPOCHS=1, TRAIN_LIMIT=300)
    monkeypatch.setattr(lib.run, "git_commit", lambda: {"commit": "later", "dirty": True})
    recorded = _train_and_evaluate(run)["git"]
    assert {k: recorded[k] for k in ("commit", "dirty")} == {"commit": "at-start", "dirty": False}


@pytest.mark.parametrize(
    "changed, dirty",
    [
        ([], False),
        # another notebook, a file no run imports: the run's numbers are those of its commit
        (["notebooks/01_vanilla.ipynb", "lib/not_imported_by_any_run.py"], False),
        (["lib/blocks.py"], True),  # a module the run built its model with
        (["notebooks/02_reduce_parameters.ipynb"], True),  # its own notebook
    ],
)
def test_a_run_is_dirty_only_where_code_it_used_had_changes(start, monkeypatch, changed, dirty):
    import lib.run

    start_git = {"commit": "c" * 40, "dirty": bool(changed), "changed": changed}
    monkeypatch.setattr(lib.run, "git_commit", lambda: dict(start_git))
    run = start(EPOCHS=1, TRAIN_LIMIT=300)
    recorded = _train_and_evaluate(run)["git"]
    assert recorded["dirty"] is dirty
    assert recorded["changed"] == changed  # every changed path stays on record, used or not
    assert "lib/blocks.py" in recorded["lib_modules"]

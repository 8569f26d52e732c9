"""The notebooks: committed clean, and each one executed by papermill on tiny data."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import keras
import nbformat
import numpy as np
import papermill
import pytest

from lib import tta
from lib.experiments import EXPERIMENTS
from lib.runner import run_one

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REQUIRED = ("EPOCHS", "BATCH_SIZE", "SEED", "TRAIN_LIMIT", "DATA_PATH", "OUTPUT_DIR")
METRIC_KEYS = {
    "notebook",
    "params",
    "trainable_params",
    "epochs",
    "test_accuracy",
    "history",
    "seconds_per_epoch",
    "seed",
    "model_file",
    "versions",
    "git",
    "best_val_accuracy",
    "saved_epoch",
    "selection",
    "config",
}
TINY = {"EPOCHS": 1, "TRAIN_LIMIT": 600, "BATCH_SIZE": 32}


def test_one_notebook_per_experiment():
    assert [p.stem for p in NOTEBOOKS] == sorted(EXPERIMENTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_clean_with_one_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs (nbstripout)"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert all(f"{name} =" in tagged[0].source for name in REQUIRED)
    source = "\n".join(c.source for c in code)
    assert "layers." not in source and "Conv2D" not in source, "models come from lib/, not inline"
    assert "verbose=2" in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_tiny_data(path, synthetic_npz, tmp_path):
    run_one(path, {**TINY, "DATA_PATH": str(synthetic_npz)}, tmp_path, kernel="python3")
    out = tmp_path / path.stem
    metrics = json.loads((out / "metrics.json").read_text())
    assert METRIC_KEYS <= metrics.keys()
    jsonschema.validate(metrics, json.loads((ROOT / "lib" / "metrics.schema.json").read_text()))
    assert metrics["notebook"] == path.stem and metrics["epochs"] == 1
    assert metrics["data"]["train"] + metrics["data"]["validation"] == 600
    assert len(metrics["history"]["val_accuracy"]) == 1
    for png in ("curves.png", "confusion.png", "misclassified.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    assert (out / f"{path.stem}.ipynb").exists()
    assert not (tmp_path / f"{path.stem}.partial").exists()
    model = keras.saving.load_model(out / metrics["model_file"], safe_mode=True)
    assert model.count_params() == metrics["params"]
    x = np.load(synthetic_npz)["x_test"][..., None]  # raw 0-255 pixels, no preprocessing
    y = np.load(synthetic_npz)["y_test"]
    config = EXPERIMENTS[path.stem]
    single = float(np.mean(model.predict(x, verbose=0).argmax(1) == y))
    if config.get("tta"):  # the recipe's prediction: the mean over its views
        acc = float(np.mean(tta.predict(model, x, **config["tta"]).argmax(1) == y))
        assert metrics["tta"]["views"] == tta.views(**config["tta"])
        assert single == pytest.approx(metrics["tta"]["single_view_test_accuracy"], abs=1e-6)
    else:
        acc = single
        assert "tta" not in metrics
    assert acc == pytest.approx(metrics["test_accuracy"], abs=1e-6)
    assert metrics["dataset"] == config.get("dataset", "mnist")
    # The code this run depends on (make seeds and lib.reproduction compare only it): what the
    # notebook imported, not the bench, the report or the runner that started it.
    used = set(metrics["git"]["lib_modules"])
    assert {"lib/__init__.py", "lib/models.py", "lib/run.py", "lib/training.py", "lib/data.py"} <= used
    assert not used & {f"lib/{m}.py" for m in ("bench", "seeds", "results", "runner", "reproduction")}
    assert all((ROOT / m).is_file() for m in used)
    if "ablation" in config:  # the full recipe, then one row per variant, scored on validation
        names = [r["variant"] for r in metrics["ablation"]]
        assert names == ["full recipe", *(v["name"] for v in config["ablation"])]
        assert metrics["ablation"][0]["val_accuracy"] == metrics["history"]["val_accuracy"][-1]
        assert all(0 <= r["val_accuracy"] <= 1 and r["params"] > 0 for r in metrics["ablation"])


def test_bad_parameter_fails_early_and_keeps_previous_results(synthetic_npz, tmp_path):
    previous = tmp_path / "05_under_8k"
    previous.mkdir()
    (previous / "metrics.json").write_text('{"old": true}')
    nb = ROOT / "notebooks" / "05_under_8k.ipynb"
    with pytest.raises(papermill.PapermillExecutionError, match=r"EPOCHS=0: expected a positive integer"):
        run_one(nb, {"EPOCHS": 0, "DATA_PATH": str(synthetic_npz)}, tmp_path, kernel="python3")
    assert [p.name for p in previous.iterdir()] == ["metrics.json"]
    assert (previous / "metrics.json").read_text() == '{"old": true}'


def test_killed_run_leaves_results_and_resumes(tmp_path):
    import synthetic

    data = synthetic.write_npz(tmp_path / "mnist.npz", synthetic.make_arrays(4000, 300))
    previous = tmp_path / "out" / "04_dropout_schedule"
    previous.mkdir(parents=True)
    (previous / "metrics.json").write_text('{"old": true}')
    cmd = [
        sys.executable,
        "-m",
        "lib.runner",
        "04",
        "--output-root",
        str(tmp_path / "out"),
        "-p",
        "EPOCHS",
        "8",
        "-p",
        "DATA_PATH",
        str(data),
        "-p",
        "BATCH_SIZE",
        "32",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    )
    log = previous.with_name("04_dropout_schedule.partial") / "state" / "log.json"
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if log.exists() and json.loads(log.read_text())["epochs_done"] >= 2:
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its kernel, as a closed laptop would
    proc.wait()
    done = json.loads(log.read_text())["epochs_done"]
    assert 2 <= done < 8
    assert [p.name for p in previous.iterdir()] == ["metrics.json"]
    assert (previous / "metrics.json").read_text() == '{"old": true}'

    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    metrics = json.loads((previous / "metrics.json").read_text())
    assert metrics["epochs"] == 8 and metrics["resumed_from_epoch"] == done
    assert len(metrics["history"]["loss"]) == 8

"""The notebooks: committed clean, each one executed by papermill on tiny data, and each one
training what its model and recipe cells say."""

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

import lib.deskew  # noqa: F401  (05's and 06's saved models hold the deskewing layer)
from lib import tta
from tools import results
from tools.notebook_cells import names, recipe, tagged_source
from tools.runner import NOISE, run_one

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


def test_one_notebook_per_iteration():
    assert [p.stem for p in NOTEBOOKS] == names() and len(NOTEBOOKS) == 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_clean_with_parameters_recipe_and_model_cells(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs (nbstripout)"
    for tag in ("parameters", "recipe", "model"):
        assert len([c for c in code if tag in c.metadata.get("tags", [])]) == 1, f"one cell tagged {tag}"
    assert all(f"{name} =" in tagged_source(path, "parameters") for name in REQUIRED)
    model = tagged_source(path, "model")
    # the network is written out in the notebook, block by block, from lib/blocks.py's builders
    assert "from lib.blocks import" in model and "def build_model(recipe: dict, seed: int" in model
    assert "layers." not in model and "Conv2D" not in model, "blocks come from lib/blocks.py"
    assert model.count("# ") >= 3, "each block's output map size as a comment"
    settings = recipe(path.stem)
    assert {"epochs", "batch_size", "lr", "schedule", "momentum", "weight_decay", "target"} <= settings.keys()


def test_the_colab_cell_clones_the_published_repository():
    for path in NOTEBOOKS:
        setup = nbformat.read(path, as_version=4).cells[1].source
        assert f'"{results.REPO_URL}"' in setup, f"{path.name}: the first code cell clones {results.REPO_URL}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_tiny_data(path, synthetic_npz, tmp_path):
    run_one(path, {**TINY, "DATA_PATH": str(synthetic_npz)}, tmp_path, kernel="python3")
    out = tmp_path / path.stem
    metrics = json.loads((out / "metrics.json").read_text())
    assert METRIC_KEYS <= metrics.keys()
    jsonschema.validate(metrics, json.loads((ROOT / "tools" / "metrics.schema.json").read_text()))
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
    config = recipe(path.stem)
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
    # The code this run depends on (make seeds and tools.reproduction compare only it): what the
    # notebook imported from lib/, never tools/.
    used = set(metrics["git"]["lib_modules"])
    assert {"lib/__init__.py", "lib/blocks.py", "lib/run.py", "lib/training.py", "lib/data.py"} <= used
    assert all(m.startswith("lib/") and (ROOT / m).is_file() for m in used)
    # the executed copy readers open: one line per epoch, no start-up noise, no machine's folders
    executed = (out / f"{path.stem}.ipynb").read_text()
    assert str(ROOT) not in executed and "cuInit" not in executed
    lines = [line for line in executed.split("\\n") if " · epoch " in line]
    assert any(f"{path.stem} seed 0 · epoch 1/1 · " in line for line in lines)
    assert not any(NOISE.match(line.strip('" ,')) for line in executed.split("\\n"))
    if path.stem == "05_under_8k":  # its last section: the int8 file against the Keras model
        int8 = json.loads((out / "int8.json").read_text())
        assert int8["keras"]["accuracy"] == pytest.approx(metrics["test_accuracy"], abs=1e-6)
        assert int8["tflite"]["bytes"] == (out / "model.int8.tflite").stat().st_size < int8["keras"]["bytes"]
        assert 0 <= int8["same_answer"] <= int8["images"] == len(y)
        assert "model.int8.tflite" in executed and "Assets written" not in executed
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
        "tools.runner",
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


def _edited_05(tmp_path: Path, old: str, new: str) -> Path:
    nb = nbformat.read(ROOT / "notebooks" / "05_under_8k.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "model" in c.metadata.get("tags", []))
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    folder = tmp_path / new.strip("[]").replace(", ", "-")
    folder.mkdir()
    nbformat.write(nb, folder / "05_under_8k.ipynb")
    return folder / "05_under_8k.ipynb"


def test_editing_the_model_cell_changes_what_trains(synthetic_npz, tmp_path):
    # a learner narrows 05's last convolution from 16 to 8 kernels and runs the notebook
    edited = _edited_05(tmp_path, "[16, 16, 16]", "[16, 16, 8]")
    run_one(edited, {**TINY, "DATA_PATH": str(synthetic_npz)}, tmp_path / "out", kernel="python3")
    metrics = json.loads((tmp_path / "out" / "05_under_8k" / "metrics.json").read_text())
    # 8 fewer kernels of 3x3x16, their BatchNorm (4 numbers each) and 8 fewer inputs to the dense head
    assert metrics["params"] == 7_602 - 8 * 9 * 16 - 8 * 4 - 8 * 10
    # widened past the budget instead, the run stops before training and says why
    edited = _edited_05(tmp_path, "[16, 16, 16]", "[16, 16, 24]")
    with pytest.raises(papermill.PapermillExecutionError, match="8,866 parameters: over the 8,000 budget"):
        run_one(edited, {**TINY, "DATA_PATH": str(synthetic_npz)}, tmp_path / "out2", kernel="python3")


def _setup_cell(path: Path) -> str:
    return nbformat.read(path, as_version=4).cells[1].source


def _run_setup_cell(folder: Path, extra_path: Path | None = None, env: dict | None = None, before: str = ""):
    script = before + _setup_cell(NOTEBOOKS[0]) + "\nimport lib\nprint('lib at', lib.__file__)\n"
    paths = [str(extra_path)] if extra_path else []
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _stand_in(tmp_path: Path, module: str, text: str = "") -> Path:
    """A folder holding a stand-in package ``module`` (dotted), to put ahead on the path; its
    parents stay namespace packages (``google`` is one that protobuf shares)."""
    root = tmp_path / f"stand-in-{module}"
    folder = root.joinpath(*module.split("."))
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(text)
    return root


def test_the_colab_cell_clones_the_repository_from_an_empty_folder(tmp_path):
    colab = _stand_in(tmp_path, "google.colab")
    content = tmp_path / "content"  # Colab's working folder: empty, outside any clone
    content.mkdir()
    script_env = {"SMALL_CNN_REPO": ROOT.as_uri()}  # a local clone URL instead of the published one
    out = _run_setup_cell(content, colab, script_env, before="import google.colab  # loaded on Colab\n")
    assert out.returncode == 0, out.stderr[-2000:]
    assert (content / "small-cnn" / "lib" / "__init__.py").is_file()
    assert f"lib at {content / 'small-cnn' / 'lib' / '__init__.py'}" in out.stdout


def test_outside_the_repository_the_first_cell_says_what_to_do(tmp_path):
    out = _run_setup_cell(tmp_path)
    assert out.returncode == 1
    message = out.stderr.strip().splitlines()[-1]
    assert message.startswith("lib/ not found: run this notebook inside a clone of https://")


def test_a_keras_too_old_stops_the_cell_asking_for_a_restart(tmp_path):
    old = _stand_in(tmp_path, "keras", "__version__ = '3.5.0'\n")
    out = _run_setup_cell(ROOT / "notebooks", old)
    assert out.returncode == 1
    assert "Keras 3.5.0 is too old" in out.stderr and "restart the runtime" in out.stderr

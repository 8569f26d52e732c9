"""The in-process executor (lib/nbexec.py): the same notebook, the same numbers, no Jupyter."""

import json
import sys
from pathlib import Path

import nbformat
import pytest

from lib.nbexec import CellError, execute, inject
from lib.runner import run_one

ROOT = Path(__file__).resolve().parent.parent
TINY = {"EPOCHS": 1, "TRAIN_LIMIT": 600, "BATCH_SIZE": 32}


def _notebook(path: Path, *sources: str, tagged: int | None = 0) -> Path:
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    if tagged is not None:
        cells[tagged].metadata["tags"] = ["parameters"]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_inprocess_run_matches_papermill(synthetic_npz, tmp_path):
    nb = ROOT / "notebooks" / "05_under_8k.ipynb"
    params = {**TINY, "DATA_PATH": str(synthetic_npz)}
    run_one(nb, params, tmp_path / "papermill", kernel="python3")
    run_one(nb, params, tmp_path / "inprocess", kernel="unused", executor="inprocess")
    a, b = (
        json.loads((tmp_path / d / nb.stem / "metrics.json").read_text()) for d in ("papermill", "inprocess")
    )
    assert a["history"] == b["history"] and a["test_accuracy"] == b["test_accuracy"]
    executed = nbformat.read(tmp_path / "inprocess" / nb.stem / f"{nb.stem}.ipynb", as_version=4)
    nbformat.validate(executed)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "EPOCHS = 1" in injected[0].source
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "epoch 1/1 done" in printed  # the training log, as papermill records it


def test_failing_cell_raises_keeps_previous_results_and_records_the_error(synthetic_npz, tmp_path):
    previous = tmp_path / "05_under_8k"
    previous.mkdir()
    (previous / "metrics.json").write_text('{"old": true}')
    nb = ROOT / "notebooks" / "05_under_8k.ipynb"
    with pytest.raises(CellError, match=r"EPOCHS=0: expected a positive integer"):
        run_one(
            nb,
            {"EPOCHS": 0, "DATA_PATH": str(synthetic_npz)},
            tmp_path,
            kernel="unused",
            executor="inprocess",
        )
    assert (previous / "metrics.json").read_text() == '{"old": true}'
    executed = nbformat.read(tmp_path / ".05_under_8k.running.ipynb", as_version=4)
    errors = [
        o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert len(errors) == 1 and "EPOCHS=0" in errors[0].evalue


def test_outputs_without_ipython(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", None)  # as on a machine without it: import fails
    nb = _notebook(
        tmp_path / "nb.ipynb",
        "X = 1",
        "from IPython.display import Markdown, display\nimport matplotlib.pyplot as plt",
        "display(Markdown('**bold**'))\nprint('hello')\nX * 2",
        "plt.plot([0, X]);",
    )
    execute(nb, tmp_path / "out.ipynb", {"X": 21}, cwd=tmp_path)
    cells = [c for c in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert [c.execution_count for c in cells] == [1, 2, 3, 4, 5]
    outputs = cells[3].outputs
    assert outputs[0].text == "hello\n"
    assert outputs[1].data == {"text/markdown": "**bold**"}
    assert outputs[2].output_type == "execute_result" and outputs[2].data == {"text/plain": "42"}
    assert cells[4].outputs == []  # a trailing semicolon shows nothing, as in IPython
    assert sys.modules["IPython"] is None  # the stand-in is gone afterwards


def test_exactly_one_parameters_cell(tmp_path):
    with pytest.raises(ValueError, match="exactly one cell tagged 'parameters', found 0"):
        inject(nbformat.read(_notebook(tmp_path / "nb.ipynb", "X = 1", tagged=None), as_version=4), {"X": 2})

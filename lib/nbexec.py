"""Execute a notebook's code cells in this process, as papermill does, where Jupyter is absent.

    python -m lib.runner 05 --executor inprocess [-p EPOCHS 2 ...]

The GPU machine lent to some sessions has JAX but neither Jupyter nor IPython, and too little
room in its transfer for their wheels. The notebooks need no kernel: their code is plain
Python calling into ``lib/``. This runs the code cells one after another in one namespace,
with the parameters injected after the cell tagged ``parameters`` (papermill's rule, and its
``injected-parameters`` tag), and writes the executed copy with each cell's printed text,
its last expression's value and any error. Figures are not embedded (matplotlib's Agg
backend); the notebooks save theirs into their output folder, as under papermill.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import sys
import traceback
import types
from pathlib import Path


class CellError(RuntimeError):
    """A cell raised; the executed copy up to that cell has been written."""


class _Tee(io.TextIOBase):
    # The cell's text goes to the executed copy and, as under papermill's log_output, to the log.
    def __init__(self, echo):
        self.parts: list[str] = []
        self.echo = echo

    def write(self, s: str) -> int:
        self.parts.append(s)
        self.echo.write(s)
        return len(s)

    def flush(self) -> None:
        self.echo.flush()


class _Markdown:
    def __init__(self, data: str):
        self.data = data

    def _repr_markdown_(self) -> str:
        return self.data


def _display_module(current: dict) -> types.ModuleType:
    # ``from IPython.display import Markdown, display`` inside the notebooks, without IPython;
    # ``current["outputs"]`` is the running cell's list (a cell may call a function imported earlier)
    module = types.ModuleType("IPython.display")

    def display(*objs) -> None:
        for obj in objs:
            if hasattr(obj, "_repr_markdown_"):
                data = {"text/markdown": obj._repr_markdown_()}
            else:
                data = {"text/plain": repr(obj)}
            current["outputs"].append(_data_output("display_data", data))

    module.Markdown, module.display = _Markdown, display
    return module


def _data_output(kind: str, data: dict, count: int | None = None) -> dict:
    out = {"output_type": kind, "data": data, "metadata": {}}
    if kind == "execute_result":
        out["execution_count"] = count
    return out


def inject(nb: dict, parameters: dict) -> dict:
    """``nb`` with a cell assigning ``parameters`` right after the one tagged ``parameters``."""
    cells = nb["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ValueError(f"expected exactly one cell tagged 'parameters', found {len(tagged)}")
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": ["injected-parameters"]},
        "outputs": [],
        "source": source,
    }
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):  # cell ids from format 4.5 on
        cell["id"] = "injected-parameters"
    return {**nb, "cells": [*cells[: tagged[0] + 1], cell, *cells[tagged[0] + 1 :]]}


def _run_cell(source: str, namespace: dict, name: str):
    """Run one cell; return its last expression's value (None when it ends in a statement)."""
    tree = ast.parse(source, name)
    quiet = source.rstrip().endswith(";")  # IPython's rule: a trailing semicolon shows nothing
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) and not quiet else None
    exec(compile(tree, name, "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), name, "eval"), namespace)


def execute(
    notebook: str | os.PathLike, output: str | os.PathLike, parameters: dict, cwd: str | os.PathLike
) -> None:
    """Run ``notebook``'s code cells with ``parameters`` in ``cwd``; write the executed copy to ``output``.

    Raises ``CellError`` (after writing the copy up to the failing cell) when a cell raises.
    """
    import matplotlib

    matplotlib.use("Agg")
    nb = inject(json.loads(Path(notebook).read_text()), parameters)
    output = Path(output).resolve()
    namespace: dict = {"__name__": "__main__"}
    absent = object()
    saved = {k: sys.modules.get(k, absent) for k in ("IPython", "IPython.display")}
    current: dict = {"outputs": []}
    display = _display_module(current)
    try:  # IPython where installed, with only its display module replaced; else a stand-in
        import IPython as ipython
    except ImportError:
        ipython = types.ModuleType("IPython")
        # what matplotlib asks of an IPython it finds imported: no shell runs here
        ipython.get_ipython, ipython.version_info = lambda: None, (8, 24)
    here = Path.cwd()
    os.chdir(cwd)
    count = 0
    try:
        sys.modules.update({"IPython": ipython, "IPython.display": display})
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            count += 1
            outputs: list[dict] = []
            current["outputs"] = outputs
            tee_out, tee_err = _Tee(sys.__stdout__), _Tee(sys.__stderr__)
            error = None
            with contextlib.redirect_stdout(tee_out), contextlib.redirect_stderr(tee_err):
                try:
                    value = _run_cell("".join(cell["source"]), namespace, f"<cell {count}>")
                except Exception as e:  # recorded in the copy, then raised below
                    error, value = e, None
            outputs[:0] = [  # the printed text first (displays came in between; their order is lost)
                {"output_type": "stream", "name": stream, "text": "".join(tee.parts)}
                for stream, tee in (("stdout", tee_out), ("stderr", tee_err))
                if tee.parts
            ]
            if value is not None:
                outputs.append(_data_output("execute_result", {"text/plain": repr(value)}, count))
            if error is not None:
                outputs.append(
                    {
                        "output_type": "error",
                        "ename": type(error).__name__,
                        "evalue": str(error),
                        "traceback": traceback.format_exception(error),
                    }
                )
            cell["outputs"], cell["execution_count"] = outputs, count
            if error is not None:
                raise CellError(f"cell {count} of {notebook}: {type(error).__name__}: {error}") from error
    finally:
        os.chdir(here)
        for k, v in saved.items():
            if v is absent:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(nb, indent=1) + "\n")

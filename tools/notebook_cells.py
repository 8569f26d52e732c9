"""A notebook's recipe and model, read from its tagged cells: the one definition of each.

The notebooks hold the models (cell tagged ``model``) and the training settings (cell tagged
``recipe``). The benchmark, ``make seeds``, the report and the tests take them from there, so
that nothing outside a notebook can drift from what it trains.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lib import ROOT

if TYPE_CHECKING:  # keras is imported only where a model is built
    import keras


def notebook_path(name: str, root: Path = ROOT, label: str = "") -> Path:
    """``05`` or ``05_under_8k``: the one matching notebook in notebooks/; ``label`` names the
    selector in the error (default: ``notebook '05'``)."""
    matches = sorted((root / "notebooks").glob(f"{name}*.ipynb"))
    if len(matches) != 1:
        names = ", ".join(p.stem for p in sorted((root / "notebooks").glob("[0-9]*.ipynb")))
        what = label or f"notebook {name!r}"
        raise ValueError(f"{what} matches {len(matches)} notebooks; expected one of: {names}")
    return matches[0]


def tagged_source(path: Path, tag: str) -> str:
    """The source of the one code cell tagged ``tag``; a clear error where there is not one."""
    cells = json.loads(Path(path).read_text())["cells"]
    found = [c for c in cells if c["cell_type"] == "code" and tag in c.get("metadata", {}).get("tags", [])]
    if len(found) != 1:
        raise ValueError(f"{path}: expected one code cell tagged {tag!r}, found {len(found)}")
    source = found[0]["source"]
    return "".join(source) if isinstance(source, list) else source


def recipe(name: str, root: Path = ROOT) -> dict:
    """The notebook's ``RECIPE`` dict, as its ``recipe`` cell defines it."""
    path = notebook_path(name, root)
    space: dict = {}
    exec(compile(tagged_source(path, "recipe"), f"{path.name}[recipe]", "exec"), space)
    if not isinstance(space.get("RECIPE"), dict):
        raise ValueError(f"{path}: the recipe cell must define RECIPE = dict(...)")
    return space["RECIPE"]


def model_builder(name: str, root: Path = ROOT) -> Callable[..., keras.Model]:
    """The notebook's ``build_model(recipe, seed, **changes)``, as its ``model`` cell defines it."""
    path = notebook_path(name, root)
    space: dict = {}
    exec(compile(tagged_source(path, "model"), f"{path.name}[model]", "exec"), space)
    if not callable(space.get("build_model")):
        raise ValueError(f"{path}: the model cell must define build_model(recipe, seed)")
    return space["build_model"]


def build(name: str, seed: int = 0, recipe_changes: dict | None = None, **changes) -> keras.Model:
    """The notebook's model as its run builds it: every generator seeded, then built."""
    from lib.training import set_determinism

    settings = {**recipe(name), **(recipe_changes or {})}
    set_determinism(seed)
    return model_builder(name)(settings, seed, **changes)


def names(root: Path = ROOT) -> list[str]:
    """Every notebook's name, in order."""
    return [p.stem for p in sorted((root / "notebooks").glob("[0-9]*.ipynb"))]

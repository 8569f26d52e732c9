"""A notebook's run, from its recipe and parameters to a published output folder.

The notebook holds the recipe (a dict of literals) and the model (a function of the recipe
and the seed); ``Run`` checks the parameters, loads the data, trains, evaluates the saved
model once on the test set and publishes the results.

Everything a run writes goes to ``<OUTPUT_DIR>.partial/`` first; only a run that finished
replaces ``OUTPUT_DIR``, so a failed, interrupted or killed run leaves the previous results
exactly as they were. The partial folder also holds the training state: the same command
started again resumes from the last completed epoch.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from lib import ROOT, tta
from lib.article import ARTICLE
from lib.data import Dataset, load_dataset, split_validation
from lib.files import write_json
from lib.params import ParameterError, optional_limit, positive_int, writable_dir
from lib.provenance import git_commit, loaded_lib_modules, run_dirty, versions
from lib.training import LOSS, Split, TrainResult, intra_op_threads, lr_sweep, set_determinism, train

MODEL_FILE = "model.keras"
BuildModel = Callable[..., keras.Model]
"""A notebook's ``build_model(recipe, seed, **changes)``."""


def shown_path(path: str | Path) -> str:
    """A path as a notebook prints it: relative to the repository where it lies inside it, so
    that an executed notebook names no folder of the machine that ran it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(p) if not p.is_absolute() else f".../{p.name}"


def resolve(path: str | Path | None) -> Path | None:
    """Relative paths are relative to the repository root, wherever Jupyter was started."""
    if path in (None, ""):
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() else ROOT / p


@dataclass
class Run:
    name: str
    config: dict
    seed: int
    output_dir: Path
    data: Split
    dataset: Dataset
    started: float
    title: str = ""
    extra: dict = field(default_factory=dict)  # more results for metrics.json (the ablation)
    # The code that runs is the code at the start: a commit made during a long run is not it.
    git: dict = field(default_factory=lambda: git_commit())

    @property
    def staging(self) -> Path:
        return self.output_dir.with_name(self.output_dir.name + ".partial")

    @classmethod
    def start(
        cls,
        name: str,
        recipe: dict,
        *,
        title: str = "",
        EPOCHS=None,
        BATCH_SIZE=None,
        SEED=0,
        TRAIN_LIMIT=None,
        DATA_PATH=None,
        OUTPUT_DIR=None,
        VAL_FRACTION=0.1,
        DATASET=None,
    ) -> Run:
        """Check every parameter, load the data, prepare the staging folder; train nothing.

        ``recipe``: the notebook's settings; the parameters (EPOCHS, BATCH_SIZE, ...) override
        it for short runs, and the run's ``config`` is the recipe as it ran.
        """
        if not isinstance(recipe, dict) or "epochs" not in recipe:
            raise ParameterError(f"recipe={recipe!r}: expected the notebook's RECIPE dict, with 'epochs'")
        config = json.loads(json.dumps(recipe))  # a copy, as JSON keeps it (run.json, metrics.json)
        DATASET = DATASET or config.pop("dataset", "mnist")
        config["epochs"] = positive_int("EPOCHS", config["epochs"] if EPOCHS is None else EPOCHS)
        seed = SEED
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ParameterError(f"SEED={seed!r}: expected a non-negative integer")
        if not isinstance(VAL_FRACTION, float) or not 0 < VAL_FRACTION < 0.5:
            raise ParameterError(f"VAL_FRACTION={VAL_FRACTION!r}: expected a number between 0 and 0.5")
        if DATASET not in ("mnist", "fashion_mnist"):
            raise ParameterError(
                f"DATASET={DATASET!r}: these models take 28x28 grey images; "
                "expected 'mnist' or 'fashion_mnist'"
            )
        output_dir = writable_dir("OUTPUT_DIR", resolve(OUTPUT_DIR) or ROOT / "outputs" / name)
        dataset = load_dataset(DATASET, resolve(DATA_PATH))
        limit = optional_limit("TRAIN_LIMIT", TRAIN_LIMIT, len(dataset.x_train))
        dataset = dataset.limit(limit)
        x_train, y_train, x_val, y_val = split_validation(
            dataset.x_train, dataset.y_train, VAL_FRACTION, seed
        )
        bs = config["batch_size"] if BATCH_SIZE is None else BATCH_SIZE
        config["batch_size"] = positive_int(
            "BATCH_SIZE", bs, upper=len(x_train), what="the training images after the validation split"
        )
        config.update(seed=seed, train_limit=limit, val_fraction=VAL_FRACTION, dataset=DATASET)
        config["threads"] = intra_op_threads()
        data = Split(
            x_train[..., None], y_train, x_val[..., None], y_val, dataset.x_test[..., None], dataset.y_test
        )
        run = cls(name, config, seed, output_dir, data, dataset, time.time(), title)
        run._prepare_staging()
        print(
            f"{name}: {len(x_train):,} training, {len(x_val):,} validation, "
            f"{len(dataset.x_test):,} test images from {shown_path(dataset.source)} "
            f"({'checksums verified' if dataset.verified else 'not the full MNIST: no checksums'})"
        )
        return run

    def _prepare_staging(self) -> None:
        # A partial folder from a killed run with the same configuration is resumed;
        # one from another configuration is discarded.
        stamp = self.staging / "run.json"
        if self.staging.exists():
            same = stamp.exists() and json.loads(stamp.read_text()) == self.config
            if same:
                print(f"found an unfinished run in {shown_path(self.staging)}: resuming it")
                return
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        write_json(stamp, self.config)

    def build(self, build_model: BuildModel, **changes) -> keras.Model:
        """``build_model(config, seed, **changes)`` with every random generator seeded first, so
        that the same seed gives the same initial weights (augmentation layers take the seed too)."""
        set_determinism(self.seed)
        return build_model(self.config, self.seed, **changes)

    @property
    def label(self) -> str:
        """How progress lines name this run."""
        return f"{self.name} seed {self.seed}"

    def check_budget(self, model: keras.Model) -> int:
        """The parameter count, asserted against the notebook's budget."""
        params = model.count_params()
        budget = self.config.get("budget")
        assert budget is None or params < budget, f"{params:,} parameters: over the {budget:,} budget"
        print(f"{params:,} parameters" + (f" (budget < {budget:,})" if budget else ""))
        return params

    def choose_learning_rate(self, build_model: BuildModel) -> dict[float, float]:
        """Short runs at each candidate rate, scored on the validation split only."""
        cfg = self.config
        path = self.staging / "lr_sweep.json"
        if path.exists():
            scores = {float(k): v for k, v in json.loads(path.read_text()).items()}
        else:
            scores = lr_sweep(
                lambda: self.build(build_model),
                self.data,
                cfg["lr_candidates"],
                epochs=cfg["lr_sweep_epochs"],
                batch_size=cfg["batch_size"],
                seed=self.seed,
            )
            write_json(path, {str(k): v for k, v in scores.items()})
        cfg["lr"] = max(scores, key=scores.get)
        cfg["lr_sweep"] = scores
        return scores

    def train(self, model: keras.Model, verbose: int = 1) -> tuple[keras.Model, TrainResult]:
        """Train (or resume) with the notebook's configuration: one line per epoch."""
        cfg = self.config
        if cfg["lr"] is None:
            raise ParameterError("no learning rate: call run.choose_learning_rate(build_model) first")
        return self._fit(model, cfg, self.staging / "state", verbose, label=self.label)

    def _fit(
        self, model: keras.Model, cfg: dict, state_dir: Path, verbose: int, read_test: bool = True, label=""
    ):
        return train(
            model,
            self.data,
            epochs=cfg["epochs"],
            batch_size=cfg["batch_size"],
            seed=self.seed,
            lr=cfg["lr"],
            schedule=cfg["schedule"],
            momentum=cfg.get("momentum", 0.9),
            weight_decay=cfg.get("weight_decay", 0.0),
            checkpoint=cfg["checkpoint"],
            state_dir=state_dir,
            read_test=read_test,
            verbose=verbose,
            label=label,
        )

    def ablation(self, build_model: BuildModel, result: TrainResult, verbose: int = 1) -> list[dict]:
        """Train each variant of ``config["ablation"]`` with one change: to the model
        (``model``: keyword arguments of ``build_model``) or to the recipe (``recipe``).

        Same seed, split and epochs as the main run; scored on the validation split only
        (the variants never read the test set).
        Finished variants are kept in the staging folder, so a killed run resumes here too.
        The first row is the main run itself.
        """
        cfg = self.config
        path = self.staging / "ablation.json"
        rows = json.loads(path.read_text()) if path.exists() else []
        for i, variant in enumerate(cfg.get("ablation", [])):
            if any(r["variant"] == variant["name"] for r in rows):
                continue
            changed = {**cfg, **variant.get("recipe", {})}
            set_determinism(self.seed)
            model = build_model(changed, self.seed, **variant.get("model", {}))
            state = self.staging / f"ablation-{i}"
            label = f"{self.label} · ablation {i + 1}/{len(cfg['ablation'])}: {variant['name']}"
            _, res = self._fit(model, changed, state, verbose, read_test=False, label=label)
            rows.append(_ablation_row(variant["name"], model, res))
            write_json(path, rows)
            shutil.rmtree(state)
            print(f"{label}: validation accuracy {rows[-1]['val_accuracy']:.2%}", flush=True)
        full = _ablation_row("full recipe", self.build(build_model), result)
        self.extra["ablation"] = [full, *rows]
        return self.extra["ablation"]

    def path(self, filename: str) -> Path:
        """Where a figure or file goes while the run is in progress."""
        return self.staging / filename

    def evaluate(self, model: keras.Model, result: TrainResult) -> dict:
        """Save the model, evaluate it as saved (the one read of the test set that counts) and
        write metrics.json; ``publish()`` makes the results visible once the figures are in."""
        model_path = self.staging / MODEL_FILE
        # Published for inference: a plain optimizer, so loading needs no lib/ (OneCycle).
        model.compile(optimizer=keras.optimizers.SGD(), loss=LOSS, metrics=["accuracy"])
        model.save(model_path)
        saved = keras.saving.load_model(model_path, safe_mode=True)
        test_loss, test_acc = saved.evaluate(self.data.x_test, self.data.y_test, batch_size=1000, verbose=0)
        views = self.config.get("tta")
        if views:  # the recipe predicts over its views: that is its test accuracy
            test = tta.scores(tta.predict(saved, self.data.x_test, **views), self.data.y_test)
            val = tta.scores(tta.predict(saved, self.data.x_val, **views), self.data.y_val)
            self.extra["tta"] = {
                "views": tta.views(**views),
                "val_accuracy": val["accuracy"],
                "val_loss": val["loss"],
                "single_view_test_accuracy": float(test_acc),
                "single_view_test_loss": float(test_loss),
            }
            test_acc, test_loss = test["accuracy"], test["loss"]
        h = result.history
        metrics = {
            "notebook": self.name,
            "title": self.title or self.name,
            "dataset": self.dataset.name,
            "params": int(saved.count_params()),
            "trainable_params": int(sum(np.prod(w.shape) for w in saved.trainable_weights)),
            "epochs": result.epochs,
            "test_accuracy": float(test_acc),
            "test_loss": float(test_loss),
            "saved_epoch": result.saved_epoch,
            "selection": result.selection,
            "best_val_accuracy": float(max(h["val_accuracy"])),
            "val_accuracy_of_saved": float(h["val_accuracy"][result.saved_epoch - 1]),
            "history": h,
            "seconds_per_epoch": round(result.seconds_per_epoch, 3),
            "epoch_seconds": [round(s, 3) for s in result.epoch_seconds],
            "wall_seconds": round(time.time() - self.started, 1),
            "resumed_from_epoch": result.resumed_from,
            "seed": self.seed,
            "model_file": MODEL_FILE,
            "config": self.config,
            "data": {
                "source": self.dataset.source,
                "verified": self.dataset.verified,
                "train": len(self.data.x_train),
                "validation": len(self.data.x_val),
                "test": len(self.data.x_test),
            },
            "article": ARTICLE.get(self.name),
            **self.extra,
            "versions": versions(),
            # the commit at the start, and the lib/ modules this run has used by now
            "git": self._git_record(),
        }
        write_json(self.staging / "metrics.json", metrics)
        return metrics

    def _git_record(self) -> dict:
        modules = loaded_lib_modules()
        return {**self.git, "dirty": run_dirty(self.git, modules, self.name), "lib_modules": modules}

    def publish(self) -> None:
        """Swap the staging folder in; the old results go only once the new ones are in place."""
        if not (self.staging / "metrics.json").exists():
            raise RuntimeError("nothing to publish: call run.evaluate(model, result) first")
        shutil.rmtree(self.staging / "state", ignore_errors=True)
        old = self.output_dir.with_name(self.output_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.output_dir.exists():
            self.output_dir.rename(old)
        self.staging.rename(self.output_dir)
        shutil.rmtree(old, ignore_errors=True)
        print(f"results in {shown_path(self.output_dir)}")

    def predictions(self, model: keras.Model) -> np.ndarray:
        """Class probabilities on the test set (for the confusion matrix and error grid), as
        the recipe predicts: over its views where it has ``tta``."""
        return tta.predict(model, self.data.x_test, **self.config.get("tta", {}))


def _ablation_row(name: str, model: keras.Model, result: TrainResult) -> dict:
    h = result.history
    return {
        "variant": name,
        "params": int(model.count_params()),
        "val_accuracy": float(h["val_accuracy"][-1]),
        "best_val_accuracy": float(max(h["val_accuracy"])),
        "val_loss": float(h["val_loss"][-1]),
        "train_accuracy": float(h["accuracy"][-1]),
    }

"""Training that is reproducible, resumable and honest about what it selects.

One ``fit`` call per epoch: before each epoch the data order and every layer's random
stream (dropout, augmentation) are re-seeded from (seed, epoch), and after each epoch the
model, the optimizer and the log are saved. A run killed part-way and started again
resumes from the last completed epoch and ends with the same numbers as one that never
stopped. Checkpoints monitor the validation split only; test accuracy is recorded per
epoch for reading, never for choosing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from lib import speedups
from lib.files import write_json
from lib.speedups import input_stage

LOSS = "sparse_categorical_crossentropy"
SPEEDUPS = speedups.enable()  # TensorFlow only; the saved models stay standard Keras


def intra_op_threads() -> int | None:
    """TensorFlow's intra-op threads as set through the environment (None: one per core).

    Part of a run's identity: the thread count changes the order of floating-point sums.
    """
    value = os.environ.get("TF_NUM_INTRAOP_THREADS")
    return int(value) if value else None


def steps_per_execution() -> int:
    """Batches per call into the compiled step: on TensorFlow 32, so that Python dispatches
    a graph loop over 32 batches rather than each batch (``make bench`` times 05 both ways).
    The numbers stay the same bit for bit (tests/test_training.py). Keras on JAX runs the
    steps of a call one by one from Python anyway (on a CPU: the same numbers, no faster);
    PyTorch takes only 1.
    """
    return 32 if keras.backend.backend() == "tensorflow" else 1


def set_determinism(seed: int) -> None:
    """Seed Python, NumPy and the backend; make TensorFlow's ops deterministic on CPU."""
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def _reseed(model: keras.Model, seed: int, epoch: int) -> None:
    # Layers keep their random stream in a SeedGenerator state variable that is not saved
    # with the model; resetting it per epoch makes an epoch's randomness depend on
    # (seed, epoch) only, which is what lets a resumed run match an uninterrupted one.
    keras.utils.set_random_seed(seed * 1000 + epoch)
    for i, layer in enumerate(model._flatten_layers()):
        for sg in getattr(layer, "_seed_generators", []):
            sg.state.assign(np.array([seed * 1000 + epoch, i], dtype=sg.state.dtype))


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of the training images in one epoch: a function of (seed, epoch) only."""
    return np.random.default_rng([seed, epoch]).permutation(n)


def feed(x: np.ndarray, y: np.ndarray, batch_size: int) -> dict:
    """What ``fit``, ``evaluate`` and ``predict`` read, in order: ``model.fit(**feed(...))``.

    On TensorFlow, a plain ``tf.data`` pipeline: batches in the given order, no autotuning,
    one background thread. Keras's own adapter for arrays (a parallel map with autotuned
    prefetching) left steps waiting for data here, in bursts that doubled whole epochs
    (11 s -> 21 s), most often with two trainings side by side. Other backends get the
    arrays. Same batches, same order: the numbers do not change, only the waiting.
    """
    if keras.backend.backend() != "tensorflow":
        return dict(x=x, y=y, batch_size=batch_size)
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    options.threading.private_threadpool_size = 1
    options.deterministic = True
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    return dict(x=dataset.with_options(options).prefetch(1))


def _validation(x: np.ndarray, y: np.ndarray, batch_size: int) -> dict:
    f = feed(x, y, batch_size)
    if "y" in f:
        return dict(validation_data=(f["x"], f["y"]), validation_batch_size=batch_size)
    return dict(validation_data=f["x"])


@keras.saving.register_keras_serializable(package="small_cnn")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up to ``peak`` over ``warmup`` of the steps, then linear decay to ~0."""

    def __init__(
        self,
        peak: float,
        total_steps: int,
        warmup: float = 0.25,
        start_div: float = 10.0,
        end_div: float = 1000.0,
    ):
        self.peak, self.total_steps, self.warmup = float(peak), int(total_steps), float(warmup)
        self.start_div, self.end_div = float(start_div), float(end_div)

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        up = max(1.0, self.warmup * self.total_steps)
        lo, hi, end = self.peak / self.start_div, self.peak, self.peak / self.end_div
        rising = lo + (hi - lo) * step / up
        falling = hi + (end - hi) * (step - up) / max(1.0, self.total_steps - up)
        return keras.ops.where(step < up, rising, keras.ops.maximum(falling, end))

    def get_config(self) -> dict:
        return dict(
            peak=self.peak,
            total_steps=self.total_steps,
            warmup=self.warmup,
            start_div=self.start_div,
            end_div=self.end_div,
        )


@keras.saving.register_keras_serializable(package="small_cnn")
class CycledMomentumSGD(keras.optimizers.SGD):
    """Keras's Nesterov SGD with the momentum moving against a one-cycle rate: from ``high``
    down to ``low`` while the rate rises, back up while it falls (Smith's one-cycle policy;
    Keras's SGD takes one fixed momentum). With ``high == low`` it is Keras's SGD, bit for bit.
    """

    def __init__(self, learning_rate, total_steps: int, high=0.95, low=0.85, warmup=0.25, **kwargs):
        super().__init__(learning_rate, momentum=high, **kwargs)
        self.total_steps, self.high, self.low = int(total_steps), float(high), float(low)
        self.warmup = float(warmup)

    def momentum_at(self, step):
        step = keras.ops.cast(step, "float32")
        up = max(1.0, self.warmup * self.total_steps)
        falling = self.high + (self.low - self.high) * step / up
        rising = self.low + (self.high - self.low) * (step - up) / max(1.0, self.total_steps - up)
        return keras.ops.where(step < up, falling, keras.ops.minimum(rising, self.high))

    def update_step(self, gradient, variable, learning_rate):
        ops = keras.ops
        momentum = ops.cast(self.momentum_at(self.iterations), variable.dtype)
        step = ops.multiply(ops.cast(gradient, variable.dtype), ops.cast(learning_rate, variable.dtype))
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, ops.subtract(ops.multiply(m, momentum), step))
        self.assign_add(variable, ops.subtract(ops.multiply(m, momentum), step))

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("momentum")
        extra = dict(total_steps=self.total_steps, high=self.high, low=self.low, warmup=self.warmup)
        return {**config, **extra}


def make_optimizer(
    lr: float,
    *,
    schedule: str = "constant",
    momentum: float | Sequence[float] = 0.9,
    steps_per_epoch: int = 1,
    epochs: int = 1,
    weight_decay: float = 0.0,
) -> keras.optimizers.Optimizer:
    """SGD with Nesterov momentum, at a constant rate or on a one-cycle schedule.

    ``momentum=(high, low)`` cycles it against the one-cycle rate (``CycledMomentumSGD``).
    ``weight_decay`` shrinks every weight by ``lr * weight_decay`` per step (Keras's form).
    """
    if schedule == "constant":
        rate = lr
    elif schedule == "onecycle":
        rate = OneCycle(lr, steps_per_epoch * epochs)
    else:
        raise ValueError(f"schedule={schedule!r}: expected 'constant' or 'onecycle'")
    decay = dict(nesterov=True, weight_decay=weight_decay or None)
    if isinstance(momentum, (int, float)):
        return keras.optimizers.SGD(rate, momentum=momentum, **decay)
    if schedule != "onecycle" or len(momentum) != 2:
        raise ValueError(f"momentum={momentum!r}: a cycled momentum is (high, low), with schedule='onecycle'")
    return CycledMomentumSGD(rate, rate.total_steps, *momentum, warmup=rate.warmup, **decay)


@dataclass
class Split:
    """Training, validation (carved from the training images) and test arrays."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass
class TrainResult:
    history: dict[str, list[float]]
    epoch_seconds: list[float]
    saved_epoch: int  # 1-based epoch whose weights were kept
    selection: str  # "best validation accuracy" or "last epoch"
    resumed_from: int = 0

    @property
    def epochs(self) -> int:
        return len(self.epoch_seconds)

    @property
    def seconds_per_epoch(self) -> float:
        """Median time of one epoch's fit (training plus validation); excludes test reads."""
        return float(np.median(self.epoch_seconds)) if self.epoch_seconds else 0.0


def train(
    model: keras.Model,
    data: Split,
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    lr: float,
    schedule: str = "constant",
    momentum: float | Sequence[float] = 0.9,
    weight_decay: float = 0.0,
    checkpoint: bool = False,
    state_dir: str | os.PathLike,
    read_test: bool = True,
    verbose: int = 1,
    label: str = "",
) -> tuple[keras.Model, TrainResult]:
    """Train ``model`` (or resume it from ``state_dir``); return the model to save.

    With ``checkpoint`` the returned weights are those of the epoch with the best validation
    accuracy (the earliest on ties); otherwise those of the last epoch. ``read_test=False``
    skips the per-epoch test reading (runs scored on the validation split only).
    ``verbose``: one progress line per epoch, prefixed with ``label`` (0: silent).
    """
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "log.json"
    steps = -(-len(data.x_train) // batch_size)
    log = json.loads(log_path.read_text()) if log_path.exists() else None
    if log:
        model = keras.saving.load_model(state_dir / log["model_file"], safe_mode=True)
        if verbose:
            print(f"resuming from {state_dir} after epoch {log['epochs_done']}")
    else:
        model.compile(
            make_optimizer(
                lr,
                schedule=schedule,
                momentum=momentum,
                steps_per_epoch=steps,
                epochs=epochs,
                weight_decay=weight_decay,
            ),
            loss=LOSS,
            metrics=["accuracy"],
            steps_per_execution=steps_per_execution(),
        )
        log = dict(
            epochs_done=0,
            history={},
            epoch_seconds=[],
            best_epoch=0,
            best_val=-1.0,
            model_file=None,
            best_file=None,
            resumed_from=0,
        )
    log["resumed_from"] = log["epochs_done"]
    x_train, x_val, x_test = data.x_train, data.x_val, data.x_test
    stage = speedups.ENABLED and log["epochs_done"] < epochs
    pre, fitted = input_stage.for_training(model) if stage else (None, model)
    if pre:  # the same numbers, the fixed input stage computed once (lib/speedups/input_stage.py)
        t0 = time.perf_counter()
        x_train, x_val = (pre.predict(x, batch_size=1000, verbose=0) for x in (x_train, x_val))
        x_test = pre.predict(x_test, batch_size=1000, verbose=0) if read_test else x_test
        if verbose:
            names = ", ".join(layer.name for layer in pre.layers[1:])
            head = f"{label}: " if label else ""
            print(
                f"{head}input stage ({names}) computed once in {time.perf_counter() - t0:.1f} s", flush=True
            )
    started = time.perf_counter()
    n = len(data.x_train)
    for epoch in range(log["epochs_done"], epochs):
        _reseed(model, seed, epoch)
        order = epoch_order(seed, epoch, n)
        t0 = time.perf_counter()
        h = fitted.fit(
            **feed(x_train[order], data.y_train[order], batch_size),
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=False,
            **_validation(x_val, data.y_val, 1000),
            verbose=0,
        )
        seconds = time.perf_counter() - t0
        row = {k: float(v[-1]) for k, v in h.history.items()}
        if read_test:
            test = fitted.evaluate(**feed(x_test, data.y_test, 1000), verbose=0, return_dict=True)
            row.update(test_loss=float(test["loss"]), test_accuracy=float(test["accuracy"]))
        row["learning_rate"] = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        for k, v in row.items():
            log["history"].setdefault(k, []).append(v)
        log["epoch_seconds"].append(seconds)
        old = [log["model_file"]]
        if checkpoint and row["val_accuracy"] > log["best_val"]:
            old.append(log["best_file"])
            log["best_val"], log["best_epoch"] = row["val_accuracy"], epoch + 1
            log["best_file"] = f"best-{epoch + 1}.weights.h5"
            model.save_weights(state_dir / log["best_file"])
        log["model_file"] = f"epoch-{epoch + 1}.keras"
        model.save(state_dir / log["model_file"])
        log["epochs_done"] = epoch + 1
        write_json(log_path, log, indent=None)  # the commit point: files it names are complete
        for f in old:
            if f and f not in (log["model_file"], log["best_file"]):
                (state_dir / f).unlink(missing_ok=True)
        if verbose:
            print(
                progress_line(label, epoch + 1, epochs, row, time.perf_counter() - started, log), flush=True
            )
    if checkpoint and log["best_file"]:
        model.load_weights(state_dir / log["best_file"])
        saved, how = log["best_epoch"], "best validation accuracy"
    else:
        saved, how = log["epochs_done"], "last epoch"
    return model, TrainResult(log["history"], log["epoch_seconds"], saved, how, log["resumed_from"])


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def progress_line(label: str, epoch: int, epochs: int, row: dict, elapsed: float, log: dict) -> str:
    """One plain line per epoch (no carriage returns, so it reads the same in a CI log):
    where the run is, the epoch's validation accuracy, time spent and an estimate of what is left."""
    done_here = epoch - log["resumed_from"]
    left = elapsed / max(1, done_here) * (epochs - epoch)
    head = f"{label} · " if label else ""
    return (
        f"{head}epoch {epoch}/{epochs} · train {row['accuracy']:.2%} · "
        f"validation {row['val_accuracy']:.2%} · {log['epoch_seconds'][-1]:.1f} s · "
        f"elapsed {_clock(elapsed)}, about {_clock(left)} left"
    )


def lr_sweep(
    build, data: Split, lrs: list[float], *, epochs: int, batch_size: int, seed: int, verbose: int = 0
) -> dict[float, float]:
    """Validation accuracy after ``epochs`` at each constant learning rate (same seed, same
    batches for every rate)."""
    scores = {}
    for lr in lrs:
        set_determinism(seed)
        model = build()
        model.compile(
            make_optimizer(lr), loss=LOSS, metrics=["accuracy"], steps_per_execution=steps_per_execution()
        )
        for epoch in range(epochs):
            order = epoch_order(seed, epoch, len(data.x_train))
            model.fit(**feed(data.x_train[order], data.y_train[order], batch_size), verbose=verbose)
        val = model.evaluate(**feed(data.x_val, data.y_val, 1000), verbose=0, return_dict=True)
        scores[lr] = float(val["accuracy"])
    return scores

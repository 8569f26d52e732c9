import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest
from helpers import model as notebook_model
from helpers import split

from lib import training
from lib.speedups import fast_batchnorm, fast_conv, input_stage
from lib.training import OneCycle, set_determinism, train

# Short names for the notebooks whose models these tests train
NOTEBOOK = {
    "batchnorm": "03_batchnorm",
    "regularized": "04_dropout_schedule",
    "under_8k": "05_under_8k",
    "under_5k": "06_under_5k",
}


def build_model(name: str, **changes):
    return notebook_model(NOTEBOOK[name], **changes)


HERE = Path(__file__).resolve().parent


def _train(arrays, tmp, epochs=2, name="batchnorm", **kw):
    set_determinism(0)
    kw = {"batch_size": 32, "seed": 0, "lr": 0.05, "schedule": "constant", "checkpoint": True, **kw}
    return train(build_model(name), split(arrays), epochs=epochs, state_dir=tmp, verbose=0, **kw)


def test_a_tiny_run_lowers_the_loss_and_learns(arrays, tmp_path):
    _, r = _train(arrays, tmp_path, epochs=3)
    loss = r.history["loss"]
    assert loss[-1] < loss[0] * 0.5
    assert r.history["val_accuracy"][-1] > 0.5  # chance is 0.1
    assert r.epochs == 3 and len(r.history["test_accuracy"]) == 3


def test_same_seed_same_history(arrays, tmp_path):
    _, a = _train(arrays, tmp_path / "a", name="regularized", schedule="onecycle")
    _, b = _train(arrays, tmp_path / "b", name="regularized", schedule="onecycle")
    assert a.history == b.history  # bit for bit, dropout included


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the tf.data feed is TensorFlow's")
def test_the_tf_data_feed_trains_exactly_like_arrays(arrays, tmp_path, monkeypatch):
    _, piped = _train(arrays, tmp_path / "piped", name="regularized", schedule="onecycle")
    monkeypatch.setattr(training, "feed", lambda x, y, batch_size: dict(x=x, y=y, batch_size=batch_size))
    _, plain = _train(arrays, tmp_path / "plain", name="regularized", schedule="onecycle")
    assert piped.history == plain.history


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="measured and set on TensorFlow only")
def test_many_steps_per_call_train_exactly_like_one(arrays, tmp_path, monkeypatch):
    # 63 steps: one full call of 32 and a shorter one
    kw = dict(name="regularized", schedule="onecycle", batch_size=16)
    model, many = _train(arrays, tmp_path / "many", **kw)
    assert model.steps_per_execution == training.steps_per_execution() > 1
    monkeypatch.setattr(training, "steps_per_execution", lambda: 1)
    model, one = _train(arrays, tmp_path / "one", **kw)
    assert model.steps_per_execution == 1
    assert many.history == one.history  # bit for bit, dropout and rotations included


def test_the_input_stage_computed_once_trains_exactly_like_every_step(arrays, tmp_path, monkeypatch):
    # 05: scaling and deskewing ahead; rotations, BatchNorm and dropout after them, every step
    kw = dict(name="under_8k", schedule="onecycle", momentum=[0.95, 0.85], checkpoint=False)
    model, once = _train(arrays, tmp_path / "once", **kw)
    monkeypatch.setattr(input_stage, "split", lambda model: None)
    _, every = _train(arrays, tmp_path / "every", **kw)
    assert once.history == every.history  # bit for bit, test readings included
    saved = keras.saving.load_model(tmp_path / "once" / "epoch-2.keras", safe_mode=True)
    # the saved model still takes raw pixels
    assert [layer.name for layer in saved.layers[:3]] == ["pixels", "scale", "deskew"]
    x = split(arrays).x_val
    np.testing.assert_array_equal(saved.predict(x, verbose=0), model.predict(x, verbose=0))


def test_only_a_costly_fixed_input_stage_is_split_off(arrays):
    assert input_stage.split(build_model("regularized")) is None  # a rescaling alone: not worth it
    # deskewing, then straight to the convolutions
    model = notebook_model("06_under_5k", recipe={"augment": {}})
    stage, rest = input_stage.split(model)
    assert [layer.name for layer in stage.layers] == ["pixels", "scale", "deskew"]
    assert rest.weights == model.weights  # the same variables: training rest trains the model
    x = arrays["x_test"][:64, ..., None]
    np.testing.assert_array_equal(
        rest.predict(stage.predict(x, verbose=0), verbose=0), model.predict(x, verbose=0)
    )


def test_validation_only_runs_never_read_the_test_set(arrays, tmp_path):
    data = split(arrays)
    data.x_test = data.x_test[:0]  # any read of the test set would fail on an empty array
    set_determinism(0)
    _, r = train(
        build_model("batchnorm"),
        data,
        epochs=1,
        batch_size=32,
        seed=0,
        lr=0.05,
        state_dir=tmp_path,
        read_test=False,
        verbose=0,
    )
    assert "val_accuracy" in r.history and not any(k.startswith("test_") for k in r.history)


def test_checkpoint_keeps_the_best_validation_epoch(arrays, tmp_path):
    model, r = _train(arrays, tmp_path, epochs=3)
    best = int(np.argmax(r.history["val_accuracy"])) + 1  # argmax: the earliest on ties
    assert r.saved_epoch == best and r.selection == "best validation accuracy"
    acc = model.evaluate(split(arrays).x_val, split(arrays).y_val, verbose=0)[1]
    assert acc == pytest.approx(r.history["val_accuracy"][best - 1], abs=1e-6)


def test_without_checkpoint_the_last_epoch_is_kept(arrays, tmp_path):
    _, r = _train(arrays, tmp_path, epochs=2, checkpoint=False)
    assert r.saved_epoch == 2 and r.selection == "last epoch"


def test_one_cycle_rises_then_falls():
    s = OneCycle(0.1, total_steps=100)
    lr = [float(s(i)) for i in range(100)]
    assert lr[0] == pytest.approx(0.01) and max(lr) == pytest.approx(0.1, rel=1e-3)
    assert int(np.argmax(lr)) == 25 and lr[-1] < 0.002
    assert keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(s))(50) == s(50)


def _weights_after_steps(momentum, arrays, schedule="onecycle"):
    set_determinism(0)
    model = build_model("under_5k")
    opt = training.make_optimizer(0.2, schedule=schedule, momentum=momentum, steps_per_epoch=10, epochs=2)
    model.compile(opt, loss=training.LOSS)
    x, y = arrays["x_train"][:640, ..., None], arrays["y_train"][:640]
    model.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)
    return model, [w.numpy() for w in model.weights]


def test_cycled_momentum_with_equal_ends_is_keras_sgd(arrays):
    _, plain = _weights_after_steps(0.9, arrays)
    _, cycled = _weights_after_steps([0.9, 0.9], arrays)
    _, moving = _weights_after_steps([0.95, 0.85], arrays)
    assert all(np.array_equal(a, b) for a, b in zip(plain, cycled, strict=True))  # bit for bit
    assert not all(np.array_equal(a, b) for a, b in zip(plain, moving, strict=True))


def test_cycled_momentum_falls_while_the_rate_rises_and_is_saved(arrays, tmp_path):
    model, _ = _weights_after_steps([0.95, 0.85], arrays)
    opt = model.optimizer
    assert isinstance(opt, training.CycledMomentumSGD) and int(opt.iterations.numpy()) == 20
    momentum = [float(opt.momentum_at(step)) for step in (0, 5, 20)]  # warm-up: 5 of 20 steps
    assert momentum == pytest.approx([0.95, 0.85, 0.95])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True).optimizer
    assert (loaded.high, loaded.low, loaded.total_steps) == (0.95, 0.85, 20)
    assert all(np.array_equal(a, b) for a, b in zip(opt.variables, loaded.variables, strict=True))
    with pytest.raises(ValueError, match="a cycled momentum is \\(high, low\\), with schedule='onecycle'"):
        training.make_optimizer(0.1, momentum=[0.95, 0.85])


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the fused kernel is TensorFlow's")
def test_fused_batchnorm_matches_keras():
    x = np.random.default_rng(0).normal(2, 3, size=(64, 6, 6, 8)).astype("float32")
    out = {}
    for fused in (False, True):
        fast_batchnorm.enable() if fused else fast_batchnorm.disable()
        bn = keras.layers.BatchNormalization(momentum=0.5)  # far from 1: the batch variance shows
        train = np.asarray(bn(x, training=True))
        # inference reads the moving statistics the training call just updated
        out[fused] = (train, bn.moving_mean.numpy(), bn.moving_variance.numpy(), np.asarray(bn(x)))
    fast_batchnorm.enable()
    assert not np.allclose(out[True][0], out[True][3], atol=1e-2)  # two different normalisations
    for a, b in zip(out[False], out[True], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the fast path is TensorFlow's")
@pytest.mark.parametrize("shape,kernel", [((3, 3, 16), 3), ((1, 1, 24), 1), ((5, 5, 4), 3)])
def test_whole_map_convolutions_match_keras(shape, kernel):
    # (5, 5) is not a whole-map convolution: it must keep Keras's own code
    import tensorflow as tf

    x = np.random.default_rng(0).normal(size=(8, *shape)).astype("float32")
    conv = keras.layers.Conv2D(6, kernel)
    conv.build((None, *shape))
    assert fast_conv.covers_whole_map(conv, (None, *shape)) == (shape[0] == kernel)
    out = {}
    for fast in (False, True):
        fast_conv.enable() if fast else fast_conv.disable()
        with tf.GradientTape() as tape:
            xt = keras.ops.convert_to_tensor(x)
            tape.watch(xt)
            y = conv(xt)
            loss = keras.ops.sum(y * y)
        out[fast] = (np.asarray(y), *(np.asarray(g) for g in tape.gradient(loss, [xt, conv.kernel])))
    fast_conv.enable()
    for a, b in zip(out[False], out[True], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    assert keras.layers.serialize(conv)["class_name"] == "Conv2D"  # saved files stay standard Keras


def test_killed_run_resumes_and_matches_an_uninterrupted_one(tmp_path):
    cmd = [sys.executable, str(HERE / "resume_script.py")]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run(
        [*cmd, str(tmp_path / "straight"), str(tmp_path / "straight.json"), "6"], env=env, check=True
    )
    straight = json.loads((tmp_path / "straight.json").read_text())

    state = tmp_path / "killed"
    proc = subprocess.Popen([*cmd, str(state), str(tmp_path / "killed.json"), "6"], env=env)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        log = state / "log.json"
        if log.exists() and json.loads(log.read_text())["epochs_done"] >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = json.loads((state / "log.json").read_text())["epochs_done"]
    assert 2 <= done < 6, "the run must be killed part-way"
    assert not (tmp_path / "killed.json").exists()

    subprocess.run([*cmd, str(state), str(tmp_path / "killed.json"), "6"], env=env, check=True)
    resumed = json.loads((tmp_path / "killed.json").read_text())
    assert resumed["resumed_from"] == done
    assert resumed["history"] == straight["history"]
    assert resumed["saved_epoch"] == straight["saved_epoch"]

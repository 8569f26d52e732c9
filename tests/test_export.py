"""TensorFlow Lite export: the builtin-only deskewing, both formats, and the committed files."""

import json

import keras
import numpy as np
import pytest
from conftest import ROOT

import lib.blocks  # noqa: F401  (the custom layers of the saved models)
from lib import tta
from lib.deskew import Deskew
from lib.export import (
    BuiltinDeskew,
    TFLiteModel,
    all_layers,
    for_export,
    operators,
    representative_images,
    to_tflite,
)
from tools import export

OUTPUTS = ROOT / "outputs"


@pytest.fixture(scope="module")
def mnist(real_mnist):
    return np.load(real_mnist)


@pytest.fixture(scope="module")
def model_05():
    return keras.saving.load_model(OUTPUTS / "05_under_8k" / "model.keras")


@pytest.mark.parametrize("max_slant", [1.0, 0.1])  # 0.1: most digits' slant is clipped
def test_builtin_deskew_is_deskew(mnist, max_slant):
    x = np.concatenate([mnist["x_test"][:300], np.zeros((1, 28, 28), "uint8")])  # and a blank image
    x = (x[..., None] / 255 - 0.13) / 0.31  # standardised, as after scaled_input
    background = -0.13 / 0.31
    reference = Deskew(background=background, max_slant=max_slant)(x)
    builtin = BuiltinDeskew(background=background, max_slant=max_slant)(x)
    assert np.abs(keras.ops.convert_to_numpy(reference - builtin)).max() < 1e-4
    assert np.abs(keras.ops.convert_to_numpy(reference - x)).max() > 1  # it does move the digits


def test_the_saved_deskewing_model_needs_the_rewrite(model_05):
    with pytest.raises(Exception, match="ImageProjectiveTransform"):
        to_tflite(model_05, "float32")


def test_05_as_float32_and_int8_with_builtin_operators(model_05, mnist, tmp_path):
    x, y = mnist["x_test"][:1000, ..., None].astype("float32"), mnist["y_test"][:1000]
    keras_probs = model_05.predict(x, verbose=0)
    exported = for_export(model_05)
    layers = list(all_layers(exported))
    assert not any(type(layer) is Deskew for layer in layers) and any(
        isinstance(x, BuiltinDeskew) for x in layers
    )
    for fmt in ("float32", "int8"):
        path = tmp_path / f"05.{fmt}.tflite"
        path.write_bytes(to_tflite(exported, fmt, representative_images(mnist["x_train"], 200)))
        ops = operators(path.read_bytes())  # loads with the builtin kernels alone
        assert "BATCH_MATMUL" in ops and not any(op.startswith("Flex") or op == "CUSTOM" for op in ops)
        lite = TFLiteModel(path)
        probs = lite.predict(x)
        if fmt == "float32":
            assert np.abs(probs - keras_probs).max() < 1e-4
        else:
            assert lite.input["dtype"] == np.int8 and "CONV_2D" in ops
            assert np.mean(probs.argmax(1) == keras_probs.argmax(1)) >= 0.99
            assert abs(np.mean(probs.argmax(1) == y) - np.mean(keras_probs.argmax(1) == y)) <= 0.003
    assert (tmp_path / "05.int8.tflite").stat().st_size < (tmp_path / "05.float32.tflite").stat().st_size


def test_the_mirror_mean_is_inside_the_file(mnist, tmp_path):
    model = keras.saving.load_model(OUTPUTS / "08_fashion_mnist" / "model.keras")
    x = mnist["x_test"][:200, ..., None].astype("float32")  # any images: only the numbers are compared
    path = tmp_path / "08.tflite"
    path.write_bytes(to_tflite(for_export(model, mirror_views=True), "float32"))
    expected = tta.predict(model, x, flip=True)
    assert np.abs(TFLiteModel(path).predict(x) - expected).max() < 1e-4
    assert np.abs(model.predict(x, verbose=0) - expected).max() > 1e-3  # the mirror view counts


def test_the_committed_files_score_what_export_json_says(mnist):
    summary = json.loads((OUTPUTS / "export" / "export.json").read_text())
    assert list(summary["models"]) == export.MODELS
    for name, row in summary["models"].items():
        metrics = json.loads((OUTPUTS / name / "metrics.json").read_text())
        assert row["keras"]["accuracy"] == pytest.approx(metrics["test_accuracy"], abs=1e-6)
        for fmt in ("float32", "int8"):
            path = OUTPUTS / "export" / row[fmt]["file"]
            assert path.stat().st_size == row[fmt]["bytes"]
            assert operators(path.read_bytes()) == row[fmt]["operators"]
            assert not any(op.startswith("Flex") or op == "CUSTOM" for op in row[fmt]["operators"])
            if metrics["dataset"] == "mnist":
                probs = TFLiteModel(path).predict(mnist["x_test"])
                assert np.mean(probs.argmax(1) == mnist["y_test"]) == pytest.approx(
                    row[fmt]["accuracy"], abs=1e-9
                )
        assert row["keras"]["accuracy"] - row["int8"]["accuracy"] <= export.MAX_INT8_COST / 100
    assert summary["models"]["05_under_8k"]["int8"]["accuracy"] >= 0.994


def test_export_writes_both_files_or_fails_naming_the_model(real_mnist, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_PATH", str(real_mnist))
    out = tmp_path / "export"
    assert export.export_all(["07_skip_connections"], out) == 0
    row = json.loads((out / "export.json").read_text())["models"]["07_skip_connections"]
    assert {p.name for p in out.iterdir()} == {
        "export.json",
        "07_skip_connections.float32.tflite",
        "07_skip_connections.int8.tflite",
    }
    assert row["float32"]["change_points"] == 0 and row["int8"]["median_ms_one_image"] > 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(export, "MAX_INT8_COST", -1.0)  # int8 would have to gain a point
    assert export.export_all(["07_skip_connections"], out) == 1
    err = capsys.readouterr().err
    assert "07_skip_connections" in err and "unchanged" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous files kept

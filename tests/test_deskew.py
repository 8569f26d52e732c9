import keras
import numpy as np
import pytest

from lib.blocks import BACKGROUND, MNIST_MEAN, MNIST_STD
from lib.deskew import Deskew, slant_and_centre


def stroke(slant: float, centre_col: float = 14.0, rows=range(5, 23)) -> np.ndarray:
    """A raw 0-255 image of a two-pixel-wide stroke leaning by ``slant`` columns per row."""
    x = np.zeros((28, 28), "float32")
    mid = (rows.start + rows.stop - 1) / 2
    for r in rows:
        c = int(round(centre_col + slant * (r - mid)))
        x[r, c : c + 2] = 255.0
    return x[None, ..., None]


def measured(images: np.ndarray, background: float = 0.0):
    ink = np.maximum(images[..., 0] - background, 0.0)
    return [np.asarray(v) for v in slant_and_centre(keras.ops.convert_to_tensor(ink))]


@pytest.mark.parametrize("slant", [-0.4, 0.3])
def test_a_leaning_stroke_comes_out_upright_and_centred_with_its_ink(slant):
    x = stroke(slant)
    assert abs(measured(x)[0][0] - slant) < 0.05  # the measure reads the lean it was drawn with
    y = np.asarray(Deskew()(x))
    s, cr, cc = measured(y)
    assert abs(s[0]) < 0.02
    assert abs(cr[0] - 14) < 0.05 and abs(cc[0] - 14) < 0.05
    assert y.sum() == pytest.approx(x.sum(), rel=0.01)  # sheared, not cut


def test_the_background_is_what_counts_as_no_ink_and_what_fills():
    # after scaled_input a blank pixel is BACKGROUND, not 0
    raw = stroke(0.3)
    x = raw / (255 * MNIST_STD) - MNIST_MEAN / MNIST_STD
    y = np.asarray(Deskew(background=BACKGROUND)(x))
    assert abs(measured(y, BACKGROUND)[0][0]) < 0.02
    assert y.min() == pytest.approx(BACKGROUND, abs=1e-5)
    blank = np.full((2, 28, 28, 1), BACKGROUND, "float32")
    np.testing.assert_allclose(np.asarray(Deskew(background=BACKGROUND)(blank)), blank, atol=1e-6)


def test_the_same_in_training_and_at_inference_and_through_a_saved_model(tmp_path):
    x = np.concatenate([stroke(0.3), stroke(-0.2, 12.0)])
    inputs = keras.Input((28, 28, 1))
    model = keras.Model(inputs, Deskew(name="deskew")(inputs))
    assert model.count_params() == 0
    np.testing.assert_array_equal(np.asarray(model(x, training=True)), np.asarray(model(x, training=False)))
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_a_negative_slant_limit_is_refused():
    with pytest.raises(ValueError, match="max_slant"):
        Deskew(max_slant=-1.0)


@pytest.mark.parametrize("name", ["05_under_8k", "06_under_5k"])
def test_05_and_06_deskew_and_their_saved_models_load_with_lib_deskew_imported(tmp_path, name):
    import subprocess
    import sys

    from helpers import model as build

    from lib import ROOT

    assert "deskew" in [layer.name for layer in build(name).layers]
    plain = build("06_under_5k", deskew=False)  # 06's ablation switches it off
    assert "deskew" not in [layer.name for layer in plain.layers]
    assert build("06_under_5k").count_params() == plain.count_params()
    x = np.concatenate([stroke(0.3), stroke(-0.2, 12.0)])
    model = build(name)
    model.save(tmp_path / "m.keras")
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "p.npy", model.predict(x, verbose=0))
    # what the README tells a reader to do: import lib.deskew, then plain Keras
    script = (
        "import sys, numpy as np, keras; sys.path.insert(0, sys.argv[2]); import lib.deskew; "
        "m = keras.saving.load_model(sys.argv[1] + '/m.keras'); "
        "np.testing.assert_allclose(m.predict(np.load(sys.argv[1] + '/x.npy'), verbose=0), "
        "np.load(sys.argv[1] + '/p.npy'), atol=1e-6)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), str(ROOT)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]

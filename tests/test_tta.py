import keras
import numpy as np
import pytest

from lib import tta
from lib.params import ParameterError


def _bar() -> np.ndarray:
    x = np.zeros((2, 28, 28, 1), "float32")
    x[:, 5:9, 10:20, 0] = 255
    return x


def test_rotation_turns_about_the_centre_and_keeps_no_turn_as_is():
    x = _bar()
    np.testing.assert_array_equal(tta.rotate(x, 0), x)
    turned = tta.rotate(x, 90)[..., 0]
    np.testing.assert_allclose(turned, np.rot90(x[..., 0], 1, axes=(1, 2)), atol=1e-3)
    back = tta.rotate(tta.rotate(x, 5), -5)  # bilinear blurs, but the bar stays where it was
    assert np.abs(back - x).mean() < 5 and back.min() >= 0


def test_uncovered_corners_are_black():
    white = np.full((1, 28, 28, 1), 255.0, "float32")
    turned = tta.rotate(white, 10)[0, ..., 0]
    assert turned[0, 0] == 0 and turned[14, 14] == pytest.approx(255)


def test_views_and_their_checks():
    assert tta.views(5) == ["image", "turned +5°", "turned -5°"]
    assert tta.views(0) == ["image"] and tta.views(flip=True) == ["image", "mirrored"]
    with pytest.raises(ParameterError, match="degrees=-1"):
        tta.views(-1)
    x = _bar()
    np.testing.assert_array_equal(tta.view(x, "mirrored"), x[:, :, ::-1])
    np.testing.assert_array_equal(tta.view(x, "turned -5°"), tta.rotate(x, -5))
    with pytest.raises(ValueError, match="unknown view 'upside down'"):
        tta.view(x, "upside down")


def test_predict_averages_the_softmax_over_the_views():
    inputs = keras.Input((28, 28, 1))
    logits = keras.layers.Dense(3)(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, keras.layers.Softmax()(logits))
    x = _bar()
    want = np.mean([model.predict(tta.rotate(x, d), verbose=0) for d in (0, 4, -4)], axis=0)
    np.testing.assert_allclose(tta.predict(model, x, 4), want, rtol=1e-5)
    np.testing.assert_allclose(tta.predict(model, x, 0), model.predict(x, verbose=0), rtol=1e-6)
    mirrored = (model.predict(x, verbose=0) + model.predict(x[:, :, ::-1], verbose=0)) / 2
    np.testing.assert_allclose(tta.predict(model, x, flip=True), mirrored, rtol=1e-5)


def test_scores_clip_as_keras_does():
    probs = np.array([[0.9, 0.1], [1.0, 0.0]])
    s = tta.scores(probs, np.array([0, 1]))
    assert s["accuracy"] == 0.5
    assert s["loss"] == pytest.approx(-(np.log(0.9) + np.log(1e-7)) / 2)

import numpy as np
import pytest

from lib.models import MODELS, build_model
from lib.receptive_field import final_receptive_field

# Pinned: a change to an architecture must show up here and in the notebooks' text.
PARAMS = {
    "vanilla": 1_608_794,
    "reduced": 13_078,
    "batchnorm": 13_522,
    "regularized": 13_522,
    "under_8k": 7_602,
    "under_5k": 4_966,
    "residual_8k": 7_066,
    "fashion_15k": 14_474,
}
BUDGETS = {
    "reduced": 15_000,
    "batchnorm": 15_000,
    "regularized": 15_000,
    "under_8k": 8_000,
    "under_5k": 5_000,
    "residual_8k": 8_000,
    "fashion_15k": 15_000,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_parameter_counts_and_budgets(name):
    model = build_model(name)
    assert model.count_params() == PARAMS[name]
    assert model.count_params() < BUDGETS.get(name, 2_000_000)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_raw_pixels_in_probabilities_out(name):
    model = build_model(name)
    x = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 1)).astype("uint8")
    p = np.asarray(model.predict(x, verbose=0))
    assert p.shape == (3, 10)
    np.testing.assert_allclose(p.sum(1), 1, rtol=1e-5)


@pytest.mark.parametrize("name, rf", [("vanilla", 28), ("reduced", 28), ("batchnorm", 28), ("under_8k", 18)])
def test_last_convolution_sees_the_digit(name, rf):
    assert final_receptive_field(build_model(name)) == rf


def test_flatten_head_costs_what_gap_saves():
    # 06's ablation: a dense layer on the flattened 6x6x10 map instead of on its average
    assert build_model("under_5k", head="flatten").count_params() == 4_966 - 110 + 6 * 6 * 10 * 10 + 10


def test_unknown_model():
    with pytest.raises(ValueError, match="unknown model 'tiny'"):
        build_model("tiny")


@pytest.mark.parametrize("kw", [dict(rotation_degrees=7.0), dict(shift_pixels=2.0)])
def test_augmentation_fills_uncovered_corners_with_black(kw):
    # Keras fills with 0.0, a grey after scaling: rotated training images got grey wedges
    # along their borders that no test image has.
    import keras

    from lib.blocks import BACKGROUND, augment, scaled_input

    inputs, x = scaled_input()
    model = keras.Model(inputs, [x, augment(x, seed=3, **kw)])
    blank = np.zeros((16, 28, 28, 1), "uint8")
    scaled, augmented = (np.asarray(t) for t in model(blank, training=True))
    np.testing.assert_allclose(scaled, BACKGROUND, rtol=1e-6)
    np.testing.assert_allclose(augmented, BACKGROUND, rtol=1e-5)
    bar = blank.copy()
    bar[:, 4:24, 13:15] = 255  # a vertical stroke: the augmentation does move it
    scaled, augmented = (np.asarray(t) for t in model(bar, training=True))
    assert not np.allclose(scaled, augmented)

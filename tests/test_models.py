"""The models the notebooks' model cells build: sizes, budgets, inputs and outputs."""

import numpy as np
import pytest
from helpers import model

from lib.receptive_field import final_receptive_field
from tools.notebook_cells import model_builder, names, recipe

# Pinned: a change to an architecture must show up here and in the notebooks' text.
PARAMS = {
    "01_vanilla": 1_608_794,
    "02_reduce_parameters": 13_078,
    "03_batchnorm": 13_522,
    "04_dropout_schedule": 13_522,
    "05_under_8k": 7_602,
    "06_under_5k": 4_966,
    "07_skip_connections": 7_066,
    "08_fashion_mnist": 14_474,
}


def test_every_notebook_has_a_model_and_a_recipe():
    assert names() == sorted(PARAMS)
    for name in names():
        assert callable(model_builder(name)) and isinstance(recipe(name)["epochs"], int)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_parameter_counts_and_budgets(name):
    built = model(name)
    assert built.count_params() == PARAMS[name]
    assert built.count_params() < (recipe(name).get("budget") or 2_000_000)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_raw_pixels_in_probabilities_out(name):
    x = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 1)).astype("uint8")
    p = np.asarray(model(name).predict(x, verbose=0))
    assert p.shape == (3, 10)
    np.testing.assert_allclose(p.sum(1), 1, rtol=1e-5)


@pytest.mark.parametrize(
    "name, rf",
    [("01_vanilla", 28), ("02_reduce_parameters", 28), ("03_batchnorm", 28), ("05_under_8k", 18)],
)
def test_last_convolution_sees_the_digit(name, rf):
    assert final_receptive_field(model(name)) == rf


def test_dense_head_costs_what_gap_saves():
    # 06's ablation: a dense layer on the flattened 6x6x10 map instead of on its average
    assert model("06_under_5k", head="dense").count_params() == 4_966 - 110 + 6 * 6 * 10 * 10 + 10


def test_unknown_notebook_and_unknown_head():
    with pytest.raises(ValueError, match="notebook 'tiny' matches 0 notebooks"):
        model("tiny")
    with pytest.raises(ValueError, match="output head kind='wide'"):
        model("06_under_5k", head="wide")


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

import keras
from helpers import model as build_model
from keras import layers

from lib.receptive_field import receptive_fields, rf_table


def test_against_hand_computed_values():
    # conv3 -> 26 (RF 3), conv3 -> 24 (RF 5), pool2 -> 12 (RF 6, jump 2), conv3 -> 10 (RF 10),
    # conv5 stride 2 -> 3 (RF 18, jump 4), conv3 -> 1 (RF 26)
    inp = keras.Input((28, 28, 1))
    x = layers.Conv2D(4, 3, name="a")(inp)
    x = layers.Conv2D(4, 3, name="b")(x)
    x = layers.MaxPooling2D(2, name="p")(x)
    x = layers.Conv2D(4, 3, name="c")(x)
    x = layers.Conv2D(4, 5, strides=2, name="d")(x)
    x = layers.Conv2D(4, 3, name="e")(x)
    rows = {r.layer: r for r in receptive_fields(keras.Model(inp, x))}
    assert [rows[n].receptive_field for n in "abpcde"] == [3, 5, 6, 10, 18, 26]
    assert [rows[n].jump for n in "abpcde"] == [1, 1, 2, 2, 4, 4]
    assert [rows[n].output for n in "abpcde"] == [
        "26x26x4",
        "24x24x4",
        "12x12x4",
        "10x10x4",
        "3x3x4",
        "1x1x4",
    ]
    assert rows["a"].params == 40


def test_branches_take_the_largest_field():
    inp = keras.Input((28, 28, 1))
    a = layers.Conv2D(4, 3, padding="same", name="a")(inp)
    long = layers.Conv2D(4, 3, padding="same", name="long")(a)  # RF 5
    short = layers.Conv2D(4, 1, name="short")(a)  # RF 3
    merged = layers.Add(name="add")([long, short])
    gap = layers.GlobalAveragePooling2D(name="gap")(merged)
    rows = {r.layer: r for r in receptive_fields(keras.Model(inp, gap))}
    assert rows["short"].receptive_field == 3 and rows["add"].receptive_field == 5
    assert rows["gap"].receptive_field == 5 + 27  # one window over the whole 28x28 map
    assert rows["add"].shortest == 3 and rows["long"].shortest == 5  # the short path's view


def test_residual_model_shows_both_paths():
    model = build_model("07_skip_connections")
    rows = {r.layer: r for r in receptive_fields(model)}
    # 05's stem and transition (RF 6, jump 2), then 4 padded 3x3 convolutions: 6 + 4 * 4
    assert rows["res2_add"].receptive_field == 22
    assert rows["res1_add"].shortest == 6 and rows["res2_add"].shortest == 6  # identity paths
    assert "RF, shortest path" in rf_table(model)
    assert "shortest" not in rf_table(build_model("05_under_8k"))


def test_table_lists_every_layer():
    model = build_model("05_under_8k")
    table = rf_table(model)
    assert table.count("\n") == len(model.layers) - 1 + 1  # header rule, input layer skipped
    assert "| block2_3 | Conv2D | 6x6x16 | 3 | 1 | 2 | 18 | 2,304 |" in table

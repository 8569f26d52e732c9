import keras
import numpy as np

from lib.models import build_model
from lib.recalibration import batchnorm_layers, recalibrate_batchnorm


def moments(model, layer, x):
    a = np.asarray(keras.Model(model.inputs[0], layer.input)(x, training=False), dtype="float64")
    a = a.reshape(-1, a.shape[-1])
    return a.mean(0), a.var(0)


def test_every_layer_ends_with_the_statistics_of_its_inputs_in_inference_mode():
    # 05: rotations and dropout in training; afterwards each BatchNorm layer's moving
    # statistics are those of what it receives at inference, under the corrected layers before it
    model = build_model("under_8k", seed=0)
    x = np.random.default_rng(0).integers(0, 256, (300, 28, 28, 1)).astype("float32")
    weights = [w.copy() for w in model.get_weights()]
    trainable = [np.asarray(w).copy() for w in model.trainable_weights]
    assert recalibrate_batchnorm(model, x, batch_size=128) == len(batchnorm_layers(model)) == 6
    for bn in batchnorm_layers(model):
        mean, var = moments(model, bn, x)
        np.testing.assert_allclose(np.asarray(bn.moving_mean), mean, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(np.asarray(bn.moving_variance), var, rtol=1e-4, atol=1e-6)
    for before, after in zip(trainable, model.trainable_weights, strict=True):
        np.testing.assert_array_equal(before, np.asarray(after))
    assert any(not np.array_equal(a, b) for a, b in zip(weights, model.get_weights(), strict=True))


def test_a_model_without_batchnorm_is_left_alone():
    model = build_model("reduced")
    weights = model.get_weights()
    x = np.zeros((10, 28, 28, 1), "float32")
    assert recalibrate_batchnorm(model, x) == 0
    for a, b in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)

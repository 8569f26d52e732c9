import keras
import numpy as np
import pytest

from lib.blocks import BACKGROUND, augment, scaled_input
from lib.elastic import RandomElastic, gaussian_blur_matrix


def images(n=8, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28, 1)).astype("float32")


class FixedField(RandomElastic):
    """The sampler alone: every pixel displaced by the same (dy, dx)."""

    def __init__(self, dy, dx, **kw):
        super().__init__(**kw)
        self.dy, self.dx = dy, dx

    def displacements(self, batch):
        zero = keras.ops.zeros((batch, 28, 28))
        return zero + self.dy, zero + self.dx


def test_identity_at_inference_and_without_strength():
    x = images()
    np.testing.assert_array_equal(np.asarray(RandomElastic(seed=1)(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(RandomElastic(0.0, 4.0)(x, training=True)), x)
    assert not np.allclose(np.asarray(RandomElastic(seed=1)(x, training=True)), x)


@pytest.mark.parametrize("dy, dx", [(0, 1), (0, -2), (3, 0)])
def test_a_whole_pixel_displacement_shifts_the_image_and_fills_with_the_background(dy, dx):
    x = images()
    y = np.asarray(FixedField(dy, dx, fill_value=-5.0)(x, training=True))
    expected = np.full_like(x, -5.0)
    src = x[:, max(dy, 0) : 28 + min(dy, 0), max(dx, 0) : 28 + min(dx, 0)]
    expected[:, max(-dy, 0) : 28 - max(dy, 0), max(-dx, 0) : 28 - max(dx, 0)] = src
    np.testing.assert_allclose(y, expected, atol=1e-6)


def test_half_pixel_displacement_blends_neighbours():
    x = images()
    y = np.asarray(FixedField(0.0, 0.5)(x, training=True))
    np.testing.assert_allclose(y[:, :, :-1], (x[:, :, :-1] + x[:, :, 1:]) / 2, atol=1e-6)


def test_fields_match_the_paper_and_move_both_axes_independently():
    # alpha 34, sigma 4 (Simard et al., 2003): about 1.4 pixels per axis, root mean square,
    # away from the borders; Keras's RandomElasticTransform draws both axes from one seed
    layer = RandomElastic(34.0, 4.0, seed=0)
    layer.build((None, 28, 28, 1))
    dy, dx = (np.asarray(f)[:, 8:20, 8:20] for f in layer.displacements(400))
    for f in (dy, dx):
        assert 1.25 < np.sqrt(np.mean(f**2)) < 1.55
    assert abs(np.corrcoef(dy.ravel(), dx.ravel())[0, 1]) < 0.1
    # smooth: neighbouring pixels move almost together
    assert np.corrcoef(dy[:, :, :-1].ravel(), dy[:, :, 1:].ravel())[0, 1] > 0.9


def test_blur_matrix_is_a_normalised_gaussian_inside_the_map():
    m = gaussian_blur_matrix(28, 4.0)
    np.testing.assert_allclose(m[12:16].sum(1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(m, m.T, atol=1e-7)
    assert m[14, 14] == m[14].max() and m[14, 14 + 13] == 0  # 3 sigma: 12 taps each side


def test_seeded_and_reproducible():
    x = images()
    a, b, c = (RandomElastic(seed=s)(x, training=True) for s in (1, 1, 2))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert not np.allclose(np.asarray(a), np.asarray(c))


def test_in_a_model_no_weights_and_the_saved_file_loads(tmp_path):
    inputs, x = scaled_input()
    x = augment(x, rotation_degrees=7.0, elastic=(34.0, 4.0), seed=3)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(x)))
    assert model.get_layer("elastic").count_params() == 0
    blank = np.zeros((4, 28, 28, 1), "uint8")
    inner = keras.Model(inputs, x)
    np.testing.assert_allclose(np.asarray(inner(blank, training=True)), BACKGROUND, rtol=1e-5)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    x = images(4) * 255
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("kw", [dict(alpha=-1.0), dict(sigma=0.0)])
def test_invalid_strength_is_refused(kw):
    with pytest.raises(ValueError, match="expected alpha >= 0 and sigma > 0"):
        RandomElastic(**kw)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the defect is in Keras's TensorFlow code"
)
def test_why_not_keras_own_layer_it_moves_every_pixel_along_the_diagonal():
    # Should this fail after a Keras upgrade, lib/elastic.py's docstring and README.md need updating.
    yy, xx = np.meshgrid(np.arange(28, dtype="float32"), np.arange(28, dtype="float32"), indexing="ij")
    ramps = np.stack([yy, xx], -1)[None].repeat(4, 0)  # each pixel holds its own row and column
    layer = keras.layers.RandomElasticTransform(
        scale=(1.0, 1.0), fill_mode="nearest", value_range=(0, 28), seed=1
    )
    out = np.asarray(layer(ramps, training=True))
    dy, dx = (out[..., 0] - yy)[:, 8:20, 8:20], (out[..., 1] - xx)[:, 8:20, 8:20]
    assert np.abs(dy).max() > 0.1  # it does move the pixels ...
    np.testing.assert_allclose(dy, dx, atol=1e-4)  # ... but by the same amount down and across

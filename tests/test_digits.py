"""Your own digit: MNIST's preprocessing (lib/digits.py) and `make predict`."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from lib.digits import ImageError, mnist_style, read_image
from lib.export import TFLiteModel

MODEL_05 = ROOT / "outputs" / "export" / "05_under_8k.float32.tflite"


@pytest.fixture(scope="module")
def digits(real_mnist):
    """The first 100 MNIST test digits and their labels."""
    d = np.load(real_mnist)
    return d["x_test"][:100], d["y_test"][:100]


def png(path, pixels) -> str:
    Image.fromarray(np.asarray(pixels, "uint8")).save(path)
    return str(path)


def test_mnist_test_digits_saved_as_png_come_back_with_their_labels(digits, tmp_path):
    x, y = digits
    back = np.stack([mnist_style(read_image(png(tmp_path / f"{i}.png", d))) for i, d in enumerate(x)])
    assert back.shape == (100, 28, 28) and back.max() == pytest.approx(255)
    assert np.abs(back - x).mean() < 2  # MNIST's own preprocessing, so nearly what it made
    assert (TFLiteModel(MODEL_05).predict(back).argmax(1) == y).all()


def test_any_size_either_polarity_anywhere_on_the_paper(digits, tmp_path):
    x, y = digits
    model = TFLiteModel(MODEL_05)
    for i in range(10):
        big = np.asarray(Image.fromarray(x[i]).resize((140, 140), Image.Resampling.BILINEAR))
        paper = np.full((400, 300), 230, "uint8")  # grey paper, dark ink, the digit off-centre
        paper[30:170, 150:290] = 230 - big * (200 / 255)
        jpeg = tmp_path / f"{i}.jpg"
        Image.fromarray(paper).save(jpeg, quality=90)
        image = mnist_style(read_image(jpeg))
        rows, cols = np.flatnonzero(image.any(1)), np.flatnonzero(image.any(0))
        assert rows[-1] - rows[0] < 21 and cols[-1] - cols[0] < 21  # fitted into 20x20
        centre = [(image.sum(a) @ np.arange(28)) / image.sum() for a in (1, 0)]
        assert centre == pytest.approx([14, 14], abs=0.5)  # centred by its centre of mass
        assert model.predict(image[None]).argmax() == y[i]
        assert np.array_equal(
            mnist_style(255 - x[i]), mnist_style(x[i])
        )  # light ink on dark or dark on light


def test_a_transparent_drawing_reads_as_ink(digits, tmp_path):
    x, y = digits
    rgba = np.zeros((28, 28, 4), "uint8")
    rgba[..., 3] = x[0]  # black strokes, opaque where MNIST has ink, on nothing
    path = tmp_path / "drawn.png"
    Image.fromarray(rgba, "RGBA").save(path)
    assert TFLiteModel(MODEL_05).predict(mnist_style(read_image(path))[None]).argmax() == y[0]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"7, a digit in words", "not an image"),
        ("blank", "no ink"),
        (None, "no such file"),
    ],
)
def test_what_is_not_a_digit_gets_one_line_that_says_why(tmp_path, content, message):
    path = tmp_path / "digit.png"
    if content == "blank":
        Image.new("L", (64, 64), 200).save(path)
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ImageError, match=message) as e:
        mnist_style(read_image(path))
    assert "\n" not in str(e.value)


def predict(*args: str) -> subprocess.CompletedProcess:
    """`make predict` as a user types it, with this interpreter."""
    return subprocess.run(
        ["make", "-s", "predict", *args, f"PY={sys.executable}"], cwd=ROOT, capture_output=True, text=True
    )


def test_make_predict_prints_the_label_first(digits, tmp_path):
    x, y = digits
    for i in range(3):
        done = predict(f"IMAGE={png(tmp_path / f'{i}.png', x[i])}")
        assert done.returncode == 0, done.stderr
        first, second, third = done.stdout.split("   ")[0].split("  ")
        assert first.startswith(f"{y[i]}: ") and second[1] == third[1] == ":"
        assert float(first.split()[1].rstrip("%")) > 90
    done = predict(f"IMAGE={png(tmp_path / 'inverted.png', 255 - x[0])}", "MODEL=06", "FORMAT=int8")
    assert done.stdout.startswith(f"{y[0]}: ") and "(06_under_5k, int8)" in done.stdout


def test_make_predict_bad_input_is_one_line(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    for args, says in [
        ([f"IMAGE={text}"], "not an image"),
        ([f"IMAGE={png(tmp_path / 'white.png', np.full((50, 50), 255))}"], "no ink"),
        ([f"IMAGE={text}", "MODEL=08"], "08 reads clothes"),
        ([], "usage: make predict IMAGE="),
    ]:
        done = predict(*args)
        assert done.returncode == 2
        lines = [line for line in (done.stderr + done.stdout).splitlines() if not line.startswith("make")]
        assert len(lines) == 1 and says in lines[0], lines


@pytest.mark.parametrize("paper, ink", [(120, 20), (140, 250), (230, 40), (30, 220)])
def test_dark_or_light_ink_on_grey_paper(digits, paper, ink):
    x, _ = digits
    strokes = x[0] / 255
    grey = np.pad(paper + (ink - paper) * strokes, 15, constant_values=paper)
    assert np.abs(mnist_style(grey) - mnist_style(x[0])).max() < 1  # the same digit, whatever the shades


def test_sixteen_bit_and_rotated_photos(digits, tmp_path):
    x, _ = digits
    deep = tmp_path / "16bit.png"
    Image.fromarray((255 - x[0]).astype("uint16") * 257).save(deep)  # 16-bit grey levels, dark ink
    assert np.abs(mnist_style(read_image(deep)) - mnist_style(x[0])).max() < 1
    turned = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held turned: show the picture rotated by 90°
    Image.fromarray(np.rot90(255 - x[0], 1).copy()).save(turned, exif=exif, quality=95)
    upright = mnist_style(read_image(turned))
    assert (
        np.abs(upright - mnist_style(x[0])).mean() < np.abs(np.rot90(upright, 1) - mnist_style(x[0])).mean()
    )


def test_a_speck_is_not_a_digit():
    with pytest.raises(ImageError, match="only 2 pixels"):
        mnist_style(np.pad(np.full((2, 2), 255.0), 20))

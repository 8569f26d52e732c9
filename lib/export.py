"""TensorFlow Lite files of a saved model: float32, and int8 for microcontrollers and phones.

Both files use TensorFlow Lite's builtin operators only, so they run where TensorFlow does
not (no TF Select ops). Two things a saved model holds need rewriting first:

- the deskewing layer (05, 06) resamples each image with ``ImageProjectiveTransformV3``,
  which TensorFlow Lite has no builtin kernel for. ``BuiltinDeskew`` computes the same shear
  and shift as a weighted sum of pixels: bilinear weights built from subtractions, absolute
  values and ReLUs, applied with a batched matrix product;
- a model that predicts by the mean over each image and its mirror image (08) gets that mean
  inside the file, so the file scores what its notebook reports.

The int8 file quantizes every weight and every activation of the network to int8, input and
output included: raw pixels 0-255 go in as ``pixel - 128``, and a probability comes out as
``(q + 128) / 256``. The deskewing (05, 06), a ratio of image moments without weights, stays
in float32 inside the same file: in int8 its denominators round to zero and the interpreter
stops.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from statistics import median
from time import perf_counter

import keras
import numpy as np
from keras import ops

from lib.deskew import Deskew, slant_and_centre

FORMATS = ("float32", "int8")
REPRESENTATIVE = 1_000  # training images whose activations set the int8 ranges


def representative_images(x_train: np.ndarray, n: int = REPRESENTATIVE, seed: int = 0) -> np.ndarray:
    """``n`` training images drawn at random with ``seed``, shape (n, 28, 28, 1): the same
    draw from the same training set gives the same int8 file."""
    pick = np.random.default_rng(seed).choice(len(x_train), min(n, len(x_train)), replace=False)
    return np.asarray(x_train)[pick].reshape(-1, 28, 28, 1)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """What TensorFlow's converter prints while the block runs (Python's streams, and the
    process's own stdout and stderr, where its C++ code writes) is dropped; if the block
    raises, it is written to stderr first, so a failed conversion still says why."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    text = io.StringIO()
    failed = False
    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)  # its handler writes to the stream it was made with
    with tempfile.TemporaryFile("w+b") as native:
        os.dup2(native.fileno(), 1)
        os.dup2(native.fileno(), 2)
        try:
            with (
                contextlib.redirect_stdout(text),
                contextlib.redirect_stderr(text),
                warnings.catch_warnings(),
            ):
                warnings.simplefilter("ignore")
                yield
        except BaseException:
            failed = True
            raise
        finally:
            tf_logger.setLevel(level)
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)
            if failed:
                native.seek(0)
                sys.stderr.write(native.read().decode(errors="replace") + text.getvalue())


@keras.saving.register_keras_serializable(package="small_cnn")
class BuiltinDeskew(Deskew):
    """``Deskew``'s result (within float rounding) from operations TensorFlow Lite has builtin.

    Output pixel (row, col) reads input (row + dr, col + slant * row + dc), bilinearly: the
    weight of input row i is relu(1 - |row + dr - i|), that of input column j is
    relu(1 - |col + slant * row + dc - j|). Rows are resampled with one matrix product, the
    columns with a weighted sum; a neighbour outside the image reads the background.
    """

    def call(self, images):
        h, w = images.shape[1], images.shape[2]
        x = ops.mean(ops.cast(images, "float32"), axis=-1) - self.background  # blank pixels 0
        slant, cr, cc = slant_and_centre(ops.relu(x))
        slant = ops.clip(slant, -self.max_slant, self.max_slant)
        grid = ops.arange(h, dtype="float32")
        shift_rows = (cr - h / 2)[:, None, None]
        row_weights = ops.relu(1 - ops.abs(grid[:, None] + shift_rows - grid[None, None, :]))
        rows = ops.matmul(row_weights, x)  # (batch, h, w): each output row, read at its input row
        cols = ops.arange(w, dtype="float32")
        read_at = (
            cols[None, None, :, None]
            + slant[:, None, None, None] * grid[None, :, None, None]
            + (cc - slant * h / 2 - w / 2)[:, None, None, None]
        )  # (batch, h, w_out, 1): the input column each output pixel reads
        col_weights = ops.relu(1 - ops.abs(read_at - cols[None, None, None, :]))
        out = ops.sum(col_weights * rows[:, :, None, :], axis=-1) + self.background
        return ops.cast(out[..., None], images.dtype)


def for_export(model: keras.Model, *, mirror_views: bool = False) -> keras.Model:
    """``model`` with every ``Deskew`` layer replaced by a ``BuiltinDeskew`` (the other layers,
    and so the weights, are shared). ``mirror_views``: the output is the mean of the softmax
    over each image and its mirror image, as ``lib.tta`` predicts for 08."""

    def swap(layer: keras.layers.Layer) -> keras.layers.Layer:
        return BuiltinDeskew(**layer.get_config()) if type(layer) is Deskew else layer

    clone = keras.models.clone_model(model, clone_function=swap)
    if not mirror_views:
        return clone
    pixels = keras.Input(model.input_shape[1:], name="pixels")
    mean = (clone(pixels) + clone(ops.flip(pixels, axis=2))) / 2
    return keras.Model(pixels, mean, name=f"{model.name}_mirror_mean")


def _deskew_tensors(content: bytes) -> list[str]:
    """Names of the tensors a converted model computes inside its deskewing layers."""
    names = {d["name"] for d in _interpreter(content, builtin_only=True).get_tensor_details()}
    return sorted(n for n in names if "/deskew" in n)


def to_tflite(model: keras.Model, fmt: str, representative: np.ndarray | None = None) -> bytes:
    """The TensorFlow Lite file of ``model`` (pass ``for_export(model)``), as bytes.

    ``fmt``: "float32", or "int8" with ``representative``, raw training images (N, 28, 28, 1)
    whose activations set each int8 range (post-training quantization).
    """
    import tensorflow as tf

    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {FORMATS}")
    with quiet():
        return _convert(tf, model, fmt, representative)


def _convert(tf, model: keras.Model, fmt: str, representative: np.ndarray | None) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if fmt == "float32":
        return converter.convert()
    if representative is None or len(representative) == 0:
        raise ValueError("int8 needs representative training images: pass representative=x_train[:1000]")
    images = np.asarray(representative, "float32").reshape(-1, *model.input_shape[1:])

    def samples() -> Iterator[list[np.ndarray]]:
        for image in images:
            yield [image[None]]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = samples
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS_INT8,
        tf.lite.OpsSet.TFLITE_BUILTINS,
    ]
    converter.inference_input_type = converter.inference_output_type = tf.int8
    if not any(isinstance(layer, Deskew) for layer in all_layers(model)):
        return converter.convert()
    # The deskewing's nodes stay float32: the debugger's selective quantization, otherwise the
    # same conversion (fully_quantize: int8 input and output too).
    float_deskew = converter.convert()
    options = tf.lite.experimental.QuantizationDebugOptions(
        denylisted_nodes=_deskew_tensors(float_deskew), fully_quantize=True
    )
    debugger = tf.lite.experimental.QuantizationDebugger(
        converter=converter, debug_dataset=lambda: samples(), debug_options=options
    )
    return debugger.get_nondebug_quantized_model()


def all_layers(model: keras.Model) -> Iterator[keras.layers.Layer]:
    """Every layer of ``model``, those inside nested models included."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


def _interpreter(content: bytes, *, builtin_only: bool = False, threads: int = 1):
    import tensorflow as tf

    kind = tf.lite.experimental.OpResolverType
    with quiet():  # its notice about the LiteRT package
        return tf.lite.Interpreter(
            model_content=content,
            num_threads=threads,
            experimental_op_resolver_type=kind.BUILTIN_WITHOUT_DEFAULT_DELEGATES
            if builtin_only
            else kind.AUTO,
        )


def operators(content: bytes) -> list[str]:
    """The operators a TensorFlow Lite file uses, loaded with the builtin kernels alone: a file
    that needs TF Select (flex) or custom operators fails here, naming them."""
    interpreter = _interpreter(content, builtin_only=True)
    try:
        interpreter.allocate_tensors()
    except RuntimeError as e:
        raise ValueError(f"not loadable with TensorFlow Lite's builtin operators alone: {e}") from None
    return sorted({op["op_name"] for op in interpreter._get_ops_details()})


class TFLiteModel:
    """A TensorFlow Lite classifier of raw 28x28 pixels 0-255; int8 files are quantized and
    dequantized here, so both formats take and return the same thing."""

    def __init__(self, path: str | Path, threads: int = 1):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path}: no such TensorFlow Lite file; `make export` writes them")
        self.content = self.path.read_bytes()
        self.interpreter = _interpreter(self.content, threads=threads)
        self.input = self.interpreter.get_input_details()[0]
        self.output = self.interpreter.get_output_details()[0]
        self._batch = 0

    def _set_batch(self, n: int) -> None:
        if n != self._batch:
            self.interpreter.resize_tensor_input(self.input["index"], [n, *self.input["shape"][1:]])
            with quiet():  # the default delegate announces itself here
                self.interpreter.allocate_tensors()
            self._batch = n

    def _quantized(self, x: np.ndarray) -> np.ndarray:
        if self.input["dtype"] == np.float32:
            return x
        scale, zero = self.input["quantization"]
        info = np.iinfo(self.input["dtype"])
        return np.clip(np.round(x / scale + zero), info.min, info.max).astype(self.input["dtype"])

    def predict(self, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        """Class probabilities (N, 10) of raw pixels (N, 28, 28) or (N, 28, 28, 1)."""
        x = np.asarray(x, "float32").reshape(-1, *self.input["shape"][1:])
        out = []
        for start in range(0, len(x), batch_size):
            batch = x[start : start + batch_size]
            self._set_batch(len(batch))
            self.interpreter.set_tensor(self.input["index"], self._quantized(batch))
            self.interpreter.invoke()
            y = self.interpreter.get_tensor(self.output["index"])
            if y.dtype != np.float32:
                scale, zero = self.output["quantization"]
                y = (y.astype("float32") - zero) * scale
            out.append(y)
        return np.concatenate(out)

    def latency(self, image: np.ndarray, repeats: int = 200) -> float:
        """Median seconds of one interpreter call on one image, after a warm-up."""
        self._set_batch(1)
        one = self._quantized(np.asarray(image, "float32").reshape(1, *self.input["shape"][1:]))
        times = []
        for i in range(repeats + 10):
            start = perf_counter()
            self.interpreter.set_tensor(self.input["index"], one)
            self.interpreter.invoke()
            self.interpreter.get_tensor(self.output["index"])
            if i >= 10:
                times.append(perf_counter() - start)
        return median(times)


def compare(
    keras_file: Path, keras_probs: np.ndarray, lite: TFLiteModel, x: np.ndarray, y: np.ndarray
) -> dict:
    """The TensorFlow Lite file against the Keras model on the same images: each one's
    accuracy and file size, and how often the two give the same answer."""
    lite_probs = lite.predict(x)
    return {
        "images": len(y),
        "keras": {
            "file": Path(keras_file).name,
            "bytes": Path(keras_file).stat().st_size,
            "accuracy": float(np.mean(keras_probs.argmax(1) == y)),
        },
        "tflite": {
            "file": lite.path.name,
            "bytes": lite.path.stat().st_size,
            "accuracy": float(np.mean(lite_probs.argmax(1) == y)),
        },
        "same_answer": int(np.sum(lite_probs.argmax(1) == keras_probs.argmax(1))),
    }


def comparison_markdown(c: dict) -> str:
    """``compare``'s result as a table and one sentence."""
    k, t = c["keras"], c["tflite"]
    change = 100 * (t["accuracy"] - k["accuracy"])
    return (
        f"| file | size | accuracy on the {c['images']:,} test images |\n|---|---:|---:|\n"
        f"| `{k['file']}` (Keras) | {k['bytes'] / 1024:.1f} KB | {k['accuracy']:.2%} |\n"
        f"| `{t['file']}` (TensorFlow Lite) | {t['bytes'] / 1024:.1f} KB | {t['accuracy']:.2%} |\n\n"
        f"The two give the same answer on {c['same_answer']:,} of {c['images']:,} images; "
        f"the TensorFlow Lite file's accuracy differs by {change:+.2f} points."
    )

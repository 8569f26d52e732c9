"""make predict: the digit in your own image, read by one of the small models.

    python -m tools.predict IMAGE [--model 05] [--format float32|int8]

The image (PNG or JPEG, any size, dark ink on light paper or the reverse) goes through
MNIST's own preprocessing (``lib.digits``), then through the exported TensorFlow Lite file
``outputs/export/<notebook>.<format>.tflite``. Prints the three likeliest digits, the
likeliest first; a file that is no image, is empty or shows no ink gets a one-line error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from lib import ROOT
from tools.export import MODELS
from tools.runner import NOISE

EXPORT = ROOT / "outputs" / "export"
DIGIT_MODELS = [m for m in MODELS if m != "08_fashion_mnist"]  # 08 reads clothes


def model_name(given: str) -> str:
    """The digit model a number or name stands for ("05" -> "05_under_8k")."""
    given = given.zfill(2) if given.isdigit() else given
    found = [m for m in DIGIT_MODELS if given in (m, m[:2]) or m.startswith(given + "_")]
    if len(found) != 1:
        others = " (08 reads clothes, not digits)" if given.startswith("08") else ""
        raise ValueError(f"MODEL={given!r}: expected one of {', '.join(m[:2] for m in DIGIT_MODELS)}{others}")
    return found[0]


def exported(name: str, fmt: str = "float32", export: Path = EXPORT) -> Path:
    """The TensorFlow Lite file of a digit model; a clear error where `make export` has not run."""
    path = export / f"{name}.{fmt}.tflite"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} is missing: run `make export`"
        )
    return path


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """TensorFlow's start-up lines and the interpreter's delegate notice dropped from what
    native code writes to stderr inside the block; every other line is written back."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile("w+b") as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            for line in caught.read().decode(errors="replace").splitlines():
                if not NOISE.match(line):
                    print(line, file=sys.stderr)


def top3(probs) -> list[tuple[int, float]]:
    """The three likeliest classes and their probabilities, the likeliest first."""
    order = sorted(range(len(probs)), key=lambda k: -probs[k])[:3]
    return [(k, float(probs[k])) for k in order]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image", help="a PNG or JPEG file with one digit")
    ap.add_argument("--model", default="05", help="the notebook whose model reads it: 02-07 (default 05)")
    ap.add_argument("--format", choices=["float32", "int8"], default="float32")
    args = ap.parse_args(argv)
    from lib.digits import ImageError, mnist_style, read_image

    try:
        name = model_name(args.model)
        path = exported(name, args.format)
        pixels = mnist_style(read_image(args.image))
    except (ImageError, ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with quiet_stderr():
        from lib.export import TFLiteModel

        probs = TFLiteModel(path).predict(pixels[None])[0]
    print("  ".join(f"{digit}: {p:.2%}" for digit, p in top3(probs)) + f"   ({name}, {args.format})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

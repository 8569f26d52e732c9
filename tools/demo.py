"""``make demo``: draw a digit in the browser and watch every MNIST model answer as you draw.

    python -m tools.demo [--port 8765] [--format int8|float32] [--screenshot docs/demo.png]

A page on 127.0.0.1 (never on the network) with a drawing canvas. While the user draws, the
page posts the canvas as a PNG to ``/predict``; the server turns it into the 28x28 image
MNIST's own preprocessing would give (``lib.digits.mnist_style``) and answers with that
image and every digit model's probabilities, the TensorFlow Lite files ``make export``
writes, loaded once at start. ``--screenshot`` draws a hand-drawn-looking 7 in headless
Chromium (``tools.browser``), saves the page as a PNG and prints the answers.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import math
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lib import ROOT
from lib.digits import ImageError, mnist_style, read_image
from tools.predict import DIGIT_MODELS as MODELS
from tools.predict import EXPORT as EXPORT_DIR
from tools.predict import quiet_stderr

if TYPE_CHECKING:
    from lib.export import TFLiteModel
    from tools.browser import Browser

PAGE = Path(__file__).with_name("demo.html")
MAX_BODY = 4_000_000  # bytes: a 280x280 canvas is a few kB as PNG
Point = tuple[float, float]


@dataclass(frozen=True)
class Model:
    """One exported TensorFlow Lite model and what the page shows about it."""

    name: str
    params: int | None
    net: TFLiteModel

    @property
    def label(self) -> str:
        return f"{self.name[:2]} · {self.params:,} params" if self.params else self.name[:2]


def load_models(fmt: str = "int8", export_dir: Path | None = None) -> list[Model]:
    """Every digit model's TensorFlow Lite file, with its parameter count from its metrics.json.

    Raises ``FileNotFoundError`` naming the missing files, and how to write them.
    """
    folder = export_dir or EXPORT_DIR
    paths = {name: folder / f"{name}.{fmt}.tflite" for name in MODELS}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} lacks {len(missing)} of the {len(MODELS)} {fmt} model files ({missing[0]}, ...): "
            "run `make export` first"
        )
    with quiet_stderr():  # TensorFlow's start-up lines; only once the files are known to exist
        from lib.export import TFLiteModel

        models = []
        for name, path in paths.items():
            metrics = ROOT / "outputs" / name / "metrics.json"
            params = json.loads(metrics.read_text())["params"] if metrics.is_file() else None
            models.append(Model(name, params, TFLiteModel(path)))
    return models


class Predictor:
    """Answers a drawing with its MNIST-style input and every model's probabilities.

    The models run one request at a time: a TensorFlow Lite interpreter is not thread-safe,
    and the server answers requests in threads.
    """

    def __init__(self, models: list[Model]) -> None:
        self.models = models
        self.lock = threading.Lock()

    def catalogue(self) -> list[dict[str, Any]]:
        return [
            {"name": m.name, "label": m.label, "params": m.params, "file": m.net.path.name}
            for m in self.models
        ]

    def answer(self, png: bytes) -> dict[str, Any]:
        """``{"input": 28x28 ints, "models": [...]}``, or ``{"input": None, "models": [],
        "message": ...}`` for a drawing without ink. An undecodable image raises ``ImageError``."""
        grey = read_image(png)
        try:
            x = mnist_style(grey)
        except ImageError as e:
            return {"input": None, "models": [], "message": str(e)}
        with self.lock:
            probs = [m.net.predict(x[None])[0] for m in self.models]
        return {
            "input": x.round().clip(0, 255).astype(int).tolist(),
            "models": [
                {
                    "name": m.name,
                    "label": m.label,
                    "probs": [round(float(q), 5) for q in p],
                    "top": int(p.argmax()),
                }
                for m, p in zip(self.models, probs, strict=True)
            ],
        }


def decode_request(body: bytes) -> bytes:
    """The PNG bytes of a ``{"image": "data:image/png;base64,..."}`` body; ``ValueError`` otherwise."""
    try:
        url = json.loads(body)["image"]
        head, data = url.split(",", 1)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ValueError('expected JSON {"image": "data:image/png;base64,..."}') from None
    if not (head.startswith("data:image/") and head.endswith(";base64")):
        raise ValueError(f"expected a base64 image data URL, got {head[:40]!r}")
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error:
        raise ValueError("the image data URL is not valid base64") from None


class Handler(BaseHTTPRequestHandler):
    """``GET /`` the page, ``GET /models`` the models, ``POST /predict`` a drawing's answers."""

    predictor: Predictor  # set on the subclass ``serve`` makes

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the page posts on every stroke; a line per request would drown the terminal

    def send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, value: Any, status: int = HTTPStatus.OK) -> None:
        self.send(status, json.dumps(value).encode())

    def do_GET(self) -> None:
        if self.path in ("/", "/index.html"):
            self.send(HTTPStatus.OK, PAGE.read_bytes(), "text/html; charset=utf-8")
        elif self.path == "/models":
            self.send_json(self.predictor.catalogue())
        else:
            self.send_json({"error": f"no page {self.path}"}, HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        if self.path != "/predict":
            self.send_json({"error": f"no endpoint {self.path}"}, HTTPStatus.NOT_FOUND)
            return
        length = self.headers.get("Content-Length") or "0"
        size = int(length) if length.isdigit() else 0
        if not 0 < size <= MAX_BODY:
            error = f"body of {size} bytes: expected 1 to {MAX_BODY}"
            self.send_json({"error": error}, HTTPStatus.BAD_REQUEST)
            self.close_connection = True
            return
        try:
            answer = self.predictor.answer(decode_request(self.rfile.read(size)))
        except (ValueError, ImageError) as e:  # ImageError: an undecodable image
            self.send_json({"error": str(e).splitlines()[0]}, HTTPStatus.BAD_REQUEST)
            return
        self.send_json(answer)


def serve(port: int = 0, models: list[Model] | None = None) -> tuple[ThreadingHTTPServer, str]:
    """A server on 127.0.0.1:``port`` (0: a free one) answering in a background thread, and its
    URL. Stop it with ``server.shutdown(); server.server_close()``."""
    handler = type("DemoHandler", (Handler,), {"predictor": Predictor(models or load_models())})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, name="demo-server", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def hand_drawn_seven(n: int = 360) -> list[list[Point]]:
    """A 7 in one stroke, as a hand draws it: a top bar rising slightly, a rounded corner and a
    bowed diagonal, with a small tremor. Points are fractions (0-1) of the canvas."""
    corner = (0.74, 0.25)
    stroke = []
    for i in range(n):
        t = i / (n - 1)
        if t < 0.4:  # the bar, left to right
            s = t / 0.4
            x, y = 0.24 + (corner[0] - 0.24) * s, 0.29 - 0.05 * s + 0.02 * s * s
        else:  # the diagonal, down to the left, bowed outwards
            s = (t - 0.4) / 0.6
            x = corner[0] - 0.3 * s + 0.06 * math.sin(math.pi * s)
            y = corner[1] + 0.52 * s**0.95
        wobble = 0.008 * math.sin(17 * t) + 0.004 * math.sin(41 * t + 1)
        stroke.append((x + wobble, y - wobble))
    return [stroke]


def canvas_box(browser: Browser) -> tuple[float, float, float, float]:
    """The drawing canvas's left, top, width and height in page pixels."""
    r = browser.evaluate("(r => [r.left, r.top, r.width, r.height])(pad.getBoundingClientRect())")
    return r[0], r[1], r[2], r[3]


def draw_on_canvas(browser: Browser, strokes: list[list[Point]]) -> None:
    """Draw ``strokes`` (fractions of the canvas) with the mouse, and wait for the answers to them."""
    left, top, width, height = canvas_box(browser)
    browser.draw([[(left + x * width, top + y * height) for x, y in s] for s in strokes])
    browser.wait_for("settled()")


def answers(browser: Browser) -> dict[str, str]:
    """Each model panel's top digit as the page shows it ('' before an answer)."""
    panels = "[...document.querySelectorAll('[data-model]')]"
    return browser.evaluate(f"Object.fromEntries({panels}.map(e => [e.dataset.model, e.dataset.top]))")


def screenshot(path: Path, models: list[Model]) -> list[dict[str, Any]]:
    """Draw a 7 on the page in headless Chromium, save the page as a PNG at ``path``, and
    return the models' answers."""
    from tools.browser import Browser

    server, url = serve(0, models)
    try:
        with Browser() as browser:
            browser.navigate(url)
            browser.wait_for(f"document.querySelectorAll('[data-model]').length === {len(models)}")
            draw_on_canvas(browser, hand_drawn_seven())
            time.sleep(0.3)  # the bars' width transitions
            path.parent.mkdir(parents=True, exist_ok=True)
            browser.screenshot(path)
            return browser.evaluate("lastAnswer.models")
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0].replace("``", ""))
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free one)")
    p.add_argument("--format", choices=("int8", "float32"), default="int8", help="which exported files")
    p.add_argument("--screenshot", type=Path, help="draw a 7 in headless Chromium, save the page here, exit")
    args = p.parse_args(argv)
    try:
        models = load_models(args.format)
    except FileNotFoundError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    if args.screenshot:
        from tools.browser import BrowserError

        try:
            shown = screenshot(args.screenshot, models)
        except (BrowserError, TimeoutError) as e:
            print(f"demo: {e}", file=sys.stderr)
            return 1
        for m in shown:
            print(f"{m['label']:<22} {m['name']:<22} {m['top']}  ({max(m['probs']):.1%})")
        print(f"demo: page with a drawn 7 saved to {args.screenshot}")
        return 0
    try:
        server, url = serve(args.port, models)
    except OSError as e:
        print(
            f"demo: cannot listen on 127.0.0.1:{args.port} ({e.strerror}); try another --port",
            file=sys.stderr,
        )
        return 1
    print(f"demo: {url} (Ctrl-C stops it)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

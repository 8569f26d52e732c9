"""``make demo``: the server's answers to drawings, and the page in a real (headless) Chromium."""

from __future__ import annotations

import base64
import io
import json
import os
import urllib.error
import urllib.request
from collections import Counter

import numpy as np
import pytest

from tools import demo
from tools.browser import INSTALL, Browser, find_chromium


@pytest.fixture(scope="module")
def models() -> list[demo.Model]:
    try:
        return demo.load_models()
    except FileNotFoundError as e:  # a failure, not a skip: the demo cannot run without them
        missing = str(e)
    pytest.fail(missing, pytrace=False)


@pytest.fixture(scope="module")
def server(models):
    server, url = demo.serve(0, models)
    yield server, url
    server.shutdown()
    server.server_close()


def png_url(grey: np.ndarray) -> str:
    """A data URL of ``grey`` (uint8) as a PNG, as the page's canvas sends it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(grey.astype(np.uint8)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url + "predict", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def as_drawn(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit as the page's 280x280 canvas holds a drawing: dark ink on white."""
    return 255 - np.kron(digit, np.ones((10, 10), np.uint8))


def test_mnist_digits_drawn_large_are_read_back(server, real_mnist):
    from lib.data import read_path

    data = read_path(real_mnist)
    firsts = [int(np.flatnonzero(data.y_test == d)[0]) for d in range(10)]  # one of each digit
    for i in firsts:
        status, answer = post(server[1], json.dumps({"image": png_url(as_drawn(data.x_test[i]))}).encode())
        label = int(data.y_test[i])
        assert status == 200
        x = np.array(answer["input"])
        assert x.shape == (28, 28) and x.min() >= 0 and x.max() == 255
        assert np.abs(x - data.x_test[i]).mean() < 2  # the preprocessing gives the MNIST image back
        tops = {m["name"]: m["top"] for m in answer["models"]}
        assert list(tops) == list(demo.MODELS)
        # 05 reads all ten; a weaker model may misread one (02 reads test image 8, a 5, as 6)
        assert tops["05_under_8k"] == label, f"test image {i}: {tops}"
        assert Counter(tops.values()).most_common(1)[0][0] == label, f"test image {i}: {tops}"
        assert all(len(m["probs"]) == 10 and abs(sum(m["probs"]) - 1) < 0.03 for m in answer["models"])
        assert answer["models"][3]["label"] == "05 · 7,602 params"


def test_blank_canvas_asks_for_a_digit(server):
    status, answer = post(server[1], json.dumps({"image": png_url(np.full((280, 280), 255))}).encode())
    assert status == 200
    assert answer["input"] is None and answer["models"] == []
    assert "ink" in answer["message"] and "\n" not in answer["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"image": 3}',
        b'{"picture": "data:image/png;base64,AAAA"}',
        b'{"image": "data:image/png;base64,!!!"}',
        b'{"image": "data:text/plain;base64,aGVsbG8="}',
        b'{"image": "data:image/png;base64,aGVsbG8="}',  # "hello": not a PNG
    ],
)
def test_bad_requests_get_400_with_one_line(server, body):
    status, answer = post(server[1], body)
    assert status == 400
    assert set(answer) == {"error"} and answer["error"] and "\n" not in answer["error"]


def test_serves_the_page_and_models_on_localhost_only(server):
    srv, url = server
    assert srv.server_address[0] == "127.0.0.1" and url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/html") and b'id="pad"' in r.read()
    with urllib.request.urlopen(url + "models", timeout=10) as r:
        assert [m["name"] for m in json.load(r)] == list(demo.MODELS)


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        reason = f"the browser test needs Chromium: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run it)", pytrace=False)
        pytest.skip(reason)
    with Browser(executable) as b:
        yield b


def line(*corners: tuple[float, float], steps: int = 20) -> list[tuple[float, float]]:
    """A stroke through ``corners`` (fractions of the canvas), ``steps`` points per segment."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        points += [(x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(1, steps + 1)]
    return points


def test_page_answers_while_drawing_with_pointer_events(server, browser):
    browser.navigate(server[1])
    browser.wait_for(f"document.querySelectorAll('[data-model]').length === {len(demo.MODELS)}")
    seen_ink = "seenCtx.getImageData(0, 0, 28, 28).data.some((v, i) => i % 4 !== 3 && v > 0)"

    def check(digit: str) -> None:
        tops = demo.answers(browser)
        assert not browser.evaluate("statusText.textContent").startswith("error")
        assert browser.evaluate(seen_ink)
        assert tops == dict.fromkeys(demo.MODELS, digit)  # a plain 1 or 7: every model reads it

    demo.draw_on_canvas(browser, [line((0.5, 0.15), (0.52, 0.85))])
    check("1")

    button = "document.getElementById('clear').getBoundingClientRect()"
    x, y = browser.evaluate(f"(r => [r.left + r.width / 2, r.top + r.height / 2])({button})")
    browser.draw([[(x, y)]])  # a click
    browser.wait_for("settled() && lastAnswer && lastAnswer.input === null")
    assert set(demo.answers(browser).values()) == {""}
    assert browser.evaluate("statusText.textContent") == "draw a digit"
    assert not browser.evaluate(seen_ink)

    demo.draw_on_canvas(browser, [line((0.25, 0.2), (0.75, 0.2), (0.42, 0.85))])
    check("7")

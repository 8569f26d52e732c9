"""A headless Chromium driven over the Chrome DevTools Protocol, enough to test a page by hand.

    with Browser() as b:
        b.navigate("http://127.0.0.1:8765/")
        b.draw([[(100, 100), (100, 200)]])  # one stroke with the mouse, as pointer events
        b.wait_for("document.title === 'done'")
        b.screenshot(Path("page.png"))

Chromium runs with its own temporary profile and a fixed viewport, so screenshots are the
same size everywhere; the protocol's messages go over the ``websocket-client`` package.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import websocket

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "install Chromium (Debian: apt-get install chromium) or set $CHROMIUM to a Chrome executable"


class BrowserError(RuntimeError):
    """Chromium did not start, or a protocol command or the page's JavaScript failed."""


def find_chromium() -> str | None:
    """The executable in ``$CHROMIUM``, else the first Chromium or Chrome on ``PATH``."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return next(filter(None, map(shutil.which, NAMES)), None)


class Browser:
    """One headless Chromium page. Use it as a context manager: leaving it ends Chromium and
    removes its profile."""

    def __init__(
        self, executable: str | None = None, width: int = 1200, height: int = 700, timeout: float = 30
    ) -> None:
        executable = executable or find_chromium()
        if executable is None:
            raise BrowserError(f"Chromium not found: {INSTALL}")
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-"))
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.ws: websocket.WebSocket | None = None
        with open(self.profile / "stderr.log", "wb") as log:
            self.process = subprocess.Popen(
                [
                    executable,
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-extensions",
                    "--disable-background-networking",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--remote-debugging-port=0",
                    f"--user-data-dir={self.profile}",
                    f"--window-size={width},{height}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        try:
            self._connect()
            self.call("Page.enable")
            self.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
        except BaseException:
            self.close()
            raise

    def _connect(self) -> None:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.profile / "stderr.log").read_text(errors="replace").strip().splitlines()
                raise BrowserError(f"Chromium did not start: {log[-1] if log else 'no output'}")
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        # No Origin header: Chromium refuses WebSocket clients from other origins by default.
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=self.timeout, suppress_origin=True
        )

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one protocol command and return its result; events that arrive meanwhile are kept."""
        assert self.ws is not None
        id_ = next(self.ids)
        self.ws.send(json.dumps({"id": id_, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == id_:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def _wait_event(self, method: str) -> dict[str, Any]:
        assert self.ws is not None
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(i)
            message = json.loads(self.ws.recv())  # raises WebSocketTimeoutException after timeout
            if "method" in message:
                self.events.append(message)

    def navigate(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""
        self.events.clear()
        result = self.call("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"{url}: {result['errorText']}")
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited), as JSON gives it."""
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"{expression[:60]}: {text}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout: float = 10, interval: float = 0.05) -> Any:
        """Poll a JavaScript expression until it is truthy; its value, or ``TimeoutError``."""
        deadline = time.monotonic() + timeout
        while not (value := self.evaluate(condition)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"still false after {timeout:g} s: {condition}")
            time.sleep(interval)
        return value

    def draw(self, strokes: list[list[tuple[float, float]]]) -> None:
        """Press the left button at each stroke's first point, move through the others and release
        at the last (page pixels); the page receives pointer events. A one-point stroke clicks."""
        for stroke in strokes:
            (x, y), rest = stroke[0], stroke[1:]
            self._mouse("mousePressed", x, y, buttons=1, clickCount=1)
            for x, y in rest:
                self._mouse("mouseMoved", x, y, buttons=1)
            self._mouse("mouseReleased", x, y, buttons=0, clickCount=1)

    def _mouse(self, kind: str, x: float, y: float, **extra: int) -> None:
        self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", **extra})

    def screenshot(self, path: Path) -> None:
        """Save the viewport as a PNG."""
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))

    def close(self) -> None:
        """End Chromium and remove its profile."""
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

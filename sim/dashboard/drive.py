"""Driving the served dashboard from a headless browser (the browser test, the timings).

:class:`Server` starts ``solara run sim.dashboard.app`` on a free port with a scenario
file and waits until it answers; :class:`Driver` opens the page in headless Chromium
through Playwright's sync API (the browser of the operating system's packages,
:data:`CHROMIUM`: Playwright's own download is not used) and knows the page: its
sliders, buttons, the map and series images (a digest of the PNG bytes shown) and the
clock Mesa shows (``Time: 12.0``), and whether the map is covered by another element
(:meth:`Driver.map_covered`). Times are seconds, from :func:`time.perf_counter`.

Playwright is a development dependency: it is imported when a :class:`Driver` starts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sim.dashboard.serve import SCENARIO_ENV, solara_command

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "Driver", "Server", "free_port"]

#: Debian's Chromium.
CHROMIUM = "/usr/bin/chromium"
#: Headless Chromium in a container, with nothing fetched from the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
#: An asset every Solara page loads (served by Solara from its CDN cache).
ASSET = "/_solara/cdn/requirejs@2.3.6/require.js"


#: JavaScript: the SHA-256 (hex) of the bytes behind the first image matching a selector.
_DIGEST = """async (selector) => {
  const img = document.querySelector(selector);
  if (!img || !img.src) return "";
  const data = await (await fetch(img.src)).arrayBuffer();
  const hash = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(hash)).map(b => b.toString(16).padStart(2, "0")).join("");
}"""


#: JavaScript: what covers the map image, as a list of reasons ([] when it is visible):
#: the element at its centre is not the image, or its box meets the controls' column.
_COVERED = """() => {
  const img = document.querySelector(".placejobs-map img");
  if (!img) return ["no map image"];
  img.scrollIntoView({block: "center"});
  const r = img.getBoundingClientRect();
  const out = [];
  if (r.width < 50 || r.height < 50) out.push(`map image is ${r.width}x${r.height} px`);
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const el = document.elementFromPoint(x, y);
  if (el !== img) {
    const where = el ? (el.closest("[class]") || el).getAttribute("class") : "";
    out.push(`at the map's centre (${x}, ${y}): ${where} ${el ? el.outerHTML.slice(0, 200) : ""}`);
  }
  const side = document.querySelector(".placejobs-controls");
  if (side) {
    const s = side.getBoundingClientRect();
    if (r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom)
      out.push(`map image ${JSON.stringify(r)} meets the controls ${JSON.stringify(s)}`);
  }
  if (r.right > window.innerWidth + 1)
    out.push(`map image ends at ${r.right} px, the window at ${window.innerWidth}`);
  return out;
}"""


def free_port() -> int:
    """A TCP port free on this machine now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None


class Server:
    """``solara run sim.dashboard.app`` in a child process (a context manager).

    Args:
        scenario: the scenario file.
        log: where the server's output goes.
        root: the repository root (put first on ``PYTHONPATH``, so the checkout runs).
        timeout: seconds to wait for the first answer (the first model's burn-in).
    """

    def __init__(self, scenario: Path, log: Path, root: Path, timeout: float = 300.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ)
        env[SCENARIO_ENV] = str(Path(scenario).resolve())
        env["PYTHONPATH"] = os.pathsep.join(
            [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])
        env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
        self.log = Path(log)
        self._out = self.log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(solara_command(self.port, "127.0.0.1", False), env=env,
                                     cwd=root, stdout=self._out, stderr=subprocess.STDOUT)
        self.timeout = timeout
        #: Seconds from the start to the first answer.
        self.ready_s = float("nan")

    def wait(self) -> None:
        """Wait until the page answers.

        Raises:
            RuntimeError: the server stopped or did not answer in time (with its log).
        """
        while time.perf_counter() - self.started < self.timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the dashboard stopped (status {self.proc.returncode}):\n"
                                   + self.tail())
            if _status(self.url) == 200:
                self.ready_s = time.perf_counter() - self.started
                return
            time.sleep(0.5)
        raise RuntimeError(f"the dashboard did not answer in {self.timeout:.0f} s:\n"
                           + self.tail())

    def assets_ok(self) -> bool:
        """Whether Solara can serve its browser assets (from its cache or the network)."""
        return _status(self.url.rstrip("/") + ASSET) == 200

    def tail(self, lines: int = 30) -> str:
        """The last lines of the server's output."""
        self._out.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Driver:
    """The dashboard's page in headless Chromium (a context manager).

    Args:
        url: the page.
        width, height: the window, pixels.
    """

    def __init__(self, url: str, width: int = 1600, height: int = 1000) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.page: Any = self.browser.new_page(viewport={"width": width, "height": height})
        self.url = url
        #: Browser console errors seen, and requests answered with an error (status, URL).
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                     if r.status >= 400 else None)

    def open(self, timeout: float = 300.0) -> float:
        """Load the page and wait for the map; returns the seconds it took."""
        start = time.perf_counter()
        self.page.goto(self.url)
        self.page.locator(".placejobs-map img").wait_for(state="visible",
                                                         timeout=timeout * 1000)
        self.page.locator(".placejobs-series img").wait_for(state="visible",
                                                            timeout=timeout * 1000)
        return time.perf_counter() - start

    def image(self, which: str) -> str:
        """The SHA-256 of the ``"map"`` or ``"series"`` image's bytes as shown (the image
        behind its ``src``, a blob or data URL), in hex; "" while there is none."""
        return str(self.page.evaluate(_DIGEST, f".placejobs-{which} img"))

    def map_covered(self, timeout: float = 30.0) -> list[str]:
        """Why the map image cannot be seen whole ([] when it can): another element at its
        centre (the old sidebar lay over it), its box meeting the controls' column, or
        running past the window's right edge. Scrolls the map into view first.

        Solara lays its loading spinner over the page while the server works, so this
        asks again (every 0.25 s, up to ``timeout`` seconds) until nothing covers the map,
        and returns the last reasons if something still does.
        """
        end = time.perf_counter() + timeout
        while True:
            reasons = [str(x) for x in self.page.evaluate(_COVERED)]
            if not reasons or time.perf_counter() > end:
                return reasons
            time.sleep(0.25)

    def values(self) -> list[str]:
        """The values shown beside the sliders (CSS class ``placejobs-value``)."""
        return [str(t) for t in self.page.locator(".placejobs-value").all_inner_texts()]

    def resize(self, width: int, height: int) -> None:
        """Resize the window (pixels)."""
        self.page.set_viewport_size({"width": width, "height": height})

    def text(self) -> str:
        """The page's visible text."""
        return str(self.page.inner_text("body"))

    def slider(self, label: str) -> Any:
        """The thumb of the slider labelled ``label``."""
        box = self.page.locator(".v-input", has_text=label)
        return box.get_by_role("slider").first

    def move_slider(self, label: str, presses: int) -> tuple[str, str]:
        """Move a slider by ``presses`` steps with the arrow keys (negative: left).

        Returns:
            Its ``aria-valuenow`` before and after.
        """
        thumb = self.slider(label)
        before = str(thumb.get_attribute("aria-valuenow"))
        thumb.focus()
        key = "ArrowRight" if presses > 0 else "ArrowLeft"
        for _ in range(abs(presses)):
            thumb.press(key)
        return before, str(thumb.get_attribute("aria-valuenow"))

    def click(self, name: str) -> None:
        """Click the button named ``name`` (Reset, Step)."""
        self.page.get_by_role("button", name=name, exact=True).click()

    def wait_for_time(self, steps: int, timeout: float = 300.0) -> float:
        """Wait until Mesa's clock shows ``steps``; returns the seconds waited.

        The page is checked at every animation frame (about 16 ms), not at Playwright's
        default polling, which backs off to every 500 ms and so rounded a month's time
        up to the next half second.
        """
        start = time.perf_counter()
        self.page.wait_for_function("t => document.body.innerText.includes(t)",
                                    arg=f"Time: {float(steps)}", polling="raf",
                                    timeout=timeout * 1000)
        return time.perf_counter() - start

    def wait_for_text(self, selector: str, text: str, timeout: float = 300.0) -> float:
        """Wait until the first element matching ``selector`` shows ``text`` (checked at
        every animation frame); returns the seconds waited."""
        start = time.perf_counter()
        self.page.wait_for_function(
            "([s, t]) => { const e = document.querySelector(s); "
            "return !!e && e.innerText.includes(t); }",
            arg=[selector, text], polling="raf", timeout=timeout * 1000)
        return time.perf_counter() - start

    def wait_for_change(self, which: str, old: str, timeout: float = 120.0) -> str:
        """Wait until the ``which`` image's bytes differ from ``old`` (a digest of
        :meth:`image`); returns the new digest."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            src = self.image(which)
            if src and src != old:
                return src
            time.sleep(0.2)
        raise TimeoutError(f"the {which} image did not change in {timeout:.0f} s")

    def step(self, timeout: float = 300.0) -> float:
        """Press Step once and wait for the clock to move; returns the seconds."""
        now = self.clock()
        start = time.perf_counter()
        self.click("Step")
        self.wait_for_time(now + 1, timeout)
        return time.perf_counter() - start

    def clock(self) -> int:
        """The months Mesa's clock shows."""
        text = self.page.get_by_text("Time: ").first.inner_text()
        return int(float(text.split("Time:")[1].split()[0]))

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """Save the page as a PNG: all of it, or (``full_page=False``) the window."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        """Close the browser."""
        self.browser.close()
        self._pw.stop()

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

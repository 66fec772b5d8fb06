"""The dashboard in a real browser: served, driven in headless Chromium, screenshotted.

The dashboard is started as a subprocess on a free port with a small UK economy (scale
0.001, 12 months of burn-in) and driven through Playwright's sync API in the operating
system's Chromium (:data:`sim.dashboard.drive.CHROMIUM`; ``make browser`` installs it).
The test moves the budget slider, resets, steps 12 months and checks that the map and
the series images changed, that the clock and the account say month 12 and that the
budget moved; the screenshot goes to ``$PLACEJOBS_ARTIFACTS/dashboard.png`` (default
``tests/artifacts/``).

Without Chromium, Playwright or Solara's browser assets (no network and no local copy:
see docs/dashboard.md) the test is skipped with the reason, and fails under ``CI=true``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.dashboard.drive import CHROMIUM, Driver, Server

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = """\
[run]
name = "dashboard-test"
description = "UK regions, small, for the browser test"
geography = "uk-itl1"
scale = 0.001
seed = 3
burn_in_months = 12
months = 36
"""


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    path = Path(os.environ.get("PLACEJOBS_ARTIFACTS") or ROOT / "tests" / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, artifacts):
    if not Path(CHROMIUM).exists():
        _missing(f"no browser at {CHROMIUM}: run `make browser` (Debian's chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[dev]'")
    folder = tmp_path_factory.mktemp("dashboard")
    scenario = folder / "scenario.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with Server(scenario, artifacts / "dashboard-server.log", ROOT) as srv:
        srv.wait()
        if not srv.assets_ok():
            _missing("Solara cannot serve its browser assets (no network, and none in "
                     "SOLARA_ASSETS_PROXY_CACHE_DIR): see docs/dashboard.md")
        yield srv


def test_move_a_slider_step_a_year_and_see_the_map_and_series_change(server, artifacts):
    with Driver(server.url) as d:
        first_map_s = d.open()
        # Move the budget slider (GBP 200 m, steps of 10) and rebuild the model with it.
        before, after = d.move_slider("Budget (GBP m)", 10)
        assert float(after) == pytest.approx(float(before) + 100.0)
        old_map, old_series = d.image("map"), d.image("series")
        d.click("Reset")
        d.page.get_by_text(f"£{float(after):,.0f} m").wait_for(timeout=120_000)
        assert d.clock() == 0
        months = [d.step() for _ in range(12)]
        assert d.clock() == 12
        new_map = d.wait_for_change("map", old_map)
        new_series = d.wait_for_change("series", old_series)
        assert len(new_map) == len(new_series) == 64  # SHA-256 digests of the images shown
        assert "month 12 of 36" in d.text()
        shot = d.screenshot(artifacts / "dashboard.png")
        assert shot.stat().st_size > 10_000
        assert d.errors == [], (d.errors, d.failed)
    print(f"\nserver ready {server.ready_s:.1f} s, first map {first_map_s:.1f} s, "
          f"a month {sorted(months)[6]:.2f} s (median of 12); screenshot {shot}")

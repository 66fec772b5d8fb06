"""The dashboard in a real browser: served, driven in headless Chromium, screenshotted.

The dashboard is started as a subprocess on a free port with a small UK economy (scale
0.001, 12 months of burn-in) and driven through Playwright's sync API in the operating
system's Chromium (:data:`sim.dashboard.drive.CHROMIUM`; ``make browser`` installs it).
The test moves the budget slider and checks the value shown beside it, resets, steps 12
months and checks that the map and the series images changed, that the clock, the
Information card (with the calendar month and the lever's status) and the account say
month 12, that the budget moved, and that the map is not covered by the controls (at
1600x1000 and at 1280x800 pixels); the screenshot goes to
``$PLACEJOBS_ARTIFACTS/dashboard.png`` (default ``tests/artifacts/``).

Without Chromium or Playwright the test is skipped with the reason (it fails instead
under ``CI=true``). Solara's browser assets come with the ``solara-assets`` package
(docs/dashboard.md), so a missing asset is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
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
        assert srv.assets_ok(), ("Solara cannot serve its browser assets: is the "
                                 "solara-assets package (of Solara's version) installed? "
                                 "See docs/dashboard.md")
        yield srv


def test_move_a_slider_step_a_year_and_see_the_map_and_series_change(server, artifacts):
    with Driver(server.url, width=1600, height=1000) as d:
        first_map_s = d.open()
        assert d.map_covered() == []
        assert "£200 m" in d.values()
        # Move the budget slider (GBP 200 m, steps of 10): the value beside it follows.
        before, after = d.move_slider("Budget", 10)
        assert float(after) == pytest.approx(float(before) + 100.0)
        budget = f"£{float(after):,.0f} m"
        d.page.locator(".placejobs-value", has_text=budget).wait_for(timeout=30_000)
        assert "£200 m" not in d.values()
        old_map, old_series = d.image("map"), d.image("series")
        assert "Month 0 of 36 (end of the burn-in" in d.text()
        assert "Lever: before start" in d.text()
        d.click("Reset")  # rebuild the model with the new budget
        d.wait_for_text(".placejobs-account", budget, timeout=120.0)
        assert d.clock() == 0
        months = [d.step() for _ in range(12)]
        assert d.clock() == 12
        new_map = d.wait_for_change("map", old_map)
        new_series = d.wait_for_change("series", old_series)
        assert len(new_map) == len(new_series) == 64  # SHA-256 digests of the images shown
        # The texts render after the figures (on a loaded machine, noticeably after).
        d.wait_for_text("body", "month 12 of 36", timeout=120.0)
        d.wait_for_text("body", "Month 12 of 36 (", timeout=120.0)
        text = d.text()
        assert "month 12 of 36" in text
        assert re.search(r"Month 12 of 36 \([A-Z][a-z]+ \d{4}\)", text), text[:2000]
        assert "Lever: spending (months 6 to 29)" in text
        assert "Net additional jobs (people)" in text
        assert "Cost per net additional job (GBP)" in text
        assert d.map_covered() == []
        d.resize(1280, 800)
        assert d.map_covered() == []
        d.screenshot(artifacts / "dashboard-1280x800.png", full_page=False)
        d.resize(1600, 1700)  # the page scrolls inside Solara's layout: show all of it
        shot = d.screenshot(artifacts / "dashboard.png")
        assert shot.stat().st_size > 10_000
        assert d.errors == [], (d.errors, d.failed)
    print(f"\nserver ready {server.ready_s:.1f} s, first map {first_map_s:.1f} s, "
          f"a month {sorted(months)[6]:.2f} s (median of 12); screenshot {shot}")

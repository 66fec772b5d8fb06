"""Time the dashboard in a headless browser: first map, one month, a reset that hits the cache.

Usage::

    PYTHONPATH=. .venv/bin/python tools/dashboard_timings.py [SCENARIO] [--repeat 3] [--steps 3]

Each repetition starts a fresh server (``solara run sim.dashboard.app``) on the scenario
(default ``scenarios/baseline.toml``: the UK regions at scale 0.01, about 400,000
workers, 120 months of burn-in) and drives it with :mod:`sim.dashboard.drive`:

* ``server``: seconds from the server's start to its first answer (the first model is
  built and burned in before the page is served);
* ``first map``: seconds from the server's start until the map and the series are shown
  in the browser (``server`` plus the page's load and first drawing);
* ``page``: seconds from opening the page to the map (the page alone);
* ``month``: seconds from pressing Step to Mesa's clock moving on, both runs stepped and
  every component drawn again (median of ``--steps`` presses);
* ``reset``: seconds from pressing Reset after moving the budget slider until the page
  shows the new budget in the account (the burn-in cache hits: no burn-in).

Prints each repetition and the medians. Needs Chromium at ``/usr/bin/chromium`` and
Solara's browser assets (docs/dashboard.md).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sim.dashboard.drive import Driver, Server

ROOT = Path(__file__).resolve().parents[1]


def one(scenario: Path, steps: int, log: Path) -> dict[str, float]:
    """One repetition: a fresh server, a fresh browser."""
    with Server(scenario, log, ROOT, timeout=1200.0) as srv:
        srv.wait()
        with Driver(srv.url) as d:
            page = d.open(timeout=600.0)
            first = time.perf_counter() - srv.started
            months = [d.step(timeout=600.0) for _ in range(steps)]
            _, after = d.move_slider("Budget", 5)
            start = time.perf_counter()
            d.click("Reset")
            d.wait_for_text(".placejobs-account", f"£{float(after):,.0f} m", timeout=600.0)
            d.wait_for_time(0)
            reset = time.perf_counter() - start
    return {"server": srv.ready_s, "first map": first, "page": page,
            "month": statistics.median(months), "reset": reset}


def main() -> None:
    """Run the repetitions and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path, nargs="?", default=ROOT / "scenarios" /
                        "baseline.toml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            row = one(args.scenario, args.steps, Path(tmp) / f"server{r}.log")
            runs.append(row)
            print(f"run {r + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.items()),
                  flush=True)
    print("median: " + ", ".join(f"{k} {statistics.median(r[k] for r in runs):.2f} s"
                                 for k in runs[0]))


if __name__ == "__main__":
    main()

"""Is the baseline stationary? Twenty recorded years, several seeds, drift against noise.

Usage (from the repository root)::

    PYTHONPATH=$PWD .venv/bin/python tools/stationarity.py [SCENARIO] [--scale S]
        [--years Y] [--seeds N]

Runs ``SCENARIO`` (default ``scenarios/baseline.toml``) for ``Y`` recorded years (20)
after its burn-in with ``N`` seeds (5: 42, 43, ...), and for each headline national
indicator compares the mean of the last five years with that of the first five:

* ``drift``: the mean over seeds of (last five years - first five years);
* ``noise``: the band a drift stays within by chance, ``2 sqrt(2) s`` with ``s`` the
  standard deviation across seeds of a five-year mean (two independent five-year
  means differ by more with probability about 5%);
* ``stationary``: ``|drift| <= noise``.

Prints one row per indicator (docs/validation.md quotes the table).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import sim

INDICATORS = (
    "unemployment_rate", "employment_rate", "participation_rate",
    "measured_job_finding_rate", "job_loss_rate", "job_to_job_rate", "vacancy_rate",
    "good_jobs_share", "median_wage", "remote_share", "own_place_work_share",
    "skill_share_advanced",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/baseline.toml")
    parser.add_argument("--scale", type=float, default=None)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    base = sim.load_scenario(args.scenario)
    if args.scale is not None:
        base = base.with_overrides(scale=args.scale)
    months = 12 * args.years
    first, last = {}, {}
    t0 = time.perf_counter()
    for seed in range(42, 42 + args.seeds):
        model = sim.LabourMarket(base.with_overrides(months=months, seed=seed), rng=seed)
        model.run_for(months)
        n = model.national_frame()
        first[seed] = n[list(INDICATORS)].iloc[:60].mean()
        last[seed] = n[list(INDICATORS)].iloc[-60:].mean()
    a, b = pd.DataFrame(first).T, pd.DataFrame(last).T
    s = 0.5 * (a.std() + b.std())
    table = pd.DataFrame({
        "first_5_years": a.mean(), "last_5_years": b.mean(), "drift": (b - a).mean(),
        "noise": 2.0 * np.sqrt(2.0) * s,
    })
    table["stationary"] = table["drift"].abs() <= table["noise"]
    print(f"{args.scenario} at scale {base.run.scale}, {args.years} recorded years after "
          f"{base.run.burn_in_months} months of burn-in, seeds 42..{41 + args.seeds}, "
          f"{time.perf_counter() - t0:.0f} s")
    with pd.option_context("display.width", 160, "display.float_format", "{:.5g}".format):
        print(table.to_string())


if __name__ == "__main__":
    main()

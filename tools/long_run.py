"""Twenty simulated years of a scenario: stability figures for the docs and issue notes.

Usage: .venv/bin/python tools/long_run.py SCENARIO.toml SCALE [MONTHS]

Prints the range of national unemployment, the mean monthly job-finding rate (and the
highest 12-month mean), each place's population after the run relative to the first
recorded month (min and max), and a few other national figures.
"""

from __future__ import annotations

import sys
import time

import sim


def main() -> None:
    scenario_file, scale = sys.argv[1], float(sys.argv[2])
    months = int(sys.argv[3]) if len(sys.argv) > 3 else 240
    t0 = time.perf_counter()
    scenario = sim.load_scenario(scenario_file).with_overrides(scale=scale, months=months)
    model = sim.LabourMarket(scenario, rng=42)
    model.run_for(months)
    n = model.national_frame()
    pop = model.places_frame().pivot(index="month", columns="place",
                                     values="working_age_population")
    ratio = pop.iloc[-1] / pop.iloc[0]
    print(f"{scenario_file}: {int((model.workers.status != 4).sum()):,} workers, "
          f"{time.perf_counter() - t0:.0f} s")
    print(f"unemployment {100 * n.unemployment_rate.min():.2f}-"
          f"{100 * n.unemployment_rate.max():.2f}%, job finding mean "
          f"{100 * n.job_finding_rate.mean():.1f}% (12-month max "
          f"{100 * n.job_finding_rate.rolling(12).mean().max():.1f}%)")
    print(f"place population after {months} months / first month: "
          f"min {ratio.min():.3f}, max {ratio.max():.3f}")
    print(f"own-place work share {n.own_place_work_share.iloc[-1]:.3f}; advanced share "
          f"{n.skill_share_advanced.iloc[0]:.3f} -> {n.skill_share_advanced.iloc[-1]:.3f}; "
          f"median wage {n.median_wage.iloc[0]:.0f} -> {n.median_wage.iloc[-1]:.0f}")


if __name__ == "__main__":
    main()

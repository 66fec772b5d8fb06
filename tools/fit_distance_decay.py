"""Fit the search distance decay at district and at region level against the 2011 Census.

Usage: .venv/bin/python tools/fit_distance_decay.py [--betas 0.05,0.0625,0.075,0.0875,0.1]
                                                    [--seeds 42,43] [--months 24]

For each decay ``beta`` (``search.distance_decay_per_minute``, per minute) and seed it builds
the baseline (burn-in included) and runs ``--months`` more, then measures where the
employed work:

* districts (``scenarios/baseline-lad.toml`` at scale 0.01): the share of employed people
  working in their own district, against 44% (2011 Census, WU03UK);
* regions (``scenarios/baseline.toml`` at scale 0.005): the share of each region's employed
  residents working in another region, against the Census commuting matrix
  (``sim/data/geo/uk_commute_2011_itl1_long.csv``, among people with a fixed workplace in a
  UK region): the mean absolute error across regions, in percentage points, and the UK
  own-region share.

Prints one row per beta (means over the seeds) and the beta each level would choose.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import sim
from sim.agents.workers import EMPLOYED
from sim.world.resources import read_data_csv

CENSUS_OWN_DISTRICT = 0.44


def _where(model: sim.LabourMarket) -> tuple[np.ndarray, np.ndarray]:
    w = model.workers
    emp = w.status == EMPLOYED
    return w.home[emp], model.firms.place[w.employer[emp]]


def census_out_share(codes: list[str]) -> pd.Series:
    """Share of each region's residents with a fixed UK workplace who work in another region."""
    df = read_data_csv("geo/uk_commute_2011_itl1_long.csv")
    df = df[df.workplace_itl121cd.isin(codes)]
    total = df.groupby("residence_itl121cd").persons.sum()
    own = df[df.residence_itl121cd == df.workplace_itl121cd].set_index("residence_itl121cd")
    return (1.0 - own.persons / total).reindex(codes)


def measure(beta: float, seed: int, months: int) -> dict[str, float]:
    out: dict[str, float] = {}
    lad = sim.load_scenario("scenarios/baseline-lad.toml").with_changes(
        {"search.distance_decay_per_minute": beta, "run.scale": 0.01})
    model = sim.LabourMarket(lad, rng=seed)
    model.run_for(months)
    home, work = _where(model)
    out["own_district"] = float(np.mean(home == work))

    itl = sim.load_scenario("scenarios/baseline.toml").with_changes(
        {"search.distance_decay_per_minute": beta, "run.scale": 0.005})
    model = sim.LabourMarket(itl, rng=seed)
    model.run_for(months)
    home, work = _where(model)
    codes = list(model.geography.places.index)
    n = len(codes)
    residents = np.bincount(home, minlength=n)
    stay = np.bincount(home[home == work], minlength=n)
    model_out = 1.0 - stay / np.maximum(residents, 1)
    data_out = census_out_share(codes).to_numpy()
    out["own_region"] = float(np.mean(home == work))
    out["region_out_mae_pp"] = float(np.mean(np.abs(model_out - data_out)) * 100)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--betas", default="0.05,0.0625,0.075,0.0875,0.1")
    parser.add_argument("--seeds", default="42,43")
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    betas = [float(b) for b in args.betas.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for beta in betas:
        runs = [measure(beta, seed, args.months) for seed in seeds]
        row = {"beta": beta, **{k: float(np.mean([r[k] for r in runs])) for k in runs[0]}}
        rows.append(row)
        print(f"beta {beta:.4f}: own district {row['own_district']:.3f} (Census "
              f"{CENSUS_OWN_DISTRICT}), own region {row['own_region']:.3f}, region "
              f"out-commuting MAE {row['region_out_mae_pp']:.2f} pp", flush=True)
    table = pd.DataFrame(rows)
    best_lad = table.loc[(table.own_district - CENSUS_OWN_DISTRICT).abs().idxmin(), "beta"]
    best_itl = table.loc[table.region_out_mae_pp.idxmin(), "beta"]
    print(f"\ndistrict level chooses {best_lad}; region level chooses {best_itl}")
    print("UK own-region share in the Census (fixed UK workplaces):",
          f"{1 - census_out_share(list(sim.load_geography('uk-itl1').places.index)).mean():.3f}"
          " (mean over regions)")


if __name__ == "__main__":
    main()

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

With ``--by-skill`` it also splits the drifts of job loss and of the own-place work
share between the skill groups' shares of the employed (composition) and the rates
within each group (within), a shift-share over the same first and last five years::

    drift = sum_s (w_s' - w_s) r_s  +  sum_s w_s (r_s' - r_s)  +  sum_s dw_s dr_s
            composition               within                    interaction

with ``w_s`` a group's share of the employed and ``r_s`` its rate (first five years
unprimed, last five primed). Job loss is measured as the model's indicator is: a worker
employed last month and unemployed this month (rows past last month's table are new).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import sim
from sim.agents.workers import EMPLOYED, UNEMPLOYED

#: Skill groups of the decomposition (the workers' ``skill`` codes 0, 1, 2).
SKILLS = ("basic", "intermediate", "advanced")

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
    parser.add_argument("--by-skill", action="store_true",
                        help="also split the drifts of job loss and the own-place work "
                        "share into skill composition and within-skill rates")
    args = parser.parse_args()
    base = sim.load_scenario(args.scenario)
    if args.scale is not None:
        base = base.with_overrides(scale=args.scale)
    months = 12 * args.years
    first, last, groups = {}, {}, []
    t0 = time.perf_counter()
    for seed in range(42, 42 + args.seeds):
        model = sim.LabourMarket(base.with_overrides(months=months, seed=seed), rng=seed)
        if args.by_skill:
            groups.append(_run_counting(model, months, seed))
        else:
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
        if groups:
            print(shift_share(pd.concat(groups), months).to_string())


def _run_counting(model: sim.LabourMarket, months: int, seed: int) -> pd.DataFrame:
    """Run ``model`` month by month; per recorded month and skill group: the employed,
    those of last month's employed now unemployed, and the employed working in their own
    place."""
    rows, before = [], None
    for month in range(1, months + 1):
        model.run_for(1)
        w = model.workers
        status, skill = np.asarray(w.status).copy(), np.asarray(w.skill).copy()
        employed = status == EMPLOYED
        place = np.asarray(model.firms.place)[np.maximum(np.asarray(w.employer), 0)]
        own = employed & (place == np.asarray(w.home))
        for s in range(len(SKILLS)):
            group = skill == s
            row = {"seed": seed, "month": month, "skill": s,
                   "employed": int(np.count_nonzero(employed & group)),
                   "own_place": int(np.count_nonzero(own & group)),
                   "was_employed": 0, "lost_job": 0}
            if before is not None:
                n = before[0].size
                was = (before[0] == EMPLOYED) & (before[1] == s)
                row["was_employed"] = int(np.count_nonzero(was))
                row["lost_job"] = int(np.count_nonzero(was & (status[:n] == UNEMPLOYED)))
            rows.append(row)
        before = (status, skill)
    return pd.DataFrame(rows)


def shift_share(counts: pd.DataFrame, months: int) -> pd.DataFrame:
    """Drifts of job loss and the own-place work share split into skill composition,
    within-skill rates and their interaction (mean over seeds, percentage points; the
    standard deviation across seeds of the within term beside it)."""
    out = {}
    for name, num, den in (("job loss", "lost_job", "was_employed"),
                           ("own-place work share", "own_place", "employed")):
        parts = []
        for seed, c in counts.groupby("seed"):
            # The first five years from month 2: job loss needs last month's state.
            a = c[c["month"].between(2, 61)].groupby("skill")[[num, den]].sum()
            b = c[c["month"] > months - 60].groupby("skill")[[num, den]].sum()
            wa, wb = a[den] / a[den].sum(), b[den] / b[den].sum()
            ra, rb = a[num] / a[den], b[num] / b[den]
            parts.append({"seed": seed, "drift": (wb * rb).sum() - (wa * ra).sum(),
                          "composition": ((wb - wa) * ra).sum(),
                          "within": (wa * (rb - ra)).sum(),
                          "interaction": ((wb - wa) * (rb - ra)).sum()})
        p = pd.DataFrame(parts)
        out[name] = {**(100.0 * p[["drift", "composition", "within", "interaction"]].mean()),
                     "within_sd_across_seeds": 100.0 * p["within"].std()}
    return pd.DataFrame(out).T.rename_axis("percentage points")


if __name__ == "__main__":
    main()

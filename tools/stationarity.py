"""Is the baseline stationary? Twenty recorded years, several seeds, drift against noise.

Usage (from the repository root)::

    PYTHONPATH=$PWD .venv/bin/python tools/stationarity.py [SCENARIO] [--scale S]
        [--years Y] [--seeds N] [--by-skill]

Runs ``SCENARIO`` (default ``scenarios/baseline.toml``) for ``Y`` recorded years (20)
after its burn-in with ``N`` seeds (5: 42, 43, ...), and for each headline national
indicator compares the mean of the last five years with that of the first five:

* ``drift``: the mean over seeds of (last five years - first five years);
* ``noise``: the band a drift stays within by chance, ``2 sqrt(2) s`` with ``s`` the
  standard deviation across seeds of a five-year mean (two independent five-year
  means differ by more with probability about 5%);
* ``stationary``: ``|drift| <= noise``.

Prints one row per indicator (docs/validation.md quotes the table).

With ``--by-skill`` it also splits drifts with a shift-share over the same first and
last five years:

* unemployment, job loss, the hybrid share and the own-place work share between the
  skill groups' shares (of the labour force or the employed: composition) and the rates
  within each group (within);
* the own-place work share between where the employed live (each home place's share of
  the employed) and each place's own share, with a table of both per place::

    drift = sum_s (w_s' - w_s) r_s  +  sum_s w_s (r_s' - r_s)  +  sum_s dw_s dr_s
            composition               within                    interaction

with ``w_s`` a group's share and ``r_s`` its rate (first five years unprimed, last five
primed). Job loss is measured as the model's indicator is: a worker employed last month
and unemployed this month (rows past last month's table are new).
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
    first, last, groups, homes = {}, {}, [], []
    t0 = time.perf_counter()
    for seed in range(42, 42 + args.seeds):
        model = sim.LabourMarket(base.with_overrides(months=months, seed=seed), rng=seed)
        if args.by_skill:
            skill_counts, place_counts = _run_counting(model, months, seed)
            groups.append(skill_counts)
            homes.append(place_counts)
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
            homes_all = pd.concat(homes)
            print(place_split(homes_all, months).to_string())
            print(place_drifts(homes_all, [r.name for r in model.regions], months).to_string())


def _run_counting(model: sim.LabourMarket, months: int, seed: int) -> tuple[pd.DataFrame,
                                                                              pd.DataFrame]:
    """Run ``model`` month by month and count, per recorded month:

    * by skill group: the labour force, the unemployed, the employed, those in a hybrid
      job, those working in their own place, and those of last month's employed now
      unemployed;
    * by home place: the employed and those of them working in their own place.
    """
    rows, places, before = [], [], None
    n_places = model.state.n_places
    for month in range(1, months + 1):
        model.run_for(1)
        w = model.workers
        status, skill = np.asarray(w.status).copy(), np.asarray(w.skill).copy()
        home = np.asarray(w.home)
        employed = status == EMPLOYED
        unemployed = status == UNEMPLOYED
        place = np.asarray(model.firms.place)[np.maximum(np.asarray(w.employer), 0)]
        own = employed & (place == home)
        hybrid = employed & np.asarray(w.remote)
        for s in range(len(SKILLS)):
            group = skill == s
            row = {"seed": seed, "month": month, "skill": s,
                   "labour_force": int(np.count_nonzero((employed | unemployed) & group)),
                   "unemployed": int(np.count_nonzero(unemployed & group)),
                   "employed": int(np.count_nonzero(employed & group)),
                   "hybrid": int(np.count_nonzero(hybrid & group)),
                   "own_place": int(np.count_nonzero(own & group)),
                   "was_employed": 0, "lost_job": 0}
            if before is not None:
                n = before[0].size
                was = (before[0] == EMPLOYED) & (before[1] == s)
                row["was_employed"] = int(np.count_nonzero(was))
                row["lost_job"] = int(np.count_nonzero(was & unemployed[:n]))
            rows.append(row)
        places.append(pd.DataFrame({
            "seed": seed, "month": month, "place": np.arange(n_places),
            "employed": np.bincount(home[employed], minlength=n_places),
            "own_place": np.bincount(home[own], minlength=n_places),
        }))
        before = (status, skill)
    return pd.DataFrame(rows), pd.concat(places, ignore_index=True)


#: The drifts split by skill: name, numerator and denominator counts of :func:`_run_counting`.
SKILL_SPLITS = (
    ("unemployment rate", "unemployed", "labour_force"),
    ("job loss", "lost_job", "was_employed"),
    ("hybrid share", "hybrid", "employed"),
    ("own-place work share", "own_place", "employed"),
)


def _split(counts: pd.DataFrame, group: str, num: str, den: str, months: int,
           start: int = 1) -> dict[str, float]:
    """Shift-share of the drift of ``sum(num) / sum(den)`` over ``group`` (one seed)."""
    a = counts[counts["month"].between(start, start + 59)].groupby(group)[[num, den]].sum()
    b = counts[counts["month"] > months - 60].groupby(group)[[num, den]].sum()
    wa, wb = a[den] / a[den].sum(), b[den] / b[den].sum()
    ra, rb = a[num] / a[den], b[num] / b[den]
    return {"drift": (wb * rb).sum() - (wa * ra).sum(), "composition": ((wb - wa) * ra).sum(),
            "within": (wa * (rb - ra)).sum(), "interaction": ((wb - wa) * (rb - ra)).sum()}


def _summarise(parts: list[dict[str, float]]) -> dict[str, float]:
    p = pd.DataFrame(parts)
    return {**(100.0 * p[["drift", "composition", "within", "interaction"]].mean()),
            "within_sd_across_seeds": 100.0 * p["within"].std()}


def shift_share(counts: pd.DataFrame, months: int) -> pd.DataFrame:
    """Drifts of unemployment, job loss, the hybrid share and the own-place work share
    split into skill composition, within-skill rates and their interaction (mean over
    seeds, percentage points; the standard deviation across seeds of the within term
    beside it). Job loss starts its first five years at month 2 (it needs last month)."""
    out = {}
    for name, num, den in SKILL_SPLITS:
        start = 2 if name == "job loss" else 1
        out[name] = _summarise([_split(c, "skill", num, den, months, start)
                                for _, c in counts.groupby("seed")])
    return pd.DataFrame(out).T.rename_axis("by skill, percentage points")


def place_split(places: pd.DataFrame, months: int) -> pd.DataFrame:
    """The own-place work share's drift split between where the employed live (their
    places' shares of the employed: composition) and each place's own share (within)."""
    parts = [_split(c, "place", "own_place", "employed", months)
             for _, c in places.groupby("seed")]
    return pd.DataFrame({"own-place work share": _summarise(parts)}).T.rename_axis(
        "by home place, percentage points")


def place_drifts(places: pd.DataFrame, names: list[str], months: int) -> pd.DataFrame:
    """Per home place (mean over seeds): its share of the employed in the first five
    years, the change of that share and of its own-place work share (percentage points),
    last five years against first."""
    first = places[places["month"] <= 60].groupby(["seed", "place"])[
        ["employed", "own_place"]].sum()
    last = places[places["month"] > months - 60].groupby(["seed", "place"])[
        ["employed", "own_place"]].sum()

    def shares(t: pd.DataFrame) -> pd.DataFrame:
        employed = t["employed"] / t.groupby("seed")["employed"].transform("sum")
        return pd.DataFrame({"employed": employed, "own": t["own_place"] / t["employed"]})

    a, b = shares(first), shares(last)
    out = pd.DataFrame({
        "employed_share_first": 100.0 * a["employed"],
        "employed_share_change": 100.0 * (b["employed"] - a["employed"]),
        "own_share_first": 100.0 * a["own"],
        "own_share_change": 100.0 * (b["own"] - a["own"]),
    }).groupby("place").mean()
    out.index = [names[i] for i in out.index]
    return out.rename_axis("percentage points")


if __name__ == "__main__":
    main()

r"""Impact with intervals: policy minus baseline, by place, period and indicator; costs.

For a policy ``s``, an area ``a`` (a place, ``target`` = the target places together,
``UK`` = the whole country), an indicator ``x`` and a period ``K`` (a set of recorded
months), replication ``r`` gives the difference averaged over the period

.. math:: \Delta_r = \frac{1}{|K|} \sum_{t \in K} (x^P_{a,r,t} - x^B_{a,r,t}),

and the table reports the mean over the ``R`` replications with its 95% t-interval
:math:`\bar\Delta \pm t_{0.975, R-1}\, s_\Delta / \sqrt{R}` (``scipy.stats.t``). The
policy and baseline runs of a replication share their seed (common random numbers), so
the spread of :math:`\Delta_r` is far below that of either run's level.

**Periods:** ``policy``: the months any lever spends (its ``start_month`` to
``start_month + months - 1``, within the horizon); ``after``: the months after the last
of them to the end; ``whole``: from the first policy month to the end (every month when
the policy has no lever); and per month (``period = "month"``, the ``month`` column) for
the national and target areas.

**Indicators.** By place: every place indicator (:data:`sim.core.indicators.INDICATORS`)
plus ``good_jobs`` (good-jobs share x employed, people) and ``jobs_at_workplace`` (jobs
per resident worker x employed, people). Nationally: every national column (with the
Theil indices and coefficients of variation across places). For the target places
together:

==========================  ===========================================================
indicator                   aggregation over the target places
==========================  ===========================================================
counts (``sum``)            summed (``employed``, ``unemployed``, ``policy_spend``, ...)
``employment_rate``         employed / working_age_population
``unemployment_rate``       unemployed / (employed + unemployed)
``participation_rate``      (employed + unemployed) / working_age_population
``good_jobs_share``         good jobs / employed
``mean_wage``               employed-weighted mean (exact)
``median_wage``             employed-weighted mean of the places' medians (an
                            approximation: medians do not add up)
``gva_per_worker``          jobs-weighted mean by workplace (exact)
``jobs_per_resident_worker``  jobs at workplace / employed
``skill_share_*``           population-weighted mean (exact)
==========================  ===========================================================

**Costs.** Spend ``C`` = the indicator ``policy_spend`` (GBP a month by place) summed
over places and months, mean over replications. Cost per net additional job =
``C / N`` with ``N`` the net additional jobs over the whole period (the account's
``net``, for the target places' residents and nationally); per net additional good job
likewise with the difference in good jobs. Its interval is ``C / N_high`` to
``C / N_low`` from the net's interval; when that interval includes zero the cost is
unbounded above (``ci_high = inf``, said in ``note``). The time path divides the
cumulative spend to month ``t`` by the net at ``t``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.core.indicators import INDICATORS

__all__ = [
    "IMPACT_COLUMNS", "ACCOUNT_COLUMNS", "COST_COLUMNS", "periods_of", "impact_table",
    "account_table", "cost_table", "summarise",
]

IMPACT_COLUMNS = ("scenario", "area", "name", "indicator", "period", "month", "difference",
                  "ci_low", "ci_high", "replications", "unit")
ACCOUNT_COLUMNS = ("scenario", "area", "term", "period", "month", "value", "ci_low",
                   "ci_high", "replications")
COST_COLUMNS = ("scenario", "area", "per", "period", "month", "spend_gbp", "net", "net_ci_low",
                "net_ci_high", "cost_gbp", "ci_low", "ci_high", "replications", "note")
_KEYS = ("scenario", "replication", "month")
#: Indicators derived from place columns: name -> (unit, description).
DERIVED = {
    "good_jobs": ("people", "employed residents in a good job (good_jobs_share x employed)"),
    "jobs_at_workplace": ("people", "filled jobs by workplace (jobs_per_resident_worker x "
                                    "employed)"),
}


def periods_of(scenario, horizon: int) -> dict[str, list[int]]:
    """The months of each period of a policy scenario (recorded months 1..``horizon``)."""
    spending = sorted({m for p in scenario.policy
                       for m in range(p.start_month, p.start_month + p.months)
                       if 1 <= m <= horizon})
    if not spending:
        return {"whole": list(range(1, horizon + 1))}
    first, last = min(p.start_month for p in scenario.policy), max(spending)
    out = {"policy": spending, "after": list(range(last + 1, horizon + 1)),
           "whole": list(range(first, horizon + 1))}
    return {k: v for k, v in out.items() if v}


def summarise(frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str],
              level: float = 0.95) -> pd.DataFrame:
    """Mean over replications of each column, by ``keys``, with its t-interval.

    ``frame`` has one row per replication (and ``keys``); returns long rows ``keys``,
    ``indicator``, ``difference``, ``ci_low``, ``ci_high``, ``replications`` (finite
    values only; the interval is NaN with fewer than two).
    """
    g = frame.groupby(list(keys), sort=True)[list(columns)]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    long = pd.DataFrame({
        "difference": mean.stack(future_stack=True),
        "sd": sd.stack(future_stack=True),
        "replications": n.stack(future_stack=True),
    })
    long.index = long.index.set_names([*keys, "indicator"])
    long = long.reset_index()
    k = long["replications"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(k >= 2, stats.t.ppf(0.5 + level / 2, np.maximum(k - 1, 1)), np.nan)
        half = t * long["sd"].to_numpy() / np.sqrt(k)
    # Exactly equal replications give an exact interval (no 0 * inf, no rounding).
    half = np.where(long["sd"].to_numpy() == 0.0, 0.0, half)
    half = np.where(k >= 2, half, np.nan)
    long["ci_low"] = long["difference"] - half
    long["ci_high"] = long["difference"] + half
    long["replications"] = long["replications"].astype(np.int64)
    return long.drop(columns="sd")


def _with_derived(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    if "good_jobs_share" in df and "employed" in df:
        df["good_jobs"] = df["good_jobs_share"] * df["employed"]
    if "jobs_per_resident_worker" in df and "employed" in df:
        df["jobs_at_workplace"] = df["jobs_per_resident_worker"] * df["employed"]
    return df


def _indicator_columns(df: pd.DataFrame, exclude: Sequence[str]) -> list[str]:
    return [c for c in df.columns if c not in exclude and pd.api.types.is_numeric_dtype(df[c])]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return num / den.where(den != 0)


def target_frame(places: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """The target places together, per run, replication and month (see the docstring)."""
    sub = places[places["place"].isin(list(codes))]
    keys = ["scenario", "run", "replication", "month"]
    if sub.empty:
        return pd.DataFrame(columns=keys)
    # In the table's column order (not a set's, whose order changes from process to
    # process), so the output's rows are the same in every run.
    cols = list(sub.columns)
    skip = {*keys, "place", "name", "seed"}
    sums = [c for c in cols if c not in skip
            and (c in DERIVED or (c in INDICATORS and INDICATORS[c].aggregation == "sum"))
            and pd.api.types.is_numeric_dtype(sub[c])]
    weighted: dict[str, str] = {"mean_wage": "employed", "median_wage": "employed",
                                "gva_per_worker": "jobs_at_workplace"}
    weighted.update({c: "working_age_population" for c in cols if c.startswith("skill_share_")})
    weighted = {c: w for c, w in weighted.items() if c in cols and w in cols}
    work = sub[keys + sums].copy()
    for c, w in weighted.items():
        work[f"__{c}"] = sub[c] * sub[w]
    g = work.groupby(keys, sort=True).sum(numeric_only=True)
    out = g[sums].copy()
    for c, w in weighted.items():
        out[c] = _ratio(g[f"__{c}"], g[w])
    e, u, pop = out.get("employed"), out.get("unemployed"), out.get("working_age_population")
    if e is not None and pop is not None:
        out["employment_rate"] = _ratio(e, pop)
        if u is not None:
            out["participation_rate"] = _ratio(e + u, pop)
    if e is not None and u is not None:
        out["unemployment_rate"] = _ratio(u, e + u)
    if e is not None and "good_jobs" in out:
        out["good_jobs_share"] = _ratio(out["good_jobs"], e)
    if e is not None and "jobs_at_workplace" in out:
        out["jobs_per_resident_worker"] = _ratio(out["jobs_at_workplace"], e)
    return out.reset_index()


def _differences(frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]
                 ) -> pd.DataFrame:
    """Policy minus baseline, row by row on ``keys``."""
    p = frame[frame["run"] == "policy"].set_index(list(keys))[list(columns)].sort_index()
    b = frame[frame["run"] == "baseline"].set_index(list(keys))[list(columns)].sort_index()
    if not p.index.equals(b.index):
        p, b = p.align(b, join="inner")
    return (p - b).reset_index()


def _over_periods(diff: pd.DataFrame, keys: Sequence[str], columns: Sequence[str],
                  periods: dict[str, dict[str, list[int]]], monthly: bool) -> pd.DataFrame:
    out = []
    for scenario, by_period in periods.items():
        d = diff[diff["scenario"] == scenario]
        for period, months in by_period.items():
            sel = d[d["month"].isin(months)]
            per_rep = sel.groupby([*keys, "replication"], sort=True)[list(columns)].mean()
            s = summarise(per_rep.reset_index(), keys, columns)
            s["period"], s["month"] = period, pd.NA
            out.append(s)
        if monthly:
            s = summarise(d, [*keys, "month"], columns)
            s["period"] = "month"
            out.append(s)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def impact_table(places: pd.DataFrame, national: pd.DataFrame,
                 targets: dict[str, Sequence[str]],
                 periods: dict[str, dict[str, list[int]]]) -> pd.DataFrame:
    """``impact.parquet``: every scenario, area, indicator and period (see the docstring).

    Args:
        places: the runs' places tables (``scenario, run, replication, month, place,
            name`` and the indicators).
        national: the runs' national tables (``scenario, run, replication, month`` ...).
        targets: the target place codes of each scenario.
        periods: the months of each period of each scenario (:func:`periods_of`).
    """
    places, national = _with_derived(places), _with_derived(national)
    names = places.drop_duplicates("place").set_index("place")["name"]
    parts = []
    pcols = _indicator_columns(places, ("replication", "seed", "month"))
    diff = _differences(places, [*_KEYS, "place"], pcols)
    by_place = _over_periods(diff, ["scenario", "place"], pcols, periods, monthly=False)
    by_place = by_place.rename(columns={"place": "area"})
    by_place["name"] = by_place["area"].map(names)
    parts.append(by_place)

    ncols = _indicator_columns(national, ("replication", "seed", "month"))
    diff = _differences(national, list(_KEYS), ncols)
    uk = _over_periods(diff, ["scenario"], ncols, periods, monthly=True)
    uk["area"], uk["name"] = "UK", "United Kingdom"
    parts.append(uk)

    frames = [target_frame(places[places["scenario"] == s], codes).assign(scenario=s)
              for s, codes in targets.items() if len(codes)]
    frames = [f for f in frames if len(f)]
    if frames:
        tf = pd.concat(frames, ignore_index=True)
        tcols = _indicator_columns(tf, ("replication", "month"))
        diff = _differences(tf, list(_KEYS), tcols)
        tgt = _over_periods(diff, ["scenario"], tcols,
                            {s: periods[s] for s in tf["scenario"].unique()}, monthly=True)
        tgt["area"], tgt["name"] = "target", "target places"
        parts.append(tgt)
    out = pd.concat(parts, ignore_index=True)
    units = {k: v.unit for k, v in INDICATORS.items()} | {k: v[0] for k, v in DERIVED.items()}
    out["unit"] = out["indicator"].map(units).fillna("")
    out["month"] = out["month"].astype("Int64")
    return out[list(IMPACT_COLUMNS)]


def account_table(account: pd.DataFrame,
                  periods: dict[str, dict[str, list[int]]]) -> pd.DataFrame:
    """``account.parquet``: each term of the account per scenario, area and period.

    Args:
        account: the tasks' account parts (``scenario, replication, month, area, term,
            value``; areas ``target`` and ``national``).
        periods: as for :func:`impact_table`.
    """
    wide = account.pivot_table(index=["scenario", "area", "replication", "month"],
                               columns="term", values="value", aggfunc="first")
    terms = list(wide.columns)
    wide = wide.reset_index()
    out = _over_periods(wide, ["scenario", "area"], terms, periods, monthly=True)
    out = out.rename(columns={"indicator": "term", "difference": "value"})
    # Terms an area does not have (who took the jobs: target places only; every term
    # before the first policy month for those) have no replication: no row.
    out = out[out["replications"] > 0].reset_index(drop=True)
    out["area"] = out["area"].replace({"national": "UK"})
    out["month"] = out["month"].astype("Int64")
    return out[list(ACCOUNT_COLUMNS)]


def _cost_row(spend: float, net: float, low: float, high: float) -> tuple[float, float, float,
                                                                          str]:
    """Cost per net job and its interval from the net's interval."""
    if not spend > 0:
        return np.nan, np.nan, np.nan, "nothing spent"
    cost = spend / net if net > 0 else np.inf
    if net <= 0 and np.isfinite(high) and high <= 0:
        return np.inf, np.inf, np.inf, "net effect not positive: the policy cost jobs"
    if not np.isfinite(low) or not np.isfinite(high):
        return cost, np.nan, np.nan, "no interval (fewer than two replications)"
    if low > 0:
        return cost, spend / high, spend / low, ""
    lo = spend / high if high > 0 else np.nan
    return cost, lo, np.inf, "the net's interval includes zero: the cost is unbounded above"


def cost_table(places: pd.DataFrame, account: pd.DataFrame, impact: pd.DataFrame,
               raw_account: pd.DataFrame | None = None,
               periods: dict[str, dict[str, list[int]]] | None = None) -> pd.DataFrame:
    """``costs.parquet``: cost per net additional job and good job, by period and month.

    ``per`` is ``net additional job`` (the spend over the mean net additional jobs of the
    period), ``net additional good job`` (likewise with good jobs) or ``net additional
    job-year`` (the spend over the net jobs summed over the months of the whole period,
    in years: what a year of a net additional job cost). Periods as in the account
    (``policy``: the spending months; ``after``; ``whole``: from the first policy month
    to the end), and ``month`` rows (cumulative spend to the month over that month's net).

    Args:
        places: the runs' places tables (for ``policy_spend``).
        account: :func:`account_table`'s output.
        impact: :func:`impact_table`'s output.
        raw_account: the tasks' account parts (for the job-years), with ``periods``.
        periods: the months of each period, by scenario.
    """
    pol = places[places["run"] == "policy"]
    by_month = (pol.groupby(["scenario", "replication", "month"])["policy_spend"].sum()
                .groupby(["scenario", "month"]).mean())
    rows = []
    for scenario, spend_path in by_month.groupby(level="scenario"):
        spend_path = spend_path.droplevel("scenario").sort_index()
        total = float(spend_path.sum())
        cum = spend_path.cumsum()
        for area in ("target", "UK"):
            net = account[(account["scenario"] == scenario) & (account["area"] == area)
                          & (account["term"] == "net")]
            good = impact[(impact["scenario"] == scenario) & (impact["area"] == area)
                          & (impact["indicator"] == "good_jobs")]
            for per, src in (("net additional job", net), ("net additional good job", good)):
                col = "value" if "value" in src else "difference"
                for period in ("policy", "after", "whole"):
                    sel = src[src["period"] == period]
                    if not len(sel):
                        continue
                    r = sel.iloc[0]
                    cost, lo, hi, note = _cost_row(total, r[col], r["ci_low"], r["ci_high"])
                    rows.append((scenario, area, per, period, pd.NA, total, r[col],
                                 r["ci_low"], r["ci_high"], cost, lo, hi,
                                 int(r["replications"]), note))
                for _, r in src[src["period"] == "month"].iterrows():
                    spent = float(cum.get(int(r["month"]), np.nan))
                    cost, lo, hi, note = _cost_row(spent, r[col], r["ci_low"], r["ci_high"])
                    rows.append((scenario, area, per, "month", int(r["month"]), spent, r[col],
                                 r["ci_low"], r["ci_high"], cost, lo, hi,
                                 int(r["replications"]), note))
            if raw_account is not None and periods is not None and scenario in periods:
                months = periods[scenario].get("whole", [])
                acc = raw_account[(raw_account["scenario"] == scenario)
                                  & (raw_account["area"] == ("national" if area == "UK"
                                                             else area))
                                  & (raw_account["term"] == "net")
                                  & raw_account["month"].isin(months)]
                years = (acc.groupby("replication")["value"].sum() / 12.0).rename("job_years")
                if len(years):
                    s = summarise(years.reset_index().assign(scenario=scenario), ["scenario"],
                                  ["job_years"]).iloc[0]
                    cost, lo, hi, note = _cost_row(total, s["difference"], s["ci_low"],
                                                   s["ci_high"])
                    rows.append((scenario, area, "net additional job-year", "whole", pd.NA,
                                 total, s["difference"], s["ci_low"], s["ci_high"], cost, lo,
                                 hi, int(s["replications"]), note))
    out = pd.DataFrame(rows, columns=list(COST_COLUMNS))
    out["month"] = out["month"].astype("Int64")
    return out

"""Model statistics for validation: what the targets of VALIDATION.md compare with data.

Each function takes a run's tables (``places``: one row per place and month;
``national``: one row per month, as :func:`sim.run` and :func:`sim.sweep` return them) or
plain arrays, and returns a number (or a small record). Nothing here runs the model.

* :func:`matching_function`: the aggregate matching function estimated from model output
  the way the literature estimates it from data (Petrongolo and Pissarides 2001): OLS of
  ``log hires`` on ``log unemployed`` and ``log vacancies`` over places and months, with
  place fixed effects, and the classical standard errors.
* :func:`inflow_share_of_swings`: the steady-state decomposition of unemployment swings
  into the part due to the inflow (job loss) and the part due to the outflow (job finding)
  (Fujita and Ramey 2009; Elsby, Smith and Wadsworth 2011).
* :func:`spearman` and :func:`mean_absolute_error`: regions or districts, model against data.
* :func:`t_interval`: the mean and 95% t-interval of a statistic over replications.
* :func:`ratio_interval`: a ratio of two effects over replications (the ratio of their
  means) and its 95% t-interval by the delta method.

Example:
    >>> fit = matching_function(result.places)
    >>> fit.elasticity_unemployed, fit.se_unemployed
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "MatchingFit",
    "beveridge_correlation",
    "exit_rate_ratio",
    "inflow_share_of_swings",
    "matching_function",
    "mean_absolute_error",
    "net_migration_per_1000",
    "place_means",
    "spearman",
    "ratio_interval",
    "t_interval",
    "within_place_logs",
]


def t_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of the mean of ``values`` (NaNs dropped).

    Returns ``(mean, low, high)``; the interval is NaN with fewer than two finite values.
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return mean, mean - half, mean + half


def ratio_interval(
    numerators: Sequence[float], denominators: Sequence[float], level: float = 0.95
) -> tuple[float, float, float]:
    r"""Ratio of means and its two-sided t-interval (delta method), over replications.

    With :math:`a_i` and :math:`b_i` the numerator and denominator of replication
    :math:`i` (pairs with a missing value dropped), the estimate is
    :math:`r = \bar a / \bar b` and its standard error
    :math:`s_d / (\sqrt{n}\, |\bar b|)`, :math:`s_d` the standard deviation of
    :math:`d_i = a_i - r b_i` (the delta method for a ratio of means; Cochran 1977,
    *Sampling Techniques*, section 6.4). Unlike the mean of the ratios :math:`a_i / b_i`,
    a replication whose denominator is near zero (a policy's effect lost in the noise)
    does not dominate: each replication weighs by its denominator.

    Returns ``(ratio, low, high)``; NaN where the mean denominator is not positive, and an
    interval of NaN with fewer than two pairs.
    """
    from scipy import stats

    a = np.asarray(numerators, dtype=float)
    b = np.asarray(denominators, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    if a.size == 0 or b.mean() <= 0.0:
        return float("nan"), float("nan"), float("nan")
    ratio = float(a.mean() / b.mean())
    if a.size < 2:
        return ratio, float("nan"), float("nan")
    se = float((a - ratio * b).std(ddof=1) / (np.sqrt(a.size) * b.mean()))
    half = float(stats.t.ppf(0.5 + level / 2, a.size - 1)) * se
    return ratio, ratio - half, ratio + half


def spearman(a: Sequence[float] | pd.Series, b: Sequence[float] | pd.Series) -> float:
    """Spearman rank correlation of two equally long series (ties get their mean rank).

    Pairs with a missing value are dropped; NaN with fewer than three pairs left or when
    either side is constant.
    """
    x = pd.Series(np.asarray(a, dtype=float))
    y = pd.Series(np.asarray(b, dtype=float))
    if len(x) != len(y):
        raise ValueError(f"spearman: lengths differ ({len(x)} and {len(y)})")
    keep = x.notna() & y.notna() & np.isfinite(x) & np.isfinite(y)
    rx, ry = x[keep].rank(), y[keep].rank()
    if keep.sum() < 3 or rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def mean_absolute_error(model: Sequence[float] | pd.Series,
                        data: Sequence[float] | pd.Series) -> float:
    """Mean of ``|model - data|`` over pairs where both are finite (NaN when none are)."""
    m, d = np.asarray(model, dtype=float), np.asarray(data, dtype=float)
    if m.shape != d.shape:
        raise ValueError(f"mean_absolute_error: shapes differ ({m.shape} and {d.shape})")
    keep = np.isfinite(m) & np.isfinite(d)
    return float(np.abs(m[keep] - d[keep]).mean()) if keep.any() else float("nan")


def place_means(places: pd.DataFrame, column: str) -> pd.Series:
    """The mean over recorded months of one place indicator, indexed by place code."""
    return places.groupby("place", sort=True)[column].mean()


@dataclass(frozen=True, slots=True)
class MatchingFit:
    """An estimated Cobb-Douglas matching function ``H = A U^a V^b`` (place effects in A).

    Attributes:
        elasticity_unemployed: ``a``, the elasticity of hires with respect to unemployed.
        elasticity_vacancies: ``b``, with respect to vacancies.
        se_unemployed: standard error of ``a`` (classical OLS).
        se_vacancies: standard error of ``b``.
        returns_to_scale: ``a + b`` (1 is constant returns).
        se_returns_to_scale: its standard error (from the covariance of ``a`` and ``b``).
        observations: place-months used (those with positive hires, unemployed, vacancies).
        places: places (fixed effects) among them.
        r2_within: share of the within-place variance of log hires explained.
    """

    elasticity_unemployed: float
    elasticity_vacancies: float
    se_unemployed: float
    se_vacancies: float
    returns_to_scale: float
    se_returns_to_scale: float
    observations: int
    places: int
    r2_within: float


def within_place_logs(places: pd.DataFrame, columns: Sequence[str],
                      group: str = "place") -> tuple[pd.DataFrame, int]:
    """Logs of ``columns`` less their mean within each place, and the number of places.

    Rows with a non-positive value are left out. With a ``replication`` column each
    (replication, place) pair is its own group.
    """
    cols = list(columns)
    d = places[[*cols, group, *(["replication"] if "replication" in places else [])]]
    d = d[(d[cols] > 0).all(axis=1)]
    keys = [d[k] for k in ([group, "replication"] if "replication" in d else [group])]
    logs = np.log(d[cols].astype(float))
    return logs - logs.groupby(keys).transform("mean"), int(d.groupby(keys).ngroups)


def matching_function(
    places: pd.DataFrame,
    *,
    hires: str = "hires",
    unemployed: str = "unemployed",
    vacancies: str = "vacancies",
    group: str = "place",
) -> MatchingFit:
    """OLS of ``log hires`` on ``log unemployed`` and ``log vacancies`` with place effects.

    The place fixed effects are removed by demeaning each variable within its place (the
    within estimator, identical to OLS with one dummy per place); the residual degrees of
    freedom are ``n - 2 - places``. Rows with a non-positive value are left out. With a
    ``replication`` column each (replication, place) pair is its own fixed effect.

    Raises:
        ValueError: fewer observations than parameters, or no variation within places.
    """
    within, n_groups = within_place_logs(places, [hires, unemployed, vacancies], group)
    y = within[hires].to_numpy()
    x = within[[unemployed, vacancies]].to_numpy()
    n = len(within)
    dof = n - 2 - n_groups
    xtx = x.T @ x
    if dof <= 0 or np.linalg.matrix_rank(xtx) < 2:
        raise ValueError(f"matching function: {n} observations in {n_groups} places leave "
                         "too little variation to estimate two elasticities")
    beta = np.linalg.solve(xtx, x.T @ y)
    resid = y - x @ beta
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.inv(xtx)
    tss = float(y @ y)
    return MatchingFit(
        elasticity_unemployed=float(beta[0]),
        elasticity_vacancies=float(beta[1]),
        se_unemployed=float(np.sqrt(cov[0, 0])),
        se_vacancies=float(np.sqrt(cov[1, 1])),
        returns_to_scale=float(beta.sum()),
        se_returns_to_scale=float(np.sqrt(cov.sum())),
        observations=n,
        places=n_groups,
        r2_within=1.0 - float(resid @ resid) / tss if tss > 0 else float("nan"),
    )


def inflow_share_of_swings(job_loss: Sequence[float], job_finding: Sequence[float]) -> float:
    """Share of the swings in steady-state unemployment due to the inflow rate.

    With monthly inflow rate ``s`` and outflow rate ``f``, steady-state unemployment is
    ``u* = s / (s + f)`` and ``d log u* = (1 - u*) (d log s - d log f)`` to first order.
    The inflow's share is ``beta_s = cov(d log u*, (1 - u*) d log s) / var(d log u*)``
    with ``d log u*`` taken to first order, so the shares of inflow and outflow add up to
    one (Fujita and Ramey 2009); ``u*`` in ``1 - u*`` is its mean. Changes are taken from
    the series' means, so the answer does not depend on the order of the months.
    NaN when the series do not vary or any rate is not positive.
    """
    s, f = np.asarray(job_loss, dtype=float), np.asarray(job_finding, dtype=float)
    if s.shape != f.shape:
        raise ValueError("job_loss and job_finding must have the same length")
    if s.size < 3 or not (np.all(s > 0) and np.all(f > 0)):
        return float("nan")
    ubar = float(np.mean(s / (s + f)))
    ls, lf = np.log(s) - np.log(s).mean(), np.log(f) - np.log(f).mean()
    du = (1 - ubar) * (ls - lf)
    var = float(du @ du)
    if var <= 1e-24 * du.size:  # no swings (up to rounding)
        return float("nan")
    return float(du @ ((1 - ubar) * ls)) / var


def beveridge_correlation(unemployment_rate: Sequence[float],
                          vacancy_rate: Sequence[float]) -> float:
    """Correlation of unemployment and vacancy rates over months (negative: a Beveridge curve)."""
    u, v = np.asarray(unemployment_rate, dtype=float), np.asarray(vacancy_rate, dtype=float)
    if u.size < 3 or u.std() == 0 or v.std() == 0:
        return float("nan")
    return float(np.corrcoef(u, v)[0, 1])


def exit_rate_ratio(national: pd.DataFrame) -> float:
    """Exit rate to work of short spells (< 3 months) over that of long ones (>= 24 months).

    Each rate is the mean over recorded months of the national measured rate.
    """
    short = national["exit_rate_short"].mean()
    long = national["exit_rate_long"].mean()
    return float(short / long) if long > 0 else float("nan")


def net_migration_per_1000(places: pd.DataFrame,
                           regions: pd.Series | None = None) -> pd.Series:
    """Net internal migration per 1,000 residents of working age a year, by place.

    Twelve times the mean monthly ``net_migration`` over the mean ``working_age_population``.

    Args:
        places: the place indicators, one row per place and month.
        regions: optional region of each place (indexed by place code): the places'
            net migration and population are summed by region first, so moves between
            the places of one region cancel and the result is by region (districts
            aggregated to their ITL1 region, as ONS counts moves between regions).
    """
    if regions is not None:
        places = places.assign(place=places["place"].map(regions))
        places = places.groupby(["month", "place"], sort=True)[
            ["net_migration", "working_age_population"]].sum().reset_index()
    g = places.groupby("place", sort=True)
    return 12_000.0 * g["net_migration"].mean() / g["working_age_population"].mean()

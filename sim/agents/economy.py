"""Initial state: worker and firm tables built from the place data.

For every place ``p`` of the geography, with ``N_p`` working-age people, the
model creates ``round(scale * N_p)`` workers (or shares a fixed total
``n_workers`` among places by working-age population, for benchmarks):

* **skill** from the place's qualification shares (advanced = Level 4+,
  intermediate = Level 3, basic = below);
* **occupation** from ``P(occupation | skill)`` (:data:`sim.agents.workers.OCCUPATION_BY_SKILL`);
  a worker is *remote-capable* with probability equal to the teleworkable share
  of their occupation (``uk/wfh_by_occupation.csv``, Dingel and Neiman 2020)
  times the broadband coverage of their home place;
* **human capital** within level, lognormal with mean 1;
* **status** from the place's employment and unemployment rates: employed with
  probability ``e_p``, unemployed with ``e_p u_p / (1 - u_p)``, otherwise inactive.

Firms: each place gets jobs ``J_p = E_p / (1 - v)`` (its employed residents,
grossed up by the vacancy rate ``v``), split into about ``J_p / mean_size``
firms with lognormal sizes. Sectors follow UK employment shares, with the
knowledge-intensive share tilted towards places with more R&D per worker.
Firm productivity (GBP of value added a week per efficiency unit of labour) is

.. math::

    A_j = \\text{GVA per hour}_p \\times H \\times \\mu_{sector}
          \\times e^{\\sigma \\varepsilon_j - \\sigma^2 / 2}

with ``H`` paid hours a week. Employed workers are placed at firms by the
same destination rule the search kernel uses (vacancies times
``exp(-beta minutes)``), at the bargained wage with the benefit level as the
outside option. The inactive entry rate of each place is set so that the
inactive stock is stationary at its data value.

Sector parameters are ESTIMATES (documented in ``docs/ODD.md``) pending
calibration to the Business Register and Employment Survey.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.firms import Firms
from sim.agents.workers import EMPLOYED, INACTIVE, OCCUPATION_BY_SKILL, UNEMPLOYED, Workers
from sim.config.scenario import Scenario
from sim.world.geography import Geography
from sim.world.resources import telework_by_occupation

#: UK employment shares by sector (ESTIMATE from BRES 2019 broad industry groups).
SECTOR_SHARES = np.array([0.08, 0.07, 0.58, 0.19, 0.08])
#: Relative productivity by sector (ESTIMATE, from ONS output per job by industry).
SECTOR_PRODUCTIVITY = np.array([1.05, 0.95, 0.85, 1.20, 1.45])
#: Share of jobs that can be done in a hybrid way, by sector (ESTIMATE).
SECTOR_TELEWORKABLE = np.array([0.20, 0.10, 0.25, 0.70, 0.80])
#: P(skill level demanded | sector), rows = sectors (ESTIMATE).
SKILL_DEMAND_BY_SECTOR = np.array(
    [
        [0.45, 0.35, 0.20],
        [0.45, 0.40, 0.15],
        [0.50, 0.28, 0.22],
        [0.25, 0.30, 0.45],
        [0.10, 0.20, 0.70],
    ]
)


@dataclass
class Economy:
    """The tables and the per-place calibration derived at start."""

    workers: Workers
    firms: Firms
    firms_by_place: np.ndarray  # firm rows sorted by place
    place_start: np.ndarray  # (P+1,) offsets into firms_by_place
    entry_rate: np.ndarray  # (P,) inactive -> unemployed, a month
    agents_per_person: np.ndarray  # (P,) agents per real working-age person


def _categorical(rng: np.random.Generator, probs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One draw per row from ``probs[group[row]]`` (rows of ``probs`` sum to 1), low memory."""
    out = np.empty(group.shape[0], dtype=np.int8)
    u = rng.random(group.shape[0])
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = np.inf
    for g in range(probs.shape[0]):
        rows = np.flatnonzero(group == g)
        out[rows] = np.searchsorted(cum[g], u[rows], side="right")
    return out


def workers_per_place(geography: Geography, scale: float, n_workers: int | None) -> np.ndarray:
    """Number of worker agents in each place."""
    working_age = geography.places["working_age"].to_numpy(dtype=float)
    if n_workers is None:
        return np.maximum(np.rint(working_age * scale).astype(np.int64), 1)
    shares = working_age / working_age.sum()
    counts = np.floor(shares * n_workers).astype(np.int64)
    counts[: n_workers - counts.sum()] += 1
    return counts


def build_economy(
    geography: Geography,
    scenario: Scenario,
    rng: np.random.Generator,
    *,
    n_workers: int | None = None,
) -> Economy:
    """Create the worker and firm tables for ``geography`` under ``scenario``.

    Args:
        geography: places and travel times.
        scenario: validated scenario (scale, firm and wage parameters).
        rng: the model's generator (initial state only; the monthly kernels use
            counter-based streams).
        n_workers: total workers instead of ``scale`` x population (benchmarks).
    """
    places = geography.places
    n_places = len(places)
    counts = workers_per_place(geography, scenario.run.scale, n_workers)
    n = int(counts.sum())
    w = Workers(n)
    home = np.repeat(np.arange(n_places, dtype=np.int16), counts)
    w.home[:] = home

    # Skills and occupations.
    shares = places[["skill_share_basic", "skill_share_intermediate", "skill_share_advanced"]]
    w.skill[:] = _categorical(rng, shares.to_numpy(dtype=float), home)
    w.occupation[:] = _categorical(rng, OCCUPATION_BY_SKILL, w.skill)
    telework = telework_by_occupation()
    broadband = places["broadband_share"].to_numpy(dtype=float)
    w.remote_capable[:] = rng.random(n) < telework[w.occupation] * broadband[home]
    sd_h = scenario.firms.human_capital_dispersion
    w.human_capital[:] = np.exp(sd_h * rng.standard_normal(n) - 0.5 * sd_h**2)
    w.age_months[:] = rng.integers(16 * 12, 65 * 12, size=n)
    w.origin[:] = home
    w.trained_with[:] = -1

    # Labour-market status from the place's rates.
    e = places["employment_rate"].to_numpy(dtype=float)
    unemp = places["unemployment_rate"].to_numpy(dtype=float)
    p_unemployed = e * unemp / (1.0 - unemp)
    u = rng.random(n)
    status = np.full(n, INACTIVE, dtype=np.int8)
    status[u < e[home] + p_unemployed[home]] = UNEMPLOYED
    status[u < e[home]] = EMPLOYED
    w.status[:] = status
    w.employer[:] = -1

    # Firms: jobs by place, split into firms with lognormal sizes.
    employed_by_place = np.bincount(home[status == EMPLOYED], minlength=n_places)
    jobs = employed_by_place / (1.0 - scenario.firms.vacancy_rate)
    n_firms_place = np.maximum(np.rint(jobs / scenario.firms.mean_size).astype(np.int64), 1)
    n_firms = int(n_firms_place.sum())
    f = Firms(n_firms)
    f.place[:] = np.repeat(np.arange(n_places, dtype=np.int16), n_firms_place)
    size_weight = rng.lognormal(0.0, 1.0, n_firms)
    target = np.zeros(n_firms)
    place_start = np.zeros(n_places + 1, dtype=np.int64)
    place_start[1:] = np.cumsum(n_firms_place)
    for p in range(n_places):
        sl = slice(place_start[p], place_start[p + 1])
        target[sl] = jobs[p] * size_weight[sl] / size_weight[sl].sum()
    f.target_size[:] = np.maximum(np.rint(target), 1)

    rd = (places["rd_business_gbp_m"].fillna(0) + places["rd_public_gbp_m"].fillna(0)).to_numpy(
        dtype=float
    )
    rd_per_worker = rd / np.maximum(places["working_age"].to_numpy(dtype=float), 1.0)
    tilt = np.sqrt(rd_per_worker / max(rd_per_worker.mean(), 1e-12))
    sector_probs = np.tile(SECTOR_SHARES, (n_places, 1))
    sector_probs[:, 4] *= np.where(np.isfinite(tilt) & (tilt > 0), tilt, 1.0)
    sector_probs /= sector_probs.sum(axis=1, keepdims=True)
    f.sector[:] = _categorical(rng, sector_probs, f.place)
    f.skill_demand[:] = _categorical(rng, SKILL_DEMAND_BY_SECTOR, f.sector)
    f.teleworkable[:] = SECTOR_TELEWORKABLE[f.sector]
    gva = places["gva_per_hour_gbp"].to_numpy(dtype=float)
    sd_a = scenario.firms.productivity_dispersion
    f.productivity[:] = (
        gva[f.place]
        * scenario.wages.hours_per_week
        * SECTOR_PRODUCTIVITY[f.sector]
        * np.exp(sd_a * rng.standard_normal(n_firms) - 0.5 * sd_a**2)
    )
    f.rd_spending[:] = 0.0
    f.age_months[:] = rng.integers(0, 240, size=n_firms)
    f.alive[:] = True
    firms_by_place = np.arange(n_firms, dtype=np.int64)  # already grouped by place

    # Place employed workers at firms: destination by jobs x exp(-beta minutes).
    beta = scenario.search.distance_decay_per_minute
    decay = np.exp(-beta * geography.travel_minutes)
    employed_idx = np.flatnonzero(status == EMPLOYED)
    for o in range(n_places):
        idx = employed_idx[home[employed_idx] == o]
        if idx.size == 0:
            continue
        weights = jobs * decay[o]
        dest = rng.choice(n_places, size=idx.size, p=weights / weights.sum())
        for d in np.unique(dest):
            movers = idx[dest == d]
            sl = slice(place_start[d], place_start[d + 1])
            t = f.target_size[sl].astype(float)
            pick = rng.choice(t.size, size=movers.size, p=t / t.sum())
            w.employer[movers] = place_start[d] + pick
    emp = w.status == EMPLOYED
    f.employment[:] = np.bincount(w.employer[emp], minlength=n_firms)
    f.vacancies[:] = np.maximum(f.target_size - f.employment, 0)

    # Wages: bargained with the benefit level as the outside option.
    premium = np.asarray(scenario.wages.skill_premium)
    phi = scenario.wages.bargaining_power
    benefit = scenario.wages.benefit_gbp_week
    local_a = gva[home] * scenario.wages.hours_per_week
    employer_a = np.where(emp, f.productivity[np.maximum(w.employer, 0)], local_a)
    y = employer_a * premium[w.skill] * w.human_capital
    w.wage[:] = benefit + phi * (np.maximum(y, benefit) - benefit)
    hybrid_job = rng.random(n) < f.teleworkable[np.maximum(w.employer, 0)]
    w.remote[:] = emp & w.remote_capable & hybrid_job
    unemployed = w.status == UNEMPLOYED
    mean_spell = 1.0 / 0.1
    w.months_unemployed[:] = np.where(
        unemployed, np.minimum(rng.geometric(1.0 / mean_spell, n) - 1, 32767), 0
    )
    w.reservation_wage[:] = np.maximum(
        benefit, scenario.wages.replacement_ratio * w.wage * (1 - scenario.wages.reservation_decay)
        ** w.months_unemployed
    )

    # Inactive entry rate that keeps each place's inactive stock stationary.
    fl = scenario.flows
    n_e = np.bincount(home[w.status == EMPLOYED], minlength=n_places).astype(float)
    n_u = np.bincount(home[unemployed], minlength=n_places).astype(float)
    n_i = np.bincount(home[w.status == INACTIVE], minlength=n_places).astype(float)
    inflow = fl.exit_to_inactivity_employed * n_e + fl.exit_to_inactivity_unemployed * n_u
    entry_rate = np.clip(np.divide(inflow, n_i, out=np.zeros(n_places), where=n_i > 0), 0, 1)

    per_person = counts / places["working_age"].to_numpy(dtype=float)
    return Economy(w, f, firms_by_place, place_start, entry_rate, per_person)

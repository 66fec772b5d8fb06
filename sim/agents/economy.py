"""Initial state: worker and firm tables built from the place data.

For every place ``p`` of the geography, with ``N_p`` working-age people, the
model creates ``round(scale * N_p)`` workers (or shares a fixed total
``n_workers`` among places by working-age population, for benchmarks):

* **skill** from the place's qualification shares (advanced = Level 4+,
  intermediate = Level 3, basic = below), whatever the age; with
  ``demography.steady_skills`` on, from the mix of the person's age in the steady
  state of training (:mod:`sim.agents.skill_profile`), whose average over ages is the
  place's shares;
* **occupation** from ``P(occupation | skill)`` (``economy.occupation_by_skill``);
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

Every number here that is data or a guess is a parameter of the scenario's
``[economy]`` section (:class:`EconomyParams`), with its unit, range and source:
sector shares, productivities, teleworkable shares and skill demand, the occupation
mix by skill, the dispersion of firm sizes, the starting unemployment spells, the
ages at the start and the starting housing cost. Sector parameters are ESTIMATES
(documented in ``docs/ODD.md``) pending calibration to the Business Register and
Employment Survey. The draws shared with entrants and entering firms are in
:mod:`sim.agents.draws`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import BeforeValidator, Field, field_validator

from sim.agents.draws import (
    categorical,
    firm_productivity,
    human_capital,
    remote_capable,
    sector_probabilities,
)
from sim.agents.firms import Firms
from sim.agents.skill_profile import SkillProfile
from sim.agents.wages import bargained_wage
from sim.agents.workers import EMPLOYED, INACTIVE, UNEMPLOYED, Workers
from sim.config.section import Positive, Section, Share, list_to_tuple
from sim.world.geography import Geography
from sim.world.gravity import commuting_flows
from sim.world.resources import telework_by_occupation

if TYPE_CHECKING:
    from sim.config.scenario import Scenario

__all__ = ["Economy", "EconomyParams", "build_economy", "workers_per_place"]


_Five = Annotated[tuple[Share, Share, Share, Share, Share], BeforeValidator(list_to_tuple)]
_FivePositive = Annotated[
    tuple[Positive, Positive, Positive, Positive, Positive], BeforeValidator(list_to_tuple)
]
_Row3 = Annotated[tuple[Share, Share, Share], BeforeValidator(list_to_tuple)]
_Row9 = Annotated[
    tuple[Share, Share, Share, Share, Share, Share, Share, Share, Share],
    BeforeValidator(list_to_tuple),
]
_SUM_TOLERANCE = 1e-6


def _sums_to_one(row: tuple[float, ...], what: str) -> None:
    if abs(sum(row) - 1.0) > _SUM_TOLERANCE:
        raise ValueError(f"{what} must add up to 1 (they add up to {sum(row):.6g})")


class EconomyParams(Section):
    """Parameters of ``[economy]``: the data and guesses the starting economy is built from.

    Sectors are, in order, :data:`sim.agents.firms.SECTOR_NAMES`; skill levels basic,
    intermediate, advanced; occupations UK SOC 2010 major groups 1..9.
    """

    sector_shares: _Five = Field(
        (0.08, 0.07, 0.58, 0.19, 0.08),
        description="UK employment shares by sector, shares adding up to 1 (ESTIMATE from "
        "BRES 2019 broad industry groups)",
    )
    sector_productivity: _FivePositive = Field(
        (1.05, 0.95, 0.85, 1.20, 1.45),
        description="productivity by sector relative to the place's GVA per hour, ratio "
        "(ESTIMATE from ONS output per job by industry)",
    )
    sector_teleworkable: _Five = Field(
        (0.20, 0.10, 0.25, 0.70, 0.80),
        description="share of a sector's jobs that can be done in a hybrid way (ESTIMATE)",
    )
    skill_demand_by_sector: Annotated[
        tuple[_Row3, _Row3, _Row3, _Row3, _Row3], BeforeValidator(list_to_tuple)
    ] = Field(
        (
            (0.45, 0.35, 0.20),
            (0.45, 0.40, 0.15),
            (0.50, 0.28, 0.22),
            (0.25, 0.30, 0.45),
            (0.10, 0.20, 0.70),
        ),
        description="P(skill level a job demands | sector), one row per sector, rows adding "
        "up to 1 (ESTIMATE)",
    )
    occupation_by_skill: Annotated[
        tuple[_Row9, _Row9, _Row9], BeforeValidator(list_to_tuple)
    ] = Field(
        (
            (0.05, 0.02, 0.06, 0.12, 0.15, 0.14, 0.12, 0.12, 0.22),
            (0.10, 0.06, 0.14, 0.14, 0.18, 0.12, 0.09, 0.07, 0.10),
            (0.15, 0.42, 0.20, 0.08, 0.04, 0.05, 0.03, 0.01, 0.02),
        ),
        description="P(SOC major group | skill level), one row per skill level, rows adding "
        "up to 1 (ESTIMATE: the shape of the APS occupation-by-qualification tables; "
        "graduates in groups 1-3, people without Level 3 in groups 5-9)",
    )
    firm_size_dispersion: float = Field(
        1.0, ge=0.0, le=5.0,
        description="s.d. of log firm size within a place at the start (ESTIMATE)",
    )
    initial_mean_unemployment_months: float = Field(
        10.0, ge=1.0, le=240.0,
        description="mean length so far of the unemployed's spells at the start, months "
        "(geometric; ESTIMATE: a 10% monthly exit rate)",
    )
    initial_age_years: Annotated[
        tuple[Annotated[int, Field(ge=14, le=30)], Annotated[int, Field(ge=50, le=100)]],
        BeforeValidator(list_to_tuple),
    ] = Field(
        (16, 65),
        description="ages of workers at the start, uniform from the first (14 to 30, "
        "included) to the second (50 to 100, excluded), years",
    )
    initial_firm_age_max_months: int = Field(
        240, ge=1, le=1200, description="ages of firms at the start, uniform below this, months"
    )
    housing_cost_share_of_pay: float = Field(
        0.3, ge=0.0, le=2.0,
        description="starting weekly housing cost as a share of the place's median weekly "
        "pay, share (ESTIMATE: rent about 30% of pay)",
    )

    @field_validator("sector_shares")
    @classmethod
    def _shares_add_up(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        _sums_to_one(v, "the sector shares")
        return v

    @field_validator("skill_demand_by_sector", "occupation_by_skill")
    @classmethod
    def _rows_add_up(cls, v: tuple[tuple[float, ...], ...]) -> tuple[tuple[float, ...], ...]:
        for k, row in enumerate(v):
            _sums_to_one(row, f"the probabilities of row {k}")
        return v


@dataclass
class Economy:
    """The tables and the per-place calibration derived at start."""

    workers: Workers
    firms: Firms
    firms_by_place: np.ndarray  # firm rows sorted by place
    place_start: np.ndarray  # (P+1,) offsets into firms_by_place
    entry_rate: np.ndarray  # (P,) inactive -> unemployed, a month
    agents_per_person: np.ndarray  # (P,) agents per real working-age person


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
    econ = scenario.economy
    age_from, age_to = econ.initial_age_years
    profile = SkillProfile.of(places, scenario, counts)
    if profile is None:
        shares = places[["skill_share_basic", "skill_share_intermediate", "skill_share_advanced"]]
        w.skill[:] = categorical(rng.random(n), shares.to_numpy(dtype=float), home)
    else:  # each age's mix in the steady state of training: ages first
        w.age_months[:] = rng.integers(age_from * 12, age_to * 12, size=n)
        w.skill[:] = profile.draw(rng.random(n), home, w.age_months)
    w.occupation[:] = categorical(rng.random(n), np.asarray(econ.occupation_by_skill), w.skill)
    telework = telework_by_occupation()
    broadband = places["broadband_share"].to_numpy(dtype=float)
    w.remote_capable[:] = remote_capable(rng.random(n), telework[w.occupation], broadband[home])
    w.human_capital[:] = human_capital(
        rng.standard_normal(n), scenario.firms.human_capital_dispersion
    )
    if profile is None:
        w.age_months[:] = rng.integers(age_from * 12, age_to * 12, size=n)
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

    # Firms: jobs by place, where the data put them (the geography's ``workplace_jobs``;
    # where it has none, where the employed live), split into firms with lognormal sizes.
    employed_by_place = np.bincount(home[status == EMPLOYED], minlength=n_places)
    jobs = employed_by_place / (1.0 - scenario.firms.vacancy_rate)
    if "workplace_jobs" in places.columns:
        workplace = places["workplace_jobs"].to_numpy(dtype=float)
        jobs = jobs.sum() * workplace / workplace.sum()
    n_firms_place = np.maximum(np.rint(jobs / scenario.firms.mean_size).astype(np.int64), 1)
    n_firms = int(n_firms_place.sum())
    f = Firms(n_firms)
    f.place[:] = np.repeat(np.arange(n_places, dtype=np.int16), n_firms_place)
    size_weight = rng.lognormal(0.0, econ.firm_size_dispersion, n_firms)
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
    sector_probs = sector_probabilities(econ.sector_shares, rd_per_worker)
    f.sector[:] = categorical(rng.random(n_firms), sector_probs, f.place)
    f.skill_demand[:] = categorical(
        rng.random(n_firms), np.asarray(econ.skill_demand_by_sector), f.sector
    )
    f.teleworkable[:] = np.asarray(econ.sector_teleworkable)[f.sector]
    gva = places["gva_per_hour_gbp"].to_numpy(dtype=float)
    f.productivity[:] = firm_productivity(
        gva[f.place], scenario.wages.hours_per_week,
        np.asarray(econ.sector_productivity)[f.sector],
        rng.standard_normal(n_firms), scenario.firms.productivity_dispersion,
    )
    f.rd_spending[:] = 0.0
    f.age_months[:] = rng.integers(0, econ.initial_firm_age_max_months, size=n_firms)
    f.alive[:] = True
    firms_by_place = np.arange(n_firms, dtype=np.int64)  # already grouped by place

    # Place employed workers at firms: destinations from a doubly constrained gravity model
    # (residents employed, jobs filled, decay exp(-beta minutes): sim.world.gravity).
    beta = scenario.search.distance_decay_per_minute
    decay = np.exp(-beta * geography.travel_minutes)
    flows = commuting_flows(
        employed_by_place.astype(float), jobs * (1.0 - scenario.firms.vacancy_rate), decay
    )
    employed_idx = np.flatnonzero(status == EMPLOYED)
    for o in range(n_places):
        idx = employed_idx[home[employed_idx] == o]
        if idx.size == 0:
            continue
        weights = flows[o]
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
    w.wage[:] = bargained_wage(benefit, phi, np.maximum(y, benefit))
    # Hybrid with the employer's teleworkable share: the hybrid rule of
    # sim.mechanisms.remote_work at adoption odds 1 and no commute term (the mechanism,
    # on by default, re-draws it with the scenario's rule).
    hybrid_job = rng.random(n) < f.teleworkable[np.maximum(w.employer, 0)]
    w.remote[:] = emp & w.remote_capable & hybrid_job
    unemployed = w.status == UNEMPLOYED
    mean_spell = econ.initial_mean_unemployment_months
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

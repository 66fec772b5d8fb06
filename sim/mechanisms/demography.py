"""Demography and cohorts: retirement, and entrants shaped by the place they grew up in.

**Retirement** runs inside the flows kernel (:mod:`sim.kernels.flows`): a worker
reaching ``retirement_age_years`` leaves the working-age population (their row
becomes *absent*, status 4, and is counted in ``state.retirements`` by home place).

**Entry.** Each month every place ``p`` receives a cohort of 16-year-olds
(``age_months = 192``; the flows kernel ages them a month in the same month)::

    n_p(t) = N_p(0) / (12 (R - 16)) x (1 + g)^(t / 12)

with ``N_p(0)`` the place's working-age agents at the start, ``R`` the retirement
age in years and ``g`` = ``cohort_growth`` (a year). With the uniform age structure
of the initial state (:mod:`sim.agents.economy`: ages uniform on [16, 65)) entries balance
retirements in expectation, so population is stationary when ``g = 0``. Fractional
cohorts are carried over to the next month (a deterministic accumulator), so the
number of entrants does not depend on random draws (common random numbers between a
scenario and its baseline). Entrants fill the lowest-index free rows; the worker table
grows in blocks when there are none left.

**Entrants' skill** follows an ordered logit on a latent index. With ``S_k`` the
cumulative data shares of place ``p`` (``skill_share_basic``, ``+ _intermediate``),
thresholds ``c_k = logit(S_k)`` and the shift::

    x_p = a_E ln EYQ_p(t - L) + a_S ln SQ_p(t - L) + a_K [z_p(t - L) - z_p(ref)]
    z_p = ln( (K_p / N_p) / (K_UK / N_UK) )        (clipped to +-ln 10)
    P(skill <= k) = F(c_k - x_p),   F logistic

where ``EYQ`` and ``SQ`` are ``place_state.early_years_quality`` and
``school_quality`` (index, 1 at start), ``K`` the knowledge stock (GBP m) per
working-age person at start, and ``L`` = ``cohort_lag_months`` (192: the early years
and schooling of a 16-year-old happened about 16 years earlier). A ring buffer keeps
``L`` months of history of the three series; before the start the history is the
initial value. With the initial values (``EYQ = SQ = 1``, exposure at its reference)
the shift is 0 and cohorts reproduce each place's observed qualification shares. The
innovation exposure enters relative to its reference (the first month in which the
national knowledge stock is positive), because the observed shares already embody
today's exposure; while knowledge stocks are zero (mechanism off) the term is 0.
Each entrant's latent draw ``u`` is common to a scenario and its baseline, and the
skill is ``#{k : u >= F(c_k - x_p)}``, so a higher shift raises skills monotonically.

Evidence: early-years investment has large, lasting effects on skills (Heckman 2006,
"Skill formation and the economics of investing in disadvantaged children", Science
312; Cunha and Heckman 2007 AER); school quality (Chetty, Friedman and Rockoff 2014
AER); childhood exposure to innovation raises the probability of becoming an
inventor, by place of childhood (Bell, Chetty, Jaravel, Petkova and Van Reenen 2019,
"Who becomes an inventor in America? The importance of exposure to innovation", QJE
134(2)). The effect sizes below are ESTIMATES (latent logistic units, s.d. 1.81, per
unit of log index): a 10% early-years uplift (``ln 1.1 = 0.095``) moves a cohort's
latent skill by about 0.05 s.d.

**Steady skills** (``steady_skills``, on by default). Cohorts entering at the data's
shares then train over a working life, so the working-age mix drifts above the data's
(+2.2 points of graduates over 20 recorded years in the regional baseline with the switch
off). With the switch on, the cohorts' thresholds come instead from the entrants'
shares ``e_p = S_p M^{-1}`` of :mod:`sim.agents.skill_profile`, whose working lives of
training average to the data's shares ``S_p``; the start's workers
(:mod:`sim.agents.economy`) and the immigrants (:mod:`sim.mechanisms.international`) have
the mix of their age, ``e_p U^k``, so the working-age mix stays near the data's. The
shifts of early years, schooling and innovation exposure act on these thresholds as on
the data's. The profile's upgrade rates start from a steady state of the status flows
(:func:`sim.agents.skill_profile.expected_statuses`) and are re-derived from the model's own
statuses by level every 12 months of the burn-in (the basic level settles less employed
than the flows' chain has it: 57% against 66%), then fixed, so a policy's courses do not
move the cohorts' starting mix. Measured on the default baseline (regions at 1:100, seeds
42 to 46, 20 recorded years after 240 months of burn-in), with emigration balanced by
skill (``international.skill_balanced_emigration``) and the start's courses in progress
(``training.start_in_courses``): the graduate share moves by +0.05 points (+2.2 with the
switch off, on an earlier default) and all 12 stationarity indicators stay within their
noise bands (6 with it off; docs/validation.md, "Stationarity"). Cohorts that enter less
qualified make the unemployed who search mostly people with basic skills, whose jobs are
plentiful, so hires follow the searchers more closely: the elasticity of hires from
unemployment on the unemployed rose from 0.650 to 0.724 (cycle scenario, seeds 100 to
109) with the unemployed's channel at 34% of openings; at 30% (the default since) the
validation measures 0.626 (0.555 in the one before), inside the data's 0.5 to 0.7.

**Other entrant attributes**: home = origin = the place; occupation from
``economy.occupation_by_skill``; human capital lognormal with mean 1 and the
scenario's ``human_capital_dispersion`` (as :mod:`sim.agents.economy`); remote-capable with
probability teleworkable share of the occupation x broadband share of home (current
``place_state.broadband_share``); then :func:`sim.mechanisms.remote_work.assign_constraint`
gives the caring/disability constraint (probability ``constrained_share``; none when
remote work is off) and, when remote work is on, re-derives ``remote_capable`` from its
stable draws; no training; ``wage`` = the potential wage ``b + phi_p (max(y, b) - b)``
with ``y = A_p q_s h`` (``A_p`` the mean productivity of the place's live firms), used
for the reservation wage ``max(b, replacement_ratio x wage)`` as in
:mod:`sim.kernels.flows`.

**Entrants' status** (a documented choice). The model has no age-specific
participation, and the data inactivity rates already include full-time students, so an
entrant is *inactive* with probability ``min(1, f_I i_p)``, with ``i_p`` the place's
inactive share at the start and ``f_I`` = ``entrant_inactive_factor``, and otherwise
*unemployed*, looking for a first job. Default ``f_I = 0``: every entrant starts by
searching, and those who do not find work return to inactivity through the usual
unemployed -> inactive flow (4% a month), so the cohort settles at the cross-section's
participation within a few years. ``f_I = 1`` gives the cohort the labour-force margin
of the cross-section that retires. Measured (UK baseline, scale 0.002, seeds 1 and 42,
training on): participation moves by under 1 point over 20 years with either
value, but ``f_I = 1`` raises the monthly job-finding rate by about 2 points (an
inactive entrant joins the labour force only at the calibrated inactive -> unemployed
rate of about 1% a month, fewer searchers share the vacancies that retirements open),
which takes it above the validation range, so ``f_I = 0`` is the default (ESTIMATE).
Making every entrant inactive (``f_I`` large, "most 16-year-olds are in education")
lowers participation for years and doubles the job-finding rate, because the
calibrated inactive -> unemployed rate cannot absorb the inflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.agents.draws import (
    categorical,
    human_capital,
    local_productivity,
    potential_wage,
    remote_capable,
)
from sim.agents.skill_profile import ENTRY_AGE_MONTHS, SkillProfile, place_shares
from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE, UNEMPLOYED
from sim.config.section import Section
from sim.kernels.bundles import Retirement, make
from sim.mechanisms.base import Mechanism
from sim.mechanisms.remote_work import assign_constraint
from sim.world.resources import telework_by_occupation

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["DemographyParams", "Demography", "ENTRY_AGE_MONTHS"]
#: Bound on the log innovation exposure, ln 10.
_EXPOSURE_CLIP = float(np.log(10.0))


class DemographyParams(Section):
    """Parameters of ``[demography]``."""

    enabled: bool = True
    retirement_age_years: int = Field(65, ge=17, le=100, description="years")
    cohort_growth: float = Field(
        0.0, ge=-0.5, le=0.5,
        description="annual growth of cohort size, share a year (0: entries balance retirements)",
    )
    cohort_lag_months: int = Field(
        ENTRY_AGE_MONTHS, ge=1, le=600,
        description="months between early years/schooling and labour-market entry, months",
    )
    early_years_effect: float = Field(
        1.0, ge=0.0, le=20.0,
        description="latent skill shift per unit ln(early-years quality), logistic units "
        "(ESTIMATE; Heckman 2006)",
    )
    school_effect: float = Field(
        1.0, ge=0.0, le=20.0,
        description="latent skill shift per unit ln(school quality), logistic units "
        "(ESTIMATE; Chetty, Friedman and Rockoff 2014)",
    )
    innovation_exposure_effect: float = Field(
        0.1, ge=0.0, le=5.0,
        description="latent skill shift per unit ln(relative knowledge stock per person), "
        "logistic units (ESTIMATE; Bell et al. 2019 QJE)",
    )
    steady_skills: bool = Field(
        True,
        description="cohorts enter with the skill shares that a working life of training "
        "(at the course rates of the burn-in's statuses) turns into their place's data "
        "shares, and the start's workers and the immigrants have the mix of their age, so "
        "the working-age skill mix does not drift (false: everyone starts from the data "
        "shares)",
    )
    entrant_inactive_factor: float = Field(
        0.0, ge=0.0, le=10.0,
        description="probability an entrant is inactive, as a multiple of the place's "
        "initial inactive share (capped at 1), ratio (ESTIMATE; 1 matches the composition "
        "of those who retire)",
    )


class Demography(Mechanism):
    """Entry of cohorts whose skills reflect their place about 16 years earlier."""

    SECTION = "demography"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        p: DemographyParams = self.params
        wk = state.workers
        n_places = state.n_places
        present = wk.status != ABSENT
        self._initial = np.bincount(wk.home[present], minlength=n_places).astype(float)
        inactive = np.bincount(wk.home[wk.status == INACTIVE], minlength=n_places)
        self._inactive_share = np.divide(
            inactive, self._initial, out=np.zeros(n_places), where=self._initial > 0
        )
        years = max(p.retirement_age_years - ENTRY_AGE_MONTHS // 12, 1)
        self._monthly_cohort = self._initial / (12.0 * years)
        self._carry = np.zeros(n_places)
        places = state.geography.places
        #: Skill mix by age in the steady state of training (None: steady_skills off).
        self.profile = SkillProfile.of(places, state.scenario, self._initial)
        self._set_thresholds(
            place_shares(places) if self.profile is None else self.profile.entrants)
        self._gva = places["gva_per_hour_gbp"].to_numpy(dtype=float)
        self._telework = telework_by_occupation()
        lag = p.cohort_lag_months
        ps = state.places
        # History ring buffers (lag x P): log EYQ, log SQ, relative log exposure (NaN unknown).
        self._hist_eyq = np.tile(_log_index(ps.early_years_quality), (lag, 1))
        self._hist_sq = np.tile(_log_index(ps.school_quality), (lag, 1))
        self._hist_k = np.full((lag, n_places), np.nan)
        self._k_ref = np.full(n_places, np.nan)
        self._persons = np.maximum(self._initial, 1.0)
        self._retirement = (
            make(Retirement, retirement_age_months=p.retirement_age_years * 12)
            if self.enabled else Retirement.neutral()
        )
        #: Latent skill shift of this month's cohort by place (for inspection).
        self.shift = np.zeros(n_places)
        # Spare (absent) rows for the first months' entrants, reserved at build time:
        # nobody has retired yet to free a row, and growing the table then would copy
        # every column in the middle of a run.
        if self.enabled:
            self._reserve(state, max(1024, len(wk) // 100))
        #: Absent rows, ascending: the spare rows, then each month's retirees, which the
        #: flows pass lists (``state.retired_rows``), so no month scans the table.
        self._free = np.flatnonzero(state.workers.status == ABSENT)

    # ------------------------------------------------------------------ helpers
    def _set_thresholds(self, shares: np.ndarray) -> None:
        """Logit cut points (P, 2) of the entrants' latent skill from their shares."""
        cum = np.clip(np.cumsum(shares, axis=1)[:, :2], 1e-9, 1.0 - 1e-9)
        self._thresholds = np.log(cum / (1.0 - cum))

    def _settle_profile(self, state: MarketState) -> None:
        """Re-derive the steady profile's upgrade rates from the model's own statuses by
        level (people in a course left out), and the entrants' shares with them."""
        wk = state.workers
        statuses = np.array([
            np.bincount(wk.status[wk.skill == s], minlength=ABSENT + 1)[
                [EMPLOYED, UNEMPLOYED, INACTIVE]]
            for s in range(2)
        ], dtype=float)
        self.profile = self.profile.with_statuses(state.scenario, statuses)
        self._set_thresholds(self.profile.entrants)

    def _exposure(self, knowledge: np.ndarray) -> np.ndarray:
        """Relative log knowledge stock per person, NaN when the national stock is zero."""
        k = np.asarray(knowledge, dtype=float)
        total = k.sum()
        if not np.isfinite(total) or total <= 0:
            return np.full(k.shape, np.nan)
        per = np.maximum(k, 0.0) / self._persons
        rel = per / (total / self._persons.sum())
        z = np.log(np.maximum(rel, np.exp(-_EXPOSURE_CLIP)))
        return np.clip(z, -_EXPOSURE_CLIP, _EXPOSURE_CLIP)

    def _lagged_shift(self, state: MarketState, t: int) -> np.ndarray:
        """Read the lagged history for month ``t`` and record this month's values."""
        p: DemographyParams = self.params
        ps = state.places
        slot = t % p.cohort_lag_months
        eyq, sq, k = self._hist_eyq[slot].copy(), self._hist_sq[slot].copy(), self._hist_k[slot]
        k_term = np.where(np.isfinite(k) & np.isfinite(self._k_ref), k - self._k_ref, 0.0)
        z_now = self._exposure(ps.knowledge_stock)
        self._k_ref = np.where(np.isfinite(self._k_ref), self._k_ref, z_now)
        self._hist_eyq[slot] = _log_index(ps.early_years_quality)
        self._hist_sq[slot] = _log_index(ps.school_quality)
        self._hist_k[slot] = z_now
        return (
            p.early_years_effect * eyq + p.school_effect * sq
            + p.innovation_exposure_effect * k_term
        )

    # ------------------------------------------------------------------ services
    def cohort_size(self, month_index: int) -> np.ndarray:
        """(P,) entrants a month by place in month ``month_index`` (from 0, burn-in
        included), agents, before rounding: the size of one month's birth cohort."""
        g = self.params.cohort_growth
        return self._monthly_cohort * (1.0 + g) ** (month_index / 12.0)

    def quality_record(self, which: str) -> np.ndarray:
        """The ring buffer of the log quality cohorts carry, ``"early_years"`` or
        ``"schools"``: an (L, P) array (``L`` = ``cohort_lag_months``) whose row
        ``s % L`` holds the value recorded in month ``s`` (from 0; before the start, the
        initial value), read by the entrants of month ``s + L``. Policies may change the
        rows of months already recorded and not yet read (early-years and schools
        levers back-fill the cohorts they treat: :mod:`sim.policies.levers.early_years`).
        """
        if which == "early_years":
            return self._hist_eyq
        if which == "schools":
            return self._hist_sq
        raise ValueError(f"no quality record {which!r}; records: 'early_years', 'schools'")

    @staticmethod
    def _reserve(state: MarketState, block: int) -> np.ndarray:
        """Add ``block`` absent rows at the end of the worker table; return their rows."""
        return state.workers.add_absent(block)

    def _free_rows(self, state: MarketState, n: int) -> np.ndarray:
        """The ``n`` lowest-index absent rows, growing the table in blocks if needed.

        Absent rows come from the free list: last month's retirees (handed over by the
        flows pass in ``state.retired_rows``, consumed here) are merged into it. If a row
        on the list is no longer absent (code outside the schedule changed it), the list
        is rebuilt from the table.
        """
        wk = state.workers
        if state.retired_rows.size:
            # Disjoint: a row on the free list was absent, so nobody there retired.
            self._free = np.sort(np.concatenate([self._free, state.retired_rows]))
            state.retired_rows = np.zeros(0, dtype=np.int64)
        free = self._free
        if free.size and not np.all(wk.status[free] == ABSENT):
            free = np.flatnonzero(wk.status == ABSENT)
        if free.size < n:
            block = max(n - free.size, 1024, len(wk) // 100)
            free = np.concatenate([free, self._reserve(state, block)])
        self._free = free[n:]
        return free[:n]

    def take_rows(self, state: MarketState, n: int) -> np.ndarray:
        """``n`` absent rows for another mechanism's newcomers (international arrivals),
        lowest index first, growing the table in blocks if needed.

        Only rows absent since before this month are handed out: this month's retirees
        (``state.retired_rows``) stay for next month, so no row holds two people within
        a month (the measured flows compare each row with last month).
        """
        wk = state.workers
        free = self._free
        if free.size and not np.all(wk.status[free] == ABSENT):
            free = np.setdiff1d(np.flatnonzero(wk.status == ABSENT), state.retired_rows)
        if free.size < n:
            block = max(n - free.size, 1024, len(wk) // 100)
            free = np.concatenate([free, self._reserve(state, block)])
        self._free = free[n:]
        return free[:n]

    # ------------------------------------------------------------------ step
    def kernel_params(self) -> Retirement:
        """The flows kernel's retirement age (:class:`~sim.kernels.bundles.Retirement`;
        neutral, nobody retires, when the mechanism is disabled)."""
        return self._retirement

    def step(self, state: MarketState) -> None:
        """Add this month's entrants in every place and record ``state.entrants``."""
        p: DemographyParams = self.params
        t = state.clock.month_index  # index of the month being simulated (from 0)
        if self.profile is not None and state.clock.in_burn_in and t % 12 == 0 and t > 0:
            self._settle_profile(state)
        shift = self._lagged_shift(state, t)
        self.shift = shift
        growth = (1.0 + p.cohort_growth) ** (t / 12.0)
        self._carry += self._monthly_cohort * growth
        counts = np.floor(self._carry).astype(np.int64)
        self._carry -= counts
        n = int(counts.sum())
        state.entrants[:] = counts
        if n == 0:
            return
        rows = self._free_rows(state, n)
        wk = state.workers
        home = np.repeat(np.arange(counts.size), counts)
        rng = state.generator("demography", month=t)
        u_skill, u_occ, u_remote, u_status = rng.random((4, n))
        z_h = rng.standard_normal(n)

        cut = 1.0 / (1.0 + np.exp(-(self._thresholds[home] - shift[home, None])))  # (n, 2)
        skill = (u_skill[:, None] >= cut).sum(axis=1).astype(np.int8)
        sc = state.scenario
        occupation = categorical(u_occ, np.asarray(sc.economy.occupation_by_skill), skill)
        # Times the residents' earning power of the home place (wages.settle_pay).
        h = human_capital(z_h, sc.firms.human_capital_dispersion) * state.places.earning_power(home)
        broadband = state.places.broadband_share
        capable = remote_capable(u_remote, self._telework[occupation], broadband[home])

        # Potential wage: bargained share of local value added over the benefit level.
        f, w = state.firms, sc.wages
        local = local_productivity(f.place, f.productivity, f.alive,
                                   self._gva * w.hours_per_week)
        b = w.benefit_gbp_week
        wage = potential_wage(local, home, state.skill_premium, skill, h,
                              state.bargaining_power, b)

        p_inactive = np.minimum(p.entrant_inactive_factor * self._inactive_share[home], 1.0)
        status = np.where(u_status < p_inactive, INACTIVE, UNEMPLOYED).astype(np.int8)

        wk.enter(rows, home=home, age_months=ENTRY_AGE_MONTHS, skill=skill, human_capital=h,
                 occupation=occupation, status=status, wage=wage,
                 reservation_wage=np.maximum(b, w.replacement_ratio * wage),
                 remote_capable=capable)
        # The participation constraint (and, when remote work is on, remote capability
        # from its stable draws) come from the remote-work mechanism.
        assign_constraint(state, rows)


def _log_index(x: np.ndarray) -> np.ndarray:
    """Natural log of a positive quality index (non-positive values floored at 1e-6)."""
    return np.log(np.maximum(np.asarray(x, dtype=float), 1e-6))

r"""Migration and housing: people move home towards what places offer; rents respond.

Issue 3, mechanism 5 (DESIGN.md schedule step 8). Units: months, GBP a week,
one-way travel minutes, shares.

**1. Who considers a move.** Each month a present worker ``i`` considers moving
home with probability

.. math::

    \pi_i = \pi_0 \, m^{age}_{a(i)} \, m^{skill}_{s(i)}

with age bands under 30, 30 to 44 and 45 or over. ``pi_0`` is the rate of the
reference group (30 to 44, intermediate skill). Considering a move means
re-choosing where to live among *all* places, one's own included (a move inside
the place: most residential moves are short, ONS internal migration and the
English Housing Survey), so the share of movers who leave their place comes out
of the choice model and differs by geography: about half of the considered
moves leave a local authority district and about a fifth leave an ITL1 region,
with the same parameters.

* Residential mobility: about 10% of people in England move home in a year
  (English Housing Survey 2019-20, households resident under a year); the
  calibrated ``pi_0 = 0.0036`` gives about 5.5% a year considering a move of
  some distance: moves inside a place are mostly not represented (the own place
  is one alternative among many), so ``pi_0`` is set with ``F`` and ``c`` to
  the between-place targets below, not to total residential mobility.
* Age: migration rates peak in the twenties and fall by more than half after
  45 (ONS internal migration by single year of age, England and Wales, mid-2019
  estimates): multipliers 2.2 (< 30), 1 (30-44), 0.45 (45+), ESTIMATE from the
  shape of that profile.
* Skill: graduates are markedly more mobile, especially over long distances
  (Faggian and McCann 2009, Cambridge Journal of Economics 33(2), on UK
  graduate mobility; Machin, Salvanes and Pelkonen 2012, JEEA 10(2), on
  education raising migration): multipliers 0.8 (basic), 1 (intermediate), 1.6
  (advanced), ESTIMATE.

**2. Where to.** Worker ``i`` living in ``o`` values place ``d`` at (GBP a week)

.. math::

    V_{id} = y_{id} - h_d + a_d + \xi_d - m_{od}, \qquad
    m_{od} = \mathbb 1[d \ne o]\,(F + c\, T_{od})

* :math:`y_{id}` expected earnings. For a worker without a job, or an employed
  worker who would lose their job by living in ``d``:
  :math:`q_s \, e_d \, w_d`, the skill premium (``wages.skill_premium``) times
  the place's employment rate times its median wage (last month's Region
  indicators; the start values in the first month). An employed worker at a
  firm in ``q`` keeps the job from ``d`` when the effective one-way commute
  :math:`f_i T_{dq}` (``f_i`` = ``wages.hybrid_commute_factor`` for a hybrid job,
  1 otherwise) is at most ``max_commute_minutes`` and the wage net of commuting,
  :math:`w_i - \kappa f_i T_{dq}` (``kappa`` = ``wages.commute_cost_gbp_per_minute``),
  is at least their reservation wage; then :math:`y_{id}` is that net wage.
  Employed people therefore mostly move within reach of their job, and a long
  commute pulls them towards it; a mover whose new commute fails the test quits
  to unemployment (the rule of the matching kernel, which accepts a job only when
  its value net of commuting beats the reservation wage). Where the job would be
  lost, the employed worker's earnings are :math:`q_s e_d w_d` minus
  ``job_loss_cost_gbp_week`` (250, ESTIMATE: the earnings forgone in the search
  that follows, a few months at the median wage spread as a weekly equivalent;
  it also stands in for the fact that most long-distance moves of employed people
  follow a new job, which the model gets through search instead). 90 minutes is an
  ESTIMATE: few people commute further one way (Census 2011 distance to work).
* :math:`h_d` housing cost, :math:`a_d` amenity (``place_state``, GBP a week, 0 at
  start: what policies and the green mechanism change).
* :math:`\xi_d` unobserved amenity (quality of life), a residual set once at the
  start so that the initial distribution of people is a steady state of the
  choice model: the Rosen-Roback logic (Roback 1982, JPE 90(6); Albouy 2016,
  REStat 98(3)) as inverted in quantitative spatial models (Redding and
  Rossi-Hansberg 2017, Annual Review of Economics 9). Without it the model would
  move everyone to the place with the highest pay net of rent at once. Solved by
  the fixed point :math:`\xi_d \leftarrow \xi_d + \sigma \ln(\text{out}_d /
  \text{in}_d)` over cells (origin x skill) weighted by their consideration
  rates, with every worker valued at :math:`q_s e_d w_d` (the job-keeping rule
  of employed workers is left out of the calibration). Switch off with
  ``calibrate_amenity = false``. With international migration on
  (:mod:`sim.mechanisms.international`) the steady state includes it: each place's
  internal inflow is its outflow less its expected net international inflow (relative
  to the national mean), so that internal net migration balances international net
  migration at the start (London's internal net outflow is the counterpart of its net
  immigration). During the burn-in the residual is corrected every 24 months on the
  flows measured (``settle_amenity``, :meth:`Migration._settle_amenity`): the newcomers
  from abroad and the job-keeping rule, which the start's calibration leaves out, shift
  the flows, and without the correction London lost about 2 working-age residents per
  1,000 a year while the East of England gained about 5.
* :math:`\xi_{ds}` the same residual by skill (``amenity_by_skill``, off by default, on in
  the district baseline): one residual per place and skill level, calibrated at the
  start so that each skill's distribution is a steady state on its own (the same fixed
  point, skill by skill) and settled in the burn-in on each skill's residents of each
  place. Places attract graduates and non-graduates differently beyond pay and rent
  (Diamond 2016, AER 106(3): amenities valued by skill), and in the model, which values
  every worker's move at :math:`q_s e_d w_d`, graduates respond more to pay than the
  others, so with one residual per place the districts' graduate shares drift away from
  the Census over the burn-in (correlation with the data 0.99 at the start, 0.91 after
  240 months, mean absolute gap 3.3 points, ``uk-lad``, scale 0.02); with one per skill
  they stay closer (0.97, 2.0 points: the settling stops drift, it does not bring
  people back). Both the calibration and the settling then work on three columns; the
  kernel reads :math:`\xi_{ds}` for a mover of skill :math:`s`.
* :math:`F` fixed moving cost and :math:`c` cost per travel minute (GBP a week
  equivalents, ESTIMATE, calibrated so that about 5% of people a year move between
  local authority districts at ``uk-lad`` (ONS internal migration 2013-2015,
  VALIDATION.md) and about 2% between ITL1 regions (ONS inter-regional moves,
  about 1.2 million a year in England and Wales).

The destination is a logit with scale :math:`\sigma` (GBP a week, ESTIMATE) and
the housing stock as the size variable (places are aggregates of many dwellings;
Ben-Akiva and Lerman 1985, ch. 9):

.. math::

    P(d \mid i) = \frac{H_d \exp(V_{id} / \sigma)}{\sum_k H_k \exp(V_{ik} / \sigma)}

Candidates are drawn with geometric skips and the choice costs O(places) per
candidate (:mod:`sim.kernels.migration`): O(movers x places), never
O(workers x places). ``home`` changes, ``origin`` does not. Remote capability
follows the new home's broadband: through :func:`sim.mechanisms.remote_work.refresh_remote_capable`
when the remote-work mechanism is on, otherwise by a conditional draw that keeps
``P(capable) = tau_occupation x broadband_home``; a hybrid job that is no longer
feasible becomes an on-site job (the keep test used the hybrid commute; APPROXIMATION).

**3. Housing.** With :math:`N_d` the residents (agents) and :math:`N^0_d` at
start, demand in people is :math:`D_d = H^0_d N_d / N^0_d` (``housing_stock``
starts at the working-age population). Each month

.. math::

    H_d \leftarrow H_d + \lambda \max(D_d - H_d, 0), \qquad
    h_d = \bar h_d \, (D_d / H_d)^{\varepsilon}

with :math:`\bar h_d` ``place_state.base_housing_cost``. Supply responds slowly
and only upwards: housing is durable (Glaeser and Gyourko 2005, JPE 113(2)) and
English supply is very inelastic because of planning constraints (Hilber and
Vermeulen 2016, Economic Journal 126(591)): ``lambda = 0.005`` a month (about 6%
of a gap closed a year, ESTIMATE). ``epsilon = 1.5``, the inverse of a price
elasticity of housing demand of about -0.65 (ESTIMATE in the range of UK
estimates).

**4. Indicators.** ``net_migration`` (people: in-movers minus out-movers this
month, each agent counted as ``state.people_per_agent`` of its place) and
``net_migration_advanced`` (the same for advanced skill). Quits caused by a move
are not in the ``separations`` indicator (counted in :attr:`Migration.quits`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, model_validator

from sim.agents.workers import ABSENT, EMPLOYED, UNEMPLOYED
from sim.config.section import NonNegative3, Section, rule_error
from sim.kernels.bundles import (
    MigrationPlaces,
    MigrationRules,
    MoveCounts,
    WageRules,
    firm_columns,
    make,
    worker_columns,
)
from sim.kernels.migration import choose_and_move, draw_candidates
from sim.mechanisms.base import Mechanism
from sim.mechanisms.remote_work import refresh_remote_capable
from sim.world.resources import telework_by_occupation

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["MigrationParams", "Migration"]





#: Months between the burn-in's corrections of the residual amenity
#: (:meth:`Migration._settle_amenity`).
_SETTLE_WINDOW = 24


class MigrationParams(Section):
    """Parameters of ``[migration]`` (sources in :mod:`sim.mechanisms.migration`)."""

    enabled: bool = True
    base_rate: float = Field(
        0.0036, ge=0.0, le=1.0,
        description="monthly probability of considering a move, ages 30-44, intermediate skill",
    )
    young_age_years: int = Field(
        30, ge=16, le=99, description="upper limit of 'young', years (below old_age_years)"
    )
    old_age_years: int = Field(45, ge=17, le=100, description="lower limit of 'older', years")
    age_multiplier: NonNegative3 = Field(
        (2.2, 1.0, 0.45), description="consideration multipliers: young, middle, older"
    )
    skill_multiplier: NonNegative3 = Field(
        (0.8, 1.0, 1.6), description="consideration multipliers: basic, intermediate, advanced"
    )
    logit_scale_gbp_week: float = Field(
        80.0, ge=1.0, le=1e5,
        description="sigma of the destination logit, GBP a week (at least 1: a vanishing "
        "scale overflows exp(V / sigma))",
    )
    fixed_cost_gbp_week: float = Field(
        80.0, ge=0.0, le=1e5, description="fixed cost of leaving the place, GBP a week equiv."
    )
    cost_per_minute_gbp_week: float = Field(
        1.0, ge=0.0, le=1e4, description="moving cost per travel minute, GBP a week equiv."
    )
    max_commute_minutes: float = Field(
        90.0, ge=0.0, le=1440.0, description="longest one-way commute a mover keeps a job for"
    )
    job_loss_cost_gbp_week: float = Field(
        250.0, ge=0.0, le=1e5,
        description="cost of leaving a job to move, GBP a week equivalent",
    )
    housing_cost_elasticity: float = Field(
        1.5, ge=0.0, le=20.0, description="d ln housing cost / d ln (demand / stock)"
    )
    housing_supply_speed: float = Field(
        0.005, ge=0.0, le=1.0, description="share of excess demand built each month"
    )
    calibrate_amenity: bool = Field(
        True, description="set the residual amenity so that the start is a steady state"
    )
    settle_amenity: bool = Field(
        True, description="during the burn-in, correct the residual amenity every 24 months "
        "on the measured flows so that no place's population drifts (fixed from the first "
        "recorded month)",
    )
    amenity_by_skill: bool = Field(
        False, description="one residual amenity per place and skill level, calibrated and "
        "settled skill by skill, so that each place's skill mix (not only its population) "
        "is the start's steady state",
    )

    @model_validator(mode="after")
    def _young_below_old(self) -> MigrationParams:
        if self.young_age_years >= self.old_age_years:
            raise rule_error(
                "young_age_years", self.young_age_years,
                f"must be < migration.old_age_years = {self.old_age_years}",
            )
        return self


class Migration(Mechanism):
    """Moves of home between places and housing costs.

    Attributes:
        residual_amenity: (P, 3) calibrated unobserved amenity xi by place and skill, GBP
            a week (the three columns equal unless ``amenity_by_skill``).
        in_moves, out_moves, in_advanced, out_advanced: (P,) agents this month.
        quits: agents who left a job because of a move this month.
        considered: agents who considered a move this month.
        moves_by_group: (3 age bands, 3 skills, 2) cumulative [moves, candidates],
            agents, for checking mobility by group.
    """

    SECTION = "migration"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        n_places = state.n_places
        self.in_moves = np.zeros(n_places, dtype=np.int64)
        self.out_moves = np.zeros(n_places, dtype=np.int64)
        self.in_advanced = np.zeros(n_places, dtype=np.int64)
        self.out_advanced = np.zeros(n_places, dtype=np.int64)
        self.quits = 0
        self.considered = 0
        self.moves_total = 0
        self.moves_by_group = np.zeros((3, 3, 2))
        self.residual_amenity = np.zeros((n_places, 3))
        if not self.enabled:
            return
        p = self.params
        self._age = np.asarray(p.age_multiplier, dtype=np.float64)
        self._skill = np.asarray(p.skill_multiplier, dtype=np.float64)
        self._rules = MigrationRules.from_params(p)  # the kernels' rules, for the whole run
        ps = state.places
        self._stock0 = ps.housing_stock.astype(np.float64).copy()
        # Built before the model's starting accounts, so counted here.
        wk = state.workers
        present = wk.status != ABSENT
        pop0 = np.bincount(wk.home[present], minlength=state.n_places)
        self._pop0 = np.maximum(pop0.astype(float), 1.0)
        self._earnings0 = self._start_earnings(state)
        move_cost = p.fixed_cost_gbp_week + p.cost_per_minute_gbp_week * state.travel.minutes
        np.fill_diagonal(move_cost, 0.0)
        self._move_cost = move_cost
        if p.calibrate_amenity:
            self.residual_amenity = self._calibrate(state)
        # The settling's window: moves in and out and the residents at its start, by
        # place, or by place and skill (flattened place-major) with amenity_by_skill.
        cells = n_places * 3 if p.amenity_by_skill else n_places
        self._window_moves = np.zeros(cells, dtype=np.int64)
        self._window_pop: np.ndarray | None = None

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _population(state: MarketState) -> np.ndarray:
        """Residents by place (agents): last month's aggregation (the model's counts)."""
        return state.accounts.count("population").astype(float)

    @staticmethod
    def _start_earnings(state: MarketState) -> np.ndarray:
        """Employment rate x median wage of employed residents at start, GBP a week."""
        wk = state.workers
        n_places = state.n_places
        present = wk.status != ABSENT
        pop = np.bincount(wk.home[present], minlength=n_places).astype(float)
        emp = wk.status == EMPLOYED
        n_emp = np.bincount(wk.home[emp], minlength=n_places).astype(float)
        order = np.lexsort((wk.wage[emp], wk.home[emp]))
        wages = wk.wage[emp][order].astype(float)
        start = np.concatenate(([0], np.cumsum(n_emp))).astype(np.int64)
        median = np.array([
            np.median(wages[start[d]:start[d + 1]]) if start[d + 1] > start[d] else np.nan
            for d in range(n_places)
        ])
        fallback = np.nanmedian(median) if np.isfinite(median).any() else 0.0
        median = np.where(np.isfinite(median), median, fallback)
        rate = np.divide(n_emp, pop, out=np.zeros(n_places), where=pop > 0)
        return rate * median

    def _rates(self, age_months: np.ndarray, skill: np.ndarray) -> np.ndarray:
        p = self.params
        band = np.where(age_months < 12 * p.young_age_years, 0,
                        np.where(age_months >= 12 * p.old_age_years, 2, 1))
        return np.minimum(p.base_rate * self._age[band] * self._skill[skill], 1.0)

    def _calibrate(self, state: MarketState) -> np.ndarray:
        """Residual amenity (P, 3) that makes the start a steady state of the choice model.

        Per iteration O(P^2): with ``K = exp(-m / sigma)`` and ``z_d = H_d exp(v_d / sigma)``
        the inflow is ``z * K^T (w / (K z))``. One residual for all skills (the columns
        equal), or with ``amenity_by_skill`` one per skill, each skill's inflow matched to
        its share of the place's steady inflow.
        """
        wk = state.workers
        n_places = state.n_places
        present = np.flatnonzero(wk.status != ABSENT)
        r = self._rates(wk.age_months[present], wk.skill[present])
        weight = np.zeros((n_places, 3))
        np.add.at(weight, (wk.home[present], wk.skill[present]), r)
        outflow = weight.sum(axis=1)
        target = self._steady_inflow(state, outflow)
        ps = state.places
        premium = np.asarray(state.skill_premium, dtype=float)
        size = np.maximum(ps.housing_stock, 1e-9)
        base = ps.amenity - ps.housing_cost
        sigma = self.params.logit_scale_gbp_week
        kernel = np.exp(-self._move_cost / sigma)
        if not self.params.amenity_by_skill:
            skills = (0, 1, 2)
            xi = self._fixed_point(weight, target, skills, premium, base, size, kernel)
            return np.repeat(xi[:, None], 3, axis=1)
        share = np.divide(weight, outflow[:, None], out=np.zeros_like(weight),
                          where=outflow[:, None] > 0)
        return np.stack([
            self._fixed_point(weight, target * share[:, s], (s,), premium, base, size, kernel)
            for s in range(3)
        ], axis=1)

    def _fixed_point(self, weight: np.ndarray, target: np.ndarray, skills: tuple[int, ...],
                     premium: np.ndarray, base: np.ndarray, size: np.ndarray,
                     kernel: np.ndarray) -> np.ndarray:
        """(P,) residual whose steady inflow of ``skills`` is ``target`` (see _calibrate)."""
        sigma = self.params.logit_scale_gbp_week
        n_places = target.shape[0]
        xi = np.zeros(n_places)
        active = weight[:, list(skills)].sum(axis=1) > 0
        for _ in range(5000):
            inflow = np.zeros(n_places)
            for s in skills:
                v = (premium[s] * self._earnings0 + base + xi) / sigma
                z = size * np.exp(v - v.max())
                inflow += z * (kernel.T @ (weight[:, s] / (kernel @ z)))
            gap = np.log(np.where(active, target, 1.0) / np.maximum(inflow, 1e-300))
            gap[~active] = 0.0
            xi += sigma * gap
            xi -= xi[active].mean() if active.any() else 0.0
            if np.max(np.abs(gap)) < 1e-10:
                break
        return xi

    @staticmethod
    def _steady_inflow(state: MarketState, outflow: np.ndarray) -> np.ndarray:
        """Internal inflow (agents a month, stayers included) of the steady state, by place.

        Without international migration, the outflow: net internal migration zero. With
        it (:mod:`sim.mechanisms.international` enabled), the outflow less the expected net
        international inflow ``n_p`` relative to the national mean per resident:
        ``outflow_p - (n_p - N_p sum(n) / sum(N))``, with ``N_p`` the working-age agents
        at the start (internal moves only redistribute people; with a stationary national
        population the mean is zero). Floored at 1% of the outflow.
        """
        intl = state.mechanism("international")
        if intl is None or not intl.enabled:
            return outflow
        net = np.asarray(intl.expected_net, dtype=float)
        wk = state.workers
        pop = np.bincount(wk.home[wk.status != ABSENT], minlength=state.n_places).astype(float)
        relative = net - pop * (net.sum() / max(pop.sum(), 1.0))
        return np.maximum(outflow - relative, 0.01 * outflow)

    def _earnings(self, state: MarketState) -> np.ndarray:
        """Employment rate x median wage by place last month (the start values before
        the first month), GBP a week."""
        last = state.accounts.indicators
        if "employment_rate" not in last:
            return self._earnings0
        e = last["employment_rate"] * last["median_wage"]
        return np.where(np.isfinite(e), e, self._earnings0)

    def _settle_amenity(self, state: MarketState) -> None:
        """During the burn-in, correct each place's residual amenity every
        :data:`_SETTLE_WINDOW` months so that its population stops drifting.

        The start calibration (:meth:`_calibrate`) makes the starting distribution a
        steady state of the choice model as it values places before anyone has moved:
        every worker at ``q_s e_d w_d``, without the job-keeping rule of employed movers,
        and with the residents of the start. The people who arrive from abroad (more
        often unemployed, so freer to move) and the job-keeping rule shift the flows:
        without this step London lost about 2.3 working-age residents per 1,000 a year
        over the recorded decade while the East of England gained 4.7 (regions, scale
        0.01, 5 replications). The correction is a Newton step on the flows measured over
        the window. Raising ``xi_d`` by ``delta`` raises the moves into ``d`` and lowers the
        moves out of it, each by about ``delta / sigma`` of itself (the logit), so with
        ``I_d`` and ``O_d`` the internal moves into and out of ``d`` over the window and
        ``Delta N_d`` the change of its residents (from every source: internal,
        international, demography), the step that would have offset the change is

            xi_d <- xi_d - sigma Delta N_d / (I_d + O_d)

        (at most ``sigma / 2`` either way, recentred on the mean). The level reached is kept:
        the rule stops the drift, it does not bring people back. From the first recorded
        month the amenity is fixed and migration responds freely to the market. With
        ``amenity_by_skill`` the same step is taken for each place and skill, on that
        skill's residents and moves (recentred skill by skill).
        """
        by_skill = self.params.amenity_by_skill
        if not by_skill:  # by skill, step() adds each month's moves by cell
            self._window_moves += self.in_moves + self.out_moves
        month = state.clock.months_simulated
        if month % _SETTLE_WINDOW != 0 or month < _SETTLE_WINDOW:
            return
        pop = self._residents_by_skill(state).ravel() if by_skill else self._population(state)
        if self._window_pop is not None:
            moves = self._window_moves.astype(float)
            ok = moves > 0
            step = np.zeros_like(pop)
            step[ok] = np.clip(-(pop - self._window_pop)[ok] / moves[ok], -0.5, 0.5)
            if by_skill:
                step, ok = step.reshape(-1, 3), ok.reshape(-1, 3)
                for s in range(3):
                    step[:, s] -= step[ok[:, s], s].mean() if ok[:, s].any() else 0.0
            else:
                step -= step[ok].mean() if ok.any() else 0.0
                step = step[:, None]
            self.residual_amenity = self.residual_amenity + self.params.logit_scale_gbp_week * step
        self._window_pop = pop.copy()
        self._window_moves[:] = 0

    @staticmethod
    def _residents_by_skill(state: MarketState) -> np.ndarray:
        """(P, 3) residents (agents present) by place and skill, from the worker table."""
        wk = state.workers
        present = wk.status != ABSENT
        cell = wk.home[present].astype(np.int64) * 3 + wk.skill[present]
        return np.bincount(cell, minlength=3 * state.n_places).astype(float).reshape(-1, 3)

    # ------------------------------------------------------------------ monthly
    def step(self, state: MarketState) -> None:
        """Update housing, then draw movers and their destinations."""
        p = self.params
        ps = state.places
        wk, f = state.workers, state.firms
        n_places = state.n_places
        # Stream month: months simulated (the month being simulated + 1).
        month = state.clock.months_simulated
        if p.settle_amenity and state.clock.in_burn_in:
            self._settle_amenity(state)

        # Housing: demand against stock.
        pop = self._population(state)
        demand = self._stock0 * pop / self._pop0
        ps.housing_stock[:] = ps.housing_stock + p.housing_supply_speed * np.maximum(
            demand - ps.housing_stock, 0.0
        )
        ratio = np.divide(demand, ps.housing_stock, out=np.ones(n_places),
                          where=ps.housing_stock > 0)
        ps.housing_cost[:] = ps.base_housing_cost * ratio ** p.housing_cost_elasticity

        # Who considers moving.
        rules = self._rules
        workers = worker_columns(wk)
        cand = draw_candidates(
            state.stream_key("migration", 0, month=month), workers, rules,
            wk.scratch[0],  # the workers' scratch space (free after the flows pass)
        )
        self.considered = int(cand.size)
        for arr in (self.in_moves, self.out_moves, self.in_advanced, self.out_advanced):
            arr[:] = 0
        self.quits = 0
        if cand.size == 0:
            return
        wc = state.scenario.wages
        place_value = np.ascontiguousarray(
            self.residual_amenity + (ps.amenity - ps.housing_cost)[:, None], dtype=np.float64
        )
        moved_from = np.empty(cand.size, dtype=np.int64)
        quit = np.zeros(cand.size, dtype=np.bool_)
        band = np.where(wk.age_months[cand] < 12 * p.young_age_years, 0,
                        np.where(wk.age_months[cand] >= 12 * p.old_age_years, 2, 1))
        skill = wk.skill[cand].astype(np.int64)
        choose_and_move(
            state.stream_key("migration", 1, month=month), cand, workers, firm_columns(f),
            make(MigrationPlaces, place_value=place_value,
                 expected_earnings=np.ascontiguousarray(self._earnings(state), dtype=np.float64),
                 log_size=np.log(np.maximum(ps.housing_stock, 1e-9))),
            state.travel.minutes, rules, WageRules.from_scenario(wc, state.bargaining_power),
            make(MoveCounts, moved_from=moved_from, quit=quit, in_moves=self.in_moves,
                 out_moves=self.out_moves, in_advanced=self.in_advanced,
                 out_advanced=self.out_advanced),
        )
        moved = moved_from >= 0
        if p.amenity_by_skill and p.settle_amenity and state.clock.in_burn_in and moved.any():
            # The settling's moves by cell: out of the origin, into the new home.
            np.add.at(self._window_moves, moved_from[moved] * 3 + skill[moved], 1)
            np.add.at(self._window_moves, wk.home[cand[moved]].astype(np.int64) * 3
                      + skill[moved], 1)
        self.quits = int(quit.sum())
        self.moves_total += int(moved.sum())
        # Mobility by group [..., 0] moves out of the place, [..., 1] candidates).
        group = band * 3 + skill
        self.moves_by_group[:, :, 0] += np.bincount(group[moved], minlength=9).reshape(3, 3)
        self.moves_by_group[:, :, 1] += np.bincount(group, minlength=9).reshape(3, 3)
        if moved.any():
            rows, origin = cand[moved], moved_from[moved]
            if ps.pay_residual.any():  # movers take their new home's earning power
                gain = np.exp(ps.pay_residual[wk.home[rows]] - ps.pay_residual[origin])
                wk.human_capital[rows] = (wk.human_capital[rows] * gain).astype(np.float32)
            self._update_remote(state, rows, origin)
            self._constrained_quits(state, rows)

    def _constrained_quits(self, state: MarketState, rows: np.ndarray) -> None:
        """A constrained mover keeps only a remote job or one in the new home place."""
        wk, f = state.workers, state.firms
        emp = rows[(wk.status[rows] == EMPLOYED) & wk.constrained[rows] & ~wk.remote[rows]]
        if emp.size == 0:
            return
        away = emp[f.place[wk.employer[emp]] != wk.home[emp]]
        if away.size == 0:
            return
        wc = state.scenario.wages
        np.subtract.at(f.employment, wk.employer[away], 1)
        wk.status[away] = UNEMPLOYED
        wk.employer[away] = -1
        wk.months_unemployed[away] = 0
        wk.reservation_wage[away] = np.maximum(
            wc.benefit_gbp_week, wc.replacement_ratio * wk.wage[away]
        )
        self.quits += int(away.size)

    def _update_remote(self, state: MarketState, rows: np.ndarray, origin: np.ndarray) -> None:
        """Remote capability follows the new home's broadband (see the module docstring)."""
        wk = state.workers
        mech = state.mechanism("remote_work")
        if mech is not None and mech.enabled:
            refresh_remote_capable(state, rows)
        else:
            b = state.places.broadband_share
            b_old, b_new = b[origin], b[wk.home[rows]]
            tau = telework_by_occupation()[wk.occupation[rows]]
            rng = state.generator("migration", 2, month=state.clock.months_simulated)
            u = rng.random(rows.size)
            capable = wk.remote_capable[rows]
            lose = capable & (b_new < b_old) & (u < 1.0 - b_new / np.maximum(b_old, 1e-12))
            gain_p = np.divide(tau * (b_new - b_old), 1.0 - tau * b_old,
                               out=np.zeros(rows.size), where=1.0 - tau * b_old > 0)
            gain = ~capable & (b_new > b_old) & (u < gain_p)
            wk.remote_capable[rows[lose]] = False
            wk.remote_capable[rows[gain]] = True
        wk.remote[rows] &= wk.remote_capable[rows]

    def place_indicators(self, state: MarketState) -> dict[str, np.ndarray]:
        """Net migration this month, people (all, and advanced skill)."""
        scale = np.asarray(state.people_per_agent, dtype=float)
        return {
            "net_migration": (self.in_moves - self.out_moves) * scale,
            "net_migration_advanced": (self.in_advanced - self.out_advanced) * scale,
        }

r"""Firm dynamics and location (DESIGN.md, schedule step 3; issue 3, item 3).

Each month, for the firm agents ``j`` (rows of :class:`~sim.agents.firms.Firms`) in
places ``p``, at a cost of ``O(F + P^2)`` (one pass over the firms, one product
of place matrices; the workers of exiting firms are laid off in the model's
flows pass, :mod:`sim.kernels.flows`):

**1. Productivity from knowledge.** Knowledge available to the firms of ``p``
is their own place's R&D stock :math:`K_p` (GBP million, from
:mod:`sim.mechanisms.knowledge`) and the stocks of other places discounted by travel time,

.. math::

    S_p = \frac{1}{\bar K_0} \sum_{q \neq p} K_q \, e^{-\delta_s T_{pq}}

(:math:`T` the travel-time matrix in minutes, ``state.travel.minutes``, so transport
investment widens access; :math:`\bar K_0` the national stock at start, a
constant). Productivity (GBP of weekly value added per efficiency unit) is

.. math::

    A_j(t) = A_{j0} \, m_p(t), \qquad
    m_p = 1 + \gamma_o \ln\frac{K_p + \epsilon}{K_{p0} + \epsilon}
            + \gamma_s \ln\frac{S_p + \epsilon}{S_{p0} + \epsilon}

floored at 0.1, with :math:`\epsilon` = 1% of the mean stock at start (so a
place without R&D data, stock 0, does not produce an infinite log when a
policy gives it R&D). The log-ratios to the start make the calibrated start
exact: productivity moves only when knowledge moves. The update is applied as
the ratio :math:`m_p(t) / m_p(t-1)`, so changes other code makes to a firm's
productivity persist. :math:`\gamma_o` = 0.08 is the usual output elasticity of
own R&D capital (Griliches 1979; Hall, Mairesse and Mohnen 2010 survey
0.01-0.25, central 0.08); :math:`\gamma_s` = 0.04 is an ESTIMATE in the range
of the spillover elasticities of Coe and Helpman (1995, European Economic
Review 39) and half the own elasticity, since knowledge spillovers are
strongly localised (Jaffe, Trajtenberg and Henderson 1993, QJE 108(3)) and
fade with distance: Bottazzi and Peri (2003, European Economic Review 47(4))
find them within about 300 km only, hence :math:`\delta_s` = 0.01 per minute
(weight 0.17 at three hours; ESTIMATE).

**Institutions.** The quality of local institutions (``place_state.institutions``, an
index, 0 at start; one unit is one standard deviation of regional quality of government,
as in the European Quality of Government Index) scales the multiplier,

.. math:: m_p \leftarrow m_p \, e^{b_I I_p}

with :math:`b_I` = ``institutions_productivity_elasticity`` = 0.05 (ESTIMATE: a one
standard deviation better quality of government raises productivity by about 5% in the
long run. Rodriguez-Pose and Ganau (2022, "Institutions and the productivity challenge
for European regions", Journal of Economic Geography 22(1)) find that improvements in
institutional quality drive labour-productivity growth in European regions, 2003-2015,
directly and through the returns to human capital and innovation; the cross-section of
regions shows much larger gaps per standard deviation (Rodriguez-Pose 2013, "Do
institutions matter for regional development?", Regional Studies 47(7)), of which only
part is causal, so the value is kept conservative). With the index at 0 everywhere (the
baseline) the factor is not applied and the multiplier is exactly the knowledge one.
Policies raise the index (:mod:`sim.policies.levers.place_institutions`); it also
enters the entry logit below.

**2. Target size from productivity and demand.**

.. math:: N^*_j = \mathrm{round}\bigl(N^*_{j0} \, m_p^{\varepsilon} \, D_p \, C_p\bigr)

with :math:`N^*_{j0}` the firm's target at start (or at entry),
:math:`\varepsilon` = 1 the elasticity of size with respect to productivity
(ESTIMATE: firm size proportional to :math:`A^{\sigma - 1}` under CES demand,
Melitz 2003, with :math:`\sigma \approx 2` for value added) and :math:`D_p` the
demand multiplier of place ``p`` (:attr:`FirmDynamics.demand`, 1 by default;
policies change it) and :math:`C_p` the business cycle's demand shock
(:attr:`FirmDynamics.shock`, :math:`e^{z_t + r_{p,t}}` set each month by
:mod:`sim.mechanisms.cycle`; exactly 1 without it). The mechanism changes
``target_size`` by the *change* of its own term, so other mechanisms (the green
programme) can add to targets.

**3. Profit and exit.** Monthly profit is value added less wages over the
firm's workers, :math:`\pi_j = \frac{52}{12}\sum_{i \in j} (A_j q_{s_i} h_i - w_i)`
(GBP a month), read from last month's accounts: the model's aggregation pass
totals it by firm (:func:`sim.kernels.aggregate.aggregate_workers`), and the
workers of an exiting firm are laid off later in the month by the flows pass
(:func:`sim.kernels.flows.monthly_flows`, which counts them as separations); a
firm's row is not reused by an entrant in the month it exits.
``loss_months`` counts consecutive months with :math:`\pi_j < 0`. A firm exits
when it reaches ``exit_after_loss_months`` (12: a year of losses; ESTIMATE), or
with the exogenous hazard ``exit_hazard_per_year`` (0.5% a year, converted to
a monthly probability). The UK business death rate is about 10% a year (ONS
Business demography 2019: 10.9%), but almost all deaths are micro businesses;
a firm agent stands for many real businesses (20 agents, i.e. 2,000 jobs at
the default scale) and the layoffs of ordinary closures are already in the
calibrated layoff rates, so the agent hazard is kept small (ESTIMATE: the
closure of a whole group of businesses at once is rare; at 2% a year the extra
churn raised the job-finding rate from 12% to about 17% a month, above the
validation range, and at 0.5% it stays near 13%). Exits are decided at the start
of the month from last month's ``loss_months``, so a loss-making firm exits in
month ``exit_after_loss_months + 1`` at the latest. On exit the row is freed
(``alive`` False, target, vacancies and employment 0) and its workers become
unemployed (reservation wage ``max(benefit, replacement_ratio x wage)``; they
search from this month, through the flows kernel).

**4. Entry and location.** Entrants replace the jobs of the firms that exit
(``replacement_entry``, the default): the base targets of this month's exits join an
account, :attr:`FirmDynamics.pending_jobs`, and entrants are drawn one after another
until their base targets cover it (the last may overshoot; the account carries the
difference, so it stays within one firm of zero). The sum of the live firms' base
targets and the account is then constant: the economy's jobs before knowledge and
demand neither grow nor shrink by chance. Entry and exit rates are strongly
correlated across markets and most entry replaces exit (Geroski 1995, "What do we know
about entry?", International Journal of Industrial Organization 13(4), stylised facts
1-2; Dunne, Roberts and Samuelson 1988, RAND Journal of Economics 19(4)). The
alternative, ``Poisson(e F_alive)`` entrants a month with ``e`` =
``entry_rate_per_year`` / 12 (equal to the exit hazard by default, so that entry
matches exit on average), lets the total of jobs follow a random walk: a lognormal
entrant of size dispersion 1 adds on average as much as an exit removes, but not the
same, and with few firm agents (small scales) the walk moved unemployment by up to half
a point over 14 years and raised mean job finding at 1:100 above 1:333 by 0.63 points
(10 replications, 48 recorded months; 0.18 with replacement; docs/calibration.md).
The account is kept by place (``replacement_by_place``, the default,
:attr:`FirmDynamics.pending_by_place`): each place is owed the base jobs :math:`L_p` of
its own exits plus its part of the location logit's pull,

.. math:: \text{owed}_p \mathrel{+}= L_p + J\,(\tilde\pi_p - s_p), \qquad J = \sum_p L_p,

with :math:`\tilde\pi_p` the logit's probabilities below weighted by the places' mean firm
size at start (the share of the replacing jobs that drawing each entrant's place would
send to ``p``) and :math:`s_p` the place's share of the live firms' base jobs. A place's
exits are on average :math:`J s_p`, so this is the expected flow of drawing each
entrant's place, without its sampling noise: a place's jobs move only when its
attractiveness does. Each place's next entrant is drawn in advance (base target ``b``
and a uniform ``u``) and enters when the account reaches ``u b``, so that the accounts
average zero over time. With each entrant's place drawn
(``replacement_by_place`` off), a place's jobs follow a random walk at small scales; in
places few people commute out of (Scotland, Northern Ireland) its surplus became
vacancies, and through the wage curve moved median pay by up to a fifth between seeds.
Each entrant picks its place by a conditional logit (McFadden 1974) over the
attractiveness

.. math::

    V_p = b_s \ln \sum_q H_q e^{-\beta T_{qp}} + b_m \ln \sum_q N_q e^{-\beta_m T_{qp}}
          + b_a\,\text{amenity}_p + b_i\,\text{institutions}_p + b_b\,\text{broadband}_p

with :math:`H_q` advanced-skill (degree-level) residents of ``q`` within
commuting reach (:math:`\beta` the search decay, 0.05 per minute), :math:`N_q`
residents (market access over the network, :math:`\beta_m` = 0.01 per minute:
goods and services travel further than commuters; ESTIMATE), amenity (GBP a
week), institutional quality (index) and superfast broadband coverage
(share). The firm-location literature finds agglomeration, market size and
human capital the strongest positive determinants (Figueiredo, Guimaraes and
Woodward 2002, Journal of Urban Economics 52(2); Guimaraes, Figueiredo and
Woodward 2003, REStat 85(1); survey: Arauzo-Carod, Liviano-Solis and
Manjon-Antolin 2010, Journal of Regional Science 50(3)). Coefficients
(ESTIMATES within those findings): :math:`b_s` = 1.0 and :math:`b_m` = 0.5
(elasticities of a place's entry probability), :math:`b_a` = 0.005 per GBP a
week (GBP 20 a week of amenity raises entry odds by 10%), :math:`b_i` = 0.5 per
unit of the institutions index, :math:`b_b` = 2.0 per unit of coverage (10
points raise the odds by 22%). With ``calibrate_location`` (the default) each place
also gets a constant :math:`\delta_p = \ln s_p - V_p^0`, with :math:`s_p` its share of
firm agents at start and :math:`V_p^0` its attractiveness at the first entry, so that
entrants at start go where the firms are (where the data put the jobs: a steady state,
as migration's residual amenity makes the start a steady state for people), and a
change in attractiveness (a policy) moves the entry odds by :math:`e^{\Delta V_p}` from
there. Without it, 20 years of entry and exit move jobs toward the places the logit
favours, whatever the data.

An entrant reuses a free row (or the table grows), draws its sector from the
UK shares (``economy.sector_shares``, the knowledge-intensive share tilted by
the place's knowledge stock per working-age person, as at start), its skill
demand from ``economy.skill_demand_by_sector``, its
productivity as at start (place GVA per hour x paid hours x sector multiplier
x lognormal, times the place's knowledge multiplier :math:`m_p`) and its base
target as the place's mean firm target at start times a lognormal with mean 1
(s.d. of log ``economy.firm_size_dispersion``, 1, as in :mod:`sim.agents.economy`).
It starts with no workers; its
vacancies are posted this month. The account does not change where entrants go: a
policy that makes a place more attractive draws more of the replacing entrants there.

Indicators: ``firm_agent_entries`` and ``firm_agent_exits``, counts of firm agents this
month by place (summed nationally). Random draws come from
``state.generator("firm_dynamics")`` (a NumPy generator keyed by seed, month and the
stage's number in :data:`sim.kernels.rng.STAGES`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.agents.draws import categorical, firm_productivity, human_capital, sector_probabilities
from sim.config.section import Section
from sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["FirmDynamicsParams", "FirmDynamics", "spillover_access"]



class FirmDynamicsParams(Section):
    """Parameters of ``[firm_dynamics]``."""

    enabled: bool = True
    own_knowledge_elasticity: float = Field(
        0.08, ge=0.0, le=1.0,
        description="gamma_o, productivity elasticity of the place's own R&D stock "
        "(Hall, Mairesse and Mohnen 2010)",
    )
    spillover_elasticity: float = Field(
        0.04, ge=0.0, le=1.0,
        description="gamma_s, productivity elasticity of travel-time-discounted knowledge of "
        "other places (ESTIMATE; Coe and Helpman 1995, Bottazzi and Peri 2003)",
    )
    spillover_decay_per_minute: float = Field(
        0.01, ge=0.0, le=1.0, description="delta_s in exp(-delta_s T), 1/min (ESTIMATE)"
    )
    size_elasticity: float = Field(
        1.0, ge=0.0, le=10.0,
        description="epsilon, elasticity of target size w.r.t. productivity (ESTIMATE)",
    )
    exit_after_loss_months: int = Field(
        12, ge=1, le=600, description="consecutive loss months before exit, months"
    )
    exit_hazard_per_year: float = Field(
        0.005, ge=0.0, le=1.0,
        description="exogenous exit probability of a firm agent, a year (ESTIMATE; ONS "
        "Business demography)",
    )
    entry_rate_per_year: float = Field(
        0.005, ge=0.0, le=1.0,
        description="entrants per live firm, a year, without replacement_entry (equal to "
        "the exit hazard: stable baseline)",
    )
    location_skill_weight: float = Field(
        1.0, ge=-10.0, le=10.0, description="b_s, on ln advanced residents within commuting reach"
    )
    location_market_weight: float = Field(
        0.5, ge=-10.0, le=10.0, description="b_m, on ln market access (residents over network)"
    )
    market_access_decay_per_minute: float = Field(
        0.01, ge=0.0, le=1.0, description="beta_m in exp(-beta_m T) for market access, 1/min"
    )
    location_amenity_weight: float = Field(
        0.005, ge=-10.0, le=10.0, description="b_a, per GBP a week of amenity"
    )
    location_institutions_weight: float = Field(
        0.5, ge=-10.0, le=10.0, description="b_i, per unit of the institutions index"
    )
    location_broadband_weight: float = Field(
        2.0, ge=-10.0, le=10.0, description="b_b, per unit of broadband coverage (share)"
    )
    replacement_entry: bool = Field(
        True,
        description="entrants replace the base jobs of the firms that exit (Geroski 1995: "
        "entry and exit move together); off: Poisson(entry_rate_per_year x live firms) "
        "entrants a month",
    )
    replacement_by_place: bool = Field(
        True,
        description="with replacement_entry: each place gets back the base jobs of its own "
        "exits plus its part of the logit's pull, J (pi_p - s_p), the expected flow of "
        "drawing each entrant's place, without its sampling noise; off: each entrant's "
        "place is drawn from the logit (at small scales a place's jobs then follow a "
        "random walk)",
    )
    calibrate_location: bool = Field(
        True,
        description="add a place constant to the entry logit so that entrants at start go "
        "where the firms are (a steady state; policies move entry from there)",
    )
    knowledge_multiplier_floor: float = Field(
        0.1, gt=0.0, le=1.0,
        description="lowest knowledge productivity multiplier m_p, ratio (ESTIMATE: a bound "
        "that keeps productivity positive when a place loses its knowledge)",
    )
    institutions_productivity_elasticity: float = Field(
        0.05, ge=0.0, le=1.0,
        description="b_I, log productivity per unit of the institutions index (one "
        "standard deviation of regional quality of government) (ESTIMATE; Rodriguez-Pose "
        "and Ganau 2022, Rodriguez-Pose 2013)",
    )


def spillover_access(knowledge: np.ndarray, minutes: np.ndarray, decay: float) -> np.ndarray:
    """Travel-time-discounted knowledge of the *other* places, ``sum_{q != p} K_q e^{-d T_pq}``.

    Args:
        knowledge: (P,) knowledge stocks, GBP million.
        minutes: (P, P) travel times, minutes.
        decay: ``delta_s``, per minute.
    """
    w = np.exp(-decay * minutes)
    np.fill_diagonal(w, 0.0)
    return w @ knowledge


class FirmDynamics(Mechanism):
    """Productivity, target size, exit and entry of firms.

    Attributes:
        demand: (P,) demand multiplier by place (1 at start; policies change it).
        shock: (P,) the business cycle's demand shock by place (1 without a cycle;
            :mod:`sim.mechanisms.cycle` sets it before this mechanism's month).
        multiplier: (P,) knowledge productivity multiplier ``m_p`` now.
        profit: (F,) last month's profit by firm, GBP a month.
        entries, exits: (P,) firm agents that entered / exited this month.
        entered_rows: firm rows that entered this month (the rows that exit are
            ``state.exiting_firms``).
    """

    SECTION = "firm_dynamics"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        f = state.firms
        n_places = state.n_places
        self.demand = np.ones(n_places)
        self.shock = np.ones(n_places)
        self.multiplier = np.ones(n_places)
        self._last_m = self.multiplier.copy()  # multiplier, demand and shock of the last
        self._last_d = self.demand.copy()  # targets
        self._last_c = self.shock.copy()
        # Per-firm state of this mechanism, attached to the firm table (grows with it):
        # the target before knowledge and demand, and this mechanism's part of the target.
        f.attach("base_target", np.float64)[:] = f.target_size
        f.attach("own_target", np.int64)[:] = f.target_size
        f.attach("monthly_profit", np.float64)
        k0 = state.places.knowledge_stock.astype(np.float64).copy()
        self._k0 = k0
        self._eps = max(0.01 * float(k0.mean()), 1e-9)
        self._norm = max(float(k0.sum()), 1e-9)
        self._s0 = self._access(state, k0)
        alive = f.alive
        firms = np.bincount(f.place[alive], minlength=n_places).astype(np.float64)
        jobs = np.bincount(f.place[alive], weights=f.target_size[alive], minlength=n_places)
        overall = float(jobs.sum() / max(firms.sum(), 1.0))
        self._mean_target0 = np.where(firms > 0, jobs / np.maximum(firms, 1.0), overall)
        self._working_age = state.geography.places["working_age"].to_numpy(dtype=np.float64)
        self._gva = state.geography.places["gva_per_hour_gbp"].to_numpy(dtype=np.float64)
        self._firms = f
        self.entries = np.zeros(n_places, dtype=np.int64)
        self.exits = np.zeros(n_places, dtype=np.int64)
        self.entered_rows = np.zeros(0, dtype=np.int64)
        self._firm_share0 = firms / max(firms.sum(), 1.0)
        #: (P,) place constants of the entry logit, set at the first entry (when the other
        #: mechanisms have calibrated the start); zeros without ``calibrate_location``.
        self.location_constant: np.ndarray | None = None
        #: base jobs of the firms that exited and that entrants have not yet replaced
        #: (the national account of ``replacement_by_place`` off)
        self.pending_jobs = 0.0
        #: (P,) the same account by place (``replacement_by_place``, the default): the
        #: base jobs owed to each place and not yet entered
        self.pending_by_place = np.zeros(n_places)
        # Each place's next replacing entrant: base target and uniform (drawn at the first
        # entry by place).
        self._next_base: np.ndarray | None = None
        self._next_u: np.ndarray | None = None

    @property
    def profit(self) -> np.ndarray:
        """(F,) last month's profit by firm, GBP a month."""
        return self._firms.monthly_profit

    # ------------------------------------------------------------------ pieces
    def _access(self, state: MarketState, knowledge: np.ndarray) -> np.ndarray:
        s = spillover_access(
            knowledge, state.travel.minutes, self.params.spillover_decay_per_minute
        )
        return s / self._norm

    def knowledge_multiplier(self, state: MarketState) -> np.ndarray:
        """``m_p`` for the current knowledge stocks, travel times and institutions."""
        p = self.params
        k = state.places.knowledge_stock
        s = self._access(state, k)
        eps_s = self._eps / self._norm
        m = (
            1.0
            + p.own_knowledge_elasticity * np.log((k + self._eps) / (self._k0 + self._eps))
            + p.spillover_elasticity * np.log((s + eps_s) / (self._s0 + eps_s))
        )
        m = np.maximum(m, p.knowledge_multiplier_floor)
        inst = state.places.institutions
        if np.any(inst != 0.0):  # index 0 (the baseline): exactly the knowledge multiplier
            m = m * np.exp(p.institutions_productivity_elasticity * inst)
        return m

    def _own_targets(self, rows: np.ndarray, place: np.ndarray) -> np.ndarray:
        eps = self.params.size_elasticity
        # Times a shock of exactly 1 without the cycle: the same numbers as without it.
        t = (
            self._firms.base_target[rows] * self.multiplier[place] ** eps * self.demand[place]
            * self.shock[place]
        )
        return np.maximum(np.rint(t), 0).astype(np.int64)

    def attractiveness(self, state: MarketState, population: np.ndarray,
                       advanced: np.ndarray) -> np.ndarray:
        """Location logit utility ``V_p`` of each place for an entrant."""
        p = self.params
        ps = state.places
        # The reach of graduates: the advanced layer of the search decay (the one layer
        # when the decay does not differ by skill).
        skilled = advanced @ state.travel.search_layers[-1]
        market = population @ np.exp(-p.market_access_decay_per_minute * state.travel.minutes)
        return (
            p.location_skill_weight * np.log(skilled + 1e-9)
            + p.location_market_weight * np.log(market + 1e-9)
            + p.location_amenity_weight * ps.amenity
            + p.location_institutions_weight * ps.institutions
            + p.location_broadband_weight * ps.broadband_share
        )

    # ------------------------------------------------------------------ month
    def step(self, state: MarketState) -> None:
        """One month: productivity and targets, exits, profits, entry."""
        p = self.params
        f = state.firms
        n_places = state.n_places
        # Stream month: months simulated (the month being simulated + 1).
        rng = state.generator("firm_dynamics", month=state.clock.months_simulated)

        # 1-2. Knowledge -> productivity -> target size (and demand).
        m_new = self.knowledge_multiplier(state)
        ratio = m_new / self.multiplier
        alive = np.flatnonzero(f.alive)
        place = f.place[alive]
        if np.any(ratio != 1.0):
            f.productivity[alive] = (f.productivity[alive] * ratio[place]).astype(np.float32)
        self.multiplier = m_new
        if not (
            np.array_equal(m_new, self._last_m) and np.array_equal(self.demand, self._last_d)
            and np.array_equal(self.shock, self._last_c)
        ):
            new = self._own_targets(alive, place)
            t = f.target_size[alive] + (new - f.own_target[alive])
            f.target_size[alive] = np.maximum(t, 0)
            f.own_target[alive] = new
            self._last_m, self._last_d = m_new.copy(), self.demand.copy()
            self._last_c = self.shock.copy()

        # 3. Exits: sustained losses (counted to last month) or the exogenous hazard.
        hazard = 1.0 - (1.0 - p.exit_hazard_per_year) ** (1.0 / 12.0)
        u = rng.random(len(f))
        exiting = f.alive & ((f.loss_months >= p.exit_after_loss_months) | (u < hazard))
        # Profits: last month's accounts, totalled by the model's aggregation pass (the
        # employed and their wages have not changed since; productivity may have).
        profit = np.zeros(len(f))
        last = state.accounts.firm_profit
        n = min(len(f), last.size)
        profit[:n] = last[:n]
        profit[exiting] = 0.0
        # Their workers are laid off by the model's flows pass, which runs next and
        # brings the exiting firms' employment to zero (one pass over workers fewer).
        rows = np.flatnonzero(exiting)
        if p.replacement_entry and rows.size:
            if p.replacement_by_place:
                self._owe_by_place(state, rows, alive, place)
            else:
                self.pending_jobs += float(f.base_target[rows].sum())
        self.exits = np.bincount(f.place[rows], minlength=n_places).astype(np.int64)
        f.alive[rows] = False
        for col in (f.target_size, f.vacancies, f.loss_months, f.age_months):
            col[rows] = 0
        f.base_target[rows] = 0.0
        f.own_target[rows] = 0
        state.exiting_firms = rows

        # Losses and ageing of the firms that stay.
        f.monthly_profit[:] = profit * (52.0 / 12.0)
        loss = f.alive & (profit < 0.0)
        f.loss_months[:] = np.where(loss, np.minimum(f.loss_months.astype(np.int32) + 1, 32767), 0)
        f.age_months[f.alive] = np.minimum(f.age_months[f.alive].astype(np.int32) + 1, 32767)

        # 4. Entry.
        self.entries = np.zeros(n_places, dtype=np.int64)
        self.entered_rows = np.zeros(0, dtype=np.int64)
        n_new = 0
        if p.replacement_entry and p.replacement_by_place:
            if np.any(self.pending_by_place > 0.0):  # else no place's threshold is reached
                place, base = self._replacements_by_place(
                    rng, state.scenario.economy.firm_size_dispersion)
                n_new = place.size
                self.entries = np.bincount(place, minlength=n_places).astype(np.int64)
                if n_new:
                    self._enter(state, rng, place, base)
        elif p.replacement_entry:
            if self.pending_jobs > 0.0:
                prob = self._location_probabilities(state)
                place, base = self._replacements(
                    rng, prob, state.scenario.economy.firm_size_dispersion)
                n_new = place.size
                self.entries = np.bincount(place, minlength=n_places).astype(np.int64)
                if n_new:
                    self._enter(state, rng, place, base)
        else:
            n_alive = int(np.count_nonzero(f.alive))
            n_new = int(rng.poisson(p.entry_rate_per_year / 12.0 * n_alive))
            if n_new > 0:
                prob = self._location_probabilities(state)
                self.entries = rng.multinomial(n_new, prob).astype(np.int64)
                place = np.repeat(np.arange(n_places), self.entries)
                self._enter(state, rng, place)
        if rows.size or n_new:
            state.firm_index.rebuild(state.firms)

    def _location_probabilities(self, state: MarketState) -> np.ndarray:
        """(P,) probability that an entrant picks each place."""
        p = self.params
        population, advanced = _residents(state)
        v = self.attractiveness(state, population, advanced)
        if self.location_constant is None:
            self.location_constant = np.zeros(state.n_places)
            if p.calibrate_location:
                # delta_p = ln s_p - V_p: at start, entry shares equal firm shares.
                share = np.maximum(self._firm_share0, 1e-12)
                self.location_constant = np.log(share) - (v - v.max())
        v = v + self.location_constant
        prob = np.exp(v - v.max())
        prob /= prob.sum()
        return prob

    def _replacements(self, rng: np.random.Generator, prob: np.ndarray,
                      dispersion: float) -> tuple[np.ndarray, np.ndarray]:
        """Places and base targets of the entrants that replace :attr:`pending_jobs`.

        Entrants are drawn one after another (place by ``prob``, base target as at
        entry) until their base targets cover the pending jobs; the last one may
        overshoot, and the account carries the difference (negative) to later months.
        Whether a draw is taken depends only on the draws before it, so the entrants'
        places and sizes have the distribution of the draws (no bias toward small firms).
        """
        cum = np.cumsum(prob)
        mean_size = float(prob @ self._mean_target0)
        if mean_size <= 0.0:  # entry only where no firm had jobs at start: none can replace
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        places, bases = [], []
        pending = self.pending_jobs
        while pending > 0.0:
            n = max(4, int(np.ceil(2.0 * pending / mean_size)))
            place = np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"),
                               prob.size - 1)
            base = self._base_targets(rng, place, dispersion)
            total = np.cumsum(base)
            k = min(int(np.searchsorted(total, pending)) + 1, n)
            places.append(place[:k])
            bases.append(base[:k])
            pending -= float(total[k - 1])
        self.pending_jobs = pending
        return np.concatenate(places), np.concatenate(bases)

    def _owe_by_place(self, state: MarketState, rows: np.ndarray, alive: np.ndarray,
                      place: np.ndarray) -> None:
        """Add this month's exits to :attr:`pending_by_place`.

        Each place is owed the base jobs ``L_p`` of its own exits plus its part of the
        location logit's pull, ``J (pi_p - s_p)``, with ``J = sum_p L_p`` the jobs to
        replace, ``pi_p`` the logit's probabilities weighted by the places' mean firm
        size at start (the expected share of the replacing jobs that drawing each
        entrant's place would send to ``p``) and ``s_p`` the place's share of the live
        firms' base jobs before the exits. Since exits are on average ``J s_p`` in each
        place, this is the expected flow of the drawn rule; the accounts sum to ``J``.
        """
        f = state.firms
        n_places = state.n_places
        lost = np.bincount(f.place[rows], weights=f.base_target[rows], minlength=n_places)
        jobs = np.bincount(place, weights=f.base_target[alive], minlength=n_places)
        share = jobs / max(float(jobs.sum()), 1e-12)
        prob = self._location_probabilities(state) * self._mean_target0
        total = float(prob.sum())
        pull = prob / total - share if total > 0.0 else np.zeros(n_places)
        self.pending_by_place += lost + float(lost.sum()) * pull

    def _replacements_by_place(self, rng: np.random.Generator,
                               dispersion: float) -> tuple[np.ndarray, np.ndarray]:
        """Places and base targets of the entrants that replace :attr:`pending_by_place`.

        Each place holds its next entrant, drawn in advance: a base target ``b`` (as at
        entry) and a uniform ``u``. The entrant enters when the place's account reaches
        ``u b``; the account then falls by ``b`` and the next entrant is drawn. The
        account is left between ``-(1 - u) b`` and the next ``u' b'``, which average
        zero over time, so a place's jobs follow what it is owed without a bias (entering
        only once an account is covered would leave each place about half an entrant
        above it: 2% more jobs than at the start across the 374 districts at scale
        0.01). Places are taken in order, so the draws do not depend on the threads.
        """
        n_places = self.pending_by_place.size
        if self._next_base is None:
            self._next_base = self._base_targets(rng, np.arange(n_places), dispersion)
            self._next_u = rng.random(n_places)
        places, bases = [], []
        owed = self.pending_by_place
        ready = (owed >= self._next_u * self._next_base) & (self._mean_target0 > 0.0)
        for p in np.flatnonzero(ready):
            one = np.array([p], dtype=np.int64)
            while owed[p] >= self._next_u[p] * self._next_base[p]:
                places.append(p)
                bases.append(self._next_base[p])
                owed[p] -= self._next_base[p]
                self._next_base[p] = self._base_targets(rng, one, dispersion)[0]
                self._next_u[p] = rng.random()
        return np.asarray(places, dtype=np.int64), np.asarray(bases, dtype=np.float64)

    def _base_targets(self, rng: np.random.Generator, place: np.ndarray,
                      dispersion: float) -> np.ndarray:
        """Entrants' base targets: the place's mean firm target at start times a
        lognormal with mean 1 (s.d. of log ``dispersion``)."""
        return self._mean_target0[place] * human_capital(
            rng.standard_normal(place.size), dispersion)

    def _enter(self, state: MarketState, rng: np.random.Generator, place: np.ndarray,
               base: np.ndarray | None = None) -> None:
        """Create new firms in ``place`` (one entry per firm), of base targets ``base``
        (drawn here when not given)."""
        f = state.firms
        econ = state.scenario.economy
        n_new = int(place.size)
        # Rows of firms exiting this month still hold their workers until the flows
        # pass lays them off, so entrants do not reuse them until next month.
        free_mask = ~f.alive
        free_mask[state.exiting_firms] = False
        free = np.flatnonzero(free_mask)
        if free.size < n_new:
            old = len(f)
            f.grow(n_new - free.size + old // 50 + 1)
            free = np.concatenate([free, np.arange(old, len(f))])
        rows = free[:n_new]

        # Sector: UK shares, knowledge-intensive share tilted by knowledge per person.
        kpw = state.places.knowledge_stock / np.maximum(self._working_age, 1.0)
        probs = sector_probabilities(econ.sector_shares, kpw)
        sector = categorical(rng.random(n_new), probs, place)
        skill_demand = categorical(
            rng.random(n_new), np.asarray(econ.skill_demand_by_sector), sector
        )

        sc = state.scenario
        productivity = (
            firm_productivity(
                self._gva[place], sc.wages.hours_per_week,
                np.asarray(econ.sector_productivity)[sector],
                rng.standard_normal(n_new), sc.firms.productivity_dispersion,
            )
            * self.multiplier[place]
        )
        if base is None:
            base = self._base_targets(rng, place, econ.firm_size_dispersion)

        f.place[rows] = place
        f.sector[rows] = sector
        f.skill_demand[rows] = skill_demand
        f.productivity[rows] = productivity
        f.teleworkable[rows] = np.asarray(econ.sector_teleworkable)[sector]
        f.rd_spending[rows] = 0.0
        f.age_months[rows] = 0
        f.loss_months[rows] = 0
        f.employment[rows] = 0
        f.vacancies[rows] = 0
        f.alive[rows] = True
        f.base_target[rows] = base
        own = np.maximum(self._own_targets(rows, place), 1)
        f.own_target[rows] = own
        f.target_size[rows] = own
        f.monthly_profit[rows] = 0.0
        self.entered_rows = rows

    def place_indicators(self, state: MarketState) -> dict[str, np.ndarray]:
        """Firm entries and exits this month, by place (firm agents)."""
        return {
            "firm_agent_entries": self.entries.astype(np.float64),
            "firm_agent_exits": self.exits.astype(np.float64),
        }


def _residents(state: MarketState) -> tuple[np.ndarray, np.ndarray]:
    """Residents and advanced-skill residents by place (agents): last month's counts,
    from the model's aggregation pass (at the start, its starting accounts)."""
    pop = state.accounts.count("population")
    adv = state.accounts.count("skill_advanced")
    return pop.astype(np.float64), adv.astype(np.float64)

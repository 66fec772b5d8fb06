r"""Remote work and participation: broadband, telework, hybrid jobs and constrained people.

Four parts (issue 3, mechanism 6; DESIGN.md brief point 5; issue 9, item 4).

**1. Who can work remotely.** Worker ``i`` with occupation ``o`` (UK SOC 2010
major group) living in place ``p`` is *remote-capable* when both

.. math::

    u^{T}_i < \tau_o \quad\text{and}\quad u^{B}_i < b_p(t)

with :math:`\tau_o` the teleworkable share of the occupation
(``uk/wfh_by_occupation.csv``: Dingel and Neiman 2020, mapped to UK SOC by
judgement, ESTIMATE), :math:`b_p(t)` the place's superfast broadband coverage
this month (``place_state.broadband_share``, share of premises; Ofcom Connected
Nations) and :math:`u^T_i, u^B_i` two uniforms that are *fixed for the worker's
row*: ``uniform(key, 3 i + d)`` with the key of stage ``remote_work_stable``, month 0, ``d`` = 0, 1.
So ``P(remote-capable) = tau_o b_p``, the rule of :mod:`sim.agents.economy`, and a rise
in coverage (a digital-infrastructure rollout) only *adds* remote-capable
workers: those whose broadband draw lies between the old and the new coverage
and whose occupation passes the telework draw. When the mechanism is enabled,
the initial ``remote_capable`` column (drawn by the economy with the model's
generator) is re-derived from these stable draws, and so is ``remote`` for the
employed (a remote-capable worker holds a hybrid job with the probability of part 2
for their employer and commute, third stable draw ``d`` = 2), so that the starting
economy holds the scenario's hybrid share rather than converging to it over years of
job turnover. Each month the mechanism compares
``broadband_share`` with last month's and re-derives ``remote_capable`` only
in the places whose coverage changed: one parallel pass over the worker table,
and only in such months. Row reuse: an entrant who takes the row of a retired
worker inherits the row's uniforms; since these are compared with their own
occupation and place, the correlation between successive occupants of one row
is of no consequence for any aggregate.

**2. Hybrid jobs.** Whether a job is worked hybrid (some days at home, some at the
workplace: the ONS definition) is decided when it is found. Every application of a
remote-capable worker ``i`` living in ``o`` to firm ``j`` in ``d`` is for a hybrid
job with probability :math:`P` (:func:`sim.kernels.matching.hybrid_probability`),

.. math::

    \frac{P}{1 - P} = A \, \frac{\tau_j}{1 - \tau_j} \, e^{\gamma S_{od}},
    \qquad S_{od} = c\,(1 - h)\,T_{od},

and for an on-site job otherwise (a worker who is not remote-capable never works
hybrid). :math:`\tau_j` is the employer's teleworkable share (its sector's,
``economy.sector_teleworkable``), :math:`S_{od}` the commuting cost a hybrid week
saves (GBP a week: ``c`` = ``wages.commute_cost_gbp_per_minute`` per one-way minute,
``h`` = ``wages.hybrid_commute_factor`` the share of days a hybrid worker still
commutes, :math:`T_{od}` the one-way minutes), :math:`\gamma` =
``hybrid_commute_response`` (log-odds per GBP a week) and ``A`` =
``hybrid_adoption_odds``, the *norm*: how readily employers allow hybrid work in jobs
that can be done at home. ``A`` is what differs between the 2019 and the 2024-25
baselines (``scenarios/remote-2019.toml``, ``scenarios/remote-2024.toml``); the
default is the 2019 value (the baseline is a 2019 calibration). The rule is a logit
(random utility: the pair adopts hybrid work when the commuting cost it saves plus an
idiosyncratic logistic term exceeds the cost of allowing it, which falls as the norm
spreads). At ``A`` = 1 and no commute term it is :math:`\tau_j` itself (the starting
economy's rule, and the rule when the mechanism is disabled); while hybrid work is
rare it is close to the product :math:`A\,e^{\gamma S}\,\tau_j / (1 - \tau_j)`.
Unlike a product :math:`\tau_j \times \text{adoption} \times f(T)`, it can approach 1
at every employer with teleworkable jobs: the occupation's teleworkable share
already enters through remote capability (part 1), and with remote-capable workers
about 35% of the employed, a product with :math:`\tau_j` (mean 0.37) could not
exceed 13-20% hybrid, against 28% (plus 13% working only at home) in 2024-25. The
share of hybrid workers therefore differs by qualification (through occupations and
the sectors that hire them), by place (occupations, sectors, broadband and commutes:
London's one-way commute within the region is about twice the other regions') and
over time (``A``).

Sources. Hybrid workers were 28% of working adults in Great Britain in October 2024
and in January to March 2025: 41% of those with a degree or equivalent against 4% of
those with no qualifications, more among managers and professionals and in
industries with little face-to-face contact (ONS, Who are the hybrid workers?,
November 2024; Who has access to hybrid work in Great Britain?, June 2025; Opinions
and Lifestyle Survey). 12.4% of workers worked from home in the reference week of the
2019 Annual Population Survey (ONS, Homeworking in the UK, 2020). The time saved from
commuting is the benefit of home working cited most, about an hour a day (ONS Time
Use Survey 2024: 56 minutes; Barrero, Bloom and Davis 2023, Journal of Economic
Perspectives 37(4)), and workers with longer commutes chose home working more often
when it was offered (Bloom, Liang, Roberts and Ying 2015, QJE 130(1)); the size of
:math:`\gamma` is an ESTIMATE. Adoption rose after 2020: 16% of businesses used or
planned homeworking as a permanent model in autumn 2020 and 23% in spring 2022 (ONS
Business Insights and Conditions Survey), and by 2024-25 almost all who can work from
home do so some of the time (28% hybrid and 13% only at home, against 43.5% of UK jobs
teleworkable: Dingel and Neiman 2020). ``A`` is calibrated to the 2019 and 2024-25
shares (measurements in docs/ODD.md).

Where remote-capable searchers look is separate from how the job is worked: a share
``search.remote_search_share`` of their applications is aimed at teleworkable
vacancies (a firm weighted by :math:`\tau_j`) with the gentler distance decay of a
hybrid commute, :math:`e^{-\beta h T_{od}}`, so they look further afield; such an
application is hybrid with the same probability :math:`P`, and otherwise for an
on-site job valued with the full commute (an employed searcher then rarely applies).
The arrangement is drawn with counter 5 of the application's counters
(:mod:`sim.kernels.matching`), so it does not depend on threads. A hybrid job stays
hybrid until the worker leaves it.

**3. Participation constraint.** A share :math:`c` of working-age people have
a caring or disability constraint: they can work only remotely or in their own
place (:mod:`sim.kernels.matching` restricts their applications to remote
vacancies, a share ``constrained_remote_search_share`` (0.5) of the time when
remote-capable, or to vacancies in their own place, and to hybrid jobs or jobs in
their own place only; a constrained inactive person searches with probability
``constrained_search_share`` a month without becoming unemployed, and a
constrained person leaves employment or unemployment for inactivity
``constrained_exit_multiplier`` times as often as others, or
``remote_exit_multiplier`` times in a remote job or when unemployed and
remote-capable: :mod:`sim.kernels.flows`, which takes these rates from this
section when the mechanism is enabled). Calibration (ESTIMATE): about 23% of working-age
adults are disabled under the Equality Act (DWP, Family Resources Survey
2022/23) but fewer have a condition that limits the kind or place of work;
about 9-10% of working-age people provide unpaid care (Census 2021, England and
Wales), a third of them 20 hours a week or more; the two groups overlap. We set
:math:`c` = 0.09 of the working-age population, ESTIMATE.

The flag is given at construction, by place, *preferentially to the inactive*:
with :math:`N_p` people, :math:`I_p` inactive and :math:`A_p` *eligible* active
people in place ``p`` (unemployed, in training, or employed in a remote job or
a job in their own place, so that nobody starts in a job the constraint
forbids), an inactive person is flagged with probability
:math:`r^I_p = \min(\rho\, r^A_p, 1)` and an eligible active one with

.. math::

    r^A_p = \frac{c N_p}{\rho I_p + A_p},

so that the expected constrained share is ``c`` in every place. ``rho``
(``inactive_relative_risk`` = 4, ESTIMATE) sets how much likelier the
inactive are to be constrained: at the UK inactivity rate of about 21% it
implies about half of the constrained inactive at the start, against
economic inactivity of about 42% among disabled people of working age and
more among those whose condition limits work (DWP, The employment of disabled
people 2023) and lower employment among carers of 20+ hours a week. Nobody's
labour-market status changes, so each place's initial employment rate is
exactly unchanged; only who carries the flag is chosen. Draws:
stage ``remote_work_constraint``, month 0, round 1, counter = row. Entrants
(demography) get the flag with probability ``c`` by :func:`assign_constraint`,
which also sets their ``remote_capable`` from the stable draws.

**4. Productivity of remote work.** A remote (hybrid) job's weekly value added
is :math:`(1 + \pi)` times the on-site one in the bargained wage of the hire
(:mod:`sim.kernels.matching`), :math:`\pi` = ``remote_productivity`` (share),
default 0 because the evidence is mixed in sign and size: +13% for
call-centre workers randomised to home working (Bloom, Liang, Roberts and Ying
2015, QJE); -8% to -19% for IT professionals working from home (Gibbs, Mengel
and Siemroth 2023, JPE Micro); lower productivity of fully remote call-centre
workers partly offset by selection (Emanuel and Harrington 2024, AEJ Applied);
and small positive aggregate effects of hybrid work through saved commuting
time (Barrero, Bloom and Davis 2021, NBER WP 28731; Bloom, Han and Liang 2024,
Nature, hybrid: no effect on performance, lower quits). ``remote_productivity``
applies to every occupation and ``remote_productivity_by_occupation`` adds an
effect by SOC major group; together they enter the wage bargained at hire,
incumbents' going rate (:mod:`sim.kernels.flows`), value added and profits.

Indicators: ``remote_share``, ``remote_capable_share`` and
``constrained_participation_rate`` come from the model's aggregation pass;
``remote_share_basic`` and ``remote_share_advanced`` (the hybrid share of employed
residents with basic and with advanced skills) from the counts this mechanism provides
(:meth:`RemoteWork.place_indicators`), also when it is disabled, since hybrid jobs
exist then too (by the starting economy's rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from numba import njit, prange
from pydantic import BeforeValidator, Field

from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE
from sim.config.section import Section, list_to_tuple
from sim.kernels.bundles import Participation
from sim.kernels.matching import hybrid_probability
from sim.kernels.rng import uniform
from sim.mechanisms.base import Mechanism
from sim.world.resources import telework_by_occupation

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

#: A proportional productivity effect of remote work, share.
_Effect = Annotated[float, Field(ge=-0.5, le=0.5)]

__all__ = [
    "HYBRID_COUNTS",
    "RemoteWorkParams",
    "RemoteWork",
    "assign_constraint",
    "hybrid_job_probability",
    "refresh_remote_capable",
]

#: By-place counts (agents, by place of residence) that :meth:`RemoteWork.place_indicators`
#: provides for the hybrid shares by skill: those in a hybrid job among employed residents
#: with basic skills, employed residents with basic skills, and the same for advanced.
HYBRID_COUNTS = ("remote_basic", "employed_basic", "remote_advanced", "employed_advanced")
_BASIC, _ADVANCED = 0, 2


class RemoteWorkParams(Section):
    """Parameters of ``[remote_work]``."""

    enabled: bool = True  # complete: calibration checked (u 3.3-3.9%, f 12.7-13.6%)
    constrained_share: float = Field(
        0.09, ge=0.0, le=1.0,
        description="working-age people with a caring or disability constraint, share "
        "(ESTIMATE from FRS 2022/23 and Census 2021)",
    )
    inactive_relative_risk: float = Field(
        4.0, ge=1.0, le=100.0,
        description="odds multiplier: probability an inactive person is constrained over "
        "that of an active one at the start, ratio (ESTIMATE)",
    )
    constrained_exit_multiplier: float = Field(
        4.0, ge=1.0, le=20.0,
        description="monthly exit rate to inactivity of constrained employed and unemployed "
        "people over everyone's, ratio (ESTIMATE)",
    )
    remote_exit_multiplier: float = Field(
        1.0, ge=1.0, le=20.0,
        description="the same ratio for a constrained person in a remote job, or unemployed "
        "and remote-capable (ESTIMATE: remote work removes the barrier)",
    )
    constrained_remote_search_share: float = Field(
        0.5, ge=0.0, le=1.0,
        description="applications of a constrained, remote-capable searcher aimed at remote "
        "vacancies (the others go to their own place), share (ESTIMATE)",
    )
    constrained_search_share: float = Field(
        0.04, ge=0.0, le=1.0,
        description="constrained inactive who search for remote or local work, a month "
        "(ESTIMATE)",
    )
    hybrid_adoption_odds: float = Field(
        0.1583, ge=0.0, le=1000.0,
        description="odds multiplier of a hybrid arrangement for a remote-capable worker (at "
        "1 and no commute saved: hybrid with the employer's teleworkable share); the norm, "
        "calibrated to about 12% hybrid in 2019 (this default) and 28% in 2024-25 "
        "(scenarios/remote-2024.toml), ratio",
    )
    hybrid_commute_response: float = Field(
        0.05, ge=0.0, le=1.0,
        description="log-odds of a hybrid arrangement per GBP a week of commuting cost a "
        "hybrid week saves (commute_cost_gbp_per_minute x (1 - hybrid_commute_factor) x "
        "one-way minutes) (ESTIMATE: longer commutes, more home working; Bloom et al. 2015)",
    )
    remote_productivity: float = Field(
        0.0, ge=-0.5, le=0.5,
        description="proportional productivity effect of a remote job, share (evidence mixed)",
    )
    remote_productivity_by_occupation: Annotated[
        tuple[
            _Effect, _Effect, _Effect, _Effect, _Effect, _Effect, _Effect, _Effect, _Effect
        ],
        BeforeValidator(list_to_tuple),
    ] = Field(
        (0.0,) * 9,
        description="added to remote_productivity for SOC major groups 1..9, share "
        "(evidence mixed: Bloom et al. 2015 +13% for call-centre work; Gibbs et al. 2023 "
        "-8 to -19% for IT professionals)",
    )


# ---------------------------------------------------------------------- kernels
@njit(cache=True, parallel=True)
def _refresh_places(key, home, occupation, status, changed, telework, broadband, remote_capable):
    """Re-derive ``remote_capable`` for the workers living in a ``changed`` place."""
    for i in prange(home.shape[0]):
        p = home[i]
        if status[i] == ABSENT or not changed[p]:
            continue
        remote_capable[i] = (uniform(key, 3 * i) < telework[occupation[i]]) and (
            uniform(key, 3 * i + 1) < broadband[p]
        )


@njit(cache=True)
def _refresh_rows(key, rows, home, occupation, telework, broadband, remote_capable):
    for r in range(rows.shape[0]):
        i = rows[r]
        remote_capable[i] = (uniform(key, 3 * i) < telework[occupation[i]]) and (
            uniform(key, 3 * i + 1) < broadband[home[i]]
        )


@njit(cache=True)
def _uniform_rows(key, rows, out):
    for r in range(rows.shape[0]):
        out[r] = uniform(key, rows[r])


@njit(cache=True, parallel=True)
def _derive_hybrid(key, rows, employer, home, firm_place, teleworkable, remote_capable,
                   minutes, adoption_odds, log_odds_per_minute, remote):
    """``remote`` of the employed ``rows``: remote-capable and their third stable draw
    below the hybrid probability of their employer and commute."""
    for r in prange(rows.shape[0]):
        i = rows[r]
        j = employer[i]
        p = hybrid_probability(
            adoption_odds, teleworkable[j], log_odds_per_minute * minutes[home[i], firm_place[j]]
        )
        remote[i] = remote_capable[i] and uniform(key, 3 * i + 2) < p


@njit(cache=True)
def _count_hybrid(home, status, skill, remote, out):
    """Employed residents with basic and advanced skills, and those of them in hybrid
    jobs, by place: the columns of :data:`HYBRID_COUNTS` (``out`` zeroed first)."""
    out[:] = 0
    for i in range(home.shape[0]):
        if status[i] != EMPLOYED:
            continue
        s = skill[i]
        if s == _BASIC:
            c = 0
        elif s == _ADVANCED:
            c = 2
        else:
            continue
        p = home[i]
        out[p, c + 1] += 1
        if remote[i]:
            out[p, c] += 1


# ---------------------------------------------------------------------- helpers
def _stable_key(state: MarketState) -> np.uint64:
    """Key of a worker row's fixed draws (month 0 of the stable stream)."""
    return state.stream_key("remote_work_stable", month=0)


def refresh_remote_capable(state: MarketState, rows: np.ndarray) -> None:
    """Set ``remote_capable`` of ``rows`` from their fixed draws, occupation and home.

    For other mechanisms: call it for workers whose home place or occupation changed
    (migration) or who entered (demography does so through :func:`assign_constraint`).
    Does nothing when the remote-work mechanism is disabled.
    """
    mech = state.mechanism("remote_work")
    if mech is None or not mech.enabled:
        return
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    wk = state.workers
    _refresh_rows(
        _stable_key(state), rows, wk.home, wk.occupation, mech.telework,
        np.ascontiguousarray(state.places.broadband_share, dtype=np.float64),
        wk.remote_capable,
    )


def hybrid_job_probability(
    occupation_teleworkable: np.ndarray | float,
    broadband_share: np.ndarray | float,
    teleworkable: np.ndarray | float,
    minutes: np.ndarray | float,
    *,
    adoption_odds: float,
    commute_response: float,
    commute_cost: float,
    hybrid_commute_factor: float,
) -> np.ndarray:
    """Probability that a worker's application is for a hybrid job (parts 1 and 2).

    ``P(remote-capable) x P(hybrid | remote-capable)``: the occupation's teleworkable
    share times the home's broadband coverage, times
    :func:`~sim.kernels.matching.hybrid_probability` of the employer's teleworkable
    share and the commuting cost a hybrid week saves. Element-wise over broadcast
    arrays: what the model's draws give on average (for documentation and tests).

    Args:
        occupation_teleworkable: the occupation's teleworkable share.
        broadband_share: the home's superfast broadband coverage, share of premises.
        teleworkable: the employer's teleworkable share.
        minutes: one-way commute, minutes.
        adoption_odds: ``hybrid_adoption_odds``, ratio.
        commute_response: ``hybrid_commute_response``, log-odds per GBP a week.
        commute_cost: ``wages.commute_cost_gbp_per_minute``, GBP a week per one-way minute.
        hybrid_commute_factor: ``wages.hybrid_commute_factor``, share of days commuting.
    """
    tau_o, b, tau_j, m = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (
            occupation_teleworkable, broadband_share, teleworkable, minutes))
    )
    per_minute = commute_response * commute_cost * (1.0 - hybrid_commute_factor)
    out = np.empty(tau_o.shape)
    flat = out.reshape(-1)
    for k, (to, bb, tj, mm) in enumerate(zip(tau_o.ravel(), b.ravel(), tau_j.ravel(),
                                             m.ravel(), strict=True)):
        flat[k] = to * bb * hybrid_probability(adoption_odds, tj, per_minute * mm)
    return out


def _uniforms(state: MarketState, rows: np.ndarray, rng_or_key, round_: int) -> np.ndarray:
    if isinstance(rng_or_key, np.random.Generator):
        return rng_or_key.random(rows.size)
    # Entrants' draws: stream month = months simulated (the month being simulated + 1).
    key = (
        state.stream_key("remote_work_constraint", round_,
                         month=state.clock.months_simulated)
        if rng_or_key is None else np.uint64(rng_or_key)
    )
    out = np.empty(rows.size)
    _uniform_rows(key, rows, out)
    return out


def assign_constraint(
    state: MarketState,
    rows: np.ndarray,
    rng_or_key: np.random.Generator | int | np.uint64 | None = None,
) -> None:
    """Give new entrants (``rows``) the participation constraint and their remote capability.

    Each row is constrained with probability ``constrained_share`` (the same for every
    entrant: the extra inactivity of constrained people then comes from the model's
    flows, not from the draw), except an employed entrant whose job is neither remote nor
    in their home place (the constraint forbids it), who is not. Also re-derives
    ``remote_capable`` for the rows (:func:`refresh_remote_capable`). When the mechanism
    is disabled the rows are simply unconstrained.

    Args:
        state: the shared state.
        rows: worker rows of the entrants (their home, occupation and status already set).
        rng_or_key: a NumPy generator, a stream key, or ``None`` for the counter-based
            stream of stage ``remote_work_constraint``, round 0, with the row as
            counter (thread-count independent).
    """
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    wk = state.workers
    mech = state.mechanism("remote_work")
    if mech is None or not mech.enabled or rows.size == 0:
        wk.constrained[rows] = False
        return
    u = _uniforms(state, rows, rng_or_key, 0)
    prob = np.full(rows.size, mech.params.constrained_share)
    emp = wk.status[rows] == EMPLOYED
    if emp.any():
        f = state.firms
        er = rows[emp]
        ok = wk.remote[er] | (f.place[wk.employer[er]] == wk.home[er])
        prob[np.flatnonzero(emp)[~ok]] = 0.0
    wk.constrained[rows] = u < prob
    refresh_remote_capable(state, rows)


# ---------------------------------------------------------------------- mechanism
class RemoteWork(Mechanism):
    """Remote and hybrid jobs, broadband, and the participation of constrained people."""

    SECTION = "remote_work"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        self.telework = telework_by_occupation()
        self._broadband = np.array(state.places.broadband_share, dtype=np.float64)
        self._rules = (
            Participation.from_params(self.params) if self.enabled else Participation.neutral()
        )
        if not self.enabled:
            return
        self._derive_remote(state)
        self.rates = self._assign_initial(state)

    def kernel_params(self) -> Participation:
        """This mechanism's parameters for the flows, matching and aggregation kernels
        (:class:`~sim.kernels.bundles.Participation`; neutral when disabled)."""
        return self._rules

    # -------------------------------------------------------------- construction
    def _derive_remote(self, state: MarketState) -> None:
        """Re-derive ``remote_capable`` (all rows) and ``remote`` (employed) from stable draws."""
        wk, f = state.workers, state.firms
        n_places = state.n_places
        key = _stable_key(state)
        _refresh_places(
            key, wk.home, wk.occupation, wk.status, np.ones(n_places, dtype=np.bool_),
            self.telework, self._broadband, wk.remote_capable,
        )
        emp = np.flatnonzero(wk.status == EMPLOYED).astype(np.int64)
        wk.remote[:] = False
        rules, w = self._rules, state.scenario.wages
        _derive_hybrid(
            key, emp, wk.employer, wk.home, f.place, f.teleworkable, wk.remote_capable,
            np.ascontiguousarray(state.travel.minutes, dtype=np.float64),
            rules.hybrid_adoption_odds,
            rules.hybrid_commute_response * w.commute_cost_gbp_per_minute
            * (1.0 - w.hybrid_commute_factor),
            wk.remote,
        )

    def _assign_initial(self, state: MarketState) -> np.ndarray:
        """Flag the constrained, preferentially among the inactive; returns (P, 2) rates."""
        wk, f = state.workers, state.firms
        n_places = state.n_places
        c, rho = self.params.constrained_share, self.params.inactive_relative_risk
        present = wk.status != ABSENT
        inactive = wk.status == INACTIVE
        employed = wk.status == EMPLOYED
        job_ok = np.zeros(len(wk), dtype=np.bool_)
        emp = np.flatnonzero(employed)
        job_ok[emp] = wk.remote[emp] | (f.place[wk.employer[emp]] == wk.home[emp])
        eligible_active = present & ~inactive & (~employed | job_ok)
        n_all = np.bincount(wk.home[present], minlength=n_places).astype(float)
        n_i = np.bincount(wk.home[inactive], minlength=n_places).astype(float)
        n_a = np.bincount(wk.home[eligible_active], minlength=n_places).astype(float)
        den = rho * n_i + n_a
        r_a = np.divide(c * n_all, den, out=np.zeros(n_places), where=den > 0)
        r_i = np.minimum(rho * r_a, 1.0)
        # If the inactive are all flagged, the active take the rest of the share.
        short = c * n_all - r_i * n_i
        r_a = np.minimum(np.divide(short, n_a, out=np.zeros(n_places), where=n_a > 0), 1.0)
        prob = np.where(inactive, r_i[wk.home], np.where(eligible_active, r_a[wk.home], 0.0))
        rows = np.arange(len(wk), dtype=np.int64)
        u = _uniforms(state, rows, state.stream_key("remote_work_constraint", 1, month=0), 1)
        wk.constrained[:] = present & (u < prob)
        return np.stack([r_i, r_a], axis=1)

    # -------------------------------------------------------------- monthly
    def place_indicators(self, state: MarketState) -> dict[str, np.ndarray]:
        """This month's :data:`HYBRID_COUNTS` by place of residence (agents), for the
        hybrid shares by skill (enabled or not: hybrid jobs exist either way)."""
        wk = state.workers
        out = np.zeros((state.n_places, len(HYBRID_COUNTS)), dtype=np.int64)
        _count_hybrid(wk.home, wk.status, wk.skill, wk.remote, out)
        return {name: out[:, k] for k, name in enumerate(HYBRID_COUNTS)}

    def step(self, state: MarketState) -> None:
        """Remote capability where broadband changed (the constrained's higher exit
        rates are applied by the model's flows pass)."""
        wk = state.workers
        bb = np.asarray(state.places.broadband_share, dtype=np.float64)
        changed = bb != self._broadband
        if not changed.any():
            return
        _refresh_places(
            _stable_key(state), wk.home, wk.occupation, wk.status, changed,
            self.telework, np.ascontiguousarray(bb), wk.remote_capable,
        )
        self._broadband = bb.copy()

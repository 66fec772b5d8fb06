r"""Remote work and participation: broadband, telework and constrained people.

Three parts (issue 3, mechanism 6; DESIGN.md brief point 5).

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
employed (a remote-capable worker holds a hybrid job with probability
:math:`\tau_j`, the employer's teleworkable share, third stable draw ``d`` = 2),
which keeps the economy's expected shares. Each month the mechanism compares
``broadband_share`` with last month's and re-derives ``remote_capable`` only
in the places whose coverage changed: one parallel pass over the worker table,
and only in such months. Row reuse: an entrant who takes the row of a retired
worker inherits the row's uniforms; since these are compared with their own
occupation and place, the correlation between successive occupants of one row
is of no consequence for any aggregate.

**2. Participation constraint.** A share :math:`c` of working-age people have
a caring or disability constraint: they can work only remotely or in their own
place (:mod:`sim.kernels.matching` restricts their applications to remote
vacancies, a share ``constrained_remote_search_share`` (0.5) of the time when
remote-capable, or to vacancies in their own
place; a constrained inactive person searches with probability
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

**3. Productivity of remote work.** A remote (hybrid) job's weekly value added
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
``constrained_participation_rate`` come from the model's aggregation pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from numba import njit, prange
from pydantic import BeforeValidator, Field

from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE
from sim.config.section import Section, list_to_tuple
from sim.kernels.bundles import Participation
from sim.kernels.rng import uniform
from sim.mechanisms.base import Mechanism
from sim.world.resources import telework_by_occupation

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

#: A proportional productivity effect of remote work, share.
_Effect = Annotated[float, Field(ge=-0.5, le=0.5)]

__all__ = [
    "RemoteWorkParams",
    "RemoteWork",
    "assign_constraint",
    "refresh_remote_capable",
]


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


@njit(cache=True)
def _hybrid_rows(key, rows, out):
    for r in range(rows.shape[0]):
        out[r] = uniform(key, 3 * rows[r] + 2)


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
        emp = np.flatnonzero(wk.status == EMPLOYED)
        u = np.empty(emp.size)
        _hybrid_rows(key, emp.astype(np.int64), u)
        wk.remote[:] = False
        wk.remote[emp] = wk.remote_capable[emp] & (u < f.teleworkable[wk.employer[emp]])

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

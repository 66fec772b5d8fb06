r"""Net Zero programme: green-infrastructure jobs bought by budget in the target places.

Public money for retrofit, heat pumps, flood defences and local networks (the Social
Housing Decarbonisation Fund, the Public Sector Decarbonisation Scheme, the Green Homes
Grant) is spent through local construction firms: labour-intensive, local demand. The
lever runs :mod:`sim.mechanisms.green`'s programme with a budget: each month its
allowance buys programme jobs at the construction and green-infrastructure firms
(sector 1) of the target places, who post them as vacancies and hire through the usual
search and matching; the jobs they fill build the place's green stock and, later, its
amenity (see the mechanism).

**Parameters**

==========================  ==========  ==================================================
key                         unit        meaning
==========================  ==========  ==================================================
``cost_per_job_year_gbp``   GBP a year  public cost of one programme job for a year:
                                        labour, materials and overheads (ESTIMATE 50,000;
                                        see below)
==========================  ==========  ==================================================

**Effect.** In spending month ``m``, place ``p`` (allowance ``a_p``, GBP) can afford

.. math:: X_p(m) = \Bigl\lfloor \frac{12\, a_p}{c\, \pi_p} \Bigr\rfloor

programme jobs, in agents (``c`` the cost per job-year, ``pi_p`` people per agent). The
lever sets ``X_p`` as the place's programme size (:attr:`Green.programme_size
<sim.mechanisms.green.Green.programme_size>`) and opens the programme for its months
(:attr:`~sim.mechanisms.green.Green.start`, :attr:`~sim.mechanisms.green.Green.end`);
the green stage, later in the month, shares ``X_p`` among the place's live sector-1
firms and adds it to their targets. The mechanism's base employment ``E_p``, frozen at a
place's first programme month and never reset, is neither set nor read for the places
the lever sizes, so a second programme in a place (a later policy) starts from its own
budget, not from an old base. When the budget is spent, or the months are over, the
size returns to zero and the green stage takes the programme jobs off the targets (the
workers hired stay until the usual separations).

**Cost.** The lever pays for programme jobs *in post*: at the start of month ``m`` the
programme jobs filled at place ``p`` are, summed over its firms with programme jobs
(``x_j`` of them, target ``N*_j``, employment ``n_j``),
``J_p = sum_j min(x_j, max(n_j - (N*_j - x_j), 0))`` (the mechanism's own count), and
the month costs

.. math:: s_p(m) = \min\bigl(J_p, X_p(m)\bigr)\, \pi_p\, \frac{c}{12}
          \;\le\; a_p .

Vacancies not yet filled cost nothing: so the first month of a programme costs nothing
(its jobs are posted, not yet filled), and what a month leaves unspent carries over to
the next (:mod:`sim.policies.levers.base`), which then affords a larger programme. At
coarse scales ``X_p`` is rounded down to whole agents (2,000 people each at
``scale = 0.0005``): a place's allowance below ``c pi_p / 12`` a month buys nothing
until the carry-over reaches it.

**Cost per job-year** (ESTIMATE 50,000 GBP, 2019 prices): a construction worker's pay
with employer's costs (ONS ASHE 2019, median full-time pay in construction about GBP
32,000 a year; about GBP 40,000 with National Insurance and pension) plus materials,
equipment and the contractor's overheads. Government announcements implied less per
"job supported" (the GBP 1 bn Public Sector Decarbonisation Scheme "up to 30,000 jobs",
BEIS 2020; the Green Homes Grant, about GBP 20,000 a job as announced), but count jobs
over a scheme's life; the NAO found the Green Homes Grant voucher scheme delivered far
fewer (NAO 2021, "Green Homes Grant Voucher Scheme"). Sensitivity: 30,000-80,000.

**Supported units:** the sector-1 firms of the target places that have held programme
jobs (:meth:`NetZero.supported_firms`), not whole places.

**Requires** ``[green] enabled = true``, and refuses target places where the scenario's
own ``[green]`` programme (``programme_jobs_share > 0``) also runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.policies.levers.base import Lever, LeverParams

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState
    from sim.mechanisms.green import Green

__all__ = ["NetZero", "NetZeroParams"]


class NetZeroParams(LeverParams):
    """``lever = "net_zero"``: green-infrastructure programme jobs bought by budget."""

    lever: Literal["net_zero"]
    REQUIRES: ClassVar[str] = "green"
    cost_per_job_year_gbp: float = Field(
        50_000.0, ge=1_000.0, le=1e7,
        description="public cost of one programme job for a year, GBP a year "
        "(ESTIMATE: construction pay and on-costs plus materials and overheads)",
    )


class NetZero(Lever):
    """A Net Zero programme with a budget (see the module docstring).

    Attributes:
        size: (P,) programme jobs wanted this month, agents.
        paid_jobs: (P,) programme jobs paid for this month (in post), agents.
    """

    place_wide = False

    def __init__(self, params: NetZeroParams, state: MarketState, places: np.ndarray,
                 key: str) -> None:
        super().__init__(params, state, places, key)
        green = state.mechanism("green")  # enabled: Scenario checks REQUIRES
        own = state.scenario.green
        if own.programme_jobs_share > 0:
            codes = np.asarray([str(c) for c in state.geography.places.index])
            theirs = (np.isin(codes, list(own.programme_places)) if own.programme_places
                      else np.ones(codes.size, dtype=bool))
            if (theirs & self.places).any():
                raise ValueError(
                    f"{key}: lever 'net_zero' targets places where the scenario's own [green] "
                    "programme runs (green.programme_jobs_share > 0): one place cannot run two "
                    "programmes at once; set the share to 0 or choose other places"
                )
        self._green: Green = green
        self._since_col = f"{key}_programme_since"
        state.firms.attach(self._since_col, np.int64)
        self.size = np.zeros(state.n_places)
        self.paid_jobs = np.zeros(state.n_places)
        self._opened = False

    def _filled(self, state: MarketState) -> np.ndarray:
        """(P,) programme jobs in post at the target places' firms, agents."""
        f = state.firms
        added = f.programme_jobs
        rows = np.flatnonzero((added > 0) & f.alive & self.places[f.place])
        filled = np.clip(
            f.employment[rows].astype(np.int64) - (f.target_size[rows] - added[rows]),
            0, added[rows],
        )
        return np.bincount(f.place[rows], weights=filled, minlength=state.n_places)

    def _mark_supported(self, state: MarketState, month: int) -> None:
        f = state.firms
        since = getattr(f, self._since_col)
        since[state.exiting_firms] = 0  # rows freed last month (perhaps reused)
        since[~f.alive] = 0
        new = (f.programme_jobs > 0) & f.alive & self.places[f.place] & (since == 0)
        since[new] = month

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        green = self._green
        p: NetZeroParams = self.params
        self._mark_supported(state, month)
        if not p.active_in(month) and not self._opened:
            return
        ppa = state.people_per_agent
        c = p.cost_per_job_year_gbp
        size = np.floor(12.0 * allowance / (c * ppa) + 1e-9)
        size[~self.places] = 0.0
        if not self._opened:
            green.start[self.places] = p.start_month - 1
            green.end[self.places] = p.start_month + p.months - 1
            self._opened = True
        paid = np.minimum(self._filled(state), size)
        self.paid_jobs = paid
        self.spend = paid * ppa * c / 12.0
        self.size = size
        if p.active_in(month):
            green.programme_size[self.places] = size[self.places]
        else:  # months over: the programme closes, the places return to the mechanism
            green.programme_size[self.places] = np.nan
            self._opened = False

    def supported_firms(self, state: MarketState) -> np.ndarray:
        f = state.firms
        since = getattr(f, self._since_col)
        now = (f.programme_jobs > 0) & self.places[f.place]
        return ((since > 0) | now) & f.alive

r"""Business grants: subsidies to firms for new jobs in the target places.

The classic comparator of place-based policy (the Regional Growth Fund, 2011-2017;
Regional Selective Assistance before it): a firm in a target place is paid a grant for
each new job it creates and keeps.

**Parameters**

=======================  ==========  =======================================================
key                      unit        meaning
=======================  ==========  =======================================================
``grant_per_job_gbp``    GBP         grant paid per new job, at the award (ESTIMATE: the
                                     Regional Growth Fund's awards ran at about GBP 10,000 to
                                     40,000 per job promised; NAO 2014, "Progress report on
                                     the Regional Growth Fund")
``retention_months``     months      how long a funded job stays on the firm's target after
                                     its award (the grant's condition to keep the job; 36)
=======================  ==========  =======================================================

**Effect.** In a spending month, place ``p`` funds

.. math:: n_p = \Bigl\lfloor \frac{a_p}{g\,\pi_p} \Bigr\rfloor

jobs, in agents (``a_p`` the allowance, GBP; ``g`` the grant per job; ``pi_p`` people per
agent), shared among the place's live firms in proportion to their target size (rounded
so the shares add up to ``n_p``). Each funded job is added to the firm's target (the
attached column ``grant_jobs``), so the firm posts a vacancy and hires through the usual
search and matching: who fills it, and whether the hire leaves a job elsewhere, is the
model's answer, not an assumption. After ``retention_months`` the job leaves the target;
the worker stays until the usual separations (the model has no forced downsizing).

**Cost.** ``g pi_p n_p`` GBP, paid at the award. What a net additional job costs is for
the comparison to measure (deadweight, displacement: :mod:`sim.comparison`).

**Supported units:** the firms that received a grant (:meth:`BusinessGrants.supported_firms`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from sim.mechanisms.green import round_within_groups
from sim.policies.levers.base import Lever, LeverParams

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["BusinessGrants", "BusinessGrantsParams"]


class BusinessGrantsParams(LeverParams):
    """``lever = "business_grants"``: grants to firms per new job."""

    lever: Literal["business_grants"]
    grant_per_job_gbp: float = Field(
        10_000.0, gt=0.0, le=1e7, description="grant per new job, GBP (2019 prices)"
    )
    retention_months: int = Field(
        36, ge=1, le=1200, description="months a funded job stays on the firm's target"
    )


class BusinessGrants(Lever):
    """Grants per new job to the firms of the target places (see the module docstring)."""

    place_wide = False

    def __init__(self, params: BusinessGrantsParams, state: MarketState,
                 places: np.ndarray, key: str) -> None:
        super().__init__(params, state, places, key)
        f = state.firms
        col = f"{key}_grant_jobs"
        f.attach(col, np.int64)
        f.attach(col + "_since", np.int64)
        self._jobs_col, self._since_col = col, col + "_since"
        # Awards still on targets: (month of award, rows, jobs) in award order.
        self._tranches: list[tuple[int, np.ndarray, np.ndarray]] = []

    def _cols(self, state: MarketState) -> tuple[np.ndarray, np.ndarray]:
        f = state.firms
        return getattr(f, self._jobs_col), getattr(f, self._since_col)

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        f = state.firms
        jobs, since = self._cols(state)
        gone = ~f.alive
        jobs[gone] = 0
        since[gone] = 0
        # Awards whose retention is over leave the targets (if the firm is still the one).
        keep = []
        for when, rows, n in self._tranches:
            if month < when + self.params.retention_months:
                keep.append((when, rows, n))
                continue
            same = (since[rows] > 0) & (since[rows] <= when)
            r, k = rows[same], np.minimum(n[same], jobs[rows[same]])
            jobs[r] -= k
            f.target_size[r] = np.maximum(f.target_size[r].astype(np.int64) - k, 0)
        self._tranches = keep
        if not allowance.any():
            return
        g = self.params.grant_per_job_gbp
        ppa = state.people_per_agent
        funded = np.floor(allowance / (g * ppa) + 1e-9)
        if not funded.any():
            return
        rows = np.flatnonzero(f.alive & self.places[f.place] & (funded[f.place] > 0))
        if rows.size == 0:
            return
        place = f.place[rows]
        order = np.argsort(place, kind="stable")
        rows, place = rows[order], place[order]
        weight = np.maximum(f.target_size[rows], 1).astype(float)
        total = np.bincount(place, weights=weight, minlength=state.n_places)
        award = round_within_groups(funded[place] * weight / total[place], place)
        got = award > 0
        rows, award = rows[got], award[got].astype(np.int64)
        if rows.size == 0:
            return
        jobs[rows] += award
        since[rows] = np.where(since[rows] > 0, since[rows], month)
        f.target_size[rows] = f.target_size[rows] + award
        self._tranches.append((month, rows, award))
        awarded = np.bincount(f.place[rows], weights=award, minlength=state.n_places)
        self.spend = awarded * ppa * g

    def supported_firms(self, state: MarketState) -> np.ndarray:
        _, since = self._cols(state)
        return (since > 0) & state.firms.alive

r"""Green economy: a green-infrastructure programme and its lasting amenity (issue 3, item 7).

Firms of sector 1 (``"construction and green infrastructure"``,
:data:`sim.agents.firms.SECTOR_NAMES`) build and retrofit: insulation, heat pumps,
flood defences, active travel, networks. Such work is labour intensive and
local, so a Net Zero programme acts first as extra **demand for labour** in
the places it funds, and later, through what it leaves behind (warmer homes,
cleaner air, greener streets), as **amenity** that makes those places more
attractive to live and to locate in (DESIGN.md, brief question 3).

**Programme.** While the programme runs in place ``p`` (recorded months
``start_p < m <= start_p + months_p``; burn-in months are never programme
months), the sector-1 firms of ``p`` want

.. math:: X_p = \mathrm{round}(s_p \, E_p)

extra jobs between them, with :math:`s_p` = ``programme_jobs_share`` and
:math:`E_p` the employment at the place's firms in the programme's first
month (fixed, so the programme does not feed on itself). :math:`X_p` is shared
among the place's live sector-1 firms in proportion to their own targets
(rounded so that the shares add up to :math:`X_p`) and *added* to their
``target_size``; so they post more vacancies, and hire. The mechanism changes
targets by the change of its own term each month, and removes it when the
programme ends (workers hired stay until the usual separations: the model has
no forced downsizing). A place without live sector-1 firms gets no programme
jobs. Per-place arrays :attr:`Green.jobs_share`, :attr:`Green.start` and
:attr:`Green.end` can be changed by policies (places, budget, months). A policy that
buys programme jobs by budget (:mod:`sim.policies.levers.net_zero`) sets
:math:`X_p` directly instead, in agents, through :attr:`Green.programme_size`
(NaN, the default, everywhere: :math:`X_p = \mathrm{round}(s_p E_p)`); a place so
sized neither sets nor reads :math:`E_p`, which is frozen at a place's first
programme month and never reset.

**Green stock and amenity.** Programme jobs filled,
:math:`J_p = \sum_j \min(x_j, \max(n_j - (N^*_j - x_j), 0))` (employment above
the firm's target without the programme, at most its programme jobs
:math:`x_j`), build a green-infrastructure stock (an index: job-months per
worker employed in the place)

.. math:: G_p(t+1) = \Bigl(1 - \frac{d}{12}\Bigr) G_p(t) + \frac{J_p(t)}{E_p(t)}

with a slow depreciation ``d`` = 2% a year (ESTIMATE: retrofits and green
infrastructure last decades; a 50-year service life), and amenity (GBP a week)
moves with it:
``amenity_p += amenity_per_green_stock x (G_p(t+1) - G_p(t))``. At the
default 40 GBP a week per unit, a programme employing 1% of a place's workers
for two years leaves about GBP 10 a week of amenity (ESTIMATE, the order of the
energy-bill and health co-benefits of retrofit programmes: CCC 2020, Sixth
Carbon Budget, ch. 3; Marmot Review Team 2011, "The health impacts of cold
homes and fuel poverty"), fading with the stock. ``place_state.green_stock``
and ``place_state.amenity`` hold the stock and the amenity.

With no programme (the default share 0) nothing changes: targets, the stock
and amenity stay exactly as with the mechanism disabled, and no random number
is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import BeforeValidator, Field

from sim.config.section import Section, list_to_tuple
from sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["GreenParams", "Green", "GREEN_SECTOR", "round_within_groups"]

#: Sector index of construction and green infrastructure (:data:`sim.agents.firms.SECTOR_NAMES`).
GREEN_SECTOR = 1


class GreenParams(Section):
    """Parameters of ``[green]``."""

    enabled: bool = True
    programme_jobs_share: float = Field(
        0.0, ge=0.0, le=0.5,
        description="extra green-infrastructure target jobs while the programme runs, "
        "share of the place's employment",
    )
    programme_places: Annotated[tuple[str, ...], BeforeValidator(list_to_tuple)] = Field(
        (), description="place codes of the programme (empty: every place)"
    )
    programme_start_month: int = Field(
        0, ge=0, le=2400, description="recorded months before the programme starts, months"
    )
    programme_months: int = Field(24, ge=0, le=2400, description="programme length, months")
    green_stock_depreciation_per_year: float = Field(
        0.02, ge=0.0, le=1.0, description="d, depreciation of the green stock, share a year"
    )
    amenity_per_green_stock: float = Field(
        40.0, ge=0.0, le=10_000.0,
        description="amenity per unit of green stock, GBP a week (ESTIMATE)",
    )



class Green(Mechanism):
    """Green-infrastructure demand and its lasting amenity.

    Attributes:
        jobs_share: (P,) programme jobs as a share of employment, by place.
        start, end: (P,) the programme runs in recorded months ``start < m <= end``.
        programme_jobs: (P,) programme jobs filled this month (agents).
        programme_size: (P,) programme jobs wanted, agents, where a policy sizes the
            programme by budget (NaN: ``round(jobs_share x E_p)``, the default).
    """

    SECTION = "green"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        p = self.params
        codes = [str(c) for c in state.geography.places.index]
        n_places = len(codes)
        chosen = np.ones(n_places, dtype=bool)
        if p.programme_places:
            unknown = sorted(set(p.programme_places) - set(codes))
            if unknown:
                raise ValueError(f"green.programme_places: unknown place codes {unknown}")
            chosen = np.isin(codes, list(p.programme_places))
        self.jobs_share = np.where(chosen, p.programme_jobs_share, 0.0)
        self.start = np.full(n_places, p.programme_start_month, dtype=np.int64)
        self.end = self.start + p.programme_months
        self.programme_jobs = np.zeros(n_places)
        self.programme_size = np.full(n_places, np.nan)
        self._base_jobs = np.full(n_places, np.nan)
        # Programme jobs on each firm's target (attached: grows with the firm table).
        self._firms = state.firms
        state.firms.attach("programme_jobs", np.int64)
        self._has_added = False  # any programme jobs on firms' targets

    @property
    def _added(self) -> np.ndarray:
        return self._firms.programme_jobs

    def step(self, state: MarketState) -> None:
        """One month: programme targets, programme jobs filled, green stock and amenity."""
        f = state.firms
        n_places = state.n_places
        month = state.clock.recorded_month  # recorded month, from 1
        sized = ~np.isnan(self.programme_size)  # places a policy sizes in jobs
        wanted = (self.jobs_share > 0) | (sized & (np.nan_to_num(self.programme_size) > 0))
        active = (month > self.start) & (month <= self.end) & wanted & (month > 0)
        if not active.any() and not self._has_added:
            # No programme running and no programme jobs left on firms' targets: only
            # the green stock depreciates (skips two passes over the firms).
            self.programme_jobs = np.zeros(n_places)
            self._depreciate(state, np.zeros(n_places))
            return
        # Rows of firms that exit this month were freed (perhaps reused by an entrant).
        self._added[state.exiting_firms] = 0
        self._added[~f.alive] = 0

        jobs_at = np.bincount(f.place[f.alive], weights=f.employment[f.alive],
                              minlength=n_places)
        new = np.zeros(len(f), dtype=np.int64)
        if np.any(active):
            first = active & np.isnan(self._base_jobs) & ~sized
            self._base_jobs[first] = jobs_at[first]
            green = np.flatnonzero(f.alive & (f.sector == GREEN_SECTOR) & active[f.place])
            if green.size:
                place = f.place[green]
                order = np.argsort(place, kind="stable")
                green, place = green[order], place[order]
                weight = np.maximum(f.target_size[green] - self._added[green], 1).astype(float)
                extra = np.where(
                    sized, np.rint(np.nan_to_num(self.programme_size)),
                    np.rint(self.jobs_share * np.nan_to_num(self._base_jobs)),
                )
                total_w = np.bincount(place, weights=weight, minlength=n_places)
                share = extra[place] * weight / total_w[place]
                new[green] = round_within_groups(share, place)
        changed = np.flatnonzero(new != self._added)
        if changed.size:
            t = f.target_size[changed].astype(np.int64) + new[changed] - self._added[changed]
            f.target_size[changed] = np.maximum(t, 0)
            self._added[:] = new
        self._has_added = bool(self._added.any())

        # Programme jobs filled: employment above the firm's target without the programme.
        rows = np.flatnonzero(self._added > 0)
        filled = np.clip(
            f.employment[rows].astype(np.int64) - (f.target_size[rows] - self._added[rows]),
            0, self._added[rows],
        )
        self.programme_jobs = np.bincount(f.place[rows], weights=filled, minlength=n_places)
        self._depreciate(state, np.divide(
            self.programme_jobs, jobs_at, out=np.zeros(n_places), where=jobs_at > 0
        ))

    def _depreciate(self, state: MarketState, added_share: np.ndarray) -> None:
        """Green stock: depreciation plus this month's programme jobs (share of jobs);
        amenity follows the change."""
        ps = state.places
        d = self.params.green_stock_depreciation_per_year
        old = ps.green_stock.copy()
        ps.green_stock *= 1.0 - d / 12.0
        ps.green_stock += added_share
        ps.amenity += self.params.amenity_per_green_stock * (ps.green_stock - old)


def round_within_groups(share: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Round ``share`` to integers so that each group's total is its rounded sum.

    ``group`` must be sorted. Cumulative rounding: element ``k`` gets
    ``rint(c_k) - rint(c_{k-1})`` with ``c`` the running sum within its group.
    """
    n = share.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.r_[True, group[1:] != group[:-1]]
    cum = np.cumsum(share)
    head = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    within = cum - (cum - share)[head]
    r = np.rint(within)
    prev = np.r_[0.0, r[:-1]]
    prev[first] = 0.0
    return (r - prev).astype(np.int64)

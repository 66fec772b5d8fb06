"""The policy stage: every lever of the scenario, each recorded month, with its spend.

:class:`Policies` is the mechanism of the scenario's ``[[policy]]`` tables (section
``policy``). It runs first in the month (:data:`sim.core.model.MONTH`), so the
mechanisms that read a lever's hook (training's funding, the places' broadband, the
firms' targets, the travel times, ...) see it the same month. It acts only in recorded
months: the burn-in, during which firm entry and migration calibrate their constants,
is the same with and without policies, so a policy run and its baseline are identical
until the first policy month (common random numbers do the rest).

It provides the indicator ``policy_spend`` (GBP a month, by place; summed nationally)
and, for the comparison's additionality account (:mod:`sim.comparison`), the places and
firms the levers support: :meth:`Policies.target_places`,
:meth:`Policies.supported_places` and :meth:`Policies.supported_firms`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms.base import Mechanism
from sim.policies.levers import LEVERS, Lever
from sim.policies.spec import check_policies

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["Policies"]


class Policies(Mechanism):
    """The scenario's levers (enabled when it has any).

    Attributes:
        levers: one :class:`~sim.policies.levers.base.Lever` per ``[[policy]]`` table.
        spend: (P,) GBP spent this month by all levers, by place.
    """

    SECTION = "policy"

    def __init__(self, state: MarketState) -> None:
        self.params = tuple(state.scenario.policy)
        self.enabled = bool(self.params)
        masks = check_policies(self.params, state.geography)
        self.levers: list[Lever] = [
            LEVERS[p.lever][1](p, state, mask, f"policy{i}")
            for i, (p, mask) in enumerate(zip(self.params, masks, strict=True))
        ]
        self.spend = np.zeros(state.n_places)

    def step(self, state: MarketState) -> None:
        """One month: each lever in order of the scenario (recorded months only)."""
        month = state.clock.recorded_month
        self.spend = np.zeros(state.n_places)
        if month <= 0:
            return
        for lever in self.levers:
            lever.month(state, month)
            self.spend += lever.spend

    def place_indicators(self, state: MarketState) -> dict[str, np.ndarray]:
        return {"policy_spend": self.spend}

    # ------------------------------------------------------------ supported units
    def first_month(self) -> int | None:
        """The first recorded month any lever spends (None without levers)."""
        return min((p.start_month for p in self.params), default=None)

    def target_places(self) -> np.ndarray:
        """(P,) bool: places any lever targets."""
        out = np.zeros(self.spend.shape[0], dtype=bool)
        for lever in self.levers:
            out |= lever.places
        return out

    def supported_places(self) -> np.ndarray:
        """(P,) bool: places all of whose firms count as supported (place-wide levers)."""
        out = np.zeros(self.spend.shape[0], dtype=bool)
        for lever in self.levers:
            if lever.place_wide:
                out |= lever.places
        return out

    def supported_firms(self, state: MarketState) -> np.ndarray:
        """(F,) bool: firm rows a lever has supported so far (firm-level levers), plus
        the firms of :meth:`supported_places`."""
        f = state.firms
        out = self.supported_places()[f.place] & f.alive
        for lever in self.levers:
            rows = lever.supported_firms(state)
            if rows is not None:
                out[: rows.size] |= rows
        return out

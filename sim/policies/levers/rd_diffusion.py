r"""R&D diffusion: public R&D added to (or moved into) the target places.

Public R&D in the UK is concentrated in London, the South East and the East of England
(the "golden triangle": 50% of public R&D in the place data, FYE 2021). The Levelling Up
White Paper (2022, Mission 2) committed to raise domestic public R&D outside the Greater
South East by at least a third over the Spending Review period and by at least 40% by 2030.
The lever adds public R&D to its target places, ``places.rd_public_gbp_m`` (GBP million a
year), for as long as it spends; :mod:`sim.mechanisms.knowledge` accumulates it into the place's
knowledge stock (``K <- (1 - delta/12) K + (R&D business + public)/12``, half-life about
4.6 years), which raises the productivity and targets of the place's firms and tilts its
entrants toward knowledge sectors (:mod:`sim.mechanisms.firm_dynamics`). The stock
outlasts the spending and decays slowly.

**Parameters**

==================  ==========  ============================================================
key                 unit        meaning
==================  ==========  ============================================================
``mode``            --          ``"add"``: new public money; ``"relocate"``: the same amount
                                taken from the ``relocate_from`` places (a move of
                                institutes or grants)
``relocate_from``   places      where relocated R&D comes from (a target: codes, names, an
                                ITL1 region or a group); only with ``mode = "relocate"``,
                                and disjoint from ``target``
==================  ==========  ============================================================

**Effect.** In a spending month the target place ``p`` with allowance ``a_p`` (GBP a
month) has its annual public R&D raised by

.. math:: \Delta R_p = \frac{12\, a_p}{10^6} \text{ GBP million a year},

so the knowledge stage adds ``a_p / 10^6`` GBP million to the stock that month; the
spend is ``s_p = a_p`` (every pound reaches the stock). When the budget is spent or the
months are over the rate returns to its level without the lever.

**Relocation.** With ``mode = "relocate"`` the donor places' public R&D falls by the
same total that month, shared in proportion to their public R&D at the start of the
run, and never below zero: if the donors hold less than the month's allowance, only
what they hold is moved and spent. The budget then measures the amount moved, and the
spend recorded (by recipient place) is that gross amount, so a relocation stops when
its budget has been moved. Its *net* cost to the Exchequer is zero: read cost per job
of a relocation as per GBP moved, not per GBP of new money. The donors' loss is
recorded in :attr:`RdDiffusion.moved_out` (GBP this month, by place), not in
``policy_spend``.

**Supported units:** every firm of the target places (place-wide).

**Requires** ``[knowledge] enabled = true`` (otherwise the stock is frozen and the lever
would be inert).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.policies.levers.base import Lever, LeverParams, Target
from sim.policies.targets import resolve_target

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["RdDiffusion", "RdDiffusionParams"]


class RdDiffusionParams(LeverParams):
    """``lever = "rd_diffusion"``: public R&D added to, or moved into, the targets."""

    lever: Literal["rd_diffusion"]
    REQUIRES: ClassVar[str] = "knowledge"
    mode: Literal["add", "relocate"] = Field(
        "add", description="add new public R&D, or relocate it from relocate_from"
    )
    relocate_from: Target | None = Field(
        None, description="places public R&D is moved from (mode = 'relocate' only)"
    )

    @model_validator(mode="after")
    def _donors(self) -> RdDiffusionParams:
        if self.mode == "relocate" and self.relocate_from is None:
            raise ValueError("mode = 'relocate' needs relocate_from (the donor places)")
        if self.mode == "add" and self.relocate_from is not None:
            raise ValueError("relocate_from is only for mode = 'relocate'")
        return self


class RdDiffusion(Lever):
    """Public R&D by place with a budget (see the module docstring).

    Attributes:
        added: (P,) GBP million a year the lever adds (negative at donors) this month.
        moved_out: (P,) GBP taken from each donor place this month (relocation only).
    """

    place_wide = True

    def __init__(self, params: RdDiffusionParams, state: MarketState, places: np.ndarray,
                 key: str) -> None:
        super().__init__(params, state, places, key)
        n = state.n_places
        self.donors = np.zeros(n, dtype=bool)
        self._donor_weights = np.zeros(n)
        if params.mode == "relocate":
            try:
                self.donors = resolve_target(params.relocate_from, state.geography)
            except ValueError as exc:
                raise ValueError(f"{key}.relocate_from: {exc}") from None
            if (self.donors & self.places).any():
                raise ValueError(
                    f"{key}.relocate_from: names target places too; donors and recipients "
                    "must be disjoint"
                )
            held = np.where(self.donors, state.places.rd_public_gbp_m, 0.0)
            if held.sum() <= 0:
                raise ValueError(f"{key}.relocate_from: the donor places have no public R&D")
            self._donor_weights = held / held.sum()
        self.added = np.zeros(n)
        self.moved_out = np.zeros(n)

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        rd = state.places.rd_public_gbp_m
        n = state.n_places
        gbp = np.where(self.places, allowance, 0.0)  # GBP this month, by recipient
        out = np.zeros(n)
        if self.donors.any() and gbp.sum() > 0:
            # What the donors hold this month, without this lever's own change (GBP a month).
            held = np.maximum(rd - self.added, 0.0) * 1e6 / 12.0
            want = gbp.sum() * self._donor_weights
            out = np.minimum(want, np.where(self.donors, held, 0.0))
            gbp *= out.sum() / gbp.sum()
        new = (gbp - out) * 12.0 / 1e6
        if new.any() or self.added.any():
            rd += new - self.added
            np.maximum(rd, 0.0, out=rd)
            self.added = new
        self.moved_out = out
        self.spend = gbp

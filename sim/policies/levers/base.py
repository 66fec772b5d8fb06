r"""What every lever shares: its common parameters, its budget and its monthly spend.

**Common parameters** (:class:`LeverParams`; every lever's table has them):

===============  ==========  ==============================================================
key              unit        meaning
===============  ==========  ==============================================================
``lever``        name        which lever (:data:`sim.policies.levers.LEVERS`)
``name``         text        label in the outputs (default: the lever's name)
``target``       places      codes, names, an ITL1 region or a group
                             (:mod:`sim.policies.targets`)
``start_month``  month       first recorded month the lever spends (from 1)
``months``       months      how many months it spends over
``budget_gbp``   GBP         total budget, 2019 prices
``profile``      shares      ``"flat"`` (default), or the budget's share for each spending
                             month (``months`` non-negative shares adding up to 1: a
                             capital scheme's S-curve, a programme that ramps up)
===============  ==========  ==============================================================

**Budget and spend.** The budget is spent on its monthly profile ``b(m)`` (``1 / M``
each month when flat): in recorded month ``m`` with ``start <= m < start + months`` the
lever may spend its *allowance*

.. math:: A_p(m) = w_p\, B\, b(m) + C_p(m), \qquad C_p(m + 1) = A_p(m) - s_p(m)

by target place ``p`` (``B`` the budget, ``M`` the months, ``w_p`` the place's share of
the targets' working-age population, :attr:`Lever.weights`; ``s_p`` spent this month and
``C_p`` what earlier months left unspent there: a place whose unit of spending, one
agent's job or course, costs more than a month's share saves up for it), and never
more in all than the budget left, ``B - S(m)``. The lever turns its allowance into
its effect through its cost model (grants per job, cost per learner, per premise, ...)
and reports what it spent, by place (GBP, :attr:`Lever.spend`); it never spends more
than its allowance, so it stops when its budget is spent. Effects may outlast the
spending (a road stays built, knowledge depreciates slowly).

**Supported units** (for the additionality account of :mod:`sim.comparison`): a lever
either supports named firms (:meth:`Lever.supported_firms`, rows of the firm table:
grants, programme contracts) or, when it acts on places (broadband, transport, skills,
institutions), every firm in its target places (:attr:`Lever.place_wide`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

import numpy as np
from pydantic import BeforeValidator, Field, field_validator, model_validator

from sim.config.section import Section, list_to_tuple, rule_error

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState
    from sim.world.geography import Geography

__all__ = ["Lever", "LeverParams", "Target"]

#: A target: one string or a list of strings.
Target = str | Annotated[tuple[str, ...], BeforeValidator(list_to_tuple)]


class LeverParams(Section):
    """The keys every lever's table has (see the module docstring)."""

    #: The scenario section of the mechanism the lever acts through, which must be
    #: enabled (checked with the scenario: :class:`~sim.config.scenario.Scenario`);
    #: "" when the lever needs none.
    REQUIRES: ClassVar[str] = ""

    lever: str
    name: str = Field("", max_length=80, description="label in the outputs")
    target: Target = Field(description="place codes or names, an ITL1 region, or a group")
    start_month: int = Field(1, ge=1, le=100_000, description="first recorded month, from 1")
    months: int = Field(36, ge=1, le=1200, description="months the lever spends over")
    budget_gbp: float = Field(gt=0.0, le=1e12, description="total budget, GBP (2019 prices)")
    profile: Literal["flat"] | tuple[float, ...] = Field(
        "flat",
        description="monthly spending profile: \"flat\" (the budget in equal parts), or the "
        "share of the budget for each spending month (one per month, adding up to 1)",
    )

    @field_validator("profile", mode="before")
    @classmethod
    def _profile_values(cls, value: object) -> object:
        if isinstance(value, str):
            if value != "flat":
                raise ValueError('must be "flat" or a list of shares, one a spending month')
            return value
        if not isinstance(value, (list, tuple)):
            raise ValueError('must be "flat" or a list of shares, one a spending month')
        shares = []
        for x in value:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not (
                    0.0 <= float(x) <= 1.0):
                raise ValueError(f"each share must be a number >= 0 and <= 1, got {x!r}")
            shares.append(float(x))
        return tuple(shares)

    @model_validator(mode="after")
    def _profile_fits(self) -> LeverParams:
        if isinstance(self.profile, tuple):
            if len(self.profile) != self.months:
                raise rule_error("profile", list(self.profile),
                                 f"must have one share per spending month ({self.months})")
            if abs(sum(self.profile) - 1.0) > 1e-6:
                raise rule_error("profile", list(self.profile),
                                 f"shares must add up to 1 (they add up to "
                                 f"{sum(self.profile):.6g})")
        return self

    def month_share(self, month: int) -> float:
        """The budget's share for recorded ``month`` (0 outside the spending months)."""
        if not self.active_in(month):
            return 0.0
        if self.profile == "flat":
            return 1.0 / self.months
        return float(self.profile[month - self.start_month])

    @property
    def label(self) -> str:
        """The name shown in outputs."""
        return self.name or self.lever

    def active_in(self, month: int) -> bool:
        """Whether ``month`` (recorded, from 1) lies in the spending months."""
        return self.start_month <= month < self.start_month + self.months

    def contradicts(self, other: LeverParams, mine: np.ndarray, theirs: np.ndarray) -> bool:
        """Whether ``other`` (with target places ``theirs``; ``mine`` this lever's) cannot
        run beside this lever: by default, the same lever in a common place with common
        spending months (one place cannot run two programmes of one kind at once)."""
        if other.lever != self.lever or not (mine & theirs).any():
            return False
        end, other_end = self.start_month + self.months, other.start_month + other.months
        return self.start_month < other_end and other.start_month < end

    def geography_problem(self, geography: Geography) -> tuple[str, object, str] | None:
        """What in the lever's own keys this geography cannot run, as ``(key, value,
        reason)`` (None: nothing). The common target is checked by
        :func:`sim.policies.spec.check_policies`, which calls this after it."""
        return None


class Lever:
    """One lever in a run: its target places, budget and spend.

    Args:
        params: the lever's validated table.
        state: the model's shared state.
        places: (P,) bool, the target places.
        key: a name unique in the run (``policy0``, ``policy1``, ...) for the columns the
            lever attaches to the agent tables.

    Attributes:
        params: as given.
        places: (P,) bool target places.
        weights: (P,) share of each month's allowance by place (working-age population
            within the targets; sums to 1).
        spend: (P,) GBP spent this month, by place.
        spent: GBP spent so far (all places).
    """

    #: Whether the lever supports every firm of its target places (else named firms).
    place_wide: ClassVar[bool] = True

    def __init__(self, params: LeverParams, state: MarketState, places: np.ndarray,
                 key: str) -> None:
        self.params = params
        self.key = key
        self.places = np.asarray(places, dtype=bool)
        pop = state.geography.places["working_age"].to_numpy(dtype=float)
        w = np.where(self.places, pop, 0.0)
        self.weights = w / w.sum()
        self.spend = np.zeros(state.n_places)
        self.spent = 0.0
        self._carry = np.zeros(state.n_places)

    # -------------------------------------------------------------- budget
    @property
    def budget_left(self) -> float:
        """GBP not yet spent."""
        return max(self.params.budget_gbp - self.spent, 0.0)

    def allowance(self, month: int) -> np.ndarray:
        """GBP the lever may spend in recorded ``month``, by place (0 outside its months)."""
        p = self.params
        if not p.active_in(month):
            return np.zeros_like(self.weights)
        a = self.weights * (p.budget_gbp * p.month_share(month)) + self._carry
        total = float(a.sum())
        left = self.budget_left
        return a * (left / total) if total > left else a

    def month(self, state: MarketState, month: int) -> None:
        """One recorded month: the allowance, the effect, and what was spent."""
        allowance = self.allowance(month)
        self.spend = np.zeros(state.n_places)
        self.act(state, month, allowance)
        if np.any(self.spend > allowance * (1.0 + 1e-9) + 1e-6):
            raise AssertionError(
                f"lever {self.params.label!r} spent more than its allowance in month {month}"
            )
        self.spent += float(self.spend.sum())
        if self.params.active_in(month):
            self._carry = allowance - self.spend

    # -------------------------------------------------------------- to override
    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        """The lever's effect this month, given its allowance by place (GBP; zeros outside
        its spending months, when a lasting effect may still run). Sets :attr:`spend`
        (GBP by place, at most the allowance)."""

    def supported_firms(self, state: MarketState) -> np.ndarray | None:
        """(F,) bool, firm rows the lever has supported so far (None: :attr:`place_wide`)."""
        return None

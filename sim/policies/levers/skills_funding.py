r"""Skills funding: more funded course places for adults in the target places.

Public money for adult courses (the Adult Education Budget, Skills Bootcamps, the
National Skills Fund) lets more people start a course than would otherwise. The lever
acts through :mod:`sim.mechanisms.training`: the monthly probability that a resident
with basic or intermediate skills starts a course, ``r_status x F_p``, has its
skills-funding multiplier ``F_p`` (:attr:`Training.funding
<sim.mechanisms.training.Training.funding>`, 1 at baseline) raised in the target places
while the lever spends. Who starts, completes and moves up a skill level, and whether the
new skills find jobs, is the model's answer (courses take 12 or 24 months, so most of the
effect on skills comes after the first year).

**Parameters**

=========================  ==========  ====================================================
key                        unit        meaning
=========================  ==========  ====================================================
``funding_multiplier``     ratio       ``F``, the entry-rate multiplier in the target places
                                       while funded (> 1; the training kernel saturates at
                                       5 times the scenario's rates)
``cost_per_learner_gbp``   GBP         public cost of one funded course start (ESTIMATE
                                       4,000: Skills Bootcamps cost about GBP 3,000-4,000 a
                                       learner, DfE 2022 evaluation; an Adult Education
                                       Budget Level 3 course a few thousand a year)
``skill_levels``           levels      which courses are funded: ``"basic"`` (for people
                                       with basic skills, to intermediate),
                                       ``"intermediate"`` (to advanced), or both (default)
``employer_linked_share``  share       optional: the share of completed courses run with
                                       local employers in the target places while the
                                       lever runs and for the longest course after it
                                       (the scenario's ``employer_linked_share`` when
                                       unset); a completer of such a course is hired more
                                       readily by the place's firms
                                       (``training.employer_link_bonus``)
=========================  ==========  ====================================================

**Cost model.** The funded starts are the *extra* starts the multiplier causes: with
``S_p`` the starts place ``p`` would have at the multiplier ``F``, ``S_p (1 - 1/F)``.
The lever computes their expected number when it acts, at the start of the month, from
the residents eligible then (of a funded skill level, not on a course; ``r_s`` the
entry rate of their status, ``pi_p`` people per agent):

.. math:: B_p = \sum_{k \in K} f_{pk} \sum_{i \in p,\ \text{skill}_i = k} r_{s(i)}, \qquad
          \text{funded}_p = B_p\,(F_p - 1)\,\pi_p \text{ people}, \qquad
          s_p = \text{funded}_p\, c \;\le\; a_p,

(``K`` the funded skill levels, ``f_pk`` the scenario's funding), with the month's
multiplier reduced, where the allowance ``a_p`` does not stretch to the full ``F``, to
what it affords:

.. math:: F_p = \min\Bigl(F,\; \frac{5}{\max_{k \in K} f_{pk}},\;
          1 + \frac{a_p}{B_p\, \pi_p\, c}\Bigr).

The spend is thus for course places funded (an allocation to providers for the expected
extra starts), not for the starts drawn that month, which differ by chance and by the
month's flows (people who lose their job before the training step start at the
unemployed rate); the realised extra starts, ``entries x (1 - 1/F_p)``, are kept in
:attr:`SkillsFunding.realised_funded` (people, last month). When the budget is spent or
the months are over, ``F_p`` returns to the scenario's value.

**Employer-linked courses.** The training kernel draws the employer link when a course
is completed (12-24 months after its start), with the completer's home place's share
(:attr:`Training.linked_share <sim.mechanisms.training.Training.linked_share>`). The lever
sets that share in the target places from its first month until the longest course
started in its last month has ended, so the funded learners complete under it; in that
window it applies to every completer of those places, funded or not (an APPROXIMATION:
the kernel keeps no flag of who was funded). It costs nothing extra.

**Supported units:** every firm of the target places (place-wide: trained residents are
hired anywhere they search).

**Requires** ``[training] enabled = true``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator

from sim.agents.workers import INACTIVE
from sim.kernels.training import FUNDING_CAP
from sim.policies.levers.base import Lever, LeverParams

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState
    from sim.mechanisms.training import Training

__all__ = ["SkillsFunding", "SkillsFundingParams"]


class SkillsFundingParams(LeverParams):
    """``lever = "skills_funding"``: more funded course starts in the target places."""

    lever: Literal["skills_funding"]
    REQUIRES: ClassVar[str] = "training"
    funding_multiplier: float = Field(
        2.0, gt=1.0, le=FUNDING_CAP,
        description="F, the course-entry rate multiplier in the target places while funded, "
        "ratio",
    )
    cost_per_learner_gbp: float = Field(
        4_000.0, ge=100.0, le=1e6,
        description="public cost of one funded course start, GBP (ESTIMATE: Skills Bootcamps "
        "about 3,000-4,000)",
    )
    skill_levels: tuple[Literal["basic", "intermediate"], ...] = Field(
        ("basic", "intermediate"), min_length=1, max_length=2,
        description="courses funded: for people with basic skills, intermediate, or both",
    )
    employer_linked_share: float | None = Field(
        None, ge=0.0, le=1.0,
        description="share of completed courses run with local employers in the target "
        "places while funded (unset: the scenario's), share",
    )

    @field_validator("skill_levels", mode="before")
    @classmethod
    def _levels(cls, value: object) -> object:
        value = tuple(value) if isinstance(value, list) else value
        if isinstance(value, tuple) and len(set(value)) != len(value):
            raise ValueError("each skill level at most once")
        return value


class SkillsFunding(Lever):
    """Skills funding with a budget (see the module docstring).

    Attributes:
        multiplier: (P,) ``F_p`` this month (1 outside the targets and the months).
        funded: (P,) expected extra course starts bought this month, people.
        realised_funded: (P,) last month's starts times ``1 - 1/F_p``, people.
    """

    place_wide = True

    def __init__(self, params: SkillsFundingParams, state: MarketState, places: np.ndarray,
                 key: str) -> None:
        super().__init__(params, state, places, key)
        training = state.mechanism("training")  # enabled: Scenario checks REQUIRES
        self._training: Training = training
        self._base = training.funding.copy()  # (P, 2)
        self._levels = np.array([lv in params.skill_levels
                                 for lv in ("basic", "intermediate")])
        self._linked_base = training.linked_share.copy()
        self._linked_until = 0  # last recorded month of the employer-linked share
        duration = int(max(state.scenario.training.duration_months))
        if params.employer_linked_share is not None:
            self._linked_until = params.start_month + params.months - 1 + duration
        t = state.scenario.training
        self._rates = np.array(
            [t.entry_rate_employed, t.entry_rate_unemployed, t.entry_rate_inactive, 0.0, 0.0]
        )
        n = state.n_places
        self.multiplier = np.ones(n)
        self.funded = np.zeros(n)
        self.realised_funded = np.zeros(n)
        self._acting = False

    def _base_starts(self, state: MarketState) -> np.ndarray:
        """(P,) expected course starts of the funded skill levels at the scenario's
        funding this month, agents."""
        w = state.workers
        out = np.zeros(state.n_places)
        for level in np.flatnonzero(self._levels):
            eligible = (w.training_left == 0) & (w.status <= INACTIVE) & (w.skill == level)
            rate = self._rates[w.status[eligible]]
            out += self._base[:, level] * np.bincount(w.home[eligible], weights=rate,
                                                      minlength=state.n_places)
        return out

    def _link(self, month: int) -> None:
        """The employer-linked share in the target places for this month."""
        share = self.params.employer_linked_share
        if share is None:
            return
        t = self._training
        on = self.params.start_month <= month <= self._linked_until
        t.linked_share[self.places] = share if on else self._linked_base[self.places]

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        training = self._training
        self._link(month)
        if self._acting:  # last month's starts: the realised funded share
            self.realised_funded = (training.entries * (1.0 - 1.0 / self.multiplier)
                                    * state.people_per_agent)
        n = state.n_places
        buying = self.places & (allowance > 0)
        if not buying.any():
            if self._acting:  # budget spent or months over: the scenario's funding again
                training.funding[self.places] = self._base[self.places]
                self.multiplier = np.ones(n)
                self.funded = np.zeros(n)
                self._acting = False
            return
        p: SkillsFundingParams = self.params
        ppa = state.people_per_agent
        c = p.cost_per_learner_gbp
        base = self._base_starts(state)
        per_unit = base * ppa * c  # GBP for raising F by one
        afford = np.divide(allowance, per_unit, out=np.zeros(n), where=per_unit > 0)
        top = self._base[:, self._levels].max(axis=1)
        cap = np.divide(FUNDING_CAP, top, out=np.ones(n), where=top > 0)
        f = np.minimum(np.minimum(p.funding_multiplier, cap), 1.0 + afford)
        f = np.where(buying & (per_unit > 0), np.maximum(f, 1.0), 1.0)
        self.multiplier = f
        self.funded = base * (f - 1.0) * ppa
        self.spend = np.minimum(self.funded * c, allowance)
        funded = self.places[:, None] & self._levels[None, :]
        training.funding[:] = np.where(funded, self._base * f[:, None], self._base)
        self._acting = True

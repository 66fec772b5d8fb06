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
``employer_linked``        --          not available (see below): must be left unset
=========================  ==========  ====================================================

**Cost model.** The funded starts are the *extra* starts the multiplier causes: with
``S_p`` the starts place ``p`` would have at the multiplier ``F``, ``S_p (1 - 1/F)``.
The lever computes their expected number when it acts, at the start of the month, from
the residents eligible then (skill 0 or 1, not on a course; ``r_s`` the entry rate of
their status, ``f_p`` the scenario's funding, ``pi_p`` people per agent):

.. math:: B_p = f_p \sum_{i \in p} r_{s(i)}, \qquad
          \text{funded}_p = B_p\,(F_p - 1)\,\pi_p \text{ people}, \qquad
          s_p = \text{funded}_p\, c \;\le\; a_p,

with the month's multiplier reduced, where the allowance ``a_p`` does not stretch to
the full ``F``, to what it affords:

.. math:: F_p = \min\Bigl(F,\; \frac{5}{f_p},\; 1 + \frac{a_p}{B_p\, \pi_p\, c}\Bigr).

The spend is thus for course places funded (an allocation to providers for the expected
extra starts), not for the starts drawn that month, which differ by chance and by the
month's flows (people who lose their job before the training step start at the
unemployed rate); the realised extra starts, ``entries x (1 - 1/F_p)``, are kept in
:attr:`SkillsFunding.realised_funded` (people, last month). When the budget is spent or
the months are over, ``F_p`` returns to the scenario's value.

**Not modelled (gaps of the training kernel):**

* *By skill level.* The funding multiplier is one number a place
  (``TrainingArgs.funding`` is (P,)): basic and intermediate courses are funded alike.
* *Employer-linked courses.* The kernel's ``linked_share`` is one scalar for the country,
  drawn at completion (12-24 months after the start) for every completer: setting it for
  a run would change untreated places and untreated learners too, and the baseline's
  completers. A per-place, per-learner link needs a worker flag set at entry in the
  kernel; ``employer_linked`` is therefore refused unless left unset.

**Supported units:** every firm of the target places (place-wide: trained residents are
hired anywhere they search).

**Requires** ``[training] enabled = true``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

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
    employer_linked: bool | None = Field(
        None, description="not available: the training kernel's employer link is national"
    )

    @field_validator("employer_linked")
    @classmethod
    def _no_link(cls, value: bool | None) -> bool | None:
        if value is not None:
            raise ValueError(
                "not available: the training kernel's employer-linked share is one national "
                "value drawn at completion, so it cannot be set for the target places or the "
                "funded learners; leave employer_linked unset"
            )
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
        training = state.mechanism("training")
        if training is None or not state.scenario.training.enabled:
            raise ValueError(
                f"{key}: lever 'skills_funding' needs the training mechanism: set "
                "[training] enabled = true"
            )
        self._training: Training = training
        self._base = training.funding.copy()
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
        """(P,) expected course starts at the scenario's funding this month, agents."""
        w = state.workers
        eligible = (w.training_left == 0) & (w.status <= INACTIVE) & (w.skill < 2)
        home = w.home[eligible]
        rate = self._rates[w.status[eligible]]
        return self._base * np.bincount(home, weights=rate, minlength=state.n_places)

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        training = self._training
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
        cap = np.divide(FUNDING_CAP, self._base, out=np.ones(n), where=self._base > 0)
        f = np.minimum(np.minimum(p.funding_multiplier, cap), 1.0 + afford)
        f = np.where(buying & (per_unit > 0), np.maximum(f, 1.0), 1.0)
        self.multiplier = f
        self.funded = base * (f - 1.0) * ppa
        self.spend = np.minimum(self.funded * c, allowance)
        training.funding[self.places] = self._base[self.places] * f[self.places]
        self._acting = True

r"""Skills and training: entry into courses, duration, completion, skill upgrade.

Each month, after separations and before vacancies and matching
(:mod:`sim.kernels.training`; the model runs it chunk by chunk inside the flows
pass, :func:`sim.kernels.flows.monthly_flows`, while the rows are in cache, with
the same result as a pass of its own after the flows):

* **Entry.** A worker below the advanced level (skill 0 or 1) who is not already on
  a course starts one with monthly probability ``r_status x F_p``: ``r_U`` for the
  unemployed, ``r_I`` for the inactive and ``r_E`` for the employed (employer-funded,
  part-time), times ``F_p``, the skills-funding multiplier of the home place
  (``skills_funding``, 1 at baseline; :attr:`Training.funding` holds it by place for
  a policy to raise, up to :data:`sim.kernels.training.FUNDING_CAP` = 5, beyond which
  entry saturates). The unemployed and inactive become *in training* (status 3):
  they do not search and are never hired (the flows kernel leaves status 3 alone and
  the matching kernel sees only searchers). The employed stay *employed* and keep
  their job while they train part-time (``training_left > 0`` with status 0); if they
  lose the job the course continues.
* **Duration.** ``duration_months`` = (12, 24): a Level 3 course for a worker with
  basic skills, a Level 4-6 (higher technical or degree-level) course for a worker
  with intermediate skills. ``training_left`` counts down by one a month.
* **Completion.** When the countdown reaches 0 the course is completed with
  probability ``completion_rate``: skill rises by exactly one level and human capital
  within level moves halfway (in logs) back to the level's mean of 1,
  ``h' = sqrt(h)`` (a new qualification resets the within-level position only
  partly: ESTIMATE). A share ``employer_linked_share`` of completed courses were run
  with local employers: the worker's ``trained_with`` becomes their home place, and
  firms in that place add ``employer_link_bonus`` to the worker's score when ranking
  applicants (:func:`sim.kernels.matching.draw_applications`), a hiring edge.
  Full-time trainees, completers or not, return to unemployment and search that
  month; a non-completer keeps their skill.

**The start** (``start_in_courses``, on by default). Off, no one is on a course when the
model starts, so for the first course lengths (12 and 24 months) completions are missing
that a steady state would have: the working-age stock falls behind its steady mix by about
``lambda_s d_s`` of each level (the graduate share by about 0.3 points in the regional
baseline over the burn-in), and the people present at the start carry that deficit until
they retire, about 49 years (docs/validation.md, "Stationarity"). On, each person at level
``s < 2`` with status ``x`` (employed, unemployed, inactive) is on a course with the
renewal process's steady-state probability

.. math:: \pi_{s,x} = \frac{p_x d_s}{1 + p_x d_s}, \qquad p_x = r_x F,

with ``d_s`` months still to go drawn uniformly from 1 to ``d_s``; the unemployed and
inactive on a course are *in training* (status 3), the employed keep their job. The draws
come from a generator of their own (``training`` stage, month 0), so the rest of the start
is unchanged.

Rates are ESTIMATES from the scale of English further-education and apprenticeship
participation (DfE, "Further education and skills" statistics 2018/19: about 1.1
million government-funded adult learners on Level 2+ courses and 390,000
apprenticeship starts a year, against 33 million working-age adults and 30 million
employed): ``r_E`` = 0.001 a month (1.2% of the employed start an
employer-funded course a year, the apprenticeship-start rate); ``r_U`` = 0.01 a
month (claimants are referred to training at several times the average rate; DWP
Sector-based Work Academies and Adult Education Budget participation of the
unemployed); ``r_I`` = 0.002 a month. Completion: DfE qualification achievement
rates, about 65% for apprenticeships and 85% for education and training; we use
0.65 for substantive courses (ESTIMATE). Employer-linked share 0.3 (ESTIMATE: the
share of adult Level 3+ provision co-designed with employers, e.g. Local Skills
Improvement Plans and T-level/apprenticeship routes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import BeforeValidator, Field

from sim.agents.workers import EMPLOYED, INACTIVE, TRAINING
from sim.config.section import Section, list_to_tuple
from sim.kernels.bundles import EmployerLink, TrainingArgs, make, worker_columns
from sim.kernels.training import training_month
from sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["TrainingParams", "Training"]

#: Rows drawn at a time when the start puts people on courses.
_START_CHUNK = 1 << 20


#: A course length, months (``training_left`` is a 16-bit counter; 50 years is plenty).
_Months = Annotated[int, Field(ge=1, le=600)]


class TrainingParams(Section):
    """Parameters of ``[training]``."""

    enabled: bool = True
    employer_link_bonus: float = Field(
        0.5, ge=0.0, le=100.0,
        description="score a firm adds for an applicant trained with local employers",
    )
    entry_rate_unemployed: float = Field(
        0.01, ge=0.0, le=1.0,
        description="monthly probability an unemployed worker starts a course, share "
        "(ESTIMATE; DfE FE and skills statistics)",
    )
    entry_rate_inactive: float = Field(
        0.002, ge=0.0, le=1.0,
        description="monthly probability an inactive person starts a course, share (ESTIMATE)",
    )
    entry_rate_employed: float = Field(
        0.001, ge=0.0, le=1.0,
        description="monthly probability an employed worker starts an employer-funded "
        "course, share (ESTIMATE; apprenticeship starts)",
    )
    skills_funding: float = Field(
        1.0, ge=0.0, le=5.0,
        description="multiplier of the entry rates in every place (policies set it by place)",
    )
    duration_months: Annotated[tuple[_Months, _Months], BeforeValidator(list_to_tuple)] = Field(
        (12, 24),
        description="course length for basic -> intermediate and intermediate -> advanced, "
        "months",
    )
    completion_rate: float = Field(
        0.65, ge=0.0, le=1.0,
        description="probability a course is completed, share (DfE achievement rates)",
    )
    employer_linked_share: float = Field(
        0.3, ge=0.0, le=1.0,
        description="share of completed courses run with local employers, share (ESTIMATE)",
    )
    start_in_courses: bool = Field(
        True,
        description="at the start, people below the advanced level are part-way through "
        "courses in the steady-state share of their status (false: no one is on a course "
        "at the start, so the first course lengths pass without completions)",
    )


class Training(Mechanism):
    """Entry into training, completion and skill upgrade.

    Attributes:
        funding: (P, 2) skills-funding multiplier by home place and skill level (basic,
            intermediate); a policy may raise it.
        linked_share: (P,) share of completed courses run with local employers, by home
            place (``employer_linked_share`` everywhere; a policy may raise it).
        entries, completions: this month's course starts and completions by home place
            (agents).
    """

    SECTION = "training"
    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        p: TrainingParams = self.params
        n_places = state.n_places
        self.funding = np.full((n_places, 2), p.skills_funding, dtype=np.float64)
        self.linked_share = np.full(n_places, p.employer_linked_share, dtype=np.float64)
        self.entries = np.zeros(n_places, dtype=np.int64)
        self.completions = np.zeros(n_places, dtype=np.int64)
        self._rates = np.array(
            [p.entry_rate_employed, p.entry_rate_unemployed, p.entry_rate_inactive]
        )
        self._duration = np.asarray(p.duration_months, dtype=np.int16)
        if np.any(self._duration < 1):
            raise ValueError("training.duration_months must be at least 1 month")
        #: People put part-way through a course at the start (``start_in_courses``), and
        #: (P,) those of them who were inactive, by home place: the model counts them as
        #: inactive in the share its burn-in holds (the data's inactive share, which
        #: includes people in education).
        self.started_in_courses = 0
        self.started_inactive = np.zeros(n_places, dtype=np.int64)
        if self.enabled and p.start_in_courses:
            self.started_in_courses = self._start_in_courses(state)

    def _start_in_courses(self, state: MarketState) -> int:
        """Put people on courses at the start in the steady-state share of their status
        (module docstring, "The start"); returns how many.

        The rows are taken in chunks of :data:`_START_CHUNK` so that the start adds no
        array of floats as long as the worker table (at 1:1, 41 million rows); the draws
        are the same as in one piece (a generator's stream does not depend on how it is
        split): first every row's draw of whether they are on a course, then every row's
        draw of the months left."""
        w = state.workers
        status, skill, home = np.asarray(w.status), np.asarray(w.skill), np.asarray(w.home)
        n = status.size
        rng = state.generator("training", 1, month=0)
        on_course = np.zeros(n, dtype=np.bool_)
        for a in range(0, n, _START_CHUNK):
            rows = slice(a, min(a + _START_CHUNK, n))
            st, level = status[rows], np.minimum(skill[rows], 1)
            pd = (self._rates[np.minimum(st, INACTIVE)] * self.funding[home[rows], level]
                  * self._duration[level])
            on_course[rows] = (rng.random(st.size) < pd / (1.0 + pd)) & (st <= INACTIVE) & (
                skill[rows] < 2)
        for a in range(0, n, _START_CHUNK):
            v = rng.random(min(_START_CHUNK, n - a))
            rows = a + np.flatnonzero(on_course[a:a + v.size])
            d = self._duration[skill[rows]]
            w.training_left[rows] = 1 + np.floor(v[rows - a] * d).astype(np.int16)
        rows = np.flatnonzero(on_course)
        full_time = rows[status[rows] != EMPLOYED]
        inactive = full_time[status[full_time] == INACTIVE]
        self.started_inactive[:] = np.bincount(home[inactive], minlength=state.n_places)
        w.status[full_time] = TRAINING
        return int(rows.size)

    def kernel_params(self) -> EmployerLink:
        """The matching kernel's employer-link bonus (:class:`~sim.kernels.bundles.EmployerLink`;
        neutral, no bonus, when the mechanism is disabled)."""
        if not self.enabled:
            return EmployerLink.neutral()
        return make(EmployerLink, link_bonus=self.params.employer_link_bonus)

    def kernel_args(self, state: MarketState) -> TrainingArgs:
        """This month's arguments of the training kernel (``run``: the mechanism is
        enabled), with :attr:`entries` and :attr:`completions` as its counts.

        Resets :attr:`entries` and :attr:`completions`, which the kernel adds to.
        """
        p: TrainingParams = self.params
        self.entries[:] = 0
        self.completions[:] = 0
        return make(
            TrainingArgs, run=self.enabled, key=state.stream_key("training"),
            rate_by_status=self._rates, funding=self.funding, duration_by_skill=self._duration,
            completion_rate=p.completion_rate, linked_share=self.linked_share,
            earning_power=np.exp(state.places.pay_residual),
            entries=self.entries, completions=self.completions,
        )

    def step(self, state: MarketState) -> None:
        """One month of course entries, countdown and completions, as a pass of its own.

        The model's schedule does not call this: it runs the same kernel inside its
        flows pass (:meth:`kernel_args`). It is here for use outside the schedule.
        """
        training_month(
            worker_columns(state.workers), state.workers.searching, self.kernel_args(state)
        )

r"""Skills by age in a steady state of training: what each age's mix must be for the
working-age skill mix to stay at the data's.

**The chain.** Training moves people up one qualification level at a time. In the long
run a person with basic (intermediate) skills starts a course at the rate ``r_s`` of
their status, spends ``d_s`` months on it and completes it with probability ``c``, so
they move up with monthly probability

.. math:: \lambda_s = c / (1 / r_s + d_s), \qquad s = 0, 1

and a person's level follows the Markov chain

.. math::

    U = \begin{pmatrix} 1 - \lambda_0 & \lambda_0 & 0 \\
                        0 & 1 - \lambda_1 & \lambda_1 \\
                        0 & 0 & 1 \end{pmatrix}.

``r_s`` is the course start rate of the mix of statuses at level ``s``. At the start it
is that of a steady state of the status flows (:func:`expected_statuses`: the basic
level, laid off more often, is more often unemployed and inactive), the same wherever it
is computed (the initial state, the entrants, the immigrants) and depending on no draw;
demography re-derives it from the model's own statuses during the burn-in
(:meth:`SkillProfile.with_statuses`).

**The steady state.** A cohort entering at 16 with skill shares ``e`` has ``e U^k`` after
``k`` months. With a uniform age structure over a working life of ``K`` months
(``12 (R - 16)``, ``R`` the retirement age), the stock is

.. math:: S = e M, \qquad M = \frac{1}{K} \sum_{k=0}^{K-1} U^k,

so the entrants whose working lives reproduce the data's shares ``S_p`` of place ``p``
are ``e_p = S_p M^{-1}`` (clipped at 0 and renormalised where a place has too few people
at a level for its upgrades), and a person ``k`` months past 16 has the mix ``e_p U^k``.
Drawing the start's workers and the immigrants from their age's mix, and the cohorts from
``e_p``, keeps the working-age mix at the data's for as long as the course rates stay at
those of the profile: the stock neither drifts up as people train (as it does when
cohorts enter at ``S_p``, ``demography.steady_skills = false``) nor carries the start's
age-flat mix into the first working life.

In the regional baseline with ``demography.steady_skills`` on (the default: see
:mod:`sim.mechanisms.demography`) ``lambda`` is about 0.0011 a month from basic and 0.0009
from intermediate after the burn-in (seed 42), so about half of a cohort's basic members move
up over a working life: the 16-to-24-year-olds are about 49% basic against 39% of the
working-age people.
APPROXIMATION: the data's age profile is the other way round (younger people are more
qualified, a cohort trend, ONS Annual Population Survey), which a stationary baseline
cannot hold; the mix of the whole working-age population is the data's.

Units: rates a month; ages and working lives in months.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba as nb
import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from sim.config.scenario import Flows, Scenario
    from sim.mechanisms.training import TrainingParams

__all__ = ["SkillProfile", "expected_statuses", "upgrade_rates", "entrant_shares"]

#: Age at which cohorts enter, months (16 years; as :mod:`sim.mechanisms.demography`).
ENTRY_AGE_MONTHS = 192
_SHARES = ["skill_share_basic", "skill_share_intermediate", "skill_share_advanced"]


def place_shares(places: pd.DataFrame) -> np.ndarray:
    """(P, 3) the places' qualification shares (basic, intermediate, advanced), rows
    normalised to 1."""
    shares = places[_SHARES].to_numpy(dtype=float)
    return shares / shares.sum(axis=1, keepdims=True)


def expected_statuses(places: pd.DataFrame, population: np.ndarray,
                      flows: Flows) -> np.ndarray:
    """(2, 3) shares of the people at the basic and the intermediate level who are
    employed, unemployed and inactive in a steady state of the status flows.

    A three-state chain per level ``s``: employed -> unemployed at the level's layoff
    rate ``l_s`` (``flows.layoff_rate``), employed -> inactive at ``x_E`` and
    unemployed -> inactive at ``x_U`` (``flows.exit_to_inactivity_*``), unemployed ->
    employed at ``f`` and inactive -> unemployed at ``a``, the same at every level. ``f``
    and ``a`` are those that make the chain with the average layoff rate hold the data's
    national mix (the places' employed ``e_p``, unemployed ``e_p u_p / (1 - u_p)`` and
    inactive, weighted by ``population``)::

        a = (E x_E + U x_U) / I,      f = (E l + I a - U x_U) / U

    APPROXIMATION: the model's job finding and entry into search are outcomes, and they
    differ by level; with the layoff rates alone the chain puts 66% of the basic level in
    work, 5% unemployed and 29% inactive, against 57%, 6% and 36% in the baseline after
    its burn-in, so its upgrade rates are 0.00109 from basic and 0.00084 from
    intermediate against the 0.00119 and 0.00080 measured over ten recorded years
    (regions at 1:100, seed 42, before recalibrating). That is why
    :class:`~sim.mechanisms.demography.Demography` re-derives them from the model's own
    statuses during the burn-in. Where the data have no unemployed or no inactive people
    the chain is not defined and every level has the national mix.
    """
    e = places["employment_rate"].to_numpy(dtype=float)
    u = places["unemployment_rate"].to_numpy(dtype=float)
    unemployed = e * u / (1.0 - u)
    status = np.c_[e, unemployed, np.clip(1.0 - e - unemployed, 0.0, None)]  # (P, 3)
    weights = np.asarray(population, dtype=float)
    mix = weights @ status / max(float(weights.sum()), 1.0)
    skills = weights @ place_shares(places) / max(float(weights.sum()), 1.0)
    layoff = np.asarray(flows.layoff_rate, dtype=float)
    x_e, x_u = flows.exit_to_inactivity_employed, flows.exit_to_inactivity_unemployed
    big_e, big_u, big_i = mix
    if big_u <= 0.0 or big_i <= 0.0:
        return np.tile(mix, (2, 1))
    a = (big_e * x_e + big_u * x_u) / big_i
    f = max((big_e * float(skills @ layoff) + big_i * a - big_u * x_u) / big_u, 1e-6)
    out = np.empty((2, 3))
    for s in range(2):
        chain = np.array([[1.0 - layoff[s] - x_e, layoff[s], x_e],
                          [f, 1.0 - f - x_u, x_u],
                          [0.0, a, 1.0 - a]])
        # Stationary distribution: pi (Q - I) = 0 with pi summing to 1.
        system = np.vstack([(chain - np.eye(3)).T[:2], np.ones(3)])
        out[s] = np.linalg.solve(system, np.array([0.0, 0.0, 1.0]))
    return out


def upgrade_rates(training: TrainingParams, statuses: np.ndarray) -> np.ndarray:
    """(2,) monthly probability of moving up from basic and from intermediate,
    ``c / (1 / r_s + d_s)`` with ``r_s`` the course start rate of the level's status mix
    ``statuses`` (2, 3: employed, unemployed, inactive; counts or shares) and
    ``training`` the scenario's
    ``[training]`` (rate multiplied by ``skills_funding``)."""
    rates = training.skills_funding * np.array(
        [training.entry_rate_employed, training.entry_rate_unemployed,
         training.entry_rate_inactive])
    out = np.zeros(2)
    for s in range(2):
        r = float(rates @ statuses[s]) / max(float(statuses[s].sum()), 1e-12)
        if r > 0:
            out[s] = training.completion_rate / (1.0 / r + training.duration_months[s])
    return out


def _chain(upgrade: np.ndarray) -> np.ndarray:
    """(3, 3) monthly transition matrix of a person's level."""
    return np.array([[1.0 - upgrade[0], upgrade[0], 0.0],
                     [0.0, 1.0 - upgrade[1], upgrade[1]],
                     [0.0, 0.0, 1.0]])


def _powers(upgrade: np.ndarray, months: int) -> np.ndarray:
    """(months, 3, 3) ``U^k`` for ``k = 0 .. months - 1``."""
    step = _chain(upgrade)
    out = np.empty((months, 3, 3))
    out[0] = np.eye(3)
    for k in range(1, months):
        out[k] = out[k - 1] @ step
    return out


def entrant_shares(stock: np.ndarray, upgrade: np.ndarray, months: int) -> np.ndarray:
    """(P, 3) entrants' skill shares whose working-life average, with monthly upgrade
    probabilities ``upgrade`` (basic -> intermediate, intermediate -> advanced) over
    ``months``, is ``stock`` (P, 3): ``e = stock M^-1`` (clipped at 0 and renormalised)."""
    return _entrants(stock, _powers(upgrade, months))


def _entrants(stock: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """:func:`entrant_shares` from the powers ``U^k`` of the working life."""
    entrants = np.clip(stock @ np.linalg.inv(powers.mean(axis=0)), 1e-6, None)
    return entrants / entrants.sum(axis=1, keepdims=True)


class SkillProfile:
    """Each place's skill mix by months since entry in the steady state of training.

    Attributes:
        stock: (P, 3) the data's shares the working lives average to.
        months: the working life, months.
        upgrade: (2,) monthly upgrade probabilities from basic and from intermediate.
        entrants: (P, 3) the cohorts' shares at 16, ``e_p``.
        cumulative: (P, K, 2) ``P(skill <= basic)`` and ``P(skill <= intermediate)`` of a
            person of place ``p`` who entered ``k`` months ago (``e_p U^k``).
    """

    def __init__(self, stock: np.ndarray, upgrade: np.ndarray, months: int) -> None:
        if months < 1:
            raise ValueError(f"months = {months}: a working life must be at least a month")
        self.stock, self.months = np.asarray(stock, dtype=float), int(months)
        self.upgrade = np.asarray(upgrade, dtype=float)
        powers = _powers(self.upgrade, months)
        self.entrants = _entrants(self.stock, powers)
        by_age = np.einsum("ps,kst->pkt", self.entrants, powers)
        self.cumulative = np.ascontiguousarray(np.cumsum(by_age, axis=2)[:, :, :2])

    @classmethod
    def of(cls, places: pd.DataFrame, scenario: Scenario,
           population: np.ndarray) -> SkillProfile | None:
        """The profile of ``scenario`` (None unless ``demography.steady_skills`` is on
        and training is enabled: then every age has its place's data shares).

        Args:
            places: the geography's places (qualification shares, employment and
                unemployment rates).
            scenario: the validated scenario.
            population: (P,) working-age people by place at the start.
        """
        if not (scenario.demography.steady_skills and scenario.training.enabled):
            return None
        statuses = expected_statuses(places, population, scenario.flows)
        upgrade = upgrade_rates(scenario.training, statuses)
        months = 12 * max(scenario.demography.retirement_age_years - ENTRY_AGE_MONTHS // 12, 1)
        return cls(place_shares(places), upgrade, months)

    def with_statuses(self, scenario: Scenario, statuses: np.ndarray) -> SkillProfile:
        """The profile of the same data shares with upgrade rates from ``statuses``
        (2, 3: people at the basic and intermediate level employed, unemployed, inactive),
        e.g. the model's own mix once it has settled."""
        return SkillProfile(self.stock, upgrade_rates(scenario.training, statuses),
                            self.months)

    def draw(self, u: np.ndarray, home: np.ndarray, age_months: np.ndarray) -> np.ndarray:
        """(n,) int8 skills of people of ``home`` and ``age_months`` from uniforms ``u``
        (ages before 16 take the entrants' mix, beyond the working life its last month's)."""
        out = np.empty(np.shape(u), dtype=np.int8)
        _draw(np.asarray(u, dtype=np.float64), np.asarray(home), np.asarray(age_months),
              self.cumulative, out)
        return out


@nb.njit(cache=True)
def _draw(u, home, age_months, cumulative, out):  # pragma: no cover - compiled
    last = cumulative.shape[1] - 1
    for i in range(u.shape[0]):
        k = min(max(age_months[i] - ENTRY_AGE_MONTHS, 0), last)
        row = cumulative[home[i], k]
        out[i] = (u[i] >= row[0]) + (u[i] >= row[1])

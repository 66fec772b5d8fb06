"""Firm dynamics kernel: one pass over the worker table a month.

:func:`firm_worker_pass` does, in one pass over the workers (``O(N)``, no
random numbers):

* **layoffs at exiting firms**: an employed worker whose employer exits this
  month becomes unemployed (employer -1, remote flag cleared, spell 0,
  reservation wage ``max(benefit, replacement_ratio x wage)``); the flows
  kernel, which runs next, makes them search;
* **profit by firm**: for every other employed worker ``i`` at firm ``j``,
  ``profit_j += A_j q_s h_i - w_i`` (weekly value added less the wage, GBP a
  week; the caller converts to a month);
* **residents by place**: people present (status not absent) and advanced-skill
  people present, by home place (for the attractiveness of places to entrants).

The workers are split into a fixed number of chunks (``N_CHUNKS``, whatever the
number of threads); each chunk accumulates its own partial sums, which are then
added in chunk order, so the result is bit-identical for any thread count. The
scratch is ``N_CHUNKS x (F + 2P)`` floats.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["firm_worker_pass", "N_CHUNKS"]

#: Fixed number of worker chunks (partial sums are kept per chunk).
N_CHUNKS = 8

_EMPLOYED, _UNEMPLOYED, _ABSENT = 0, 1, 4
_ADVANCED = 2


@njit(cache=True, parallel=True)
def _pass_chunks(
    status, employer, home, skill, human_capital, wage, reservation_wage, months_unemployed,
    remote, firm_productivity, exiting, skill_premium, benefit, replacement_ratio,
    part_profit, part_pop, part_adv, part_laid_off,
):
    n = status.shape[0]
    n_chunks = part_profit.shape[0]
    size = (n + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        start = c * size
        stop = min(start + size, n)
        for i in range(start, stop):
            st = status[i]
            if st == _ABSENT:
                continue
            h = home[i]
            part_pop[c, h] += 1.0
            if skill[i] == _ADVANCED:
                part_adv[c, h] += 1.0
            if st != _EMPLOYED:
                continue
            j = employer[i]
            if exiting[j]:
                status[i] = _UNEMPLOYED
                employer[i] = -1
                remote[i] = False
                months_unemployed[i] = 0
                r = replacement_ratio * wage[i]
                reservation_wage[i] = r if r > benefit else benefit
                part_laid_off[c, h] += 1.0
                continue
            y = firm_productivity[j] * skill_premium[skill[i]] * human_capital[i]
            part_profit[c, j] += y - wage[i]


@njit(cache=True)
def _reduce(part, out):
    out[:] = 0.0
    for c in range(part.shape[0]):
        for k in range(part.shape[1]):
            out[k] += part[c, k]


def firm_worker_pass(
    status: np.ndarray,
    employer: np.ndarray,
    home: np.ndarray,
    skill: np.ndarray,
    human_capital: np.ndarray,
    wage: np.ndarray,
    reservation_wage: np.ndarray,
    months_unemployed: np.ndarray,
    remote: np.ndarray,
    firm_productivity: np.ndarray,
    exiting: np.ndarray,
    skill_premium: np.ndarray,
    benefit: float,
    replacement_ratio: float,
    n_places: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lay off the workers of exiting firms and total profit and residents.

    Args:
        status, employer, home, skill, human_capital, wage, reservation_wage,
            months_unemployed, remote: worker columns (the first and the last four are
            changed in place for laid-off workers).
        firm_productivity: (F,) weekly value added per efficiency unit, GBP a week.
        exiting: (F,) bool, firms that exit this month.
        skill_premium: (3,) productivity multiplier by skill level.
        benefit: reservation-wage floor, GBP a week.
        replacement_ratio: reservation wage on entering unemployment / last wage.
        n_places: number of places.

    Returns:
        ``(profit, population, advanced, laid_off)``: weekly profit by firm (GBP a
        week, 0 for exiting firms), people present by home place, advanced-skill
        people present by home place, workers laid off by home place.
    """
    n_firms = firm_productivity.shape[0]
    part_profit = np.zeros((N_CHUNKS, n_firms))
    part_pop = np.zeros((N_CHUNKS, n_places))
    part_adv = np.zeros((N_CHUNKS, n_places))
    part_laid = np.zeros((N_CHUNKS, n_places))
    _pass_chunks(
        status, employer, home, skill, human_capital, wage, reservation_wage, months_unemployed,
        remote, firm_productivity, exiting, np.asarray(skill_premium, dtype=np.float64),
        float(benefit), float(replacement_ratio), part_profit, part_pop, part_adv, part_laid,
    )
    profit = np.empty(n_firms)
    pop = np.empty(n_places)
    adv = np.empty(n_places)
    laid = np.empty(n_places)
    _reduce(part_profit, profit)
    _reduce(part_pop, pop)
    _reduce(part_adv, adv)
    _reduce(part_laid, laid)
    return profit, pop, adv, laid

"""Firm dynamics kernel: layoffs at exiting firms.

:func:`lay_off_exiting`: an employed worker whose employer exits this month
becomes unemployed (employer -1, remote flag cleared, spell 0, reservation
wage ``max(benefit, replacement_ratio x wage)``); the flows kernel, which runs
next, makes them search. One light serial pass, only in months with exits.
Firms' profits (weekly value added less wages, by firm) are totalled by the
model's aggregation pass (:func:`sim.kernels.aggregate.aggregate_workers`).
"""

from __future__ import annotations

from numba import njit

__all__ = ["lay_off_exiting"]

_EMPLOYED, _UNEMPLOYED = 0, 1


@njit(cache=True)
def _lay_off(i, status, employer, wage, reservation_wage, months_unemployed, remote, benefit,
             replacement_ratio):
    status[i] = _UNEMPLOYED
    employer[i] = -1
    remote[i] = False
    months_unemployed[i] = 0
    r = replacement_ratio * wage[i]
    reservation_wage[i] = r if r > benefit else benefit


@njit(cache=True)
def lay_off_exiting(
    status, employer, wage, reservation_wage, months_unemployed, remote, exiting, benefit,
    replacement_ratio,
):
    """Lay off the workers of exiting firms (one light pass: two loads a worker).

    Returns the number laid off.
    """
    k = 0
    for i in range(status.shape[0]):
        if status[i] == _EMPLOYED and exiting[employer[i]]:
            _lay_off(i, status, employer, wage, reservation_wage, months_unemployed, remote,
                     benefit, replacement_ratio)
            k += 1
    return k

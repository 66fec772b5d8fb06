"""Monthly worker flows: separations, participation, on-the-job search, wage drift.

One pass over the worker table each month, before search and matching. For a
worker ``i`` with skill ``s`` living in place ``p`` (all rates monthly):

* employed: laid off to unemployment with probability ``layoff_rate[s]``;
  otherwise leaves the labour force with ``exit_employed``; otherwise searches
  on the job with ``ojs_share``. Staying workers' wages move a share
  ``lambda`` of the way to the going rate
  ``w* = b + phi_q (y_ij - b)``, with ``y_ij = A_j q_s h_i`` the worker's
  weekly value added at firm ``j`` in place ``q``, ``b`` the benefit level and
  ``phi_q`` the bargaining power in the workplace's labour market;
* unemployed: spell length +1; leaves the labour force with ``exit_unemployed``;
  otherwise the reservation wage falls by ``reservation_decay`` a month towards
  the benefit level (duration dependence);
* inactive: enters unemployment with ``entry_rate[p]`` (set so that each
  place's inactive stock is stationary at its data value); a constrained
  inactive person (caring or disability constraint) otherwise searches for
  remote or local work with ``constrained_search_share``, staying inactive;
* everyone ages a month; at ``retirement_age_months`` a worker leaves the
  working-age population (the row becomes *absent*, status 4, for an entrant
  to reuse). Training (status 3) is handled by :mod:`sim.training`.

Draws come from the counter-based streams of :mod:`sim.kernels.rng`, counter
``3 i + d`` for draw ``d`` of worker ``i``, so the result does not depend on
chunking or threads. Work is split into fixed chunks run in parallel; counts
by place are accumulated per chunk and summed in chunk order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.kernels.rng import uniform

CHUNK = 1 << 16

_EMPLOYED, _UNEMPLOYED, _INACTIVE, _ABSENT = 0, 1, 2, 4


@njit(cache=True)
def monthly_flows(
    key,
    home,
    skill,
    human_capital,
    status,
    employer,
    wage,
    months_unemployed,
    reservation_wage,
    age_months,
    remote,
    constrained,
    occupation,
    remote_productivity,
    firm_place,
    firm_productivity,
    layoff_rate,
    exit_employed,
    exit_unemployed,
    entry_rate,
    ojs_share,
    constrained_search_share,
    retirement_age_months,
    phi,
    skill_premium,
    benefit,
    replacement_ratio,
    reservation_decay,
    wage_adjustment,
    searching,
    separations_by_place,
    retirements_by_place,
):
    """Apply one month of flows in place.

    Args:
        key: stream key (``stream_key(seed, month, STAGES["flows"])``).
        home, skill, ...: worker columns (modified in place); ``remote`` is cleared when
            a worker leaves employment.
        constrained: (N,) bool, caring or disability constraint.
        occupation: (N,) SOC major group 0..8.
        remote_productivity: (9,) proportional productivity effect of a remote job by
            occupation (enters the going rate of remote workers).
        firm_place, firm_productivity: firm columns (read only).
        layoff_rate: (3,) monthly probability employed -> unemployed by skill.
        exit_employed, exit_unemployed: monthly probabilities of leaving the labour force.
        entry_rate: (P,) monthly probability inactive -> unemployed by home place.
        ojs_share: monthly probability an employed worker searches.
        constrained_search_share: monthly probability a constrained inactive person
            searches (for remote or local jobs) without becoming unemployed.
        retirement_age_months: age at which a worker leaves the working-age population
            (row becomes absent); 0 switches retirement off.
        phi: (P,) bargaining power by workplace this month.
        skill_premium: (3,) productivity multiplier by skill.
        benefit: outside option of incumbents and reservation floor, GBP a week.
        replacement_ratio: reservation wage on entering unemployment / last wage.
        reservation_decay: monthly proportional fall of the reservation wage.
        wage_adjustment: share of the gap to the going rate closed each month.
        searching: (N,) bool output, True for this month's searchers.
        separations_by_place: (n_places,) int64 output, separations by workplace
            (layoffs, exits from employment and retirements of the employed).
        retirements_by_place: (n_places,) int64 output, retirements by home place.
    """
    n = home.shape[0]
    n_places = separations_by_place.shape[0]
    n_chunks = (n + CHUNK - 1) // CHUNK
    chunk_sep = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_ret = np.zeros((n_chunks, n_places), dtype=np.int64)
    _flows_chunks(
        key, home, skill, human_capital, status, employer, wage, months_unemployed,
        reservation_wage, age_months, remote, constrained, occupation, remote_productivity,
        firm_place, firm_productivity, layoff_rate, exit_employed, exit_unemployed, entry_rate,
        ojs_share, constrained_search_share, retirement_age_months, phi, skill_premium, benefit,
        replacement_ratio, reservation_decay, wage_adjustment, searching, chunk_sep, chunk_ret,
    )
    for c in range(n_chunks):
        for p in range(n_places):
            separations_by_place[p] += chunk_sep[c, p]
            retirements_by_place[p] += chunk_ret[c, p]


@njit(cache=True, parallel=True)
def _flows_chunks(
    key, home, skill, human_capital, status, employer, wage, months_unemployed,
    reservation_wage, age_months, remote, constrained, occupation, remote_productivity,
    firm_place, firm_productivity, layoff_rate, exit_employed, exit_unemployed, entry_rate,
    ojs_share, constrained_search_share, retirement_age_months, phi, skill_premium, benefit,
    replacement_ratio, reservation_decay, wage_adjustment, searching, chunk_sep, chunk_ret,
):
    # Only the prange loop: array expressions here would become parallel regions too.
    n = home.shape[0]
    n_chunks = chunk_sep.shape[0]
    for c in prange(n_chunks):
        start = c * CHUNK
        stop = min(start + CHUNK, n)
        for i in range(start, stop):
            st = status[i]
            if st == _ABSENT:
                searching[i] = False
                continue
            age_months[i] += 1
            if retirement_age_months > 0 and age_months[i] >= retirement_age_months:
                if st == _EMPLOYED:
                    chunk_sep[c, firm_place[employer[i]]] += 1
                chunk_ret[c, home[i]] += 1
                status[i] = _ABSENT
                employer[i] = -1
                remote[i] = False
                searching[i] = False
                continue
            u = uniform(key, 3 * i)
            if st == _EMPLOYED:
                s = skill[i]
                j = employer[i]
                lay = layoff_rate[s]
                if u < lay or u < lay + exit_employed:
                    chunk_sep[c, firm_place[j]] += 1
                    employer[i] = -1
                    remote[i] = False
                    months_unemployed[i] = 0
                    if u < lay:
                        status[i] = _UNEMPLOYED
                        r = replacement_ratio * wage[i]
                        reservation_wage[i] = r if r > benefit else benefit
                        searching[i] = True
                    else:
                        status[i] = _INACTIVE
                        searching[i] = False
                    continue
                q = firm_place[j]
                y = firm_productivity[j] * skill_premium[s] * human_capital[i]
                if remote[i]:
                    y *= 1.0 + remote_productivity[occupation[i]]
                going = benefit + phi[q] * (y - benefit)
                wage[i] += wage_adjustment * (going - wage[i])
                searching[i] = uniform(key, 3 * i + 1) < ojs_share
            elif st == _UNEMPLOYED:
                if u < exit_unemployed:
                    status[i] = _INACTIVE
                    searching[i] = False
                    continue
                if months_unemployed[i] < 32767:
                    months_unemployed[i] += 1
                r = reservation_wage[i] * (1.0 - reservation_decay)
                reservation_wage[i] = r if r > benefit else benefit
                searching[i] = True
            elif st == _INACTIVE:
                if u < entry_rate[home[i]]:
                    status[i] = _UNEMPLOYED
                    months_unemployed[i] = 0
                    r = replacement_ratio * wage[i]
                    reservation_wage[i] = r if r > benefit else benefit
                    searching[i] = True
                elif constrained[i]:
                    # Searches for remote or local work while staying inactive.
                    searching[i] = uniform(key, 3 * i + 2) < constrained_search_share
                    if searching[i] and reservation_wage[i] < benefit:
                        reservation_wage[i] = benefit
                else:
                    searching[i] = False
            else:
                searching[i] = False


@njit(cache=True)
def count_employment(status, employer, n_firms, out):
    """Recount firm employment from the worker table: ``out[j]`` = workers employed at ``j``."""
    out[:] = 0
    for i in range(status.shape[0]):
        if status[i] == _EMPLOYED:
            out[employer[i]] += 1

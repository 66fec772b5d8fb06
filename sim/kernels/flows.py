"""Monthly worker flows: separations, participation, on-the-job search, wage drift.

One pass over the worker table each month, before search and matching. For a
worker ``i`` with skill ``s`` living in place ``p`` (all rates monthly):

* employed: if the employer exits this month (``firm_exiting``), laid off and
  treated as unemployed for the rest of the month; otherwise laid off to
  unemployment with probability ``layoff_rate[s]``; otherwise leaves the labour
  force with ``exit_employed`` (times ``constrained_exit_multiplier`` for a
  worker with a caring or disability constraint, or
  ``remote_exit_multiplier`` if that worker's job is remote); otherwise searches
  on the job with ``ojs_share``. Staying workers' wages move a share
  ``lambda`` of the way to the going rate
  ``w* = b + phi_q (y_ij - b)``, with ``y_ij = A_j q_s h_i`` the worker's
  weekly value added at firm ``j`` in place ``q``, ``b`` the benefit level and
  ``phi_q`` the bargaining power in the workplace's labour market;
* unemployed: spell length +1; leaves the labour force with ``exit_unemployed``
  (times the constrained multiplier, ``remote_exit_multiplier`` when the worker
  is remote-capable); otherwise the reservation wage falls by
  ``reservation_decay`` a month towards the benefit level (duration dependence);
* inactive: enters unemployment with ``entry_rate[p]`` (set so that each
  place's inactive stock is stationary at its data value); a constrained
  inactive person (caring or disability constraint) otherwise searches for
  remote or local work with ``constrained_search_share``, staying inactive;
* everyone ages a month; at ``retirement_age_months`` a worker leaves the
  working-age population (the row becomes *absent*, status 4, for an entrant
  to reuse). Training (status 3) is handled by :mod:`sim.mechanisms.training`.

Draws come from the counter-based streams of :mod:`sim.kernels.rng`: one uniform
``u = uniform(key, 3 i)`` per worker ``i`` and month decides every move, the
outcomes being consecutive intervals of ``u``. For an employee, ``u < l + x``
separates (layoff below ``l``, exit from ``l`` to ``l + x``); otherwise the
worker searches on the job when ``u < l + x + ojs (1 - l - x)``, which has
probability ``ojs`` given that they stay. For an inactive person, ``u < e``
enters unemployment; otherwise a constrained person searches when
``u < e + c (1 - e)``. One draw instead of two for most workers (counters
``3 i + 1`` and ``3 i + 2`` are left unused). The result does not depend on
chunking or threads. Work is split into fixed chunks run in parallel; counts
by place are accumulated per chunk and summed in chunk order. Firms' employment
is kept up to date without a recount: each chunk lists the employers its
separations leave (in a scratch array, at the chunk's own rows), and the lists
are applied serially after the parallel pass. The rows of retirees are listed
the same way and returned, so that entrants can be given free rows without a
scan of the table.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.kernels.rng import uniform
from sim.kernels.training import CHUNK, training_chunk

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
    remote_capable,
    occupation,
    remote_productivity,
    firm_place,
    firm_productivity,
    firm_exiting,
    firm_employment,
    layoff_rate,
    exit_employed,
    exit_unemployed,
    entry_rate,
    ojs_share,
    constrained_search_share,
    constrained_exit_multiplier,
    remote_exit_multiplier,
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
    scratch,
    training_left,
    trained_with,
    train,
    training_key,
    training_rates,
    training_funding,
    training_duration,
    training_completion,
    training_linked,
    training_entries,
    training_completions,
):
    """Apply one month of flows in place (and, if ``train``, of training).

    Args:
        key: stream key (``stream_key(seed, month, STAGES["flows"])``).
        home, skill, ...: worker columns (modified in place); ``remote`` is cleared when
            a worker leaves employment.
        constrained: (N,) bool, caring or disability constraint.
        remote_capable: (N,) bool, could work remotely.
        occupation: (N,) SOC major group 0..8.
        remote_productivity: (9,) proportional productivity effect of a remote job by
            occupation (enters the going rate of remote workers).
        firm_place, firm_productivity: firm columns (read only).
        firm_exiting: (F,) bool, firms that exit this month: their workers are laid off.
        firm_employment: (F,) firms' employment, reduced by every separation.
        layoff_rate: (3,) monthly probability employed -> unemployed by skill.
        exit_employed, exit_unemployed: monthly probabilities of leaving the labour force.
        entry_rate: (P,) monthly probability inactive -> unemployed by home place.
        ojs_share: monthly probability an employed worker searches.
        constrained_search_share: monthly probability a constrained inactive person
            searches (for remote or local work) without becoming unemployed.
        constrained_exit_multiplier: exit rates of constrained people over everyone's
            (1 = no difference).
        remote_exit_multiplier: the same for a constrained person in a remote job, or
            unemployed and remote-capable.
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
            (layoffs, exits from employment, retirements of the employed and the
            workers of exiting firms).
        retirements_by_place: (n_places,) int64 output, retirements by home place.
        scratch: (2, N) int32 work space (contents are overwritten).
        training_left, trained_with: worker columns used by training.
        train: also run one month of training (:func:`sim.kernels.training.training_chunk`)
            on each chunk right after its flows, while its rows are in cache. Rows are
            independent, so this equals :func:`sim.kernels.training.training_month`
            called after this kernel with the same ``training_*`` arguments.
        training_key ... training_linked: the arguments of ``training_month`` (stream
            key, entry rates by status, funding by place, course length by skill,
            completion rate, employer-linked share).
        training_entries, training_completions: (P,) int64 outputs (added to).

    Returns:
        The rows of the workers who retired this month, ascending (int64): the rows
        that became absent, for the demography mechanism to refill.
    """
    n = home.shape[0]
    n_places = separations_by_place.shape[0]
    n_chunks = (n + CHUNK - 1) // CHUNK
    chunk_sep = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_ret = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_left = np.zeros(n_chunks, dtype=np.int64)
    chunk_retired = np.zeros(n_chunks, dtype=np.int64)
    chunk_in = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_out = np.zeros((n_chunks, n_places), dtype=np.int64)
    _flows_chunks(
        key, home, skill, human_capital, status, employer, wage, months_unemployed,
        reservation_wage, age_months, remote, constrained, remote_capable, occupation,
        remote_productivity, firm_place, firm_productivity, firm_exiting, layoff_rate,
        exit_employed, exit_unemployed, entry_rate, ojs_share, constrained_search_share,
        constrained_exit_multiplier, remote_exit_multiplier, retirement_age_months, phi,
        skill_premium, benefit, replacement_ratio, reservation_decay, wage_adjustment,
        searching, chunk_sep, chunk_ret, scratch[0], chunk_left, scratch[1], chunk_retired,
        training_left, trained_with, train, training_key, training_rates, training_funding,
        training_duration, training_completion, training_linked, chunk_in, chunk_out,
    )
    retired = np.empty(chunk_retired.sum(), dtype=np.int64)
    k = 0
    for c in range(n_chunks):
        for p in range(n_places):
            separations_by_place[p] += chunk_sep[c, p]
            retirements_by_place[p] += chunk_ret[c, p]
            training_entries[p] += chunk_in[c, p]
            training_completions[p] += chunk_out[c, p]
        for t in range(c * CHUNK, c * CHUNK + chunk_left[c]):
            firm_employment[scratch[0, t]] -= 1
        for t in range(c * CHUNK, c * CHUNK + chunk_retired[c]):
            retired[k] = scratch[1, t]
            k += 1
    return retired


@njit(cache=True, inline="always")
def _separate(i, j, c, pos, chunk_sep, firm_place, left, employer, remote, months_unemployed):
    """Worker ``i`` leaves firm ``j``: counted at the workplace, listed at ``left[pos]``
    (for the employment update), job columns cleared. Returns the next free position."""
    chunk_sep[c, firm_place[j]] += 1
    left[pos] = j
    employer[i] = -1
    remote[i] = False
    months_unemployed[i] = 0
    return pos + 1


@njit(cache=True, parallel=True)
def _flows_chunks(
    key, home, skill, human_capital, status, employer, wage, months_unemployed,
    reservation_wage, age_months, remote, constrained, remote_capable, occupation,
    remote_productivity, firm_place, firm_productivity, firm_exiting, layoff_rate,
    exit_employed, exit_unemployed, entry_rate, ojs_share, constrained_search_share,
    constrained_exit_multiplier, remote_exit_multiplier, retirement_age_months, phi,
    skill_premium, benefit, replacement_ratio, reservation_decay, wage_adjustment,
    searching, chunk_sep, chunk_ret, left, chunk_left, retired, chunk_retired,
    training_left, trained_with, train, training_key, training_rates, training_funding,
    training_duration, training_completion, training_linked, chunk_in, chunk_out,
):
    # Only the prange loop: array expressions here would become parallel regions too.
    n = home.shape[0]
    n_chunks = chunk_sep.shape[0]
    for c in prange(n_chunks):
        start = c * CHUNK
        stop = min(start + CHUNK, n)
        n_left = 0  # separations listed so far at left[start:]
        n_retired = 0  # retirements listed so far at retired[start:]
        for i in range(start, stop):
            st = status[i]
            if st == _ABSENT:
                searching[i] = False
                continue
            age_months[i] += 1
            if retirement_age_months > 0 and age_months[i] >= retirement_age_months:
                if st == _EMPLOYED:
                    chunk_sep[c, firm_place[employer[i]]] += 1
                    left[start + n_left] = employer[i]
                    n_left += 1
                chunk_ret[c, home[i]] += 1
                retired[start + n_retired] = i
                n_retired += 1
                status[i] = _ABSENT
                employer[i] = -1
                remote[i] = False
                searching[i] = False
                continue
            u = uniform(key, 3 * i)
            if st == _EMPLOYED:
                j = employer[i]
                if firm_exiting[j]:
                    # The employer closes: laid off, then an unemployed worker this month.
                    n_left = _separate(i, j, c, start + n_left, chunk_sep, firm_place, left,
                                       employer, remote, months_unemployed) - start
                    status[i] = _UNEMPLOYED
                    r = replacement_ratio * wage[i]
                    reservation_wage[i] = r if r > benefit else benefit
                    st = _UNEMPLOYED
                else:
                    s = skill[i]
                    lay = layoff_rate[s]
                    exit_e = exit_employed
                    if constrained[i]:
                        exit_e *= (
                            remote_exit_multiplier if remote[i] else constrained_exit_multiplier
                        )
                    sep = lay + exit_e
                    if u < sep:
                        n_left = _separate(i, j, c, start + n_left, chunk_sep, firm_place, left,
                                           employer, remote, months_unemployed) - start
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
                    # Given no separation, u is uniform on [sep, 1): search with ojs_share.
                    searching[i] = u < sep + ojs_share * (1.0 - sep)
                    continue
            if st == _UNEMPLOYED:
                exit_u = exit_unemployed
                if constrained[i]:
                    exit_u *= (
                        remote_exit_multiplier if remote_capable[i]
                        else constrained_exit_multiplier
                    )
                if u < exit_u:
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
                    # Given no entry, u is uniform on [entry, 1).
                    e = entry_rate[home[i]]
                    searching[i] = u < e + constrained_search_share * (1.0 - e)
                    if searching[i] and reservation_wage[i] < benefit:
                        reservation_wage[i] = benefit
                else:
                    searching[i] = False
            else:
                searching[i] = False
        chunk_left[c] = n_left
        chunk_retired[c] = n_retired
        if train:
            training_chunk(
                training_key, start, stop, home, skill, human_capital, status, training_left,
                trained_with, months_unemployed, searching, training_rates, training_funding,
                training_duration, training_completion, training_linked, chunk_in[c],
                chunk_out[c],
            )

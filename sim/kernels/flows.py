"""Monthly worker flows: separations, participation, on-the-job search, wage drift.

One pass over the worker table each month, before search and matching. For a
worker ``i`` with skill ``s`` living in place ``p`` (all rates monthly):

* employed: if the employer exits this month (``firm_exiting``), laid off and
  treated as unemployed for the rest of the month; otherwise laid off to
  unemployment with probability ``layoff_rate[s] m_p + shed_j`` (``m_p`` the job-loss
  multiplier of the worker's home place, settled during the burn-in, 1 when
  ``flows.settle_job_loss`` is off; ``shed_j`` the
  employer's shedding of employment above its target in a downturn,
  :mod:`sim.mechanisms.cycle`; 0 without the business cycle); otherwise leaves the labour
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
  remote or local work with ``constrained_search_share``, staying inactive; any
  other inactive person who does not enter unemployment searches with
  ``rates.inactive_search`` of its place (``flows.inactive_search_share`` times the
  place's settled multiplier), staying inactive unless hired:
  the direct moves from inactivity to work that are most of the LFS's hires of the
  inactive (ONS labour market flows: about 600 thousand a quarter from inactivity to
  work against 300 thousand to unemployment in 2019);
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

from typing import NamedTuple

import numpy as np
from numba import njit, prange

from sim.agents.wages import bargained_wage_jit
from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE, UNEMPLOYED
from sim.kernels.rng import uniform
from sim.kernels.training import CHUNK, training_chunk


class _FlowChunks(NamedTuple):
    """Per-chunk counts and lists of :func:`_flows_chunks` (chunk ``c``: row ``c``, or
    the rows ``c * CHUNK ...`` of the two lists)."""

    separations: np.ndarray  # (chunks, P) int64, separations by workplace
    retirements: np.ndarray  # (chunks, P) int64, retirements by home place
    left: np.ndarray  # (N,) int32, employers left by separations, listed per chunk
    n_left: np.ndarray  # (chunks,) int64, entries of ``left`` per chunk
    retired: np.ndarray  # (N,) int32, rows of retirees, listed per chunk
    n_retired: np.ndarray  # (chunks,) int64, entries of ``retired`` per chunk
    layoffs: np.ndarray  # (chunks, P) int64, layoffs (to unemployment) by workplace
    training_entries: np.ndarray  # (chunks, P) int64
    training_completions: np.ndarray  # (chunks, P) int64


@njit(cache=True)
def monthly_flows(
    key, workers, firms, firm_exiting, firm_shed, rates, search, wages, participation,
    retirement, training, out,
):
    """Apply one month of flows in place (and, if ``training.run``, of training).

    Args:
        key: stream key (``stream_key(seed, month, STAGES["flows"])``).
        workers: :class:`~sim.kernels.bundles.WorkerColumns`, modified in place (status,
            employer, wage, spell, reservation wage, age; ``remote`` is cleared when a
            worker leaves employment; the training columns when training runs).
        firms: :class:`~sim.kernels.bundles.FirmColumns`: place and productivity are read,
            ``employment`` is reduced by every separation.
        firm_exiting: (F,) bool, firms that exit this month (the firm-dynamics mechanism;
            all False when it is off): their workers are laid off.
        firm_shed: (F,) float64, extra monthly layoff probability of each firm's workers
            on top of ``rates.layoff_rate`` (the business cycle's shedding of employment
            above target, :mod:`sim.mechanisms.cycle`; all 0 when it is off).
        rates: :class:`~sim.kernels.bundles.FlowRates`: layoff rate by skill, exit rates
            from employment and unemployment, entry rate by home place (a month).
        search: :class:`~sim.kernels.bundles.SearchRules`: ``ojs_share``, the monthly
            probability an employed worker searches.
        wages: :class:`~sim.kernels.bundles.WageRules`: bargaining power by workplace,
            skill premium, benefit (GBP a week), replacement ratio, monthly reservation
            decay and wage adjustment.
        participation: :class:`~sim.kernels.bundles.Participation` (remote work; neutral
            when off): constrained search share, exit multipliers of the constrained
            (in a remote job, or unemployed and remote-capable: the remote one), remote
            productivity by occupation (enters the going rate of remote workers).
        retirement: :class:`~sim.kernels.bundles.Retirement` (demography): age at which
            a worker leaves the working-age population, months; 0 = off.
        training: :class:`~sim.kernels.bundles.TrainingArgs`: when ``run``, one month of
            training (:func:`sim.kernels.training.training_chunk`) runs on each chunk
            right after its flows, while its rows are in cache. Rows are independent,
            so this equals :func:`sim.kernels.training.training_month` called after this
            kernel. Its ``entries`` and ``completions`` are added to.
        out: :class:`~sim.kernels.bundles.FlowsOutput`: ``searching`` (N,) True for this
            month's searchers; ``separations_by_place`` (P,) separations by workplace
            (layoffs, exits from employment, retirements of the employed and the workers
            of exiting firms), ``layoffs_by_place`` (P,) layoffs to unemployment by
            workplace (the part of the separations that are layoffs, the workers of
            exiting firms included) and ``retirements_by_place`` (P,) retirements by home
            place, all added to; ``scratch`` (2, N) work space (overwritten).

    Returns:
        The rows of the workers who retired this month, ascending (int64): the rows
        that became absent, for the demography mechanism to refill.
    """
    n = workers.home.shape[0]
    separations_by_place = out.separations_by_place
    retirements_by_place = out.retirements_by_place
    layoffs_by_place = out.layoffs_by_place
    training_entries = training.entries
    training_completions = training.completions
    scratch = out.scratch
    firm_employment = firms.employment
    n_places = separations_by_place.shape[0]
    n_chunks = (n + CHUNK - 1) // CHUNK
    chunk_sep = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_ret = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_left = np.zeros(n_chunks, dtype=np.int64)
    chunk_retired = np.zeros(n_chunks, dtype=np.int64)
    chunk_in = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_out = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_lay = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunks = _FlowChunks(
        chunk_sep, chunk_ret, scratch[0], chunk_left, scratch[1], chunk_retired, chunk_lay,
        chunk_in, chunk_out,
    )
    _flows_chunks(
        key, workers, firms, firm_exiting, firm_shed, rates, search, wages, participation,
        retirement, training, out.searching, chunks,
    )
    retired = np.empty(chunk_retired.sum(), dtype=np.int64)
    k = 0
    for c in range(n_chunks):
        for p in range(n_places):
            separations_by_place[p] += chunk_sep[c, p]
            retirements_by_place[p] += chunk_ret[c, p]
            layoffs_by_place[p] += chunk_lay[c, p]
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
    key, workers, firms, firm_exiting, firm_shed, rates, search, wages, participation,
    retirement, training, searching, chunks,
):
    # The bundles' fields as locals, so that the parallel loop reads plain arrays and
    # scalars (as before the bundles: the same loop, the same speed).
    home = workers.home
    skill = workers.skill
    human_capital = workers.human_capital
    status = workers.status
    employer = workers.employer
    wage = workers.wage
    months_unemployed = workers.months_unemployed
    reservation_wage = workers.reservation_wage
    age_months = workers.age_months
    remote = workers.remote
    constrained = workers.constrained
    remote_capable = workers.remote_capable
    occupation = workers.occupation
    firm_place = firms.place
    firm_productivity = firms.productivity
    layoff_rate = rates.layoff_rate
    job_loss = rates.job_loss
    exit_employed = rates.exit_employed
    exit_unemployed = rates.exit_unemployed
    entry_rate = rates.entry_rate
    inactive_search = rates.inactive_search
    ojs_share = search.ojs_share
    phi = wages.phi
    skill_premium = wages.skill_premium
    benefit = wages.benefit
    replacement_ratio = wages.replacement_ratio
    reservation_decay = wages.reservation_decay
    wage_adjustment = wages.adjustment
    constrained_search_share = participation.constrained_search_share
    constrained_exit_multiplier = participation.constrained_exit_multiplier
    remote_exit_multiplier = participation.remote_exit_multiplier
    remote_productivity = participation.remote_productivity
    retirement_age_months = retirement.retirement_age_months
    train = training.run
    chunk_sep = chunks.separations
    chunk_ret = chunks.retirements
    left = chunks.left
    chunk_left = chunks.n_left
    retired = chunks.retired
    chunk_retired = chunks.n_retired
    chunk_lay = chunks.layoffs
    chunk_in = chunks.training_entries
    chunk_out = chunks.training_completions
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
            if st == ABSENT:
                searching[i] = False
                continue
            age_months[i] += 1
            if retirement_age_months > 0 and age_months[i] >= retirement_age_months:
                if st == EMPLOYED:
                    chunk_sep[c, firm_place[employer[i]]] += 1
                    left[start + n_left] = employer[i]
                    n_left += 1
                chunk_ret[c, home[i]] += 1
                retired[start + n_retired] = i
                n_retired += 1
                status[i] = ABSENT
                employer[i] = -1
                remote[i] = False
                searching[i] = False
                continue
            u = uniform(key, 3 * i)
            if st == EMPLOYED:
                j = employer[i]
                if firm_exiting[j]:
                    # The employer closes: laid off, then an unemployed worker this month.
                    chunk_lay[c, firm_place[j]] += 1
                    n_left = _separate(i, j, c, start + n_left, chunk_sep, firm_place, left,
                                       employer, remote, months_unemployed) - start
                    status[i] = UNEMPLOYED
                    r = replacement_ratio * wage[i]
                    reservation_wage[i] = r if r > benefit else benefit
                    st = UNEMPLOYED
                else:
                    s = skill[i]
                    # x + 0.0 == x and x * 1.0 == x: no shedding and no job-loss
                    # multiplier leave the layoff rate bit-identical.
                    lay = layoff_rate[s] * job_loss[home[i]] + firm_shed[j]
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
                            chunk_lay[c, firm_place[j]] += 1
                            status[i] = UNEMPLOYED
                            r = replacement_ratio * wage[i]
                            reservation_wage[i] = r if r > benefit else benefit
                            searching[i] = True
                        else:
                            status[i] = INACTIVE
                            searching[i] = False
                        continue
                    q = firm_place[j]
                    y = firm_productivity[j] * skill_premium[s] * human_capital[i]
                    if remote[i]:
                        y *= 1.0 + remote_productivity[occupation[i]]
                    going = bargained_wage_jit(benefit, phi[q], y)
                    wage[i] += wage_adjustment * (going - wage[i])
                    # Given no separation, u is uniform on [sep, 1): search with ojs_share.
                    searching[i] = u < sep + ojs_share * (1.0 - sep)
                    continue
            if st == UNEMPLOYED:
                exit_u = exit_unemployed
                if constrained[i]:
                    exit_u *= (
                        remote_exit_multiplier if remote_capable[i]
                        else constrained_exit_multiplier
                    )
                if u < exit_u:
                    status[i] = INACTIVE
                    searching[i] = False
                    continue
                if months_unemployed[i] < 32767:
                    months_unemployed[i] += 1
                r = reservation_wage[i] * (1.0 - reservation_decay)
                reservation_wage[i] = r if r > benefit else benefit
                searching[i] = True
            elif st == INACTIVE:
                if u < entry_rate[home[i]]:
                    status[i] = UNEMPLOYED
                    months_unemployed[i] = 0
                    r = replacement_ratio * wage[i]
                    reservation_wage[i] = r if r > benefit else benefit
                    searching[i] = True
                else:
                    # Searches while staying inactive (the constrained for remote or local
                    # work; a hire is a direct move from inactivity to work, as most hires
                    # of the inactive in the LFS are). Given no entry, u is uniform on
                    # [entry, 1), so a share of 0 never searches.
                    share = (constrained_search_share if constrained[i]
                             else inactive_search[home[i]])
                    e = entry_rate[home[i]]
                    searching[i] = u < e + share * (1.0 - e)
                    if searching[i] and reservation_wage[i] < benefit:
                        reservation_wage[i] = benefit
            else:
                searching[i] = False
        chunk_left[c] = n_left
        chunk_retired[c] = n_retired
        if train:
            training_chunk(start, stop, workers, searching, training, chunk_in[c], chunk_out[c])

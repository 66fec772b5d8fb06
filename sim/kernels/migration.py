"""Migration kernels: who considers moving, where they go, and who emigrates.

The two internal-move kernels touch only the workers concerned. :func:`draw_candidates` walks
the worker table by geometric skips (the gap to the next candidate is drawn
from the largest monthly consideration probability ``p_max``, and a candidate
is kept with ``p_i / p_max``), chunk by chunk in parallel, so its cost is
proportional to the number of candidates, about ``p_max`` x workers, not to
the table. :func:`choose_and_move`
draws each mover's destination from a logit over places, O(places) per mover.

Draws come from counter-based streams (:mod:`sim.kernels.rng`): the skip
sequence uses counters ``2 r`` (the gap after row ``r - 1``) and ``2 i + 1``
(keeping row ``i``), the destination of worker ``i`` uses counter ``i`` of its
own stream. Destinations are chosen in parallel (each from the
candidate's own row and counter) and the moves applied serially in candidate
order, so results do not depend on threads.

:func:`draw_emigrants` (international migration, :mod:`sim.mechanisms.international`)
visits every row once, in parallel, with counter ``i`` of its own stream for row ``i``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from sim.agents.workers import ABSENT, EMPLOYED, UNEMPLOYED
from sim.kernels.rng import uniform

#: Rows per chunk of the parallel candidate draw.
CHUNK = 1 << 16


@njit(cache=True)
def draw_candidates(key, workers, rules, scratch):
    """Rows of the workers who consider moving this month (sorted).

    Worker ``i`` (present, not absent) considers a move with probability
    ``base_rate x age_multiplier[a] x skill_multiplier[skill]``, where ``a`` is 0 below
    ``young_age_months``, 2 at or above ``old_age_months`` and 1 in between.

    The table is cut into chunks of :data:`CHUNK` rows walked in parallel, each by its
    own skip sequence: from row ``r`` (or the row before the chunk) the next row
    visited is ``r + 1 + floor(log(1 - u) / log(1 - p_max))`` with ``u`` from counter
    ``2 (r + 1)``, and a visited row ``i`` is kept with probability ``p_i / p_max``
    (counter ``2 i + 1``). Counters depend on rows only, so the result does not depend
    on threads.

    Args:
        key: stream key.
        workers: :class:`~sim.kernels.bundles.WorkerColumns` (status, age and skill are
            read).
        rules: :class:`~sim.kernels.bundles.MigrationRules`: ``base_rate`` (a month), the
            age bands (months), the multipliers by age band and skill, and ``p_max``, an
            upper bound of every worker's probability in [0, 1] (0: nobody).
        scratch: (N,) int32 work space (overwritten).

    Returns:
        int64 array of rows.
    """
    status = workers.status
    p_max = rules.p_max
    n = status.shape[0]
    if p_max <= 0.0 or n == 0:
        return np.empty(0, dtype=np.int64)
    n_chunks = (n + CHUNK - 1) // CHUNK
    found = np.zeros(n_chunks, dtype=np.int64)
    _candidate_chunks(key, workers, rules, scratch, found)
    out = np.empty(found.sum(), dtype=np.int64)
    m = 0
    for c in range(n_chunks):
        for t in range(c * CHUNK, c * CHUNK + found[c]):
            out[m] = scratch[t]
            m += 1
    return out


@njit(cache=True, parallel=True)
def _candidate_chunks(key, workers, rules, scratch, found):
    status = workers.status
    age_months = workers.age_months
    skill = workers.skill
    base_rate = rules.base_rate
    young_age_months = rules.young_age_months
    old_age_months = rules.old_age_months
    age_multiplier = rules.age_multiplier
    skill_multiplier = rules.skill_multiplier
    p_max = rules.p_max
    n = status.shape[0]
    log_q = math.log(1.0 - p_max) if p_max < 1.0 else -1e300
    for c in prange(found.shape[0]):
        start = c * CHUNK
        stop = min(start + CHUNK, n)
        # 1. The rows the skip sequence visits (arithmetic only), listed at scratch[start:].
        v = 0
        i = start - 1
        while True:
            if p_max >= 1.0:
                i += 1
            else:
                u = uniform(key, 2 * (i + 1))
                i += 1 + int(math.log(1.0 - u) / log_q)
            if i >= stop:
                break
            scratch[start + v] = i
            v += 1
        # 2. Keep each with p_i / p_max. The rows' loads are independent here, so many
        # are in flight at once (reading them inside the walk measured slower).
        m = 0
        for t in range(start, start + v):
            i = scratch[t]
            if status[i] == ABSENT:
                continue
            a = age_months[i]
            band = 0 if a < young_age_months else (2 if a >= old_age_months else 1)
            p = base_rate * age_multiplier[band] * skill_multiplier[skill[i]]
            if uniform(key, 2 * i + 1) * p_max < p:
                scratch[start + m] = i
                m += 1
        found[c] = m


@njit(cache=True)
def choose_and_move(key, movers, workers, firms, places, minutes, rules, wages, out):
    """Draw each candidate's destination and move them.

    Value of place ``d`` for worker ``i`` living in ``o`` (GBP a week)::

        V_id = y_id + place_value[d, s_i] - m_od,   m_od = fixed + c_min minutes[o, d] (0 if d = o)
        y_id = wage_i - kappa f_i minutes[d, q_i]   if employed at q_i and the job is kept
             = skill_premium[s_i] x expected_earnings[d]   otherwise
               (minus job_loss_cost for an employed worker who would lose the job)

    with ``place_value[d, s_i] = amenity - housing cost`` (and the residual amenity, by
    skill) and ``f_i`` the hybrid commute factor for
    a remote/hybrid job (1 otherwise). The job is kept when ``f_i minutes[d, q_i] <=
    max_commute_minutes`` and the wage net of commuting is at least the reservation wage.
    ``P(d) = exp(V_id / sigma + log_size[d]) / sum``. A mover who leaves a job becomes
    unemployed (employment of the firm falls by one).

    Args:
        key: stream key (counter = worker row).
        movers: (M,) int64 rows of the candidates.
        workers: :class:`~sim.kernels.bundles.WorkerColumns` (home, status, employer,
            spell, reservation wage and remote flag modified in place for movers).
        firms: :class:`~sim.kernels.bundles.FirmColumns` (place read; employment
            modified on quits).
        places: :class:`~sim.kernels.bundles.MigrationPlaces`: value of each place to a
            mover of each skill (amenity minus housing cost), expected earnings (GBP a
            week) and log size.
        minutes: (P, P) travel minutes.
        rules: :class:`~sim.kernels.bundles.MigrationRules`: logit scale ``sigma``, moving
            costs (GBP a week equivalent), longest commute kept (minutes) and the cost
            of losing a job (GBP a week).
        wages: :class:`~sim.kernels.bundles.WageRules`: skill premium, commuting cost
            ``kappa`` (GBP a week per one-way minute), hybrid commute factor, and the
            replacement ratio and benefit that set the reservation wage on quitting.
        out: :class:`~sim.kernels.bundles.MoveCounts`: ``moved_from`` (M,) origin of each
            mover or -1 when staying; ``quit`` (M,) True when the move ended the job;
            moves into and out of each place, all and advanced skills (added to).
    """
    home = workers.home
    skill = workers.skill
    status = workers.status
    employer = workers.employer
    wage = workers.wage
    reservation_wage = workers.reservation_wage
    months_unemployed = workers.months_unemployed
    remote = workers.remote
    firm_place = firms.place
    firm_employment = firms.employment
    commute_cost_per_minute = wages.commute_cost
    hybrid_factor = wages.hybrid_factor
    replacement_ratio = wages.replacement_ratio
    benefit = wages.benefit
    max_commute_minutes = rules.max_commute_minutes
    moved_from = out.moved_from
    quit = out.quit
    in_moves = out.in_moves
    out_moves = out.out_moves
    in_adv = out.in_advanced
    out_adv = out.out_advanced
    dest_of = np.empty(movers.shape[0], dtype=np.int64)
    _choose_destinations(key, movers, workers, firms, places, minutes, rules, wages, dest_of)
    for k in range(movers.shape[0]):
        i = movers[k]
        o = home[i]
        dest = dest_of[k]
        moved_from[k] = -1
        quit[k] = False
        if dest == o:
            continue
        s = skill[i]
        employed = status[i] == EMPLOYED
        q = -1
        f = 1.0
        if employed:
            q = firm_place[employer[i]]
            if remote[i]:
                f = hybrid_factor
        moved_from[k] = o
        home[i] = dest
        out_moves[o] += 1
        in_moves[dest] += 1
        if s == 2:
            out_adv[o] += 1
            in_adv[dest] += 1
        if employed:
            eff = f * minutes[dest, q]
            net = wage[i] - commute_cost_per_minute * eff
            if eff > max_commute_minutes or net < reservation_wage[i]:
                firm_employment[employer[i]] -= 1
                employer[i] = -1
                status[i] = UNEMPLOYED
                remote[i] = False
                months_unemployed[i] = 0
                r = replacement_ratio * wage[i]
                reservation_wage[i] = r if r > benefit else benefit
                quit[k] = True


#: Candidates per block of the parallel destination choice (one scratch row per block).
_BLOCK = 256


@njit(cache=True, parallel=True)
def _choose_destinations(key, movers, workers, firms, places, minutes, rules, wages, dest_of):
    """Destination of each candidate (its home when staying). Choices read only the
    candidate's own row and place-level values, so blocks of candidates run in
    parallel; the draw uses the candidate's own counter, so threads do not matter."""
    # The bundles' fields as locals before the parallel loop.
    home = workers.home
    skill = workers.skill
    status = workers.status
    employer = workers.employer
    wage = workers.wage
    reservation_wage = workers.reservation_wage
    remote = workers.remote
    firm_place = firms.place
    place_value = places.place_value
    expected_earnings = places.expected_earnings
    log_size = places.log_size
    skill_premium = wages.skill_premium
    commute_cost_per_minute = wages.commute_cost
    hybrid_factor = wages.hybrid_factor
    sigma = rules.logit_scale
    fixed_cost = rules.fixed_cost
    cost_per_minute = rules.cost_per_minute
    max_commute_minutes = rules.max_commute_minutes
    job_loss_cost = rules.job_loss_cost
    n_places = place_value.shape[0]
    n = movers.shape[0]
    n_blocks = (n + _BLOCK - 1) // _BLOCK
    for b in prange(n_blocks):
        lw = np.empty(n_places)  # scratch per block, not per candidate
        lo = b * _BLOCK
        hi = min(n, lo + _BLOCK)
        # The block's rows first, in a loop of their own (independent loads, many cache
        # misses in flight), then the choices.
        g_home = np.empty(hi - lo, dtype=np.int64)
        g_skill = np.empty(hi - lo, dtype=np.int64)
        g_place = np.empty(hi - lo, dtype=np.int64)  # workplace, -1 if not employed
        g_factor = np.empty(hi - lo)
        g_wage = np.empty(hi - lo)
        g_res = np.empty(hi - lo)
        for k in range(lo, hi):
            i = movers[k]
            t = k - lo
            g_home[t] = home[i]
            g_skill[t] = skill[i]
            g_place[t] = -1
            g_factor[t] = 1.0
            if status[i] == EMPLOYED:
                g_place[t] = firm_place[employer[i]]
                if remote[i]:
                    g_factor[t] = hybrid_factor
            g_wage[t] = wage[i]
            g_res[t] = reservation_wage[i]
        for k in range(lo, hi):
            i = movers[k]
            t = k - lo
            o = g_home[t]
            s = g_skill[t]
            q = g_place[t]
            employed = q >= 0
            f = g_factor[t]
            best = -1e300
            for d in range(n_places):
                y = skill_premium[s] * expected_earnings[d]
                if employed:
                    eff = f * minutes[d, q]
                    net = g_wage[t] - commute_cost_per_minute * eff
                    if eff <= max_commute_minutes and net >= g_res[t]:
                        y = net
                    else:
                        y -= job_loss_cost
                v = y + place_value[d, s]
                if d != o:
                    v -= fixed_cost + cost_per_minute * minutes[o, d]
                x = v / sigma + log_size[d]
                lw[d] = x
                if x > best:
                    best = x
            total = 0.0
            for d in range(n_places):
                lw[d] = math.exp(lw[d] - best)
                total += lw[d]
            u = uniform(key, i) * total
            dest = n_places - 1
            acc = 0.0
            for d in range(n_places):
                acc += lw[d]
                if u < acc:
                    dest = d
                    break
            dest_of[k] = dest


@njit(cache=True, parallel=True)
def _leave_flags(key, status, home, skill, rate, flags):
    for i in prange(status.shape[0]):
        if status[i] != ABSENT and uniform(key, i) < rate[home[i], skill[i]]:
            flags[i] = 1
        else:
            flags[i] = 0


def draw_emigrants(key, status, home, rate_by_place, skill=None):
    """Rows of the present workers who emigrate this month (sorted).

    Worker ``i`` (not absent) leaves with probability ``rate_by_place[home[i]]`` (or
    ``rate_by_place[home[i], skill[i]]`` for a table by place and skill), drawn from
    counter ``i`` of stream ``key``: one draw per row, so the result does not depend on
    threads, and a table whose columns are equal draws the same rows as its column.

    Args:
        key: stream key.
        status: (N,) int8 worker status.
        home: (N,) home place of each worker.
        rate_by_place: (P,) or (P, K) float64 monthly probability of emigrating, by place
            (and skill level).
        skill: (N,) skill level of each worker; needed with a (P, K) table.

    Returns:
        int64 array of rows.
    """
    rate = np.asarray(rate_by_place, dtype=np.float64)
    if rate.ndim == 1:
        rate, skill = rate[:, None], np.zeros(status.shape[0], dtype=np.int8)
    elif skill is None:
        raise ValueError("draw_emigrants: a rate table by place and skill needs skill")
    flags = np.empty(status.shape[0], dtype=np.uint8)
    _leave_flags(key, status, home, np.ascontiguousarray(skill),
                 np.ascontiguousarray(rate), flags)
    return np.flatnonzero(flags).astype(np.int64)

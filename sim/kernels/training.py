"""Training kernel: entry into courses, the monthly countdown and completion.

One pass over the worker table each month (after the flows kernel). See
:mod:`sim.mechanisms.training` for the economics. Draws come from the counter-based streams
of :mod:`sim.kernels.rng`, counter ``4 i + d`` for draw ``d`` of worker ``i``; work
is split into fixed chunks run in parallel and counts by place are summed in chunk
order, so results do not depend on the number of threads.

Entry is rare (at most about 1% a month), so it is drawn by thinning rather than
with one draw per worker: a skip sequence with geometric gaps visits each row with
probability ``q = min(max(r_E, r_U, r_I) x FUNDING_CAP, 1)`` (the gap from row
``i`` is drawn with counter ``4 i + 3``), and a visited eligible worker starts with
probability ``p_i / q``, ``p_i = r_status F_p``: overall probability ``p_i`` as
long as ``F_p <= FUNDING_CAP`` (beyond, entry saturates at ``q``). The visited rows
depend only on the key and the rates, not on funding or statuses, so a funding
policy keeps common random numbers with its baseline. Each chunk first walks its
skip sequence (entries), then makes one light pass over ``training_left`` (the
countdown of people on a course, rarely non-zero); a starter's course length is
held negated until that pass so that it is not counted down in its first month.
This gives the same results as one combined loop and, measured at a million
workers, takes about 30% less time. A worker whose row is absent (retired) has
their course cleared.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from sim.agents.workers import ABSENT, EMPLOYED, INACTIVE, TRAINING, UNEMPLOYED
from sim.kernels.rng import uniform

__all__ = ["training_month", "training_chunk", "CHUNK", "FUNDING_CAP"]

CHUNK = 1 << 16
#: Highest skills-funding multiplier the entry draws allow (see the module docstring).
FUNDING_CAP = 5.0



@njit(cache=True)
def training_month(workers, searching, training):
    """Apply one month of training in place (nothing when ``training.run`` is False).

    Args:
        workers: the worker columns (:class:`~sim.kernels.bundles.WorkerColumns`); home,
            skill, human_capital, status, training_left, trained_with and
            months_unemployed are read and modified in place.
        searching: (N,) bool, this month's searchers (new trainees stop searching;
            people leaving a full-time course start).
        training: :class:`~sim.kernels.bundles.TrainingArgs`: stream key, entry
            probability by status (employed, unemployed, inactive, a month), funding
            multiplier by home place, course length by skill (months), completion rate,
            employer-linked share; its ``entries`` and ``completions`` by home place are
            added to.
    """
    if not training.run:
        return
    n = workers.home.shape[0]
    n_places = training.entries.shape[0]
    n_chunks = (n + CHUNK - 1) // CHUNK
    chunk_in = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_out = np.zeros((n_chunks, n_places), dtype=np.int64)
    _training_chunks(workers, searching, training, chunk_in, chunk_out)
    entries = training.entries
    completions = training.completions
    for c in range(n_chunks):
        for p in range(n_places):
            entries[p] += chunk_in[c, p]
            completions[p] += chunk_out[c, p]


@njit(cache=True, inline="always")
def _next_visit(key, i, log_keep):
    """First row at or after ``i`` visited by the employed skip sequence (geometric gaps)."""
    if log_keep == 0.0:
        return np.int64(-1)
    if log_keep == -math.inf:
        return np.int64(i)
    u = uniform(key, 4 * i + 3)
    return np.int64(i) + np.int64(math.log(1.0 - u) / log_keep)


@njit(cache=True, parallel=True)
def _training_chunks(workers, searching, training, chunk_in, chunk_out):
    n = workers.home.shape[0]
    for c in prange(chunk_in.shape[0]):
        training_chunk(
            c * CHUNK, min(c * CHUNK + CHUNK, n), workers, searching, training, chunk_in[c],
            chunk_out[c],
        )


@njit(cache=True)
def training_chunk(start, stop, workers, searching, training, entries, completions):
    """One month of training for rows ``start:stop`` (a chunk of :data:`CHUNK` rows, the
    last one shorter); counts by place are added to ``entries`` and ``completions``
    (rows of the caller's per-chunk counts; ``training.entries`` is not touched).

    Rows are independent, so the flows kernel can call this for each of its chunks
    right after flowing them (while they are in cache) with the same result as
    :func:`training_month` run after the flows. Arguments as in :func:`training_month`.
    """
    home = workers.home
    skill = workers.skill
    human_capital = workers.human_capital
    status = workers.status
    training_left = workers.training_left
    trained_with = workers.trained_with
    months_unemployed = workers.months_unemployed
    key = training.key
    rate_by_status = training.rate_by_status
    funding = training.funding
    duration_by_skill = training.duration_by_skill
    completion_rate = training.completion_rate
    linked_share = training.linked_share
    earning_power = training.earning_power
    r_max = max(rate_by_status[0], max(rate_by_status[1], rate_by_status[2]))
    cap = min(r_max * FUNDING_CAP, 1.0)
    log_keep = math.log1p(-cap) if cap < 1.0 else -math.inf
    # 1. Entry, at the rows of the skip sequence only. A starter's course length is
    # stored negated, so that step 2 can tell new starters (whose countdown begins
    # next month) from people already on a course.
    i = _next_visit(key, start, log_keep)
    while i >= 0 and i < stop:
        if training_left[i] == 0:
            st = status[i]
            if st <= INACTIVE and skill[i] < 2:
                p = rate_by_status[st] * funding[home[i], skill[i]] / cap
                if uniform(key, 4 * i + 2) < p:
                    training_left[i] = -duration_by_skill[skill[i]]
                    entries[home[i]] += 1
                    if st != EMPLOYED:
                        status[i] = TRAINING
                        searching[i] = False
        i = _next_visit(key, i + 1, log_keep)
    # 2. Countdown and completion: one light pass over training_left (rarely non-zero).
    for i in range(start, stop):
        left = training_left[i]
        if left == 0:
            continue
        if left < 0:  # started this month
            training_left[i] = -left
            continue
        st = status[i]
        if st == ABSENT:  # retired during the course
            training_left[i] = 0
            continue
        left -= 1
        training_left[i] = left
        if left > 0:
            continue
        # Course over: completion raises skill by one level.
        if uniform(key, 4 * i) < completion_rate:
            if skill[i] < 2:
                skill[i] += 1
            # Human capital halfway (in logs) back to the new level's mean of 1, the
            # residents' earning power of the home place kept (1 unless settled).
            f = earning_power[home[i]]
            human_capital[i] = np.float32(np.sqrt(human_capital[i] / f) * f)
            if uniform(key, 4 * i + 1) < linked_share[home[i]]:
                trained_with[i] = home[i]
            completions[home[i]] += 1
        if st == TRAINING:
            status[i] = UNEMPLOYED
            months_unemployed[i] = 0
            searching[i] = True

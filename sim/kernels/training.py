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

from sim.kernels.rng import uniform

__all__ = ["training_month", "training_chunk", "CHUNK", "FUNDING_CAP"]

CHUNK = 1 << 16
#: Highest skills-funding multiplier the entry draws allow (see the module docstring).
FUNDING_CAP = 5.0

_EMPLOYED, _UNEMPLOYED, _INACTIVE, _TRAINING, _ABSENT = 0, 1, 2, 3, 4


@njit(cache=True)
def training_month(
    key, home, skill, human_capital, status, training_left, trained_with, months_unemployed,
    searching, rate_by_status, funding, duration_by_skill, completion_rate, linked_share,
    entries_by_place, completions_by_place,
):
    """Apply one month of training in place.

    Args:
        key: stream key (``stream_key(seed, month, STAGE)``).
        home, skill, human_capital, status, training_left, trained_with, months_unemployed:
            worker columns (modified in place).
        searching: (N,) bool, this month's searchers (new trainees stop searching;
            people leaving a full-time course start).
        rate_by_status: (3,) monthly entry probability for employed, unemployed, inactive.
        funding: (P,) multiplier of the entry probability by home place.
        duration_by_skill: (2,) course length in months for a worker of skill 0 and 1.
        completion_rate: probability a course is completed.
        linked_share: share of courses run with local employers.
        entries_by_place, completions_by_place: (P,) int64 outputs (added to).
    """
    n = home.shape[0]
    n_places = entries_by_place.shape[0]
    n_chunks = (n + CHUNK - 1) // CHUNK
    chunk_in = np.zeros((n_chunks, n_places), dtype=np.int64)
    chunk_out = np.zeros((n_chunks, n_places), dtype=np.int64)
    _training_chunks(
        key, home, skill, human_capital, status, training_left, trained_with,
        months_unemployed, searching, rate_by_status, funding, duration_by_skill,
        completion_rate, linked_share, chunk_in, chunk_out,
    )
    for c in range(n_chunks):
        for p in range(n_places):
            entries_by_place[p] += chunk_in[c, p]
            completions_by_place[p] += chunk_out[c, p]


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
def _training_chunks(
    key, home, skill, human_capital, status, training_left, trained_with, months_unemployed,
    searching, rate_by_status, funding, duration_by_skill, completion_rate, linked_share,
    chunk_in, chunk_out,
):
    n = home.shape[0]
    for c in prange(chunk_in.shape[0]):
        training_chunk(
            key, c * CHUNK, min(c * CHUNK + CHUNK, n), home, skill, human_capital, status,
            training_left, trained_with, months_unemployed, searching, rate_by_status, funding,
            duration_by_skill, completion_rate, linked_share, chunk_in[c], chunk_out[c],
        )


@njit(cache=True)
def training_chunk(
    key, start, stop, home, skill, human_capital, status, training_left, trained_with,
    months_unemployed, searching, rate_by_status, funding, duration_by_skill, completion_rate,
    linked_share, entries, completions,
):
    """One month of training for rows ``start:stop`` (a chunk of :data:`CHUNK` rows, the
    last one shorter); counts by place are added to ``entries`` and ``completions``.

    Rows are independent, so the flows kernel can call this for each of its chunks
    right after flowing them (while they are in cache) with the same result as
    :func:`training_month` run after the flows.
    """
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
            if st <= _INACTIVE and skill[i] < 2:
                p = rate_by_status[st] * funding[home[i]] / cap
                if uniform(key, 4 * i + 2) < p:
                    training_left[i] = -duration_by_skill[skill[i]]
                    entries[home[i]] += 1
                    if st != _EMPLOYED:
                        status[i] = _TRAINING
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
        if st == _ABSENT:  # retired during the course
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
            # Human capital halfway (in logs) back to the new level's mean of 1.
            human_capital[i] = np.float32(np.sqrt(human_capital[i]))
            if uniform(key, 4 * i + 1) < linked_share:
                trained_with[i] = home[i]
            completions[home[i]] += 1
        if st == _TRAINING:
            status[i] = _UNEMPLOYED
            months_unemployed[i] = 0
            searching[i] = True

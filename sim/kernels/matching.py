r"""Job search and matching: one round of applications, ranking, offers and hires.

A round, for the searchers ``S`` and the firms' open vacancies ``v_j``:

1. **Applications.** Each searcher ``i`` living in ``o`` sends up to ``k``
   applications. Each is drawn in two stages, so that it costs
   :math:`O(\log P)` and never :math:`O(F)`:

   * a destination place ``d`` with probability proportional to

     .. math:: V_d \, e^{-\beta T_{od}}

     where :math:`V_d` are the open vacancies in ``d`` and :math:`T_{od}` the
     commute in minutes (with ``search.distance_decay_skill_factor`` the decay is
     :math:`\beta f_s` for a searcher of skill ``s``: one table of destinations per
     skill level). With probability ``remote_share`` a remote-capable
     searcher instead aims at remote-capable vacancies
     :math:`V^r_d = \sum_{j \in d} \tau_j v_j`, weighted by
     :math:`e^{-\beta h T_{od}}` with ``h`` the share of days a hybrid worker
     commutes;
   * a firm ``j`` in ``d`` with probability proportional to its vacancies
     (times its teleworkable share :math:`\tau_j` for a remote application):
     one of the place's open vacancies at random, O(1), through the place's
     Walker alias table for the weights :math:`\tau_j` for a remote application
     (also O(1));
   * the arrangement: every application of a remote-capable worker, aimed at
     remote vacancies or not, is for a hybrid job with probability
     :func:`hybrid_probability` of the employer's teleworkable share, the
     adoption odds and the commuting cost a hybrid week saves
     (:mod:`sim.mechanisms.remote_work`); otherwise the job is on site. Where to
     look and how the job is worked are separate: an application aimed at remote
     vacancies may turn out on site (then valued with the full commute).

   The job's wage is the Nash-bargained wage
   :math:`w_{ij} = b_i + \phi_d (y_{ij} - b_i)` with
   :math:`y_{ij} = A_j q_{s_i} h_i` (GBP a week) and :math:`b_i` the worker's
   outside option (reservation wage, or current wage for the employed). Its
   value to the worker is :math:`w_{ij} - c\,m\,T_{od}` with ``c`` the
   commuting cost per one-way minute a week and ``m`` = 1, or ``h`` for a
   hybrid job. Applications go only where the job has a surplus
   (:math:`y_{ij} > b_i`); the employed apply only where the value beats their
   current job by ``job_switch_premium``, while the unemployed apply more
   widely and turn down offers worth less than their reservation wage (an
   offer declined leaves the vacancy open). Repeated applications to one firm
   are dropped. Each application is read (the applicant called back) with
   probability ``callback_rate`` and is otherwise lost: a vacancy's queue of
   readable applicants is short, so whether it is filled depends on how many
   search (an urn-ball friction; see docs/ODD.md, "Frictions that bind").
2. **Ranking.** Each firm scores its applicants by
   :math:`-\omega |s_i - s_j| + \ln h_i + \sigma \varepsilon - \pi \min(d_i, 8) / 8`
   (skill fit plus noise; :math:`\varepsilon` is logistic with unit variance, so the
   ranking is a logit in the applicants' fit; the last term, for an unemployed applicant
   whose spell has lasted :math:`d_i` months, is ``long_term_unemployment_penalty``
   :math:`\pi`: employers call the long-term unemployed back less, Kroft, Lange and
   Notowidigdo 2013). Applicants scoring below the firm's hiring
   standard are not hired (skill mismatch is a friction); the firm offers its
   ``v_j`` best acceptable applicants (all, if fewer).
3. **Acceptance.** Each searcher takes the offer of highest value, if it
   beats their reservation wage or current job.
4. **Hires.** Vacancies fall and employment rises by one per accepted offer;
   a job-to-job mover leaves a gap at the old firm.

**Two channels** (``search.public_listing_share`` :math:`\lambda > 0`). Before the
rounds each firm lists :math:`\ell_j`, :math:`\lambda v_j` rounded up or down at random
(:func:`list_openings`), in the channel where the unemployed search: a round of
the four stages above in which only the unemployed apply, and only to the listed
openings. The unemployed do not search the open market; the employed and the
inactive search it in the ``matching_rounds`` rounds that follow, over every opening
still open, the listed ones the unemployed did not fill included. The unemployed
then compete with one another and not with the far more numerous employed
searchers, so their outflow has the concave, constant-returns shape of an urn-ball
within their channel (docs/ODD.md, "Frictions that bind").

Because a firm makes at most ``v_j`` offers and a worker accepts at most one,
no vacancy is filled twice and no worker holds two jobs. Unfilled vacancies
go to the next round (called again by the model with the remaining
searchers). Draws use counters built from the worker's row, so results do not
depend on threads or on who else searches.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from sim.agents.wages import bargained_wage_jit
from sim.agents.workers import EMPLOYED, UNEMPLOYED
from sim.kernels.bundles import SearcherColumns
from sim.kernels.rng import logistic, uniform

#: Months of unemployment over which the long-term unemployment penalty builds up: in
#: Kroft, Lange and Notowidigdo's (2013) audit study the callback rate falls over the first
#: eight months of a spell and is flat after.
PENALTY_RAMP_MONTHS = 8

_DRAWS = 8  # counters per application: 0 place, 1 firm, 2 remote aim, 3 alias,
# 4 callback, 5 hybrid arrangement, 7 score (6 free)


@njit(cache=True)
def list_openings(key, vacancies, share, listed):
    """Openings each firm lists in the unemployed's channel this month.

    ``listed[j]`` is ``share * vacancies[j]`` rounded down, plus one with probability
    its fractional part (so its expectation is ``share * vacancies[j]`` and it never
    exceeds ``vacancies[j]``), drawn with counter ``j`` of ``key``
    (``stream_key(seed, month, STAGES["public_listing"])``). Cost O(F).
    """
    for j in range(vacancies.shape[0]):
        x = share * vacancies[j]
        n = math.floor(x)
        if uniform(key, j) < x - n:
            n += 1
        listed[j] = min(n, vacancies[j])


@njit(cache=True)
def vacancy_weights(firms, firms_by_place, place_start, decay, decay_remote, tables):
    """Sampling tables for the two-stage draw. Cost O(F + V + L P^2).

    Args:
        firms: :class:`~sim.kernels.bundles.FirmColumns` (``vacancies`` and
            ``teleworkable`` are read).
        firms_by_place: (F_live,) int64 firm rows sorted by place.
        place_start: (P + 1,) int64, start of each place's firms in ``firms_by_place``.
        decay: (L, P, P) ``exp(-beta f_s T_od)``, ``beta`` per minute, ``T`` minutes,
            one layer per skill level ``s`` (L = 3) or one for all (L = 1).
        decay_remote: (L, P, P) the same with the hybrid commute ``exp(-beta f_s h T_od)``.
        tables: :class:`~sim.kernels.bundles.VacancyTables` to fill (``vacancy_firm``,
            ``vacancy_prob`` and ``vacancy_alias`` with one entry per open vacancy).

    Fills ``vacancy_firm`` with one entry per open vacancy (the firm's row), grouped
    by place: the vacancies of place ``p`` are ``vacancy_firm[vacancy_start[p]:
    vacancy_start[p + 1]]``, so a uniform pick among them chooses a firm with
    probability proportional to its vacancies in O(1). For every layer ``l`` and origin
    ``o``, ``cum_place[l, o, d]`` = sum over ``d' <= d`` of ``V_d' decay[l, o, d']``, and
    ``cum_place_remote`` the same with remote-capable vacancies
    ``sum_j tau_j v_j`` and the hybrid decay. ``vacancy_prob`` and ``vacancy_alias``
    (one entry per vacancy) are Walker alias tables within each place for weights
    ``tau_j``: picking vacancy ``t`` uniformly in the place, then keeping it with
    probability ``vacancy_prob[t]`` or else taking ``vacancy_alias[t]``, chooses a firm
    with probability proportional to ``tau_j v_j`` in O(1).

    Returns:
        (P,) open vacancies by place.
    """
    vacancies = firms.vacancies
    teleworkable = firms.teleworkable
    cum_place = tables.cum_place
    cum_place_remote = tables.cum_place_remote
    vacancy_firm = tables.vacancy_firm
    vacancy_start = tables.vacancy_start
    vacancy_prob = tables.vacancy_prob
    vacancy_alias = tables.vacancy_alias
    n_places = place_start.shape[0] - 1
    vac_place = np.zeros(n_places)
    vac_place_remote = np.zeros(n_places)
    pos = 0
    for p in range(n_places):
        vacancy_start[p] = pos
        acc_r = 0.0
        for k in range(place_start[p], place_start[p + 1]):
            j = firms_by_place[k]
            v = vacancies[j]
            for _ in range(v):
                vacancy_firm[pos] = j
                pos += 1
            if v > 0:
                acc_r += v * teleworkable[j]
        vac_place[p] = pos - vacancy_start[p]
        vac_place_remote[p] = acc_r
    vacancy_start[n_places] = pos
    _alias_tables(teleworkable, vacancy_firm, vacancy_start, vacancy_prob, vacancy_alias)
    for layer in range(decay.shape[0]):
        for o in range(n_places):
            acc = 0.0
            acc_r = 0.0
            for d in range(n_places):
                acc += vac_place[d] * decay[layer, o, d]
                acc_r += vac_place_remote[d] * decay_remote[layer, o, d]
                cum_place[layer, o, d] = acc
                cum_place_remote[layer, o, d] = acc_r
    return vac_place


@njit(cache=True)
def _alias_tables(weight_of_firm, vacancy_firm, vacancy_start, prob, alias):
    """Vose's alias method within each place's segment of vacancies (deterministic)."""
    n_total = vacancy_firm.shape[0]
    scaled = np.empty(n_total)
    small = np.empty(n_total, dtype=np.int64)
    large = np.empty(n_total, dtype=np.int64)
    for p in range(vacancy_start.shape[0] - 1):
        lo = vacancy_start[p]
        hi = vacancy_start[p + 1]
        n = hi - lo
        total = 0.0
        for t in range(lo, hi):
            total += weight_of_firm[vacancy_firm[t]]
        if n == 0:
            continue
        if total <= 0.0:
            for t in range(lo, hi):
                prob[t] = 1.0
                alias[t] = t
            continue
        n_small = 0
        n_large = 0
        for t in range(lo, hi):
            scaled[t] = weight_of_firm[vacancy_firm[t]] * n / total
            alias[t] = t
            if scaled[t] < 1.0:
                small[n_small] = t
                n_small += 1
            else:
                large[n_large] = t
                n_large += 1
        while n_small > 0 and n_large > 0:
            n_small -= 1
            s = small[n_small]
            g = large[n_large - 1]
            prob[s] = scaled[s]
            alias[s] = g
            scaled[g] = (scaled[g] + scaled[s]) - 1.0
            if scaled[g] < 1.0:
                n_large -= 1
                small[n_small] = g
                n_small += 1
        for t in range(n_large):
            prob[large[t]] = 1.0
        for t in range(n_small):  # left over by rounding: as good as 1
            prob[small[t]] = 1.0


@njit(cache=True, inline="always")
def _search_row(cum, o, n, x):
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if cum[o, mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def gather_searchers(searchers, workers):
    """The searchers' columns, gathered: row ``s`` of each is worker ``searchers[s]``.

    Args:
        searchers: (S,) int64 worker rows.
        workers: :class:`~sim.kernels.bundles.WorkerColumns` (read only).

    Returns:
        A :class:`~sim.kernels.bundles.SearcherColumns` of new arrays. The model gathers
        once a month and keeps the rows of those not hired for the next round
        (:func:`sim.kernels.bundles.select_rows`).
    """
    n_s = searchers.shape[0]
    g = SearcherColumns(
        np.empty(n_s, dtype=workers.home.dtype),
        np.empty(n_s, dtype=workers.skill.dtype),
        np.empty(n_s, dtype=workers.human_capital.dtype),
        np.empty(n_s, dtype=workers.status.dtype),
        np.empty(n_s, dtype=workers.wage.dtype),
        np.empty(n_s, dtype=workers.reservation_wage.dtype),
        np.empty(n_s, dtype=workers.remote_capable.dtype),
        np.empty(n_s, dtype=workers.remote.dtype),
        np.empty(n_s, dtype=workers.employer.dtype),
        np.empty(n_s, dtype=workers.constrained.dtype),
        np.empty(n_s, dtype=workers.trained_with.dtype),
        np.empty(n_s, dtype=workers.occupation.dtype),
        np.empty(n_s, dtype=workers.months_unemployed.dtype),
    )
    _gather_searchers(searchers, workers, g)
    return g


@njit(cache=True, parallel=True)
def _gather_searchers(searchers, workers, g):
    home = workers.home
    skill = workers.skill
    human_capital = workers.human_capital
    status = workers.status
    wage = workers.wage
    reservation_wage = workers.reservation_wage
    remote_capable = workers.remote_capable
    remote = workers.remote
    employer = workers.employer
    constrained = workers.constrained
    trained_with = workers.trained_with
    occupation = workers.occupation
    months_unemployed = workers.months_unemployed
    g_home = g.home
    g_skill = g.skill
    g_hc = g.human_capital
    g_status = g.status
    g_wage = g.wage
    g_res = g.reservation_wage
    g_capable = g.remote_capable
    g_remote = g.remote
    g_employer = g.employer
    g_cons = g.constrained
    g_trained = g.trained_with
    g_occ = g.occupation
    g_months = g.months_unemployed
    for s in prange(searchers.shape[0]):
        i = searchers[s]
        g_home[s] = home[i]
        g_skill[s] = skill[i]
        g_hc[s] = human_capital[i]
        g_status[s] = status[i]
        g_wage[s] = wage[i]
        g_res[s] = reservation_wage[i]
        g_capable[s] = remote_capable[i]
        g_remote[s] = remote[i]
        g_employer[s] = employer[i]
        g_cons[s] = constrained[i]
        g_trained[s] = trained_with[i]
        g_occ[s] = occupation[i]
        g_months[s] = months_unemployed[i]


@njit(cache=True, inline="always")
def hybrid_probability(adoption_odds, teleworkable, commute_log_odds):
    """Probability that a remote-capable worker's job at a firm is worked hybrid.

    A logit: the odds are ``adoption_odds * tau / (1 - tau) * exp(commute_log_odds)``,
    with ``tau`` the employer's teleworkable share and ``commute_log_odds`` the log-odds
    the commute adds (``hybrid_commute_response`` times the commuting cost a hybrid week
    saves, :mod:`sim.mechanisms.remote_work`). At odds 1 and no commute term it is
    ``tau`` itself. 0 when ``tau`` or the odds are 0, 1 when ``tau`` is 1 (and the odds
    positive); increasing in each argument. Scalars; numba or plain Python.
    """
    if teleworkable <= 0.0 or adoption_odds <= 0.0:
        return 0.0
    if teleworkable >= 1.0:
        return 1.0
    odds = adoption_odds * teleworkable / (1.0 - teleworkable) * math.exp(commute_log_odds)
    return 1.0 - 1.0 / (1.0 + odds)  # 1 when the odds overflow to infinity


@njit(cache=True, parallel=True)
def draw_applications(
    key, searchers, searcher_columns, firms, tables, minutes, search, wages, participation,
    link, apps,
):
    """Stage 1: up to ``k`` applications per searcher, in slots ``s*k .. s*k+k-1``.

    Args:
        key: stream key of the round (``stream_key(seed, month, STAGES["applications"],
            round)``).
        searchers: (S,) int64 worker rows (they set the random counters).
        searcher_columns: :class:`~sim.kernels.bundles.SearcherColumns`, the searchers'
            columns gathered by :func:`gather_searchers` (row ``s`` is worker
            ``searchers[s]``).
        firms: :class:`~sim.kernels.bundles.FirmColumns` (productivity, place,
            teleworkable share and skill demand are read).
        tables: :class:`~sim.kernels.bundles.VacancyTables` from :func:`vacancy_weights`.
        minutes: (P, P) travel minutes.
        search: :class:`~sim.kernels.bundles.SearchRules`: ``k``, remote share, switch
            premium, fit weight and noise of the score.
        wages: :class:`~sim.kernels.bundles.WageRules`: bargaining power by place, skill
            premium, commuting cost (GBP a week per minute), hybrid commute factor.
        participation: :class:`~sim.kernels.bundles.Participation`: remote productivity by
            occupation (neutral: 0).
        link: :class:`~sim.kernels.bundles.EmployerLink`: score bonus of employer-linked
            training (neutral: 0).
        apps: :class:`~sim.kernels.bundles.Applications` (S k slots) to fill.

    Empty slots have ``apps.firm == -1``. The employer's score of each application
    (skill fit, productivity and noise, see stage 2) is computed here, where the
    worker's row is at hand, so that ranking reads one contiguous array.

    A remote-capable searcher's application is for a hybrid job with probability
    :func:`hybrid_probability` (``participation``'s adoption odds, the firm's
    teleworkable share, and ``hybrid_commute_response`` times the commuting cost a
    hybrid week saves, ``commute_cost (1 - hybrid_factor)`` per one-way minute), drawn
    with counter 5 of the application; other searchers' applications are on site.
    A constrained worker (caring or disability constraint) applies only to remote
    vacancies (a share ``constrained_remote_search_share`` of the time, when
    remote-capable) or to vacancies in their own place, and only for a hybrid job or a
    job in their own place.
    A remote job's value added is ``(1 + remote_productivity[occupation])`` times the
    on-site one (``remote_productivity``: one value per SOC major group).
    A worker trained with local employers gets ``link_bonus`` on their score at firms
    in the place of the course.

    The searchers' columns are gathered in a loop of their own (many cache misses in
    flight) and the draws read them in order. Measured at a million workers: about
    20% less time per searcher than reading the worker table inside the draw loop.
    """
    # The bundles' fields as locals before the parallel loop.
    home = searcher_columns.home
    skill = searcher_columns.skill
    human_capital = searcher_columns.human_capital
    status = searcher_columns.status
    wage = searcher_columns.wage
    reservation_wage = searcher_columns.reservation_wage
    remote_capable = searcher_columns.remote_capable
    remote = searcher_columns.remote
    employer = searcher_columns.employer
    constrained = searcher_columns.constrained
    trained_with = searcher_columns.trained_with
    occupation = searcher_columns.occupation
    months_unemployed = searcher_columns.months_unemployed
    firm_productivity = firms.productivity
    firm_place = firms.place
    skill_demand = firms.skill_demand
    vacancy_firm = tables.vacancy_firm
    vacancy_start = tables.vacancy_start
    vacancy_prob = tables.vacancy_prob
    vacancy_alias = tables.vacancy_alias
    cum_place = tables.cum_place
    cum_place_remote = tables.cum_place_remote
    k = search.applications
    remote_share = search.remote_share
    switch_premium = search.switch_premium
    fit_weight = search.fit_weight
    overqual_weight = search.overqual_weight
    noise = search.noise
    callback_rate = search.callback_rate
    duration_penalty = search.duration_penalty
    phi = wages.phi
    skill_premium = wages.skill_premium
    commute_cost = wages.commute_cost
    hybrid_factor = wages.hybrid_factor
    remote_productivity = participation.remote_productivity
    constrained_remote_share = participation.constrained_remote_search_share
    adoption_odds = participation.hybrid_adoption_odds
    # Log-odds of a hybrid arrangement per one-way minute of commute it saves a week.
    log_odds_per_minute = (
        participation.hybrid_commute_response * commute_cost * (1.0 - hybrid_factor)
    )
    teleworkable = firms.teleworkable
    link_bonus = link.link_bonus
    app_firm = apps.firm
    app_wage = apps.wage
    app_value = apps.value
    app_remote = apps.remote
    app_score = apps.score
    n_places = vacancy_start.shape[0] - 1
    for s in prange(searchers.shape[0]):
        i = searchers[s]
        o = home[s]
        employed = status[s] == EMPLOYED
        if employed:
            j0 = employer[s]
            m0 = minutes[o, firm_place[j0]]
            c0 = commute_cost * (hybrid_factor if remote[s] else 1.0) * m0
            outside = wage[s]
            threshold = (wage[s] - c0) * (1.0 + switch_premium)
        else:
            outside = reservation_wage[s]
            threshold = reservation_wage[s]
        hc = skill_premium[skill[s]] * human_capital[s]
        log_h = math.log(human_capital[s])
        # Employers call the long-term unemployed back less: the score falls with the
        # spell, linearly to its full penalty at PENALTY_RAMP_MONTHS.
        stigma = 0.0
        if status[s] == UNEMPLOYED and duration_penalty > 0.0:
            stigma = duration_penalty * min(months_unemployed[s], PENALTY_RAMP_MONTHS) / (
                PENALTY_RAMP_MONTHS
            )
        s_i = np.int64(skill[s])
        # The searcher's layer of the destination tables: by skill when the decay
        # differs by skill, else the one layer.
        layer = s_i if cum_place.shape[0] > 1 else 0
        cum = cum_place[layer]
        cum_r = cum_place_remote[layer]
        total = cum[o, n_places - 1]
        total_r = cum_r[o, n_places - 1]
        for a in range(k):
            slot = s * k + a
            app_firm[slot] = -1
            base = (i * k + a) * _DRAWS
            # Only a share of applications is read (called back) this month; the rest
            # are lost, so a vacancy's queue of applicants is short and it may stay open.
            if callback_rate < 1.0 and uniform(key, base + 4) >= callback_rate:
                continue
            aim_remote = False
            cons = constrained[s]
            if remote_capable[s] and total_r > 0.0:
                aim_remote = uniform(key, base + 2) < (
                    constrained_remote_share if cons else remote_share
                )
            if aim_remote:
                x = uniform(key, base) * total_r
                d = _search_row(cum_r, o, n_places, x)
            elif cons:
                d = o
            else:
                if total <= 0.0:
                    continue
                x = uniform(key, base) * total
                d = _search_row(cum, o, n_places, x)
            if d >= n_places:
                d = n_places - 1
            lo = vacancy_start[d]
            n_vac = vacancy_start[d + 1] - lo
            if n_vac <= 0:
                continue
            # A firm with probability proportional to its vacancies: one vacancy at
            # random, O(1). For a remote application, the place's alias table turns
            # that into a firm with probability proportional to tau_j v_j, also O(1).
            t = lo + min(int(uniform(key, base + 1) * n_vac), n_vac - 1)
            if aim_remote and uniform(key, base + 3) >= vacancy_prob[t]:
                t = vacancy_alias[t]
            j = vacancy_firm[t]
            duplicate = False
            for b in range(a):
                if app_firm[s * k + b] == j:
                    duplicate = True
            if duplicate or (employed and j == employer[s]):
                continue
            # The arrangement: hybrid with hybrid_probability for a remote-capable worker.
            hybrid = False
            if remote_capable[s]:
                p_hybrid = hybrid_probability(
                    adoption_odds, teleworkable[j], log_odds_per_minute * minutes[o, d]
                )
                hybrid = uniform(key, base + 5) < p_hybrid
            if cons and not hybrid and d != o:
                continue  # the constraint allows only hybrid work or the own place
            y = firm_productivity[j] * hc
            if hybrid:
                y *= 1.0 + remote_productivity[occupation[s]]
            if y <= outside:
                continue
            w = bargained_wage_jit(outside, phi[d], y)
            factor = hybrid_factor if hybrid else 1.0
            # Value over the worker's threshold (reservation wage, or current job plus the
            # switch premium). The employed apply only where it is positive; the unemployed
            # apply more widely and turn down offers below their reservation wage.
            value = w - commute_cost * factor * minutes[o, d] - threshold
            if employed and value < 0.0:
                continue
            app_firm[slot] = j
            app_wage[slot] = w
            app_value[slot] = value
            app_remote[slot] = hybrid
            gap = s_i - np.int64(skill_demand[j])  # > 0: over-qualified; < 0: under
            misfit = overqual_weight * gap if gap > 0 else -fit_weight * gap
            eps = logistic(key, base + _DRAWS - 1)
            bonus = link_bonus if trained_with[s] == d else 0.0
            app_score[slot] = -misfit + log_h + noise * eps + bonus - stigma


@njit(cache=True)
def group_by_firm(apps, n_firms, queues):
    """Counting sort of the application slots by firm (stable: slot order within a firm).

    Reads ``apps.firm`` and ``apps.score`` (:class:`~sim.kernels.bundles.Applications`)
    and fills ``queues`` (:class:`~sim.kernels.bundles.FirmQueues`):
    ``firm_apps[firm_start[j]:firm_start[j+1]]`` are the slots that applied to ``j``, and
    ``firm_scores`` holds their scores in the same order, so that ranking reads one
    contiguous run per firm (the scatter here reads ``scores`` in order).
    """
    app_firm = apps.firm
    scores = apps.score
    firm_start = queues.firm_start
    firm_apps = queues.firm_apps
    firm_scores = queues.firm_scores
    firm_start[:] = 0
    for a in range(app_firm.shape[0]):
        j = app_firm[a]
        if j >= 0:
            firm_start[j + 1] += 1
    for j in range(n_firms):
        firm_start[j + 1] += firm_start[j]
    fill = firm_start[:-1].copy()
    for a in range(app_firm.shape[0]):
        j = app_firm[a]
        if j >= 0:
            firm_apps[fill[j]] = a
            firm_scores[fill[j]] = scores[a]
            fill[j] += 1


@njit(cache=True, inline="always")
def _swap(keys, idx, i, j):
    t = idx[i]
    idx[i] = idx[j]
    idx[j] = t
    x = keys[i]
    keys[i] = keys[j]
    keys[j] = x


@njit(cache=True, inline="always")
def _select_top(keys, idx, lo, hi, m):
    """Partially order ``idx[lo:hi]`` so its first ``m`` entries have the highest keys.

    ``keys[p]`` is the score of slot ``idx[p]``; the two are swapped together. In-place
    quickselect (deterministic middle pivot), no allocation. Ties are broken by slot
    number so the result does not depend on the input order.
    """
    target = lo + m  # first position that is not selected
    left = lo
    right = hi - 1
    while left < right:
        mid = (left + right) >> 1
        ps = keys[mid]
        pi = idx[mid]
        i = left
        j = right
        while i <= j:
            while keys[i] > ps or (keys[i] == ps and idx[i] < pi):
                i += 1
            while keys[j] < ps or (keys[j] == ps and idx[j] > pi):
                j -= 1
            if i <= j:
                _swap(keys, idx, i, j)
                i += 1
                j -= 1
        if target - 1 <= j:
            right = j
        elif target - 1 >= i:
            left = i
        else:
            break


@njit(cache=True, parallel=True)
def rank_and_offer(queues, firms, search, offered):
    """Stage 2: each firm offers its open vacancies to its best acceptable applicants.

    ``queues.firm_scores`` are the employer's scores of the slots in ``queues.firm_apps``
    (:func:`group_by_firm`; both are reordered within each firm). An applicant is
    acceptable when the score reaches ``search.hiring_standard``; the firm offers its
    ``firms.vacancies[j]`` best acceptable applicants (all of them, if fewer), setting
    ``offered`` (one flag per slot).
    """
    firm_start = queues.firm_start
    firm_apps = queues.firm_apps
    firm_scores = queues.firm_scores
    vacancies = firms.vacancies
    hiring_standard = search.hiring_standard
    n_firms = vacancies.shape[0]
    for j in prange(n_firms):
        lo = firm_start[j]
        hi = firm_start[j + 1]
        if hi == lo:
            continue
        openings = vacancies[j]
        if openings <= 0:
            continue
        # Move the acceptable applicants to the front (in slot order).
        n_ok = lo
        for p in range(lo, hi):
            if firm_scores[p] >= hiring_standard:
                _swap(firm_scores, firm_apps, p, n_ok)
                n_ok += 1
        m = n_ok - lo
        if m > openings:
            _select_top(firm_scores, firm_apps, lo, n_ok, openings)
            m = openings
        for p in range(lo, lo + m):
            offered[firm_apps[p]] = True


@njit(cache=True, parallel=True)
def _best_offers(k, offered, app_value, best_offer):
    """Slot of each searcher's best acceptable offer (-1: none); ties go to the first."""
    for s in prange(best_offer.shape[0]):
        best = -1
        best_value = -np.inf
        for a in range(s * k, s * k + k):
            if offered[a] and app_value[a] >= 0.0 and app_value[a] > best_value:
                best = a
                best_value = app_value[a]
        best_offer[s] = best


@njit(cache=True)
def accept_and_hire(search, searchers, apps, offered, workers, firms, hires):
    """Stages 3 and 4: each searcher takes their best offer; tables are updated.

    Args:
        search: :class:`~sim.kernels.bundles.SearchRules` (``k`` slots per searcher).
        searchers: (S,) int64 worker rows.
        apps: :class:`~sim.kernels.bundles.Applications` of the round.
        offered: (S k,) bool, slots offered a job (:func:`rank_and_offer`).
        workers: :class:`~sim.kernels.bundles.WorkerColumns`: status, employer, wage,
            spell and remote flag of the hired are updated.
        firms: :class:`~sim.kernels.bundles.FirmColumns`: ``vacancies`` and
            ``employment`` follow each hire.
        hires: :class:`~sim.kernels.bundles.HireCounts`: ``hired`` flags by searcher and
            the counts by place (added to).

    The choices are independent, so they are made in parallel; the hires, which
    change firms' counts, are then applied in searcher order.

    Returns the number of hires this round.
    """
    k = search.applications
    app_firm = apps.firm
    app_wage = apps.wage
    app_value = apps.value
    app_remote = apps.remote
    status = workers.status
    employer = workers.employer
    wage = workers.wage
    months_unemployed = workers.months_unemployed
    remote = workers.remote
    home = workers.home
    firm_place = firms.place
    vacancies = firms.vacancies
    employment = firms.employment
    hired = hires.hired
    hires_by_place = hires.hires_by_place
    hires_from_unemployment_by_home = hires.hires_from_unemployment_by_home
    job_to_job_by_home = hires.job_to_job_by_home
    best_offer = np.empty(searchers.shape[0], dtype=np.int64)
    _best_offers(k, offered, app_value, best_offer)
    n_hires = 0
    for s in range(searchers.shape[0]):
        best = best_offer[s]
        if best < 0:
            continue
        i = searchers[s]
        j = app_firm[best]
        # A firm never makes more offers than its vacancies and a worker accepts
        # one offer, so this cannot go below zero; checked by the tests.
        vacancies[j] -= 1
        employment[j] += 1
        if status[i] == EMPLOYED:
            employment[employer[i]] -= 1
            job_to_job_by_home[home[i]] += 1
        elif status[i] == UNEMPLOYED:
            hires_from_unemployment_by_home[home[i]] += 1
        status[i] = EMPLOYED
        employer[i] = j
        wage[i] = app_wage[best]
        remote[i] = app_remote[best]
        months_unemployed[i] = 0
        hired[s] = True
        hires_by_place[firm_place[j]] += 1
        n_hires += 1
    return n_hires

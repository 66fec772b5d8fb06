r"""The additionality account: gross jobs to net additional jobs, measured, not assumed.

UK appraisal (HM Treasury's Green Book; the Additionality Guide, Homes and Communities
Agency, 4th edition 2014) turns a programme's *gross* jobs into *net additional* jobs
with rule-of-thumb shares for deadweight, leakage, displacement and a multiplier. Here
each term is measured from a policy run and its baseline run with common random
numbers (the two runs are identical until the first policy month, so one firm row is
the same firm in both for as long as it lives in both).

**Units.** Jobs are counted at *units* of employment, defined alike in both runs:

* each *original* firm row ``j``: a firm alive in every month since the first policy
  month (``original &= firms.alive`` after each month, in each run; rows of firms that
  exit are never reused within the month they exit, so an exit always shows); once a
  row stops being original in a run, its jobs in that run count in the pool of its
  place;
* per place ``p``, the *pool* of every other firm of ``p`` (entrants since the first
  policy month, and original rows that exited): "new firms in ``p``".

The units partition employment in each run exactly. *Supported* units ``S`` are the
original rows a lever supported (``Policies.supported_firms`` in the policy run, ever
so far) and the pools of the places a place-wide lever supports
(``Policies.supported_places``). ``T`` is the target places (``Policies.target_places``).

**Jobs at a unit.** In run ``X`` (``P`` policy, ``B`` baseline), with ``w_i`` the
people one worker agent stands for (``people_per_agent[home_i]``, so sums are people
and add up to the indicator ``employed``):

.. math::

    E^X_u = \sum_{i\ \text{employed at}\ u} w_i, \qquad
    R^X_u = \sum_{i\ \text{employed at}\ u,\ \text{home}_i \in T} w_i .

**Terms, for the residents of the target places.**

=================  ===========================================================  =======
term               definition                                                   unit
=================  ===========================================================  =======
gross ``G``        :math:`\sum_{u \in S} (E^P_u - E^0_u)`: jobs created at       people
                   supported units since the first policy month
deadweight ``D``   :math:`\sum_{u \in S} (E^B_u - E^0_u)`: what those units      people
                   would have created anyway (the baseline)
leakage ``L``      :math:`\sum_{u \in S} [(E^P_u - R^P_u) - (E^B_u - R^B_u)]`:    people
                   extra jobs at supported units taken by people living
                   outside ``T`` (in-commuters)
displacement ``X`` :math:`\sum_q \max(-d_q, 0)`, :math:`d_q = \sum_{u \notin S,   people
                   u \in q} (R^P_u - R^B_u)`: jobs of target residents lost at
                   the units the lever did not support, netted within each
                   workplace ``q``
multiplier ``M``   :math:`\sum_q \max(d_q, 0)`: jobs gained there                people
net ``N``          :math:`G - D - L - X + M`                                    people
=================  ===========================================================  =======

``E^0_u`` is the unit's jobs at the start of the first policy month, the same in both
runs (a pool starts empty). Gross and deadweight are *changes* since the start, as in
the Additionality Guide (a grant's gross jobs are the jobs its firms create, not the
jobs they had); both may be negative where the supported units shed jobs, and their
difference is the policy's effect at those units. Since
:math:`G - D - L = \sum_{u \in S}(R^P_u - R^B_u)` and
:math:`M - X = \sum_q d_q`,

.. math:: N = \sum_u (R^P_u - R^B_u) = \text{employed}^P_T - \text{employed}^B_T

exactly: the difference in employed residents of ``T``. **Nationally** the same terms
with ``R`` replaced by ``E`` (so ``L = 0``) give :math:`N = \text{employed}^P -
\text{employed}^B`. Displacement and the multiplier are netted within each place of work
``q`` (the firm rows of ``q`` and its pool): once the runs diverge, the same workers are
hired by different firms of a place in the two runs, so firm-by-firm differences are
mostly that reshuffling (measured on a small grants run: firm-level positive and
negative parts each about three times the net), not jobs lost or gained because of the
policy; netted within the place they measure the policy's displacement and multiplier
across places.

Everything here is plain NumPy on arrays; :class:`AccountTracker` follows the two runs
month by month (:mod:`sim.comparison.pairs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.agents.workers import ABSENT, EMPLOYED

if TYPE_CHECKING:
    from sim.core.model import LabourMarket

__all__ = ["TERMS", "WHO_TERMS", "AREAS", "AccountTracker", "WhoAtStart", "account_terms",
           "unit_jobs", "unit_table", "who_took_them"]

#: The account's terms, in order (``measured``: the difference in employment counted
#: directly, which ``net`` equals to rounding).
TERMS = ("gross", "deadweight", "leakage", "displacement", "multiplier", "net", "measured")
#: Who took the extra jobs at supported units that target residents hold
#: (``gross - deadweight - leakage``), target area only: residents who lived in the target
#: places at the first policy month, people who moved in from elsewhere in the UK since,
#: and people who were not in the labour market's tables then (entrants aged 16 and
#: immigrants from abroad). They add up exactly to ``gross - deadweight - leakage``.
WHO_TERMS = ("to_residents", "to_in_migrants", "to_newcomers")
#: The account's areas: the residents of the target places, and the whole country.
AREAS = ("target", "national")


def unit_jobs(employer: np.ndarray, home: np.ndarray, employed: np.ndarray,
              people_per_agent: np.ndarray, firm_place: np.ndarray, original: np.ndarray,
              target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jobs ``E`` and jobs held by target residents ``R`` at each unit (people), from
    arrays: :func:`unit_table`'s pass without the split by who holds the jobs.

    Args:
        employer: (W,) firm row of each worker (-1 when not employed).
        home: (W,) home place of each worker.
        employed: (W,) bool, the workers who count (status employed).
        people_per_agent: (P,) people one agent stands for, by home place.
        firm_place: (F,) place of each firm row.
        original: (F0,) bool, F0 <= F: rows that are original units (rows from F0 on
            never are).
        target: (P,) bool, the target places.

    Returns:
        ``(E, R)``, each (F0 + P,): units ``0..F0-1`` are the firm rows (zero where not
        original), unit ``F0 + p`` the pool of place ``p``.
    """
    status = np.where(np.asarray(employed, dtype=bool), EMPLOYED, EMPLOYED + 1).astype(np.int8)
    table = np.zeros((original.size + people_per_agent.size, 4))
    none_b, none_i = np.zeros(0, dtype=np.bool_), np.zeros(0, dtype=np.int64)
    _unit_table(status, np.asarray(employer, dtype=np.int64), np.asarray(home, dtype=np.int64),
                np.zeros(status.size, dtype=np.int64),
                np.asarray(people_per_agent, dtype=np.float64),
                np.asarray(firm_place, dtype=np.int64), np.asarray(original, dtype=np.bool_),
                np.asarray(target, dtype=np.bool_), none_b, none_i, none_b, 0, False, table)
    return table.sum(axis=1), table[:, 0]


def unit_table(model: LabourMarket, original: np.ndarray, target: np.ndarray,
               who: WhoAtStart | None) -> np.ndarray:
    """Jobs at each unit by who holds them, in one pass over the employed (people).

    Returns:
        (U, 4): columns 0-2 the jobs held by residents of ``target`` who, at the first
        policy month, lived there (0), lived elsewhere in the UK (1), or were not in the
        tables (2: entrants and immigrants since); column 3 the jobs held by people living
        outside ``target``. Before the first policy month (``who`` None) every target
        resident is in column 0. Units as in :func:`unit_jobs`.
    """
    wk = model.workers
    n_units = original.size + target.size
    out = np.zeros((n_units, 4))
    if who is None:
        from_target = np.zeros(0, dtype=np.bool_)
        age0 = np.zeros(0, dtype=np.int64)
        present0 = np.zeros(0, dtype=np.bool_)
        elapsed, split = 0, False
    else:
        from_target, age0, present0 = who.from_target, who.age, who.present
        elapsed, split = who.elapsed, True
    _unit_table(wk.status, wk.employer, wk.home, wk.age_months,
                np.asarray(model.state.people_per_agent, dtype=np.float64), model.firms.place,
                original, target, from_target, age0, present0, elapsed, split, out)
    return out


@njit(cache=True)
def _unit_table(status, employer, home, age, people_per_agent, firm_place, original, target,
                from_target, age0, present0, elapsed, split, out):
    """One pass over the workers for :func:`unit_table` (``out`` (U, 4) is added to)."""
    n0 = original.shape[0]
    n_start = age0.shape[0]
    for i in range(status.shape[0]):
        if status[i] != EMPLOYED:
            continue
        j = employer[i]
        h = home[i]
        unit = j if (j < n0 and original[j]) else n0 + firm_place[j]
        cls = 3
        if target[h]:
            cls = 0
            if split:
                cls = 2
                if i < n_start and present0[i] and age[i] == age0[i] + elapsed:
                    cls = 0 if from_target[i] else 1
        out[unit, cls] += people_per_agent[h]


class WhoAtStart:
    """Who each worker row was at the first policy month: where they lived and their age
    (a row later reused by someone else, an entrant or an immigrant, has another age).

    Args:
        model: the policy run's model at the start of the first policy month (the
            baseline's is identical then).
        target: (P,) bool, the target places.
    """

    def __init__(self, model: LabourMarket, target: np.ndarray) -> None:
        wk = model.workers
        self.from_target = target[wk.home]
        self.age = wk.age_months.astype(np.int64)
        self.present = wk.status != ABSENT
        self.elapsed = 0


def account_terms(jobs_p: np.ndarray, res_p: np.ndarray, jobs_b: np.ndarray,
                  res_b: np.ndarray, supported: np.ndarray,
                  jobs_0: np.ndarray | None = None,
                  unit_place: np.ndarray | None = None) -> dict[str, float]:
    """The terms of the account (see the module docstring) for one area.

    Args:
        jobs_p, jobs_b: (U,) jobs ``E`` at each unit in the policy and baseline runs.
        res_p, res_b: (U,) of which held by the area's residents ``R`` (pass the jobs
            again for the national account).
        supported: (U,) bool, the supported units ``S``.
        jobs_0: (U,) jobs at each unit at the start of the first policy month (zeros
            when None).
        unit_place: (U,) place of work of each unit: displacement and the multiplier
            are netted within each place (None: unit by unit).

    Returns:
        Each of :data:`TERMS` (people); ``net`` = gross - deadweight - leakage -
        displacement + multiplier, ``measured`` = sum of ``res_p - res_b``.
    """
    s = np.asarray(supported, dtype=bool)
    start = 0.0 if jobs_0 is None else float(jobs_0[s].sum())
    gross = float(jobs_p[s].sum()) - start
    deadweight = float(jobs_b[s].sum()) - start
    leakage = float(((jobs_p[s] - res_p[s]) - (jobs_b[s] - res_b[s])).sum())
    d = res_p[~s] - res_b[~s]
    if unit_place is not None:
        q = np.asarray(unit_place, dtype=np.int64)[~s]
        d = np.bincount(q, weights=d, minlength=int(q.max()) + 1 if q.size else 0)
    multiplier = float(np.maximum(d, 0.0).sum())
    displacement = float(np.maximum(-d, 0.0).sum())
    net = gross - deadweight - leakage - displacement + multiplier
    measured = float(res_p.sum() - res_b.sum())
    return {"gross": gross, "deadweight": deadweight, "leakage": leakage,
            "displacement": displacement, "multiplier": multiplier, "net": net,
            "measured": measured}


def who_took_them(res_p: np.ndarray, res_b: np.ndarray,
                  supported: np.ndarray) -> dict[str, float]:
    """The split :data:`WHO_TERMS` of ``gross - deadweight - leakage``.

    Args:
        res_p, res_b: (3, U) jobs held by target residents at each unit, in the policy and
            baseline runs, by who they are (residents at the start, in-migrants,
            newcomers).
        supported: (U,) bool, the supported units.

    Returns:
        Each of :data:`WHO_TERMS` (people).
    """
    s = np.asarray(supported, dtype=bool)
    d = (res_p[:, s] - res_b[:, s]).sum(axis=1)
    return dict(zip(WHO_TERMS, (float(x) for x in d), strict=True))


class AccountTracker:
    """Follows a policy run and its baseline month by month and measures the account.

    Call :meth:`start` before stepping the first policy month (both runs are identical
    then), and :meth:`month` after every recorded month (before the first policy month
    it measures with no supported unit: every term is zero when the runs agree).

    Args:
        policy: the policy run's model.
        baseline: the baseline run's model.
    """

    def __init__(self, policy: LabourMarket, baseline: LabourMarket) -> None:
        self.policy, self.baseline = policy, baseline
        mech = policy.mechanisms["policy"]
        self.target = mech.target_places()
        self.place_wide = mech.supported_places()
        self.original_p: np.ndarray | None = None
        self.original_b: np.ndarray | None = None
        self.supported: np.ndarray | None = None
        self.jobs_0: np.ndarray | None = None

    def start(self) -> None:
        """Take the live firms now as the original units (the runs must agree)."""
        alive_p, alive_b = self.policy.firms.alive.copy(), self.baseline.firms.alive.copy()
        if not np.array_equal(alive_p, alive_b):
            raise RuntimeError("the policy and baseline runs differ before the first policy "
                               "month (live firms): common random numbers are broken")
        self.original_p, self.original_b = alive_p, alive_b
        self.supported = np.zeros(alive_p.size, dtype=bool)
        self.jobs_0 = unit_table(self.policy, alive_p, self.target, None).sum(axis=1)
        self._who = WhoAtStart(self.policy, self.target)

    def month(self) -> dict[str, dict[str, float]]:
        """The account after this month: ``{area: {term: value}}`` for :data:`AREAS`."""
        started = self.original_p is not None
        if not started:  # before the first policy month: the live firms, nothing supported
            op = ob = self.policy.firms.alive.copy()
            supported = np.zeros(op.size, dtype=bool)
        else:
            n0 = self.original_p.size
            self.original_p &= self.policy.firms.alive[:n0]
            self.original_b &= self.baseline.firms.alive[:n0]
            now = self.policy.mechanisms["policy"].supported_firms(self.policy.state)[:n0]
            self.supported |= now & self.original_p
            op, ob, supported = self.original_p, self.original_b, self.supported
            self._who.elapsed += 1
        n_places = self.target.size
        who = self._who if started else None
        tab_p = unit_table(self.policy, op, self.target, who)
        tab_b = unit_table(self.baseline, ob, self.target, who)
        jp, jb = tab_p.sum(axis=1), tab_b.sum(axis=1)
        rp, rb = tab_p[:, :3].sum(axis=1), tab_b[:, :3].sum(axis=1)
        s = np.concatenate([supported, self.place_wide if started
                            else np.zeros(n_places, dtype=bool)])
        j0 = self.jobs_0 if started else None
        n0 = op.size
        place = np.concatenate([self.policy.firms.place[:n0].astype(np.int64),
                                np.arange(n_places, dtype=np.int64)])
        target_terms = account_terms(jp, rp, jb, rb, s, j0, place)
        if started:
            target_terms.update(who_took_them(tab_p[:, :3].T, tab_b[:, :3].T, s))
        return {"target": target_terms,
                "national": account_terms(jp, jp, jb, jb, s, j0, place)}

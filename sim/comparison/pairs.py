"""One task of a comparison: a policy run and its baseline, in lockstep, with one seed.

Replication ``r`` of every scenario of a comparison runs with the seed
``replication_seeds(baseline.run.seed, R)[r]`` (:mod:`sim.runs.replications`), so the
policy run and the baseline run of a task share their random numbers (common random
numbers): they are identical until the first policy month, which :func:`run_pair`
checks (the national indicators of every earlier month, the live firms at its start).
Both models are stepped month by month together, and after every recorded month the
additionality account (:mod:`sim.comparison.account`) is measured on the two agent tables.

:func:`run_pair` is what a Dask worker runs (or the comparison's own process, with
``workers=0``); it returns a :class:`PairOutcome`: the places and national tables of both
runs (a ``run`` column says which) and the account, or the error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.comparison.account import AccountTracker
from sim.config.checks import validate_for_geography
from sim.config.scenario import parse_scenario
from sim.core.model import LabourMarket
from sim.runs import interrupts
from sim.sweeps.worker import RunOutcome, recorded
from sim.world.geographies import geography_from_options

__all__ = ["Lockstep", "PairTask", "PairOutcome", "run_pair", "first_policy_month",
           "same_national"]


@dataclass(frozen=True)
class PairTask:
    """One (policy, replication) of a comparison.

    Attributes:
        policy: index of the policy scenario.
        name: its name.
        replication: the replication, 0-based.
        seed: the seed both runs use.
        threads: threads for the kernels (``None``: leave the process's setting).
    """

    policy: int
    name: str
    replication: int
    seed: int
    threads: int | None = None


@dataclass
class PairOutcome(RunOutcome):
    """What a task gave: a sweep run's outcome (:class:`~sim.sweeps.worker.RunOutcome`:
    tables, error, warnings, wall time) for the pair, and its account.

    Attributes:
        task: the task.
        places: both runs' places tables, a first column ``run`` ("baseline", "policy").
        national: both runs' national tables, likewise.
        account: one row per month, area and term (``month, area, term, value``).
    """

    task: PairTask
    account: pd.DataFrame | None = None


def first_policy_month(scenario: Any) -> int | None:
    """The first recorded month any lever of ``scenario`` spends (None without levers)."""
    return min((p.start_month for p in scenario.policy), default=None)


def same_national(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether two runs' national indicators of a month are identical (NaN equal to NaN)."""
    keys = sorted(a)
    x = np.array([a[k] for k in keys], dtype=float)
    y = np.array([b.get(k, np.nan) for k in keys], dtype=float)
    return sorted(b) == keys and np.array_equal(x, y, equal_nan=True)


class Lockstep:
    """A baseline model and its policy model (same seed), stepped together month by month.

    Common random numbers make the two identical until the first policy month; each
    :meth:`step` checks that they are, and measures the additionality account
    (:class:`~sim.comparison.account.AccountTracker`) from that month on. Used by
    :func:`simulate_pair` and by the dashboard's model.

    Args:
        baseline: the baseline model, built (after its burn-in) and not yet stepped.
        policy: the policy model, built with the same seed.
        first_month: the first recorded month any lever spends (1 when none does).
    """

    def __init__(self, baseline: LabourMarket, policy: LabourMarket, first_month: int) -> None:
        self.baseline = baseline
        self.policy = policy
        self.first_month = first_month
        self.tracker = AccountTracker(policy, baseline)

    def step(self) -> dict[str, dict[str, float]]:
        """One recorded month of both runs; returns the month's account by area and term.

        Raises:
            RuntimeError: the runs differ before the first policy month.
        """
        month = self.baseline.month + 1
        if month == self.first_month:
            self.tracker.start()
        self.baseline.step()
        self.policy.step()
        if month < self.first_month and not same_national(self.baseline.national,
                                                          self.policy.national):
            raise RuntimeError(
                f"the policy run differs from its baseline in month {month}, before the "
                f"first policy month ({self.first_month}): common random numbers are broken"
            )
        return self.tracker.month()


def simulate_pair(baseline: Any, policy: Any, seed: int,
                  on_month: Callable[[], None] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run ``baseline`` and ``policy`` (Scenarios) with ``seed`` in lockstep.

    Returns:
        ``(places, national, account)`` as in :class:`PairOutcome`.

    Raises:
        RuntimeError: the runs differ before the first policy month.
    """
    geography = geography_from_options(baseline.run.geography,
                                       baseline.geography_options.model_dump())
    validate_for_geography(baseline, geography)
    validate_for_geography(policy, geography)
    base_model = LabourMarket(baseline, rng=seed, geography=geography, on_month=on_month)
    pol_model = LabourMarket(policy, rng=seed, geography=geography, on_month=on_month)
    pair = Lockstep(base_model, pol_model, first_policy_month(policy) or 1)
    rows: list[tuple[int, str, str, float]] = []
    for month in range(1, baseline.run.months + 1):
        for area, terms in pair.step().items():
            rows.extend((month, area, term, value) for term, value in terms.items())
        if on_month is not None:
            on_month()
    frames = []
    for which, model in (("baseline", base_model), ("policy", pol_model)):
        frames.append((which, model.places_frame(), model.national_frame()))
    places = pd.concat([df.assign(run=w)[["run", *df.columns]] for w, df, _ in frames],
                       ignore_index=True)
    national = pd.concat([df.assign(run=w)[["run", *df.columns]] for w, _, df in frames],
                         ignore_index=True)
    account = pd.DataFrame(rows, columns=["month", "area", "term", "value"])
    account["month"] = account["month"].astype(np.int64)
    return places, national, account


def run_pair(baseline: dict[str, Any], policy: dict[str, Any], task: PairTask,
             on_month: Callable[[], None] | None = None) -> PairOutcome:
    """Run one task (the scenarios as :meth:`~sim.config.scenario.Scenario.to_dict`).

    A failure of the runs is an outcome (its error), not an exception, so Dask neither
    retries it nor stops the others; an interrupt is raised.
    """
    outcome = PairOutcome(task)
    with recorded(outcome, task.threads):
        base = parse_scenario(baseline, source="baseline")
        pol = parse_scenario(policy, source=task.name)
        outcome.places, outcome.national, outcome.account = simulate_pair(
            base, pol, task.seed, on_month)
    return outcome


def run_pair_in_process(baseline: dict[str, Any], policy: dict[str, Any],
                        task: PairTask) -> PairOutcome:
    """:func:`run_pair` in this process, with a held interrupt checked after each month."""
    return run_pair(baseline, policy, task, on_month=interrupts.check)

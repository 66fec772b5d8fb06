"""Comparisons from Python: :func:`compare` (``sim.compare``), what ``placejobs compare`` calls.

Example:
    >>> import sim
    >>> res = sim.compare("scenarios/baseline.toml", ["grants.toml"], replications=10,
    ...                   out="results/grants", workers=2)
    >>> res.impact.query("area == 'UK' and indicator == 'employed' and period == 'whole'")
    >>> res.account.query("period == 'whole'")      # the additionality account
    >>> res.costs.query("period == 'whole'")        # GBP per net additional job

Layout of ``DIR``::

    DIR/compare.json                       inputs, seeds, versions, commit, wall time
    DIR/runs/places/part-PPPPPP-RRRR.parquet    both runs of policy P, replication R
    DIR/runs/national/part-PPPPPP-RRRR.parquet
    DIR/runs/account/part-PPPPPP-RRRR.parquet   the account, month by month (written last)
    DIR/impact.parquet, DIR/account.parquet, DIR/costs.parquet
    DIR/columns.md                         every column of every table: unit and meaning
    DIR/report.html and its PNG figures

A task (policy, replication) is finished when its account part is there; a rerun with
the same inputs (same fingerprint of the baseline, the policies, the replications, the
months and the scale) runs only what is left; different inputs in an existing ``DIR``
are refused (:func:`sim.sweeps.store.claim_directory`): results are never overwritten.
Tasks run on Dask as a sweep's runs do (:mod:`sim.sweeps.execute`: a local cluster of
``workers`` processes, or ``scheduler``/``client``); ``workers=0`` runs them in this
process, one after another.

In a script, call :func:`compare` under ``if __name__ == "__main__":`` (the local
cluster's workers import the main module).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.comparison.columns import TABLE_COLUMNS, write_compare_columns
from sim.comparison.impact import account_table, cost_table, impact_table, periods_of
from sim.comparison.pairs import PairOutcome, PairTask, run_pair, run_pair_in_process
from sim.comparison.report import write_report
from sim.comparison.spec import PolicyScenario, policy_scenarios
from sim.config.checks import validate_for_geography
from sim.config.scenario import Scenario, ScenarioError, load_scenario
from sim.config.section import toml_value
from sim.policies.spec import check_policies
from sim.runs import interrupts
from sim.runs.api import library_versions, source_commit
from sim.runs.output import OutputError, write_json, write_table
from sim.runs.replications import MAX_REPLICATIONS, replication_seeds
from sim.sweeps.execute import (
    _quiet_shutdown,
    check_workers,
    cluster_client,
    completed,
    default_workers,
    share,
    submit_calls,
)
from sim.sweeps.store import claim_directory, part_name
from sim.world.geographies import geography_from_options

__all__ = ["compare", "CompareError", "CompareResults", "pair_table", "read_comparison"]


class CompareError(RuntimeError):
    """No pair of runs finished: nothing to compare (the first failure is named)."""

#: The tables of each task, in the order they are written (the last marks it finished).
PARTS = ("places", "national", "account")


@dataclass
class CompareResults:
    """What :func:`compare` gives.

    Attributes:
        impact: ``impact.parquet``.
        account: ``account.parquet``.
        costs: ``costs.parquet``.
        info: ``compare.json``.
        out: the directory.
        failures: ``(policy, replication, error)`` of tasks that failed.
    """

    impact: pd.DataFrame
    account: pd.DataFrame
    costs: pd.DataFrame
    info: dict[str, Any]
    out: Path
    failures: list[tuple[str, int, str]]


def _fingerprint(baseline: Scenario, policies: list[PolicyScenario], replications: int
                 ) -> str:
    data = {"baseline": baseline.to_dict(),
            "policies": [{"name": p.name, "scenario": p.scenario.to_dict()} for p in policies],
            "replications": replications}
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _check_count(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
        low <= value <= high
    ):
        raise ScenarioError(f"{name}={toml_value(value)}: must be an integer from {low} to "
                            f"{high}", key=name, value=value,
                            reason=f"must be an integer from {low} to {high}")
    return int(value)


def _prepare(baseline: Scenario | str | Path, policies: Sequence[Any], *, months: int | None,
             scale: float | None, seed: int | None
             ) -> tuple[Scenario, list[PolicyScenario], dict[str, list[str]]]:
    """The checked baseline, policies and each policy's target place codes."""
    if isinstance(baseline, (str, Path)):
        baseline = load_scenario(baseline)
    elif not isinstance(baseline, Scenario):
        raise TypeError(f"baseline must be a Scenario or a path, got {type(baseline).__name__}")
    try:
        baseline = baseline.with_overrides(seed=seed, months=months, scale=scale)
    except ScenarioError as exc:
        name = (exc.key or "").removeprefix("run.")
        if name not in ("seed", "months", "scale"):
            raise
        raise ScenarioError(f"{name}={toml_value(exc.value)}: {exc.reason}", key=exc.key,
                            value=exc.value, reason=exc.reason) from None
    if baseline.policy:
        raise ScenarioError(
            f"{baseline.source or 'baseline'}: policy = [{len(baseline.policy)} tables]: the "
            "baseline must have no [[policy]] tables (put the levers in a policy file)",
            key="policy", reason="the baseline must have no [[policy]] tables")
    pols = policy_scenarios(policies, baseline)
    geography = geography_from_options(baseline.run.geography,
                                       baseline.geography_options.model_dump())
    validate_for_geography(baseline, geography)
    codes = [str(c) for c in geography.places.index]
    targets = {}
    for p in pols:
        validate_for_geography(p.scenario, geography)
        masks = check_policies(p.scenario.policy, geography)
        mask = np.logical_or.reduce(masks) if masks else np.zeros(len(codes), dtype=bool)
        targets[p.name] = [c for c, m in zip(codes, mask, strict=True) if m]
    return baseline, pols, targets


class _Store:
    """``DIR``: its marker, the tasks' parts and what finished."""

    def __init__(self, out: Path, info: dict[str, Any]) -> None:
        self.dir = Path(out)
        self.info = info
        self.runs = self.dir / "runs"

    def open(self) -> set[tuple[int, int]]:
        try:
            for part in PARTS:
                (self.runs / part).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.runs}: cannot create the directory: {exc.strerror}"
                              ) from None
        for f in self.runs.rglob(".*.tmp"):
            f.unlink(missing_ok=True)  # a write cut short by a kill
        done = set()
        for f in (self.runs / "account").glob("part-*.parquet"):
            _, p, r = f.stem.split("-")
            done.add((int(p), int(r)))
        return done

    def write(self, outcome: PairOutcome, seed: int) -> None:
        t = outcome.task
        name = part_name(t.policy, t.replication)
        meta = {"placejobs_version": __version__, "scenario": t.name,
                "replication": t.replication, "seed": seed}
        for part in PARTS:
            df = getattr(outcome, part)
            front = pd.DataFrame({"scenario": [t.name] * len(df),
                                  "replication": np.full(len(df), t.replication, np.int64),
                                  "seed": np.full(len(df), seed, np.int64)}, index=df.index)
            write_table(pd.concat([front, df], axis=1), self.runs / part / name, meta,
                        columns=TABLE_COLUMNS.get(f"runs/{part}"))

    def read(self, part: str) -> pd.DataFrame:
        return pair_table(self.dir, part)


def pair_table(directory: str | Path, part: str) -> pd.DataFrame:
    """One table of every finished pair of a comparison, one row per pair, month and key:
    ``part`` is ``places``, ``national`` or ``account`` (``DIR/runs/<part>/``; a pair has
    finished when its account part is written). Empty when none has."""
    runs = Path(directory) / "runs"
    files = sorted((runs / part).glob("part-*.parquet"))
    done = {f.name for f in (runs / "account").glob("part-*.parquet")}
    frames = [pd.read_parquet(f) for f in files if f.name in done]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def compare(
    baseline: Scenario | str | Path,
    policies: Sequence[str | Path | dict[str, Any] | Scenario] | str | Path,
    *,
    replications: int,
    out: str | Path,
    workers: int | None = None,
    threads: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    months: int | None = None,
    scale: float | None = None,
    seed: int | None = None,
    progress: bool = True,
    report: bool = True,
    warn: Callable[[str], None] | None = None,
) -> CompareResults:
    """Compare each policy with the baseline over ``replications`` pairs of runs.

    Args:
        baseline: the baseline scenario (a file or a Scenario) without ``[[policy]]``.
        policies: policy files (:mod:`sim.comparison.spec`), their contents as dictionaries,
            or scenarios.
        replications: pairs of runs per policy, 2 to 100,000 (seeds from the baseline's
            seed, :func:`sim.runs.replications.replication_seeds`).
        out: the results directory; rerunning with the same inputs runs what is left.
        workers: worker processes of a local Dask cluster (default: one per core);
            0 runs every task in this process.
        threads: cores each task's kernels use (default: the cores divided among the
            workers).
        scheduler: address of a running Dask scheduler instead of a local cluster.
        client: a :class:`distributed.Client` to run on (left open).
        months, scale, seed: override the baseline's ``run`` values (for every policy).
        progress: a progress bar counting tasks.
        report: write ``report.html`` and its figures.
        warn: called once with each distinct warning the runs give.

    Returns:
        The tables, ``compare.json`` and the failed tasks.

    Raises:
        ScenarioError: a bad baseline, policy file or argument (one line).
        OutputError: ``out`` cannot be used (a file, another comparison, not one).
        ExecutionError: the Dask cluster cannot be used.
    """
    started = time.perf_counter()
    replications = _check_count("replications", replications, 2, MAX_REPLICATIONS)
    if workers is not None:
        workers = _check_count("workers", workers, 0, 4096)
    if sum(x is not None for x in (workers, scheduler, client)) > 1:
        raise ValueError("give at most one of workers (a local cluster), scheduler and client")
    base, pols, targets = _prepare(baseline, policies, months=months, scale=scale, seed=seed)
    for p in pols:
        late = [i for i, lever in enumerate(p.scenario.policy)
                if lever.start_month > base.run.months]
        if late and warn is not None:
            warn(f"{p.source or p.name}: policy[{late[0]}] starts in month "
                 f"{p.scenario.policy[late[0]].start_month}, after the last recorded month "
                 f"({base.run.months}): it never acts in this comparison")
    seeds = replication_seeds(base.run.seed, replications)
    fingerprint = _fingerprint(base, pols, replications)
    out = Path(out)

    def header() -> dict[str, Any]:
        commit, dirty = source_commit()
        return {
            "placejobs_version": __version__, "fingerprint": fingerprint,
            "name": ", ".join(p.name for p in pols),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": commit, "git_dirty": dirty, "versions": library_versions(),
            "baseline_file": base.source, "replications": replications,
            "seed": base.run.seed, "replication_seeds": seeds,
            "months": base.run.months, "scale": base.run.scale,
            "burn_in_months": base.run.burn_in_months,
            "policies": [{"index": i, "name": p.name, "file": p.source,
                          "targets": targets[p.name],
                          "policy": p.scenario.to_dict()["policy"]}
                         for i, p in enumerate(pols)],
            "baseline": base.to_dict(),
        }

    info = claim_directory(out, "compare.json", fingerprint, "comparison", header)
    store = _Store(out, info)
    done = store.open()
    tasks = [PairTask(i, p.name, r, seeds[r]) for i, p in enumerate(pols)
             for r in range(replications) if (i, r) not in done]
    total = len(pols) * replications
    failures: list[tuple[str, int, str]] = []
    seen: set[str] = set()

    def record(outcome: PairOutcome) -> None:
        t = outcome.task
        if outcome.ok:
            store.write(outcome, t.seed)
        else:
            failures.append((t.name, t.replication, f"{outcome.error_type}: {outcome.error}"))
        for message in outcome.warnings:
            if message not in seen and warn is not None:
                seen.add(message)
                warn(message)

    bar = tqdm(total=total, initial=total - len(tasks), desc="compare", unit="pair",
               disable=not progress, file=sys.stderr, dynamic_ncols=True)
    used_workers = 0
    try:
        with interrupts.safe_points():
            base_dict = base.to_dict()
            pol_dicts = [p.scenario.to_dict() for p in pols]
            if tasks and workers == 0:
                for t in tasks:
                    record(run_pair_in_process(base_dict, pol_dicts[t.policy], t))
                    bar.update()
            elif tasks:
                if scheduler is None and client is None:
                    workers = workers or default_workers()
                    if threads is None:
                        threads = max(1, default_workers() // workers)
                if threads is not None:
                    tasks = [PairTask(t.policy, t.name, t.replication, t.seed, threads)
                             for t in tasks]
                own = client is None
                with cluster_client(workers or 0, scheduler, client) as cl:
                    interrupts.check()
                    used_workers = len(check_workers(cl))
                    shared_base = share(cl, base_dict)
                    shared = [share(cl, d) for d in pol_dicts]
                    futures = submit_calls(
                        cl, run_pair, [(shared_base, shared[t.policy], t) for t in tasks],
                        [f"placejobs-compare-{t.policy}-{t.replication}" for t in tasks])
                    try:
                        for _, outcome, exc in completed(cl, futures):
                            if exc is not None:
                                failures.append(("?", -1, f"{type(exc).__name__}: {exc}"))
                            else:
                                record(outcome)
                            bar.update()
                    except BaseException:
                        if own:
                            _quiet_shutdown()
                        cl.cancel(futures, force=True)
                        raise
    finally:
        bar.close()

    interrupts.check()
    places, national, acc = store.read("places"), store.read("national"), store.read("account")
    horizon = base.run.months
    periods = {p.name: periods_of(p.scenario, horizon) for p in pols}
    names_done = set(acc["scenario"]) if len(acc) else set()
    periods = {k: v for k, v in periods.items() if k in names_done}
    if not names_done:
        raise CompareError(f"no pair of runs finished; the first error: "
                           f"{failures[0][2] if failures else 'none'}")
    impact = impact_table(places, national, {k: v for k, v in targets.items()
                                             if k in names_done}, periods)
    account = account_table(acc, periods)
    costs = cost_table(places, account, impact, acc, periods)
    write_table(impact, out / "impact.parquet", columns=TABLE_COLUMNS["impact.parquet"])
    write_table(account, out / "account.parquet", columns=TABLE_COLUMNS["account.parquet"])
    write_table(costs, out / "costs.parquet", columns=TABLE_COLUMNS["costs.parquet"])
    write_compare_columns(out)
    wall = time.perf_counter() - started
    info = dict(store.info)
    finished = len(acc[["scenario", "replication"]].drop_duplicates())
    info["status"] = {
        "tasks": total, "finished": finished,
        "failed": len(failures), "complete": not failures,
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    info["execution"] = {"wall_seconds": round(wall, 3), "workers": used_workers,
                         "tasks_run": len(tasks), "tasks_reused": total - len(tasks)}
    info["failures"] = [{"scenario": n, "replication": r, "error": e} for n, r, e in failures]
    result = CompareResults(impact, account, costs, info, out, failures)
    if report:
        write_report(result, geography_from_options(base.run.geography,
                                                    base.geography_options.model_dump()),
                     targets)
    info["execution"]["wall_seconds"] = round(time.perf_counter() - started, 3)
    write_json(out / "compare.json", info)
    return result


def read_comparison(directory: str | Path) -> CompareResults:
    """Read a comparison's tables and ``compare.json``.

    Raises:
        OutputError: ``directory`` holds no ``compare.json`` or no tables yet.
    """
    path = Path(directory)
    if not (path / "compare.json").is_file():
        raise OutputError(f"{path}: holds no compare.json (not a comparison directory)")
    info = json.loads((path / "compare.json").read_text(encoding="utf-8"))
    try:
        tables = [pd.read_parquet(path / f"{k}.parquet") for k in ("impact", "account", "costs")]
    except FileNotFoundError:
        raise OutputError(f"{path}: the comparison has not finished (no tables yet)") from None
    failures = [(f["scenario"], f["replication"], f["error"]) for f in info.get("failures", [])]
    return CompareResults(*tables, info, path, failures)

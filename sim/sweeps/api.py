"""Sweeps from Python: :func:`sweep` (``sim.sweep``), what ``placejobs sweep`` calls.

Example:
    >>> import sim
    >>> res = sim.sweep("sweeps/small-grid.toml", out="results/grid", workers=2)
    >>> res.national.groupby("search.applications_per_searcher").unemployment_rate.mean()
    >>> res.failures           # runs that failed, with their parameters and error

A sweep given in memory names its base scenario as a :class:`~sim.config.scenario.Scenario`::

    >>> sim.sweep({"replications": 5, "months": 24}, base=sim.load_scenario("scenarios/small.toml"),
    ...           out="results/reps")

In a script, call :func:`sweep` under ``if __name__ == "__main__":``: the local
cluster's worker processes start by importing the main module (Python's ``spawn``).
"""

from __future__ import annotations

import multiprocessing
import warnings
from pathlib import Path
from typing import Any

from sim.config.scenario import Scenario
from sim.runs.replications import replication_seeds
from sim.sweeps.design import make_design
from sim.sweeps.execute import SweepStatus, execute
from sim.sweeps.spec import Sweep, load_sweep, parse_sweep
from sim.sweeps.store import SweepResults, SweepStore, load_results

__all__ = ["sweep", "prepare", "read_sweep", "SweepResults"]


def prepare(spec: Sweep | str | Path | dict[str, Any], *,
            base: Scenario | None = None) -> Sweep:
    """A checked :class:`~sim.sweeps.spec.Sweep` from a file, a dictionary or a sweep."""
    if isinstance(spec, Sweep):
        return spec
    if isinstance(spec, (str, Path)):
        if base is not None:
            raise TypeError("base is for a sweep given as a dictionary")
        return load_sweep(spec)
    if isinstance(spec, dict):
        return parse_sweep(spec, base=base)
    raise TypeError(f"a sweep is a file, a dictionary or a Sweep, got {type(spec).__name__}")


def sweep(
    spec: Sweep | str | Path | dict[str, Any],
    *,
    out: str | Path,
    base: Scenario | None = None,
    workers: int | None = None,
    threads: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = True,
) -> SweepResults:
    """Run a sweep (or what is left of it) and return its tables.

    Args:
        spec: a sweep file, its contents as a dictionary, or a checked sweep.
        out: the results directory; rerunning with the same sweep skips what finished.
        base: the base scenario of a sweep given as a dictionary without ``base``.
        workers: worker processes of the local cluster (default: one per core).
        threads: cores the kernels of each run use (default: the cores per worker).
        scheduler: address of a running Dask scheduler instead of a local cluster.
        client: a :class:`distributed.Client` to run on (left open): sweeps in one
            process (a notebook, say) then share its cluster and its start-up.
        progress: a progress bar counting runs.

    Returns:
        The finished runs' tables, the failures and ``sweep.json``; with the execution's
        counts in ``info["status"]``.

    Raises:
        SweepError: a bad sweep (one line).
        ScenarioError: a bad base scenario (one line).
        OutputError: ``out`` cannot be used (a file, another sweep, not a sweep).
        ExecutionError: the Dask cluster cannot be used.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError(
            "sim.sweep was called while a worker process was starting: the workers import "
            "the main module, so in a script call sim.sweep under "
            "`if __name__ == \"__main__\":`"
        )
    if sum(x is not None for x in (workers, scheduler, client)) > 1:
        raise ValueError("give at most one of workers (a local cluster), scheduler and client")
    checked = prepare(spec, base=base)
    design = make_design(checked)
    store = SweepStore(out, checked, design, replication_seeds(checked.seed,
                                                              checked.replications))
    done = store.open()
    status: SweepStatus = execute(
        store, done, workers=workers, threads=threads, scheduler=scheduler, client=client,
        progress=progress,
        warn=lambda message: warnings.warn(message, UserWarning, stacklevel=3),
    )
    results = load_results(store.dir)
    results.info["execution"] = vars(status)
    return results


def read_sweep(directory: str | Path) -> SweepResults:
    """Read a sweep's results directory (finished or not): its tables, failures and sweep.json.

    Raises:
        OutputError: ``directory`` holds no ``sweep.json``.
    """
    return load_results(directory)

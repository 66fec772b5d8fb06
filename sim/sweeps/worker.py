"""What a Dask worker does for a sweep: run one scenario, hand back its tables or its error.

:func:`run_task` is the task the sweep submits, once per run; it runs in a worker
process, on a machine of the cluster. It rebuilds the scenario from the base's
values and the design point's changes, runs it with :func:`sim.run` (no output
directory, no progress bar) and returns a :class:`RunOutcome`: the two tables, or the
error the run raised. A run's own error (a combination of values the scenario refuses,
an economy too big for the worker's memory) is an outcome, not a task failure, so
Dask neither retries it nor stops the others.

Runs in one worker process take turns (a lock): the kernels' default threading layer
(``workqueue``) does not allow two threads to launch parallel kernels at once, and a
worker started with several threads (``dask worker --nthreads 4``) would do so. Give
each worker process one thread and let the kernels use ``threads`` cores.

:func:`dask_setup` is the workers' preload (``--preload sim.sweeps.worker``): it
makes worker processes ignore SIGINT, so a Ctrl-C at the terminal reaches the sweep
(which then stops its cluster cleanly) and not each worker with a traceback.
"""

from __future__ import annotations

import signal
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim import __version__
from sim.config.scenario import parse_scenario
from sim.kernels import configure_threads
from sim.runs.api import run, source_commit

__all__ = ["RunTask", "RunOutcome", "recorded", "run_task", "dask_setup", "worker_info"]

_LOCK = threading.Lock()


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep.

    Attributes:
        run_id: the design point (its index in the design).
        replication: the replication, 0-based.
        seed: the run's seed (:func:`sim.runs.replications.replication_seeds`).
        changes: the design point's values, ``{"section.key": value}``.
        threads: threads for the kernels (``None``: leave the process's setting).
    """

    run_id: int
    replication: int
    seed: int
    changes: dict[str, Any]
    threads: int | None = None


@dataclass
class RunOutcome:
    """What a run gave: its tables, or its error.

    Attributes:
        task: the task.
        places: places table (``None`` when it failed).
        national: national table (``None`` when it failed).
        error_type: the exception's class name (``""`` when it succeeded).
        error: the error message (first line).
        traceback: the full traceback, for the failures table.
        warnings: warnings the run gave (one line each).
        wall_seconds: the run's wall time in the worker.
    """

    task: RunTask
    places: pd.DataFrame | None = None
    national: pd.DataFrame | None = None
    error_type: str = ""
    error: str = ""
    traceback: str = ""
    warnings: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run finished."""
        return not self.error_type


@contextmanager
def recorded(outcome: RunOutcome, threads: int | None) -> Iterator[None]:
    """Run the body as one task of this worker process, recording into ``outcome``.

    Tasks in one process take turns (the lock: see the module docstring); ``threads``
    (when given) sets the kernels' threads first. The body's ``UserWarning`` messages
    become ``outcome.warnings``; an error it raises becomes the outcome's error (type,
    first line, traceback) and is not raised, so Dask neither retries the task nor stops
    the others; an interrupt (``KeyboardInterrupt``) is raised. ``outcome.wall_seconds``
    is the body's wall time.
    """
    with _LOCK:
        started = time.perf_counter()
        try:
            if threads is not None:
                configure_threads(threads)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield
            outcome.warnings = sorted({str(w.message) for w in caught
                                       if issubclass(w.category, UserWarning)})
        except Exception as exc:  # noqa: BLE001 - every failure of a task is an outcome
            message = str(exc).strip().splitlines()
            outcome.error_type = type(exc).__name__
            outcome.error = message[0] if message else type(exc).__name__
            outcome.traceback = traceback.format_exc()
        outcome.wall_seconds = time.perf_counter() - started


def run_task(base: dict[str, Any], task: RunTask) -> RunOutcome:
    """Run ``task`` on the scenario ``base`` (a :meth:`~sim.config.scenario.Scenario.to_dict`)."""
    outcome = RunOutcome(task)
    with recorded(outcome, task.threads):
        scenario = parse_scenario(base, source=f"run {task.run_id}")
        if task.changes:
            scenario = scenario.with_changes(task.changes)
        result = run(scenario, seed=task.seed, out=None, progress=False)
        outcome.places = result.places
        outcome.national = result.national
    return outcome


def worker_info() -> dict[str, Any]:
    """The placejobs version and source commit of this worker (checked before a sweep)."""
    commit, dirty = source_commit()
    return {"placejobs_version": __version__, "git_commit": commit, "git_dirty": dirty}


def dask_setup(worker: object = None) -> None:
    """Preload of sweep workers: ignore SIGINT (the sweep's own process handles Ctrl-C)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)

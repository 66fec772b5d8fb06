"""Running a sweep's runs on ``dask.distributed``, writing each as it finishes.

By default :func:`execute` starts a local cluster of worker *processes*
(:class:`distributed.LocalCluster`, ``workers`` of them, one Dask thread each, the
kernels of each using ``threads`` cores) and stops it at the end; with ``scheduler``
it connects to an existing cluster instead (``dask scheduler`` and ``dask worker``
started by hand on one machine or many, see ``docs/sweeps.md``), so the same sweep
scales from a laptop to many machines. Workers send each run's tables back to this
process, which writes them (:class:`~sim.sweeps.store.SweepStore`): workers need no
shared file system, only the same placejobs installed.

Every run is submitted at once, in ``run_id`` order; results are written in the order
they finish. A run whose task fails in Dask itself (its worker died, say) is recorded as
failed like a run that raised an error; neither stops the others.

Ctrl-C and SIGTERM (held by the command line, :mod:`sim.runs.interrupts`) are checked
between results: the sweep cancels what is left, stops its local cluster and raises
:class:`KeyboardInterrupt`; what finished is kept and a rerun goes on from there.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from sim.runs import interrupts
from sim.sweeps.store import SweepStore
from sim.sweeps.worker import RunOutcome, RunTask, run_task, worker_info

__all__ = [
    "execute", "ExecutionError", "SweepStatus", "check_workers", "cluster_client",
    "completed", "default_workers", "outcomes_as_completed", "share", "submit_calls",
    "submit_runs",
]

#: Seconds to wait for the cluster's first worker.
WORKER_TIMEOUT_S = 60


class ExecutionError(RuntimeError):
    """The cluster cannot be used (no scheduler there, no worker, placejobs missing)."""


@dataclass
class SweepStatus:
    """How a sweep's execution went.

    Attributes:
        runs: runs in the sweep.
        skipped: runs finished before (by an earlier, interrupted execution).
        finished: runs finished now.
        failed: runs that failed (now or before, and not finished since).
        wall_seconds: wall time of this execution.
        workers: Dask workers used.
        run_seconds: summed wall time of the runs inside the workers.
    """

    runs: int
    skipped: int = 0
    finished: int = 0
    failed: int = 0
    wall_seconds: float = 0.0
    workers: int = 0
    run_seconds: float = 0.0


def default_workers() -> int:
    """Worker processes of a local cluster by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def cluster_client(workers: int, scheduler: str | None, client: Any = None) -> Iterator[Any]:
    """A Dask client: ``client`` (kept open), or one on the cluster at ``scheduler``, or
    one on a new local cluster (closed at the end)."""
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            # The wait is Dask's setting distributed.comm.timeouts.connect (30 s by default).
            client = Client(scheduler, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutionError(f"cannot reach a Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "port in use", "large graph" and other chatter
        try:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.CRITICAL,
                preload=["sim.sweeps.worker"],
            )
        except (RuntimeError, OSError, TimeoutError) as exc:
            raise ExecutionError(
                f"the local cluster's worker processes did not start ({exc}); in a script, "
                "call sim.sweep under `if __name__ == \"__main__\":` (workers import the "
                "main module)"
            ) from None
    try:
        client = Client(cluster, set_as_default=False)
        try:
            yield client
        finally:
            client.close()
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster.close(timeout=30)


def check_workers(client: Any) -> dict[str, Any]:
    """Every worker must import this placejobs; return what they said."""
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT_S)
    except TimeoutError:
        raise ExecutionError("the Dask cluster has no worker (start some with `dask worker "
                             "ADDRESS --nthreads 1`)") from None
    try:
        infos = client.run(worker_info)
    except Exception as exc:  # noqa: BLE001 - a worker that cannot import placejobs, say
        raise ExecutionError(f"a Dask worker cannot run placejobs ({type(exc).__name__}: "
                             f"{exc}); install the same placejobs on every worker") from None
    mine = worker_info()
    for address, info in infos.items():
        other_commit = info["git_commit"] and mine["git_commit"] and (
            info["git_commit"] != mine["git_commit"])
        if info["placejobs_version"] != mine["placejobs_version"] or other_commit:
            raise ExecutionError(
                f"the Dask worker at {address} runs placejobs {info['placejobs_version']} "
                f"(commit {info['git_commit']}), this sweep {mine['placejobs_version']} "
                f"(commit {mine['git_commit']}); install the same placejobs on every worker"
            )
    return infos


def _quiet_shutdown() -> None:
    """Keep Dask's shutdown messages (closed comms, cancelled tasks) off the terminal."""
    for name in ("distributed", "distributed.client", "distributed.worker",
                 "distributed.scheduler", "distributed.nanny", "distributed.core",
                 "distributed.comm"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def share(client: Any, value: Any) -> Any:
    """Send ``value`` once to every worker; the future stands for it in the tasks.

    The value travels as one piece under a random key: ``client.scatter`` of a bare
    dictionary would scatter each of its values under the dictionary's own keys
    (``"run"``, ``"search"``, ...), so two scenarios shared on one cluster would
    overwrite each other's sections.
    """
    return client.scatter([value], broadcast=True, hash=False)[0]


def submit_calls(client: Any, function: Callable[..., Any], calls: list[tuple[Any, ...]],
                 keys: list[str]) -> list[Any]:
    """Submit ``function(*args)`` for each ``args`` of ``calls`` (arguments may be futures
    from :func:`share`), under ``keys`` made unique to this call (a random tag is added),
    never retried: the generic form of :func:`submit_runs`."""
    tag = uuid.uuid4().hex[:12]
    columns = [list(c) for c in zip(*calls, strict=True)] if calls else []
    return client.map(function, *columns, pure=False, retries=0,
                      key=[f"{k}-{tag}" for k in keys])


def completed(client: Any, futures: list[Any]) -> Iterator[tuple[Any, Any, BaseException | None]]:
    """``(future, result, error)`` for each future as it finishes, the future released
    (``error`` set, ``result`` None, when its task failed in Dask itself: its worker died,
    say). A held Ctrl-C or SIGTERM is raised between results
    (:func:`sim.runs.interrupts.check`); the caller cancels what is left."""
    from distributed import as_completed

    pending = as_completed(futures, loop=client.loop)
    while not pending.is_empty():
        interrupts.check()
        batch = pending.next_batch(block=False)
        if not batch:
            time.sleep(0.02)
            continue
        for future in batch:
            if future.status == "finished":
                result, error = future.result(), None
            else:
                result, error = None, future.exception()
            future.release()
            yield future, result, error


def submit_runs(client: Any, base: dict[str, Any], tasks: list[RunTask]) -> list[Any]:
    """Submit ``tasks`` on the scenario ``base`` (sent once to every worker); keys are
    unique to this call, so several sweeps can share one cluster."""
    shared = share(client, base)
    return submit_calls(client, run_task, [(shared, t) for t in tasks],
                        [f"placejobs-run-{t.run_id}-{t.replication}" for t in tasks])


def outcomes_as_completed(client: Any, futures: list[Any],
                          tasks: list[RunTask]) -> Iterator[RunOutcome]:
    """Each run's outcome as it finishes, its future released.

    A task that failed in Dask itself (its worker died, say) is yielded as a failed
    outcome. A held Ctrl-C or SIGTERM is raised between results
    (:func:`sim.runs.interrupts.check`); the caller cancels what is left.
    """
    by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
    for future, result, exc in completed(client, futures):
        if exc is None:
            yield result
        else:
            yield RunOutcome(by_key[future.key], error_type=type(exc).__name__,
                             error=str(exc) or type(exc).__name__)


def execute(
    store: SweepStore,
    done: set[tuple[int, int]],
    *,
    workers: int | None = None,
    threads: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = True,
    warn: Callable[[str], None] | None = None,
) -> SweepStatus:
    """Run what is left of a sweep and write each run as it finishes.

    Args:
        store: the sweep's opened results directory.
        done: ``(run_id, replication)`` already finished (skipped).
        workers: worker processes of the local cluster (default :func:`default_workers`);
            not used with ``scheduler``.
        threads: cores the kernels of each run use (default: the cores divided among the
            local workers; with ``scheduler``, what each worker has).
        scheduler: address of a running Dask scheduler (``tcp://host:8786``).
        client: a :class:`distributed.Client` to use (and leave open): several sweeps
            in one process share its cluster and pay its start-up once.
        progress: a progress bar counting runs, on stderr.
        warn: called once with each distinct warning the runs give.

    Returns:
        The counts and timings.

    Raises:
        ExecutionError: the cluster cannot be used.
        KeyboardInterrupt: a held Ctrl-C or SIGTERM (what finished is written).
    """
    sweep, design = store.sweep, store.design
    seeds = store.seeds
    tasks = [
        RunTask(run_id, rep, seeds[rep], design.points[run_id])
        for run_id in range(len(design)) for rep in range(sweep.replications)
        if (run_id, rep) not in done
    ]
    total = len(design) * sweep.replications
    status = SweepStatus(runs=total, skipped=total - len(tasks), failed=len(store.failures))
    if not tasks:
        store.close(total, complete=True)
        return status
    if sum(x is not None for x in (workers, scheduler, client)) > 1:
        raise ValueError("give at most one of workers (a local cluster), scheduler and client")
    if scheduler is None and client is None:
        workers = workers or default_workers()
        if threads is None:
            threads = max(1, default_workers() // workers)
    if threads is not None:
        tasks = [RunTask(t.run_id, t.replication, t.seed, t.changes, threads) for t in tasks]

    own_cluster = client is None
    started = time.perf_counter()
    seen_warnings: set[str] = set()
    bar = None
    try:
        with cluster_client(workers or 0, scheduler, client) as client:
            interrupts.check()
            status.workers = len(check_workers(client))
            bar = tqdm(total=total, initial=status.skipped, desc=sweep.name, unit="run",
                       disable=not progress, file=sys.stderr, dynamic_ncols=True)
            futures = submit_runs(client, sweep.base.to_dict(), tasks)
            failed_now = 0
            try:
                for outcome in outcomes_as_completed(client, futures, tasks):
                    task = outcome.task
                    values = design.points[task.run_id]
                    if outcome.ok:
                        store.write_run(task.run_id, task.replication, values,
                                        outcome.places, outcome.national)
                        status.finished += 1
                        status.run_seconds += outcome.wall_seconds
                    else:
                        store.record_failure(task.run_id, task.replication, values,
                                             outcome.error_type, outcome.error,
                                             outcome.traceback)
                        failed_now += 1
                    for message in outcome.warnings:
                        if message not in seen_warnings and warn is not None:
                            seen_warnings.add(message)
                            warn(message)
                    bar.update()
                    if failed_now:
                        bar.set_postfix_str(f"{failed_now} failed")
                status.workers = max(status.workers, len(client.scheduler_info()["workers"]))
            except BaseException:
                if own_cluster:  # a cluster stopped half-way has nothing left to say
                    _quiet_shutdown()
                client.cancel(futures, force=True)
                raise
    finally:
        if bar is not None:
            bar.close()
        status.failed = len(store.failures)
        status.wall_seconds = time.perf_counter() - started
        store.close(status.skipped + status.finished,
                    complete=status.skipped + status.finished == total)
    return status

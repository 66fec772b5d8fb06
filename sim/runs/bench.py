"""Throughput and memory benchmark: ``placejobs bench``.

Builds a synthetic economy (a 3 x 3 grid of places) of ``N`` workers, runs it
for ``M`` months with indicators recorded as in a normal run, and reports

* throughput: ``N * M / seconds`` of the monthly steps (worker-months per
  second; building the economy is timed separately);
* peak memory: the peak resident memory of the process during build and run,
  above its resident memory just before the economy was built, divided by
  ``N`` (bytes per worker). On Linux the kernel's peak counter (``VmHWM``) is
  reset before each repeat through ``/proc/self/clear_refs``; elsewhere a
  sampling thread reads the resident size every 5 ms.

Each repeat runs in a fresh process (so memory freed by an earlier repeat
cannot hide this one's peak); there the kernels are first compiled or loaded
from numba's cache on a small economy, so compilation is not measured. With
``--repeat R`` the benchmark runs ``R`` times and reports medians.
"""

from __future__ import annotations

import gc
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sim.config.checks import check_memory
from sim.config.scenario import parse_scenario
from sim.core.model import LabourMarket
from sim.runs import interrupts

__all__ = ["BenchResult", "run_benchmark"]


@dataclass(frozen=True)
class BenchResult:
    """One benchmark repeat."""

    workers: int
    firms: int
    months: int
    build_seconds: float
    run_seconds: float
    peak_bytes: int

    @property
    def throughput(self) -> float:
        """Worker-months per second of the monthly steps."""
        return self.workers * self.months / self.run_seconds

    @property
    def bytes_per_worker(self) -> float:
        """Peak resident memory above the starting footprint, per worker."""
        return self.peak_bytes / self.workers


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _rss_bytes() -> int:
    kb = _status_kb("VmRSS")
    if kb is not None:
        return kb * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # pragma: no cover


class _PeakMeter:
    """Peak resident memory over a block of code."""

    def __enter__(self) -> _PeakMeter:
        gc.collect()
        self.start = _rss_bytes()
        self._kernel = False
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self._kernel = _status_kb("VmHWM") is not None
        except OSError:
            self._kernel = False
        self.peak = self.start
        self._stop = threading.Event()
        if not self._kernel:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_bytes())

    def __exit__(self, *exc: object) -> None:
        if self._kernel:
            self.peak = max(self.peak, (_status_kb("VmHWM") or 0) * 1024)
        else:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, _rss_bytes())

    @property
    def above_start(self) -> int:
        return max(self.peak - self.start, 0)


def _scenario():
    return parse_scenario(
        {"run": {"name": "bench", "geography": "grid", "burn_in_months": 0, "months": 1}},
        source="<bench>",
    )


def run_once(workers: int, months: int, seed: int = 1) -> BenchResult:
    """Build an economy of ``workers`` workers and run it ``months`` months."""
    scenario = _scenario()
    with _PeakMeter() as meter:
        t0 = time.perf_counter()
        model = LabourMarket(scenario, rng=seed, n_workers=workers)
        t1 = time.perf_counter()
        for _ in range(months):
            model.step()
        t2 = time.perf_counter()
        firms = len(model.firms)
    del model
    gc.collect()
    return BenchResult(workers, firms, months, t1 - t0, t2 - t1, meter.above_start)


def _fresh_process_run(workers: int, months: int, seed: int) -> BenchResult:
    """Warm up the kernels, then measure one run (called in a fresh process)."""
    run_once(20_000, 2)
    gc.collect()
    return run_once(workers, months, seed=seed)


def run_benchmark(workers: int, months: int, repeat: int = 5, out=sys.stdout) -> list[BenchResult]:
    """Warm up, then run :func:`run_once` ``repeat`` times, printing each and the medians."""
    if workers < 1000:
        raise ValueError(f"--workers must be >= 1000, got {workers}")
    if months < 1:
        raise ValueError(f"--months must be >= 1, got {months}")
    if repeat < 1:
        raise ValueError(f"--repeat must be >= 1, got {repeat}")

    firms = _scenario().firms
    # Refused at once when the economy cannot fit in memory (ScenarioError, a ValueError).
    check_memory(
        f"--workers {workers}", workers, workers / (1.0 - firms.vacancy_rate) / firms.mean_size
    )
    import numba

    t = time.perf_counter()
    interrupts.check()
    run_once(20_000, 2)
    interrupts.check()
    print(
        f"warm-up (compile or load kernels): {time.perf_counter() - t:.1f} s; "
        f"threads: {numba.get_num_threads()}, layer: {numba.threading_layer()}",
        file=out,
    )
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    results = []
    context = mp.get_context("spawn")
    for r in range(repeat):
        interrupts.check()  # a Ctrl-C held by the command line ends the bench here
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            res = pool.submit(_fresh_process_run, workers, months, 1 + r).result()
        results.append(res)
        print(
            f"run {r + 1}/{repeat}: {res.workers:,} workers, {res.firms:,} firms, "
            f"{res.months} months: build {res.build_seconds:.2f} s, run {res.run_seconds:.2f} s, "
            f"{res.throughput / 1e6:.2f} M worker-months/s, {res.bytes_per_worker:.0f} B/worker",
            file=out,
        )
    tp = statistics.median(r.throughput for r in results)
    mem = statistics.median(r.bytes_per_worker for r in results)
    print(f"median of {repeat}:", file=out)
    print(f"throughput: {tp:,.0f} worker-months/s, peak memory: {mem:.0f} B/worker", file=out)
    return results

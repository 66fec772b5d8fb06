"""Wall time of a 64-run sweep with 1 and 2 workers, against plain ``sim.run`` calls.

Usage: .venv/bin/python tools/bench_sweep.py [SCENARIO] [--runs 64] [--small 16] [--repeat 3]

Three commands, each in a fresh process, for ``--runs`` and for ``--small`` runs, all
run ``--repeat`` times in alternation:

* ``plain``: one Python process calling ``sim.run(scenario, seed=s, out=None)`` for the
  sweep's replication seeds, one after the other (what a shell loop over runs would do
  at best: one start-up, no files written);
* ``sweep1`` and ``sweep2``: ``placejobs sweep`` of the same runs (the scenario's
  replications) on a local cluster of 1 and 2 workers, writing every run's parts.

Reported: the median wall time of each command (process start to exit); the cost of
one more run, (T(runs) - T(small)) / (runs - small), for each command, and the
1-worker sweep's against plain's (the overhead per run of running on Dask and writing
each run); the fixed cost of each (T(small) - small x cost per run: start-up, cluster,
shut-down); the whole overhead per run, (sweep1 - plain) / runs at ``--runs``; and the
speed-up of 2 workers over 1, as the median of the ratios of runs side by side.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAIN = """
import json, sys, time
import sim
from sim.runs.replications import replication_seeds
scenario = sim.load_scenario(sys.argv[1])
times = []
for seed in replication_seeds(scenario.run.seed, int(sys.argv[2])):
    t = time.perf_counter()
    sim.run(scenario, seed=seed, out=None, progress=False)
    times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def _timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, proc.stdout


def _once(scenario: str, runs: int, work: Path, tag: str) -> dict[str, float]:
    sweep_file = work / f"reps-{runs}.toml"
    sweep_file.write_text(
        f'base = "{Path(scenario).resolve()}"\nreplications = {runs}\n', encoding="utf-8"
    )
    walls = {}
    walls["plain"], _ = _timed([sys.executable, "-c", PLAIN, scenario, str(runs)])
    for workers in (1, 2):
        out_dir = work / f"out-{tag}-{runs}-{workers}"
        walls[f"sweep{workers}"], _ = _timed(
            [sys.executable, "-m", "sim", "sweep", str(sweep_file), "--out", str(out_dir),
             "--workers", str(workers), "--quiet"])
        info = json.loads((out_dir / "sweep.json").read_text())
        assert info["status"]["complete"], info["status"]
        shutil.rmtree(out_dir)
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/small.toml")
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--small", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    big: dict[str, list[float]] = {"plain": [], "sweep1": [], "sweep2": []}
    small: dict[str, list[float]] = {"plain": [], "sweep1": [], "sweep2": []}
    try:
        for r in range(args.repeat):
            for n, into in ((args.runs, big), (args.small, small)):
                for k, v in _once(args.scenario, n, work, str(r)).items():
                    into[k].append(v)
            print(f"repeat {r + 1}: " + ", ".join(
                f"{k} {big[k][-1]:.2f} s / {small[k][-1]:.2f} s" for k in big), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n, m = args.runs, args.small
    med = {k: statistics.median(v) for k, v in big.items()}
    med_small = {k: statistics.median(v) for k, v in small.items()}
    per_run = {k: (med[k] - med_small[k]) / (n - m) for k in med}
    fixed = {k: med_small[k] - m * per_run[k] for k in med}
    speedup = statistics.median(a / b for a, b in zip(big["sweep1"], big["sweep2"],
                                                       strict=True))
    print(f"\n{args.scenario}, medians of {args.repeat} (each command a fresh process):")
    print(f"  {'':22s}{n:>4d} runs  {m:>4d} runs  per run  fixed")
    for k, label in (("plain", "plain sim.run loop"), ("sweep1", "sweep, 1 worker"),
                     ("sweep2", "sweep, 2 workers")):
        print(f"  {label:22s}{med[k]:8.2f} s {med_small[k]:8.2f} s {per_run[k]:7.3f} s "
              f"{fixed[k]:6.2f} s")
    print(f"  cost of one more run, 1-worker sweep vs plain: "
          f"{per_run['sweep1'] / per_run['plain'] - 1:+.1%}")
    print(f"  whole overhead per run at {n} runs, 1 worker vs plain: "
          f"{(med['sweep1'] - med['plain']) / n * 1000:.0f} ms = "
          f"{(med['sweep1'] - med['plain']) / med['plain']:.1%}")
    print(f"  speed-up of 2 workers over 1 at {n} runs (median of paired ratios): "
          f"{speedup:.2f}x")


if __name__ == "__main__":
    main()

"""Wall time of a 64-run sweep with 1 and 2 workers, against plain ``sim.run`` calls.

Usage: .venv/bin/python tools/bench_sweep.py [SCENARIO] [--runs 64] [--repeat 3]

Three commands, each in a fresh process, run ``--repeat`` times in alternation:

* ``plain``: one Python process calling ``sim.run(scenario, seed=s, out=None)`` for the
  sweep's replication seeds, one after the other (what a shell loop over runs would do
  at best: one start-up, no files written);
* ``sweep1`` and ``sweep2``: ``placejobs sweep`` of the same runs (the scenario's
  replications) on a local cluster of 1 and 2 workers, writing every run's parts.

Reported: the median wall time of each command (process start to exit), the overhead
per run of the 1-worker sweep against ``plain`` ((sweep1 - plain) / runs, as a share of
plain's median run), and the speed-up of 2 workers over 1, as the median of the ratios
of runs side by side.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/small.toml")
    parser.add_argument("--runs", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    sweep_file = work / "reps.toml"
    sweep_file.write_text(
        f'base = "{Path(args.scenario).resolve()}"\nreplications = {args.runs}\n',
        encoding="utf-8",
    )
    walls: dict[str, list[float]] = {"plain": [], "sweep1": [], "sweep2": []}
    per_run: list[float] = []
    try:
        for r in range(args.repeat):
            wall, out = _timed([sys.executable, "-c", PLAIN, args.scenario, str(args.runs)])
            walls["plain"].append(wall)
            per_run.extend(json.loads(out))
            for workers in (1, 2):
                out_dir = work / f"out-{r}-{workers}"
                wall, _ = _timed([sys.executable, "-m", "sim", "sweep", str(sweep_file),
                                  "--out", str(out_dir), "--workers", str(workers), "--quiet"])
                walls[f"sweep{workers}"].append(wall)
                if workers == 1:
                    info = json.loads((out_dir / "sweep.json").read_text())
                    assert info["status"]["complete"], info["status"]
                shutil.rmtree(out_dir)
            print(f"repeat {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in walls.items()),
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in walls.items()}
    run_median = statistics.median(per_run)
    overhead = (med["sweep1"] - med["plain"]) / args.runs
    speedup = statistics.median(a / b for a, b in zip(walls["sweep1"], walls["sweep2"],
                                                       strict=True))
    print(f"\n{args.runs} runs of {args.scenario}, medians of {args.repeat}:")
    print(f"  plain sim.run loop   {med['plain']:7.2f} s  (median run {run_median:.3f} s)")
    print(f"  sweep, 1 worker      {med['sweep1']:7.2f} s")
    print(f"  sweep, 2 workers     {med['sweep2']:7.2f} s")
    print(f"  overhead per run, 1 worker vs plain: {overhead * 1000:.0f} ms "
          f"= {overhead / run_median:.1%} of a run")
    print(f"  speed-up of 2 workers over 1 (median of paired ratios): {speedup:.2f}x")


if __name__ == "__main__":
    main()

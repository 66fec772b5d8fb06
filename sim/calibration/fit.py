"""Calibration by the method of simulated moments, on the sweeps' Dask machinery.

:func:`calibrate` minimises the objective of :mod:`sim.calibration.spec` over the free
parameters' box with an established optimiser from SciPy:

* ``differential-evolution`` (Storn and Price 1997; :func:`scipy.optimize.differential_evolution`,
  vectorised: a whole generation is one batch of runs, spread over the cluster; integer
  parameters searched as integers): global, robust to the noise and the flat steps an
  agent-based model's objective has;
* ``nelder-mead`` (:func:`scipy.optimize.minimize`, bounded): local, from the middle of
  the box, one parameter vector at a time (its replications in parallel).

Every evaluation runs the same replication seeds (common random numbers), so the
objective is a deterministic function of the parameters and differences between
parameter vectors are not blurred by different draws. Evaluations are cached in
``DIR/evaluations/`` (one JSON file per parameter vector, written atomically): rerunning
the same command after an interruption replays the optimiser, which asks for the same
vectors, and only what is missing is run.

Outputs in ``DIR``:

* ``calibration.json``: the calibration (base, parameters, moments, optimiser), the best
  parameters, the objective, each moment's model value against its data value, how the
  optimiser ended, and provenance (version, git commit, date, library versions);
* ``path.parquet``: every evaluation in order: parameters, objective, moment values;
* ``fitted.toml``: the base scenario with the fitted values, every key written out, with
  the provenance (targets, fit, date, commit) as comments: ``placejobs run`` reads it.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.calibration.spec import Calibration, load_calibration
from sim.config.show import scenario_to_toml
from sim.runs import interrupts
from sim.runs.api import library_versions, source_commit
from sim.runs.output import write_json, write_table
from sim.runs.replications import replication_seeds
from sim.sweeps.design import point_value
from sim.sweeps.execute import (
    check_workers,
    cluster_client,
    default_workers,
    outcomes_as_completed,
    submit_runs,
)
from sim.sweeps.store import claim_directory
from sim.sweeps.worker import RunOutcome, RunTask

__all__ = ["CalibrationResult", "calibrate", "moment_values", "objective"]

#: Objective given to a parameter vector whose runs failed (a finite stand-in for infinity).
FAILED = 1e12


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found.

    Attributes:
        parameters: the best parameter vector, ``{key: value}``.
        objective: its objective.
        moments: one row per moment: data, model, sd, weight, contribution.
        path: every evaluation.
        info: ``calibration.json``.
        out: the results directory.
    """

    parameters: dict[str, Any]
    objective: float
    moments: pd.DataFrame
    path: pd.DataFrame
    info: dict[str, Any]
    out: Path
    fitted_scenario: Path | None = None
    evaluations: int = 0
    cached: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def moment_values(cal: Calibration, national: pd.DataFrame) -> dict[str, float]:
    """Each moment's value in one run: the indicator's mean over its last ``window`` months."""
    out = {}
    for m in cal.moments:
        series = national.sort_values("month")[m.indicator].to_numpy(dtype=float)
        out[m.name] = float(np.mean(series[-m.window:]))
    return out


def objective(cal: Calibration, model: dict[str, float]) -> float:
    """``sum_m w_m ((model_m - data_m) / sd_m)^2`` (``FAILED`` when a value is missing)."""
    total = 0.0
    for m in cal.moments:
        value = model.get(m.name)
        if value is None or not math.isfinite(value):
            return FAILED
        total += m.weight * ((value - m.data) / m.sd) ** 2
    return float(total)


def _key(cal: Calibration, theta: dict[str, Any], seeds: list[int]) -> str:
    text = json.dumps({"base": cal.sweep.base.to_dict(), "seeds": seeds, "theta": theta,
                       "moments": [vars(m) for m in cal.moments]},
                      sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class _Evaluator:
    """Evaluates batches of parameter vectors on a Dask client, with a cache on disk."""

    def __init__(self, cal: Calibration, client: Any, out: Path, threads: int | None,
                 on_batch: Callable[[int], None]) -> None:
        self.cal = cal
        self.client = client
        self.cache = out / "evaluations"
        self.cache.mkdir(parents=True, exist_ok=True)
        self.seeds = replication_seeds(cal.sweep.seed, cal.sweep.replications)
        self.threads = threads
        self.rows: list[dict[str, Any]] = []
        self.cached = 0
        self.on_batch = on_batch

    def theta(self, x: np.ndarray) -> dict[str, Any]:
        return {p.key: point_value(p, float(v)) for p, v in zip(self.cal.parameters, x,
                                                                  strict=True)}

    def __call__(self, xs: list[np.ndarray]) -> list[float]:
        thetas = [self.theta(x) for x in xs]
        results: list[dict[str, Any] | None] = []
        todo: list[tuple[int, str]] = []
        for i, theta in enumerate(thetas):
            key = _key(self.cal, theta, self.seeds)
            path = self.cache / f"{key}.json"
            if path.exists():
                results.append(json.loads(path.read_text(encoding="utf-8")))
                self.cached += 1
            else:
                results.append(None)
                todo.append((i, key))
        if todo:
            self._run(thetas, todo, results)
        values = []
        generation = len({r["batch"] for r in self.rows}) if self.rows else 0
        for theta, result in zip(thetas, results, strict=True):
            assert result is not None
            value = float(result["objective"])
            row = {"evaluation": len(self.rows), "batch": generation, **theta,
                   "objective": value, **result["moments"], "error": result.get("error", "")}
            self.rows.append(row)
            values.append(value)
        self.on_batch(len(thetas))
        return values

    def _run(self, thetas: list[dict[str, Any]], todo: list[tuple[int, str]],
             results: list[dict[str, Any] | None]) -> None:
        tasks = [RunTask(i, r, seed, thetas[i], self.threads)
                 for i, _ in todo for r, seed in enumerate(self.seeds)]
        futures = submit_runs(self.client, self.cal.sweep.base.to_dict(), tasks)
        outcomes: dict[int, list[RunOutcome]] = {i: [] for i, _ in todo}
        try:
            for outcome in outcomes_as_completed(self.client, futures, tasks):
                outcomes[outcome.task.run_id].append(outcome)
        except BaseException:
            self.client.cancel(futures, force=True)
            raise
        for i, key in todo:
            runs = sorted(outcomes[i], key=lambda o: o.task.replication)
            errors = [o for o in runs if not o.ok]
            if errors:
                result = {"theta": thetas[i], "objective": FAILED,
                          "moments": {m.name: float("nan") for m in self.cal.moments},
                          "error": f"{errors[0].error_type}: {errors[0].error}"}
            else:
                per_rep = [moment_values(self.cal, o.national) for o in runs]
                means = {m.name: float(np.mean([v[m.name] for v in per_rep]))
                         for m in self.cal.moments}
                result = {"theta": thetas[i], "objective": objective(self.cal, means),
                          "moments": means, "replications": per_rep}
            write_json(self.cache / f"{key}.json", result)
            results[i] = result


def calibrate(
    spec: Calibration | str | Path,
    *,
    out: str | Path,
    workers: int | None = None,
    threads: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = True,
) -> CalibrationResult:
    """Fit the free parameters of a calibration (see the module docstring).

    Args:
        spec: a calibration file or a checked :class:`~sim.calibration.spec.Calibration`.
        out: the results directory (rerunning the same calibration there reuses what was
            evaluated).
        workers, threads, scheduler, client: where the runs go, as for :func:`sim.sweep`.
        progress: a progress bar counting evaluations.

    Raises:
        CalibrationError: a bad calibration file (one line).
        OutputError: ``out`` cannot be used.
        ExecutionError: the Dask cluster cannot be used.
    """
    from scipy.optimize import differential_evolution, minimize

    cal = spec if isinstance(spec, Calibration) else load_calibration(spec)
    out = Path(out)
    claim_directory(out, "calibration.json", cal.fingerprint(), "calibration",
                    lambda: {"fingerprint": cal.fingerprint(), "complete": False,
                             "calibration": cal.to_dict()})
    opt = cal.optimizer
    params = cal.parameters
    bounds = [(p.low, p.high) for p in params]
    if scheduler is None and client is None:
        workers = workers or default_workers()
        threads = threads or max(1, default_workers() // workers)
    started = time.perf_counter()
    bar = tqdm(total=opt.max_evaluations, desc=f"calibrating {cal.sweep.name}",
               unit="evaluation", disable=not progress, file=sys.stderr, dynamic_ncols=True)
    try:
        with cluster_client(workers or 0, scheduler, client) as dask:
            interrupts.check()
            check_workers(dask)
            evaluate = _Evaluator(cal, dask, out, threads, bar.update)
            if opt.method == "differential-evolution":
                d = len(params)
                popsize = max(1, math.ceil(opt.population / d))
                members = popsize * d
                maxiter = max(0, opt.max_evaluations // members - 1)

                def batch(x: np.ndarray) -> np.ndarray:
                    x = np.atleast_2d(np.asarray(x).T).T if np.ndim(x) == 1 else x
                    return np.asarray(evaluate([x[:, s] for s in range(x.shape[1])]))

                result = differential_evolution(
                    batch, bounds, popsize=popsize, maxiter=maxiter, tol=opt.tolerance,
                    rng=np.random.default_rng(opt.seed), polish=False, init="latinhypercube",
                    vectorized=True, updating="deferred",
                    integrality=[p.integer for p in params],
                )
            else:
                x0 = np.array([(p.low + p.high) / 2 for p in params])
                result = minimize(
                    lambda x: evaluate([x])[0], x0, method="Nelder-Mead", bounds=bounds,
                    options={"maxfev": opt.max_evaluations, "fatol": opt.tolerance,
                             "xatol": 1e-4},
                )
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    path = pd.DataFrame(evaluate.rows)
    write_table(path, out / "path.parquet")

    best_row = path.loc[path.objective.idxmin()]
    best = {p.key: (int(best_row[p.key]) if p.integer else float(best_row[p.key]))
            for p in params}
    moments = pd.DataFrame([
        {"moment": m.name, "indicator": m.indicator, "data": m.data,
         "model": float(best_row[m.name]), "sd": m.sd, "weight": m.weight,
         "contribution": m.weight * ((float(best_row[m.name]) - m.data) / m.sd) ** 2,
         "source": m.source}
        for m in cal.moments
    ])
    commit, dirty = source_commit()
    when = datetime.now(UTC).isoformat(timespec="seconds")
    info = {
        "fingerprint": cal.fingerprint(),
        "complete": True,
        "placejobs_version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "versions": library_versions(),
        "finished_at": when,
        "calibration_file": cal.source,
        "calibration": cal.to_dict(),
        "best": best,
        "objective": float(best_row.objective),
        "moments": moments.to_dict("records"),
        "optimizer": {"method": opt.method, "success": bool(result.success),
                      "message": str(result.message), "evaluations": len(path),
                      "cached": evaluate.cached, "seconds": round(elapsed, 1)},
    }
    write_json(out / "calibration.json", info)

    fitted = cal.sweep.base.with_changes(best)
    lines = [
        f"Calibrated by placejobs calibrate {cal.source or '(in memory)'} on {when}",
        f"placejobs {__version__}, commit {commit}{' (modified)' if dirty else ''}; "
        f"{opt.method}, {len(path)} evaluations, {cal.sweep.replications} replications "
        f"each (seed {cal.sweep.seed}); objective {float(best_row.objective):.4g}",
        "Fitted: " + ", ".join(f"{k} = {v}" for k, v in best.items()),
        "Moments (model against data):",
        *(f"  {r.moment}: {r.model:.4g} against {r.data:.4g} (sd {r.sd:.3g}"
          f"{'; ' + r.source if r.source else ''})" for r in moments.itertuples()),
    ]
    header = "".join(f"# {line}\n" for line in lines)
    text = header + "\n" + scenario_to_toml(fitted, origin=f"the calibration in {out}")
    (out / "fitted.toml").write_text(text, encoding="utf-8")
    return CalibrationResult(best, float(best_row.objective), moments, path, info, out,
                             out / "fitted.toml", len(path), evaluate.cached, elapsed)

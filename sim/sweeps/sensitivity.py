"""Sensitivity analysis of a finished Sobol or Morris sweep, with SALib.

:func:`sensitivity` reads a sweep directory (what ``placejobs sweep`` writes:
``sweep.json`` with the design and SALib's problem, and the ``national`` and ``places``
Parquet datasets with one row per run, replication and recorded month), reduces each
run to one number per output and hands those to SALib:

* **the run's value** ``Y[run_id]`` of an output (an indicator of
  :data:`sim.core.indicators.INDICATORS`) is the mean over the last ``window_months``
  recorded months of each replication, then the mean over the replications
  (:func:`output_means`); nationally, or for one place;
* a **Sobol** sweep gives, per parameter, the first-order index ``S1`` (the share of the
  variance of ``Y`` that the parameter explains alone) and the total-order index ``ST``
  (alone and in interaction with the others), from
  :func:`SALib.analyze.sobol.analyze` (Saltelli/Jansen estimators, bootstrap intervals);
* a **Morris** sweep gives, per parameter, ``mu_star`` (the mean absolute elementary
  effect: the change in ``Y`` over the parameter's whole range, in the output's unit),
  ``mu`` (its signed mean) and ``sigma`` (their standard deviation: interactions and
  non-linearity), from :func:`SALib.analyze.morris.analyze`.

Each ``*_conf`` column is the half-width of SALib's bootstrap confidence interval at
``conf_level``; ``*_low`` and ``*_high`` are the interval's ends (index minus and plus
the half-width). Rows are ranked within each output by ``ST`` (Sobol) or ``mu_star``
(Morris), most influential first. An output that takes the same value in every run has
no variance to share out: its indices (and their intervals) are reported as 0 and the
``note`` column says so, instead of SALib's NaN.

Grid and random sweeps have no estimator here (their designs are not SALib's), and every
run of the design must have all its replications: a missing run (failed or not yet run)
is an error that names how many are missing; rerunning ``placejobs sweep`` completes
the sweep.

Example:
    >>> from sim.sweeps.sensitivity import sensitivity
    >>> indices = sensitivity("results/sweep-sobol", ["unemployment_rate"])
    >>> indices[["parameter", "S1", "ST", "ST_conf"]]
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.indicators import INDICATORS, NATIONAL_COLUMNS, PLACE_INDICATORS
from sim.runs.output import write_table
from sim.viz.captions import caption_text
from sim.viz.sensitivity import plot_sensitivity

__all__ = [
    "CONSTANT_NOTE",
    "METHODS",
    "MORRIS_COLUMNS",
    "SENSITIVITY_DIR",
    "SOBOL_COLUMNS",
    "output_means",
    "sensitivity",
]

#: Design kinds SALib can analyse here.
METHODS = ("sobol", "morris")
#: Sub-directory of the sweep directory the indices and charts are written to.
SENSITIVITY_DIR = "sensitivity"
#: The ``note`` of an output with the same value in every run.
CONSTANT_NOTE = "constant output (zero variance across runs): indices set to 0"
#: Columns of the rows of a Sobol analysis, in order.
SOBOL_COLUMNS = (
    "method", "output", "place", "rank", "parameter",
    "S1", "S1_conf", "S1_low", "S1_high", "ST", "ST_conf", "ST_low", "ST_high", "note",
)
#: Columns of the rows of a Morris analysis, in order.
MORRIS_COLUMNS = (
    "method", "output", "place", "rank", "parameter",
    "mu", "mu_star", "mu_star_conf", "mu_star_low", "mu_star_high", "sigma", "note",
)
#: The value of the ``place`` column for national outputs.
NATIONAL = "national"
#: Key columns of the sweep's tables.
_KEYS = ("run_id", "replication", "month")
#: How many places an unknown-place message lists.
_PLACES_LISTED = 5


# --------------------------------------------------------------------------------------------
# Reading the sweep
# --------------------------------------------------------------------------------------------


def _read_sweep(directory: Path) -> dict[str, Any]:
    """Read and check ``sweep.json``: the design kind, SALib's problem and the design matrix."""
    path = directory / "sweep.json"
    if not path.is_file():
        raise ValueError(f"{path}: no such file; give the directory a `placejobs sweep` wrote")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not readable as UTF-8 JSON ({exc})") from None
    if not isinstance(info, dict):
        raise ValueError(f"{path}: expected a JSON object, found {type(info).__name__}")
    for key in ("design", "problem"):
        if not isinstance(info.get(key), dict):
            raise ValueError(f"{path}: key {key!r} is missing or not an object")
    kind = info["design"].get("kind")
    if kind not in METHODS:
        raise ValueError(
            f"sensitivity needs a sobol or morris sweep; {directory} is a {kind} sweep"
        )
    problem = info["problem"]
    names = problem.get("names")
    if not isinstance(names, list) or not names:
        raise ValueError(f"{path}: problem.names must be a non-empty list of parameter keys")
    matrix = info.get("design_matrix")
    try:
        x = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        x = np.empty(0)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != len(names):
        raise ValueError(
            f"{path}: design_matrix must be a list of rows of {len(names)} numbers "
            "(one row per run_id)"
        )
    replications = info.get("replications", 1)
    if not isinstance(replications, int) or isinstance(replications, bool) or replications < 1:
        raise ValueError(f"{path}: replications must be a positive integer, not {replications!r}")
    return {
        "kind": kind,
        "design": info["design"],
        "problem": problem,
        "x": x,
        "replications": replications,
    }


def _dataset(directory: Path, table: str) -> Any:
    """The Parquet dataset ``directory/table`` (``national`` or ``places``)."""
    import pyarrow.dataset as ds

    path = directory / table
    if not path.is_dir() or not any(path.glob("*.parquet")):
        raise ValueError(
            f"{path}: no results; run `placejobs sweep` to (re)compute the sweep's runs"
        )
    return ds.dataset(path, format="parquet")


def _check_outputs(outputs: str | Sequence[str], place: str | None) -> list[str]:
    """The outputs asked for, deduplicated in order; each an indicator of the right table."""
    names = [outputs] if isinstance(outputs, str) else list(outputs)
    if not names:
        raise ValueError("outputs is empty; give one or more indicator names")
    allowed = PLACE_INDICATORS if place is not None else NATIONAL_COLUMNS
    for name in names:
        if name not in allowed:
            where = "place" if place is not None else "national"
            extra = " (a national-only indicator)" if name in INDICATORS else ""
            raise ValueError(
                f"unknown {where} output {name!r}{extra}; allowed: {', '.join(allowed)}"
            )
    return list(dict.fromkeys(names))


def _resolve_place(dataset: Any, place: str, directory: Path) -> str:
    """The code of ``place`` (a code, or a name of the places table)."""
    table = dataset.to_table(columns=["place", "name"]).to_pandas().drop_duplicates()
    codes = table["place"].astype(str)
    if place in set(codes):
        return place
    names = table["name"].astype(str)
    for match in (names == place, names.str.casefold() == place.casefold()):
        found = codes[match].unique()
        if len(found) == 1:
            return str(found[0])
        if len(found) > 1:
            raise ValueError(
                f"place {place!r} names {len(found)} places in {directory}: "
                f"{', '.join(sorted(found))}; give a code"
            )
    listed = ", ".join(
        f"{c} ({n})" for c, n in zip(codes[:_PLACES_LISTED], names[:_PLACES_LISTED], strict=True)
    )
    more = f" and {len(table) - _PLACES_LISTED} more" if len(table) > _PLACES_LISTED else ""
    raise ValueError(
        f"unknown place {place!r} in {directory / 'places'}; "
        f"give a code or a name, e.g. {listed}{more}"
    )


def _missing_runs_message(
    directory: Path, missing: np.ndarray, runs: int, replications: int
) -> str:
    """One line: how many runs lack results, which failed, and how to complete the sweep."""
    failed: set[int] = set()
    failures = directory / "failures.parquet"
    if failures.is_file():
        try:
            failed = set(pd.read_parquet(failures, columns=["run_id"])["run_id"].astype(int))
        except (OSError, ValueError, KeyError):  # an unreadable log only loses the detail
            failed = set()
    n_failed = len(failed.intersection(missing.tolist()))
    shown = ", ".join(str(i) for i in missing[:5]) + (", ..." if len(missing) > 5 else "")
    detail = f"{n_failed} failed (see {failures.name}), " if n_failed else ""
    return (
        f"{directory}: {len(missing)} of {runs} runs lack results for all {replications} "
        f"replications ({detail}{len(missing) - n_failed} not run or unfinished; run_id "
        f"{shown}); rerun `placejobs sweep` on it to complete the sweep"
    )


def _output_means(
    directory: Path,
    info: dict[str, Any],
    outputs: list[str],
    place: str | None,
    window_months: int,
) -> tuple[pd.DataFrame, str]:
    """``Y`` per run_id and output, and the place's code (or ``"national"``)."""
    import pyarrow.dataset as ds

    table = "places" if place is not None else "national"
    dataset = _dataset(directory, table)
    columns = set(dataset.schema.names)
    absent = [c for c in (*_KEYS, *outputs) if c not in columns]
    if absent:
        raise ValueError(
            f"{directory / table}: no column {', '.join(map(repr, absent))}; "
            f"the sweep recorded {', '.join(c for c in NATIONAL_COLUMNS if c in columns)}"
        )
    where = NATIONAL
    flt = None
    if place is not None:
        for column in ("place", "name"):
            if column not in columns:
                raise ValueError(f"{directory / table}: no column {column!r}")
        where = _resolve_place(dataset, place, directory)
        flt = ds.field("place") == where
    frame = dataset.to_table(columns=[*_KEYS, *outputs], filter=flt).to_pandas()

    runs = info["x"].shape[0]
    replications = info["replications"]
    frame = frame.loc[frame["run_id"].between(0, runs - 1)]
    done = frame.groupby("run_id")["replication"].nunique()
    done = done.reindex(range(runs), fill_value=0)
    missing = done.index[done < replications].to_numpy()
    if len(missing):
        raise ValueError(_missing_runs_message(directory, missing, runs, replications))

    by_replication = frame.groupby(["run_id", "replication"])["month"]
    recorded = int(by_replication.nunique().min())
    if window_months > recorded:
        raise ValueError(
            f"window_months={window_months} is more than the {recorded} months recorded in "
            f"{directory / table}; give window_months between 1 and {recorded}"
        )
    latest = by_replication.rank(method="dense", ascending=False) <= window_months
    frame = frame.loc[latest]
    means = frame.groupby(["run_id", "replication"])[outputs].mean().groupby("run_id").mean()

    for name in outputs:
        bad = means.index[~np.isfinite(means[name].to_numpy(dtype=float))]
        if len(bad):
            raise ValueError(
                f"output {name!r} ({where}) has no finite value in the last {window_months} "
                f"months for {len(bad)} of {runs} runs (run_id {', '.join(map(str, bad[:5]))}"
                f"{', ...' if len(bad) > 5 else ''}); choose another output or place"
            )
    return means, where


def output_means(
    directory: str | Path,
    outputs: str | Sequence[str],
    *,
    place: str | None = None,
    window_months: int = 12,
) -> pd.DataFrame:
    """Each run's value of each output: what :func:`sensitivity` hands SALib.

    For each run_id and output: the mean over the last ``window_months`` recorded months
    of each replication, then the mean over the replications (months or replications
    with a missing value add nothing to their mean).

    Args:
        directory: A sobol or morris sweep directory (``sweep.json``, ``national/``,
            ``places/``).
        outputs: One indicator name or several (:data:`sim.core.indicators.INDICATORS`;
            for a place, one recorded per place).
        place: A place's code or name (from the places table); ``None`` for the national
            values.
        window_months: How many of the last recorded months to average (at least 1, at
            most the months recorded).

    Returns:
        One row per run_id (the index, in design order ``0..n-1``) and one float column
        per output, in the unit of the indicator.

    Raises:
        ValueError: For a directory that is not a sobol or morris sweep, an unknown output
            or place, a run without all its replications, a window longer than the months
            recorded, or an output with no finite value for some run.
    """
    directory = Path(directory)
    info = _read_sweep(directory)
    names = _check_outputs(outputs, place)
    _check_window(window_months)
    means, _ = _output_means(directory, info, names, place, window_months)
    return means


def _check_window(window_months: int) -> None:
    """Raise ``ValueError`` unless ``window_months`` is a whole number >= 1."""
    if not isinstance(window_months, int) or isinstance(window_months, bool) or window_months < 1:
        raise ValueError(f"window_months must be a whole number of months >= 1, not "
                         f"{window_months!r}")


# --------------------------------------------------------------------------------------------
# SALib
# --------------------------------------------------------------------------------------------


def _parameter_names(problem: dict[str, Any]) -> list[str]:
    """The names SALib reports indices for: the groups if the problem has any, else names."""
    from SALib.util import extract_group_names

    names, _ = extract_group_names(problem)
    return [str(n) for n in names]


def _floats(values: Any) -> np.ndarray:
    """SALib's (possibly masked) array as a float array, NaN where masked."""
    return np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)


def _is_constant(y: np.ndarray) -> bool:
    """Whether ``y`` has (up to rounding in the means) one value in every run."""
    spread = float(np.ptp(y))
    return spread == 0.0 or spread <= 1e-12 * float(np.max(np.abs(y)))


def _sobol(
    info: dict[str, Any], y: np.ndarray, conf_level: float, num_resamples: int, seed: int
) -> dict[str, np.ndarray]:
    """``S1``, ``S1_conf``, ``ST``, ``ST_conf`` per parameter (zeros for a constant ``y``)."""
    from SALib.analyze import sobol

    names = _parameter_names(info["problem"])
    if _is_constant(y):
        zeros = np.zeros(len(names))
        return {"S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros}
    si = sobol.analyze(
        dict(info["problem"]),
        y,
        calc_second_order=bool(info["design"].get("calc_second_order", False)),
        num_resamples=num_resamples,
        conf_level=conf_level,
        # A Generator, not the int: SALib ignores a seed of 0 (it tests `if seed:`).
        seed=np.random.default_rng(seed),
    )
    return {k: _floats(si[k]) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def _morris(
    info: dict[str, Any], y: np.ndarray, conf_level: float, num_resamples: int, seed: int
) -> dict[str, np.ndarray]:
    """``mu``, ``mu_star``, ``mu_star_conf``, ``sigma`` per parameter (zeros if constant)."""
    from SALib.analyze import morris

    names = _parameter_names(info["problem"])
    if _is_constant(y):
        zeros = np.zeros(len(names))
        return {"mu": zeros, "mu_star": zeros, "mu_star_conf": zeros, "sigma": zeros}
    si = morris.analyze(
        dict(info["problem"]),
        info["x"],
        y,
        num_levels=int(info["design"].get("levels", 4)),
        conf_level=conf_level,
        num_resamples=num_resamples,
        seed=np.random.default_rng(seed),
    )
    return {k: _floats(si[k]) for k in ("mu", "mu_star", "mu_star_conf", "sigma")}


def _rows(
    kind: str, output: str, where: str, names: list[str], si: dict[str, np.ndarray], note: str
) -> pd.DataFrame:
    """The ranked rows of one output."""
    df = pd.DataFrame({"method": kind, "output": output, "place": where, "parameter": names})
    for key, values in si.items():
        df[key] = values
    bounds = ("S1", "ST") if kind == "sobol" else ("mu_star",)
    for key in bounds:
        df[f"{key}_low"] = df[key] - df[f"{key}_conf"]
        df[f"{key}_high"] = df[key] + df[f"{key}_conf"]
    df["note"] = note
    by = "ST" if kind == "sobol" else "mu_star"
    df = df.sort_values(by, ascending=False, kind="stable", na_position="last")
    df["rank"] = np.arange(1, len(df) + 1)
    columns = SOBOL_COLUMNS if kind == "sobol" else MORRIS_COLUMNS
    return df.loc[:, list(columns)].reset_index(drop=True)


def _check_analysis_options(conf_level: float, num_resamples: int, seed: int) -> None:
    """Raise ``ValueError`` for a confidence level, resample count or seed out of range."""
    if not isinstance(conf_level, (int, float)) or not 0.0 < float(conf_level) < 1.0:
        raise ValueError(f"conf_level must be a number between 0 and 1 (exclusive), "
                         f"not {conf_level!r}")
    if not isinstance(num_resamples, int) or isinstance(num_resamples, bool) or num_resamples < 2:
        raise ValueError(f"num_resamples must be a whole number >= 2, not {num_resamples!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, not {seed!r}")


def _file_stem(where: str) -> str:
    """A place code made safe for a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", where)


def _title(output: str, where: str, kind: str, runs: int, replications: int, window: int) -> str:
    """The two-line title of an output's chart."""
    label = INDICATORS[output].label
    place = "national" if where == NATIONAL else where
    method = "Sobol indices" if kind == "sobol" else "Morris elementary effects"
    return (
        f"{label} ({place}): {method}\n"
        f"{runs} runs x {replications} replication{'s' if replications != 1 else ''}, "
        f"mean of the last {window} months"
    )


def _caption(info: dict[str, Any], runs: int) -> str:
    """The caption line of a sweep's charts: its base scenario, sweep name and runs, base
    seed, replications, scale (unless a parameter or setting of the sweep), date, version."""
    base = info.get("base_scenario")
    run = base.get("run", {}) if isinstance(base, dict) else {}
    varied = set(info["problem"].get("names", [])) | set(info.get("set") or {})
    scale = None if varied & {"scale", "run.scale"} else run.get("scale")
    name = info.get("name")
    created = info.get("created_at")
    return caption_text(
        scenario=run.get("name"), seed=info.get("seed"),
        replications=info.get("replications"), scale=scale,
        detail=f"sweep {name}, {runs} runs" if name else f"{runs} runs",
        run_date=str(created)[:10] if created else None,
        version=str(info["placejobs_version"]) if info.get("placejobs_version") else None)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def sensitivity(
    directory: str | Path,
    outputs: str | Sequence[str],
    *,
    place: str | None = None,
    window_months: int = 12,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int = 0,
    write: bool = True,
) -> pd.DataFrame:
    """Sobol or Morris sensitivity indices of outputs of a finished sweep.

    Each run's value of an output is the mean over its replications of the mean over the
    last ``window_months`` recorded months (:func:`output_means`). A Sobol sweep is
    analysed with :func:`SALib.analyze.sobol.analyze` (with the sweep's
    ``calc_second_order``; second-order indices are not reported), a Morris sweep with
    :func:`SALib.analyze.morris.analyze` on the sweep's design matrix and number of levels.

    With ``write``, the rows are written (atomically) to
    ``DIR/sensitivity/indices.parquet``, or ``indices-<place>.parquet`` for a place, and a
    bar chart per output to ``DIR/sensitivity/<output>.png`` (``<output>-<place>.png``),
    drawn by :func:`sim.viz.sensitivity.plot_sensitivity` with a caption line saying
    the sweep (:func:`_caption`). They are derived data: each
    call replaces the file of its place whole, so it holds the outputs of the last call
    only (ask for all the outputs wanted in one call).

    Args:
        directory: A finished sobol or morris sweep directory.
        outputs: One indicator name or several (:data:`sim.core.indicators.INDICATORS`;
            for a place, one recorded per place).
        place: A place's code or name (from the places table); ``None`` for the national
            values.
        window_months: How many of the last recorded months each replication's value
            averages (at least 1, at most the months recorded).
        conf_level: Confidence level of the bootstrap intervals, in (0, 1).
        num_resamples: Bootstrap resamples for the intervals (at least 2).
        seed: Seed of the bootstrap (the intervals are the same for the same seed).
        write: Whether to write the Parquet file and the charts.

    Returns:
        One row per output and parameter (see :data:`SOBOL_COLUMNS` and
        :data:`MORRIS_COLUMNS`), outputs in the order given, parameters ranked within each
        output by ``ST`` or ``mu_star``, largest first (``rank`` 1). ``place`` is
        ``"national"`` or the place's code. Sobol indices are shares of the output's
        variance; Morris ``mu``, ``mu_star`` and ``sigma`` are in the output's unit (its
        change over each parameter's whole range). ``*_conf`` is the half-width of the
        interval, ``*_low``/``*_high`` its ends. ``note`` is empty, or
        :data:`CONSTANT_NOTE` for an output with one value in every run (indices 0).

    Raises:
        ValueError: For a grid or random sweep, a directory that is not a sweep, an
            unknown output or place, a run without all its replications (rerun
            ``placejobs sweep`` to complete it), a window longer than the months recorded,
            an output with no finite value for some run, or options out of range.
    """
    directory = Path(directory)
    info = _read_sweep(directory)
    names = _check_outputs(outputs, place)
    _check_window(window_months)
    _check_analysis_options(conf_level, num_resamples, seed)
    means, where = _output_means(directory, info, names, place, window_months)

    kind = info["kind"]
    parameters = _parameter_names(info["problem"])
    analyse = _sobol if kind == "sobol" else _morris
    frames = []
    for output in names:
        y = means[output].to_numpy(dtype=float)
        note = CONSTANT_NOTE if _is_constant(y) else ""
        si = analyse(info, y, float(conf_level), num_resamples, seed)
        frames.append(_rows(kind, output, where, parameters, si, note))
    result = pd.concat(frames, ignore_index=True)

    if write:
        out = directory / SENSITIVITY_DIR
        out.mkdir(exist_ok=True)
        suffix = "" if place is None else f"-{_file_stem(where)}"
        runs, replications = info["x"].shape[0], info["replications"]
        metadata = {
            "method": kind,
            "place": where,
            "window_months": window_months,
            "conf_level": float(conf_level),
            "num_resamples": num_resamples,
            "seed": seed,
            "runs": runs,
            "replications": replications,
        }
        write_table(result, out / f"indices{suffix}.parquet", metadata=metadata)
        for output, rows in result.groupby("output", sort=False):
            plot_sensitivity(
                rows,
                out / f"{output}{suffix}.png",
                title=_title(str(output), where, kind, runs, replications, window_months),
                caption=_caption(info, runs),
            )
    return result

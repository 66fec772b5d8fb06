"""A sweep's results directory: ``sweep.json``, two Parquet datasets and the failures.

Layout of ``DIR``::

    DIR/sweep.json                        the sweep: base scenario, design, parameters, seeds
    DIR/national/part-RRRRRR-PPPP.parquet one part per finished run (run_id R, replication P)
    DIR/places/part-RRRRRR-PPPP.parquet
    DIR/failures.parquet                  runs that failed, with their parameters and error
    DIR/columns.md                        every column of the tables: unit and meaning

Read a dataset whole with ``pandas.read_parquet(DIR / "national")`` or with
:func:`load_results`. Each part holds the run's table (one row per month, or per
place and month) with the columns ``run_id``, ``replication`` and ``seed`` first, then
one column per swept parameter named by its key (``search.applications_per_searcher``),
then the indicators as ``placejobs run`` writes them.

Nothing is lost or half-written. Each part is written to a hidden temporary file
and renamed into place (:func:`sim.runs.output.write_table`); a run is finished when
both of its parts are there (the national part is written last). :meth:`SweepStore.open`
on a directory that holds the same sweep (same ``sweep.json`` fingerprint) returns the
runs already finished, removes a places part left without its national part by a
killed sweep (that run is done again, with the same values) and leaves the rest
alone. A directory that holds anything else is refused.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import __version__
from sim.config.scenario import Scenario, split_key
from sim.core.columns import NATIONAL_TABLE_COLUMNS, PLACE_TABLE_COLUMNS
from sim.runs.api import library_versions, source_commit
from sim.runs.output import OutputError, write_columns_md, write_json, write_table
from sim.sweeps.design import Design
from sim.sweeps.spec import Sweep

__all__ = [
    "SweepStore", "SweepResults", "claim_directory", "load_results", "part_name", "KEY_COLUMNS",
]

#: Columns that key every row of a sweep's tables, before the parameters.
KEY_COLUMNS = ("run_id", "replication", "seed")
#: The failures table's own columns (after the keys and the parameters, as JSON text).
_FAILURE_COLUMNS = {
    "error_type": ("text", "the exception's class"),
    "error": ("text", "the error message"),
    "traceback": ("text", "where it happened"),
}
#: A part's name; :func:`part_name` pads to 6 and 4 digits, more when needed (replications
#: go up to 100,000).
#: Locks of sweep directories this process holds: resolved path -> file descriptor.
_HELD: dict[str, int] = {}
_PART = re.compile(r"part-(\d{6,})-(\d{4,})\.parquet")


def part_name(run_id: int, replication: int) -> str:
    """File name of a run's part: ``part-000012-0003.parquet``."""
    return f"part-{run_id:06d}-{replication:04d}.parquet"


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def claim_directory(path: Path, marker: str, fingerprint: str, kind: str,
                    header: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Create or reopen a results directory that ``marker`` (a JSON file) says is whose.

    A new or empty directory gets ``marker`` written from ``header()`` (which must hold
    ``fingerprint``); one whose marker has the same ``fingerprint`` is reopened.

    Returns:
        The marker's contents.

    Raises:
        OutputError: ``path`` is a file, cannot be written, holds another ``kind`` (another
            fingerprint), or is a non-empty directory without ``marker``: results are
            never overwritten.
    """
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a directory")
    info_path = path / marker
    if path.is_dir() and any(path.iterdir()) and not info_path.exists():
        raise OutputError(f"{path}: not empty and holds no {marker}; choose another --out "
                          "(results are never overwritten)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the directory: {exc.strerror}") from None
    if info_path.exists():
        try:
            old = json.loads(info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError(f"{info_path}: unreadable ({exc}); choose another --out") from None
        if old.get("fingerprint") != fingerprint:
            started = ", ".join(str(old[k]) for k in ("name", "created_at") if old.get(k))
            raise OutputError(
                f"{path}: holds a different {kind}{f' ({started})' if started else ''}; "
                "choose another --out (results are never overwritten)"
            )
        return old
    info = header()
    try:
        write_json(info_path, info)
    except OSError as exc:
        raise OutputError(f"{info_path}: cannot write: {exc.strerror}") from None
    return info


class SweepStore:
    """The results directory of one sweep.

    Args:
        directory: ``DIR``; created when missing.
        sweep: the sweep.
        design: its design points.
        replication_seeds: the seed of each replication.
    """

    def __init__(self, directory: str | Path, sweep: Sweep, design: Design,
                 replication_seeds: list[int]) -> None:
        self.dir = Path(directory)
        self.sweep = sweep
        self.design = design
        self.seeds = replication_seeds
        self.failures: dict[tuple[int, int], dict[str, Any]] = {}

    # -- opening ---------------------------------------------------------------------------

    def _header(self) -> dict[str, Any]:
        sweep, design = self.sweep, self.design
        commit, dirty = source_commit()
        return {
            "placejobs_version": __version__,
            "fingerprint": sweep.fingerprint(),
            "name": sweep.name,
            "sweep_file": sweep.source,
            "base_file": sweep.base_file,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": commit,
            "git_dirty": dirty,
            "versions": library_versions(),
            "replications": sweep.replications,
            "seed": sweep.seed,
            "replication_seeds": self.seeds,
            "design": sweep.design.model_dump(mode="json"),
            "parameters": [p.to_dict() for p in sweep.parameters],
            "problem": design.problem,
            "design_matrix": None if design.matrix is None else design.matrix.tolist(),
            "runs": [
                {"run_id": i, "parameters": {k: _json_value(v) for k, v in point.items()}}
                for i, point in enumerate(design.points)
            ],
            "set": {k: _json_value(v) for k, v in sweep.fixed.items()},
            "base_scenario": sweep.base.to_dict(),
            "status": {"runs": len(design) * sweep.replications, "finished": 0, "failed": 0,
                       "complete": False},
        }

    def open(self) -> set[tuple[int, int]]:
        """Create or reopen ``DIR``; return the ``(run_id, replication)`` already finished.

        Raises:
            OutputError: ``DIR`` is a file, cannot be written, holds another sweep, or is a
                non-empty directory that is not a sweep.
        """
        self.info = claim_directory(self.dir, "sweep.json", self.sweep.fingerprint(), "sweep",
                                    self._header)
        self._lock()  # before touching any part: one sweep process writes here at a time
        # sweep.json first: a directory holding it (and nothing else yet) is this sweep's.
        try:
            (self.dir / "national").mkdir(exist_ok=True)
            (self.dir / "places").mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.dir}: cannot create the directory: {exc.strerror}") from None
        self._write_columns()
        self._read_failures()
        return self._finished()

    def _write_columns(self) -> None:
        """``columns.md``: the datasets' and the failures' columns, units and meanings."""
        names = list(self.design.names)
        front = [*KEY_COLUMNS, *names]
        tables = {
            "places": [*front, *PLACE_TABLE_COLUMNS],
            "national": [*front, *NATIONAL_TABLE_COLUMNS],
            "failures.parquet": [*KEY_COLUMNS, *names, *_FAILURE_COLUMNS],
        }
        params = self._parameter_docs
        failures = {**_FAILURE_COLUMNS, **{k: ("JSON text", v[1]) for k, v in params.items()}}
        write_columns_md(self.dir, tables, title=f"Columns of sweep {self.sweep.name!r}",
                         extra={"places": params, "national": params,
                                "failures.parquet": failures})

    @cached_property
    def _parameter_docs(self) -> dict[str, tuple[str, str]]:
        """Each swept parameter's column: its unit and meaning (from the scenario schema)."""
        out = {}
        for key in self.design.names:
            section, name, index = split_key(key)
            field = None
            model = type(getattr(Scenario(), section, None))
            if hasattr(model, "model_fields"):
                field = model.model_fields.get(name)
            what = (field.description if field is not None and field.description else "")
            element = f" (value {index} of the list)" if index is not None else ""
            out[key] = (f"as the scenario key {key}",
                        f"swept parameter {key}{element} at this design point"
                        + (f": {what}" if what else " (placejobs show describes it)"))
        return out

    def _finished(self) -> set[tuple[int, int]]:
        done = set()
        national = {m.groups() for f in (self.dir / "national").iterdir()
                    if (m := _PART.fullmatch(f.name))}
        for f in list((self.dir / "places").iterdir()):
            m = _PART.fullmatch(f.name)
            if f.name.startswith(".") and f.name.endswith(".tmp"):
                f.unlink(missing_ok=True)  # a write cut short by a kill
            elif m and m.groups() not in national:
                f.unlink(missing_ok=True)  # a run cut short between its two parts
            elif m:
                done.add((int(m.group(1)), int(m.group(2))))
        for f in list((self.dir / "national").iterdir()):
            if f.name.startswith(".") and f.name.endswith(".tmp"):
                f.unlink(missing_ok=True)
        return done

    # -- writing ---------------------------------------------------------------------------

    def _keyed(self, df: pd.DataFrame, run_id: int, replication: int,
               values: dict[str, Any]) -> pd.DataFrame:
        keys = {"run_id": np.int64(run_id), "replication": np.int64(replication),
                "seed": np.int64(self.seeds[replication])}
        columns = {**keys, **{k: _json_value(values[k]) for k in self.design.names}}
        front = pd.DataFrame({k: [v] * len(df) for k, v in columns.items()}, index=df.index)
        return pd.concat([front, df], axis=1)

    def write_run(self, run_id: int, replication: int, values: dict[str, Any],
                  places: pd.DataFrame, national: pd.DataFrame) -> None:
        """Write a finished run's two parts (places first, national last: the run is done)."""
        name = part_name(run_id, replication)
        meta = {"placejobs_version": __version__, "sweep": self.sweep.name,
                "run_id": run_id, "replication": replication, "seed": self.seeds[replication]}
        params = self._parameter_docs
        write_table(self._keyed(places, run_id, replication, values),
                    self.dir / "places" / name, meta, columns=params)
        write_table(self._keyed(national, run_id, replication, values),
                    self.dir / "national" / name, meta, columns=params)
        if self.failures.pop((run_id, replication), None) is not None:
            self._write_failures()

    def record_failure(self, run_id: int, replication: int, values: dict[str, Any],
                       error_type: str, error: str, traceback: str = "") -> None:
        """Add (or replace) a failed run in ``failures.parquet``."""
        row = {"run_id": run_id, "replication": replication, "seed": self.seeds[replication]}
        row.update({k: json.dumps(_json_value(values[k])) for k in self.design.names})
        row.update({"error_type": error_type, "error": error, "traceback": traceback})
        self.failures[(run_id, replication)] = row
        self._write_failures()

    def _read_failures(self) -> None:
        path = self.dir / "failures.parquet"
        if path.exists():
            df = pd.read_parquet(path)
            self.failures = {(int(r["run_id"]), int(r["replication"])): dict(r)
                             for r in df.to_dict("records")}

    def _write_failures(self) -> None:
        path = self.dir / "failures.parquet"
        if not self.failures:
            path.unlink(missing_ok=True)
            return
        write_table(failures_frame(self.failures.values(), self.design.names), path)

    def _lock(self) -> None:
        """Hold ``DIR/.sweep.lock`` (an advisory lock the system drops when the process ends).

        Raises:
            OutputError: another process holds it (a sweep is writing here now).
        """
        key = str(self.dir.resolve())
        if key in _HELD:  # this process holds it already (a store opened again)
            self._lock_key: str | None = key
            return
        fd = os.open(self.dir / ".sweep.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(
                f"{self.dir}: another placejobs sweep is writing here now; let it finish or "
                "stop it, then rerun"
            ) from None
        _HELD[key] = fd
        self._lock_key = key

    def close(self, finished: int, complete: bool) -> None:
        """Record the status in ``sweep.json`` and let go of the directory's lock."""
        self.info["status"] = {
            "runs": len(self.design) * self.sweep.replications,
            "finished": finished,
            "failed": len(self.failures),
            "complete": complete,
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_json(self.dir / "sweep.json", self.info)
        key, self._lock_key = getattr(self, "_lock_key", None), None
        fd = _HELD.pop(key, None) if key is not None else None
        if fd is not None:
            os.close(fd)


def failures_frame(rows: Any, names: list[str]) -> pd.DataFrame:
    """Failed runs as a table (parameters as JSON text, so any value fits one column)."""
    columns = [*KEY_COLUMNS, *names, *_FAILURE_COLUMNS]
    df = pd.DataFrame(list(rows), columns=columns)
    df = df.astype({"run_id": "int64", "replication": "int64", "seed": "int64"})
    return df.sort_values(["run_id", "replication"], ignore_index=True)


@dataclass
class SweepResults:
    """A sweep's tables (:func:`load_results`, :func:`sim.sweep`).

    Attributes:
        places: one row per run, replication, place and month.
        national: one row per run, replication and month.
        failures: one row per failed run (empty when none failed).
        info: ``sweep.json``.
        out: the directory.
    """

    places: pd.DataFrame
    national: pd.DataFrame
    failures: pd.DataFrame
    info: dict[str, Any]
    out: Path | None

    @property
    def complete(self) -> bool:
        """Whether every run of the sweep finished."""
        return bool(self.info.get("status", {}).get("complete"))


def _read_dataset(directory: Path, sort: list[str]) -> pd.DataFrame:
    files = sorted(f for f in directory.glob("part-*.parquet") if _PART.fullmatch(f.name))
    if not files:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return df.sort_values(sort, ignore_index=True, kind="stable")


def load_results(directory: str | Path) -> SweepResults:
    """Read a sweep directory's finished runs (complete or not).

    Only runs with both parts are read (a run cut short between them is not finished).

    Raises:
        OutputError: ``directory`` holds no ``sweep.json``.
    """
    path = Path(directory)
    info_path = path / "sweep.json"
    if not info_path.exists():
        raise OutputError(f"{path}: holds no sweep.json (not a sweep directory)")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    national = _read_dataset(path / "national", ["run_id", "replication", "month"])
    places = _read_dataset(path / "places", ["run_id", "replication", "month", "place"])
    if len(places) and len(national):
        done = national[["run_id", "replication"]].drop_duplicates()
        places = places.merge(done, on=["run_id", "replication"], how="inner")
    failures_path = path / "failures.parquet"
    names = [p["key"] for p in info.get("parameters", [])]
    failures = (pd.read_parquet(failures_path) if failures_path.exists()
                else failures_frame([], names))
    return SweepResults(places, national, failures, info, path)

"""Writing a run's results: Parquet tables, run metadata and plots.

A results directory holds::

    places.parquet    one row per place and month
    national.parquet  one row per month
    run.json          scenario (every value), seed, version, workers, firms, wall time
    plots/            PNG figures

Existing results are never overwritten silently: :func:`prepare_output_dir`
refuses a non-empty directory unless ``force`` is given. Tables are written to
a temporary file and renamed into place, so an interrupted run never leaves a
half-written table behind.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.indicators import column_metadata

__all__ = ["OutputError", "prepare_output_dir", "write_table", "write_run_json"]


class OutputError(ValueError):
    """The output directory cannot be used (one-line message for the user)."""


def prepare_output_dir(path: str | Path, *, force: bool = False) -> Path:
    """Create ``path`` if needed; refuse a non-empty directory unless ``force``.

    Raises:
        OutputError: the path is a file, or a non-empty directory without ``force``.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise OutputError(
            f"{path}: directory is not empty; choose another --out or pass --force to overwrite"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the directory: {exc.strerror}") from None
    return path


def write_table(df: pd.DataFrame, path: str | Path, metadata: dict[str, Any] | None = None) -> Path:
    """Write ``df`` to Parquet atomically, with ``metadata`` (JSON) in the file's schema.

    Each column that is an indicator of the registry (:mod:`sim.core.indicators`) carries
    its unit, description and national aggregation as Arrow field metadata (read them
    back with :func:`sim.core.indicators.read_units`).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    table = pa.Table.from_pandas(df, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    if metadata:
        meta[b"placejobs"] = json.dumps(metadata, sort_keys=True).encode()
    fields = []
    for field in table.schema:
        described = column_metadata(field.name)
        fields.append(field.with_metadata(described) if described else field)
    table = pa.Table.from_arrays(table.columns, schema=pa.schema(fields, metadata=meta or None))
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_run_json(path: str | Path, info: dict[str, Any]) -> Path:
    """Write the run's metadata as indented JSON (atomically)."""
    path = Path(path)
    info = dict(info)
    info.setdefault("python", platform.python_version())
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(info, indent=2, sort_keys=False, default=str) + "\n")
    os.replace(tmp, path)
    return path

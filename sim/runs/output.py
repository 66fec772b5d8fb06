"""Writing a run's results: Parquet tables, run metadata and plots.

A results directory holds::

    places.parquet    one row per place and month
    national.parquet  one row per month
    columns.md        every column of the two tables: unit and meaning
    run.json          scenario (every value), seed, command line, start time, versions,
                      git commit, worker and firm agents, wall time, "complete": true
    plots/            PNG figures

A run can never be mistaken for another, nor a part of one for a whole:

* :func:`check_output_dir` finds, before anything runs, a path that is a file,
  a non-empty directory (without ``force``), or a directory (or parent) that
  cannot be written (it creates and removes a probe file);
* :class:`StagedOutput` writes everything into a hidden sibling directory
  (``.<name>.partial-<pid>-<random>``) and renames it into place only when the
  run is complete; with ``force`` the old directory is swapped out at that moment
  and then deleted. An interrupted run removes its staging directory; a killed one
  leaves only a hidden ``.partial`` directory, never a directory that looks
  finished. Two runs into one directory never overwrite each other silently: the
  second to finish is refused (without ``force``) and told where its results are.
* Tables are written to a temporary file and renamed into place.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from sim.core.columns import ColumnDocs, columns_markdown, field_metadata

__all__ = [
    "OutputError",
    "StagedOutput",
    "check_output_dir",
    "prepare_output_dir",
    "write_columns_md",
    "write_run_json",
    "write_table",
]


class OutputError(ValueError):
    """The output directory cannot be used (one-line message for the user)."""


def _probe(directory: Path, what: str) -> None:
    """Create and remove a file in ``directory``; refuse in one line if it cannot be done."""
    try:
        fd, name = tempfile.mkstemp(prefix=".placejobs-probe-", dir=directory)
    except OSError as exc:
        raise OutputError(f"{what}: cannot write there: {exc.strerror}") from None
    os.close(fd)
    os.unlink(name)


def check_output_dir(path: str | Path, *, force: bool = False) -> Path:
    """Check, before a run, that its results can be written to ``path``.

    Creates the missing parents of ``path`` (not ``path`` itself) and probes them.

    Raises:
        OutputError: the path is a file; a non-empty directory without ``force``; or it,
            or its parent, cannot be created or written.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a directory")
    if path.is_dir():
        try:
            full = any(path.iterdir())
        except OSError as exc:
            raise OutputError(f"{path}: cannot read the directory: {exc.strerror}") from None
        if full and not force:
            raise OutputError(
                f"{path}: directory is not empty; choose another --out or pass --force to "
                "overwrite"
            )
    parent = path.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the directory: {exc.strerror}") from None
    _probe(parent, f"{path}: its parent directory {parent}")
    if path.is_dir():
        _probe(path, str(path))
    return path


def prepare_output_dir(path: str | Path, *, force: bool = False) -> Path:
    """Check ``path`` (:func:`check_output_dir`) and create it (writing straight into it).

    Runs use :class:`StagedOutput` instead, which never leaves a half-written directory.

    Raises:
        OutputError: as :func:`check_output_dir`.
    """
    path = check_output_dir(path, force=force)
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the directory: {exc.strerror}") from None
    return path


class StagedOutput:
    """A results directory written whole or not at all.

    Example:
        >>> with StagedOutput("results/x", force=False) as staged:
        ...     write_table(df, staged.dir / "places.parquet")
        ...     staged.commit()  # results/x appears, complete

    Entering checks the path (:func:`check_output_dir`) and creates the hidden
    staging directory next to it; :meth:`commit` renames it into place; leaving
    without a commit (an error, an interrupt) deletes it.

    Attributes:
        path: where the results go.
        dir: the staging directory to write into (inside the same parent).
    """

    def __init__(self, path: str | Path, *, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        self.dir = self.path
        self._committed = False

    def __enter__(self) -> StagedOutput:
        check_output_dir(self.path, force=self.force)
        parent = self.path.absolute().parent
        name = f".{self.path.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            os.mkdir(parent / name)  # honours the umask, unlike tempfile.mkdtemp
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write there: {exc.strerror}") from None
        self.dir = self.path.with_name(name)
        return self

    def commit(self) -> Path:
        """Put the staged results in place (replacing the old ones with ``force``).

        Raises:
            OutputError: without ``force``, another run has filled the directory since
                this one started; this run's results stay in :attr:`dir` (named in the
                message).
        """
        old: Path | None = None
        if self.force and self.path.exists():
            old = self.path.with_name(
                f".{self.path.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            )
            os.rename(self.path, old)
        try:
            os.rename(self.dir, self.path)  # replaces an empty directory, never a full one
        except OSError as exc:
            if old is not None and not self.path.exists():
                os.rename(old, self.path)
            self._committed = True  # keep the staged results: the message names them
            raise OutputError(
                f"{self.path}: another run wrote results there while this one ran "
                f"({exc.strerror}); this run's results are in {self.dir}"
            ) from None
        self._committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.path

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed and self.dir != self.path:
            shutil.rmtree(self.dir, ignore_errors=True)


def write_table(df: pd.DataFrame, path: str | Path, metadata: dict[str, Any] | None = None,
                *, columns: ColumnDocs | None = None) -> Path:
    """Write ``df`` to Parquet atomically, with ``metadata`` (JSON) in the file's schema.

    Each column described by :mod:`sim.core.columns` (an indicator of the registry, a key
    column such as ``month`` or ``place``, or one of ``columns``: name -> ``(unit,
    description)``) carries its unit and description (and, for an indicator, its national
    aggregation) as Arrow field metadata (read them back with
    :func:`sim.core.indicators.read_units`).
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
        described = field_metadata(field.name, columns)
        fields.append(field.with_metadata(described) if described else field)
    table = pa.Table.from_arrays(table.columns, schema=pa.schema(fields, metadata=meta or None))
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_columns_md(directory: str | Path, tables: dict[str, list[str]], *,
                     title: str = "Columns", extra: dict[str, ColumnDocs] | None = None) -> Path:
    """Write ``columns.md`` into ``directory``: each table's columns, units and meanings.

    Args:
        directory: where the tables are.
        tables: file name -> its columns in order (:func:`sim.core.columns.columns_markdown`).
        title: the heading.
        extra: file name -> columns the table describes itself.

    Raises:
        ValueError: a column nothing describes.
    """
    path = Path(directory) / "columns.md"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(columns_markdown(tables, title=title, extra=extra), encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    """Write ``data`` as indented JSON, atomically (a temporary file renamed into place)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_run_json(path: str | Path, info: dict[str, Any]) -> Path:
    """Write the run's metadata as indented JSON (atomically)."""
    info = dict(info)
    info.setdefault("python", platform.python_version())
    return write_json(path, info)

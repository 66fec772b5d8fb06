"""Every output column's unit and meaning: the indicators and the columns that key them.

The indicators (:mod:`sim.core.indicators`) describe themselves; the columns that say
which month, place or run a row is (``month``, ``calendar_month``, ``place``, ``name``,
and the keys a sweep or a comparison adds) are described here, in :data:`KEY_COLUMNS`.
From both come the Arrow field metadata of every column a run writes
(:func:`field_metadata`, used by :func:`sim.runs.output.write_table`) and the
``columns.md`` written beside the tables (:func:`columns_markdown`), so that a user can
read the unit of every column from the files alone.

A table may describe columns of its own (a comparison's ``difference``, a sweep's
parameters) by passing ``extra``: a mapping of column name to ``(unit, description)``.

Example:
    >>> describe("calendar_month")[0]
    'date (first day of the month)'
    >>> describe("median_wage")[0]
    'GBP a week'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sim.core.indicators import AGGREGATIONS, INDICATORS, NATIONAL_COLUMNS, PLACE_INDICATORS

__all__ = [
    "KEY_COLUMNS",
    "NATIONAL_TABLE_COLUMNS",
    "PLACE_TABLE_COLUMNS",
    "ColumnDocs",
    "columns_markdown",
    "describe",
    "field_metadata",
]

#: Column name -> (unit, description), for columns a table describes itself.
ColumnDocs = Mapping[str, tuple[str, str]]

#: The columns that key the rows of the outputs: (unit, description).
KEY_COLUMNS: dict[str, tuple[str, str]] = {
    "month": ("month number", "recorded month, counted from 1 after the burn-in"),
    "calendar_month": ("date (first day of the month)",
                       "calendar month of the recorded month (recorded month 1 is the "
                       "scenario's run.start; a label no mechanism reads)"),
    "place": ("code", "place code: an ITL1 region (e.g. TLI, London) or an ONS local "
              "authority district (e.g. E09000001), or a synthetic place"),
    "name": ("text", "place name"),
    "run_id": ("index", "design point of the sweep (one set of parameter values)"),
    "replication": ("index", "replication (0-based); its seed is the replication-th "
                    "SeedSequence child of the scenario's seed"),
    "seed": ("integer", "random seed of the run"),
    "scenario": ("text", "scenario (policy) name"),
    "run": ("text", "which run of a pair: 'policy' or 'baseline' (common random numbers)"),
}

#: The columns of a run's places table, in order (``places.parquet``; a sweep's and a
#: comparison's ``places`` datasets put their own keys before them).
PLACE_TABLE_COLUMNS: tuple[str, ...] = ("month", "calendar_month", "place", "name",
                                        *PLACE_INDICATORS)
#: The columns of a run's national table, in order (``national.parquet``).
NATIONAL_TABLE_COLUMNS: tuple[str, ...] = ("month", "calendar_month", *NATIONAL_COLUMNS)


def describe(name: str, extra: ColumnDocs | None = None) -> tuple[str, str] | None:
    """``(unit, description)`` of an output column, or None when nothing describes it.

    ``extra`` (a table's own columns) wins over the key columns, which win over the
    indicator registry.
    """
    if extra and name in extra:
        return extra[name]
    if name in KEY_COLUMNS:
        return KEY_COLUMNS[name]
    ind = INDICATORS.get(name)
    if ind is not None:
        return ind.unit, ind.description
    return None


def field_metadata(name: str, extra: ColumnDocs | None = None) -> dict[bytes, bytes] | None:
    """Arrow field metadata of an output column: ``unit``, ``description`` and, for an
    indicator, how its national value is formed (``aggregation``). None if undescribed."""
    got = describe(name, extra)
    if got is None:
        return None
    unit, description = got
    meta = {b"unit": unit.encode(), b"description": description.encode()}
    ind = INDICATORS.get(name)
    if ind is not None and not (extra and name in extra):
        meta[b"aggregation"] = AGGREGATIONS[ind.aggregation].encode()
    return meta


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def columns_markdown(tables: Mapping[str, Iterable[str]], *, title: str = "Columns",
                     extra: Mapping[str, ColumnDocs] | None = None) -> str:
    """``columns.md``: for each table, each column with its unit and meaning.

    Args:
        tables: file name (``places.parquet``, or a dataset directory) -> its columns,
            in order.
        title: the document's heading.
        extra: file name -> the columns that table describes itself.

    Raises:
        ValueError: a column that nothing describes (every output column must be).
    """
    lines = [f"# {title}", "",
             "Every column of the tables in this directory, with its unit and meaning "
             "(also in each Parquet file's field metadata: `unit`, `description`). "
             "Counts of people and counts of model agents are named apart: "
             "`worker_agents` and `firm_agents` (and `firm_agent_entries`, "
             "`firm_agent_exits`) count model agents; every other count is of people, "
             "scaled from the agents.", ""]
    for table, columns in tables.items():
        own = (extra or {}).get(table)
        lines += [f"## `{table}`", "", "| column | unit | meaning |", "| --- | --- | --- |"]
        for col in columns:
            got = describe(col, own)
            if got is None:
                raise ValueError(f"{table}: column {col!r} has no unit or description")
            unit, desc = got
            lines.append(f"| `{col}` | {_cell(unit)} | {_cell(desc)} |")
        lines.append("")
    return "\n".join(lines)

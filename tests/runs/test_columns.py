"""Outputs that explain themselves: every column's unit and meaning, from the files alone.

A run's directory is read without the package's registry: each Parquet field carries
``unit`` and ``description`` metadata, and ``columns.md`` beside the tables lists every
column of every table with its unit and meaning.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.config.scenario import parse_scenario
from sim.core.columns import KEY_COLUMNS, columns_markdown, describe
from sim.core.indicators import INDICATORS
from sim.runs.output import write_table

TINY = {"run": {"name": "tiny", "scale": 0.0005, "seed": 7, "burn_in_months": 2, "months": 2}}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("columns") / "run"
    sim.run(parse_scenario(TINY), out=out, progress=False)
    return out


def _columns_md(path) -> dict[str, dict[str, tuple[str, str]]]:
    """``columns.md`` parsed: table -> column -> (unit, meaning)."""
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"## `(.+)`", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
        row = re.fullmatch(r"\| `([^`]+)` \| (.+?) \| (.+) \|", line)
        if row and current is not None:
            current[row.group(1)] = (row.group(2), row.group(3))
    return tables


def test_every_column_of_a_run_has_a_unit_in_its_parquet_metadata(run_dir):
    for table in ("places.parquet", "national.parquet"):
        schema = pq.read_schema(run_dir / table)
        assert len(schema.names) > 50
        for field in schema:
            meta = field.metadata or {}
            assert meta.get(b"unit"), f"{table}: {field.name} has no unit"
            assert meta.get(b"description"), f"{table}: {field.name} has no description"
    schema = pq.read_schema(run_dir / "places.parquet")
    for name in ("month", "calendar_month", "place", "name"):
        assert schema.field(name).metadata[b"unit"].decode() == KEY_COLUMNS[name][0]
    assert schema.field("median_wage").metadata[b"unit"] == b"GBP a week"
    assert schema.field("worker_agents").metadata[b"unit"] == b"worker agents"
    assert schema.field("working_age_population").metadata[b"unit"] == b"people"


def test_columns_md_lists_every_column_of_every_table_with_its_unit(run_dir):
    tables = _columns_md(run_dir / "columns.md")
    assert set(tables) == {"places.parquet", "national.parquet"}
    for table, described in tables.items():
        columns = pq.read_schema(run_dir / table).names
        assert list(described) == columns, table  # every column, in the table's order
        for col, (unit, meaning) in described.items():
            field = pq.read_schema(run_dir / table).field(col)
            assert unit == field.metadata[b"unit"].decode().replace("|", "\\|"), col
            assert meaning.strip(), col
    assert tables["national.parquet"]["theil_median_wage"][0] == "index"
    assert tables["places.parquet"]["firm_agents"][0] == "firm agents"


def test_people_and_agents_are_named_apart():
    for name, ind in INDICATORS.items():
        if "agent" in ind.unit:
            assert "agent" in name, name  # a count of model agents says so in its name
        if ind.unit.startswith("people"):
            assert "agent" not in name, name
    for old in ("population", "agents", "firms", "firm_entries", "firm_exits"):
        assert old not in INDICATORS, old


def test_an_undescribed_column_is_refused_and_a_table_may_describe_its_own():
    with pytest.raises(ValueError, match="'mystery' has no unit"):
        columns_markdown({"t.parquet": ["month", "mystery"]})
    text = columns_markdown({"t.parquet": ["month", "mystery"]},
                            extra={"t.parquet": {"mystery": ("GBP", "a sum")}})
    assert "| `mystery` | GBP | a sum |" in text
    assert describe("mystery") is None


def test_write_table_carries_a_tables_own_descriptions(tmp_path):
    df = pd.DataFrame({"month": [1], "difference": [0.5], "unemployment_rate": [0.04]})
    path = write_table(df, tmp_path / "t.parquet",
                       columns={"difference": ("as the indicator", "policy less baseline")})
    schema = pq.read_schema(path)
    assert schema.field("difference").metadata[b"unit"] == b"as the indicator"
    assert b"aggregation" in schema.field("unemployment_rate").metadata
    assert b"aggregation" not in schema.field("month").metadata

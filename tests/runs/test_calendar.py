"""The calendar month: ``run.start`` names recorded month 1; ``calendar_month`` follows.

``run.start`` is a label no mechanism reads, so two runs that differ only in it are
identical except for the ``calendar_month`` column (the calibration record's check,
tests/calibration/test_baseline_fit.py, leaves the key out for this reason).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import sim
from sim.config.scenario import ScenarioError, parse_scenario
from sim.core.calendar import calendar_months

ROOT = Path(__file__).resolve().parents[2]
TINY = {"run": {"name": "tiny", "scale": 0.0005, "seed": 7, "burn_in_months": 2, "months": 3}}


def test_calendar_months_roll_over_the_year():
    assert calendar_months("2019-11", [1, 2, 3, 14]) == [
        date(2019, 11, 1), date(2019, 12, 1), date(2020, 1, 1), date(2020, 12, 1)]
    assert calendar_months("2024-01", [1, 0]) == [date(2024, 1, 1), date(2023, 12, 1)]


@pytest.mark.parametrize("bad", ["2019-13", "2019-00", "19-01", "2019-1", "2019/01",
                                 "2019-01-01", "", "0999-01"])
def test_a_bad_start_is_refused_in_one_line(bad):
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"run": {"start": bad}}, source="s.toml")
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f's.toml: run.start = "{bad}": ')
    assert "YYYY-MM" in msg


def test_the_default_start_and_the_2024_scenario():
    assert sim.Scenario().run.start == "2019-01"
    assert sim.load_scenario(ROOT / "scenarios/remote-2024.toml").run.start == "2024-01"
    assert sim.load_scenario(ROOT / "scenarios/baseline.toml").run.start == "2019-01"


def test_runs_differing_only_in_start_differ_only_in_calendar_month(tmp_path):
    a = sim.run(parse_scenario(TINY), out=tmp_path / "a", progress=False)
    other = parse_scenario(TINY).with_overrides(start="2030-12")
    b = sim.run(other, out=tmp_path / "b", progress=False)
    for x, y in ((a.places, b.places), (a.national, b.national)):
        assert list(x.columns) == list(y.columns)
        assert list(x.columns).index("calendar_month") == 1  # right after month
        rest = [c for c in x.columns if c != "calendar_month"]
        assert x[rest].equals(y[rest])
    assert a.national["calendar_month"].tolist() == [date(2019, m, 1) for m in (1, 2, 3)]
    assert b.national["calendar_month"].tolist() == [
        date(2030, 12, 1), date(2031, 1, 1), date(2031, 2, 1)]
    assert (b.places.groupby("month")["calendar_month"].nunique() == 1).all()
    assert b.places.loc[b.places.month == 2, "calendar_month"].iloc[0] == date(2031, 1, 1)
    # written as Parquet dates (date32), read back as the same dates
    for table in ("places", "national"):
        field = pq.read_schema(tmp_path / "b" / f"{table}.parquet").field("calendar_month")
        assert str(field.type) == "date32[day]"
    assert b.info["start"] == "2030-12"

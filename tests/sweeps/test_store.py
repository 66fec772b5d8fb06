"""Tests of a sweep's results directory (sim/sweeps/store.py), with small fake tables.

:class:`SweepStore` must create ``sweep.json`` and the two dataset folders, refuse a
directory that holds something else or another sweep, return the runs already finished
when reopened (after removing what a killed sweep left half-done), write each run's
parts so that :func:`load_results` and ``pandas.read_parquet`` read back the tables
given with their keys and parameters, keep ``failures.parquet`` up to date and record
the status on close. No model runs: the tables are a few rows of made-up indicators.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config.scenario import parse_scenario
from sim.runs.output import OutputError
from sim.runs.replications import replication_seeds
from sim.sweeps.design import Design, make_design
from sim.sweeps.spec import Sweep, parse_sweep
from sim.sweeps.store import KEY_COLUMNS, SweepStore, load_results, part_name

TINY = {"run": {"name": "tiny", "scale": 0.0005, "seed": 7, "burn_in_months": 3, "months": 4}}
BASE = parse_scenario(TINY, source="<tiny>")
APS, BP = "search.applications_per_searcher", "wages.bargaining_power"
GRID = {APS: [2, 3], BP: [0.3, 0.4]}
REPLICATIONS = 2
MONTHS = 3
PLACES = ["P1", "P2"]


def make_sweep(parameters: dict | None = None, replications: int = REPLICATIONS,
               **design) -> Sweep:
    return parse_sweep({"replications": replications, "design": design,
                        "parameters": GRID if parameters is None else parameters},
                       source="<store-test>", base=BASE)


def store_for(directory: Path, sweep: Sweep | None = None) -> SweepStore:
    sweep = make_sweep() if sweep is None else sweep
    return SweepStore(directory, sweep, make_design(sweep),
                      replication_seeds(sweep.seed, sweep.replications))


def national_table(run_id: int, replication: int) -> pd.DataFrame:
    month = np.arange(1, MONTHS + 1)
    return pd.DataFrame({
        "month": month,
        "unemployment_rate": 0.05 + 0.01 * run_id + 0.001 * replication + 0.0001 * month,
        "employed": 100 + 10 * run_id + replication + month,
    })


def places_table(run_id: int, replication: int) -> pd.DataFrame:
    month = np.tile(np.arange(1, MONTHS + 1), len(PLACES))
    place = np.repeat(PLACES, MONTHS)
    return pd.DataFrame({
        "place": place,
        "month": month,
        "unemployment_rate": 0.04 + 0.01 * run_id + 0.001 * replication
        + 0.0001 * month + 0.1 * (place == "P2"),
    })


def write(store: SweepStore, run_id: int, replication: int) -> None:
    store.write_run(run_id, replication, store.design.points[run_id],
                    places_table(run_id, replication), national_table(run_id, replication))


def write_all(store: SweepStore) -> None:
    for run_id in range(len(store.design)):
        for replication in range(store.sweep.replications):
            write(store, run_id, replication)


def info_of(directory: Path) -> dict:
    return json.loads((directory / "sweep.json").read_text(encoding="utf-8"))


# -- opening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("exists", [False, True])
def test_open_creates_sweep_json_and_the_dataset_folders(tmp_path, exists):
    out = tmp_path / "out"
    if exists:
        out.mkdir()  # an empty directory is fine too
    store = store_for(out)
    assert store.open() == set()
    assert sorted(p.name for p in out.iterdir()) == [".sweep.lock", "columns.md", "national",
                                                     "places", "sweep.json"]
    assert list((out / "national").iterdir()) == [] == list((out / "places").iterdir())
    info = info_of(out)
    sweep, design = store.sweep, store.design
    assert info["fingerprint"] == sweep.fingerprint()
    assert info["design"] == sweep.design.model_dump(mode="json") == {
        "kind": "grid", "samples": None, "seed": 0, "levels": 4, "second_order": False}
    assert info["replications"] == REPLICATIONS
    assert info["seed"] == 7
    assert info["replication_seeds"] == replication_seeds(7, REPLICATIONS) == store.seeds
    assert info["runs"] == [
        {"run_id": 0, "parameters": {APS: 2, BP: 0.3}},
        {"run_id": 1, "parameters": {APS: 2, BP: 0.4}},
        {"run_id": 2, "parameters": {APS: 3, BP: 0.3}},
        {"run_id": 3, "parameters": {APS: 3, BP: 0.4}},
    ]
    assert info["parameters"] == [p.to_dict() for p in sweep.parameters]
    assert info["problem"] is None and info["design_matrix"] is None
    assert info["base_scenario"] == sweep.base.to_dict()
    assert info["status"] == {"runs": 8, "finished": 0, "failed": 0, "complete": False}
    assert len(design) == 4


def test_sweep_json_of_a_sampled_design_holds_its_matrix_and_problem(tmp_path):
    sweep = make_sweep({BP: {"low": 0.3, "high": 0.5}, APS: {"low": 2, "high": 5}},
                       kind="sobol", samples=4, seed=2)
    store = store_for(tmp_path / "out", sweep)
    store.open()
    info = info_of(tmp_path / "out")
    np.testing.assert_array_equal(np.array(info["design_matrix"]), store.design.matrix)
    assert info["problem"]["bounds"] == [[0.3, 0.5], [2.0, 5.0]]
    assert [r["parameters"] for r in info["runs"]] == store.design.points
    assert info["status"]["runs"] == 16 * REPLICATIONS


def test_open_refuses_a_non_empty_directory_that_is_not_a_sweep(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        store_for(out).open()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{out}: not empty and holds no sweep.json")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]  # nothing written


def test_open_refuses_a_file(tmp_path):
    out = tmp_path / "out"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a directory"):
        store_for(out).open()


@pytest.mark.parametrize(
    "other",
    [
        {"parameters": {APS: [2, 3], BP: [0.3, 0.5]}},
        {"replications": 3},
        {"parameters": {APS: [2, 3]}},
    ],
)
def test_open_refuses_a_directory_holding_a_different_sweep(tmp_path, other):
    out = tmp_path / "out"
    first = store_for(out)
    first.open()
    write(first, 0, 0)
    before = (out / "sweep.json").read_text(encoding="utf-8")
    with pytest.raises(OutputError) as info:
        store_for(out, make_sweep(**other)).open()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{out}: holds a different sweep")
    assert (out / "sweep.json").read_text(encoding="utf-8") == before
    assert (out / "national" / part_name(0, 0)).exists()


def test_reopening_the_same_sweep_returns_the_finished_runs(tmp_path):
    out = tmp_path / "out"
    first = store_for(out)
    first.open()
    write(first, 0, 0)
    write(first, 3, 1)
    created = info_of(out)["created_at"]
    again = store_for(out)  # a new store of an equal sweep
    assert again.open() == {(0, 0), (3, 1)}
    assert info_of(out)["created_at"] == created  # sweep.json kept, not rewritten
    write(again, 1, 0)
    assert store_for(out).open() == {(0, 0), (1, 0), (3, 1)}


def test_part_names():
    assert part_name(12, 3) == "part-000012-0003.parquet"
    assert part_name(0, 0) == "part-000000-0000.parquet"


# -- writing and reading ----------------------------------------------------------------------


def test_write_run_and_load_results_round_trip(tmp_path):
    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    write_all(store)
    store.close(finished=8, complete=True)

    results = load_results(out)
    assert results.out == out and results.complete
    assert results.info == info_of(out)
    for table, name, rows in ((results.national, "national", MONTHS),
                              (results.places, "places", MONTHS * len(PLACES))):
        assert list(table.columns[:5]) == [*KEY_COLUMNS, APS, BP], name
        assert len(table) == 8 * rows, name
        for column in KEY_COLUMNS:
            assert table[column].dtype == np.int64, (name, column)
        assert table[APS].dtype == np.int64 and table[BP].dtype == np.float64
    # sorted by run, replication, month (and place)
    keys = results.national[["run_id", "replication", "month"]]
    pd.testing.assert_frame_equal(keys, keys.sort_values(list(keys.columns), ignore_index=True))

    seeds = replication_seeds(7, REPLICATIONS)
    for run_id, point in enumerate(store.design.points):
        for replication in range(REPLICATIONS):
            for table, given, sort in (
                (results.national, national_table(run_id, replication), ["month"]),
                (results.places, places_table(run_id, replication), ["month", "place"]),
            ):
                rows = table[(table.run_id == run_id) & (table.replication == replication)]
                assert (rows["seed"] == seeds[replication]).all()
                assert (rows[APS] == point[APS]).all() and (rows[BP] == point[BP]).all()
                got = rows[list(given.columns)].sort_values(sort, ignore_index=True)
                pd.testing.assert_frame_equal(
                    got, given.sort_values(sort, ignore_index=True), check_exact=True)

    assert results.failures.empty
    assert list(results.failures.columns) == [*KEY_COLUMNS, APS, BP, "error_type", "error",
                                              "traceback"]


@pytest.mark.parametrize(
    "grid",
    [GRID, {"wages.benefit_gbp_week": [100, 120.5], "green.enabled": [True, False]}],
    ids=["ints-and-floats", "floats-given-as-ints-and-bools"],
)
def test_read_parquet_reads_every_part_with_one_schema(tmp_path, grid):
    out = tmp_path / "out"
    store = store_for(out, make_sweep(grid))
    store.open()
    write_all(store)
    for name, rows in (("national", MONTHS), ("places", MONTHS * len(PLACES))):
        parts = sorted((out / name).glob("part-*.parquet"))
        assert len(parts) == 8
        schemas = {tuple(pd.read_parquet(p).dtypes.items()) for p in parts}
        assert len(schemas) == 1, name
        whole = pd.read_parquet(out / name)
        assert len(whole) == 8 * rows
        assert list(whole.columns) == list(pd.read_parquet(parts[0]).columns)
        assert set(zip(whole.run_id, whole.replication, strict=True)) == {
            (r, p) for r in range(4) for p in range(REPLICATIONS)}


def test_a_places_part_without_its_national_part_is_removed_on_open(tmp_path):
    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    write(store, 0, 0)
    write(store, 2, 1)
    # A sweep killed between a run's two parts leaves its places part alone.
    (out / "national" / part_name(2, 1)).unlink()
    results = load_results(out)  # not finished: not read
    assert set(zip(results.places.run_id, results.places.replication, strict=True)) == {(0, 0)}
    assert store_for(out).open() == {(0, 0)}
    assert not (out / "places" / part_name(2, 1)).exists()
    assert (out / "places" / part_name(0, 0)).exists()


def test_leftover_temporary_parts_are_removed_on_open(tmp_path):
    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    write(store, 1, 0)
    for folder in ("national", "places"):
        (out / folder / f".{part_name(3, 1)}.tmp").write_bytes(b"half a parquet file")
    assert store_for(out).open() == {(1, 0)}
    for folder in ("national", "places"):
        assert sorted(p.name for p in (out / folder).iterdir()) == [part_name(1, 0)]


def test_replications_beyond_four_digits_are_found_and_read(tmp_path):
    # replications may go up to 100,000; part names then have a five-digit replication.
    out = tmp_path / "out"
    sweep = make_sweep({}, replications=10_001)
    store = store_for(out, sweep)
    store.open()
    point = store.design.points[0]
    for replication in (3, 10_000):
        store.write_run(0, replication, point, places_table(0, replication),
                        national_table(0, replication))
    assert part_name(0, 10_000) == "part-000000-10000.parquet"
    assert store_for(out, sweep).open() == {(0, 3), (0, 10_000)}
    results = load_results(out)
    assert sorted(set(results.national.replication)) == [3, 10_000]
    assert sorted(set(results.places.replication)) == [3, 10_000]


# -- failures and status ----------------------------------------------------------------------


def test_failures_are_recorded_and_cleared_by_a_later_success(tmp_path):
    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    failures = out / "failures.parquet"
    assert not failures.exists()
    store.record_failure(2, 1, store.design.points[2], "ScenarioError", "bad value", "tb")
    store.record_failure(0, 0, store.design.points[0], "RuntimeError", "boom")
    df = pd.read_parquet(failures)
    assert list(df.columns) == [*KEY_COLUMNS, APS, BP, "error_type", "error", "traceback"]
    assert list(zip(df.run_id, df.replication, strict=True)) == [(0, 0), (2, 1)]  # sorted
    row = df.iloc[1]
    assert row["seed"] == store.seeds[1]
    assert json.loads(row[APS]) == 3 and json.loads(row[BP]) == 0.3
    assert (row["error_type"], row["error"], row["traceback"]) == ("ScenarioError",
                                                                   "bad value", "tb")
    assert len(load_results(out).failures) == 2

    # A reopened store knows the failures; a success removes its run from them.
    again = store_for(out)
    assert again.open() == set()
    write(again, 2, 1)
    df = pd.read_parquet(failures)
    assert list(zip(df.run_id, df.replication, strict=True)) == [(0, 0)]
    write(again, 0, 0)
    assert not failures.exists()  # no failure left: no file
    assert load_results(out).failures.empty


def test_record_failure_replaces_an_earlier_failure_of_the_run(tmp_path):
    store = store_for(tmp_path / "out")
    store.open()
    store.record_failure(1, 0, store.design.points[1], "ValueError", "first")
    store.record_failure(1, 0, store.design.points[1], "ValueError", "second")
    df = pd.read_parquet(tmp_path / "out" / "failures.parquet")
    assert list(df["error"]) == ["second"]


def test_close_records_the_status(tmp_path):
    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    write(store, 0, 0)
    store.record_failure(1, 0, store.design.points[1], "RuntimeError", "boom")
    store.close(finished=1, complete=False)
    status = info_of(out)["status"]
    assert {k: status[k] for k in ("runs", "finished", "failed", "complete")} == {
        "runs": 8, "finished": 1, "failed": 1, "complete": False}
    assert "updated_at" in status
    assert not load_results(out).complete

    again = store_for(out)
    assert again.open() == {(0, 0)}
    write_all(again)  # the failed run succeeds too
    again.close(finished=8, complete=True)
    status = info_of(out)["status"]
    assert (status["finished"], status["failed"], status["complete"]) == (8, 0, True)
    assert load_results(out).complete
    assert info_of(out)["fingerprint"] == again.sweep.fingerprint()


def test_load_results_refuses_a_directory_without_sweep_json(tmp_path):
    with pytest.raises(OutputError, match="holds no sweep.json"):
        load_results(tmp_path)


def test_a_part_holds_its_runs_seed_and_parameters(tmp_path):
    # The seed is the replication's (as given); the parameters are the run's design point.
    sweep = make_sweep()
    design = make_design(sweep)
    assert isinstance(design, Design)
    store = SweepStore(tmp_path / "out", sweep, design, [11, 22])
    store.open()
    write(store, 3, 1)
    df = pd.read_parquet(tmp_path / "out" / "national" / part_name(3, 1))
    assert set(df["seed"]) == {22}
    assert set(df[APS]) == {3} and set(df[BP]) == {0.4}


def test_a_directory_being_written_by_another_process_is_refused(tmp_path):
    """Two sweep processes never write one directory: the second is refused until the
    first lets go (its end, or its death: the system drops the lock)."""
    import subprocess
    import sys
    import textwrap

    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    probe = textwrap.dedent(f"""
        import fcntl, os, sys
        fd = os.open({str(out / ".sweep.lock")!r}, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            sys.exit(3)
        sys.exit(0)
    """)
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 3
    store.close(0, complete=False)
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0


def test_columns_md_and_the_parts_describe_every_column_with_its_unit(tmp_path):
    """The parameters' columns are described from the scenario schema, the rest from the
    indicator registry and the key columns: every column of a part has a unit."""
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    store = store_for(out)
    store.open()
    write(store, 1, 0)
    text = (out / "columns.md").read_text(encoding="utf-8")
    for table in ("places", "national", "failures.parquet"):
        assert f"## `{table}`" in text
    assert f"| `{APS}` | as the scenario key {APS} | swept parameter {APS}" in text
    assert "| `calendar_month` | date (first day of the month) |" in text
    assert "| `error` | text |" in text
    for folder in ("national", "places"):
        schema = pq.read_schema(out / folder / part_name(1, 0))
        for field in schema:
            assert (field.metadata or {}).get(b"unit"), (folder, field.name)
            assert f"| `{field.name}` |" in text, field.name

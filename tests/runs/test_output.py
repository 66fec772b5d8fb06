"""Tests of sim.runs.output: the results directory, atomic Parquet tables and run.json."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.runs.output import (
    OutputError,
    StagedOutput,
    check_output_dir,
    prepare_output_dir,
    write_run_json,
    write_table,
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": np.repeat(np.arange(1, 4), 2),
            "place": ["A", "B"] * 3,
            "rate": [0.1, 0.2, np.nan, 0.4, 0.5, 1 / 3],
        }
    )


# --------------------------------------------------------------------- output directory
def test_prepare_creates_missing_directories(tmp_path):
    target = tmp_path / "a" / "b" / "c"
    out = prepare_output_dir(target)
    assert out == target and target.is_dir()
    assert list(target.iterdir()) == []


def test_prepare_accepts_an_empty_existing_directory(tmp_path):
    (tmp_path / "out").mkdir()
    assert prepare_output_dir(str(tmp_path / "out")) == tmp_path / "out"


def test_prepare_refuses_a_non_empty_directory_with_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    keep = out / "keep.txt"
    keep.write_text("precious")
    with pytest.raises(OutputError) as info:
        prepare_output_dir(out)
    msg = str(info.value)
    assert "\n" not in msg
    assert str(out) in msg and "--force" in msg
    assert keep.read_text() == "precious"


def test_prepare_counts_hidden_files_and_subdirectories(tmp_path):
    for name, make in (("hidden", lambda p: (p / ".x").write_text("")),
                       ("sub", lambda p: (p / "plots").mkdir())):
        out = tmp_path / name
        out.mkdir()
        make(out)
        with pytest.raises(OutputError):
            prepare_output_dir(out)


def test_prepare_with_force_keeps_existing_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    assert prepare_output_dir(out, force=True) == out
    assert (out / "keep.txt").read_text() == "precious"


@pytest.mark.parametrize("force", [False, True])
def test_prepare_refuses_a_file_path(tmp_path, force):
    path = tmp_path / "results"
    path.write_text("not a directory")
    with pytest.raises(OutputError) as info:
        prepare_output_dir(path, force=force)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert path.read_text() == "not a directory"


def test_output_error_is_a_value_error():
    assert issubclass(OutputError, ValueError)


# --------------------------------------------------------------------- tables
def test_write_table_round_trip_and_metadata(tmp_path):
    df = _frame()
    meta = {"seed": 7, "scale": 0.001, "scenario_name": "tiny", "placejobs_version": "0.1.0"}
    path = write_table(df, tmp_path / "places.parquet", meta)
    assert path == tmp_path / "places.parquet"
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, df, check_exact=True, check_dtype=False)
    assert back["month"].dtype.kind == "i" and back["rate"].dtype == np.float64
    schema_meta = pq.read_schema(path).metadata
    assert b"placejobs" in schema_meta
    assert json.loads(schema_meta[b"placejobs"]) == meta
    # pandas' own metadata is kept alongside
    assert b"pandas" in schema_meta


def test_write_table_without_metadata_has_no_placejobs_key(tmp_path):
    path = write_table(_frame(), tmp_path / "t.parquet")
    assert b"placejobs" not in (pq.read_schema(path).metadata or {})


def test_write_table_drops_the_index(tmp_path):
    df = _frame().set_index("place")
    back = pd.read_parquet(write_table(df, tmp_path / "t.parquet"))
    assert list(back.columns) == ["month", "rate"]
    assert isinstance(back.index, pd.RangeIndex)


def test_write_table_leaves_no_temporary_file_and_replaces(tmp_path):
    target = tmp_path / "national.parquet"
    write_table(_frame(), target, {"seed": 1})
    second = _frame().assign(rate=1.0)
    write_table(second, target, {"seed": 2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["national.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(target), second, check_dtype=False)
    assert json.loads(pq.read_schema(target).metadata[b"placejobs"]) == {"seed": 2}


def _failing_write(table, where, *args, **kwargs):
    with open(where, "wb") as fh:
        fh.write(b"PAR1 half written")
    raise OSError("disk full")


def test_a_failed_write_leaves_the_existing_table_untouched(tmp_path, monkeypatch):
    target = tmp_path / "places.parquet"
    write_table(_frame(), target, {"seed": 1})
    before = target.read_bytes()
    monkeypatch.setattr(pq, "write_table", _failing_write)
    with pytest.raises(OSError, match="disk full"):
        write_table(_frame().assign(rate=9.0), target, {"seed": 2})
    assert target.read_bytes() == before


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(pq, "write_table", _failing_write)
    with pytest.raises(OSError):
        write_table(_frame(), tmp_path / "places.parquet")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------- run.json
def test_write_run_json_round_trip(tmp_path):
    info = {"seed": 3, "workers": 10, "scenario": {"run": {"scale": 0.001}}, "path": tmp_path}
    path = write_run_json(tmp_path / "run.json", info)
    back = json.loads(path.read_text())
    assert back["seed"] == 3 and back["scenario"] == {"run": {"scale": 0.001}}
    assert back["path"] == str(tmp_path)  # non-JSON values written as strings
    assert "python" in back
    assert list(back)[:4] == ["seed", "workers", "scenario", "path"]  # order kept
    assert "python" not in info  # the caller's dict is not changed
    assert sorted(os.listdir(tmp_path)) == ["run.json"]


# --------------------------------------------------------------------- checks and staging
def test_check_refuses_a_directory_that_cannot_be_created():
    with pytest.raises(OutputError) as info:
        check_output_dir("/proc/placejobs-test/out")
    assert "\n" not in str(info.value) and "cannot" in str(info.value)


def test_check_creates_the_parents_but_not_the_directory(tmp_path):
    target = tmp_path / "a" / "b"
    assert check_output_dir(target) == target
    assert (tmp_path / "a").is_dir() and not target.exists()
    assert list((tmp_path / "a").iterdir()) == []  # the probe file is gone


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_check_refuses_a_read_only_directory(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            check_output_dir(out, force=True)
    finally:
        out.chmod(0o700)


def test_staged_output_appears_only_when_committed(tmp_path):
    out = tmp_path / "out"
    with StagedOutput(out) as staged:
        assert staged.dir.parent == tmp_path and staged.dir.name.startswith(".out.partial-")
        (staged.dir / "run.json").write_text("{}")
        assert not out.exists()
        assert staged.commit() == out
    assert (out / "run.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_staged_output_is_removed_on_an_error_or_an_interrupt(tmp_path):
    for exc in (RuntimeError, KeyboardInterrupt):
        with pytest.raises(exc), StagedOutput(tmp_path / "out") as staged:
            (staged.dir / "places.parquet").write_text("half")
            raise exc
        assert list(tmp_path.iterdir()) == []


def test_force_keeps_the_old_directory_until_the_commit(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with StagedOutput(out, force=True) as staged:
        (staged.dir / "new.txt").write_text("new")
        assert (out / "old.txt").read_text() == "old"  # untouched while running
        staged.commit()
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]  # replaced whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # old copy deleted


def test_force_interrupted_before_the_commit_keeps_the_old_results(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt), StagedOutput(out, force=True) as staged:
        (staged.dir / "new.txt").write_text("new")
        raise KeyboardInterrupt
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_two_runs_into_one_directory_never_overwrite_each_other(tmp_path):
    out = tmp_path / "out"
    first, second = StagedOutput(out), StagedOutput(out)
    with first, second:  # both checked an empty place before running
        (first.dir / "run.json").write_text("first")
        (second.dir / "run.json").write_text("second")
        first.commit()
        with pytest.raises(OutputError) as info:
            second.commit()
    msg = str(info.value)
    assert "another run" in msg and str(second.dir) in msg and "\n" not in msg
    assert (out / "run.json").read_text() == "first"
    assert (second.dir / "run.json").read_text() == "second"  # kept, and named


def test_staged_output_refuses_before_staging(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x").write_text("x")
    with pytest.raises(OutputError, match="--force"), StagedOutput(out):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

"""Tests of sim.agents.tables: column tables and their read-only row views."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from sim.agents.firms import Firms
from sim.agents.tables import AgentTable, RowView
from sim.agents.workers import STATUS_NAMES, Workers


class Toy(AgentTable):
    KIND = "Toy"
    SCHEMA = {
        "a": np.dtype(np.int16),
        "b": np.dtype(np.float32),
        "c": np.dtype(np.bool_),
        "d": np.dtype(np.int64),
    }


def _toy(n: int = 5) -> Toy:
    t = Toy(n)
    t.a[:] = np.arange(n)
    t.b[:] = np.arange(n) / 2
    t.c[:] = np.arange(n) % 2 == 0
    t.d[:] = 10 * np.arange(n)
    return t


def test_columns_have_the_schema_dtypes_and_length():
    t = Toy(7)
    assert len(t) == 7
    cols = t.columns()
    assert list(cols) == list(Toy.SCHEMA)
    for name, dtype in Toy.SCHEMA.items():
        assert cols[name].dtype == dtype and cols[name].shape == (7,)
        assert cols[name] is getattr(t, name)  # the arrays themselves, not copies
        assert not cols[name].any()


@pytest.mark.parametrize("n", [0, 1, 13])
def test_nbytes_is_the_sum_of_the_columns(n):
    for table in (Toy(n), Workers(n), Firms(n)):
        assert table.nbytes == sum(a.nbytes for a in table.columns().values())
        assert table.nbytes == n * sum(d.itemsize for d in type(table).SCHEMA.values())


def test_negative_size_is_refused():
    with pytest.raises(ValueError):
        Toy(-1)


@pytest.mark.parametrize("i", [5, 6, 100, -6, -100])
def test_view_out_of_range_raises_index_error(i):
    with pytest.raises(IndexError):
        _toy(5).view(i)


def test_view_of_an_empty_table_raises_index_error():
    with pytest.raises(IndexError):
        Toy(0).view(0)
    with pytest.raises(IndexError):
        Toy(0).view(-1)


@pytest.mark.parametrize(("i", "row"), [(-1, 4), (-5, 0), (-2, 3), (0, 0), (4, 4)])
def test_negative_index_counts_from_the_end(i, row):
    t = _toy(5)
    v = t.view(i)
    assert v.index == row
    assert v.a == row and v["d"] == 10 * row


def test_view_accepts_numpy_integers():
    assert _toy(5).view(np.int64(3)).index == 3


def test_view_is_a_read_only_mapping_of_python_scalars():
    t = _toy(5)
    v = t.view(2)
    assert isinstance(v, RowView) and isinstance(v, Mapping)
    assert list(v) == list(Toy.SCHEMA) and len(v) == 4
    assert dict(v) == {"a": 2, "b": 1.0, "c": True, "d": 20}
    assert type(v["a"]) is int and type(v["b"]) is float and type(v["c"]) is bool
    assert "a" in v and "zzz" not in v
    with pytest.raises(AttributeError):
        v.a = 3
    with pytest.raises(AttributeError):
        v.new_field = 3
    with pytest.raises(TypeError):
        v["a"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError):
        _ = v.zzz
    with pytest.raises(KeyError):
        _ = v["zzz"]
    assert t.a[2] == 2  # nothing was written to the table


def test_view_is_a_snapshot():
    t = _toy(3)
    v = t.view(1)
    t.a[1] = 99
    assert v.a == 1
    assert t.view(1).a == 99


def test_worker_and_firm_views_are_decorated():
    w = Workers(2)
    w.status[1] = 1
    w.skill[1] = 2
    v = w.view(1)
    assert v.status_name == STATUS_NAMES[1] == "unemployed"
    assert v.skill_name == "advanced"
    assert "occupation_name" in v
    assert set(Workers.SCHEMA) < set(v)
    f = Firms(1)
    assert "sector_name" in f.view(0)
    assert "Worker" in repr(v) and "status_name" in repr(v)


def test_to_frame_is_a_copy_with_the_schema_dtypes():
    t = _toy(4)
    df = t.to_frame()
    assert list(df.columns) == list(Toy.SCHEMA)
    assert df.index.name == "toy" and df.index.tolist() == [0, 1, 2, 3]
    for name, dtype in Toy.SCHEMA.items():
        assert df[name].dtype == dtype
        np.testing.assert_array_equal(df[name].to_numpy(), getattr(t, name))
    df.loc[0, "a"] = 99
    assert t.a[0] == 0  # changing the frame does not change the table
    part = t.to_frame(np.array([3, 1]))
    assert part.index.tolist() == [3, 1] and part["d"].tolist() == [30, 10]
    assert t.to_frame(slice(1, 3)).index.tolist() == [1, 2]
    assert Workers(0).to_frame().empty

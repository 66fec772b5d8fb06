"""Tests for sim.kernels.bundles: validation of kernel argument bundles, neutral values,
the table helpers, and the limit on the number of parameters of every numba kernel."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from numba.core.registry import CPUDispatcher

import sim
from sim.agents.firms import Firms
from sim.agents.workers import Workers
from sim.kernels import bundles
from sim.kernels.bundles import (
    FirmColumns,
    FlowRates,
    MigrationRules,
    Participation,
    Retirement,
    SearcherColumns,
    TrainingArgs,
    WageRules,
    WorkerColumns,
    firm_columns,
    make,
    select_rows,
    worker_columns,
)

#: The most parameters a numba kernel of the package may take.
MAX_PARAMETERS = 16

BUNDLE_TYPES = [
    obj for obj in vars(bundles).values()
    if isinstance(obj, type) and issubclass(obj, tuple) and hasattr(obj, "_fields")
    and obj.__module__ == bundles.__name__
]


def _rates(**changes):
    fields = dict(layoff_rate=np.zeros(3), exit_employed=0.01, exit_unemployed=0.02,
                  entry_rate=np.zeros(4), inactive_search=np.zeros(4), job_loss=np.ones(4))
    fields.update(changes)
    return fields


# ------------------------------------------------------------------ validation
def test_a_valid_bundle_keeps_the_arrays_and_normalises_scalars() -> None:
    fields = _rates(exit_employed=np.float32(0.5), exit_unemployed=1)
    rates = make(FlowRates, **fields)
    assert rates.layoff_rate is fields["layoff_rate"]  # no copy
    assert type(rates.exit_employed) is float and rates.exit_employed == 0.5
    assert type(rates.exit_unemployed) is float and rates.exit_unemployed == 1.0
    r = make(Retirement, retirement_age_months=np.int16(780))
    assert type(r.retirement_age_months) is int and r.retirement_age_months == 780
    t = TrainingArgs.neutral(2)._asdict()
    t["key"] = 2**64 - 1
    assert make(TrainingArgs, **t).key == np.uint64(2**64 - 1)
    assert isinstance(make(TrainingArgs, **t).key, np.uint64)


def test_missing_field_is_refused_with_its_name() -> None:
    fields = _rates()
    del fields["entry_rate"]
    with pytest.raises(TypeError, match=r"^FlowRates: missing field 'entry_rate'$"):
        make(FlowRates, **fields)


def test_unknown_field_is_refused_with_its_name() -> None:
    with pytest.raises(TypeError, match=r"^FlowRates: unknown field 'exit_inactive'$"):
        make(FlowRates, **_rates(exit_inactive=0.1))


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("entry_rate", np.zeros(4, dtype=np.float32), TypeError,
         r"FlowRates\.entry_rate: expected dtype float64, got float32"),
        ("entry_rate", np.zeros((4, 1)), ValueError,
         r"FlowRates\.entry_rate: expected 1 dimension\(s\), got 2"),
        ("layoff_rate", np.zeros(4), ValueError,
         r"FlowRates\.layoff_rate: expected length 3 on axis 0"),
        ("entry_rate", [0.1, 0.2], TypeError,
         r"FlowRates\.entry_rate: expected a float64 array of shape \(n,\), got list"),
        ("exit_employed", True, TypeError, r"FlowRates\.exit_employed: expected a float"),
        ("exit_employed", "0.1", TypeError, r"FlowRates\.exit_employed: expected a float"),
        ("exit_employed", np.zeros(1), TypeError, r"FlowRates\.exit_employed: expected a float"),
    ],
)
def test_wrong_arrays_and_scalars_are_refused_naming_the_field(field, value, error,
                                                               message) -> None:
    with pytest.raises(error, match=message):
        make(FlowRates, **_rates(**{field: value}))


def test_wrong_scalar_kinds_are_refused() -> None:
    with pytest.raises(TypeError, match=r"Retirement\.retirement_age_months: expected an int"):
        make(Retirement, retirement_age_months=65.5 * 12)
    with pytest.raises(TypeError, match=r"Retirement\.retirement_age_months: expected an int"):
        make(Retirement, retirement_age_months=True)
    t = TrainingArgs.neutral(2)._asdict()
    with pytest.raises(TypeError, match=r"TrainingArgs\.run: expected a bool, got int"):
        make(TrainingArgs, **{**t, "run": 1})
    with pytest.raises(TypeError, match=r"TrainingArgs\.key: expected a uint64 stream key"):
        make(TrainingArgs, **{**t, "key": -1})
    with pytest.raises(TypeError, match=r"TrainingArgs\.key: expected a uint64 stream key"):
        make(TrainingArgs, **{**t, "key": 0.5})


def test_a_worker_column_of_the_wrong_dtype_is_refused() -> None:
    wk = Workers(5)
    cols = wk.columns()
    cols["wage"] = cols["wage"].astype(np.float64)
    with pytest.raises(TypeError, match=r"WorkerColumns\.wage: expected dtype float32"):
        make(WorkerColumns, **cols)


def test_make_refuses_what_is_not_a_bundle() -> None:
    with pytest.raises(TypeError, match="not a bundle"):
        make(dict, a=1)


@pytest.mark.parametrize("bundle_type", BUNDLE_TYPES, ids=lambda t: t.__name__)
def test_every_field_is_documented(bundle_type) -> None:
    """Each field of each bundle appears in its docstring (with its unit there)."""
    doc = bundle_type.__doc__ or ""
    if bundle_type in (WorkerColumns, FirmColumns, SearcherColumns):
        assert "SCHEMA" in doc or "same dtypes" in doc
    for name in bundle_type._fields:
        if bundle_type is SearcherColumns:
            continue  # documented as the worker columns
        assert name in doc, f"{bundle_type.__name__}.{name} is not documented"


# ------------------------------------------------------------------ tables
def test_table_columns_follow_the_schemas() -> None:
    assert WorkerColumns._fields == tuple(Workers.SCHEMA)
    assert FirmColumns._fields == tuple(Firms.SCHEMA)
    wk, f = Workers(7), Firms(3)
    w = worker_columns(wk)
    fc = firm_columns(f)
    for name in Workers.SCHEMA:
        assert getattr(w, name) is getattr(wk, name)  # the arrays, not copies
    for name in Firms.SCHEMA:
        assert getattr(fc, name) is getattr(f, name)
    assert set(SearcherColumns._fields) <= set(Workers.SCHEMA)


def test_select_rows_keeps_the_type_and_indexes_every_column() -> None:
    wk = Workers(6)
    wk.home[:] = np.arange(6)
    wk.wage[:] = np.arange(6) * 10.0
    keep = np.array([True, False, True, False, False, True])
    w = select_rows(worker_columns(wk), keep)
    assert isinstance(w, WorkerColumns)
    np.testing.assert_array_equal(w.home, [0, 2, 5])
    np.testing.assert_array_equal(w.wage, [0.0, 20.0, 50.0])


# ------------------------------------------------------------------ neutral values
def test_neutral_values_switch_the_mechanisms_off() -> None:
    p = Participation.neutral()
    assert p.constrained_search_share == 0.0
    assert p.constrained_exit_multiplier == 1.0 and p.remote_exit_multiplier == 1.0
    np.testing.assert_array_equal(p.remote_productivity, np.zeros(9))
    assert Retirement.neutral().retirement_age_months == 0
    t = TrainingArgs.neutral(4)
    assert t.run is False and t.entries.shape == (4,) and t.completions.shape == (4,)
    assert bundles.EmployerLink.neutral().link_bonus == 0.0
    m = MigrationRules.neutral()
    assert m.base_rate == 0.0 and m.p_max == 0.0


def test_bundles_from_the_scenario_sections() -> None:
    sc = sim.Scenario()
    w = WageRules.from_scenario(sc.wages, np.full(3, 0.4))
    assert w.benefit == sc.wages.benefit_gbp_week and w.adjustment == sc.wages.adjustment_speed
    assert w.hybrid_factor == sc.wages.hybrid_commute_factor
    p = Participation.from_params(sc.remote_work)
    assert p.constrained_exit_multiplier == sc.remote_work.constrained_exit_multiplier
    m = MigrationRules.from_params(sc.migration)
    assert m.young_age_months == 12 * sc.migration.young_age_years
    assert m.p_max == pytest.approx(min(
        sc.migration.base_rate * max(sc.migration.age_multiplier)
        * max(sc.migration.skill_multiplier), 1.0))


# ------------------------------------------------------------------ parameter counts
def _dispatchers() -> dict[str, CPUDispatcher]:
    found = {}
    for info in pkgutil.walk_packages(sim.__path__, prefix="sim."):
        if info.name == "sim.__main__":  # runs the command line when imported
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    return found


def test_the_walk_finds_the_kernels() -> None:
    found = _dispatchers()
    for name in ("sim.kernels.flows.monthly_flows", "sim.kernels.flows._flows_chunks",
                 "sim.kernels.matching.draw_applications",
                 "sim.kernels.aggregate.aggregate_workers",
                 "sim.kernels.migration.choose_and_move",
                 "sim.kernels.training.training_chunk",
                 "sim.mechanisms.remote_work._refresh_places"):
        assert name in found
    assert len(found) > 20


def test_no_numba_kernel_takes_more_than_16_parameters() -> None:
    too_many = {
        name: len(inspect.signature(d.py_func).parameters)
        for name, d in _dispatchers().items()
        if len(inspect.signature(d.py_func).parameters) > MAX_PARAMETERS
    }
    assert not too_many, f"kernels with more than {MAX_PARAMETERS} parameters: {too_many}"


def test_table_bundles_declare_the_tables_dtypes() -> None:
    """worker_columns/firm_columns skip the field checks because these agree."""
    from sim.kernels.bundles import _spec

    for bundle, table in ((WorkerColumns, Workers), (FirmColumns, Firms)):
        spec = _spec(bundle)
        for name, dtype in table.SCHEMA.items():
            assert spec[name].dtype == dtype, f"{bundle.__name__}.{name}"
            assert len(spec[name].shape) == 1
        # And a column of the table always has its schema's dtype, also after growing.
        t = table(3)
        t.grow(2)
        for name, dtype in table.SCHEMA.items():
            assert getattr(t, name).dtype == dtype

"""Helpers for the kernel tests: bundles from partial columns and default rules.

Kernel tests build small economies with only the columns a kernel reads; these
helpers add the other columns of the worker and firm tables (zeros, or -1 for
``employer`` and ``trained_with``) and give rule bundles with neutral defaults,
every field overridable by keyword.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.firms import Firms
from sim.agents.workers import Workers
from sim.kernels.bundles import (
    FirmColumns,
    SearchRules,
    WageRules,
    WorkerColumns,
    make,
)

_MISSING = {"employer": -1, "trained_with": -1}


def worker_bundle(cols: dict[str, np.ndarray]) -> WorkerColumns:
    """A :class:`WorkerColumns` of ``cols``, the missing columns added to ``cols`` first.

    The arrays are shared, so the caller reads the kernel's changes in ``cols``.
    """
    n = len(cols["home"]) if "home" in cols else len(next(iter(cols.values())))
    for name, dtype in Workers.SCHEMA.items():
        if name not in cols:
            cols[name] = np.full(n, _MISSING.get(name, 0), dtype=dtype)
    _check_rows("worker", n, {name: cols[name] for name in WorkerColumns._fields})
    return make(WorkerColumns, **{name: cols[name] for name in WorkerColumns._fields})


def _check_rows(table: str, n: int, cols: dict[str, np.ndarray]) -> None:
    """Every column has ``n`` rows: the kernels do not check bounds (numba's default),
    so a short column would be read past its end, which may crash the process."""
    short = {name: len(col) for name, col in cols.items() if len(col) != n}
    if short:
        raise ValueError(f"{table} columns with other than {n} rows: {short}")


def firm_bundle(n_firms: int, **cols: np.ndarray) -> FirmColumns:
    """A :class:`FirmColumns` of ``n_firms`` rows: ``cols`` and zeros for the rest."""
    for name, dtype in Firms.SCHEMA.items():
        if name not in cols:
            cols[name] = np.zeros(n_firms, dtype=dtype)
    _check_rows("firm", n_firms, cols)
    return make(FirmColumns, **cols)


def search_rules(**fields: Any) -> SearchRules:
    """:class:`SearchRules` with ``fields``; the others: no search, one application, and
    over-qualification priced as under-qualification (``overqual_weight = fit_weight``)."""
    base = dict(ojs_share=0.0, applications=1, remote_share=0.0, switch_premium=0.0,
                fit_weight=0.0, noise=0.0, hiring_standard=-100.0, callback_rate=1.0,
                duration_penalty=0.0)
    base.update(fields)
    base.setdefault("overqual_weight", base["fit_weight"])
    return make(SearchRules, **base)


def wage_rules(n_places: int, **fields: Any) -> WageRules:
    """:class:`WageRules` with ``fields``; the others: phi 0.5, premium 1, no costs."""
    base = dict(phi=np.full(n_places, 0.5), skill_premium=np.ones(3), benefit=100.0,
                replacement_ratio=0.7, reservation_decay=0.0, adjustment=0.0,
                commute_cost=0.0, hybrid_factor=1.0)
    base.update(fields)
    return make(WageRules, **base)

"""Design points of a sweep: a grid, or samples drawn by SALib.

:func:`make_design` turns a :class:`~sim.sweeps.spec.Sweep` into the list of
parameter values of each design point; the point's index is its ``run_id``. For
``random`` (Latin hypercube), ``sobol`` (Saltelli's extension of the Sobol' sequence)
and ``morris`` (trajectories on a ``levels``-level grid) the samples come from SALib
in the order its analysers expect, and the unrounded matrix is kept
(:attr:`Design.matrix`) so that :mod:`sim.sweeps.sensitivity` can hand it back.

SALib's problem is ``{"num_vars": D, "names": [...], "bounds": [[low, high], ...]}``.
The design depends only on the sweep file (``[design]`` seed included): the same file
gives the same points on any machine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.sweeps.spec import ParameterSpec, Sweep

__all__ = ["Design", "make_design", "point_value"]


@dataclass(frozen=True)
class Design:
    """The design points of a sweep.

    Attributes:
        kind: ``"grid"``, ``"random"``, ``"sobol"`` or ``"morris"``.
        names: the swept keys, in order.
        points: one dictionary ``{key: value}`` per design point (``run_id`` = index);
            integer parameters are rounded.
        matrix: ``(points, D)`` samples as SALib returned them (``None`` for a grid).
        problem: SALib's problem dictionary (``None`` for a grid).
    """

    kind: str
    names: list[str]
    points: list[dict[str, Any]]
    matrix: np.ndarray | None
    problem: dict[str, Any] | None

    def __len__(self) -> int:
        return len(self.points)


def _problem(parameters: tuple[ParameterSpec, ...]) -> dict[str, Any]:
    return {
        "num_vars": len(parameters),
        "names": [p.key for p in parameters],
        "bounds": [[p.low, p.high] for p in parameters],
    }


def point_value(parameter: ParameterSpec, x: float) -> int | float:
    """The value of ``parameter`` at the sample ``x`` (an integer parameter rounded)."""
    if parameter.integer:
        return int(np.clip(np.rint(x), parameter.low, parameter.high))
    return float(x)


def make_design(sweep: Sweep) -> Design:
    """The design points of ``sweep`` (see the module docstring)."""
    design = sweep.design
    names = sweep.names
    if design.kind == "grid":
        lists = [p.values or () for p in sweep.parameters]
        points = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)]
        return Design("grid", names, points, None, None)

    # SALib is imported here: only sampled designs need it.
    from SALib.sample import latin, morris, sobol

    problem = _problem(sweep.parameters)
    n = int(design.samples or 0)
    given = dict(problem)  # SALib's samplers add keys to the dictionary they are handed
    if design.kind == "random":
        matrix = latin.sample(given, n, seed=design.seed)
    elif design.kind == "sobol":
        matrix = sobol.sample(given, n, calc_second_order=design.second_order,
                              scramble=True, seed=design.seed)
    else:
        matrix = morris.sample(given, n, num_levels=design.levels, seed=design.seed)
    matrix = np.asarray(matrix, dtype=np.float64)
    points = [
        {p.key: point_value(p, x) for p, x in zip(sweep.parameters, row, strict=True)}
        for row in matrix
    ]
    return Design(design.kind, names, points, matrix, problem)

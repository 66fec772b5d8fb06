"""Tests of design points (sim/sweeps/design.py): grids, and samples drawn by SALib.

A grid's points must come in :func:`itertools.product` order of the file's parameters;
sampled designs must be the same for one ``[design]`` seed and differ for another, keep
the unrounded matrix SALib returned (points equal its rows for float parameters, and
are rounded, in range, for integer ones) and SALib's problem dictionary. Sweeps are
parsed in memory on the tiny base scenario.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.config.scenario import parse_scenario
from sim.sweeps.design import Design, make_design
from sim.sweeps.spec import Sweep, design_size, parse_sweep

TINY = {"run": {"name": "tiny", "scale": 0.0005, "seed": 7, "burn_in_months": 3, "months": 4}}
BASE = parse_scenario(TINY, source="<tiny>")
BP, APS, HS = ("wages.bargaining_power", "search.applications_per_searcher",
               "search.hiring_standard")
RANGES = {BP: {"low": 0.3, "high": 0.5}, APS: {"low": 2, "high": 5}, HS: {"low": -1.0, "high": 1.0}}
SAMPLED = [
    ("random", {}),
    ("sobol", {}),
    ("sobol", {"second_order": True}),
    ("morris", {}),
    ("morris", {"levels": 6}),
]


def sweep(kind: str = "grid", parameters: dict | None = None, **design) -> Sweep:
    samples = {} if kind == "grid" else {"samples": design.pop("samples", 8)}
    return parse_sweep({"design": {"kind": kind, **samples, **design},
                        "parameters": RANGES if parameters is None else parameters},
                       base=BASE)


# -- grids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameters",
    [
        {APS: [2, 3, 4], BP: [0.3, 0.4], "green.enabled": [True, False]},
        {"green.enabled": [False, True], BP: [0.45, 0.3], APS: [4, 2, 3]},
        {BP: [0.3]},
    ],
)
def test_grid_points_are_the_product_in_file_order(parameters):
    design = make_design(sweep(parameters=parameters))
    names = list(parameters)
    assert design.kind == "grid" and design.names == names
    assert design.points == [dict(zip(names, combo, strict=True))
                             for combo in itertools.product(*parameters.values())]
    assert [list(p) for p in design.points] == [names] * len(design)  # keys in file order
    assert design.matrix is None and design.problem is None


def test_the_first_grid_parameter_varies_slowest():
    design = make_design(sweep(parameters={APS: [2, 3], BP: [0.3, 0.4, 0.5]}))
    assert [p[APS] for p in design.points] == [2, 2, 2, 3, 3, 3]
    assert [p[BP] for p in design.points] == [0.3, 0.4, 0.5] * 2


def test_a_grid_without_parameters_is_one_empty_point():
    design = make_design(sweep(parameters={}))
    assert design.points == [{}] and len(design) == 1


def test_grid_values_keep_their_normalised_types():
    design = make_design(sweep(parameters={"wages.benefit_gbp_week": [100, 120.5], APS: [2]}))
    assert [type(p["wages.benefit_gbp_week"]) for p in design.points] == [float, float]
    assert [type(p[APS]) for p in design.points] == [int, int]


# -- sampled designs --------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "extra"), SAMPLED)
def test_a_sampled_design_has_the_spec_size(kind, extra):
    s = sweep(kind, **extra)
    design = make_design(s)
    assert isinstance(design, Design) and design.kind == kind
    assert len(design) == design_size(s.design, list(s.parameters))
    assert design.matrix.shape == (len(design), 3)
    assert design.matrix.dtype == np.float64


@pytest.mark.parametrize(("kind", "extra"), SAMPLED)
def test_a_sampled_design_depends_only_on_its_seed(kind, extra):
    first = make_design(sweep(kind, seed=3, **extra))
    again = make_design(sweep(kind, seed=3, **extra))
    other = make_design(sweep(kind, seed=4, **extra))
    np.testing.assert_array_equal(first.matrix, again.matrix)
    assert first.points == again.points
    assert not np.array_equal(first.matrix, other.matrix)
    assert first.points != other.points


def test_a_sampled_design_leaves_numpy_global_random_state_alone():
    # The legacy global state is what a sampler seeded the old way would disturb.
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.random(3)  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    for kind, extra in SAMPLED:
        make_design(sweep(kind, **extra))
    np.testing.assert_array_equal(np.random.random(3), expected)  # noqa: NPY002


@pytest.mark.parametrize(("kind", "extra"), SAMPLED)
def test_points_are_the_matrix_rows_and_integers_are_rounded_in_range(kind, extra):
    design = make_design(sweep(kind, samples=16, **extra))
    m = design.matrix
    assert design.names == [BP, APS, HS]
    for j, (name, r) in enumerate(RANGES.items()):
        assert (m[:, j] >= r["low"]).all() and (m[:, j] <= r["high"]).all(), name
    for i, point in enumerate(design.points):
        assert list(point) == [BP, APS, HS]
        assert type(point[BP]) is float and point[BP] == m[i, 0]
        assert type(point[HS]) is float and point[HS] == m[i, 2]
        assert type(point[APS]) is int
        assert 2 <= point[APS] <= 5
        assert point[APS] == int(np.rint(m[i, 1]))
    # Rounding reaches both ends of the integer range (the design is not stuck inside it).
    assert {p[APS] for p in design.points} >= {2, 5}


def test_morris_samples_lie_on_the_levels_grid():
    design = make_design(sweep("morris", samples=6, levels=4))
    for j, r in enumerate(RANGES.values()):
        steps = (design.matrix[:, j] - r["low"]) / (r["high"] - r["low"]) * 3
        np.testing.assert_allclose(steps, np.rint(steps), atol=1e-9)


def _documented(problem: dict) -> dict:
    """The documented keys; SALib's samplers add only their own harmless marks."""
    extra = {k: v for k, v in problem.items() if k not in ("num_vars", "names", "bounds")}
    # Every sampler marks the problem it scaled; morris also sets one group per parameter.
    assert extra.pop("sample_scaled", True) is True
    assert extra.pop("groups", problem["names"]) == problem["names"]
    assert extra == {}
    return {k: problem[k] for k in ("num_vars", "names", "bounds")}


@pytest.mark.parametrize(("kind", "extra"), SAMPLED)
def test_the_salib_problem_names_the_parameters_and_their_ranges(kind, extra):
    design = make_design(sweep(kind, samples=4, **extra))
    assert _documented(design.problem) == {
        "num_vars": 3,
        "names": [BP, APS, HS],
        "bounds": [[0.3, 0.5], [2.0, 5.0], [-1.0, 1.0]],
    }
    assert all(type(b) is float for pair in design.problem["bounds"] for b in pair)


def test_the_salib_problem_of_one_integer_parameter():
    one = make_design(sweep("random", parameters={APS: {"low": 1, "high": 3}}, samples=5))
    assert _documented(one.problem) == {"num_vars": 1, "names": [APS], "bounds": [[1.0, 3.0]]}

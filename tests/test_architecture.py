"""Tests of the package's shape: layers, imports, the mechanism contract, one source of each thing.

These tests read the source (with :mod:`ast`) or build a tiny model; each fails when
the rule it names is broken (a new import cycle, a mechanism reading ``model._x``,
two random-stream stages with one number, ...).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import sim
from sim.agents.tables import AgentTable
from sim.kernels.rng import STAGES
from sim.world.travel import TravelTimes

PACKAGE = Path(sim.__file__).resolve().parent
#: Modules allowed to import parts of the package inside a function, and why.
LAZY_IMPORTS_ALLOWED = {
    # The command line imports the model only for the command it runs, so that
    # `placejobs --help` and argument errors answer at once.
    "sim.cli",
}


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Modules of `sim` imported at module level (not under `if TYPE_CHECKING:`)."""
    found: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] == "sim")
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.split(".")[0] == "sim":
                    found.add(node.module)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                visit(getattr(node, "body", []))
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
                visit(getattr(node, "finalbody", []))
    visit(tree.body)
    return found


def test_no_import_cycles_between_modules():
    modules = _modules()
    graph = nx.DiGraph()
    for name, tree in modules.items():
        graph.add_node(name)
        for target in _runtime_imports(tree):
            # `from sim.x import y` where y is a module counts as importing sim.x.y.
            graph.add_edge(name, target if target in modules else target)
    # A package's own __init__ importing its submodules is not a cycle of concern when
    # the submodule does not import the package back; drop edges from a module to a
    # package that contains it only if that package is its parent's __init__.
    cycles = [c for c in nx.simple_cycles(graph) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles[:3]}"


#: The layers from the bottom: a module imports (at run time) only its own layer and
#: those below it. ``sim.config.section`` (the strict section base) is at the bottom;
#: the scenario schema (``sim.config.scenario``, ``sim.config.checks``) sits above the
#: mechanisms because it gathers the parameter sections each layer defines next to its
#: equations. The package root imports nothing at run time (its names load lazily).
LAYERS = (
    ("sim", 0),
    ("sim.config.section", 0),
    ("sim.world", 1),
    ("sim.agents", 2),
    ("sim.kernels", 3),
    ("sim.mechanisms", 4),
    ("sim.policies", 4),
    ("sim.config", 5),
    ("sim.core", 6),
    ("sim.viz", 7),
    ("sim.runs", 8),
    ("sim.sweeps", 9),
    ("sim.comparison", 9),
    ("sim.calibration", 10),
    ("sim.validation", 10),
    ("sim.dashboard", 10),
    ("sim.cli", 11),
    ("sim.__main__", 11),
)


def _layer(module: str) -> int:
    best, rank = "", None
    for prefix, r in LAYERS:
        exact = prefix == "sim"
        if (module == prefix or (not exact and module.startswith(prefix + "."))) and len(
            prefix
        ) >= len(best):
            best, rank = prefix, r
    assert rank is not None, f"{module} is in no layer"
    return rank


def test_each_layer_imports_only_itself_and_the_layers_below():
    upward = []
    for name, tree in _modules().items():
        for target in _runtime_imports(tree):
            if _layer(target) > _layer(name):
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_no_package_import_inside_a_function():
    offenders = []
    for name, tree in _modules().items():
        if name in LAZY_IMPORTS_ALLOWED:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.module and (
                        inner.module.split(".")[0] == "sim"
                    ):
                        offenders.append(f"{name}.{node.name}: from {inner.module}")
                    if isinstance(inner, ast.Import) and any(
                        a.name.split(".")[0] == "sim" for a in inner.names
                    ):
                        offenders.append(f"{name}.{node.name}: import")
    assert offenders == []


def test_top_of_the_package_holds_only_entry_points():
    files = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert files == ["__init__.py", "__main__.py", "cli.py"]
    layers = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert layers == [
        "agents", "calibration", "comparison", "config", "core", "dashboard", "data", "kernels",
        "mechanisms", "policies", "runs", "sweeps", "validation", "viz", "world",
    ]


def test_no_mechanism_reads_the_models_private_state():
    for path in sorted((PACKAGE / "mechanisms").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "model._" not in text, path.name
        assert "model: LabourMarket" not in text, path.name


def test_random_stream_stages_are_unique():
    numbers = list(STAGES.values())
    assert len(numbers) == len(set(numbers)), STAGES
    assert all(isinstance(v, int) and v > 0 for v in numbers)


def test_no_module_keeps_a_stage_number_of_its_own():
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id.startswith("STAGE"):
                        assert name == "sim.kernels.rng", f"{name}: {target.id}"


# ---------------------------------------------------------------- the contract


def test_attached_arrays_grow_with_their_table():
    table = AgentTable(3)
    flag = table.attach("flag", np.bool_, True)
    scratch = table.attach("scratch", np.int32, 0, leading=(2,))
    flag[0] = False
    scratch[1, 2] = 7
    table.grow(4)
    assert table.flag.shape == (7,) and table.flag.tolist() == [False] + [True] * 6
    assert table.scratch.shape == (2, 7) and table.scratch[1, 2] == 7
    with pytest.raises(ValueError, match="name in use"):
        table.attach("flag", np.bool_)


def test_travel_times_rebuild_everything_derived_and_tell_listeners():
    minutes = np.array([[5.0, 30.0], [30.0, 5.0]])
    travel = TravelTimes(
        minutes, np.ones((2, 2)), search_decay_per_minute=0.1, hybrid_commute_factor=0.5
    )
    seen = []
    travel.on_change(lambda t: seen.append(t.version))
    faster = np.array([[5.0, 10.0], [10.0, 5.0]])
    travel.set_minutes(faster)
    assert seen == [2]
    np.testing.assert_array_equal(travel.minutes, faster)
    np.testing.assert_allclose(travel.search_decay, np.exp(-0.1 * faster))
    np.testing.assert_allclose(travel.hybrid_decay, np.exp(-0.05 * faster))
    with pytest.raises(ValueError, match="finite"):
        travel.set_minutes(np.array([[0.0, -1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="2 x 2"):
        travel.set_minutes(np.zeros((3, 3)))


@pytest.fixture(scope="module")
def tiny():
    scenario = sim.parse_scenario(
        {
            "run": {"geography": "grid", "scale": 0.001, "burn_in_months": 3, "months": 2},
            "geography_options": {"rows": 2, "cols": 2, "population": 200_000.0},
        }
    )
    return sim.LabourMarket(scenario, rng=5)


def test_mesa_scenario_machinery_accepts_the_model(tiny):
    from mesa.experimental.scenarios import Scenario as MesaScenario

    assert isinstance(tiny.scenario, MesaScenario)
    assert tiny.scenario.model is tiny
    assert tiny.scenario.rng == 5
    assert tiny.scenario.search.applications_per_searcher == 3
    assert isinstance(tiny.scenario.config, sim.Scenario)
    assert tiny.config is tiny.scenario.config
    # Mesa's own rule: scenario values cannot change while the model runs.
    with pytest.raises(ValueError, match="during model run"):
        tiny.scenario.search = None


def test_one_clock_mesas_with_the_burn_in_as_an_offset(tiny):
    steps = tiny.steps
    tiny.run_for(2)
    assert tiny.steps == steps + 2 == 3 + tiny.month
    assert tiny.time == tiny.steps
    assert tiny.state.clock.recorded_month == tiny.month
    assert sorted(tiny.places_frame()["month"].unique()) == list(range(1, tiny.month + 1))


def test_the_month_runs_in_the_declared_order(monkeypatch, tiny):
    from sim.core.model import MONTH

    ran = []
    for stage in MONTH:
        mech = tiny.mechanisms.get(stage)
        if mech is not None:
            monkeypatch.setattr(mech, "step", lambda state, s=stage: ran.append(s))
            monkeypatch.setattr(mech, "enabled", True)
        else:
            monkeypatch.setattr(tiny, f"_stage_{stage}", lambda s=stage: ran.append(s))
    monkeypatch.setattr(tiny, "record", False)
    tiny.step()
    assert ran == list(MONTH)


def test_disabled_mechanisms_hand_the_kernels_neutral_values():
    scenario = sim.parse_scenario(
        {
            "run": {"geography": "grid", "scale": 0.001, "burn_in_months": 0},
            "geography_options": {"rows": 1, "cols": 2, "population": 100_000.0},
            "remote_work": {"enabled": False, "remote_productivity": 0.2},
            "training": {"enabled": False, "employer_link_bonus": 3.0},
            "demography": {"enabled": False},
        }
    )
    m = sim.LabourMarket(scenario, rng=1)
    rules = m.mechanisms["remote_work"].kernel_params()
    assert np.all(rules.remote_productivity == 0.0)
    assert rules.constrained_exit_multiplier == 1.0 and rules.constrained_search_share == 0.0
    assert m.mechanisms["training"].kernel_params().link_bonus == 0.0
    assert m.mechanisms["demography"].kernel_params().retirement_age_months == 0

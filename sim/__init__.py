"""placejobs: a spatial agent-based model of labour markets for place-based policy.

The package is imported as ``sim``::

    import sim

    result = sim.run("scenarios/baseline.toml", seed=7, months=24, out="results/b7")
    result.places.head()

    scenario = sim.load_scenario("scenarios/baseline.toml")
    model = sim.LabourMarket(scenario, rng=42)
    model.run_for(24)
    df = model.places_frame()

    res = sim.sweep("scenarios/sweeps/small-grid.toml", out="results/grid")  # many runs, on Dask
    res.national.groupby("search.applications_per_searcher").unemployment_rate.mean()

    cmp = sim.compare("scenarios/baseline.toml", ["grants.toml"], replications=10,
                      out="results/grants")   # policies against the baseline, with intervals
    cmp.account.query("period == 'whole'")    # the additionality account

Importing ``sim`` has no side effects and is quick: the public names below are
loaded on first use (and the library's modules with them). The kernels' threading
layer is chosen when the first model is built (:func:`sim.configure_threads`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "AgentCount",
    "Geography",
    "GeographyError",
    "LabourMarket",
    "OutputError",
    "Region",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SmallPlaceWarning",
    "CompareResults",
    "StockFlowError",
    "SweepError",
    "SweepResults",
    "__version__",
    "compare",
    "configure_threads",
    "load_geography",
    "load_scenario",
    "parse_scenario",
    "load_sweep",
    "plots",
    "read_sweep",
    "replication_seeds",
    "run",
    "sensitivity",
    "sweep",
    "validate_for_geography",
]

#: Where each public name lives.
_HOMES = {
    "AgentCount": "sim.config.checks",
    "CompareResults": "sim.comparison.api",
    "compare": "sim.comparison.api",
    "Geography": "sim.world.geography",
    "GeographyError": "sim.world.geography",
    "LabourMarket": "sim.core.model",
    "OutputError": "sim.runs.output",
    "Region": "sim.agents.regions",
    "RunResult": "sim.runs.api",
    "Scenario": "sim.config.scenario",
    "ScenarioError": "sim.config.scenario",
    "SmallPlaceWarning": "sim.config.checks",
    "StockFlowError": "sim.core.model",
    "SweepError": "sim.sweeps.spec",
    "SweepResults": "sim.sweeps.store",
    "configure_threads": "sim.kernels",
    "load_geography": "sim.world.geographies",
    "load_scenario": "sim.config.scenario",
    "parse_scenario": "sim.config.scenario",
    "load_sweep": "sim.sweeps.spec",
    "read_sweep": "sim.sweeps.api",
    "replication_seeds": "sim.runs.replications",
    "run": "sim.runs.api",
    "sensitivity": "sim.sweeps.sensitivity",
    "sweep": "sim.sweeps.api",
    "validate_for_geography": "sim.config.checks",
}
#: Subpackages reachable as attributes once the library is loaded (``sim.viz.plots``).
_SUBPACKAGES = (
    "agents", "config", "core", "kernels", "mechanisms", "runs", "sweeps", "viz", "world",
)

if TYPE_CHECKING:  # pragma: no cover
    from sim.agents.regions import Region
    from sim.comparison.api import CompareResults, compare
    from sim.config.checks import AgentCount, SmallPlaceWarning, validate_for_geography
    from sim.config.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
    from sim.core.model import LabourMarket, StockFlowError
    from sim.kernels import configure_threads
    from sim.runs.api import RunResult, run
    from sim.runs.output import OutputError
    from sim.runs.replications import replication_seeds
    from sim.sweeps.api import read_sweep, sweep
    from sim.sweeps.sensitivity import sensitivity
    from sim.sweeps.spec import SweepError, load_sweep
    from sim.sweeps.store import SweepResults
    from sim.viz import plots
    from sim.world.geographies import load_geography
    from sim.world.geography import Geography, GeographyError

    __version__: str


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("placejobs")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0.0.0+unknown"


def _load() -> None:
    """Import the library's public names into this module (once)."""
    for name, home in _HOMES.items():
        globals()[name] = getattr(importlib.import_module(home), name)
    globals()["plots"] = importlib.import_module("sim.viz.plots")


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _version()
        globals()[name] = value
        return value
    if name in _HOMES or name == "plots" or name in _SUBPACKAGES:
        _load()
        if name in _SUBPACKAGES:
            return importlib.import_module(f"sim.{name}")
        return globals()[name]
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBPACKAGES})

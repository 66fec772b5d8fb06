"""placejobs: a spatial agent-based model of labour markets for place-based policy.

The package is imported as ``sim``::

    import sim

    scenario = sim.load_scenario("scenarios/baseline.toml")
    model = sim.LabourMarket(scenario, rng=42)
    model.run_for(24)
    df = model.places_frame()
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("placejobs")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

from sim.agents.regions import Region  # noqa: E402
from sim.config.scenario import Scenario, ScenarioError, load_scenario, parse_scenario  # noqa: E402
from sim.core.model import LabourMarket, StockFlowError  # noqa: E402
from sim.viz import plots  # noqa: E402
from sim.world.geographies import load_geography  # noqa: E402
from sim.world.geography import Geography, GeographyError  # noqa: E402

__all__ = [
    "Geography",
    "GeographyError",
    "LabourMarket",
    "Region",
    "Scenario",
    "ScenarioError",
    "StockFlowError",
    "__version__",
    "load_geography",
    "load_scenario",
    "parse_scenario",
    "plots",
]

"""The dashboard app for ``solara run sim.dashboard.app`` (``placejobs dashboard`` runs it).

The scenario is the file named by the environment variable
:data:`~sim.dashboard.serve.SCENARIO_ENV` (``placejobs dashboard SCENARIO`` sets it),
else the built-in UK baseline. Building the page builds the first model and runs its
burn-in, once per server.
"""

from __future__ import annotations

import os

from sim.config.scenario import Scenario, load_scenario
from sim.dashboard.page import build_page
from sim.dashboard.serve import SCENARIO_ENV

_path = os.environ.get(SCENARIO_ENV)
page = build_page(load_scenario(_path) if _path else Scenario())

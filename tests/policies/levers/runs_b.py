"""Small runs with and without a policy, for the lever tests of transport, place
institutions and early years (common random numbers: same scenario and seed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import sim
from sim.config.scenario import Scenario, parse_scenario
from sim.core.model import LabourMarket
from tests.policies.levers.common import SEED, SMALL  # one scenario and seed for every lever


def scenario(months: int = 12, burn_in: int = 12, scale: float = 0.0005,
             **changes: Any) -> Scenario:
    """The small ITL1 scenario, short."""
    s = sim.load_scenario(SMALL).with_overrides(months=months, burn_in_months=burn_in,
                                                scale=scale)
    return s.with_changes(changes) if changes else s


def with_policy(base: Scenario, *policies: dict[str, Any]) -> Scenario:
    """``base`` with these ``[[policy]]`` tables."""
    d = base.to_dict()
    d["policy"] = list(policies)
    return parse_scenario(d)


@dataclass
class Run:
    """A finished run and what a probe recorded after each recorded month."""

    model: LabourMarket
    places: pd.DataFrame
    probes: list[Any] = field(default_factory=list)

    def probe(self) -> np.ndarray:
        """The probes as one array (month, ...)."""
        return np.asarray(self.probes)

    def place(self, code: str) -> pd.DataFrame:
        """The places frame of one place, indexed by month."""
        return self.places[self.places["place"] == code].set_index("month")


def run(s: Scenario, probe: Callable[[LabourMarket], Any] | None = None,
        setup: Callable[[LabourMarket], None] | None = None) -> Run:
    """Run ``s`` (seed :data:`SEED`), calling ``setup(model)`` once the model is built
    (after the burn-in) and ``probe(model)`` after each recorded month."""
    m = LabourMarket(s, rng=SEED)
    if setup is not None:
        setup(m)
    probes = []
    for _ in range(s.run.months):
        m.step()
        if probe is not None:
            probes.append(probe(m))
    return Run(m, m.places_frame(), probes)


def frames_equal_before(a: pd.DataFrame, b: pd.DataFrame, month: int) -> bool:
    """Whether two places frames are identical in every column but ``policy_spend``
    in the months before ``month``."""
    cols = [c for c in a.columns if c != "policy_spend"]
    x = a[a["month"] < month][cols].reset_index(drop=True)
    y = b[b["month"] < month][cols].reset_index(drop=True)
    return len(x) > 0 and x.equals(y)


def frames_differ_from(a: pd.DataFrame, b: pd.DataFrame, month: int) -> bool:
    """Whether some column other than ``policy_spend`` differs in ``month``."""
    cols = [c for c in a.columns if c != "policy_spend"]
    x = a[a["month"] == month][cols].reset_index(drop=True)
    y = b[b["month"] == month][cols].reset_index(drop=True)
    return not x.equals(y)


def spend_by_month_place(places: pd.DataFrame) -> pd.DataFrame:
    """policy_spend as a (month x place) table."""
    return places.pivot(index="month", columns="place", values="policy_spend")

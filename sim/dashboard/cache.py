"""The burn-in cache: a model at the end of its burn-in, built once, copied on every reset.

The burn-in (``run.burn_in_months``, 120 months by default) is the same with and
without policies (the policy stage acts only in recorded months, and levers are built
last, attaching their columns to the tables the others built: :mod:`sim.policies.engine`),
so it depends only on the rest of the scenario and the seed: the scale, the geography,
the behavioural parameters. :class:`BurnInCache` keeps the built model under that key
(:func:`burn_in_key`) and hands out deep copies of it (:func:`copy.deepcopy`: the agent
tables, the Mesa agents and data collector, the NumPy generator's state; the kernels'
random numbers are counter-based, keyed by seed, month and stage, so they carry no state
of their own). :func:`install_policies` then gives one copy the levers of a policy
scenario: the result is bit-identical to a model built from the policy scenario and run
through its own burn-in (``tests/dashboard/test_cache.py`` checks it lever by lever).

A cache hit costs a deep copy (milliseconds at small scales, well under a second at the
default scale of about 400,000 workers); a miss costs a burn-in.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from sim.config.checks import validate_for_geography
from sim.config.scenario import parse_scenario
from sim.core.mesa_scenario import MesaScenario
from sim.core.model import LabourMarket
from sim.policies.engine import Policies
from sim.world.geographies import geography_from_options

if TYPE_CHECKING:
    from sim.config.scenario import Scenario

__all__ = ["BurnInCache", "burn_in_key", "install_policies", "without_levers"]

#: Keys of ``[run]`` the burn-in does not depend on (labels and the recorded horizon).
_NOT_BURN_IN = ("name", "description", "months")


def burn_in_key(scenario: Scenario, seed: int) -> str:
    """What the state after burn-in depends on: the scenario without its levers, its
    labels and its recorded horizon, and the seed (a canonical JSON text)."""
    data = scenario.to_dict()
    data.pop("policy", None)
    for key in _NOT_BURN_IN:
        data["run"].pop(key, None)
    data["run"]["seed"] = int(seed)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def install_policies(model: LabourMarket, scenario: Scenario) -> LabourMarket:
    """Give ``model``, at the end of its burn-in, the levers of ``scenario``.

    Args:
        model: a model that has recorded no month yet (built from a scenario with the
            same :func:`burn_in_key`; its levers, if any, are replaced).
        scenario: the policy scenario.

    Returns:
        ``model``, changed in place: it now runs ``scenario``.

    Raises:
        ValueError: the model has recorded months, or ``scenario`` differs from the
            model's in something the burn-in depends on.
    """
    if model.month != 0:
        raise ValueError(f"levers can be installed only before the first recorded month "
                         f"(the model has recorded {model.month})")
    if burn_in_key(scenario, model.seed) != burn_in_key(model.config, model.seed):
        raise ValueError("the policy scenario differs from the model's in more than its "
                         "levers and horizon: its burn-in would differ")
    model.state.scenario = scenario
    model.scenario = MesaScenario.from_config(scenario, rng=model.seed)
    model.mechanisms["policy"] = Policies(model.state)
    return model


class BurnInCache:
    """Models at the end of their burn-in, by :func:`burn_in_key`, least recently used
    first out.

    Args:
        size: models kept (each holds its agent tables: about 100 MB at the default scale).

    Attributes:
        hits, misses: requests served from the cache, and burn-ins run.
    """

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._models: OrderedDict[str, LabourMarket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._models)

    def burned_in(self, scenario: Scenario, seed: int) -> LabourMarket:
        """A fresh copy of the model of ``scenario`` (its levers left out) with ``seed``
        at the end of its burn-in, built on a miss."""
        key = burn_in_key(scenario, seed)
        with self._lock:
            model = self._models.get(key)
            if model is None:
                self.misses += 1
                model = _build(without_levers(scenario), seed)
                self._models[key] = model
                while len(self._models) > self.size:
                    self._models.popitem(last=False)
            else:
                self.hits += 1
            self._models.move_to_end(key)
            return copy.deepcopy(model)

    def clear(self) -> None:
        """Forget every model."""
        with self._lock:
            self._models.clear()


def without_levers(scenario: Scenario) -> Scenario:
    """``scenario`` without its ``[[policy]]`` tables (itself when it has none)."""
    if not scenario.policy:
        return scenario
    data = scenario.to_dict()
    data["policy"] = []
    return parse_scenario(data, source=scenario.source or "<scenario>")


def _build(scenario: Scenario, seed: int) -> LabourMarket:
    """Build and burn in the model of ``scenario`` (no levers)."""
    geography = geography_from_options(scenario.run.geography,
                                       scenario.geography_options.model_dump())
    validate_for_geography(scenario, geography)
    return LabourMarket(scenario, rng=seed, geography=geography)

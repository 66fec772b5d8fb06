"""Mechanism: the interface every switchable part of the monthly schedule follows.

A mechanism (demography, training, firm dynamics, ...) lives in a module of
its own with its equations and units in the docstring, and a scenario section
(a :class:`~sim.config.section.Section` with at least ``enabled``) holding its
parameters. The model creates one instance of each and calls, in the order of
the schedule (see :mod:`sim.core.model`):

* ``step(model)`` once a month, only when ``enabled``;
* ``place_indicators(model)`` each month (also when disabled), after the
  worker tally, for the indicators it provides: arrays indexed by place, keyed
  by indicator name. Each such indicator is an entry of the indicator registry
  (:mod:`sim.core.indicators`) whose ``provider`` is the mechanism's ``SECTION``;
  the entry gives its unit, description and how its national value is formed
  (the registry's aggregation computes it, there is no per-mechanism hook).
  An indicator the mechanism does not return this month is recorded as zeros.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from sim.core.model import LabourMarket

__all__ = ["Mechanism"]


class Mechanism:
    """Base class. Subclasses set ``SECTION`` (the scenario attribute with their parameters)."""

    SECTION: ClassVar[str] = ""

    def __init__(self, model: LabourMarket) -> None:
        self.params: Any = getattr(model.scenario, self.SECTION)
        self.enabled: bool = bool(self.params.enabled)

    def step(self, model: LabourMarket) -> None:
        """One month of the mechanism (called only when enabled)."""

    def place_indicators(self, model: LabourMarket) -> dict[str, np.ndarray]:
        """This month's indicators by place (registry entries with this ``provider``)."""
        return {}

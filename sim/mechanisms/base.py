"""Mechanism: the interface every switchable part of the monthly schedule follows.

A mechanism (demography, training, firm dynamics, ...) lives in a module of
its own with its equations and units in the docstring, and a scenario section
(a :class:`~sim.config.section.Section` with at least ``enabled``) holding its
parameters. The model creates one instance of each and calls, in the order of
the schedule (see :mod:`sim.core.model`):

* ``step(model)`` once a month, only when ``enabled``;
* ``place_indicators(model)``, after aggregation, for the columns it adds to
  the places table (arrays indexed by place); the national value of each is
  computed by ``national_indicators(model)`` (default: population-weighted
  mean for rates, sum for counts, as declared in ``SUMS``).
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
    #: Place indicators that add up across places (the others are averaged).
    SUMS: ClassVar[tuple[str, ...]] = ()
    #: Place indicators this mechanism provides (also when disabled: then zeros or NaN).
    INDICATORS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, model: LabourMarket) -> None:
        self.params: Any = getattr(model.scenario, self.SECTION)
        self.enabled: bool = bool(self.params.enabled)

    def step(self, model: LabourMarket) -> None:
        """One month of the mechanism (called only when enabled)."""

    def place_indicators(self, model: LabourMarket) -> dict[str, np.ndarray]:
        """This month's indicators by place."""
        return {}

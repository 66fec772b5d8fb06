"""Firm dynamics and location (to be completed: issue 3)."""

from __future__ import annotations

from sim.config import Section
from sim.mechanism import Mechanism

__all__ = ["FirmDynamicsParams", "FirmDynamics"]


class FirmDynamicsParams(Section):
    """Parameters of ``[firm_dynamics]``."""

    enabled: bool = False  # switched on when the mechanism is complete


class FirmDynamics(Mechanism):
    """Productivity, target size, exit and entry of firms."""

    SECTION = "firm_dynamics"

"""Green economy (to be completed: issue 3)."""

from __future__ import annotations

from sim.config import Section
from sim.mechanism import Mechanism

__all__ = ["GreenParams", "Green"]


class GreenParams(Section):
    """Parameters of ``[green]``."""

    enabled: bool = False  # switched on when the mechanism is complete


class Green(Mechanism):
    """Green-infrastructure demand and its lasting amenity."""

    SECTION = "green"

"""Migration and housing (to be completed: issue 3)."""

from __future__ import annotations

from sim.config import Section
from sim.mechanism import Mechanism

__all__ = ["MigrationParams", "Migration"]


class MigrationParams(Section):
    """Parameters of ``[migration]``."""

    enabled: bool = False  # switched on when the mechanism is complete


class Migration(Mechanism):
    """Moves of home between places and housing costs."""

    SECTION = "migration"

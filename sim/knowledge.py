"""Knowledge stocks of places (to be completed: issue 3)."""

from __future__ import annotations

from sim.config import Section
from sim.mechanism import Mechanism

__all__ = ["KnowledgeParams", "Knowledge"]


class KnowledgeParams(Section):
    """Parameters of ``[knowledge]``."""

    enabled: bool = False  # switched on when the mechanism is complete


class Knowledge(Mechanism):
    """R&D stocks by place and their spillovers."""

    SECTION = "knowledge"

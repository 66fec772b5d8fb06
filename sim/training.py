"""Skills and training (to be completed: issue 3)."""

from __future__ import annotations

from pydantic import Field

from sim.config import Section
from sim.mechanism import Mechanism

__all__ = ["TrainingParams", "Training"]


class TrainingParams(Section):
    """Parameters of ``[training]``."""

    enabled: bool = False  # switched on when the mechanism is complete
    employer_link_bonus: float = Field(
        0.5, ge=0.0, le=100.0,
        description="score a firm adds for an applicant trained with local employers",
    )


class Training(Mechanism):
    """Entry into training, completion and skill upgrade."""

    SECTION = "training"

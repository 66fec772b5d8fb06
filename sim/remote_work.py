"""Remote work and participation (to be completed: issue 3).

Kernel hooks already in place: constrained workers (caring or disability
constraint) search only remote vacancies (when remote-capable) or vacancies in
their own place; constrained inactive people search with probability
``constrained_search_share`` a month; a remote job's value added is raised by
``remote_productivity`` of the worker's occupation.
"""

from __future__ import annotations

from pydantic import Field

from sim.config import PerSkill, Section, list_to_tuple  # noqa: F401
from sim.mechanism import Mechanism

__all__ = ["RemoteWorkParams", "RemoteWork"]


class RemoteWorkParams(Section):
    """Parameters of ``[remote_work]``."""

    enabled: bool = False  # switched on when the mechanism is complete
    constrained_search_share: float = Field(
        0.1, ge=0.0, le=1.0, description="constrained inactive who search, a month"
    )
    remote_productivity: float = Field(
        0.0, ge=-0.5, le=0.5, description="proportional productivity effect of a remote job"
    )


class RemoteWork(Mechanism):
    """Remote and hybrid jobs, and the participation of constrained people."""

    SECTION = "remote_work"

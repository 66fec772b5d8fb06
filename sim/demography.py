"""Demography and cohorts (to be completed: issue 3).

Ageing and retirement run inside the flows kernel (:mod:`sim.kernels.flows`):
a worker reaching ``retirement_age_years`` leaves the working-age population
(their row becomes *absent* and is reused by an entrant).
"""

from __future__ import annotations

from pydantic import Field

from sim.config import Section
from sim.mechanism import Mechanism

__all__ = ["DemographyParams", "Demography"]


class DemographyParams(Section):
    """Parameters of ``[demography]``."""

    enabled: bool = False  # switched on when the mechanism is complete
    retirement_age_years: int = Field(65, ge=17, le=100, description="years")


class Demography(Mechanism):
    """Retirement and entry of cohorts."""

    SECTION = "demography"

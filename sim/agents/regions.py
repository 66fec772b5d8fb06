"""Region: a place of the geography as a Mesa agent.

Regions are few (12 at ITL1), so they are real :class:`mesa.Agent` objects: a
student can list them, read their indicators, and a Mesa DataCollector records
them. Workers and firms, by contrast, live in array tables
(:mod:`sim.agents.workers`, :mod:`sim.agents.firms`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.core.model import LabourMarket

__all__ = ["Region", "PLACE_INDICATORS"]

#: Indicators every region records each month (also the national ones).
PLACE_INDICATORS = (
    "population",
    "employed",
    "unemployed",
    "inactive",
    "employment_rate",
    "unemployment_rate",
    "vacancies",
    "vacancy_rate",
    "hires",
    "separations",
    "job_finding_rate",
    "job_to_job_rate",
    "median_wage",
    "mean_wage",
    "good_jobs_share",
    "mean_commute_minutes",
    "remote_share",
    "firms",
    "agents",
    "gva_per_worker",
    "skill_share_basic",
    "skill_share_intermediate",
    "skill_share_advanced",
    "in_training",
    "participation_rate",
    "constrained_participation_rate",
    "own_place_work_share",
    "mean_commute_km",
    "net_migration",
    "net_migration_advanced",
    "knowledge_stock",
    "housing_cost",
    "amenity",
    "firm_entries",
    "firm_exits",
    "retirements",
    "entrants",
    "remote_capable_share",
)


class Region(mesa.Agent):
    """One place: its data attributes and this month's labour-market indicators.

    Attributes:
        index: row of the place in the geography (and in the travel-time matrix).
        code: place code (ITL1 code such as ``"TLC"`` for the UK).
        name: display name.
        broadband_share: premises with superfast broadband (share).
        gva_per_hour_gbp: GVA per hour worked, GBP (data, start of the run).
        population ... agents: the indicators of :data:`PLACE_INDICATORS`, counts in
            people (agents divided by the scale), rates as shares, wages in GBP a week,
            commutes in one-way minutes.
    """

    def __init__(self, model: LabourMarket, index: int, code: str, name: str, **data: float):
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name
        self.broadband_share = float(data.get("broadband_share", math.nan))
        self.gva_per_hour_gbp = float(data.get("gva_per_hour_gbp", math.nan))
        for indicator in PLACE_INDICATORS:
            setattr(self, indicator, math.nan)

    def indicators(self) -> dict[str, float]:
        """This month's indicators as a dictionary."""
        return {k: getattr(self, k) for k in PLACE_INDICATORS}

    def __repr__(self) -> str:
        return (
            f"Region({self.code} {self.name}: unemployment {self.unemployment_rate:.1%}, "
            f"median wage {self.median_wage:.0f} GBP/week)"
        )

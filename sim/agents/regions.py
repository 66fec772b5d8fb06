"""Region: a place of the geography as a Mesa agent.

Regions are few (12 at ITL1), so they are real :class:`mesa.Agent` objects: a
student can list them, read their indicators, and a Mesa DataCollector records
them. Workers and firms, by contrast, live in array tables
(:mod:`sim.agents.workers`, :mod:`sim.agents.firms`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    import numpy as np

    from sim.core.model import LabourMarket

__all__ = ["Region"]


class Region(mesa.Agent):
    """One place: its data attributes and this month's labour-market indicators.

    Attributes:
        index: row of the place in the geography (and in the travel-time matrix).
        code: place code (ITL1 code such as ``"TLC"`` for the UK).
        name: display name.
        broadband_share: premises with superfast broadband (share).
        gva_per_hour_gbp: GVA per hour worked, GBP (data, start of the run).
        population ... remote_capable_share: this month's value of each indicator the
            model records (``indicators``: the place indicators of the registry,
            :data:`sim.core.indicators.PLACE_INDICATORS`, where their units and
            meanings are; NaN before the first aggregation).

    Args:
        model: the model.
        index, code, name: the place.
        indicators: names of the place indicators the region holds.
        **data: place data (``broadband_share``, ``gva_per_hour_gbp``).
    """

    def __init__(
        self, model: LabourMarket, index: int, code: str, name: str, *,
        indicators: Sequence[str], **data: float,
    ):
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name
        self.broadband_share = float(data.get("broadband_share", math.nan))
        self.gva_per_hour_gbp = float(data.get("gva_per_hour_gbp", math.nan))
        self._indicators = tuple(indicators)
        for indicator in self._indicators:
            setattr(self, indicator, math.nan)

    def indicators(self) -> dict[str, float]:
        """This month's indicators as a dictionary."""
        return {k: getattr(self, k) for k in self._indicators}

    def set_indicators(self, per_place: Mapping[str, np.ndarray]) -> None:
        """Take this month's values from arrays by place (rows in geography order).

        Raises:
            ValueError: if an indicator the region holds is missing.
        """
        missing = [k for k in self._indicators if k not in per_place]
        if missing:
            raise ValueError(f"region {self.code}: no values for {missing}")
        p = self.index
        for key in self._indicators:
            setattr(self, key, float(per_place[key][p]))

    def __repr__(self) -> str:
        u = getattr(self, "unemployment_rate", math.nan)
        wage = getattr(self, "median_wage", math.nan)
        u_text = "-" if math.isnan(u) else f"{u:.1%}"
        wage_text = "-" if math.isnan(wage) else f"{wage:.0f}"
        return (
            f"Region({self.code} {self.name}: unemployment {u_text}, "
            f"median wage {wage_text} GBP a week)"
        )

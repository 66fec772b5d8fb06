"""PlaceState: the slowly moving attributes of every place, as arrays.

Mechanisms read and change these each month (housing costs, knowledge
stocks, amenity ...); the Region agents show them. Arrays are indexed like
the geography's places (``geography.places.index``).

Initial values and units:

==========================  ==========  =========================================
attribute                   unit        start
==========================  ==========  =========================================
amenity                     GBP a week  0 (a place's non-wage attraction)
institutions                index       0 (quality of local institutions)
broadband_share             share       superfast coverage (data)
housing_stock               people      working-age population at start
base_housing_cost           GBP a week  ``economy.housing_cost_share_of_pay`` (0.3)
                                        x median weekly pay (ESTIMATE)
housing_cost                GBP a week  base_housing_cost
rd_business_gbp_m           GBP m/yr    BERD (data)
rd_public_gbp_m             GBP m/yr    public R&D (data)
knowledge_stock             GBP m       set by the knowledge mechanism
school_quality              index       1.0
early_years_quality         index       1.0
green_stock                 index       0
pay_residual                log         0 (residents' earning power outside
                                        the model's inputs; settled in the
                                        burn-in with ``wages.settle_pay``)
==========================  ==========  =========================================
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.world.distance import haversine_km
from sim.world.geography import Geography, internal_commute_km

__all__ = ["PlaceState"]


@dataclass
class PlaceState:
    """Per-place arrays (see the module docstring for units)."""

    amenity: np.ndarray
    institutions: np.ndarray
    broadband_share: np.ndarray
    housing_stock: np.ndarray
    base_housing_cost: np.ndarray
    housing_cost: np.ndarray
    rd_business_gbp_m: np.ndarray
    rd_public_gbp_m: np.ndarray
    knowledge_stock: np.ndarray
    school_quality: np.ndarray
    early_years_quality: np.ndarray
    green_stock: np.ndarray
    pay_residual: np.ndarray

    @classmethod
    def from_geography(cls, geography: Geography, *, housing_cost_share: float) -> PlaceState:
        """Start values from the place data.

        Args:
            geography: the places and their data.
            housing_cost_share: starting housing cost as a share of median weekly pay
                (the scenario's ``economy.housing_cost_share_of_pay``).
        """
        p = geography.places
        n = len(p)
        pay = p["median_weekly_pay_gbp"].to_numpy(dtype=float)
        rent_share = float(housing_cost_share)
        return cls(
            amenity=np.zeros(n),
            institutions=np.zeros(n),
            broadband_share=p["broadband_share"].to_numpy(dtype=float).copy(),
            housing_stock=p["working_age"].to_numpy(dtype=float).copy(),
            base_housing_cost=rent_share * pay,
            housing_cost=rent_share * pay,
            rd_business_gbp_m=p["rd_business_gbp_m"].fillna(0.0).to_numpy(dtype=float).copy(),
            rd_public_gbp_m=p["rd_public_gbp_m"].fillna(0.0).to_numpy(dtype=float).copy(),
            knowledge_stock=np.zeros(n),
            school_quality=np.ones(n),
            early_years_quality=np.ones(n),
            green_stock=np.zeros(n),
            pay_residual=np.zeros(n),
        )

    def earning_power(self, home: np.ndarray) -> np.ndarray | float:
        """``exp(pay_residual)`` for residents of the places ``home``: the factor on
        their human capital (1.0 while the residual is zero everywhere)."""
        if not self.pay_residual.any():
            return 1.0
        return np.exp(self.pay_residual[home])

    def names(self) -> list[str]:
        """Attribute names."""
        return [f.name for f in fields(self)]


def straight_line_km(geography: Geography) -> np.ndarray:
    """Straight-line distance between places, km (P x P).

    Between places: great-circle distance between centroids for the UK
    geographies (coordinates in degrees), Euclidean distance for synthetic ones
    (their coordinates are taken as km). Inside a place: the internal commute that
    behaviour uses (:func:`sim.world.geography.internal_commute_km`), half the radius
    of the place's local labour market, ``0.5 sqrt(min(area, 1500) / pi)``; the travel
    minutes inside a place are this distance at the place's commute speed.
    """
    p = geography.places
    lat = p["lat"].to_numpy(dtype=float)
    lon = p["lon"].to_numpy(dtype=float)
    if geography.name.startswith("uk"):
        d = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    else:
        d = np.hypot(lat[:, None] - lat[None, :], lon[:, None] - lon[None, :])
    np.fill_diagonal(d, internal_commute_km(p["area_km2"].to_numpy(dtype=float)))
    return d

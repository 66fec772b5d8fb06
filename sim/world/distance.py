"""Great-circle distance between points on the Earth, the one formula the package uses.

The haversine formula on a sphere of the mean Earth radius (IUGG, 6371.0088 km):

.. math::

    d = 2 R \\arcsin \\sqrt{\\sin^2 \\frac{\\Delta\\varphi}{2}
        + \\cos\\varphi_1 \\cos\\varphi_2 \\sin^2 \\frac{\\Delta\\lambda}{2}}

with latitudes :math:`\\varphi` and longitudes :math:`\\lambda` in radians. The
district geography's road and sea links (:mod:`sim.world.geography_lad`) and the
straight-line commuting distances (:func:`sim.world.places.straight_line_km`)
both use it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "haversine_km"]

#: Mean Earth radius, km (IUGG).
EARTH_RADIUS_KM: float = 6371.0088


def haversine_km(
    lon1: np.ndarray | float,
    lat1: np.ndarray | float,
    lon2: np.ndarray | float,
    lat2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance (km) between points given in degrees (broadcasting)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))

r"""Travel times between places and everything the model derives from them.

One object owns the one-way commuting times :math:`T_{od}` (minutes, ``P x P``)
and the arrays derived from them, so that a transport policy that shortens a
journey changes them in one place (:meth:`TravelTimes.set_minutes`) and nothing
is left stale:

==================  ============  =====================================================
attribute           unit          meaning
==================  ============  =====================================================
``minutes``         minutes       one-way travel time from ``o`` (row) to ``d``
``search_decay``    1             :math:`e^{-\beta T_{od}}`, the weight of a destination
                                  in job search (``search.distance_decay_per_minute``)
``hybrid_decay``    1             :math:`e^{-\beta h T_{od}}` for remote (hybrid) jobs,
                                  ``h`` the share of days a hybrid worker commutes
``search_layers``   1             (L, P, P) the search decay by skill,
                                  :math:`e^{-\beta f_s T_{od}}` with ``f_s``
                                  ``search.distance_decay_skill_factor``; one layer
                                  (L = 1, the ``search_decay``) when every ``f_s`` is 1
``hybrid_layers``   1             (L, P, P) the same for hybrid jobs
``km``              km            straight-line distance (geometry: it does not change
                                  when travel times do)
``version``         count         how many times the minutes were set (1 at start)
==================  ============  =====================================================

Mechanisms that keep arrays of their own derived from travel times (migration's
moving costs, for example) register a callback with :meth:`TravelTimes.on_change`;
it runs after every :meth:`set_minutes`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["TravelTimes"]


class TravelTimes:
    """Travel times (minutes) and the decay weights derived from them.

    Args:
        minutes: (P, P) one-way travel times, minutes, finite and >= 0.
        km: (P, P) straight-line distances, km.
        search_decay_per_minute: ``beta`` of the search decay, per minute.
        hybrid_commute_factor: ``h``, share of days a hybrid worker commutes.
        skill_factor: ``f_s``, the multiplier of ``beta`` for each skill level (basic,
            intermediate, advanced); ``None`` or all ones: one decay for everyone.
    """

    def __init__(
        self,
        minutes: np.ndarray,
        km: np.ndarray,
        *,
        search_decay_per_minute: float,
        hybrid_commute_factor: float,
        skill_factor: tuple[float, float, float] | None = None,
    ) -> None:
        self.km = np.ascontiguousarray(km, dtype=np.float64)
        self.search_decay_per_minute = float(search_decay_per_minute)
        self.hybrid_commute_factor = float(hybrid_commute_factor)
        factor = np.ones(3) if skill_factor is None else np.asarray(skill_factor, dtype=float)
        if factor.shape != (3,) or not np.all(np.isfinite(factor)) or np.any(factor <= 0):
            raise ValueError(
                f"skill_factor must be three positive numbers, got {skill_factor!r}"
            )
        self.skill_factor = factor
        self.version = 0
        self._listeners: list[Callable[[TravelTimes], None]] = []
        self.minutes = np.zeros((0, 0))
        self.search_decay = np.zeros((0, 0))
        self.hybrid_decay = np.zeros((0, 0))
        self.search_layers = np.zeros((1, 0, 0))
        self.hybrid_layers = np.zeros((1, 0, 0))
        self.set_minutes(minutes)

    @property
    def by_skill(self) -> bool:
        """Whether the search decay differs by skill (``search_layers`` has 3 layers)."""
        return bool(np.any(self.skill_factor != 1.0))

    @property
    def n_places(self) -> int:
        """Number of places."""
        return int(self.minutes.shape[0])

    def set_minutes(self, minutes: np.ndarray) -> None:
        """Replace the travel times and rebuild everything derived from them.

        Raises:
            ValueError: the matrix is not square of the right size, or holds a negative
                or non-finite time.
        """
        m = np.ascontiguousarray(minutes, dtype=np.float64)
        n = self.km.shape[0]
        if m.shape != (n, n):
            raise ValueError(f"travel minutes must be a {n} x {n} matrix, got shape {m.shape}")
        if not np.all(np.isfinite(m)) or np.any(m < 0):
            raise ValueError("travel minutes must be finite and >= 0")
        beta = self.search_decay_per_minute
        self.minutes = m
        self.search_decay = np.exp(-beta * m)
        self.hybrid_decay = np.exp(-beta * self.hybrid_commute_factor * m)
        if self.by_skill:
            f = self.skill_factor[:, None, None]
            self.search_layers = np.exp(-beta * f * m[None, :, :])
            self.hybrid_layers = np.exp(-beta * self.hybrid_commute_factor * f * m[None, :, :])
        else:
            self.search_layers = self.search_decay[None, :, :]
            self.hybrid_layers = self.hybrid_decay[None, :, :]
        self.version += 1
        for callback in self._listeners:
            callback(self)

    def on_change(self, callback: Callable[[TravelTimes], None]) -> None:
        """Call ``callback(travel)`` after every later :meth:`set_minutes`."""
        self._listeners.append(callback)

r"""Transport: a new or faster link between two places (capital cost, opened once built).

A road or rail scheme that cuts the journey between two places (Northern Powerhouse
Rail between Manchester and Leeds, the TransPennine Route Upgrade, a bypass): its
construction is paid over the lever's spending months and the link opens when it is
built. From then on every travel time in the model is rebuilt from the transport
network, so commuting, job search, migration, knowledge spillovers and firms' market
access (everything read from ``state.travel``) see the shorter journeys at once.

**Parameters** (beside the common ones of :class:`~sim.policies.levers.base.LeverParams`)

==================  =========  ==============================================================
key                 unit       meaning
==================  =========  ==============================================================
``from_place``      place      one end: a place code or name of the geography (resolved as a
                               target, and it must name exactly one place)
``to_place``        place      the other end (another single place)
``minutes_saved``   minutes    minutes off the door-to-door journey between the two ends
==================  =========  ==============================================================

``target`` is the two end places. It may be left out, and then it is
``[from_place, to_place]``; when it is given it must name those two ends (so a scenario
written out by :meth:`~sim.config.scenario.Scenario.to_dict` reads back the same).

**Effect.** The link's minutes are the current shortest-path minutes ``d_{ft}`` of the
pair over the network (the geography's graph plus any link already opened in the run)
less the minutes saved, at least one minute,

.. math:: \ell = \max(d_{ft} - \Delta, 1)

added as an edge between the two places (replacing the edge if there is one). The whole
travel-time matrix is then rebuilt from the new network with
:func:`sim.world.geography.travel_time_matrix`, so a place whose shortest path runs
through the corridor gains too, and set once with
:meth:`sim.world.travel.TravelTimes.set_minutes`. The door-to-door minutes between the
ends become :math:`T_{ft} - \min(\Delta, d_{ft} - 1)`. The geography's graph is shared
and cached (it is never changed): the lever edits a copy.

**When it opens.** In the first recorded month after construction,
``start_month + months``, before the other mechanisms of that month (the policy stage
runs first), and it stays open for the rest of the run. A month earlier, nothing of the
model differs from the baseline (the spend is only recorded).

**Cost.** The budget is the capital cost, spent flat over the construction months (each
month's whole allowance), shared between the two end places in proportion to their
working-age population. Operating costs and fares are not modelled.

**Supported units:** every firm of the two end places (:attr:`Lever.place_wide`).

Sources for the library's figures: Northern Powerhouse Rail (Integrated Rail Plan 2021:
GBP 17.2 bn for the Manchester-Leeds core), TransPennine Route Upgrade (GBP 9-11.5 bn,
Leeds-Manchester about 60 minutes cut to about 40 by rail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
from pydantic import Field, model_validator

from sim.config.section import rule_error
from sim.policies.levers.base import Lever, LeverParams
from sim.policies.targets import resolve_target
from sim.world.geography import travel_time_matrix

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState
    from sim.world.geography import Geography

__all__ = ["Transport", "TransportParams"]

#: Shortest link a scheme can leave, minutes.
MIN_LINK_MINUTES = 1.0


class TransportParams(LeverParams):
    """``lever = "transport"``: a faster link between two places."""

    lever: Literal["transport"]
    from_place: str = Field(min_length=1, max_length=200, description="one end (one place)")
    to_place: str = Field(min_length=1, max_length=200, description="the other end (one place)")
    minutes_saved: float = Field(
        gt=0.0, le=1000.0, description="minutes off the door-to-door journey, minutes"
    )

    @model_validator(mode="before")
    @classmethod
    def _ends_are_the_target(cls, data: Any) -> Any:
        if isinstance(data, dict) and "target" not in data:
            ends = [data.get("from_place"), data.get("to_place")]
            if all(isinstance(e, str) for e in ends):
                data = {**data, "target": ends}
        return data

    @model_validator(mode="after")
    def _check_ends(self) -> TransportParams:
        if self.from_place == self.to_place:
            raise rule_error("to_place", self.to_place, "must differ from from_place")
        target = (self.target,) if isinstance(self.target, str) else tuple(self.target)
        if sorted(target) != sorted((self.from_place, self.to_place)):
            raise rule_error(
                "target", list(target),
                f"a transport link's target is its two ends, [{self.from_place!r}, "
                f"{self.to_place!r}] (leave it out to have it set)",
            )
        return self

    @property
    def open_month(self) -> int:
        """The recorded month the link opens: the first after construction."""
        return self.start_month + self.months

    def contradicts(self, other: LeverParams, mine: np.ndarray, theirs: np.ndarray) -> bool:
        """Two links contradict each other only on the same pair of places with common
        building months; links that share one end (a corridor of several links) do not."""
        if other.lever != self.lever or not np.array_equal(mine, theirs):
            return False
        end, other_end = self.start_month + self.months, other.start_month + other.months
        return self.start_month < other_end and other.start_month < end

    def geography_problem(self, geography: Geography) -> tuple[str, object, str] | None:
        """Each end must name exactly one place, and two different places."""
        ends = []
        for key in ("from_place", "to_place"):
            value = getattr(self, key)
            mask = resolve_target(value, geography)
            if int(mask.sum()) != 1:
                return (key, value, f"names {int(mask.sum())} places; an end of a "
                        "transport link is one place (a code or a name)")
            ends.append(int(np.flatnonzero(mask)[0]))
        if ends[0] == ends[1]:
            return ("to_place", self.to_place, "is the same place as from_place")
        return None


class Transport(Lever):
    """A link between two places, paid over the spending months and opened after them
    (see the module docstring).

    Attributes:
        ends: the two place indices (from, to).
        link_minutes: the new link's minutes (None until it opens).
    """

    def __init__(self, params: TransportParams, state: MarketState, places: np.ndarray,
                 key: str) -> None:
        super().__init__(params, state, places, key)
        geo = state.geography
        self.ends = tuple(
            int(np.flatnonzero(resolve_target(e, geo))[0])
            for e in (params.from_place, params.to_place)
        )
        self.link_minutes: float | None = None

    @property
    def is_open(self) -> bool:
        """Whether the link has opened."""
        return self.link_minutes is not None

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        # Construction: the whole allowance (the capital cost on a flat profile).
        self.spend = allowance.copy()
        if self.is_open or month < self.params.open_month:
            return
        graph = network(state)
        u, v = (state.geography.codes[i] for i in self.ends)
        d = float(nx.shortest_path_length(graph, u, v, weight="minutes"))
        self.link_minutes = max(d - self.params.minutes_saved, MIN_LINK_MINUTES)
        rebuild_travel(state)


def network(state: MarketState) -> nx.Graph:
    """A copy of the geography's transport graph with every link opened so far in the run
    (in the order of the scenario's policies). The geography's own graph is not changed."""
    graph = state.geography.graph.copy()
    policies = state.mechanism("policy")
    for lever in getattr(policies, "levers", ()):
        if isinstance(lever, Transport) and lever.is_open:
            u, v = (state.geography.codes[i] for i in lever.ends)
            graph.add_edge(u, v, minutes=lever.link_minutes, mode="policy",
                           modes={"policy": lever.link_minutes})
    return graph


def rebuild_travel(state: MarketState) -> None:
    """Rebuild the travel-time matrix from :func:`network` and set it once."""
    geo = state.geography
    internal = geo.places["internal_commute_minutes"].to_numpy(dtype=np.float64)
    state.travel.set_minutes(travel_time_matrix(network(state), geo.codes, internal))

"""The mechanism contract: the shared state mechanisms see, and the base class they follow.

A mechanism (demography, training, firm dynamics, ...) lives in a module of its
own with its equations and units in the docstring, and a scenario section (a
:class:`~sim.config.section.Section` with at least ``enabled``) holding its
parameters. The model (:class:`~sim.core.model.LabourMarket`) builds one
:class:`MarketState` and one instance of each mechanism, and then, in the order
of its declared month (:data:`sim.core.model.MONTH`):

* calls ``step(state)`` once a month, only when the mechanism is enabled;
* hands the kernels the mechanism's own parameters where a kernel needs them
  (``kernel_params()``; neutral values when the mechanism is disabled, so the
  model never decides what "off" means for a mechanism);
* each month after the worker tally (also when disabled), asks
  ``place_indicators(state)`` for the indicators it provides: arrays indexed by
  place, keyed by indicator name. Each is an entry of the indicator registry
  (:mod:`sim.core.indicators`) whose ``provider`` is the mechanism's ``SECTION``;
  the entry gives its unit, description and how its national value is formed.
  An indicator the mechanism does not return this month is recorded as zeros.

Mechanisms read and change the shared state only through :class:`MarketState`:
the worker and firm tables, the place state, the travel times and everything
derived from them (:class:`~sim.world.travel.TravelTimes`; change them only with
``state.travel.set_minutes``), last month's accounts, the clock, people per
agent, random streams keyed by their stage, and scratch space. Per-firm and
per-worker arrays a mechanism owns are attached to their table
(:meth:`sim.agents.tables.AgentTable.attach`) and grow with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.agents.firms import Firms
from sim.agents.workers import Workers
from sim.kernels.aggregate import COUNT_COLUMNS
from sim.kernels.rng import STAGES, stream_key
from sim.world.geography import Geography
from sim.world.places import PlaceState
from sim.world.travel import TravelTimes

if TYPE_CHECKING:
    import mesa

    from sim.config.scenario import Scenario

__all__ = ["Accounts", "Clock", "FirmIndex", "MarketState", "Mechanism"]


class Clock:
    """The model's one clock, read as months (Mesa's ``steps``, burn-in as an offset).

    Attributes:
        burn_in_months: months simulated before recording starts.
    """

    def __init__(self, model: mesa.Model, burn_in_months: int) -> None:
        self._model = model
        self.burn_in_months = int(burn_in_months)

    @property
    def months_simulated(self) -> int:
        """Months simulated so far, burn-in included (Mesa's ``steps``); during a month's
        step it counts that month."""
        return int(self._model.steps)

    @property
    def month_index(self) -> int:
        """Index from 0 of the month being simulated (burn-in included): the month of
        the random streams."""
        return self.months_simulated - 1

    @property
    def recorded_month(self) -> int:
        """Recorded month, from 1 after the burn-in (0 or less during burn-in)."""
        return self.months_simulated - self.burn_in_months

    @property
    def in_burn_in(self) -> bool:
        """True while the month being simulated is not recorded."""
        return self.recorded_month <= 0


@dataclass(eq=False)
class Accounts:
    """Last month's accounts by place, from the model's aggregation pass.

    At the start they are the starting accounts (the tables as built), which the
    first month's mechanisms read as last month's.

    Attributes:
        counts: (P, len(COUNT_COLUMNS)) agents and sums by place (read with :meth:`count`).
        indicators: last month's place indicators by name ((P,) arrays; empty before
            the first aggregation).
        firm_profit: (F,) weekly value added less wages by firm, GBP a week.
    """

    counts: np.ndarray
    firm_profit: np.ndarray
    indicators: dict[str, np.ndarray] = field(default_factory=dict)

    def count(self, name: str) -> np.ndarray:
        """Column ``name`` of :data:`sim.kernels.aggregate.COUNT_COLUMNS` by place
        (a view; agents, or a sum over agents)."""
        try:
            k = COUNT_COLUMNS.index(name)
        except ValueError:
            known = ", ".join(COUNT_COLUMNS)
            raise KeyError(f"no count column {name!r}; columns: {known}") from None
        return self.counts[:, k]


class FirmIndex:
    """Live firms grouped by place: ``by_place[place_start[p]:place_start[p + 1]]``.

    Mechanisms that add or remove firms call :meth:`rebuild` (O(F)).
    """

    def __init__(self, by_place: np.ndarray, place_start: np.ndarray) -> None:
        self.by_place = np.asarray(by_place, dtype=np.int64)
        self.place_start = np.asarray(place_start, dtype=np.int64)

    def rebuild(self, firms: Firms) -> None:
        """Regroup the live firms by place after firms entered or exited."""
        alive = np.flatnonzero(firms.alive)
        order = alive[np.argsort(firms.place[alive], kind="stable")]
        counts = np.bincount(firms.place[alive], minlength=self.place_start.size - 1)
        self.by_place = order.astype(np.int64)
        self.place_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


@dataclass(eq=False)
class MarketState:
    """Everything mechanisms read and change, in one typed object (the contract).

    Units: counts in agents unless said; multiply by :attr:`people_per_agent` for people.

    Attributes:
        scenario: the validated scenario (read only).
        seed: the run's seed (random streams are keyed by it).
        geography: places and their data (read only).
        workers, firms: the agent tables (columns changed in place; tables may grow).
        places: slowly moving place attributes (:class:`~sim.world.places.PlaceState`).
        travel: travel times and everything derived from them.
        clock: the month.
        people_per_agent: (P,) real working-age people per agent, by place.
        skill_premium: (3,) productivity multiplier by skill level.
        bargaining_power: (P,) workers' bargaining power this month, by workplace.
        accounts: last month's accounts by place.
        firm_index: live firms grouped by place.
        entrants: (P,) entrants this month by home place (written by demography).
        retirements: (P,) retirements this month by home place (written by the flows).
        arrivals, departures: (P,) international immigrants and emigrants this month by
            home place (written by the international mechanism; empty until the model
            sizes them).
        retired_rows: worker rows that became absent last month, for reuse.
        exiting_firms: firm rows that exit this month (their workers are laid off by
            the flows pass).
        mechanisms: the mechanisms by scenario section, for the few services one
            mechanism offers another (remote work's capability draws).
    """

    scenario: Scenario
    seed: int
    geography: Geography
    workers: Workers
    firms: Firms
    places: PlaceState
    travel: TravelTimes
    clock: Clock
    people_per_agent: np.ndarray
    skill_premium: np.ndarray
    bargaining_power: np.ndarray
    accounts: Accounts
    firm_index: FirmIndex
    entrants: np.ndarray
    retirements: np.ndarray
    retired_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    arrivals: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    departures: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    exiting_firms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mechanisms: Mapping[str, Mechanism] = field(default_factory=dict)

    @property
    def n_places(self) -> int:
        """Number of places."""
        return self.geography.n_places

    def stream_key(self, stage: str, round_: int = 0, *, month: int | None = None) -> np.uint64:
        """Key of the counter-based stream of ``stage`` (a name of
        :data:`sim.kernels.rng.STAGES`) for ``month`` (default: the month being
        simulated, :attr:`Clock.month_index`)."""
        m = self.clock.month_index if month is None else month
        return stream_key(self.seed, m, STAGES[stage], round_)

    def generator(self, stage: str, *extra: int, month: int | None = None) -> np.random.Generator:
        """A NumPy generator seeded by ``SeedSequence([seed, month, stage, *extra])``, for
        mechanisms whose draws are not per agent (default month: the month being
        simulated)."""
        m = self.clock.month_index if month is None else month
        return np.random.default_rng(np.random.SeedSequence([self.seed, m, STAGES[stage], *extra]))

    def mechanism(self, section: str) -> Mechanism | None:
        """The mechanism of scenario section ``section`` (None if there is none)."""
        return self.mechanisms.get(section)


class Mechanism:
    """Base class. Subclasses set ``SECTION`` (the scenario attribute with their parameters).

    Args:
        state: the shared state (the mechanism keeps no reference to the model).
    """

    SECTION: ClassVar[str] = ""

    def __init__(self, state: MarketState) -> None:
        self.params: Any = getattr(state.scenario, self.SECTION)
        self.enabled: bool = bool(self.params.enabled)

    def step(self, state: MarketState) -> None:
        """One month of the mechanism (called only when enabled)."""

    def place_indicators(self, state: MarketState) -> dict[str, np.ndarray]:
        """This month's values of the indicators the mechanism provides, by place (registry
        entries with this ``provider``)."""
        return {}

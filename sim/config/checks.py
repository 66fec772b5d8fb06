"""Checks of a scenario that need its geography, made before the economy is built.

:func:`validate_for_geography` is called by :class:`~sim.core.model.LabourMarket`
right after the geography is built (and so by :func:`sim.run` and ``placejobs
run``). It refuses, in one line naming the key and the value,

* ``green.programme_places`` codes that are not places of the geography;
* an economy too big for this machine's memory: the agents are counted from the
  working-age population and the scale (``round(scale * N_p)`` a place, at least
  one) before a single table is allocated, and the estimate
  :func:`estimate_memory_bytes` (:data:`BYTES_PER_WORKER` a worker agent, which
  covers the peak of building the economy and of a month, measured 99-103 bytes by
  ``placejobs bench``, plus :data:`BYTES_PER_FIRM` a firm) must fit in
  :data:`MEMORY_SHARE` of the memory available (``MemAvailable`` in
  ``/proc/meminfo``; elsewhere the free physical pages), the rest being left to
  the system and other processes;

and warns (a :class:`UserWarning`) when the scale gives some places fewer than one
agent, which are then raised to one agent each (their agents then stand for more
people than ``1 / scale``). :class:`AgentCount` says how many agents each place gets.

**Places too small for their indicators.** It also warns once, with a
:class:`SmallPlaceWarning`, when places get fewer than :data:`MIN_PLACE_AGENTS` worker
agents, naming the first :data:`_SMALL_SHOWN` of them (smallest first, with their
agents) and how many more, and the scale that would lift them all over it. Why 400: a
place's unemployment rate is a share of its labour force, about 78% of its residents of
working age, so 400 agents give about 310 in the labour force, and at 4% unemployment the
binomial standard error is ``sqrt(0.04 x 0.96 / 310)`` = 1.1 percentage points a month,
as large as the gaps between regions the model is meant to explain (the UK's regions
span about 3 to 5.5%). Below it a district can show 34% unemployment by chance (a run of
``baseline-lad.toml`` at scale 0.003). The run goes on: the warning says which places'
figures are noise.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.config.scenario import Scenario, ScenarioError
from sim.config.section import toml_value
from sim.policies.spec import PolicyError, check_policies

if TYPE_CHECKING:
    from sim.world.geography import Geography

__all__ = [
    "AgentCount",
    "MIN_PLACE_AGENTS",
    "SmallPlaceWarning",
    "BYTES_PER_FIRM",
    "BYTES_PER_WORKER",
    "MAX_WORKERS",
    "MEMORY_SHARE",
    "available_memory_bytes",
    "check_memory",
    "count_agents",
    "estimate_memory_bytes",
    "validate_for_geography",
]

#: Peak bytes a worker agent needs (build and run; ``placejobs bench`` measures 99-103).
BYTES_PER_WORKER = 110
#: Bytes a firm agent needs (its table row, about 35 bytes, and the model's per-firm arrays).
BYTES_PER_FIRM = 100
#: Share of the available memory a run may plan to use. The rest is for what the
#: estimate leaves out (the recorded tables, the figures, the system): with 80% a
#: 3 x 3 grid of 3e7 people a place at scale 1 (19 GB) slipped past on a 24 GB machine
#: and ground through its build for minutes.
MEMORY_SHARE = 0.6
#: Most worker agents: the kernels index workers with 32-bit integers.
MAX_WORKERS = 2**31 - 1
#: How many place codes a message lists.
_CODES_SHOWN = 5
#: Fewest worker agents a place should have for its unemployment rate to be read: at 4%
#: unemployment, 400 agents (about 310 in the labour force) give a standard error of
#: about 1.1 percentage points (see the module docstring).
MIN_PLACE_AGENTS = 400
#: How many small places a :class:`SmallPlaceWarning` names.
_SMALL_SHOWN = 8


class SmallPlaceWarning(UserWarning):
    """Some places have too few worker agents for their indicators to be more than noise
    (fewer than :data:`MIN_PLACE_AGENTS`); the message names them and the scale that
    would lift them over it."""


@dataclass(frozen=True)
class AgentCount:
    """Worker agents a scenario gives each place of a geography.

    Attributes:
        scale: agents per real working-age person asked for (``run.scale``).
        per_place: worker agents by place (each at least one).
        raised: places whose ``scale * N_p`` rounds below one agent and that get one.
        agents_per_person: agents per working-age person actually used, by place.
    """

    scale: float
    per_place: np.ndarray
    raised: np.ndarray
    agents_per_person: np.ndarray

    @property
    def workers(self) -> int:
        """Worker agents in all."""
        return int(self.per_place.sum())

    def summary(self) -> dict[str, float | int]:
        """For ``run.json``: the scale asked for and the agents actually used."""
        app = self.agents_per_person
        return {
            "workers_at_start": self.workers,
            "places_raised_to_one_agent": int(self.raised.sum()),
            "agents_per_person_min": float(app.min()),
            "agents_per_person_median": float(np.median(app)),
            "agents_per_person_max": float(app.max()),
        }


def count_agents(scenario: Scenario, geography: Geography) -> AgentCount:
    """Worker agents by place for ``scenario`` on ``geography``, without overflow.

    The same rule as :func:`sim.agents.economy.workers_per_place`
    (``max(round(scale * N_p), 1)``), computed in floating point first so that an
    absurd population is refused by :func:`check_memory` rather than wrapped around.
    """
    working_age = geography.places["working_age"].to_numpy(dtype=float)
    scale = scenario.run.scale
    exact = np.rint(working_age * scale)
    raised = exact < 1
    per_place = np.maximum(exact, 1.0)
    if per_place.sum() <= MAX_WORKERS:
        per_place = per_place.astype(np.int64)
    return AgentCount(scale, per_place, raised, per_place / np.maximum(working_age, 1.0))


def available_memory_bytes() -> int | None:
    """Memory available to a new process, bytes (``None`` when it cannot be told)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return None


def estimate_memory_bytes(workers: float, firms: float) -> float:
    """Peak memory of a run with ``workers`` worker agents and ``firms`` firms, bytes."""
    return BYTES_PER_WORKER * float(workers) + BYTES_PER_FIRM * float(firms)


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def check_memory(what: str, workers: float, firms: float, available: int | None = None) -> None:
    """Refuse (one line starting with ``what``) a run that would not fit in memory.

    Args:
        what: the setting at fault as the user wrote it (``"--workers 200000000"``).
        workers: worker agents.
        firms: firm agents (an estimate is fine).
        available: bytes available (default :func:`available_memory_bytes`).

    Raises:
        ScenarioError: more than :data:`MAX_WORKERS` workers, or an estimate above
            :data:`MEMORY_SHARE` of the available memory.
    """
    if workers > MAX_WORKERS:
        raise ScenarioError(
            f"{what}: {workers:,.0f} worker agents; at most {MAX_WORKERS:,} are possible "
            "(lower the scale or the population)",
            reason="too many agents",
        )
    available = available_memory_bytes() if available is None else available
    if available is None:
        return
    needed = estimate_memory_bytes(workers, firms)
    if needed > MEMORY_SHARE * available:
        raise ScenarioError(
            f"{what}: needs about {_gb(needed)} of memory for {workers:,.0f} worker agents "
            f"and {firms:,.0f} firms; {_gb(available)} is available and a run may use "
            f"{MEMORY_SHARE:.0%} of it (lower the scale or the population)",
            reason="not enough memory",
        )


def _firms_estimate(scenario: Scenario, workers: float, n_places: int) -> float:
    """Firms for ``workers`` agents: at most every worker employed, jobs / mean size."""
    jobs = workers / (1.0 - scenario.firms.vacancy_rate)
    return jobs / scenario.firms.mean_size + n_places


def validate_for_geography(
    scenario: Scenario,
    geography: Geography,
    *,
    n_workers: int | None = None,
    available: int | None = None,
) -> AgentCount:
    """Check what of ``scenario`` depends on ``geography``; count the agents.

    Args:
        scenario: the validated scenario.
        geography: the geography it runs on (built from ``run.geography``).
        n_workers: total workers instead of ``scale`` x population (benchmarks).
        available: bytes of memory available (default: this machine's).

    Returns:
        The worker agents by place.

    Raises:
        ScenarioError: unknown ``green.programme_places`` codes, or an economy too big
            for the memory available (one line naming the key and the value).

    Warns:
        UserWarning: some places would get fewer than one agent at this scale.
        SmallPlaceWarning: some places get fewer than :data:`MIN_PLACE_AGENTS` agents.
    """
    source = scenario.source or "<scenario>"
    codes = [str(c) for c in geography.places.index]
    wanted = scenario.green.programme_places
    unknown = [c for c in wanted if c not in set(codes)]
    if unknown:
        shown = ", ".join(toml_value(c) for c in codes[:_CODES_SHOWN])
        more = f", ... ({len(codes)} places)" if len(codes) > _CODES_SHOWN else ""
        value = toml_value(list(wanted))
        reason = (
            f"unknown place codes {toml_value(unknown)} for geography "
            f"{toml_value(geography.name)}; allowed: {shown}{more}"
        )
        raise ScenarioError(
            f"{source}: green.programme_places = {value}: {reason}",
            key="green.programme_places", value=list(wanted), reason=reason,
        )
    try:
        check_policies(scenario.policy, geography)
    except PolicyError as exc:
        raise ScenarioError(
            f"{source}: {exc.key} = {toml_value(exc.value)}: {exc.reason}",
            key=exc.key, value=exc.value, reason=exc.reason,
        ) from None

    count = count_agents(scenario, geography)
    if n_workers is not None:
        workers = float(n_workers)
        what = f"{source}: {n_workers:,} workers"
    else:
        workers = float(count.per_place.sum())
        what = f"{source}: run.scale = {toml_value(scenario.run.scale)}"
        if "population" in scenario.geography_options.model_fields_set:
            pop = toml_value(scenario.geography_options.population)
            what += f" with geography_options.population = {pop}"
    check_memory(
        what, workers, _firms_estimate(scenario, workers, geography.n_places), available
    )
    if n_workers is None and count.raised.any():
        k = int(count.raised.sum())
        warnings.warn(
            f"{source}: run.scale = {toml_value(scenario.run.scale)} gives {k} of "
            f"{geography.n_places} places fewer than one agent; each gets one agent, "
            "standing for more people than 1 / scale",
            UserWarning,
            stacklevel=2,
        )
    if n_workers is None:
        _warn_small_places(source, scenario, geography, count)
    return count


def small_places_message(source: str, scenario: Scenario, geography: Geography,
                         count: AgentCount) -> str | None:
    """The one line of a :class:`SmallPlaceWarning`, or None when every place has at least
    :data:`MIN_PLACE_AGENTS` worker agents."""
    small = np.flatnonzero(count.per_place < MIN_PLACE_AGENTS)
    if small.size == 0:
        return None
    order = small[np.argsort(count.per_place[small], kind="stable")]
    names = geography.places["name"].to_numpy()
    agents = [int(count.per_place[i]) for i in order[:_SMALL_SHOWN]]
    shown = ", ".join(f"{names[i]} ({n}{_agents_word(k, n)})"
                      for k, (i, n) in enumerate(zip(order[:_SMALL_SHOWN], agents, strict=True)))
    more = f" and {small.size - _SMALL_SHOWN} more" if small.size > _SMALL_SHOWN else ""
    working_age = geography.places["working_age"].to_numpy(dtype=float)
    smallest = max(float(working_age[small].min()), 1.0)
    needed = (MIN_PLACE_AGENTS - 0.5) / smallest  # round(scale x N) >= 400 for every place
    lift = (f"run.scale = {_round_up(needed):g} or more lifts them all over it"
            if needed <= 1.0 else
            "no scale lifts them all over it (at most one agent a person); read their "
            "figures with care or use a coarser geography")
    return (
        f"{source}: run.scale = {toml_value(scenario.run.scale)} gives {small.size} of "
        f"{geography.n_places} places fewer than {MIN_PLACE_AGENTS} worker agents, so "
        f"their unemployment rates are noise (standard error above about 1 percentage "
        f"point): {shown}{more}; {lift}"
    )


def _round_up(x: float) -> float:
    """``x`` rounded up to two significant figures (a scale to suggest)."""
    exponent = int(np.floor(np.log10(x))) - 1
    step = 10.0 ** exponent
    return round(float(np.ceil(x / step - 1e-9) * step), max(-exponent, 0))


def _warn_small_places(source: str, scenario: Scenario, geography: Geography,
                       count: AgentCount) -> None:
    message = small_places_message(source, scenario, geography, count)
    if message is not None:
        warnings.warn(message, SmallPlaceWarning, stacklevel=3)


def _agents_word(k: int, n: int) -> str:
    """The unit after the first number of the list only: `` agent`` or `` agents``."""
    if k:
        return ""
    return " agent" if n == 1 else " agents"

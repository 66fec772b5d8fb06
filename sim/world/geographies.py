"""Geographies by name: the one place that knows every geography and its options.

:func:`load_geography` builds a geography from its name (``"uk-itl1"``,
``"uk-lad"``, ``"grid"``, ``"random-geometric"``, ``"core-periphery"``);
:data:`GEOGRAPHY_OPTIONS` says which ``[geography_options]`` each one uses and
:func:`geography_from_options` builds one from a scenario's options. It sits
above :mod:`sim.world.geography` (places, travel times, the ITL1 regions and the
synthetic builders) and :mod:`sim.world.geography_lad` (the districts), which
imports the former.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

from sim.world.geography import (
    GEOGRAPHIES,
    GEOGRAPHY_OPTIONS,
    Geography,
    GeographyError,
    core_periphery,
    grid,
    random_geometric,
    uk_itl1,
)
from sim.world.geography_lad import uk_lad

__all__ = ["GEOGRAPHIES", "GEOGRAPHY_OPTIONS", "geography_from_options", "load_geography"]

_BUILDERS: dict[str, Callable[..., Geography]] = {
    "uk-itl1": uk_itl1,
    "grid": grid,
    "random-geometric": random_geometric,
    "core-periphery": core_periphery,
    "uk-lad": uk_lad,
}


def load_geography(name: str, **options: object) -> Geography:
    """Build a geography by name.

    Args:
        name: One of :data:`GEOGRAPHIES` (``"uk-itl1"``, ``"grid"``, ``"random-geometric"``,
            ``"core-periphery"``, ``"uk-lad"``); case and ``_``/``-`` are ignored.
        **options: Keyword arguments of the matching builder (:func:`uk_itl1` and
            ``"uk-lad"`` take none).

    Returns:
        The geography.

    Raises:
        GeographyError: If the name is unknown, an option is not accepted by that builder or
            an option value is invalid.
    """
    key = str(name).strip().lower().replace("_", "-")
    builder = _BUILDERS.get(key)
    if builder is None:
        raise GeographyError(f"unknown geography {name!r}; allowed: {', '.join(GEOGRAPHIES)}")
    parameters = inspect.signature(builder).parameters
    unknown = sorted(set(options) - set(parameters))
    if unknown:
        allowed = ", ".join(parameters) or "none"
        raise GeographyError(
            f"unknown option(s) {', '.join(unknown)} for geography {key!r}; allowed: {allowed}"
        )
    return builder(**options)


def geography_from_options(name: str, options: Mapping[str, object]) -> Geography:
    """Build geography ``name`` with the options of :data:`GEOGRAPHY_OPTIONS` it uses.

    Args:
        name: a key of :data:`GEOGRAPHY_OPTIONS` (a scenario's ``run.geography``).
        options: every geography option (a scenario's ``[geography_options]`` as a
            mapping); those the geography does not use are not passed.
    """
    used = GEOGRAPHY_OPTIONS.get(name)
    if used is None:
        raise GeographyError(f"unknown geography {name!r}; allowed: {', '.join(GEOGRAPHY_OPTIONS)}")
    return load_geography(name, **{k: options[k] for k in used})

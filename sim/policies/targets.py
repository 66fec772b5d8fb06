"""Where a lever acts: place codes or names, an ITL1 region, or a group of places.

A target is one string or a list of strings, each one of:

* a place code of the geography (``"TLC"``, ``"E08000021"``) or a place name
  (``"North East"``, ``"Newcastle upon Tyne"``; case and spaces ignored);
* an ITL1 region, by code or name: at region level the region itself, at district
  level its districts (the geography's ``itl1`` column);
* a group (:data:`GROUPS`):

  ===================  ==============================================================
  ``all``              every place
  ``golden-triangle``  London, the South East and the East of England (their districts
                       at district level): where 53% of UK R&D is spent
  ``lagging``          the third of places lowest by GVA per hour (2019 data; ties
                       broken by code)
  ``lagging-pay``      the third of places lowest by median weekly pay of residents
                       (ASHE 2019): the data closest to a low good-jobs share (the
                       model's good-jobs share is an outcome that differs from seed to
                       seed, so a group defined by it would differ between replications)
  ===================  ==============================================================

:func:`resolve_target` returns a boolean mask over the geography's places, or raises
``ValueError`` naming what it did not recognise and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.world.geography import Geography, uk_itl1

__all__ = ["GOLDEN_TRIANGLE", "GROUPS", "resolve_target"]

#: ITL1 codes of London, the South East and the East of England.
GOLDEN_TRIANGLE = ("TLI", "TLJ", "TLH")
#: The groups a target may name.
GROUPS = ("all", "golden-triangle", "lagging", "lagging-pay")


def _key(text: str) -> str:
    return " ".join(str(text).lower().replace("-", " ").split())


def _regions(geography: Geography) -> np.ndarray | None:
    """ITL1 code of each place (None when the geography has no regions)."""
    p = geography.places
    if "itl1" in p.columns:
        return p["itl1"].astype(str).to_numpy()
    if geography.name == "uk-itl1":
        return np.asarray([str(c) for c in p.index])
    return None


def _region_names() -> dict[str, str]:
    itl1 = uk_itl1()
    return {_key(n): str(c) for c, n in zip(itl1.places.index, itl1.places["name"], strict=True)}


def _one(item: str, geography: Geography) -> np.ndarray:
    p = geography.places
    codes = np.asarray([str(c) for c in p.index], dtype=object)
    key = _key(item)
    if key == "all":
        return np.ones(len(codes), dtype=bool)
    hit = codes == item
    if hit.any():
        return hit
    names = np.asarray([_key(n) for n in p["name"]])
    hit = names == key
    if hit.any():
        return hit
    regions = _regions(geography)
    if key == "golden triangle":
        if regions is None:
            raise ValueError(f"group {item!r} needs a UK geography (regions or districts)")
        return np.isin(regions, GOLDEN_TRIANGLE)
    if key in ("lagging", "lagging pay"):
        column = "gva_per_hour_gbp" if key == "lagging" else "median_weekly_pay_gbp"
        gva = p[column].to_numpy(dtype=float)
        order = np.lexsort((codes, gva))
        k = max(int(round(len(codes) / 3.0)), 1)
        mask = np.zeros(len(codes), dtype=bool)
        mask[order[:k]] = True
        return mask
    if regions is not None:
        if item.upper() in set(regions):
            return regions == item.upper()
        code = _region_names().get(key)
        if code is not None and code in set(regions):
            return regions == code
    shown = ", ".join(repr(c) for c in codes[:5])
    raise ValueError(
        f"unknown place, region or group {item!r} for geography {geography.name!r}; "
        f"allowed: a place code ({shown}, ...), a place name, an ITL1 region (code or "
        f"name) or a group ({', '.join(GROUPS)})"
    )


def resolve_target(target: str | Sequence[str], geography: Geography) -> np.ndarray:
    """The places a target names, as a boolean mask over ``geography.places``.

    Args:
        target: one string or several (see the module docstring).
        geography: the run's geography.

    Returns:
        (P,) bool, True for each place the target names (the union of its items).

    Raises:
        ValueError: an item names no place, region or group of this geography.
    """
    items = [target] if isinstance(target, str) else list(target)
    if not items:
        raise ValueError("a target names at least one place, region or group")
    mask = np.zeros(geography.n_places, dtype=bool)
    for item in items:
        mask |= _one(str(item), geography)
    return mask

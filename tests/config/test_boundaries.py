"""Every scenario parameter walked through its boundaries (issue 7, item 8).

The parameters are found by walking the pydantic models of
:class:`sim.config.scenario.Scenario`, so a parameter added later is covered
without editing this file. For each: a value at each bound is accepted, one
just beyond is refused with a one-line :class:`ScenarioError` naming the key
(``section.key`` or ``section.key[i]``); NaN and infinities are refused in
floats; values of the wrong type are refused.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from typing import Any

import annotated_types as at
import pytest

from sim.config.scenario import Scenario, ScenarioError, parse_scenario
from sim.world.geography import GEOGRAPHY_OPTIONS

SOURCE = "<walk>"


@dataclass(frozen=True)
class Leaf:
    """One scalar slot: ``section.name`` or an element ``section.name[index]``."""

    section: str
    name: str
    kind: type
    bounds: tuple[Any, ...]  # annotated_types constraints (Ge, Gt, Le, Lt)
    index: int | None = None
    length: int | None = None

    @property
    def key(self) -> str:
        suffix = "" if self.index is None else f"[{self.index}]"
        return f"{self.section}.{self.name}{suffix}"


def _constraints(metadata: list[Any]) -> tuple[Any, ...]:
    return tuple(m for m in metadata if isinstance(m, (at.Ge, at.Gt, at.Le, at.Lt)))


def _leaves() -> list[Leaf]:
    leaves = []
    for section, field in Scenario.model_fields.items():
        if section in ("source", "policy"):  # policies: tests/policies
            continue
        for name, info in field.annotation.model_fields.items():
            ann = info.annotation
            if typing.get_origin(ann) is tuple:
                args = typing.get_args(ann)
                if args[-1] is Ellipsis:  # a list of strings (place codes)
                    continue
                for i, arg in enumerate(args):
                    base, *meta = typing.get_args(arg) or (arg,)
                    flat = [m for fi in meta for m in getattr(fi, "metadata", [fi])]
                    leaves.append(Leaf(section, name, base, _constraints(flat), i, len(args)))
            elif ann in (int, float):
                leaves.append(Leaf(section, name, ann, _constraints(info.metadata)))
    return leaves


LEAVES = _leaves()
NUMERIC = [leaf for leaf in LEAVES if leaf.kind in (int, float)]
FLOATS = [leaf for leaf in NUMERIC if leaf.kind is float]


def _context(leaf: Leaf, value: Any) -> dict[str, Any]:
    """A scenario (as data) with ``value`` in ``leaf`` and what its rules need around it."""
    data: dict[str, Any] = {}
    if leaf.section == "geography_options":  # set on a geography that uses the option
        geo = next(g for g, used in GEOGRAPHY_OPTIONS.items() if leaf.name in used)
        data["run"] = {"geography": geo}
    section = data.setdefault(leaf.section, {})
    if leaf.key == "migration.young_age_years":
        section["old_age_years"] = 100
    if leaf.key == "migration.old_age_years":
        section["young_age_years"] = 16
    if leaf.key == "international.arrival_min_age_years":
        section["arrival_max_age_years"] = 100
    if leaf.key == "international.arrival_max_age_years":
        section["arrival_min_age_years"] = 16
    if leaf.index is None:
        section[leaf.name] = value
    else:
        default = list(getattr(getattr(Scenario(), leaf.section), leaf.name))
        default[leaf.index] = value
        if leaf.key.startswith("economy.sector_shares[") and _finite(value) and 0 <= value <= 1:
            # Shares must add up to 1: the others share what is left.
            rest = (1.0 - value) / (len(default) - 1)
            default = [value if i == leaf.index else rest for i in range(len(default))]
        section[leaf.name] = default
    return data


def _finite(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def _refused(leaf: Leaf, value: Any) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_context(leaf, value), source=SOURCE)
    msg = str(info.value)
    assert "\n" not in msg, msg
    assert msg.startswith(f"{SOURCE}: {leaf.key} = "), msg
    assert info.value.key == leaf.key
    return msg


def _accepted(leaf: Leaf, value: Any) -> None:
    scenario = parse_scenario(_context(leaf, value), source=SOURCE)
    stored = getattr(getattr(scenario, leaf.section), leaf.name)
    assert (stored if leaf.index is None else stored[leaf.index]) == value


def _just_beyond(kind: type, bound: float, direction: float) -> Any:
    if kind is int:
        return int(bound) + int(direction)
    return math.nextafter(float(bound), math.copysign(math.inf, direction))


def test_the_walk_finds_every_section_and_many_parameters():
    assert {leaf.section for leaf in NUMERIC} == {
        s for s in Scenario.model_fields if s not in ("source", "policy")
    }
    assert len(NUMERIC) > 90


@pytest.mark.parametrize("leaf", NUMERIC, ids=lambda leaf: leaf.key)
def test_every_number_has_a_lower_and_an_upper_bound(leaf):
    kinds = {type(b) for b in leaf.bounds}
    assert kinds & {at.Ge, at.Gt}, f"{leaf.key} has no lower bound"
    assert kinds & {at.Le, at.Lt}, f"{leaf.key} has no upper bound"


@pytest.mark.parametrize("leaf", NUMERIC, ids=lambda leaf: leaf.key)
def test_values_at_each_bound_are_accepted_and_just_beyond_refused(leaf):
    for b in leaf.bounds:
        if isinstance(b, at.Ge):
            _accepted(leaf, leaf.kind(b.ge))
            msg = _refused(leaf, _just_beyond(leaf.kind, b.ge, -1))
            assert "must be >=" in msg
        elif isinstance(b, at.Le):
            _accepted(leaf, leaf.kind(b.le))
            msg = _refused(leaf, _just_beyond(leaf.kind, b.le, +1))
            assert "must be <=" in msg
        elif isinstance(b, at.Gt):
            _refused(leaf, leaf.kind(b.gt))
            _accepted(leaf, _just_beyond(leaf.kind, b.gt, +1))
        elif isinstance(b, at.Lt):
            _refused(leaf, leaf.kind(b.lt))
            _accepted(leaf, _just_beyond(leaf.kind, b.lt, -1))


@pytest.mark.parametrize("leaf", FLOATS, ids=lambda leaf: leaf.key)
def test_nan_and_infinity_are_refused_in_every_float(leaf):
    for bad, shown in ((math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf")):
        msg = _refused(leaf, bad)
        assert f"= {shown}: must be a finite number" in msg


@pytest.mark.parametrize("leaf", NUMERIC, ids=lambda leaf: leaf.key)
def test_wrong_types_are_refused_in_every_number(leaf):
    for bad in ("1", True, None, [1]):
        _refused(leaf, bad)
    if leaf.kind is int:
        _refused(leaf, 1.0)  # strict: no silent float -> int


def _other_fields() -> list[tuple[str, str, Any]]:
    out = []
    for section, field in Scenario.model_fields.items():
        if section in ("source", "policy"):
            continue
        for name, info in field.annotation.model_fields.items():
            ann = info.annotation
            if ann not in (int, float) and typing.get_origin(ann) is not tuple:
                out.append((section, name, info.annotation))
    return out


@pytest.mark.parametrize(("section", "name", "ann"), _other_fields(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_types_are_refused_in_every_switch_and_text(section, name, ann):
    bads = [1, 0.5, [True]] if ann is bool else [1, 2.5, True, ["x"]]
    for bad in bads:
        with pytest.raises(ScenarioError) as info:
            parse_scenario({section: {name: bad}}, source=SOURCE)
        msg = str(info.value)
        assert "\n" not in msg and f"{section}.{name} = " in msg, msg


@pytest.mark.parametrize(
    "leaf", [leaf for leaf in LEAVES if leaf.index is not None], ids=lambda leaf: leaf.key
)
def test_every_list_must_have_its_length(leaf):
    default = list(getattr(getattr(Scenario(), leaf.section), leaf.name))
    for bad in (default[:-1], [*default, default[0]]):
        with pytest.raises(ScenarioError) as info:
            parse_scenario({leaf.section: {leaf.name: bad}}, source=SOURCE)
        assert f"must have exactly {leaf.length} values" in str(info.value)

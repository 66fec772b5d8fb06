"""Sweep files: a base scenario, replications, a design and the parameters it varies.

A sweep file is TOML::

    base = "scenarios/small.toml"   # the base scenario (relative to this file, else to the cwd)
    replications = 3                # seeds per design point (SeedSequence spawning)
    months = 24                     # optional: run.months for every run
    scale = 0.0005                  # optional: run.scale
    seed = 42                       # optional: the seed replications derive from (default run.seed)

    [set]                           # optional: fixed changes to the base, "section.key" = value
    "run.burn_in_months" = 12

    [design]
    kind = "grid"                   # "grid", "random" (Latin hypercube), "sobol" or "morris"
    samples = 16                    # random, sobol and morris: N of the sampler
    seed = 0                        # the sampler's seed
    levels = 4                      # morris: grid levels (even)
    second_order = false            # sobol: second-order indices too (needs more runs)

    [parameters]
    "search.applications_per_searcher" = [2, 3, 4]        # values, for a grid
    "wages.bargaining_power" = { low = 0.3, high = 0.5 }  # a range, for the others

:func:`load_sweep` reads and checks a file completely before any run starts: an
unknown key or design, a parameter the scenario does not have, a value or a range end
outside what the parameter allows, a list where a range is needed (or the reverse)
each stop with one line naming the file, the key, the value and what is allowed
(:class:`SweepError`, a :class:`~sim.config.scenario.ScenarioError`). A combination of
values that only fails together (a rule linking two keys) is not refused here: that run
fails alone and is recorded (see :mod:`sim.sweeps.execute`).

The number of runs is the number of design points times ``replications``:

==========  ==================================  ==============================
kind        design points                       parameters take
==========  ==================================  ==============================
grid        product of the value lists          lists of values (any type)
random      ``samples`` (Latin hypercube)       ranges of a number
sobol       ``samples * (D + 2)`` (Saltelli)    ranges; ``samples`` a power of 2
            (``samples * (2D + 2)`` with
            ``second_order``)
morris      ``samples * (D + 1)`` trajectories   ranges
==========  ==================================  ==============================

with ``D`` the number of parameters. An integer parameter sampled from a range is
rounded to the nearest integer.
"""

from __future__ import annotations

import hashlib
import json
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from sim.config.scenario import (
    Scenario,
    ScenarioError,
    describe_error,
    load_scenario,
    read_toml_file,
    split_key,
)
from sim.config.section import Section, toml_value

__all__ = [
    "DesignSpec",
    "ParameterSpec",
    "Sweep",
    "SweepError",
    "load_sweep",
    "parse_sweep",
    "MAX_RUNS",
]

#: The most runs one sweep may hold (design points times replications).
MAX_RUNS = 1_000_000
#: Keys of ``[run]`` a sweep may not vary: replications derive the seeds, the name is the sweep's.
_NOT_SWEPT = {"run.seed": "use replications (and the sweep's seed) instead",
              "run.name": "the sweep has one name"}


class SweepError(ScenarioError):
    """A sweep file that cannot be run; the message is one line for the user."""


class DesignSpec(Section):
    """How the design points are chosen (``[design]``)."""

    kind: Literal["grid", "random", "sobol", "morris"] = "grid"
    samples: int | None = Field(
        None, ge=1, le=MAX_RUNS, description="N of the random, sobol or morris sampler"
    )
    seed: int = Field(0, ge=0, lt=2**32, description="the sampler's seed")
    levels: int = Field(4, ge=2, le=1000, description="morris: levels of the grid (even)")
    second_order: bool = Field(False, description="sobol: sample for second-order indices too")


class _Range(Section):
    low: float
    high: float


class _SweepFile(Section):
    base: str
    name: str | None = None
    replications: int = Field(1, ge=1, le=100_000)
    seed: int | None = Field(None, ge=0, lt=2**63)
    months: int | None = None
    scale: float | None = None
    set: dict[str, Any] = Field(default_factory=dict)
    design: DesignSpec = DesignSpec()
    parameters: dict[str, list[Any] | _Range] = Field(default_factory=dict)


@dataclass(frozen=True)
class ParameterSpec:
    """One swept parameter.

    Attributes:
        key: the scenario key, ``"section.key"``.
        values: the values of a grid (``None`` for a range).
        low: lower end of a range (``None`` for a grid).
        high: upper end of a range.
        integer: whether the parameter is an integer (sampled values are rounded).
    """

    key: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (in ``sweep.json``)."""
        if self.values is not None:
            return {"key": self.key, "values": list(self.values)}
        return {"key": self.key, "low": self.low, "high": self.high, "integer": self.integer}


@dataclass(frozen=True)
class Sweep:
    """A checked sweep, ready to run (:func:`load_sweep`, :func:`parse_sweep`).

    Attributes:
        name: the sweep's name (default: the sweep file's stem).
        base: the base scenario with ``[set]``, ``months`` and ``scale`` applied.
        base_file: where the base scenario was read from (``None``: given in memory).
        replications: runs per design point.
        seed: the seed replications derive from (:func:`sim.runs.replications.replication_seeds`).
        design: the ``[design]`` table.
        parameters: the swept parameters, in the file's order.
        source: the sweep file (``None``: given in memory).
    """

    name: str
    base: Scenario
    base_file: str | None
    replications: int
    seed: int
    design: DesignSpec
    parameters: tuple[ParameterSpec, ...]
    source: str | None = None
    fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The swept keys, in order."""
        return [p.key for p in self.parameters]

    def to_dict(self) -> dict[str, Any]:
        """Everything that defines the runs (JSON-ready); :meth:`fingerprint` hashes it."""
        return {
            "name": self.name,
            "base_scenario": self.base.to_dict(),
            "replications": self.replications,
            "seed": self.seed,
            "design": self.design.model_dump(mode="json"),
            "parameters": [p.to_dict() for p in self.parameters],
        }

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`to_dict`: two sweeps with the same one make the same runs."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _error(source: str, key: str, value: Any, reason: str) -> SweepError:
    return SweepError(f"{source}: {key} = {toml_value(value)}: {reason}",
                      key=key, value=value, reason=reason)


def _quoted(key: str) -> str:
    return toml_value(key) if "." in key else key


def _from_validation(source: str, exc: ValidationError) -> SweepError:
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"]]
    # A union (list or range) reports each branch; name the parameter, say what it takes.
    if loc[:1] == ["parameters"] and len(loc) >= 2:
        key = f"parameters.{_quoted(loc[1])}"
        value = error.get("input")
        if len(loc) > 2 and loc[2] not in ("list[any]", "_Range"):
            value = None
        return _error(
            source, key, value,
            "must be a list of values (grid) or a range { low = ..., high = ... } of numbers",
        )
    key = ".".join(loc)
    if error["type"] == "missing":
        return SweepError(f"{source}: {key}: missing", key=key, reason="missing")
    reason = describe_error(error)
    if error["type"] == "extra_forbidden":
        table: type[Section] = _SweepFile
        if loc[:1] == ["design"]:
            table = DesignSpec
        where = "[design]" if table is DesignSpec else "the top level"
        if loc[:1] == ["parameters"]:
            where, table = "a range", _Range
        reason = f"unknown key; {where} allows: {', '.join(table.model_fields)}"
    return _error(source, key, error.get("input"), reason)


def _field_type(key: str) -> type | None:
    """The Python type of a scenario key's value (``int``, ``float``, ...), if it has one;
    for one value of a list (``flows.layoff_rate[1]``), the type of that value."""
    section, name, index = split_key(key)
    table = Scenario.model_fields.get(section)
    if table is None or not isinstance(table.annotation, type):
        return None
    inner = table.annotation.model_fields.get(name)
    if inner is None:
        return None
    annotation = inner.annotation
    if index is None:
        return annotation
    if typing.get_origin(annotation) is not tuple:
        return None
    args = typing.get_args(annotation)
    if index >= len(args):
        return None
    element = args[index]
    while typing.get_origin(element) is typing.Annotated:
        element = typing.get_args(element)[0]
    return element if isinstance(element, type) else None


def _refused_by_rule(base: Scenario, key: str, value: Any) -> bool:
    """Whether ``value`` passes ``key``'s own checks and only a rule linking keys refuses it."""
    section, name, index = split_key(key)
    table = getattr(base, section)
    if index is not None:
        items = list(getattr(table, name))
        items[index] = value
        value = items
    try:
        type(table).model_validate({**table.model_dump(), name: value})
    except ValidationError as exc:
        return all(error["type"] == "scenario_rule" for error in exc.errors())
    return False


def _check_value(source: str, base: Scenario, where: str, key: str, value: Any,
                 shown: Any = None) -> None:
    """Refuse a value the scenario refuses for ``key`` (alone, on the base).

    ``shown`` is what an unknown key's message shows (the whole list or range).
    """
    try:
        base.with_changes({key: value})
    except ScenarioError as exc:
        shown = value if shown is None else shown
        if exc.key is None:  # the section is unknown
            raise _error(source, where, shown, str(exc)) from None
        if exc.reason.startswith(("unknown key", "not a scenario key")):
            raise _error(source, where, shown, str(exc) if exc.reason.startswith("not a")
                         else exc.reason) from None
        # A rule linking keys (it may name this key): only the combination can tell.
        if exc.key != key or _refused_by_rule(base, key, value):
            return
        raise _error(source, where, value, exc.reason) from None


def _known_value(base: Scenario, key: str) -> Any:
    """The base's value of ``key``, or 0 for a key it does not have (to be refused)."""
    try:
        return base_value(base, key)
    except (AttributeError, IndexError, TypeError):
        return 0


def _resolve_base(base: str, source: str | None) -> Path:
    path = Path(base)
    if path.is_absolute() or source is None:
        return path
    beside = Path(source).parent / path
    if beside.exists() or not path.exists():
        return beside
    return path


def parse_sweep(
    data: dict[str, Any], *, source: str = "<sweep>", base: Scenario | None = None
) -> Sweep:
    """Check a parsed sweep file (a dictionary) and resolve it into a :class:`Sweep`.

    Args:
        data: the sweep file's tables and keys.
        source: the name used in messages (the file's path).
        base: the base scenario, when given in memory; then ``data`` has no ``base`` key.

    Raises:
        SweepError: one line naming the source, the key, the value and what is allowed.
    """
    if not isinstance(data, dict):
        raise SweepError(f"{source}: a sweep is a table of keys, got {toml_value(data)}")
    data = dict(data)
    if base is not None:
        if "base" in data:
            raise SweepError(f"{source}: base: give the base scenario once (a file or in memory)")
        data["base"] = "<in memory>"
    try:
        spec = _SweepFile.model_validate(data)
    except ValidationError as exc:
        raise _from_validation(source, exc) from None

    base_file: str | None = None
    if base is None:
        path = _resolve_base(spec.base, None if source.startswith("<") else source)
        if not path.exists():
            raise _error(source, "base", spec.base, f"no such scenario file ({path})")
        base = load_scenario(path)  # its own errors name the scenario file
        base_file = str(path)

    for key, value in spec.set.items():
        if key in _NOT_SWEPT:
            raise _error(source, f"set.{_quoted(key)}", value, _NOT_SWEPT[key])
    try:  # all at once: a rule may link two of them (young and old age, say)
        base = base.with_changes(dict(spec.set))
    except ScenarioError as exc:
        # No key: an unknown section, named first in the message (see Scenario.with_changes).
        key = exc.key or next((k for k in spec.set if str(exc).startswith(f"{k}: ")), "set")
        value = spec.set.get(key) if exc.value is None else exc.value
        raise _error(source, f"set.{_quoted(key)}", value, exc.reason or str(exc)) from None
    for name in ("months", "scale"):
        value = getattr(spec, name)
        if value is None:
            continue
        try:
            base = base.with_overrides(**{name: value})
        except ScenarioError as exc:
            raise _error(source, name, value, exc.reason) from None
    if spec.name is not None:
        try:
            base = base.with_changes({"run.name": spec.name})
        except ScenarioError as exc:
            raise _error(source, "name", spec.name, exc.reason) from None
    name = spec.name or (Path(source).stem if not source.startswith("<") else base.run.name)

    design = spec.design
    grid = design.kind == "grid"
    if grid and design.samples is not None:
        raise _error(source, "design.samples", design.samples,
                     "a grid takes no samples (its points are the lists' product); leave it out")
    if not grid and design.samples is None:
        raise SweepError(f"{source}: design.samples: missing (design kind "
                         f"{toml_value(design.kind)} needs the sampler's N)",
                         key="design.samples", reason="missing")
    if design.kind == "sobol" and design.samples & (design.samples - 1):
        raise _error(source, "design.samples", design.samples,
                     "must be a power of 2 for a sobol design (Saltelli's scheme)")
    if design.kind == "morris" and design.levels % 2:
        raise _error(source, "design.levels", design.levels, "must be even")
    if not grid and not spec.parameters:
        raise SweepError(f"{source}: [parameters]: a {design.kind} design needs at least one "
                         "parameter with a range")

    parameters = []
    for key, given in spec.parameters.items():
        where = f"parameters.{_quoted(key)}"
        if key in _NOT_SWEPT:
            raise _error(source, where, given if isinstance(given, list) else None,
                         _NOT_SWEPT[key])
        if key in spec.set:
            raise _error(source, where, spec.set[key], "is also in [set]; keep it in one place")
        if isinstance(given, list):
            if not grid:
                raise _error(source, where, given, f"a {design.kind} design takes a range "
                             "{ low = ..., high = ... }, not a list of values")
            if not given:
                raise _error(source, where, given, "must hold at least one value")
            for value in given:
                _check_value(source, base, where, key, value, shown=given)
            if _field_type(key) is float:  # one type per column: 1 is written 1.0
                given = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                         for v in given]
            if len({json.dumps(v, sort_keys=True, default=str) for v in given}) < len(given):
                raise _error(source, where, given, "holds a value twice")
            parameters.append(ParameterSpec(key, values=tuple(given)))
            continue
        if grid:
            raise _error(source, where, given.model_dump(), "a grid takes a list of values; "
                         "a range needs design kind \"random\", \"sobol\" or \"morris\"")
        kind = _field_type(key)
        _check_value(source, base, where, key, _known_value(base, key),
                     shown=given.model_dump())  # the key exists
        if kind not in (int, float):
            raise _error(source, where, given.model_dump(),
                         "a range needs a parameter that is a number; this one takes "
                         f"{base_value(base, key)!r}-like values (give it in a grid)")
        if not given.low < given.high:
            raise _error(source, where, given.model_dump(), "low must be below high")
        integer = kind is int
        for end in ("low", "high"):
            value = getattr(given, end)
            if integer:
                if not float(value).is_integer():
                    raise _error(source, f"{where}.{end}", value, "must be a whole number "
                                 "(the parameter is an integer)")
                value = int(value)
            _check_value(source, base, f"{where}.{end}", key, value)
        parameters.append(ParameterSpec(key, low=float(given.low), high=float(given.high),
                                        integer=integer))

    points = design_size(design, parameters)
    if points * spec.replications > MAX_RUNS:
        raise _error(source, "replications", spec.replications,
                     f"{points} design points x {spec.replications} replications is more than "
                     f"{MAX_RUNS:,} runs")
    return Sweep(
        name=name, base=base, base_file=base_file, replications=spec.replications,
        seed=base.run.seed if spec.seed is None else spec.seed, design=design,
        parameters=tuple(parameters), source=None if source.startswith("<") else source,
        fixed=dict(spec.set),
    )


def base_value(scenario: Scenario, key: str) -> Any:
    """The value of ``"section.key"`` (or ``"section.key[i]"``) in ``scenario``."""
    section, name, index = split_key(key)
    value = getattr(getattr(scenario, section), name)
    return value if index is None else value[index]


def design_size(design: DesignSpec, parameters: list[ParameterSpec]) -> int:
    """How many design points ``design`` makes for ``parameters``."""
    d = len(parameters)
    if design.kind == "grid":
        return math.prod(len(p.values or ()) for p in parameters)
    n = design.samples or 0
    if design.kind == "random":
        return n
    if design.kind == "sobol":
        return n * (2 * d + 2 if design.second_order else d + 2)
    return n * (d + 1)


def load_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep TOML file.

    Raises:
        SweepError: a missing or unreadable file, a TOML syntax error, or any mistake
            :func:`parse_sweep` finds (one line).
        ScenarioError: the base scenario file is bad (one line naming it).
    """
    return parse_sweep(read_toml_file(path, "sweep", SweepError), source=str(path))

"""Calibration files: free parameters, moments with their data values, the optimiser.

A calibration file is TOML::

    base = "../baseline.toml"      # the scenario calibrated (relative to this file, else cwd)
    replications = 2               # runs per evaluation (common random numbers: the same
                                   # replication seeds at every evaluation)
    months = 60                    # optional: run.months of every run
    scale = 0.002                  # optional: run.scale
    seed = 42                      # optional: the seed replications derive from

    [set]                          # optional: fixed changes to the base
    "run.burn_in_months" = 60

    [optimizer]
    method = "differential-evolution"   # or "nelder-mead"
    max_evaluations = 200               # parameter vectors evaluated, at most
    population = 8                      # differential evolution: members per generation
    seed = 0

    [parameters]                   # free parameters and their ranges
    "search.hiring_standard" = { low = -1.0, high = 1.0 }

    [moments]                      # simulated moments and their data values
    job_finding_rate = { data = 0.09, sd = 0.01, source = "ONS labour market flows" }
    unemployment_rate = { data = 0.04, sd = 0.005, weight = 2.0, window = 24 }

A moment's model value is the national indicator ``indicator`` (default: the moment's
name; any column of ``national.parquet``) averaged over the last ``window`` recorded
months (default 12) of each replication, then over the replications. The objective is

.. math::

    J(\\theta) = \\sum_m w_m \\left(\\frac{\\bar y_m(\\theta) - d_m}{s_m}\\right)^2

with data value :math:`d_m`, scale :math:`s_m` (``sd``: the data's uncertainty or the
distance that counts as one unit of misfit, in the indicator's unit) and weight
:math:`w_m` (default 1): a diagonal-weighted method of simulated moments (McFadden 1989;
Pakes and Pollard 1989; for agent-based models, Franke and Westerhoff 2012).

:func:`load_calibration` checks the whole file before anything runs: the sweep-like
keys as :func:`sim.sweeps.spec.parse_sweep` does (parameters as ranges), the optimiser,
and each moment's indicator, data value, scale, weight and window; one line per mistake
(:class:`CalibrationError`).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from sim.config.scenario import describe_error, read_toml_file
from sim.config.section import Section, toml_value
from sim.core.indicators import NATIONAL_COLUMNS
from sim.sweeps.spec import ParameterSpec, Sweep, SweepError, parse_sweep

__all__ = [
    "CalibrationError",
    "Calibration",
    "Moment",
    "OptimizerSpec",
    "load_calibration",
    "parse_calibration",
]


class CalibrationError(SweepError):
    """A calibration file that cannot be used; the message is one line for the user."""


class OptimizerSpec(Section):
    """``[optimizer]``: which optimiser, and how long it may search."""

    method: Literal["differential-evolution", "nelder-mead"] = "differential-evolution"
    max_evaluations: int = Field(200, ge=1, le=1_000_000,
                                 description="parameter vectors evaluated, at most")
    population: int = Field(8, ge=4, le=1000,
                            description="differential evolution: members per generation")
    seed: int = Field(0, ge=0, lt=2**32, description="the optimiser's seed")
    tolerance: float = Field(1e-3, gt=0.0, le=1.0,
                             description="stop when the objective improves less than this")


class _MomentSpec(Section):
    data: float
    sd: float = Field(gt=0.0)
    weight: float = Field(1.0, ge=0.0, le=1e6)
    indicator: str | None = None
    window: int = Field(12, ge=1, le=2400)
    source: str = ""


@dataclass(frozen=True)
class Moment:
    """One simulated moment and its data value.

    Attributes:
        name: the moment's name (the key in ``[moments]``).
        indicator: the national indicator averaged.
        data: the data value, in the indicator's unit.
        sd: the scale of one unit of misfit, same unit.
        weight: the moment's weight in the objective.
        window: recorded months averaged (the last ones).
        source: where the data value comes from.
    """

    name: str
    indicator: str
    data: float
    sd: float
    weight: float
    window: int
    source: str


@dataclass(frozen=True)
class Calibration:
    """A checked calibration (:func:`load_calibration`).

    Attributes:
        sweep: the runs of one evaluation: base scenario, replications, seed, and the free
            parameters with their ranges (a ``random`` design; its samples are not used).
        optimizer: the ``[optimizer]`` table.
        moments: the moments, in the file's order.
        source: the calibration file (``None``: given in memory).
    """

    sweep: Sweep
    optimizer: OptimizerSpec
    moments: tuple[Moment, ...]
    source: str | None = None

    @property
    def parameters(self) -> tuple[ParameterSpec, ...]:
        """The free parameters."""
        return self.sweep.parameters

    def to_dict(self) -> dict[str, Any]:
        """Everything that defines the calibration (JSON-ready)."""
        return {
            "sweep": self.sweep.to_dict(),
            "optimizer": self.optimizer.model_dump(mode="json"),
            "moments": [vars(m) for m in self.moments],
        }

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`to_dict`."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


_SWEEP_KEYS = ("base", "name", "replications", "seed", "months", "scale", "set", "parameters")


def _error(source: str, key: str, value: Any, reason: str) -> CalibrationError:
    return CalibrationError(f"{source}: {key} = {toml_value(value)}: {reason}",
                            key=key, value=value, reason=reason)


def parse_calibration(data: dict[str, Any], *, source: str = "<calibration>") -> Calibration:
    """Check a parsed calibration file and resolve it into a :class:`Calibration`.

    Raises:
        CalibrationError: one line naming the source, the key, the value and what is allowed.
        ScenarioError: the base scenario file is bad (one line naming it).
    """
    if not isinstance(data, dict):
        raise CalibrationError(f"{source}: a calibration is a table of keys, got "
                               f"{toml_value(data)}")
    allowed = (*_SWEEP_KEYS, "optimizer", "moments")
    for key in data:
        if key not in allowed:
            raise _error(source, key, data[key],
                         f"unknown key; the top level allows: {', '.join(allowed)}")
    if not data.get("parameters"):
        raise CalibrationError(f"{source}: [parameters]: name at least one free parameter "
                               "with a range { low = ..., high = ... }")
    sweep_data = {k: data[k] for k in _SWEEP_KEYS if k in data}
    sweep_data["design"] = {"kind": "random", "samples": 1}
    try:
        sweep = parse_sweep(sweep_data, source=source)
    except SweepError as exc:
        raise CalibrationError(str(exc), key=exc.key, value=exc.value,
                               reason=exc.reason) from None

    try:
        optimizer = OptimizerSpec.model_validate(data.get("optimizer", {}))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(["optimizer", *(str(p) for p in error["loc"])])
        reason = describe_error(error)
        if error["type"] == "extra_forbidden":
            reason = f"unknown key; [optimizer] allows: {', '.join(OptimizerSpec.model_fields)}"
        raise _error(source, key, error.get("input"), reason) from None

    given = data.get("moments")
    if not isinstance(given, dict) or not given:
        raise CalibrationError(f"{source}: [moments]: name at least one moment, e.g. "
                               "job_finding_rate = { data = 0.09, sd = 0.01 }")
    moments = []
    months = sweep.base.run.months
    for name, spec in given.items():
        where = f"moments.{name}"
        if not isinstance(spec, dict):
            raise _error(source, where, spec, "must be a table { data = ..., sd = ... }")
        try:
            m = _MomentSpec.model_validate(spec)
        except ValidationError as exc:
            error = exc.errors()[0]
            key = ".".join([where, *(str(p) for p in error["loc"])])
            reason = describe_error(error)
            if error["type"] == "extra_forbidden":
                reason = f"unknown key; a moment allows: {', '.join(_MomentSpec.model_fields)}"
            raise _error(source, key, error.get("input"), reason) from None
        indicator = m.indicator or name
        if indicator not in NATIONAL_COLUMNS:
            raise _error(source, f"{where}.indicator" if m.indicator else where, indicator,
                         "not a national indicator; give indicator = one of "
                         f"{', '.join(NATIONAL_COLUMNS[:8])}, ... (placejobs show lists the "
                         "scenario; docs/ODD.md the indicators)")
        if not math.isfinite(m.data):
            raise _error(source, f"{where}.data", m.data, "must be a finite number")
        if m.window > months:
            raise _error(source, f"{where}.window", m.window,
                         f"must be <= the recorded months ({months})")
        moments.append(Moment(name, indicator, m.data, m.sd, m.weight, m.window, m.source))
    return Calibration(sweep, optimizer, tuple(moments),
                       None if source.startswith("<") else source)


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration TOML file (see the module docstring).

    Raises:
        CalibrationError: a missing or unreadable file, a TOML syntax error, or a mistake
            in it (one line).
    """
    data = read_toml_file(path, "calibration", CalibrationError)
    return parse_calibration(data, source=str(path))

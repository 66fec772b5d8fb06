"""Base class for the validated, immutable sections of a scenario.

Every table of a scenario file (``[run]``, ``[search]``, ``[demography]``, ...)
is a subclass of :class:`Section`: unknown keys are errors, values are checked
strictly (no silent conversion of ``"5"`` to ``5``), NaN and infinity are
refused in every float, and sections are frozen. Mechanism modules define their
own section next to the code that uses it; :mod:`sim.config.scenario` gathers
them into one :class:`~sim.config.scenario.Scenario`.

:func:`toml_value` writes a value as it would appear in a TOML file (``true``,
``[1, 2]``, ``{ x = 1 }``, ``"text"``), the form every user message uses.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "Section",
    "Share",
    "PerSkill",
    "Positive",
    "Positive3",
    "NonNegative3",
    "list_to_tuple",
    "rule_error",
    "toml_value",
]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def list_to_tuple(value: Any) -> Any:
    """TOML arrays arrive as lists; the scenario stores immutable tuples."""
    return tuple(value) if isinstance(value, list) else value


def toml_value(value: Any) -> str:
    """``value`` written as in a TOML file, on one line.

    Examples: ``True`` -> ``true``, ``(1, 2)`` -> ``[1, 2]``, ``{"x": 1}`` -> ``{ x = 1 }``,
    ``"a"`` -> ``"a"``, ``float("nan")`` -> ``nan``. ``None`` (no value) is ``(none)``.
    """
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace(
            "\u2029", "\\u2029"
        )
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return toml_value(value.item())
    return toml_value(str(value))


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_value(key)


def rule_error(key: str, value: Any, reason: str) -> PydanticCustomError:
    """A validation error of a rule that links several keys (``key`` is dotted in its section).

    :mod:`sim.config.scenario` turns it into the usual one line
    ``source: section.key = value: reason``.
    """
    return PydanticCustomError(
        "scenario_rule", "{reason}", {"key": key, "value": value, "reason": reason}
    )


class Section(BaseModel):
    """A table of a scenario file: strict, frozen, no unknown keys, finite floats."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
PerSkill = Annotated[tuple[Share, Share, Share], BeforeValidator(list_to_tuple)]
#: A positive number up to 100 (multipliers, ratios).
Positive = Annotated[float, Field(gt=0.0, le=100.0)]
_NonNegative = Annotated[float, Field(ge=0.0, le=100.0)]
Positive3 = Annotated[tuple[Positive, Positive, Positive], BeforeValidator(list_to_tuple)]
NonNegative3 = Annotated[
    tuple[_NonNegative, _NonNegative, _NonNegative], BeforeValidator(list_to_tuple)
]

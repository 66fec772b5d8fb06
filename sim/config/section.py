"""Base class for the validated, immutable sections of a scenario.

Every table of a scenario file (``[run]``, ``[search]``, ``[demography]``, ...)
is a subclass of :class:`Section`: unknown keys are errors, values are checked
strictly (no silent conversion of ``"5"`` to ``5``) and sections are frozen.
Mechanism modules define their own section next to the code that uses it;
:mod:`sim.config.scenario` gathers them into one :class:`~sim.config.scenario.Scenario`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = ["Section", "Share", "PerSkill", "Positive3", "list_to_tuple"]


def list_to_tuple(value: Any) -> Any:
    """TOML arrays arrive as lists; the scenario stores immutable tuples."""
    return tuple(value) if isinstance(value, list) else value


class Section(BaseModel):
    """A table of a scenario file: strict, frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
PerSkill = Annotated[tuple[Share, Share, Share], BeforeValidator(list_to_tuple)]
Positive3 = Annotated[tuple[float, float, float], BeforeValidator(list_to_tuple)]

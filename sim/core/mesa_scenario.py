"""MesaScenario: the validated scenario in the place Mesa expects it (``model.scenario``).

Mesa 3.5 gives every model a ``scenario`` attribute, an instance of
:class:`mesa.experimental.scenarios.Scenario` holding the run's parameters and its
``rng``; Mesa's tools (batch runs, visualisation) read it. placejobs validates its
parameters with pydantic (:class:`sim.config.scenario.Scenario`); a
:class:`MesaScenario` carries those values the Mesa way: each section as an
attribute (``model.scenario.search.applications_per_searcher``), the seed as
``rng``, and the validated scenario itself as ``config``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mesa.experimental.scenarios import Scenario as _MesaScenarioBase

if TYPE_CHECKING:
    from sim.config.scenario import Scenario

__all__ = ["MesaScenario"]


class MesaScenario(_MesaScenarioBase):
    """Mesa's scenario for a :class:`~sim.core.model.LabourMarket`.

    Attributes:
        config: the validated placejobs scenario.
        rng: the run's seed.
        run, search, wages, ...: the sections of ``config``.
    """

    @classmethod
    def from_config(cls, config: Scenario, *, rng: int) -> MesaScenario:
        """Wrap a validated scenario; ``rng`` is the run's seed."""
        sections: dict[str, Any] = {
            name: getattr(config, name) for name in type(config).model_fields if name != "source"
        }
        return cls(rng=rng, config=config, **sections)

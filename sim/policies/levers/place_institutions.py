r"""Place institutions: local institutional capacity built with money, year after year.

Funding for the capacity of local government and its partners (combined authorities'
devolution deals and capacity funding, the Levelling Up White Paper's "local
leadership" mission, growth hubs, planning and economic-development teams) raises the
quality of a place's institutions, ``state.places.institutions`` (an index, 0 at the
baseline; one unit is one standard deviation of regional quality of government, as in
the European Quality of Government Index). The model lets the index act twice, through
:mod:`sim.mechanisms.firm_dynamics`: on the productivity of every firm of the place
(:math:`m_p \times e^{b_I I_p}`, ``firm_dynamics.institutions_productivity_elasticity``
0.05, so also on their target size and hiring), and on where new firms locate (the
entry logit's ``0.5 x institutions``).

**Parameters** (beside the common ones of :class:`~sim.policies.levers.base.LeverParams`)

===============================  ==================  ==============================================
key                              unit                meaning
===============================  ==================  ==============================================
``index_per_gbp_per_person``     index per GBP per   rise of the index for each GBP spent per
                                 resident            resident, cumulated (default 0.001, ESTIMATE:
                                                     see below)
``decay_per_year``               share a year        erosion of the capacity built once spending
                                                     has stopped and while it runs (default 0:
                                                     capacity built stays)
===============================  ==================  ==============================================

**Effect.** In each month, place ``p`` receives its allowance ``a_p`` (GBP) and spends it
in full; the index rises by

.. math:: \Delta I_p = \kappa \, \frac{a_p}{R_p}, \qquad
          I_p \leftarrow I_p (1 - \delta)^{1/12} + \Delta I_p

with ``R_p`` the place's residents (all ages: the geography's ``population``, a fixed
number, so the cost model does not depend on the run) and :math:`\kappa` =
``index_per_gbp_per_person``. The index is a stock: sustained spending of ``x`` GBP per
resident a year raises it by :math:`\kappa x` a year.

:math:`\kappa` = 0.001 (ESTIMATE): one standard deviation of quality of government for
GBP 1,000 per resident, cumulated. A place in the bottom quarter of the EQI reaches the
middle at about one standard deviation; councils spend about GBP 1,000-2,000 per
resident a year in England on services (DLUHC, Local authority revenue expenditure
2019-20), so this is a sustained 10% uplift of local government's means for five to ten
years, of the order of the gap closing that evaluated reforms took (Rodriguez-Pose and
Ketterer 2020, "Institutional change and the development of lagging regions in Europe",
Regional Studies 54(7): relative improvements in quality of government drive growth in
lagging regions). The evidence on what money buys in institutional quality is thin: read
results as "if GBP 1,000 per resident bought one standard deviation".

**Cost.** GBP a year per place: the allowance, spent in full each spending month
(``spend = a_p``), shared between the target places by working-age population.

**Supported units:** every firm of the target places (:attr:`Lever.place_wide`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from sim.policies.levers.base import Lever, LeverParams

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["PlaceInstitutions", "PlaceInstitutionsParams"]


class PlaceInstitutionsParams(LeverParams):
    """``lever = "place_institutions"``: institutional capacity funded per resident."""

    lever: Literal["place_institutions"]
    index_per_gbp_per_person: float = Field(
        0.001, gt=0.0, le=1.0,
        description="rise of the institutions index per GBP spent per resident, cumulated, "
        "index per GBP (ESTIMATE)",
    )
    decay_per_year: float = Field(
        0.0, ge=0.0, le=1.0, description="erosion of the index built, share a year"
    )


class PlaceInstitutions(Lever):
    """Raises ``state.places.institutions`` in the target places with the money spent
    (see the module docstring).

    Attributes:
        built: (P,) index points the lever has added so far (after erosion).
    """

    def __init__(self, params: PlaceInstitutionsParams, state: MarketState,
                 places: np.ndarray, key: str) -> None:
        super().__init__(params, state, places, key)
        residents = state.geography.places["population"].to_numpy(dtype=np.float64)
        self._residents = np.maximum(residents, 1.0)
        self._keep = (1.0 - params.decay_per_year) ** (1.0 / 12.0)
        self.built = np.zeros(state.n_places)

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        p: PlaceInstitutionsParams = self.params
        self.spend = allowance.copy()
        new = self.built * self._keep + p.index_per_gbp_per_person * allowance / self._residents
        if np.array_equal(new, self.built):
            return
        # Add the change only: other levers (or code) may move the index too.
        state.places.institutions += new - self.built
        self.built = new

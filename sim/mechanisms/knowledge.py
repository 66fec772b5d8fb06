r"""Knowledge: the R&D stock of each place (DESIGN.md, schedule step 3; issue 3, item 4).

Each place ``p`` holds a stock of R&D knowledge :math:`K_p` (GBP million) built
up by a perpetual inventory of its annual R&D spending, business (BERD) plus
public (government and higher education, GERD less BERD), both in GBP million
a year from the place data (``state.places.rd_business_gbp_m`` and
``rd_public_gbp_m``). One step is one month:

.. math::

    K_p(t + 1) = \Bigl(1 - \frac{\delta}{12}\Bigr) K_p(t) + \frac{R_p(t)}{12},
    \qquad R_p = R^{business}_p + R^{public}_p

with :math:`\delta` the yearly depreciation rate of R&D capital. The usual
value is 15% a year (Griliches 1979, Bell Journal of Economics 10(1); Hall,
Mairesse and Mohnen 2010, "Measuring the returns to R&D", Handbook of the
Economics of Innovation 2, ch. 24); ONS uses service lives that imply 10-20% a
year when it capitalises R&D in the national accounts (ONS 2014, "Changes to
National Accounts: capitalisation of R&D").

**Start.** The stock starts at its steady state :math:`K_p = R_p / \delta`
when the model is built, so the baseline does not drift and the concentration
of knowledge in the "golden triangle" (London, the South East and the East of
England: about 56% of UK R&D in the ITL1 data) comes from the data, not from an
assumption. The stock is set in ``__init__`` *also when the mechanism is
disabled* (it then stays at its start value), because other mechanisms read it
(firm productivity spillovers in :mod:`sim.mechanisms.firm_dynamics`, cohorts' exposure to
innovation in :mod:`sim.mechanisms.demography`). The model creates the mechanisms after
``place_state``, so the data are there.

**Missing data.** Where a place has no R&D figure the place state holds 0
(``NaN -> 0`` in :class:`~sim.world.places.PlaceState`), so its stock starts at 0 and
grows only if a policy gives it R&D; :attr:`Knowledge.missing_places` lists the
codes of those places (none at ``uk-itl1``).

**Policies** move R&D between places by changing ``rd_business_gbp_m`` or
``rd_public_gbp_m`` of ``state.places``; the stock then adjusts with a
half-life of :math:`\ln 2 / \delta` (about 4.6 years at 15%).

The indicator ``knowledge_stock`` (GBP million, summed nationally) is reported
by the model from ``place_state``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.config.section import Section
from sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["KnowledgeParams", "Knowledge", "rd_spending", "GOLDEN_TRIANGLE_ITL1"]

#: ITL1 codes of London, the South East and the East of England.
GOLDEN_TRIANGLE_ITL1 = ("TLI", "TLJ", "TLH")


class KnowledgeParams(Section):
    """Parameters of ``[knowledge]``."""

    enabled: bool = True
    depreciation_per_year: float = Field(
        0.15, ge=0.01, le=1.0,
        description="delta, yearly depreciation of R&D capital, share a year "
        "(Hall, Mairesse and Mohnen 2010; ONS 0.10-0.20)",
    )


def rd_spending(state: MarketState) -> np.ndarray:
    """Annual R&D spending by place, business plus public, GBP million a year."""
    ps = state.places
    return ps.rd_business_gbp_m + ps.rd_public_gbp_m


class Knowledge(Mechanism):
    """R&D stocks by place: perpetual inventory with depreciation.

    Attributes:
        missing_places: codes of places without R&D data (their stock starts at 0).
    """

    SECTION = "knowledge"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        places = state.geography.places
        missing = places["rd_business_gbp_m"].isna() & places["rd_public_gbp_m"].isna()
        self.missing_places: list[str] = [str(c) for c in places.index[missing.to_numpy()]]
        delta = self.params.depreciation_per_year
        # Steady state, set also when disabled (other mechanisms read the stock).
        state.places.knowledge_stock[:] = rd_spending(state) / delta

    def step(self, state: MarketState) -> None:
        """One month of accumulation and depreciation."""
        k = state.places.knowledge_stock
        delta = self.params.depreciation_per_year
        k *= 1.0 - delta / 12.0
        k += rd_spending(state) / 12.0

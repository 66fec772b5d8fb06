r"""Digital infrastructure: broadband coverage raised toward a target in the target places.

Public subsidy for broadband where the market will not build it (Project Gigabit, and
Building Digital UK's superfast programme before it) lets more homes and businesses
work online. In the model a place's coverage, ``places.broadband_share``, decides who
can work from home (:mod:`sim.mechanisms.remote_work`: a worker in a remote-capable
occupation is remote-capable when their fixed uniform lies below the coverage; the stage
refreshes the places whose coverage changed, the same month, and matching uses it from
the next), and it raises firm entry (``2.0 x broadband`` in the entry logit,
:mod:`sim.mechanisms.firm_dynamics`) and weighs in where movers and arrivals settle.

**The model's coverage is superfast broadband (30 Mbit/s or more).** It is already 95-98%
at region level and 87-100% by district (Ofcom Connected Nations 2019), so the headroom is
small: a region-level run can gain at most a few points. Gigabit coverage (67-92% by
region) is in the place data (``gigabit_share``) but no mechanism reads it; a gigabit
lever would need remote capability (or firm productivity) to respond to it.

**Parameters**

=========================  ==========  ====================================================
key                        unit        meaning
=========================  ==========  ====================================================
``target_coverage``        share       coverage the lever builds toward (at most 1)
``cost_per_premise_gbp``   GBP         public cost of connecting one premise (ESTIMATE 5,000:
                                       Project Gigabit, about GBP 5 bn for about 1 million
                                       hard-to-reach premises, DCMS/BDUK 2021)
=========================  ==========  ====================================================

**Effect and cost.** A place has

.. math:: H_p = \frac{\text{population}_p}{2.4}

premises (its total population, ``geography.places["population"]``, over 2.4 people per
household, ONS Families and Households 2019; businesses are left out). In a spending
month its allowance ``a_p`` passes ``a_p / c`` premises, and coverage rises by what they
add, up to the target:

.. math:: b_p' = \min\Bigl(b_p + \frac{a_p}{c\, H_p},\; \bar b\Bigr), \qquad
          s_p = (b_p' - b_p)\, H_p\, c \;\le\; a_p,

so a place already at the target spends nothing, and what a month leaves unspent carries
over (:mod:`sim.policies.levers.base`). Coverage stays once built (no depreciation).

**Supported units:** every firm of the target places (place-wide).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from sim.policies.levers.base import Lever, LeverParams

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["DigitalInfrastructure", "DigitalInfrastructureParams", "PEOPLE_PER_HOUSEHOLD"]

#: People per household, UK 2019 (ONS, Families and Households 2019: 2.39).
PEOPLE_PER_HOUSEHOLD = 2.4


class DigitalInfrastructureParams(LeverParams):
    """``lever = "digital_infrastructure"``: broadband coverage bought by premise."""

    lever: Literal["digital_infrastructure"]
    target_coverage: float = Field(
        1.0, gt=0.0, le=1.0, description="coverage the lever builds toward, share of premises"
    )
    cost_per_premise_gbp: float = Field(
        5_000.0, ge=10.0, le=1e6,
        description="public cost of connecting one premise, GBP (ESTIMATE: Project Gigabit "
        "about GBP 5 bn for about 1 m premises)",
    )


class DigitalInfrastructure(Lever):
    """Broadband coverage with a budget (see the module docstring).

    Attributes:
        premises: (P,) premises by place (population / 2.4).
        passed: (P,) premises passed this month.
    """

    place_wide = True

    def __init__(self, params: DigitalInfrastructureParams, state: MarketState,
                 places: np.ndarray, key: str) -> None:
        super().__init__(params, state, places, key)
        pop = state.geography.places["population"].to_numpy(dtype=float)
        self.premises = pop / PEOPLE_PER_HOUSEHOLD
        self.passed = np.zeros(state.n_places)

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        self.passed = np.zeros(state.n_places)
        build = self.places & (allowance > 0) & (self.premises > 0)
        if not build.any():
            return
        p: DigitalInfrastructureParams = self.params
        b = state.places.broadband_share
        c = p.cost_per_premise_gbp
        gain = np.zeros(state.n_places)
        gain[build] = allowance[build] / (c * self.premises[build])
        new = np.where(build, np.minimum(b + gain, p.target_coverage), b)
        up = build & (new > b)
        if not up.any():
            return
        self.passed = np.where(up, (new - b) * self.premises, 0.0)
        self.spend = np.minimum(self.passed * c, allowance)
        b[up] = new[up]

r"""Early years and schools: a quality uplift for the children of the target places.

Sure Start children's centres, funded childcare of higher quality, or more money per
pupil raise the skills of the children who grow up with them, and so the skills of the
place's labour-market entrants years later. The model has no children: its cohorts
enter at 16 (:mod:`sim.mechanisms.demography`) with a skill that rises with the log
early-years and school quality their cohort carries, ``a_E ln EYQ + a_S ln SQ``
(``demography.early_years_effect`` and ``school_effect``, 1 latent logistic unit per log
point).

**Parameters** (beside the common ones of :class:`~sim.policies.levers.base.LeverParams`)

======================  ==========  ==========================================================
key                     unit        meaning
======================  ==========  ==========================================================
``quality_uplift``      ratio       proportional rise of the quality a treated child gets
                                    (0.1: a 10% better index, ``ln 1.1`` = 0.095 log points
                                    for a child treated through the whole age window)
``which``               name        ``"early_years"`` (ages 0-5), ``"schools"`` (ages 5-16)
                                    or ``"both"`` (ages 0-16)
``cost_per_child_gbp``  GBP a year  cost per child in the treated ages, a year (default 700,
                                    ESTIMATE: Sure Start's peak budget, GBP 1.8 bn in 2009-10,
                                    over about 3.3 m children under five in England is about
                                    GBP 550 a child, about GBP 700 in 2019 prices; Cattan,
                                    Conti, Farquharson and Ginja 2019, "The health effects of
                                    Sure Start", IFS. For schools, 10% of core funding per
                                    pupil, about GBP 5,000-6,000 a year in 2019-20 (DfE), is
                                    GBP 500-600)
======================  ==========  ==========================================================

**Which cohorts, and when (a documented choice).** Demography reads each entrant's
qualities with a lag of ``cohort_lag_months`` (192 months, the age of entry): the
quality recorded in month ``s`` is carried by the cohort entering in ``s + 192``, the
cohort *born* in month ``s``. Raising the place's quality index from now on would
therefore reach entrants only 16 years later, beyond the usual 120-month horizon, and
would credit each month's uplift to a single birth cohort. The lever instead treats the
children who are in the age window while it is funded, as a real programme does: in each
spending month, every birth cohort aged ``a`` months in the window (early years
``1 <= a <= 60``, schools ``61 <= a <= 191``) gets one month's dose

.. math:: \Delta_p = \frac{c_p \ln(1 + u)}{W}

added to its entry in demography's record (:meth:`Demography.quality_record`, the row of
month ``t - a``, already recorded and not yet read), with ``u`` the uplift, ``W`` the
months of the window (60, 131) and ``c_p`` the share of the place's children the
allowance pays for (below). A cohort treated through its whole window carries
``ln(1 + u)``; one treated for part of it, that part. So the effect appears in the
entrants of the month after the first spending month for schools (the 15-year-olds
treated for one month), and rises as treated cohorts enter; for early years it appears
``16 - 5 = 11`` years after the start (the four-year-olds enter first): **an early-years
programme has no effect on the labour market within a 120-month run**, as in reality.
With another ``cohort_lag_months`` ``L``, the cohort aged ``a`` reads the row of month
``t + 192 - L - a``, and ages whose row is not yet recorded are not treated (the lever
refuses to run when demography is off, since nothing would read it).

The place's ``early_years_quality`` / ``school_quality`` show the quality the funded
programme delivers now, ``1 + c_p u`` (index), while it spends; demography records them
every month, and the lever puts back the untreated value in the row of the month just
recorded (that birth cohort gets its doses month by month, like the others), so the
display does not count twice.

**Cost.** Children in the window: ``n_p W pi_p`` (``n_p`` one month's birth cohort,
demography's :meth:`~sim.mechanisms.demography.Demography.cohort_size`, agents; ``pi_p``
people per agent). The full monthly cost is ``n_p W pi_p k / 12`` (``k`` the cost per
child a year; with ``"both"``, both windows at the same ``k``); the allowance ``a_p``
pays for the share ``c_p = min(1, a_p / cost)`` and the spend is ``c_p`` times the full
cost, never more than the allowance. The treated children are not individuals: ``c_p``
scales the dose of the whole cohort (the average effect).

**Supported units:** every firm of the target places (:attr:`Lever.place_wide`): the
lever acts on the place's people, not on named firms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.mechanisms.demography import ENTRY_AGE_MONTHS
from sim.policies.levers.base import Lever, LeverParams

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["AGE_WINDOWS", "EarlyYears", "EarlyYearsParams"]

#: Ages treated, months (first, last), by demography's quality record.
AGE_WINDOWS: dict[str, tuple[int, int]] = {
    "early_years": (1, 60),
    "schools": (61, ENTRY_AGE_MONTHS - 1),
}
_PLACE_INDEX = {"early_years": "early_years_quality", "schools": "school_quality"}


class EarlyYearsParams(LeverParams):
    """``lever = "early_years"``: better early years or schools for the children now."""

    lever: Literal["early_years"]
    REQUIRES: ClassVar[str] = "demography"
    quality_uplift: float = Field(
        gt=0.0, le=10.0,
        description="proportional rise of the quality index for a treated child, ratio",
    )
    which: Literal["early_years", "schools", "both"] = Field(
        "early_years", description="early years (ages 0-5), schools (5-16) or both"
    )
    cost_per_child_gbp: float = Field(
        700.0, gt=0.0, le=1e6,
        description="cost per child in the treated ages, GBP a year (ESTIMATE: Sure Start)",
    )

    @property
    def records(self) -> tuple[str, ...]:
        """The quality records the lever treats."""
        return ("early_years", "schools") if self.which == "both" else (self.which,)


class EarlyYears(Lever):
    """Doses of quality for the cohorts in the age window (see the module docstring).

    Attributes:
        coverage: (P,) share of the place's children paid for this month (``c_p``).
    """

    def __init__(self, params: EarlyYearsParams, state: MarketState, places: np.ndarray,
                 key: str) -> None:
        super().__init__(params, state, places, key)
        demography = state.mechanism("demography")  # enabled: Scenario checks
        self._demography = demography
        self.coverage = np.zeros(state.n_places)
        # What the lever added to the place indices last month, and their values before.
        self._shown = np.zeros(state.n_places)
        self._before: dict[str, np.ndarray] = {}

    def act(self, state: MarketState, month: int, allowance: np.ndarray) -> None:
        p: EarlyYearsParams = self.params
        demo = self._demography
        t = state.clock.month_index
        lag = demo.params.cohort_lag_months
        ps = state.places
        # Put back the untreated value where the display changed the place's index last
        # month (in the index, and in the row demography recorded from it).
        if self._shown.any():
            changed = self._shown != 0.0
            for which in p.records:
                attr = getattr(ps, _PLACE_INDEX[which])
                attr[changed] = self._before[which][changed]
                row = demo.quality_record(which)[(t - 1) % lag]
                row[changed] = np.log(np.maximum(attr[changed], 1e-6))
            self._shown = np.zeros(state.n_places)

        # Children in the window and the share the allowance pays for.
        cohort = demo.cohort_size(t) * state.people_per_agent  # people, one birth month
        months = sum(AGE_WINDOWS[w][1] - AGE_WINDOWS[w][0] + 1 for w in p.records)
        cost = cohort * months * p.cost_per_child_gbp / 12.0
        share = np.divide(allowance, cost, out=np.zeros_like(cost), where=cost > 0)
        self.coverage = np.where(self.places, np.minimum(share, 1.0), 0.0)
        self.spend = self.coverage * cost
        if not self.coverage.any():
            return

        log_uplift = np.log1p(p.quality_uplift)
        for which in p.records:
            first, last = AGE_WINDOWS[which]
            dose = self.coverage * log_uplift / (last - first + 1)
            record = demo.quality_record(which)
            ages = np.arange(first, last + 1)
            rows = t + ENTRY_AGE_MONTHS - lag - ages  # the month each cohort reads
            ok = (rows < t) & (rows > t - lag)  # recorded and not yet read
            record[rows[ok] % lag] += dose
            # Show the quality delivered now in the place's index.
            attr = getattr(ps, _PLACE_INDEX[which])
            self._before[which] = attr.copy()
            attr += self.coverage * p.quality_uplift
        self._shown = self.coverage.copy()

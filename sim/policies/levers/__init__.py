"""The levers, one module each: its parameters, cost model and effect.

:data:`LEVERS` maps each ``lever`` name of a ``[[policy]]`` table to its parameter
class and its runtime class. A new lever is a module here with a
:class:`~sim.policies.levers.base.LeverParams` subclass (``lever: Literal["name"]``)
and a :class:`~sim.policies.levers.base.Lever` subclass, and one line below.
"""

from sim.policies.levers.base import Lever, LeverParams
from sim.policies.levers.business_grants import BusinessGrants, BusinessGrantsParams
from sim.policies.levers.early_years import EarlyYears, EarlyYearsParams
from sim.policies.levers.place_institutions import PlaceInstitutions, PlaceInstitutionsParams
from sim.policies.levers.transport import Transport, TransportParams

__all__ = ["LEVERS", "Lever", "LeverParams"]

#: Lever name -> (parameters, runtime class).
LEVERS: dict[str, tuple[type[LeverParams], type[Lever]]] = {
    "business_grants": (BusinessGrantsParams, BusinessGrants),
    "transport": (TransportParams, Transport),
    "place_institutions": (PlaceInstitutionsParams, PlaceInstitutions),
    "early_years": (EarlyYearsParams, EarlyYears),
}

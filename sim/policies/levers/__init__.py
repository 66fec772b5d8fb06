"""The levers, one module each: its parameters, cost model and effect.

:data:`LEVERS` maps each ``lever`` name of a ``[[policy]]`` table to its parameter
class and its runtime class. A new lever is a module here with a
:class:`~sim.policies.levers.base.LeverParams` subclass (``lever: Literal["name"]``)
and a :class:`~sim.policies.levers.base.Lever` subclass, and one line below.
"""

from sim.policies.levers.base import Lever, LeverParams
from sim.policies.levers.business_grants import BusinessGrants, BusinessGrantsParams
from sim.policies.levers.digital_infrastructure import (
    DigitalInfrastructure,
    DigitalInfrastructureParams,
)
from sim.policies.levers.early_years import EarlyYears, EarlyYearsParams
from sim.policies.levers.net_zero import NetZero, NetZeroParams
from sim.policies.levers.place_institutions import PlaceInstitutions, PlaceInstitutionsParams
from sim.policies.levers.rd_diffusion import RdDiffusion, RdDiffusionParams
from sim.policies.levers.skills_funding import SkillsFunding, SkillsFundingParams
from sim.policies.levers.transport import Transport, TransportParams

__all__ = ["LEVERS", "Lever", "LeverParams"]

#: Lever name -> (parameters, runtime class), in the order of issue 10.
LEVERS: dict[str, tuple[type[LeverParams], type[Lever]]] = {
    "skills_funding": (SkillsFundingParams, SkillsFunding),
    "early_years": (EarlyYearsParams, EarlyYears),
    "digital_infrastructure": (DigitalInfrastructureParams, DigitalInfrastructure),
    "transport": (TransportParams, Transport),
    "rd_diffusion": (RdDiffusionParams, RdDiffusion),
    "net_zero": (NetZeroParams, NetZero),
    "place_institutions": (PlaceInstitutionsParams, PlaceInstitutions),
    "business_grants": (BusinessGrantsParams, BusinessGrants),
}

"""The dashboard's policy: one lever table from the pickers, and the scenario it makes.

The dashboard offers one lever at a time (:data:`sim.policies.levers.LEVERS`) with the
common keys a user picks (target, budget in GBP million, first spending month, spending
months) and, for the keys some levers have no default for, the values of the policy
library in ``scenarios/policies`` (:data:`LEVER_DEFAULTS`). Units: GBP million in the
dashboard, GBP in the scenario; months are recorded months from 1.
"""

from __future__ import annotations

from typing import Any

from sim.config.scenario import Scenario, parse_scenario
from sim.policies.levers import LEVERS
from sim.policies.targets import GROUPS
from sim.world.geography import uk_itl1

__all__ = ["GEOGRAPHIES", "LEVER_DEFAULTS", "TRANSPORT_ENDS", "lever_table", "policy_scenario",
           "target_choices"]

#: The dashboard's geography picker: label -> ``run.geography``.
GEOGRAPHIES = {"regions": "uk-itl1", "districts": "uk-lad"}

#: Keys a lever needs that have no default (values of ``scenarios/policies/<lever>.toml``).
LEVER_DEFAULTS: dict[str, dict[str, Any]] = {
    "early_years": {"which": "early_years", "quality_uplift": 0.1, "cost_per_child_gbp": 700.0},
    "transport": {"minutes_saved": 15.0},
}

#: The transport lever's two ends by geography (it ignores the target picker): the
#: TransPennine corridor, as regions or as districts.
TRANSPORT_ENDS = {
    "uk-itl1": ("North West", "Yorkshire and The Humber"),
    "uk-lad": ("Manchester", "Leeds"),
}


def target_choices() -> list[str]:
    """What the target picker offers: the ITL1 regions by name, then the groups."""
    return [str(n) for n in uk_itl1().places["name"]] + list(GROUPS)


def lever_table(lever: str, target: str, budget_gbp_m: float, start_month: int, months: int,
                geography: str) -> dict[str, Any]:
    """One ``[[policy]]`` table from the dashboard's pickers.

    Args:
        lever: a name of :data:`~sim.policies.levers.LEVERS`.
        target: an ITL1 region's name or code, or a group (ignored by ``transport``).
        budget_gbp_m: the total budget, GBP million.
        start_month: first recorded month the lever spends (from 1).
        months: months it spends over.
        geography: ``run.geography`` (``uk-itl1`` or ``uk-lad``).

    Returns:
        The table as a scenario file would hold it.

    Raises:
        ValueError: an unknown lever.
    """
    if lever not in LEVERS:
        raise ValueError(f"unknown lever {lever!r}; one of {', '.join(LEVERS)}")
    table: dict[str, Any] = {
        "lever": lever, "name": f"{lever} (dashboard)", "start_month": int(start_month),
        "months": int(months), "budget_gbp": float(budget_gbp_m) * 1e6,
        **LEVER_DEFAULTS.get(lever, {}),
    }
    if lever == "transport":
        table["from_place"], table["to_place"] = TRANSPORT_ENDS[geography]
    else:
        table["target"] = target
    return table


def policy_scenario(baseline: Scenario, table: dict[str, Any]) -> Scenario:
    """``baseline`` with ``table`` as its only lever (validated; a ScenarioError if not)."""
    data = baseline.to_dict()
    data["policy"] = [table]
    return parse_scenario(data, source="dashboard")

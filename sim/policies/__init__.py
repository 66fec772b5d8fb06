"""Policies: levers with budgets that act on the model through the mechanisms' hooks.

A scenario lists its policies as an array of tables, one per lever::

    [[policy]]
    lever = "business_grants"        # which lever (sim.policies.levers.LEVERS)
    target = "lagging"               # place codes or names, an ITL1 region, or a group
    start_month = 1                  # first recorded month the lever spends
    months = 36                      # months it spends over
    budget_gbp = 1.4e9               # GBP, 2019 prices
    grant_per_job_gbp = 10000.0      # the lever's own parameters

Each lever is a module of :mod:`sim.policies.levers` with its parameters (validated,
with units and ranges), its cost model and its effect; :class:`~sim.policies.engine.Policies`
runs them each recorded month, records spend by place and month (the indicator
``policy_spend``) and stops a lever when its budget is spent. The groups a target may
name are in :mod:`sim.policies.targets`.
"""

from sim.policies.engine import Policies
from sim.policies.levers import LEVERS
from sim.policies.spec import Policy, check_policies
from sim.policies.targets import GROUPS, resolve_target

__all__ = ["GROUPS", "LEVERS", "Policies", "Policy", "check_policies", "resolve_target"]

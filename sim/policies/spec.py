"""The ``[[policy]]`` tables of a scenario: one validated entry per lever.

:data:`Policy` is the union of the levers' parameter classes, told apart by their
``lever`` key; :class:`~sim.config.scenario.Scenario` holds a tuple of them
(``scenario.policy``). What needs the geography (the targets, and levers of one kind
that would contradict each other) is checked when the model is built, by
:func:`check_policies`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Union

import numpy as np
from pydantic import Field

from sim.policies.levers import LEVERS, LeverParams
from sim.policies.targets import resolve_target
from sim.world.geography import Geography

__all__ = ["Policy", "PolicyError", "check_policies"]

_CLASSES = tuple(params for params, _ in LEVERS.values())
#: One ``[[policy]]`` table: the parameters of the lever its ``lever`` key names.
Policy = (
    Annotated[Union[_CLASSES], Field(discriminator="lever")]  # noqa: UP007
    if len(_CLASSES) > 1 else _CLASSES[0]
)


class PolicyError(ValueError):
    """A policy that cannot run on this geography: ``key`` (``policy[i].target``, ...),
    ``value`` and ``reason`` name it."""

    def __init__(self, key: str, value: object, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key, self.value, self.reason = key, value, reason


def check_policies(policies: Sequence[LeverParams], geography: Geography) -> list[np.ndarray]:
    """Resolve every policy's target and refuse contradictory levers.

    Two policies of the same lever whose target places and spending months overlap are
    refused (one place cannot run two programmes of one kind at once: state them as one
    policy with the sum of their budgets).

    Returns:
        The target mask (P,) of each policy, in order.

    Raises:
        PolicyError: an unknown place, region or group; a lever that reaches no place;
            a lever's own keys that this geography cannot run
            (:meth:`~sim.policies.levers.base.LeverParams.geography_problem`);
            overlapping levers of one kind.
    """
    masks = []
    for i, p in enumerate(policies):
        try:
            mask = resolve_target(p.target, geography)
        except ValueError as exc:
            raise PolicyError(f"policy[{i}].target", p.target, str(exc)) from None
        problem = p.geography_problem(geography)
        if problem is not None:
            key, value, reason = problem
            raise PolicyError(f"policy[{i}].{key}", value, reason)
        masks.append(mask)
    for j, q in enumerate(policies):
        for i in range(j):
            p = policies[i]
            p_end, q_end = p.start_month + p.months, q.start_month + q.months
            if p.contradicts(q, masks[i], masks[j]):
                shared = int((masks[i] & masks[j]).sum())
                raise PolicyError(
                    f"policy[{j}].target", q.target,
                    f"overlaps policy[{i}] (both {p.lever!r}, {shared} places in common, "
                    f"months {max(p.start_month, q.start_month)} to {min(p_end, q_end) - 1}); "
                    "two programmes of one kind cannot run in one place at once: make them "
                    "one policy with the sum of their budgets, or separate their months",
                )
    return masks

"""Seeds for replications: independent runs of one scenario, derived from its seed.

Replication ``r`` of a scenario whose seed is ``s`` runs with the seed

.. math::

    \\text{seed}_r = \\lfloor \\text{SeedSequence}(s).\\text{spawn}(r + 1)[r]
    .\\text{generate\\_state}(1, \\text{uint64})_0 / 2 \\rfloor,

the ``r``-th child of :class:`numpy.random.SeedSequence` spawning, halved to fit the
model's seed range ``[0, 2**63)``. SeedSequence's children are built to give
streams that do not overlap, whatever the seed; the seed of replication ``r`` does not
depend on how many replications are asked for, so a sweep can add replications later.

Two scenarios with the same seed give replication ``r`` the same seed, so they share
their random numbers (common random numbers): the model draws every random number
from counter-based streams keyed by the seed, the stage and the agent
(:mod:`sim.kernels.rng`), so a change of parameters moves only the draws it must.

Example:
    >>> replication_seeds(42, 3)  # doctest: +SKIP
    [..., ..., ...]
"""

from __future__ import annotations

import numpy as np

__all__ = ["replication_seeds", "MAX_REPLICATIONS"]

#: The most replications one call derives (a guard against typing 1e9).
MAX_REPLICATIONS = 100_000


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The seeds of replications ``0 .. replications - 1`` of a scenario seeded ``seed``.

    Args:
        seed: the scenario's seed, 0 <= seed < 2**63.
        replications: how many, 1 to :data:`MAX_REPLICATIONS`.

    Returns:
        One seed per replication, each in ``[0, 2**63)``.

    Raises:
        ValueError: a seed or a count out of range.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not (
        0 <= seed < 2**63
    ):
        raise ValueError(f"seed must be an integer in [0, 2**63); got {seed!r}")
    if isinstance(replications, bool) or not isinstance(replications, (int, np.integer)) or not (
        1 <= replications <= MAX_REPLICATIONS
    ):
        raise ValueError(
            f"replications must be an integer from 1 to {MAX_REPLICATIONS}; got {replications!r}"
        )
    children = np.random.SeedSequence(int(seed)).spawn(int(replications))
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]

"""Commuting flows between places from a doubly constrained gravity model.

Wilson's (1967) doubly constrained spatial-interaction model gives the number of
people living in place ``o`` and working in place ``d`` as

.. math::

    T_{od} = a_o\\, O_o\\, b_d\\, D_d\\, f(c_{od}), \\qquad
    \\sum_d T_{od} = O_o, \\quad \\sum_o T_{od} = D_d,

with :math:`O_o` the employed residents of ``o``, :math:`D_d` the filled jobs of ``d``,
:math:`f(c) = e^{-\\beta c}` the distance decay of the travel time :math:`c_{od}` (minutes)
and the balancing factors :math:`a_o, b_d` found by iterative proportional fitting
(Deming and Stephan 1940; the Furness method in transport planning). Both margins hold
when :math:`\\sum_o O_o = \\sum_d D_d`; otherwise the rows hold and the columns are met
in proportion.

The model starts its employed workers at jobs drawn from these flows, so that every
place starts with its residents employed and its jobs filled where the data put them:
people commute into the centres that hold more jobs than residents.

=========  =========================================  ==========================
symbol     meaning                                    unit
=========  =========================================  ==========================
O_o        employed residents of place o              people
D_d        filled jobs in place d                     jobs
c_od       travel time from o to d                    minutes
beta       distance decay (``search.distance_decay``)  1 / minute
T_od       residents of o working in d                people
=========  =========================================  ==========================
"""

from __future__ import annotations

import numpy as np

__all__ = ["commuting_flows"]


def commuting_flows(
    origins: np.ndarray,
    destinations: np.ndarray,
    decay: np.ndarray,
    *,
    iterations: int = 10_000,
    tolerance: float = 1e-9,
) -> np.ndarray:
    """Doubly constrained gravity flows ``T[o, d]`` (see the module docstring).

    Args:
        origins: ``(P,)`` employed residents by place, >= 0.
        destinations: ``(P,)`` filled jobs by place, >= 0 (rescaled to the origins' total).
        decay: ``(P, P)`` deterrence ``f(c_od)`` in (0, 1], e.g. ``exp(-beta * minutes)``.
        iterations: most rounds of proportional fitting (the UK districts need about
            5,000 at the default decay: 0.4 s).
        tolerance: stop when every column is within this share of its target.

    Returns:
        ``(P, P)`` flows whose rows sum to ``origins`` and columns to ``destinations``
        (rescaled), to the tolerance.

    Raises:
        ValueError: shapes that do not agree, negative or non-finite inputs.
    """
    o = np.asarray(origins, dtype=np.float64)
    d = np.asarray(destinations, dtype=np.float64)
    f = np.asarray(decay, dtype=np.float64)
    if o.ndim != 1 or d.shape != o.shape or f.shape != (o.size, o.size):
        raise ValueError(f"origins {o.shape}, destinations {d.shape} and decay {f.shape} "
                         "must be (P,), (P,) and (P, P)")
    for name, a in (("origins", o), ("destinations", d), ("decay", f)):
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise ValueError(f"{name} must be finite and >= 0")
    if o.sum() == 0 or d.sum() == 0:
        return np.zeros_like(f)
    d = d * (o.sum() / d.sum())
    flows = f * o[:, None] * d[None, :]
    for _ in range(iterations):
        rows = flows.sum(axis=1)
        flows *= np.divide(o, rows, out=np.zeros_like(o), where=rows > 0)[:, None]
        cols = flows.sum(axis=0)
        flows *= np.divide(d, cols, out=np.zeros_like(d), where=cols > 0)[None, :]
        rows = flows.sum(axis=1)
        if np.all(np.abs(rows - o) <= tolerance * np.maximum(o, 1.0)):
            break
    return flows

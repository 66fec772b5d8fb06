r"""The bargained wage, written once for the kernels and for Python.

Nash bargaining over the weekly surplus of a match (Pissarides 2000, ch. 1): a
worker whose outside option is :math:`b` (GBP a week: the benefit level, a
reservation wage or the current wage) and who would produce :math:`y` at the firm
(GBP a week of value added) is paid

.. math:: w = b + \phi\,(y - b)

with :math:`\phi` the worker's bargaining power in the workplace's labour market.
The matching kernel prices applications with it, the flows kernel moves
incumbents' wages towards it (the going rate, with the benefit level as the
outside option), and the starting economy and entrants take it as their
potential wage. :func:`bargained_wage` works on numbers and numpy arrays;
:func:`bargained_wage_jit` is the same function compiled for use inside numba
kernels. It sits with the agents (below the kernels) so that the kernels and the
starting economy share it without the agents layer importing the kernels.
"""

from __future__ import annotations

from numba import njit

__all__ = ["bargained_wage", "bargained_wage_jit"]


def bargained_wage(outside, phi, value_added):
    """``outside + phi * (value_added - outside)``, GBP a week (numbers or arrays)."""
    return outside + phi * (value_added - outside)


#: :func:`bargained_wage` for numba kernels (inlined where it is called).
bargained_wage_jit = njit(cache=True, inline="always")(bargained_wage)

"""Comparisons: each policy against the baseline, with common random numbers.

:func:`compare` (``sim.compare``, ``placejobs compare``) runs every policy file
(:mod:`sim.compare.spec`) against the baseline scenario in replications of lockstep
pairs (:mod:`sim.compare.pairs`: one seed for both runs of a pair, identical until the
first policy month), on Dask, and writes the impact by place, indicator and period with
95% intervals, the additionality account (:mod:`sim.compare.account`: gross,
deadweight, leakage, displacement, multiplier and net additional jobs, measured from
the firm-level counterfactual, adding up exactly to the difference in employment), the
costs per net additional job (:mod:`sim.compare.impact`) and a report
(:mod:`sim.compare.report`).
"""

import sys
import types
from typing import Any

from sim.compare.api import CompareResults, compare, read_comparison

__all__ = ["CompareResults", "compare", "read_comparison"]


class _CallablePackage(types.ModuleType):
    """``sim.compare`` is both this package and the function :func:`compare`: Python binds
    the name to the package whenever a submodule is imported first (``import
    sim.compare.account``), so the package can be called like the function."""

    def __call__(self, *args: Any, **kwargs: Any) -> CompareResults:
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage

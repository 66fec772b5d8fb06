"""Comparisons: each policy against the baseline, with common random numbers.

:func:`compare` (``sim.compare``, ``placejobs compare``; the package is named
``comparison`` so that ``sim.compare`` stays the function) runs every policy file
(:mod:`sim.comparison.spec`) against the baseline scenario in replications of lockstep
pairs (:mod:`sim.comparison.pairs`: one seed for both runs of a pair, identical until the
first policy month), on Dask, and writes the impact by place, indicator and period with
95% intervals, the additionality account (:mod:`sim.comparison.account`: gross,
deadweight, leakage, displacement, multiplier and net additional jobs, measured from
the firm-level counterfactual, adding up exactly to the difference in employment), the
costs per net additional job (:mod:`sim.comparison.impact`) and a report
(:mod:`sim.comparison.report`).
"""

from sim.comparison.api import CompareResults, compare, read_comparison

__all__ = ["CompareResults", "compare", "read_comparison"]

"""Validation (layer 10): the targets of VALIDATION.md, model moments and the report.

* :mod:`sim.validation.targets`: every target, its data value, range and source.
* :mod:`sim.validation.moments`: the model statistics (matching function, flows,
  decomposition of unemployment swings, rank correlations).
* :mod:`sim.validation.report`: runs the baselines as replications on Dask, computes
  every target with its interval, writes ``validation.parquet`` and ``report.html``
  (``placejobs validate``).
"""

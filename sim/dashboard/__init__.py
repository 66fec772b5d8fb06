"""The browser dashboard (``placejobs dashboard``): a policy against its baseline, live.

A Solara app built the way Mesa's SolaraViz apps are (:mod:`sim.dashboard.app`): the
wrapper model :class:`~sim.dashboard.model.PolicyDashboardModel` steps a baseline run and
a policy run with one seed together, the lever and the main parameters are its
``model_params``, and the components draw a UK map, the time series of both runs and the
additionality account as it builds up. The state after burn-in is kept
(:mod:`sim.dashboard.cache`), so a reset after moving a lever does not rerun it.
See ``docs/dashboard.md``.
"""

"""The agents: worker and firm tables (numpy columns), Region agents, the starting economy.

* :mod:`sim.agents.tables`: the structure-of-arrays base class;
* :mod:`sim.agents.workers`, :mod:`sim.agents.firms`: the two tables and their codes;
* :mod:`sim.agents.regions`: :class:`~sim.agents.regions.Region`, a ``mesa.Agent`` per place;
* :mod:`sim.agents.economy`: the tables at the start of a run, from the place data.
"""

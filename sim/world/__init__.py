"""The world: places, their data and state, and the transport network between them.

* :mod:`sim.world.geography`: the places and travel times (ITL1 regions and synthetic
  geographies); :mod:`sim.world.geography_lad`: local authority districts;
* :mod:`sim.world.places`: :class:`~sim.world.places.PlaceState`, the slowly moving
  attributes of each place that mechanisms read and change;
* :mod:`sim.world.resources`: readers of the package data in ``sim/data``.
"""

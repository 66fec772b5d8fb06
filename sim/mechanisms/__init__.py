"""Mechanisms: the switchable parts of the month, each a module with its equations.

:mod:`sim.mechanisms.base` holds the contract every mechanism follows; one module a
mechanism (demography, knowledge, firm dynamics, green, training, remote work,
migration, the business cycle), each with its scenario section next to its equations.
"""

"""Tests of the validation layer (sim.validation)."""

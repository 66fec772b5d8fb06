"""Runs: running a scenario end to end, writing its outputs, and benchmarks."""

"""Many runs: replications, parameter sweeps on Dask, and sensitivity analysis with SALib."""

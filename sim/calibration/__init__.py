"""Calibration by the method of simulated moments: placejobs calibrate."""

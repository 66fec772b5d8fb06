"""Figures: time series and UK maps of place indicators."""

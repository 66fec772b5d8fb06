"""Access to the package data shipped in ``sim/data`` (see ``sim/data/README.md``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd

__all__ = ["data_path", "read_data_csv"]


def data_path(relative: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("uk/itl1_regions.csv")``."""
    path = Path(str(files("sim") / "data" / relative))
    if not path.exists():
        raise FileNotFoundError(f"package data file missing: sim/data/{relative}")
    return path


def read_data_csv(relative: str, **kwargs) -> pd.DataFrame:
    """Read a shipped CSV with pandas."""
    return pd.read_csv(data_path(relative), **kwargs)

"""Access to the package data shipped in ``sim/data`` (see ``sim/data/README.md``)."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["data_path", "read_data_csv", "telework_by_occupation"]


def data_path(relative: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("uk/itl1_regions.csv")``."""
    path = Path(str(files("sim") / "data" / relative))
    if not path.exists():
        raise FileNotFoundError(f"package data file missing: sim/data/{relative}")
    return path


def read_data_csv(relative: str, **kwargs) -> pd.DataFrame:
    """Read a shipped CSV with pandas."""
    return pd.read_csv(data_path(relative), **kwargs)


@lru_cache(maxsize=1)
def telework_by_occupation() -> np.ndarray:
    """Teleworkable share of jobs by UK SOC 2010 major group, (9,), read-only.

    Central values of ``uk/wfh_by_occupation.csv`` (ESTIMATES mapped from Dingel and
    Neiman 2020; see ``sim/data/README.md``).
    """
    table = read_data_csv("uk/wfh_by_occupation.csv")
    table = table[table.iloc[:, 0].astype(str).str.fullmatch(r"\d")]
    shares = np.ascontiguousarray(table.iloc[:, 2].astype(float).to_numpy(), dtype=np.float64)
    shares.setflags(write=False)
    return shares

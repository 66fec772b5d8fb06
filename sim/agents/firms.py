"""Firms: the firm agent table (one row per firm, or establishment).

Columns and units (``Firms.SCHEMA``):

================  =======  ===============================================
column            dtype    meaning
================  =======  ===============================================
place             int16    place of the workplace
sector            int8     index into ``SECTOR_NAMES``
productivity      float32  weekly value added per efficiency unit of
                           labour, GBP a week
skill_demand      int8     skill level the firm's jobs use (0, 1, 2)
employment        int32    workers employed (agents)
target_size       int32    jobs the firm wants filled (agents)
vacancies         int32    open vacancies this month
teleworkable      float32  share of the firm's jobs that can be hybrid
rd_spending       float32  R&D spending, GBP million a year (per agent firm)
age_months        int16    months since entry
alive             bool     False for a free row (the firm has exited)
loss_months       int16    consecutive months of losses
================  =======  ===============================================
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.tables import AgentTable

__all__ = ["Firms", "SECTOR_NAMES"]

SECTOR_NAMES = (
    "manufacturing",
    "construction and green infrastructure",
    "everyday services",
    "business services",
    "knowledge and R&D intensive",
)


class Firms(AgentTable):
    """The firm table. See the module docstring for the columns."""

    KIND = "Firm"
    SCHEMA = {
        "place": np.dtype(np.int16),
        "sector": np.dtype(np.int8),
        "productivity": np.dtype(np.float32),
        "skill_demand": np.dtype(np.int8),
        "employment": np.dtype(np.int32),
        "target_size": np.dtype(np.int32),
        "vacancies": np.dtype(np.int32),
        "teleworkable": np.dtype(np.float32),
        "rd_spending": np.dtype(np.float32),
        "age_months": np.dtype(np.int16),
        "alive": np.dtype(np.bool_),
        "loss_months": np.dtype(np.int16),
    }

    def _describe(self, values: dict[str, Any]) -> dict[str, Any]:
        values["sector_name"] = SECTOR_NAMES[values["sector"]]
        return values

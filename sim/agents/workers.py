"""Workers: the worker agent table (one row per person of working age).

Columns and units (``Workers.SCHEMA``):

=================  =======  ==============================================
column             dtype    meaning
=================  =======  ==============================================
home               int16    place of residence (index into the geography)
age_months         int16    age in months
skill              int8     0 basic (below Level 3), 1 intermediate
                            (Level 3), 2 advanced (Level 4+, degree)
human_capital      float32  productivity within the skill level (mean 1)
occupation         int8     UK SOC 2010 major group, 0..8 (group 1..9)
status             int8     0 employed, 1 unemployed, 2 inactive, 3 training,
                            4 absent (a free row: retired, not yet refilled)
employer           int32    firm row, -1 when not employed
wage               float32  GBP a week (the last wage when not employed)
months_unemployed  int16    length of the current unemployment spell
reservation_wage   float32  lowest acceptable wage net of commuting, GBP/wk
constrained        bool     caring or disability constraint (works only
                            remotely or close to home)
remote_capable     bool     occupation teleworkable and home has broadband
remote             bool     the current job is remote or hybrid
origin             int16    place where the worker grew up (cohorts)
training_left      int16    months of training still to do (0 = none)
trained_with       int16    place of an employer-linked course (-1 none)
=================  =======  ==============================================
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.tables import AgentTable

__all__ = [
    "Workers",
    "EMPLOYED",
    "UNEMPLOYED",
    "INACTIVE",
    "TRAINING",
    "ABSENT",
    "STATUS_NAMES",
    "SKILL_NAMES",
    "OCCUPATION_NAMES",
]

EMPLOYED, UNEMPLOYED, INACTIVE, TRAINING, ABSENT = 0, 1, 2, 3, 4
STATUS_NAMES = ("employed", "unemployed", "inactive", "training", "absent")
SKILL_NAMES = ("basic", "intermediate", "advanced")
OCCUPATION_NAMES = (
    "Managers, directors and senior officials",
    "Professional occupations",
    "Associate professional and technical occupations",
    "Administrative and secretarial occupations",
    "Skilled trades occupations",
    "Caring, leisure and other service occupations",
    "Sales and customer service occupations",
    "Process, plant and machine operatives",
    "Elementary occupations",
)

class Workers(AgentTable):
    """The worker table. See the module docstring for the columns."""

    KIND = "Worker"
    SCHEMA = {
        "home": np.dtype(np.int16),
        "age_months": np.dtype(np.int16),
        "skill": np.dtype(np.int8),
        "human_capital": np.dtype(np.float32),
        "occupation": np.dtype(np.int8),
        "status": np.dtype(np.int8),
        "employer": np.dtype(np.int32),
        "wage": np.dtype(np.float32),
        "months_unemployed": np.dtype(np.int16),
        "reservation_wage": np.dtype(np.float32),
        "constrained": np.dtype(np.bool_),
        "remote_capable": np.dtype(np.bool_),
        "remote": np.dtype(np.bool_),
        "origin": np.dtype(np.int16),
        "training_left": np.dtype(np.int16),
        "trained_with": np.dtype(np.int16),
    }

    def add_absent(self, n: int) -> np.ndarray:
        """Grow the table by ``n`` free rows (absent, no employer, no course); their rows."""
        old = len(self)
        self.grow(n)
        self.status[old:] = ABSENT
        self.employer[old:] = -1
        self.trained_with[old:] = -1
        return np.arange(old, old + n)

    def enter(self, rows: np.ndarray, *, home: np.ndarray, age_months: np.ndarray | int,
              skill: np.ndarray, human_capital: np.ndarray, occupation: np.ndarray,
              status: np.ndarray, wage: np.ndarray, reservation_wage: np.ndarray,
              remote_capable: np.ndarray) -> None:
        """Write newcomers (entrants, immigrants) into ``rows``: what is given, and the
        rest as for someone new (grew up at home, no employer, no spell, not in a remote
        job, no constraint, no course; the constraint is assigned by the remote-work
        mechanism)."""
        self.home[rows] = home
        self.origin[rows] = home
        self.age_months[rows] = age_months
        self.skill[rows] = skill
        self.human_capital[rows] = human_capital
        self.occupation[rows] = occupation
        self.status[rows] = status
        self.employer[rows] = -1
        self.wage[rows] = wage
        self.months_unemployed[rows] = 0
        self.reservation_wage[rows] = reservation_wage
        self.constrained[rows] = False
        self.remote_capable[rows] = remote_capable
        self.remote[rows] = False
        self.training_left[rows] = 0
        self.trained_with[rows] = -1

    def _describe(self, values: dict[str, Any]) -> dict[str, Any]:
        values["status_name"] = STATUS_NAMES[values["status"]]
        values["skill_name"] = SKILL_NAMES[values["skill"]]
        values["occupation_name"] = OCCUPATION_NAMES[values["occupation"]]
        return values

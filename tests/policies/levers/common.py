"""Shared set-up of the lever tests: a small UK run, its baseline, and per-month probes.

Every lever test runs the same small scenario (``scenarios/small.toml``: 12 ITL1
regions, 1 agent per 2,000 people, 12 burn-in and 12 recorded months) with seed 7, with
and without one ``[[policy]]`` table: common random numbers make the two runs identical
until the lever's first month, so any difference after it is the lever's doing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from sim.config.scenario import Scenario, parse_scenario
from sim.core.model import LabourMarket
from sim.mechanisms.green import GREEN_SECTOR

SMALL = Path(__file__).resolve().parents[3] / "scenarios" / "small.toml"
SEED = 7
MONTHS = 12
#: The lever tables' common keys: spending months 4 to 9 of 12.
START, SPAN = 4, 6


def base_scenario(**sections: dict[str, Any]) -> Scenario:
    """The small scenario (12 + 12 months), with ``sections`` changed (e.g. ``green=...``)."""
    s = sim.load_scenario(SMALL).with_overrides(months=MONTHS, burn_in_months=12)
    if not sections:
        return s
    d = s.to_dict()
    for name, values in sections.items():
        d[name] = {**d[name], **values}
    return parse_scenario(d)


def with_policy(scenario: Scenario, *tables: dict[str, Any]) -> Scenario:
    """``scenario`` with ``[[policy]]`` tables (each gets start_month and months unless
    given)."""
    d = scenario.to_dict()
    d["policy"] = [{"start_month": START, "months": SPAN, **t} for t in tables]
    return parse_scenario(d)


@dataclass
class Run:
    """A finished run: its place frame and per-month probes, arrays (months, P)."""

    model: LabourMarket
    places: pd.DataFrame
    probes: dict[str, np.ndarray]

    def frame(self, column: str) -> np.ndarray:
        """(months, P) values of a place indicator, in the geography's place order."""
        codes = [str(c) for c in self.model.geography.places.index]
        wide = self.places.pivot(index="month", columns="place", values=column)
        return wide[codes].to_numpy(dtype=float)


def _probe(m: LabourMarket) -> dict[str, np.ndarray]:
    s, f = m.state, m.firms
    green = m.mechanisms["green"]
    live1 = f.alive & (f.sector == GREEN_SECTOR)
    return {
        "broadband": s.places.broadband_share.copy(),
        "rd_public": s.places.rd_public_gbp_m.copy(),
        "knowledge": s.places.knowledge_stock.copy(),
        "funding": m.mechanisms["training"].funding.copy(),  # (P, 2): basic, intermediate
        "linked": m.mechanisms["training"].linked_share.copy(),
        "entries": m.mechanisms["training"].entries.astype(float),
        "programme_jobs": np.asarray(green.programme_jobs, dtype=float).copy(),
        "programme_size": green.programme_size.copy(),
        "sector1_jobs": np.bincount(f.place[live1], weights=f.employment[live1],
                                    minlength=s.n_places),
    }


def run(scenario: Scenario) -> Run:
    """Run ``scenario`` with seed :data:`SEED`, probing the state after each month."""
    m = LabourMarket(scenario, rng=SEED)
    probes: dict[str, list[np.ndarray]] = {}
    for _ in range(scenario.run.months):
        m.step()
        for k, v in _probe(m).items():
            probes.setdefault(k, []).append(v)
    return Run(m, m.places_frame(), {k: np.stack(v) for k, v in probes.items()})


@cache
def baseline() -> Run:
    """The baseline run (shared by the tests of one session)."""
    return run(base_scenario())


def mask(model: LabourMarket, codes: list[str]) -> np.ndarray:
    """(P,) bool over the geography's places."""
    return np.isin([str(c) for c in model.geography.places.index], codes)


def assert_identical_before(policy: Run, base: Run, start: int = START) -> None:
    """The place and national frames of two runs are equal before ``start``."""
    a = policy.places[policy.places.month < start].reset_index(drop=True)
    b = base.places[base.places.month < start].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    na, nb = policy.model.national_frame(), base.model.national_frame()
    pd.testing.assert_frame_equal(na[na.month < start].reset_index(drop=True),
                                  nb[nb.month < start].reset_index(drop=True))
    for k, v in policy.probes.items():
        np.testing.assert_array_equal(v[: start - 1], base.probes[k][: start - 1], err_msg=k)


def assert_spend(policy: Run, targets: np.ndarray, budget: float, start: int = START,
                 span: int = SPAN) -> np.ndarray:
    """Spend (the ``policy_spend`` indicator) only in target places and spending months,
    never above the budget, and equal to what the lever counted. Returns (months, P)."""
    spend = policy.frame("policy_spend")
    months = np.arange(1, spend.shape[0] + 1)
    inside = (months >= start) & (months < start + span)
    assert (spend >= 0).all()
    assert (spend[:, ~targets] == 0).all(), "spend outside the target places"
    assert (spend[~inside] == 0).all(), "spend outside the spending months"
    assert spend[inside][:, targets].sum() > 0, "no spend at all"
    total = spend.sum()
    assert total <= budget * (1 + 1e-9)
    lever = policy.model.mechanisms["policy"].levers[0]
    np.testing.assert_allclose(total, lever.spent, rtol=1e-12)
    # The flat profile with carry-over: by month m at most (m - start + 1) B / M.
    cum = np.cumsum(spend.sum(axis=1))
    allowed = np.clip(months - start + 1, 0, span) * budget / span
    assert (cum <= allowed * (1 + 1e-9) + 1e-6).all()
    return spend

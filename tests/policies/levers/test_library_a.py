"""The scenario library's files of these levers: a [run] name and description and their
[[policy]] tables only, valid against the baseline, and within budget for three months."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from sim.config.scenario import parse_scenario
from sim.core.model import LabourMarket
from tests.policies.levers.common import SMALL, base_scenario

FILES = ("net_zero", "skills_funding", "digital_infrastructure", "rd_diffusion",
         "rd_golden_triangle")


@pytest.mark.parametrize("name", FILES)
def test_library_file_runs_within_its_allowance(name: str) -> None:
    path = SMALL.parent / "policies" / f"{name}.toml"
    assert Path(path).read_text().startswith("# Question")
    data = tomllib.loads(path.read_text())
    assert set(data) == {"run", "policy"}
    assert set(data["run"]) == {"name", "description"}
    d = base_scenario().to_dict()
    d["run"] = {**d["run"], **data["run"], "months": 3}
    d["policy"] = data["policy"]
    m = LabourMarket(parse_scenario(d, source=str(path)), rng=1)
    for _ in range(3):
        m.step()
    spend = m.places_frame().policy_spend.to_numpy()
    p = data["policy"][0]
    assert 0 < spend.sum() <= 3 * p["budget_gbp"] / p["months"] * (1 + 1e-9)
    assert np.isfinite(spend).all()

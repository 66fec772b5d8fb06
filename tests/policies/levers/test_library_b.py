"""The scenario library's policy files for transport, place institutions, early years,
business grants, the levelling-up package and the validation's local stimulus: they read,
hold only ``[run]`` (name and description) and ``[[policy]]`` tables, open with their
question and budget source, and their targets resolve on the geography they are written
for."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import sim
from sim.policies import LEVERS, check_policies
from sim.world.geographies import load_geography

LIBRARY = Path(__file__).resolve().parents[3] / "scenarios" / "policies"
#: File -> the geographies its targets are written for.
FILES = {
    "transport.toml": ("uk-lad",),
    "place_institutions.toml": ("uk-itl1", "uk-lad"),
    "early_years.toml": ("uk-itl1", "uk-lad"),
    "business_grants.toml": ("uk-itl1", "uk-lad"),
    "levelling_up_package.toml": ("uk-lad",),
    "local_stimulus.toml": ("uk-lad",),
}
#: The levers of both sets of issue 10 (the package combines them).
ALL_LEVERS = {"business_grants", "transport", "place_institutions", "early_years",
              "net_zero", "skills_funding", "digital_infrastructure", "rd_diffusion"}


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_policy_file_is_a_question_a_budget_and_its_policies(name):
    text = (LIBRARY / name).read_text()
    head = text.split("[run]")[0]
    assert head.startswith("# Question:")
    assert "Budget" in head and "GBP" in head
    data = tomllib.loads(text)
    assert set(data) == {"run", "policy"}
    assert set(data["run"]) == {"name", "description"}
    assert data["run"]["name"] == name.removesuffix(".toml")
    assert {p["lever"] for p in data["policy"]} <= ALL_LEVERS
    assert all(p["budget_gbp"] > 0 for p in data["policy"])


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_policy_file_reads_and_its_targets_resolve(name):
    levers = {p["lever"] for p in tomllib.loads((LIBRARY / name).read_text())["policy"]}
    if not levers <= set(LEVERS):
        pytest.skip(f"levers not on this branch: {sorted(levers - set(LEVERS))}")
    scenario = sim.load_scenario(LIBRARY / name)
    assert len(scenario.policy) == len(tomllib.loads((LIBRARY / name).read_text())["policy"])
    for geography in FILES[name]:
        masks = check_policies(scenario.policy, load_geography(geography))
        assert all(m.any() for m in masks)

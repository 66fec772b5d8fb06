"""The [[policy]] tables: validation, one-line errors, refusal of contradictory levers."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

import sim
from sim.config.scenario import ScenarioError, parse_scenario
from sim.config.show import scenario_to_toml

BASE = {"run": {"geography": "uk-itl1", "scale": 0.001, "burn_in_months": 2, "months": 2}}
GRANTS = {"lever": "business_grants", "target": "lagging", "budget_gbp": 1e8}


def _scenario(*policies):
    return parse_scenario({**BASE, "policy": [dict(p) for p in policies]}, source="p.toml")


def test_a_policy_round_trips_through_show():
    s = _scenario(GRANTS, {**GRANTS, "target": ["TLI", "London"], "start_month": 40,
                           "grant_per_job_gbp": 5000.0})
    assert len(s.policy) == 2 and s.policy[1].target == ("TLI", "London")
    back = parse_scenario(tomllib.loads(scenario_to_toml(s)), source="shown")
    assert back.policy == s.policy
    assert s.to_dict()["policy"][0]["lever"] == "business_grants"


@pytest.mark.parametrize(("table", "message"), [
    ({**GRANTS, "lever": "bogus"}, "p.toml: policy[0].lever = \"bogus\": must be one of"),
    ({k: v for k, v in GRANTS.items() if k != "lever"}, "p.toml: policy[0].lever: missing"),
    ({**GRANTS, "budget_gbp": -5.0}, "p.toml: policy[0].budget_gbp = -5.0: must be > 0.0"),
    ({**GRANTS, "months": 0}, "p.toml: policy[0].months = 0: must be >= 1"),
    ({**GRANTS, "colour": 3}, "p.toml: policy[0].colour = 3: unknown key; [[policy]] of lever "
                              "\"business_grants\" allows: lever, name, target"),
    ({**GRANTS, "budget_gbp": "lots"}, "p.toml: policy[0].budget_gbp = \"lots\": "),
])
def test_bad_tables_are_refused_in_one_line(table, message):
    with pytest.raises(ScenarioError) as info:
        _scenario(table)
    text = str(info.value)
    assert text.startswith(message), text
    assert "\n" not in text


def _build(tmp_path, *policies):
    path = tmp_path / "p.toml"
    lines = ["[run]", "scale = 0.001", "burn_in_months = 2", "months = 2"]
    for p in policies:
        lines.append("[[policy]]")
        lines += [f"{k} = {v!r}".replace("'", '"') for k, v in p.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_targets_and_overlaps_are_checked_against_the_geography(tmp_path):
    bad = _build(tmp_path, {**GRANTS, "target": "Atlantis"})
    with pytest.raises(ScenarioError, match=r"policy\[0\]\.target = \"Atlantis\": unknown place"):
        sim.LabourMarket(sim.load_scenario(bad), rng=1)
    overlap = _build(tmp_path, GRANTS, {**GRANTS, "target": "all", "start_month": 30})
    with pytest.raises(ScenarioError, match=r"policy\[1\]\.target = \"all\": overlaps policy\[0\]"):
        sim.LabourMarket(sim.load_scenario(overlap), rng=1)
    # The same lever in other places, or in later months, is fine.
    ok = _build(tmp_path, GRANTS, {**GRANTS, "target": "golden-triangle"},
                {**GRANTS, "start_month": 37})
    model = sim.LabourMarket(sim.load_scenario(ok), rng=1)
    assert len(model.mechanisms["policy"].levers) == 3


def test_the_command_line_stops_with_status_2(tmp_path):
    bad = _build(tmp_path, {**GRANTS, "budget_gbp": -1.0})
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {bad}: policy[0].budget_gbp = -1.0: must be > 0.0"]
    assert not (tmp_path / "out").exists()


def test_transport_links_of_a_corridor_may_share_an_end():
    from sim.policies.spec import PolicyError, check_policies
    from sim.world.geographies import geography_from_options

    geo = geography_from_options("uk-itl1", {})
    link = {"lever": "transport", "budget_gbp": 1e9, "minutes_saved": 10.0}
    corridor = _scenario({**link, "from_place": "TLD", "to_place": "TLE"},
                         {**link, "from_place": "TLE", "to_place": "TLC"})
    assert len(check_policies(corridor.policy, geo)) == 2
    same = _scenario({**link, "from_place": "TLD", "to_place": "TLE"},
                     {**link, "from_place": "TLE", "to_place": "TLD", "start_month": 20})
    with pytest.raises(PolicyError, match=r"overlaps policy\[0\]"):
        check_policies(same.policy, geo)
    later = _scenario({**link, "from_place": "TLD", "to_place": "TLE", "months": 12},
                      {**link, "from_place": "TLE", "to_place": "TLD", "start_month": 13})
    assert len(check_policies(later.policy, geo)) == 2

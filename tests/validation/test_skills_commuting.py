"""The skills-policy target (Dawid, Harting and Neugart 2014): the share of the target
regions' residents' extra employment after the policy that is in jobs elsewhere."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.comparison.spec import policy_scenarios
from sim.validation.report import SKILLS_FILE, _with_skills_commuting, skills_outside_shares
from sim.validation.targets import TARGETS

ROOT = Path(__file__).resolve().parents[2]
MONTHS = 60
TARGET = ["TLC", "TLL"]


@pytest.fixture(scope="module")
def policy():
    """The library's skills funding on the region baseline (courses in months 1-36)."""
    base = sim.load_scenario(ROOT / "scenarios" / "baseline.toml")
    return policy_scenarios([ROOT / "scenarios" / SKILLS_FILE], base)[0].scenario


def _places(folder: Path, pairs: dict[int, dict[str, dict[str, np.ndarray]]]) -> None:
    """Per-pair places parts as ``placejobs compare`` writes them: for each replication,
    run (``baseline``, ``policy``) and place, monthly ``employed`` and ``jobs`` (filled
    jobs located there, written as ``jobs_per_resident_worker``)."""
    for part in ("places", "account"):
        (folder / "runs" / part).mkdir(parents=True)
    for r, runs in pairs.items():
        rows = []
        for run, cols in runs.items():
            for p, place in enumerate([*TARGET, "TLI"]):
                for m in range(MONTHS):
                    employed = cols["employed"][p, m]
                    rows.append({"scenario": "skills-funding", "replication": r, "run": run,
                                 "month": m + 1, "place": place, "employed": employed,
                                 "jobs_per_resident_worker": cols["jobs"][p, m] / employed})
        name = f"part-000000-{r:04d}.parquet"
        pd.DataFrame(rows).to_parquet(folder / "runs" / "places" / name)
        pd.DataFrame({"replication": [r]}).to_parquet(folder / "runs" / "account" / name)


def _result(folder: Path) -> SimpleNamespace:
    return SimpleNamespace(out=folder, info={"policies": [{"targets": TARGET}]})


def _pair(rng, extra_employed: float, extra_jobs: float):
    base = {"employed": rng.uniform(1e4, 2e4, (3, MONTHS)),
            "jobs": rng.uniform(1e4, 2e4, (3, MONTHS))}
    policy = {k: v.copy() for k, v in base.items()}
    policy["employed"][:2, 36:] += extra_employed / 2  # after the policy, target places
    policy["jobs"][:2, 36:] += extra_jobs / 2
    policy["employed"][:2, :36] += 1e5  # policy months: must not count
    policy["employed"][2] += 7e4  # London: not a target, must not count
    return {"baseline": base, "policy": policy}


def test_the_share_is_extra_out_commuting_over_extra_employment_after_the_policy(tmp_path,
                                                                                 policy):
    rng = np.random.default_rng(5)
    _places(tmp_path, {0: _pair(rng, 100.0, 40.0), 1: _pair(rng, 50.0, -25.0)})
    got = skills_outside_shares(_result(tmp_path), policy)
    np.testing.assert_allclose(got, [0.6, 1.5], rtol=1e-9)


def test_a_pair_without_extra_employment_has_no_share(tmp_path, policy):
    rng = np.random.default_rng(6)
    _places(tmp_path, {0: _pair(rng, -10.0, 5.0), 1: _pair(rng, 10.0, 10.0)})
    got = skills_outside_shares(_result(tmp_path), policy)
    assert np.isnan(got[0]) and got[1] == pytest.approx(0.0, abs=1e-9)


def test_the_row_is_the_ratio_of_the_pairs_means(tmp_path, policy):
    """A pair whose extra employment is small (its share 1.5 on 2 workers) weighs by its
    extra employment, not as much as a pair with 100: (60 + 3) / (100 + 2), where the mean
    of the shares would be (0.6 + 1.5) / 2."""
    rng = np.random.default_rng(8)
    _places(tmp_path, {0: _pair(rng, 100.0, 40.0), 1: _pair(rng, 2.0, -1.0)})
    name = "commuting_spreads_skills_policy"
    table = pd.DataFrame([{"target": name, "model_value": np.nan, "ci_low": np.nan,
                           "ci_high": np.nan, "replications": 0, "status": "not evaluated",
                           "inside": pd.NA, "note": TARGETS[name].note}])
    row = _with_skills_commuting(table, _result(tmp_path), policy, Path(SKILLS_FILE)).iloc[0]
    assert row["model_value"] == pytest.approx(63.0 / 102.0, rel=1e-6)


@pytest.mark.parametrize(("jobs", "status"), [(50.0, "inside"), (90.0, "missed")])
def test_the_row_takes_the_mean_and_its_status(tmp_path, policy, jobs, status):
    rng = np.random.default_rng(7)
    _places(tmp_path, {0: _pair(rng, 100.0, jobs), 1: _pair(rng, 100.0, jobs - 2.0)})
    name = "commuting_spreads_skills_policy"
    t = TARGETS[name]
    table = pd.DataFrame([{"target": name, "model_value": np.nan, "ci_low": np.nan,
                           "ci_high": np.nan, "replications": 0, "status": "not evaluated",
                           "inside": pd.NA, "note": t.note}])
    row = _with_skills_commuting(table, _result(tmp_path), policy, Path(SKILLS_FILE)).iloc[0]
    assert row["model_value"] == pytest.approx(1.0 - (jobs - 1.0) / 100.0, rel=1e-9)
    assert row["ci_low"] < row["model_value"] < row["ci_high"]
    assert row["status"] == status and bool(row["inside"]) == (status == "inside")
    assert row["replications"] == 2

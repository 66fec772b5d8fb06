"""The local-stimulus target: the share of a stimulus's extra jobs taken by people living
elsewhere, from the additionality account of each pair of a comparison."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.comparison.spec import policy_scenarios
from sim.validation.report import (
    LOCAL_STIMULUS_FILE,
    _with_local_spillover,
    local_spillover_shares,
)
from sim.validation.targets import TARGETS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy():
    """The library's local stimulus on the district baseline (grants in months 1-24)."""
    base = sim.load_scenario(ROOT / "scenarios" / "baseline-lad.toml")
    return policy_scenarios([ROOT / "scenarios" / LOCAL_STIMULUS_FILE], base)[0].scenario


def _account(folder: Path, terms_by_pair: dict[int, dict[str, np.ndarray]]) -> None:
    """Per-pair account parts as ``placejobs compare`` writes them (one row per month,
    area and term)."""
    (folder / "runs" / "account").mkdir(parents=True)
    for r, terms in terms_by_pair.items():
        rows = []
        for term, monthly in terms.items():
            for area in ("target", "UK"):
                scale = 1.0 if area == "target" else 10.0  # the UK rows must be ignored
                rows += [{"scenario": "local_stimulus", "replication": r, "seed": 1,
                          "month": m + 1, "area": area, "term": term,
                          "value": scale * v} for m, v in enumerate(monthly)]
        pd.DataFrame(rows).to_parquet(folder / "runs" / "account" / f"part-000000-{r:04d}.parquet")


def test_the_share_sums_the_policy_months_of_the_target_area(tmp_path, policy):
    months = 36
    rng = np.random.default_rng(3)
    pairs = {r: {t: rng.uniform(0.0, 100.0, months) for t in ("gross", "deadweight",
                                                              "leakage")} for r in range(3)}
    for terms in pairs.values():
        terms["gross"] += 150.0  # extra jobs positive in every month
    _account(tmp_path, pairs)
    got = local_spillover_shares(SimpleNamespace(out=tmp_path), policy)
    # The policy spends in months 1-24: the months after do not count.
    want = [t["leakage"][:24].sum() / (t["gross"][:24] - t["deadweight"][:24]).sum()
            for t in pairs.values()]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_a_pair_without_extra_jobs_has_no_share(tmp_path, policy):
    flat = {"gross": np.full(36, 5.0), "deadweight": np.full(36, 5.0),
            "leakage": np.full(36, 1.0)}
    _account(tmp_path, {0: flat, 1: {**flat, "gross": np.full(36, 9.0)}})
    got = local_spillover_shares(SimpleNamespace(out=tmp_path), policy)
    assert np.isnan(got[0]) and got[1] == pytest.approx(0.25)


@pytest.mark.parametrize(("leak", "status"), [(60.0, "inside"), (30.0, "missed")])
def test_the_row_takes_the_mean_and_its_status(tmp_path, policy, leak, status):
    pairs = {r: {"gross": np.full(36, 100.0), "deadweight": np.zeros(36),
                 "leakage": np.full(36, leak + r)} for r in range(2)}
    _account(tmp_path, pairs)
    name = "local_stimulus_spills_over"
    t = TARGETS[name]
    table = pd.DataFrame([{"target": name, "model_value": np.nan, "ci_low": np.nan,
                           "ci_high": np.nan, "replications": 0, "status": "not evaluated",
                           "inside": pd.NA, "note": t.note}])
    row = _with_local_spillover(table, SimpleNamespace(out=tmp_path), policy,
                                Path(LOCAL_STIMULUS_FILE)).iloc[0]
    assert row["model_value"] == pytest.approx((leak + 0.5) / 100.0)
    assert row["ci_low"] < row["model_value"] < row["ci_high"]
    assert row["status"] == status and bool(row["inside"]) == (status == "inside")
    assert row["replications"] == 2

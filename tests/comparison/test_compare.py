"""End-to-end comparisons: a policy against itself, intervals against replications, Dask.

Tiny economies (12 ITL1 regions at 1:1,000, 12 months of burn-in, 12 recorded months):
a pair of runs takes under a second once the kernels are cached.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.comparison.api import compare, read_comparison
from sim.runs.replications import replication_seeds

BASE = """\
[run]
name = "tiny"
geography = "uk-itl1"
scale = 0.001
seed = 11
burn_in_months = 12
months = 12
"""
GRANTS = """\
[run]
name = "grants"
description = "grants to the lagging third"

[[policy]]
lever = "business_grants"
target = "lagging"
start_month = 1
months = 12
budget_gbp = 4e8
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("base", BASE), ("grants", GRANTS), ("itself", "")):
        out[name] = tmp_path / f"{name}.toml"
        out[name].write_text(text, encoding="utf-8")
    return out


def test_a_policy_file_without_levers_gives_exactly_zero(files, tmp_path):
    res = compare(files["base"], [files["itself"]], replications=2, out=tmp_path / "o",
                  workers=0, progress=False, report=False)
    assert set(res.impact["scenario"]) == {"itself"}
    assert (res.impact["difference"].fillna(0) == 0).all()
    assert (res.impact["ci_low"].fillna(0) == 0).all()
    assert (res.account["value"] == 0).all()
    assert (res.account["ci_high"] == 0).all()
    assert res.impact["period"].isin(["whole", "month"]).all()  # no lever: no policy months


def test_grants_report_and_rerun_reuses_the_pairs(files, tmp_path):
    out = tmp_path / "o"
    res = compare(files["base"], [files["grants"]], replications=2, out=out, workers=0,
                  progress=False)
    info = res.info
    assert info["replication_seeds"] == replication_seeds(11, 2)
    assert info["execution"]["tasks_run"] == 2
    for name in ("impact.parquet", "account.parquet", "costs.parquet", "report.html",
                 "compare.json", "effects-grants.png", "paths-grants.png", "map-grants-itl1.png"):
        assert (out / name).is_file(), name
    assert len(list((out / "runs" / "account").glob("part-*.parquet"))) == 2
    # every column of every table has a unit, in its metadata and in columns.md
    text = (out / "columns.md").read_text(encoding="utf-8")
    tables = [out / "impact.parquet", out / "account.parquet", out / "costs.parquet",
              *(next((out / "runs" / p).glob("part-*.parquet"))
                for p in ("places", "national", "account"))]
    for path in tables:
        table = path.name if path.parent == out else f"runs/{path.parent.name}"
        assert f"## `{table}`" in text, table
        for field in pq.read_schema(path):
            assert (field.metadata or {}).get(b"unit"), (table, field.name)
            assert f"| `{field.name}` |" in text, (table, field.name)
    acc = res.account[res.account["period"] == "whole"].set_index(["area", "term"])["value"]
    for area in ("target", "UK"):
        t = acc.loc[area]
        assert t["net"] == pytest.approx(t["gross"] - t["deadweight"] - t["leakage"]
                                         - t["displacement"] + t["multiplier"], rel=1e-9)
        assert t["net"] == pytest.approx(t["measured"], rel=1e-9, abs=1e-6)
    imp = res.impact.set_index(["area", "indicator", "period"])
    assert imp.loc[("UK", "employed", "whole"), "difference"] == pytest.approx(
        acc.loc[("UK", "net")], rel=1e-9)
    assert imp.loc[("target", "employed", "whole"), "difference"] == pytest.approx(
        acc.loc[("target", "net")], rel=1e-9)
    cost = res.costs[(res.costs["period"] == "whole") & (res.costs["area"] == "UK")
                     & (res.costs["per"] == "net additional job")].iloc[0]
    assert cost["spend_gbp"] > 0 and cost["cost_gbp"] == pytest.approx(
        cost["spend_gbp"] / cost["net"])
    # The time path: one row a month for jobs and for good jobs, in each area.
    path = res.costs[res.costs["period"] == "month"]
    assert path.groupby(["area", "per"]).size().to_dict() == {
        (a, p): 12 for a in ("UK", "target")
        for p in ("net additional good job", "net additional job")}
    again = compare(files["base"], [files["grants"]], replications=2, out=out, workers=0,
                    progress=False, report=False)
    assert again.info["execution"]["tasks_run"] == 0
    pd.testing.assert_frame_equal(again.impact, res.impact)
    assert read_comparison(out).impact.shape == res.impact.shape


def _widths(res, reps: int) -> pd.Series:
    imp = res.impact
    rows = imp[(imp["period"] == "whole") & ~imp["area"].isin(["UK", "target"])
               & imp["indicator"].isin(["employed", "unemployed", "good_jobs",
                                        "unemployment_rate", "employment_rate",
                                        "jobs_at_workplace"])]
    return (rows.set_index(["area", "indicator"])["ci_high"]
            - rows.set_index(["area", "indicator"])["ci_low"])


def test_intervals_narrow_as_one_over_root_r(files, tmp_path):
    """Replication r has the same seed whatever R, so R=4 is the first 4 pairs of R=16.

    Width = 2 t_{R-1} s_R / sqrt(R). Taking out the t quantiles, the standard errors
    s_4/2 and s_16/4 should stand in the ratio 2 (1/sqrt(R)), times s_4/s_16, whose
    spread with 3 degrees of freedom is wide for one cell (90%: 0.34 to 1.6) but whose
    median over the ~70 place x indicator cells is near 0.9 (the median of
    sqrt(chi2_3 / 3)): we require a median ratio of standard errors in [1.2, 3.3], which
    fails if intervals did not shrink with R (ratio 1) or shrank as 1/R (ratio 4).
    """
    from scipy import stats

    r4 = compare(files["base"], [files["grants"]], replications=4, out=tmp_path / "r4",
                 workers=0, progress=False, report=False)
    r16 = compare(files["base"], [files["grants"]], replications=16, out=tmp_path / "r16",
                  workers=0, progress=False, report=False)
    w4, w16 = _widths(r4, 4), _widths(r16, 16)
    ok = (w16 > 0) & (w4 > 0)
    assert ok.sum() >= 30
    se_ratio = (w4[ok] / stats.t.ppf(0.975, 3)) / (w16[ok] / stats.t.ppf(0.975, 15))
    print("median ratio of standard errors, R=4 to R=16:", float(np.median(se_ratio)))
    assert 1.2 <= float(np.median(se_ratio)) <= 3.3, float(np.median(se_ratio))


def test_pairs_on_dask_equal_pairs_in_process(files, tmp_path):
    here = compare(files["base"], [files["grants"]], replications=2, out=tmp_path / "a",
                   workers=0, progress=False, report=False)
    dask = sim.compare(files["base"], [files["grants"]], replications=2,
                       out=tmp_path / "b", workers=1, progress=False, report=False)
    assert dask.info["execution"]["workers"] == 1
    pd.testing.assert_frame_equal(here.impact, dask.impact)
    pd.testing.assert_frame_equal(here.account, dask.account)

"""The target registry covers every figure of VALIDATION.md and the issue's thresholds."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from sim.validation.targets import (
    GROUPS,
    TARGETS,
    census_cross_region_share,
    workplace_ratio_data,
)

#: Each row of the tables of VALIDATION.md (its first cell, lower case) and its targets.
VALIDATION_ROWS = {
    "unemployed who find work, per month": ["job_finding_rate"],
    "employed who become unemployed, per month": ["job_loss_rate"],
    "short spells find work far faster than long ones": ["short_long_exit_ratio"],
    "job loss drives most of the swings in unemployment": ["inflow_share_of_swings"],
    "unemployment falls with qualification": ["unemployment_advanced_over_basic",
                                              "unemployment_rate_advanced"],
    "aggregate matching function": ["matching_returns_to_scale"],
    "elasticity of hires with respect to unemployment": ["matching_elasticity_unemployed"],
    "beveridge curve": ["beveridge_correlation"],
    "value of a job offer falls with distance": ["distance_decay_per_km"],
    "people who live and work in the same local authority district": ["own_district_share"],
    "where the jobs are": ["workplace_ratio_rank", "workplace_ratio_max"],
    "mean straight-line commute, england and wales": ["mean_commute_km"],
    "moves between local authorities": ["moves_between_districts"],
    "london's net internal migration": ["london_largest_outflow", "london_net_migration",
                                        "london_largest_outflow_districts",
                                        "london_net_migration_districts"],
    "hybrid workers, great britain": ["hybrid_share_2024"],
    "degree holders versus no qualifications": ["hybrid_degree_over_noqual"],
    "worked from home at some point, 2019": ["worked_from_home_2019"],
}
#: Figures of VALIDATION.md's prose and of issue 9's thresholds, and their targets.
PROSE = {
    "regional commuting matrix": ["cross_region_commuting"],
    "regions: unemployment (rank >= 0.8, MAE <= 0.5 points)": [
        "regional_unemployment_rank", "regional_unemployment_mae"],
    "regions: employment, pay, GVA per hour (rank >= 0.8)": [
        "regional_employment_rank", "regional_pay_rank", "regional_gva_rank"],
    "R&D concentration in the golden triangle": ["rd_golden_triangle_share"],
    "districts: unemployment (rank >= 0.6), pay (rank >= 0.8)": [
        "district_unemployment_rank", "district_pay_rank"],
    "policy findings": ["commuting_spreads_skills_policy", "local_stimulus_spills_over",
                        "cost_per_job_grants"],
}
SHARED = Path("/work/shared/VALIDATION.md")


def test_every_figure_has_a_target_and_every_target_a_figure():
    named = [n for names in (*VALIDATION_ROWS.values(), *PROSE.values()) for n in names]
    assert sorted(named) == sorted(TARGETS)


@pytest.mark.skipif(not SHARED.is_file(), reason="VALIDATION.md is not on this machine")
def test_the_table_rows_of_validation_md_are_those_listed_here():
    rows = re.findall(r"^\| ([^|]+?) \|", SHARED.read_text(), flags=re.MULTILINE)
    rows = {r.strip().lower() for r in rows} - {"target", "---"}
    assert rows == set(VALIDATION_ROWS)


def test_issue_thresholds():
    t = TARGETS
    for name in ("regional_unemployment_rank", "regional_employment_rank",
                 "regional_pay_rank", "regional_gva_rank", "district_pay_rank"):
        assert (t[name].low, t[name].high) == (0.8, 1.0), name
    assert t["district_unemployment_rank"].low == 0.6
    assert t["regional_unemployment_mae"].high == 0.005
    assert (t["own_district_share"].low, t["own_district_share"].high) == pytest.approx(
        (0.41, 0.47))
    assert t["london_largest_outflow"].low == 1.0


def test_entries_are_complete():
    for t in TARGETS.values():
        assert t.group in GROUPS
        assert t.description and t.unit and t.source and t.tolerance, t.name
        assert t.low <= t.high or t.statistic is None
        if math.isfinite(t.data_value) and t.statistic is not None:
            assert t.inside(t.data_value), f"{t.name}: the data value is outside its range"
        assert t.statistic is not None or t.note, t.name
    assert not TARGETS["job_finding_rate"].inside(float("nan"))


def test_census_cross_region_share():
    # 2011 Census WU03UK at ITL1: 91.5% of those with a fixed UK workplace work in their region.
    assert census_cross_region_share() == pytest.approx(1 - 0.9146, abs=0.001)


def test_the_largest_jobs_ratio_target_is_the_census_figure_relative_to_the_uk():
    """The target's data value and range, written in the registry, are those of the data:
    Westminster's fixed workplaces per resident worker over the UK's (9.678, written
    9.68), and 30% either side of the written value."""
    ratio = workplace_ratio_data()
    assert ratio.idxmax() == "E09000033"
    target = TARGETS["workplace_ratio_max"]
    assert target.data_value == pytest.approx(ratio.max(), abs=0.005)
    assert target.low == pytest.approx(0.7 * target.data_value, abs=0.005)
    assert target.high == pytest.approx(1.3 * target.data_value, abs=0.005)

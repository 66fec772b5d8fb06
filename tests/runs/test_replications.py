"""Tests of replication seeds (sim/runs/replications.py) and of common random numbers.

:func:`replication_seeds` must give plain integers in the model's seed range, the same
ones on every call, replication ``r``'s seed whatever the count asked for, no two alike,
and the documented formula (``SeedSequence(s)``'s ``r``-th child, halved). The last test
runs the tiny scenario: a parameter of a disabled mechanism moves no random number
(common random numbers), while another replication seed changes the tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.config.scenario import parse_scenario
from sim.runs.replications import MAX_REPLICATIONS, replication_seeds

TINY = {"run": {"name": "tiny", "scale": 0.0005, "seed": 7, "burn_in_months": 3, "months": 4}}
SEEDS = [0, 1, 7, 42, 2**32, 2**63 - 1]


@pytest.mark.parametrize("seed", SEEDS)
def test_seeds_are_plain_ints_in_the_model_range(seed):
    seeds = replication_seeds(seed, 50)
    assert len(seeds) == 50
    assert all(type(s) is int for s in seeds)
    assert all(0 <= s < 2**63 for s in seeds)


@pytest.mark.parametrize("seed", SEEDS)
def test_seeds_follow_the_documented_formula(seed):
    # The r-th child of SeedSequence(seed) has spawn key (r,); its first uint64, halved.
    expected = [
        int(np.random.SeedSequence(seed, spawn_key=(r,)).generate_state(1, np.uint64)[0] >> 1)
        for r in range(5)
    ]
    assert replication_seeds(seed, 5) == expected


def test_seeds_are_deterministic():
    assert replication_seeds(42, 20) == replication_seeds(42, 20)


@pytest.mark.parametrize("seed", [0, 42, 2**63 - 1])
def test_a_seed_does_not_depend_on_the_count(seed):
    assert replication_seeds(seed, 5)[:3] == replication_seeds(seed, 3)
    assert replication_seeds(seed, 1000)[:17] == replication_seeds(seed, 17)
    assert replication_seeds(seed, 1) == replication_seeds(seed, 2)[:1]


def test_seeds_are_distinct():
    seeds = replication_seeds(42, 1000)
    assert len(set(seeds)) == 1000
    assert 42 not in seeds  # replications do not reuse the scenario's own seed


@pytest.mark.parametrize(("a", "b"), [(0, 1), (42, 43), (7, 2**63 - 1)])
def test_different_base_seeds_give_different_seeds(a, b):
    assert set(replication_seeds(a, 100)).isdisjoint(replication_seeds(b, 100))


def test_numpy_integer_seed_and_count_are_accepted():
    assert replication_seeds(np.int64(42), np.int32(4)) == replication_seeds(42, 4)
    assert replication_seeds(np.uint64(2**63 - 1), 2) == replication_seeds(2**63 - 1, 2)


@pytest.mark.parametrize("seed", [-1, 2**63, 1.0, 1.5, "7", True, None])
def test_a_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match=r"^seed must be an integer in \[0, 2\*\*63\); got "):
        replication_seeds(seed, 3)


@pytest.mark.parametrize("count", [0, -1, MAX_REPLICATIONS + 1, 2.0, True, "3", None])
def test_a_bad_count_is_refused(count):
    with pytest.raises(ValueError, match=rf"^replications must be an integer from 1 to "
                                         rf"{MAX_REPLICATIONS}; got "):
        replication_seeds(42, count)


def test_the_largest_count_is_accepted():
    assert len(replication_seeds(3, MAX_REPLICATIONS)) == MAX_REPLICATIONS


# -- common random numbers, on the model ------------------------------------------------------


def _national(scenario, seed: int) -> pd.DataFrame:
    return sim.run(scenario, seed=seed, out=None, progress=False).national


def test_common_random_numbers_across_a_parameter_that_moves_nothing():
    off = parse_scenario({**TINY, "green": {"enabled": False, "programme_jobs_share": 0.0}},
                         source="<tiny>")
    off_share = off.with_changes({"green.programme_jobs_share": 0.3})
    assert off_share != off  # the scenarios differ, only in a disabled mechanism's parameter
    first, second = replication_seeds(off.run.seed, 2)

    same = _national(off, first)
    pd.testing.assert_frame_equal(same, _national(off_share, first), check_exact=True)

    # Another replication seed gives other random numbers, so other tables.
    other = _national(off, second)
    assert not same.drop(columns="month").equals(other.drop(columns="month"))
    assert (same["unemployment_rate"] != other["unemployment_rate"]).any()

    # A control: with the mechanism enabled the same change does move the tables, so the
    # equality above is the common random numbers at work, not a parameter that is unused.
    on = off.with_changes({"green.enabled": True})
    on_share = on.with_changes({"green.programme_jobs_share": 0.3})
    assert not _national(on, first).equals(_national(on_share, first))

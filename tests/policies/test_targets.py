"""Targets: place codes and names, ITL1 regions (expanded to districts), groups."""

from __future__ import annotations

import numpy as np
import pytest

from sim.policies.targets import GOLDEN_TRIANGLE, resolve_target
from sim.world.geographies import geography_from_options


@pytest.fixture(scope="module")
def itl1():
    return geography_from_options("uk-itl1", {})


@pytest.fixture(scope="module")
def lad():
    return geography_from_options("uk-lad", {})


def _codes(geo, mask):
    return sorted(str(c) for c in geo.places.index[mask])


def test_codes_names_and_lists(itl1):
    assert _codes(itl1, resolve_target("TLC", itl1)) == ["TLC"]
    assert _codes(itl1, resolve_target("north-east", itl1)) == ["TLC"]
    assert _codes(itl1, resolve_target(["Wales", "TLM"], itl1)) == ["TLL", "TLM"]
    assert resolve_target("all", itl1).all()


def test_groups(itl1):
    assert _codes(itl1, resolve_target("golden-triangle", itl1)) == sorted(GOLDEN_TRIANGLE)
    lagging = resolve_target("lagging", itl1)
    assert lagging.sum() == 4  # a third of 12
    gva = itl1.places["gva_per_hour_gbp"].to_numpy()
    assert gva[lagging].max() <= gva[~lagging].min()
    low_pay = resolve_target("lagging-pay", itl1)
    pay = itl1.places["median_weekly_pay_gbp"].to_numpy()
    assert low_pay.sum() == 4 and pay[low_pay].max() <= pay[~low_pay].min()


def test_a_region_expands_to_its_districts(lad):
    mask = resolve_target("North East", lad)
    assert mask.sum() == 12  # the North East's 12 local authority districts (2021)
    assert set(lad.places["itl1"][mask]) == {"TLC"}
    assert (resolve_target("TLC", lad) == mask).all()
    gt = resolve_target("golden-triangle", lad)
    assert set(lad.places["itl1"][gt]) == set(GOLDEN_TRIANGLE)
    assert np.isclose(resolve_target("lagging", lad).sum(), round(len(lad.places) / 3))


def test_unknown_names_say_what_is_allowed(itl1):
    with pytest.raises(ValueError, match=r"unknown place, region or group 'Atlantis'.*"
                       r"'TLC'.*golden-triangle"):
        resolve_target("Atlantis", itl1)
    with pytest.raises(ValueError, match="at least one"):
        resolve_target([], itl1)

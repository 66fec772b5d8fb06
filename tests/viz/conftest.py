"""Fixtures of the figure tests: synthetic indicators for the 12 UK regions, stand-in and
real geographies (the ITL1 regions and the 374 districts with their shipped boundaries)."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

ITL1 = {
    "TLC": ("North East", 55.0, -1.9, 2.7e6),
    "TLD": ("North West", 54.0, -2.7, 7.4e6),
    "TLE": ("Yorkshire and The Humber", 53.9, -1.3, 5.5e6),
    "TLF": ("East Midlands", 52.8, -0.8, 4.9e6),
    "TLG": ("West Midlands", 52.5, -2.2, 5.9e6),
    "TLH": ("East of England", 52.2, 0.5, 6.3e6),
    "TLI": ("London", 51.5, -0.1, 8.9e6),
    "TLJ": ("South East", 51.4, -1.0, 9.2e6),
    "TLK": ("South West", 50.8, -3.6, 5.7e6),
    "TLL": ("Wales", 52.1, -4.0, 3.1e6),
    "TLM": ("Scotland", 56.2, -4.0, 5.5e6),
    "TLN": ("Northern Ireland", 54.6, -6.9, 1.9e6),
}
ITL1_FILE = "uk_itl1_regions_ons_buc_2018.geojson"
MONTHS = 24


def indicator_frame(codes: list[str], names: list[str], months: int, seed: int = 7
                    ) -> pd.DataFrame:
    """Synthetic indicators, one row per place and month (shares in 0..1)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        for month in range(1, months + 1):
            rows.append(
                {
                    "month": month,
                    "place": code,
                    "name": name,
                    "unemployment_rate": 0.03 + 0.003 * (i % 13) + 0.002 * rng.standard_normal(),
                    "good_jobs_share": 0.4 + 0.01 * (i % 13) + 0.01 * rng.standard_normal(),
                    "employment_rate": 0.75 - 0.002 * i,
                    "median_wage": 550.0 + 10 * i,
                    "job_finding_rate": 0.2,
                    "vacancy_rate": 0.03,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def places() -> pd.DataFrame:
    """Synthetic indicators for the 12 ITL1 regions over 24 months."""
    return indicator_frame(list(ITL1), [v[0] for v in ITL1.values()], MONTHS)


@pytest.fixture(scope="session")
def itl1() -> SimpleNamespace:
    """A stand-in for the UK ITL1 geography with its shipped boundaries."""
    table = pd.DataFrame(
        [(code, name, lat, lon, pop) for code, (name, lat, lon, pop) in ITL1.items()],
        columns=["place", "name", "lat", "lon", "population"],
    ).set_index("place")
    return SimpleNamespace(
        name="uk-itl1", places=table, boundaries=ITL1_FILE, boundary_key="itl121cd"
    )


@pytest.fixture(scope="session")
def lad():
    """The real 374-district geography (built from shipped data in about a second)."""
    from sim.world.geography_lad import uk_lad

    return uk_lad()


@pytest.fixture(scope="session")
def lad_places(lad) -> pd.DataFrame:
    """Synthetic indicators for the 374 districts over 6 months."""
    return indicator_frame(list(lad.places.index), list(lad.places["name"]), 6, seed=3)


@pytest.fixture(scope="session")
def synthetic() -> SimpleNamespace:
    """A synthetic geography without boundaries: four towns and a ring road."""
    table = pd.DataFrame(
        {
            "name": ["A", "B", "C", "D"],
            "lat": [0.0, 0.5, 1.0, 1.5],
            "lon": [0.0, 1.0, 0.0, 1.0],
            "population": [1000, 4000, 250, 2000],
        },
        index=pd.Index(["P0", "P1", "P2", "P3"], name="place"),
    )
    graph = nx.Graph([("P0", "P1"), ("P1", "P2"), ("P2", "P3"), ("P3", "P0"), ("P0", "ELSE")])
    return SimpleNamespace(
        name="toy", places=table, boundaries=None, boundary_key=None, graph=graph
    )


def last_values(places: pd.DataFrame, column: str = "unemployment_rate") -> pd.Series:
    """The column in the last month, indexed by place."""
    last = places[places["month"] == places["month"].max()]
    return last.set_index("place")[column]

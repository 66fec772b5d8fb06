"""Tests of sim.viz.captions: caption texts, the caption on a figure, geography slugs."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from sim import __version__
from sim.viz.captions import CAPTION_GID, add_caption, caption_text, geography_slug
from sim.viz.figures import new_figure


def test_caption_text_says_the_run():
    text = caption_text(scenario="baseline", seed=7, scale=0.002,
                        run_date=datetime(2026, 12, 1, 18, 0, tzinfo=UTC), version="1.2.3")
    assert text == "Scenario baseline · seed 7 · scale 0.002 · run 2026-12-01 · placejobs 1.2.3"
    assert caption_text() == f"placejobs {__version__}"


def test_caption_sits_below_the_axes():
    fig, ax = new_figure((6.0, 4.0))
    ax.set_xlabel("Month")
    add_caption(fig, "Scenario x")
    fig.canvas.draw()
    (text,) = [t for t in fig.texts if t.get_gid() == CAPTION_GID]
    renderer = fig.canvas.get_renderer()
    assert text.get_window_extent(renderer).y1 < ax.get_tightbbox(renderer).y0


def test_geography_slugs():
    slug = lambda name: geography_slug(SimpleNamespace(name=name))  # noqa: E731
    assert slug("uk-itl1") == "itl1" and slug("uk-lad") == "lad"
    assert slug("random-geometric") == "random_geometric" and slug("") == "places"


def test_caption_text_of_several_runs():
    text = caption_text(scenario="baseline", compared=["grants"], seed=42, replications=5,
                        scale=0.001, run_date="2026-12-01", version="1.2.3")
    assert text == ("Scenario grants vs baseline · base seed 42 · 5 replications · "
                    "scale 0.001 · run 2026-12-01 · placejobs 1.2.3")
    two = caption_text(scenario="baseline", compared=["a", "b"], replications=1,
                       detail="sweep s, 8 runs", version="1")
    assert two == "Scenarios a, b vs baseline · 1 replication · sweep s, 8 runs · placejobs 1"

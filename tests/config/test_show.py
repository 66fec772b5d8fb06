"""Tests of sim.config.show (the scenario as commented TOML) and sim.config.overrides (--set).

``scenario_to_toml`` must read back into an equal scenario, show every key of every
section with the values it allows; ``KEY=VALUE`` assignments must parse as TOML (or
plain text), validate as a file does and fail with one line naming the assignment.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sim.config.overrides import apply_assignments, parse_assignment, parse_value
from sim.config.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from sim.config.section import Section
from sim.config.show import allowed_values, scenario_to_toml, section_title
from sim.world.geography import GEOGRAPHY_OPTIONS

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["baseline.toml", "baseline-lad.toml", "baseline-cycle.toml", "small.toml"]
SECTIONS = {
    name: field.annotation for name, field in Scenario.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, Section)
}
GRID = parse_scenario({
    "run": {"name": "grid-test", "geography": "grid", "seed": 3},
    "geography_options": {"rows": 2, "cols": 4, "population": 250_000.0},
    "search": {"applications_per_searcher": 7},
    "green": {"programme_places": ["G0_0", "G1_3"], "programme_jobs_share": 0.01},
})


def _scenarios() -> dict[str, Scenario]:
    out = {"defaults": Scenario(), "grid": GRID}
    out |= {name: load_scenario(ROOT / "scenarios" / name) for name in SHIPPED}
    out["random-geometric"] = parse_scenario(
        {"run": {"geography": "random-geometric"}, "geography_options": {"n": 5}}
    )
    return out


SCENARIOS = _scenarios()


def _comments_before(text: str, section: str, key: str) -> list[str]:
    """The comment lines just above ``key = ...`` in ``[section]``."""
    lines = text.splitlines()
    start = lines.index(f"[{section}]")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{key} = "))
    above = []
    for line in reversed(lines[start + 1:at]):
        if not line.startswith("#"):
            break
        above.append(line)
    return above[::-1]


# --------------------------------------------------------------------- round trip
@pytest.mark.parametrize("comments", [True, False], ids=["comments", "bare"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_text_reads_back_into_an_equal_scenario(name, comments):
    scenario = SCENARIOS[name]
    text = scenario_to_toml(scenario, comments=comments)
    assert parse_scenario(tomllib.loads(text)) == scenario
    if not comments:
        assert not [line for line in text.splitlines() if line.startswith("#")]


def test_odd_text_values_read_back():
    odd = 'quotes " and \\ backslash, tab\t, newline\n, DEL \x7f, é, \u2028 end'
    scenario = Scenario().with_changes({"run.description": odd, "run.name": "a 'b' é"})
    text = scenario_to_toml(scenario)
    assert parse_scenario(tomllib.loads(text)) == scenario
    assert tomllib.loads(text)["run"]["description"] == odd


def test_a_changed_value_is_shown_not_the_default():
    text = scenario_to_toml(Scenario().with_changes({"wages.skill_premium": [0.5, 1.0, 2.0]}))
    assert "\nskill_premium = [0.5, 1.0, 2.0]\n" in text
    assert tomllib.loads(text)["wages"]["skill_premium"] == [0.5, 1.0, 2.0]


# --------------------------------------------------------------------- every key
@pytest.mark.parametrize("name", ["defaults", "grid"])
def test_every_key_of_every_section_appears_in_order(name):
    scenario = SCENARIOS[name]
    data = tomllib.loads(scenario_to_toml(scenario))
    assert list(data) == list(SECTIONS)
    used = GEOGRAPHY_OPTIONS[scenario.run.geography]
    for section, model in SECTIONS.items():
        if section == "geography_options":
            expected = [k for k in model.model_fields if k in used]
        else:
            expected = list(model.model_fields)
        assert list(data[section]) == expected, section


def test_geography_options_are_those_the_geography_uses():
    itl1 = tomllib.loads(scenario_to_toml(Scenario()))
    assert itl1["geography_options"] == {}
    grid = tomllib.loads(scenario_to_toml(GRID))["geography_options"]
    assert grid == {"rows": 2, "cols": 4, "minutes_per_edge": 40.0, "population": 250_000.0,
                    "seed": 0}
    assert '# used by geography "grid": rows, cols, minutes_per_edge, population, seed' in (
        scenario_to_toml(GRID)
    )


# --------------------------------------------------------------------- comments
def test_the_range_of_a_key_is_in_its_comment():
    text = scenario_to_toml(Scenario())
    above = _comments_before(text, "search", "applications_per_searcher")
    assert above == ["# k, per round", "# allowed: an integer >= 1 and <= 50"]
    assert ">= 1" in above[-1] and "<= 50" in above[-1]
    assert _comments_before(text, "wages", "bargaining_power")[-1] == (
        "# allowed: a number > 0.0 and < 1.0"
    )


def test_tuples_literals_and_booleans_are_described():
    text = scenario_to_toml(Scenario())
    assert _comments_before(text, "flows", "layoff_rate")[-1] == (
        "# allowed: 3 values, each a number >= 0.0 and <= 1.0"
    )
    assert _comments_before(text, "run", "geography")[-1] == (
        '# allowed: one of "uk-itl1", "uk-lad", "grid", "random-geometric", "core-periphery"'
    )
    assert "[0] a number > 0.0 and < 0.5; [1] a number >= 0.5 and < 1.0" in " ".join(
        _comments_before(text, "wages", "bargaining_power_bounds")
    )
    assert "3 x 9 values, each a number >= 0.0 and <= 1.0" in " ".join(
        _comments_before(text, "economy", "occupation_by_skill")
    )
    assert _comments_before(text, "green", "programme_places")[-1] == (
        "# allowed: a list (any length) of text"
    )
    assert _comments_before(text, "migration", "enabled") == ["# allowed: true or false"]


def test_every_key_has_its_description_and_allowed_values_above_it():
    text = scenario_to_toml(GRID)
    for section, model in SECTIONS.items():
        for key, field in model.model_fields.items():
            if section == "geography_options" and key not in GEOGRAPHY_OPTIONS["grid"]:
                continue
            above = " ".join(line[2:].strip() for line in _comments_before(text, section, key))
            assert f"allowed: {allowed_values(field)}" in above, (section, key)
            if field.description:
                assert " ".join(field.description.split()) in above, (section, key)


def test_every_section_starts_with_its_docstring():
    text = scenario_to_toml(Scenario())
    lines = text.splitlines()
    for section, model in SECTIONS.items():
        at = lines.index(f"[{section}]")
        comments = [line for line in lines[at - 2:at] if line.startswith("# ")]
        assert f"# {section_title(model)}" in comments, section
    assert section_title(SECTIONS["search"]) == (
        "Job search and matching (the kernel in sim.kernels.matching)."
    )
    assert section_title(SECTIONS["economy"]).startswith("Parameters of [economy]: ")


def test_comments_are_wrapped_and_the_header_names_the_origin():
    scenario = load_scenario(ROOT / "scenarios" / "small.toml")
    text = scenario_to_toml(scenario)
    assert text.startswith(f'# Scenario "small" as placejobs resolves it, from {scenario.source}')
    assert all(len(line) <= 88 for line in text.splitlines() if line.startswith("#"))
    assert scenario_to_toml(scenario, origin="somewhere").startswith(
        '# Scenario "small" as placejobs resolves it, from somewhere.'
    )


def test_long_arrays_of_rows_are_written_one_row_a_line():
    text = scenario_to_toml(Scenario())
    assert "skill_demand_by_sector = [\n    [0.45, 0.35, 0.2],\n" in text


# --------------------------------------------------------------------- KEY=VALUE
@pytest.mark.parametrize(
    ("text", "value"),
    [("4", 4), ("0.02", 0.02), ("-3", -3), ("true", True), ("[0.1, 0.2, 0.3]", [0.1, 0.2, 0.3]),
     ('"4"', "4"), ("'a b'", "a b"), ("uk-lad", "uk-lad"), ("a b", "a b"), ("", ""),
     ("1 # note", 1), ("1\nw = 2", "1\nw = 2"), ("inf", float("inf"))],
)
def test_a_value_is_toml_or_else_plain_text(text, value):
    assert parse_value(text) == value
    assert type(parse_value(text)) is type(value)


def test_an_assignment_splits_at_the_first_equals_sign():
    assert parse_assignment("search.applications_per_searcher=4") == (
        "search.applications_per_searcher", 4
    )
    assert parse_assignment(" run.name = a=b ") == ("run.name", "a=b")
    assert parse_assignment("run.geography=uk-lad") == ("run.geography", "uk-lad")


def test_assignments_are_applied_together_and_validated():
    base = load_scenario(ROOT / "scenarios" / "small.toml")
    new = apply_assignments(base, [
        "run.geography=grid", "geography_options.rows=2", "search.applications_per_searcher=4",
        "flows.layoff_rate=[0.01, 0.02, 0.03]", "run.name=other", "run.burn_in_months=5",
        "run.burn_in_months=0",  # the last one wins
    ])
    assert new.run.geography == "grid" and new.geography_options.rows == 2
    assert new.search.applications_per_searcher == 4
    assert new.flows.layoff_rate == (0.01, 0.02, 0.03)
    assert new.run.name == "other" and new.run.burn_in_months == 0
    assert new.run.scale == base.run.scale  # the rest is the file's
    assert base.run.geography == "uk-itl1"  # the original is unchanged
    assert apply_assignments(base, []) is base


@pytest.mark.parametrize(
    ("assignments", "message"),
    [(["search.applications_per_searcher=-3"],
      "--set search.applications_per_searcher=-3: must be >= 1"),
     (["search.nope=1"], "--set search.nope=1: unknown key; [search] allows: "
      "applications_per_searcher, matching_rounds, distance_decay_per_minute, "
      "on_the_job_search_share, remote_search_share, skill_fit_weight, "
      "overqualification_weight, ranking_noise, "
      "hiring_standard, job_switch_premium"),
     (["foo"], "--set foo: expected KEY=VALUE"),
     (["=3"], "--set =3: expected KEY=VALUE"),
     (["foo=1"], "--set foo=1: not a scenario key; use 'section.key' with a section of: run, "),
     (["run=1"], "--set run=1: not a scenario key; "),
     (["run.geography=mars"], "--set run.geography=mars: must be one of 'uk-itl1'"),
     (["search.applications_per_searcher=four"],
      "--set search.applications_per_searcher=four: must be a valid integer"),
     (["run.scale=inf"], "--set run.scale=inf: must be a finite number (not nan or inf)"),
     (["flows.layoff_rate=[0.1, 0.2, 1.5]"],
      "--set flows.layoff_rate=[0.1, 0.2, 1.5]: flows.layoff_rate[2] = 1.5: must be <= 1.0"),
     (["flows.layoff_rate=[0.1]"], "--set flows.layoff_rate=[0.1]: must have exactly 3 values"),
     (["run.name=2024"],
      '--set run.name=2024: must be a valid string (write text in TOML quotes: '
      'run.name="2024")'),
     (["run.name=a\nb"], "--set run.name=a\\nb: must be a plain file name"),
     (["geography_options.rows=4"],
      '--set geography_options.rows=4: not used by geography "uk-itl1"'),
     (["search.matching_rounds=3", "migration.old_age_years=20"],
      "--set migration.old_age_years=20: migration.young_age_years = 30: "
      "must be < migration.old_age_years = 20")],
)
def test_a_bad_assignment_is_one_line_naming_it(assignments, message):
    with pytest.raises(ScenarioError) as info:
        apply_assignments(Scenario(), assignments)
    text = str(info.value)
    assert text.startswith(message), text
    assert "\n" not in text and "<changes>" not in text


def test_the_error_keeps_the_key_value_and_reason_and_names_the_option():
    with pytest.raises(ScenarioError) as info:
        apply_assignments(Scenario(), ["search.applications_per_searcher=-3"], option="--vary")
    exc = info.value
    assert str(exc) == "--vary search.applications_per_searcher=-3: must be >= 1"
    assert (exc.key, exc.value, exc.reason) == (
        "search.applications_per_searcher", -3, "must be >= 1"
    )

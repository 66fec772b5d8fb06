"""Validation at the door (issue 7, item 8): values that used to pass and then crash a run.

Each case is refused by :func:`load_scenario` in one line naming the file, the key
and the value in TOML form; :mod:`sim.config.checks` refuses what needs the
geography (place codes, memory) and warns when places get under one agent.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from sim.config.checks import (
    BYTES_PER_WORKER,
    MAX_WORKERS,
    available_memory_bytes,
    check_memory,
    count_agents,
    estimate_memory_bytes,
    validate_for_geography,
)
from sim.config.scenario import (
    GeographyOptions,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
)
from sim.config.section import toml_value
from sim.world.geographies import GEOGRAPHY_OPTIONS, geography_from_options

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))


def _load(tmp_path: Path, text: str) -> Scenario:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, text)
    msg = str(info.value)
    assert "\n" not in msg, msg
    assert msg.startswith(str(tmp_path / "s.toml") + ": "), msg
    return msg


# --------------------------------------------------------------------- crashing values
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[firms]\nvacancy_rate = 1.0\n", "firms.vacancy_rate = 1.0: must be < 1.0"),
        ("[training]\nduration_months = [0, 12]\n",
         "training.duration_months[0] = 0: must be >= 1"),
        ("[training]\nduration_months = [40000, 12]\n",
         "training.duration_months[0] = 40000: must be <= 600"),
        ("[training]\nduration_months = [12, 601]\n",
         "training.duration_months[1] = 601: must be <= 600"),
        ('[run]\ngeography = "grid"\n[geography_options]\npopulation = inf\n',
         "geography_options.population = inf: must be a finite number"),
        ("[search]\nranking_noise = nan\n", "search.ranking_noise = nan: must be a finite number"),
        ("[wages]\nskill_premium = [1.0, -inf, 1.0]\n", "wages.skill_premium[1] = -inf"),
        ("[migration]\nage_multiplier = [2.2, -1.0, 0.45]\n",
         "migration.age_multiplier[1] = -1.0: must be >= 0.0"),
        ("[migration]\nyoung_age_years = 45\n",
         "migration.young_age_years = 45: must be < migration.old_age_years = 45"),
        ("[migration]\nyoung_age_years = 50\nold_age_years = 40\n",
         "migration.young_age_years = 50: must be < migration.old_age_years = 40"),
        ("[migration]\nlogit_scale_gbp_week = 1e-300\n",
         "migration.logit_scale_gbp_week = 1e-300: must be >= 1.0"),
    ],
)
def test_values_that_crashed_a_run_are_refused_in_one_line(tmp_path, text, expected):
    assert expected in _error(tmp_path, text)


def test_just_inside_those_limits_is_accepted(tmp_path):
    s = _load(tmp_path, "[firms]\nvacancy_rate = 0.999\n[training]\nduration_months = [1, 600]\n"
                        "[migration]\nyoung_age_years = 44\nage_multiplier = [0.0, 1.0, 0.0]\n"
                        "logit_scale_gbp_week = 1.0\n")
    assert s.firms.vacancy_rate == 0.999 and s.training.duration_months == (1, 600)
    assert s.migration.young_age_years == 44 and s.migration.logit_scale_gbp_week == 1.0


# --------------------------------------------------------------------- geography options
@pytest.mark.parametrize("geography", sorted(GEOGRAPHY_OPTIONS))
def test_options_a_geography_does_not_use_are_refused(tmp_path, geography):
    used = GEOGRAPHY_OPTIONS[geography]
    unused = [k for k in GeographyOptions.model_fields if k not in used]
    for option in unused:
        value = 2 if option != "minutes_per_edge" and option != "population" else 2.0
        msg = _error(tmp_path, f'[run]\ngeography = "{geography}"\n'
                               f"[geography_options]\n{option} = {value}\n")
        assert f"geography_options.{option} = {value}: not used by geography" in msg
        assert f'"{geography}"' in msg
    for option in used:  # the options it uses are accepted
        value = 3 if option not in ("minutes_per_edge", "population") else 30.0
        s = _load(tmp_path, f'[run]\ngeography = "{geography}"\n'
                            f"[geography_options]\n{option} = {value}\n")
        assert getattr(s.geography_options, option) == value


def test_unused_option_at_its_default_value_is_still_refused(tmp_path):
    msg = _error(tmp_path, "[geography_options]\nrows = 3\n")  # uk-itl1, rows at its default
    assert "geography_options.rows = 3" in msg and "it uses: none" in msg


# --------------------------------------------------------------------- run names
@pytest.mark.parametrize("name", ["../../x", "/abs", "a/b", "a\\\\b", "..", ".", "", " ",
                                  "tab\\there"])
def test_run_names_that_are_not_plain_file_names_are_refused(tmp_path, name):
    msg = _error(tmp_path, f'[run]\nname = "{name}"\n')
    assert "run.name = " in msg and "plain file name" in msg


@pytest.mark.parametrize("name", ["baseline", "my run 2", "x.y", "été", "-a_b"])
def test_plain_run_names_are_accepted(tmp_path, name):
    assert _load(tmp_path, f'[run]\nname = "{name}"\n').run.name == name


# --------------------------------------------------------------------- values in TOML form
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[run]\nseed = true\n", "run.seed = true:"),
        ('[run]\nscale = "x"\n', 'run.scale = "x":'),
        ("[search]\nbogus = { x = 1, y = [1, 2] }\n", "search.bogus = { x = 1, y = [1, 2] }:"),
        ("[flows]\nlayoff_rate = [0.1, 0.2]\n", "flows.layoff_rate = [0.1, 0.2]:"),
        ("[demography]\nenabled = 1\n", "demography.enabled = 1:"),
        ('[green]\nprogramme_places = "TLI"\n', 'green.programme_places = "TLI":'),
    ],
)
def test_messages_show_values_as_toml(tmp_path, text, shown):
    msg = _error(tmp_path, text)
    assert shown in msg
    assert "True" not in msg and "'" not in msg.split(": ", 1)[1].split(":")[0]


def test_toml_value_forms():
    assert toml_value(True) == "true" and toml_value(False) == "false"
    assert toml_value((1, 2.5)) == "[1, 2.5]"
    assert toml_value({"x": 1, "a b": "c"}) == '{ x = 1, "a b" = "c" }'
    assert toml_value({}) == "{}"
    assert toml_value('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert toml_value(float("nan")) == "nan" and toml_value(-float("inf")) == "-inf"
    assert toml_value(np.float64(0.5)) == "0.5" and toml_value(np.int16(3)) == "3"
    assert toml_value(1e-300) == "1e-300"


# --------------------------------------------------------------------- the scenario block
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_to_dict_through_json_parses_back_to_an_equal_scenario(path):
    scenario = load_scenario(path)
    block = json.loads(json.dumps(scenario.to_dict()))
    again = parse_scenario(block)
    assert again == scenario
    assert again.to_dict() == scenario.to_dict()
    assert "source" not in block


def test_to_dict_of_a_grid_keeps_exactly_the_options_it_uses():
    s = parse_scenario({"run": {"geography": "grid"}, "geography_options": {"rows": 2}})
    block = s.to_dict()
    assert set(block["geography_options"]) == set(GEOGRAPHY_OPTIONS["grid"])
    assert parse_scenario(json.loads(json.dumps(block))) == s
    changed = s.with_changes({"search.matching_rounds": 3})  # revalidation keeps them valid
    assert changed.geography_options.rows == 2


def test_equal_scenarios_from_different_sources():
    assert parse_scenario({}, source="a") == parse_scenario({}, source="b")
    assert parse_scenario({}) != parse_scenario({"run": {"seed": 1}})


# --------------------------------------------------------------------- needs the geography
def _grid(**options) -> tuple[Scenario, object]:
    s = parse_scenario({"run": {"geography": "grid", "scale": options.pop("scale", 0.01)},
                        "geography_options": options} if options else
                       {"run": {"geography": "grid"}})
    return s, geography_from_options("grid", s.geography_options.model_dump())


def test_unknown_programme_place_is_refused_naming_key_value_and_codes():
    s = parse_scenario({"green": {"programme_places": ["TLI", "XX9"]}}, source="s.toml")
    geo = geography_from_options("uk-itl1", {})
    with pytest.raises(ScenarioError) as info:
        validate_for_geography(s, geo)
    msg = str(info.value)
    assert msg.startswith('s.toml: green.programme_places = ["TLI", "XX9"]: unknown place codes')
    assert '["XX9"]' in msg and '"TLC"' in msg and "(12 places)" in msg and "\n" not in msg
    assert info.value.key == "green.programme_places"
    ok = parse_scenario({"green": {"programme_places": ["TLI"]}})
    assert validate_for_geography(ok, geo).workers > 0


def test_memory_estimate_and_refusal():
    assert estimate_memory_bytes(1_000_000, 0) == BYTES_PER_WORKER * 1_000_000
    check_memory("x", 1_000_000, 50_000, available=10**9)  # 0.1 GB of 1 GB: fine
    with pytest.raises(ScenarioError) as info:
        check_memory("--workers 9000000", 9_000_000, 450_000, available=10**9)
    assert str(info.value).startswith("--workers 9000000: needs about 1.0 GB")
    with pytest.raises(ScenarioError, match="at most 2,147,483,647"):
        check_memory("x", MAX_WORKERS + 1, 0, available=10**15)
    assert available_memory_bytes() is None or available_memory_bytes() > 10**7


def test_big_population_is_refused_before_anything_is_built():
    s, geo = _grid(population=3e7, scale=1.0)
    with pytest.raises(ScenarioError) as info:
        validate_for_geography(s, geo, available=16 * 10**9)
    msg = str(info.value)
    assert "run.scale = 1.0 with geography_options.population = 30000000.0" in msg
    assert "needs about" in msg and "\n" not in msg
    absurd, geo = _grid(population=1e10, scale=1.0)  # would overflow int64 counts
    with pytest.raises(ScenarioError, match="at most"):
        validate_for_geography(absurd, geo)


def test_small_scale_warns_and_counts_the_places_raised():
    s = parse_scenario({"run": {"scale": 1e-7}}, source="s.toml")
    geo = geography_from_options("uk-itl1", {})
    with pytest.warns(UserWarning, match=r"run.scale = 1e-07 gives \d+ of 12 places fewer"):
        count = validate_for_geography(s, geo)
    assert count.raised.sum() >= 1 and (count.per_place >= 1).all()
    summary = count.summary()
    assert summary["places_raised_to_one_agent"] == int(count.raised.sum())
    assert summary["agents_per_person_max"] > 1e-7  # raised places stand for fewer people
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_for_geography(Scenario(), geo)  # the baseline scale: no warning
    assert count_agents(Scenario(), geo).raised.sum() == 0


def test_model_dump_parses_back_too():
    """The notebook's pattern: dump, edit, validate again."""
    for s in (Scenario(), parse_scenario({"run": {"geography": "grid"},
                                          "geography_options": {"rows": 2}})):
        data = s.with_overrides(burn_in_months=24).model_dump()
        assert parse_scenario(data) == s.with_overrides(burn_in_months=24)

"""Tests of sim.config.scenario: loading, validation, one-line errors, overrides, immutability."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from sim.config.scenario import (
    Flows,
    Run,
    Scenario,
    ScenarioError,
    Search,
    load_scenario,
    parse_scenario,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
CORE_SECTIONS = ("run", "geography_options", "search", "flows", "wages", "firms", "economy")
#: One section per switchable mechanism (sim.mechanisms.base), in the order of the schedule.
MECHANISM_SECTIONS = (
    "demography", "knowledge", "firm_dynamics", "green", "training", "remote_work", "migration",
    "cycle", "international",
)
#: Mechanisms off in the steady-state baseline (switched on by a scenario).
OFF_BY_DEFAULT = ("cycle",)
SECTIONS = CORE_SECTIONS + MECHANISM_SECTIONS


def _write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def _as_toml_value(value):
    """The loaded value in the form TOML gives it (tuples back to lists)."""
    return list(value) if isinstance(value, tuple) else value


# --------------------------------------------------------------------- shipped files
def test_both_shipped_scenarios_are_present():
    assert {p.name for p in SHIPPED} >= {"baseline.toml", "small.toml"}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_loads_and_keys_not_given_take_the_defaults(path):
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario)
    assert scenario.source == str(path)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(raw) <= set(SECTIONS)
    default = Scenario()
    for section in SECTIONS:
        loaded, dflt = getattr(scenario, section), getattr(default, section)
        given = raw.get(section, {})
        assert set(given) <= set(type(loaded).model_fields), section
        for key in type(loaded).model_fields:
            if section == "geography_options":
                continue  # only the options the geography uses are kept (test_rules.py)
            if key in given:
                assert _as_toml_value(getattr(loaded, key)) == given[key], f"{section}.{key}"
            else:
                assert getattr(loaded, key) == getattr(dflt, key), f"{section}.{key}"
    # validated again from its own dump, it is the same scenario
    assert parse_scenario(scenario.to_dict(), source=str(path)) == scenario


def test_small_scenario_is_small_and_uk():
    small = load_scenario(ROOT / "scenarios" / "small.toml")
    assert small.run.geography == "uk-itl1"
    assert small.run.scale <= 0.001
    # everything outside [run] is the default
    assert small.model_dump(exclude={"run", "source"}) == Scenario().model_dump(
        exclude={"run", "source"}
    )


def test_empty_file_is_the_default_scenario(tmp_path):
    path = _write(tmp_path, "", "empty.toml")
    assert load_scenario(path) == Scenario(source=str(path))


def test_partial_file_changes_only_the_keys_given(tmp_path):
    path = _write(tmp_path, "[run]\nscale = 0.001\n[flows]\nlayoff_rate = [0.01, 0.02, 0.03]\n")
    s = load_scenario(path)
    assert s.run.scale == 0.001
    assert s.flows.layoff_rate == (0.01, 0.02, 0.03)
    d, dflt = s.model_dump(), Scenario().model_dump()
    d["run"]["scale"] = dflt["run"]["scale"]
    d["flows"]["layoff_rate"] = dflt["flows"]["layoff_rate"]
    assert d == dflt
    assert "source" not in d  # not a value of the scenario


def test_arrays_are_stored_as_tuples(tmp_path):
    s = load_scenario(_write(tmp_path, "[wages]\nskill_premium = [0.5, 1.0, 2.0]\n"))
    assert s.wages.skill_premium == (0.5, 1.0, 2.0)
    assert isinstance(s.wages.skill_premium, tuple)
    assert isinstance(s.flows.layoff_rate, tuple)


# --------------------------------------------------------------------- bad input
# (id, file text, substrings the one-line message must hold besides the file name)
BAD = [
    ("toml-syntax", "[run]\nscale = \n", ["TOML syntax error", "line 2"]),
    ("toml-unclosed-table", "[run\nscale = 0.1\n", ["TOML syntax error", "line 1"]),
    (
        "unknown-key",
        "[search]\nbogus = 1\n",
        ["search.bogus", "unknown key", *Search.model_fields],
    ),
    (
        "unknown-key-run",
        "[run]\nmonth = 12\n",
        ["run.month", "unknown key", *Run.model_fields],
    ),
    ("unknown-section", "[bogus]\nx = 1\n", ["bogus", "unknown key", *SECTIONS]),
    ("unknown-top-level-key", "scale = 0.1\n", ["scale", "unknown key", *SECTIONS]),
    ("reserved-source", 'source = "x.toml"\n', ["source", "unknown key"]),
    (
        "string-for-int",
        '[search]\napplications_per_searcher = "5"\n',
        ["search.applications_per_searcher = \"5\"", "integer"],
    ),
    ("bool-for-int", "[run]\nseed = true\n", ["run.seed = true", "integer"]),
    ("string-for-float", '[run]\nscale = "x"\n', ["run.scale = \"x\"", "number"]),
    ("float-for-int", "[run]\nmonths = 12.5\n", ["run.months", "12.5", "integer"]),
    ("scale-zero", "[run]\nscale = 0\n", ["run.scale = 0", "> 0"]),
    ("scale-two", "[run]\nscale = 2\n", ["run.scale = 2", "<= 1"]),
    ("scale-nan", "[run]\nscale = nan\n", ["run.scale = nan"]),
    ("seed-negative", "[run]\nseed = -1\n", ["run.seed = -1", ">= 0"]),
    (
        "applications-zero",
        "[search]\napplications_per_searcher = 0\n",
        ["search.applications_per_searcher = 0", ">= 1"],
    ),
    (
        "bargaining-power-one",
        "[wages]\nbargaining_power = 1.0\n",
        ["wages.bargaining_power = 1.0", "< 1"],
    ),
    (
        "layoff-element-out-of-range",
        "[flows]\nlayoff_rate = [0.1, 0.2, 1.5]\n",
        ["flows.layoff_rate[2] = 1.5", "<= 1"],
    ),
    (
        "layoff-element-wrong-type",
        '[flows]\nlayoff_rate = [0.1, "a", 0.3]\n',
        ["flows.layoff_rate[1] = \"a\"", "number"],
    ),
    (
        "list-too-long",
        "[flows]\nlayoff_rate = [0.1, 0.2, 0.3, 0.4]\n",
        ["flows.layoff_rate", "0.4", "3 values"],
    ),
    ("list-too-short", "[flows]\nlayoff_rate = [0.1, 0.2]\n", ["flows.layoff_rate", "3 values"]),
    (
        "list-too-short-premium",
        "[wages]\nskill_premium = [1.0]\n",
        ["wages.skill_premium", "3 values"],
    ),
    ("scalar-for-list", '[flows]\nlayoff_rate = "abc"\n', ["flows.layoff_rate = \"abc\""]),
    (
        "negative-skill-premium",
        "[wages]\nskill_premium = [1.0, -1.0, 2.0]\n",
        ["wages.skill_premium", "> 0"],
    ),
    (
        "unknown-geography",
        '[run]\ngeography = "mars"\n',
        ["run.geography = \"mars\"", "uk-itl1", "grid", "random-geometric", "core-periphery"],
    ),
    ("section-not-a-table", "run = 3\n", ["run = 3"]),
    (
        "multiline-string-value",
        '[run]\ngeography = """a\nb"""\n',
        ["run.geography", "uk-itl1"],
    ),
    ("two-errors", "[run]\nscale = 0\nmonths = 0\n", ["run.scale = 0", "1 more"]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_gives_one_line_naming_file_key_value_and_allowed(tmp_path, text, expected):
    path = _write(tmp_path, text)
    msg = _error(path)
    assert "\n" not in msg and "\r" not in msg
    assert msg.startswith(f"{path}: "), msg
    for part in expected:
        assert part in msg, f"{part!r} not in {msg!r}"
    assert "Traceback" not in msg and "pydantic" not in msg.lower()


def test_unknown_key_lists_exactly_the_allowed_keys_of_its_section(tmp_path):
    msg = _error(_write(tmp_path, "[search]\nbogus = 1\n"))
    allowed = msg.split("allows:", 1)[1]
    assert [k.strip() for k in allowed.split(",")] == list(Search.model_fields)


def test_unknown_section_lists_sections_not_the_internal_source_field(tmp_path):
    msg = _error(_write(tmp_path, "[bogus]\nx = 1\n"))
    allowed = [k.strip() for k in msg.split("allows:", 1)[1].split(",")]
    assert allowed == [*SECTIONS, "policy"]  # policy: the [[policy]] tables of the levers
    assert "source" not in allowed


def test_every_mechanism_section_has_an_enabled_switch_on_by_default_but_the_cycle():
    s = Scenario()
    for section in MECHANISM_SECTIONS:
        assert getattr(s, section).enabled is (section not in OFF_BY_DEFAULT), section
    off = s.with_changes({f"{m}.enabled": False for m in MECHANISM_SECTIONS})
    assert not any(getattr(off, m).enabled for m in MECHANISM_SECTIONS)
    assert all(getattr(off, c) == getattr(s, c) for c in CORE_SECTIONS)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    msg = _error(path)
    assert "\n" not in msg
    assert str(path) in msg and "no such scenario file" in msg


def test_directory_instead_of_file(tmp_path):
    msg = _error(tmp_path)
    assert "\n" not in msg and msg.startswith(str(tmp_path))


def test_parse_scenario_names_the_given_source():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"run": {"scale": 0}}, source="<cli>")
    assert str(info.value).startswith("<cli>: run.scale = 0")


def test_scenario_error_is_a_value_error():
    assert issubclass(ScenarioError, ValueError)


def test_non_utf8_file_gives_scenario_error(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe[run]\nscale = 0.1\n")
    msg = _error(path)
    assert "\n" not in msg and str(path) in msg


def test_quoted_key_with_newline_still_gives_one_line(tmp_path):
    msg = _error(_write(tmp_path, '[search]\n"bo\\ngus" = 1\n'))
    assert "\n" not in msg


def test_list_too_short_names_the_value(tmp_path):
    msg = _error(_write(tmp_path, "[flows]\nlayoff_rate = [0.1, 0.2]\n"))
    assert "0.2" in msg


# --------------------------------------------------------------------- overrides
def test_with_overrides_replaces_only_the_given_run_fields(tmp_path):
    base = load_scenario(ROOT / "scenarios" / "small.toml")
    new = base.with_overrides(seed=5, months=3, scale=None)
    assert (new.run.seed, new.run.months) == (5, 3)
    assert new.run.scale == base.run.scale
    assert new.source == base.source
    expected = base.model_dump()
    expected["run"].update(seed=5, months=3)
    assert new.model_dump() == expected
    # the original is unchanged
    assert base.run.seed == 42 and base.run.months == 24


def test_with_overrides_of_nothing_is_the_same_object():
    s = Scenario()
    assert s.with_overrides() is s
    assert s.with_overrides(seed=None, months=None) is s


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"scale": 5}, "run.scale"),
        ({"scale": 0.0}, "run.scale"),
        ({"months": 0}, "run.months"),
        ({"seed": -1}, "run.seed"),
        ({"seed": True}, "run.seed"),
        ({"bogus": 1}, "run.bogus"),
    ],
)
def test_with_overrides_validates(tmp_path, overrides, key):
    path = _write(tmp_path, "[run]\nscale = 0.001\n", "ok.toml")
    s = load_scenario(path)
    with pytest.raises(ScenarioError) as info:
        s.with_overrides(**overrides)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: {key}"), msg


def test_scenario_is_frozen():
    s = Scenario()
    with pytest.raises(ValidationError):
        s.run = Run(scale=0.5)  # type: ignore[misc]
    with pytest.raises(ValidationError):
        s.run.scale = 0.5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        s.flows.layoff_rate = (0.1, 0.1, 0.1)  # type: ignore[misc]
    assert isinstance(s.flows.layoff_rate, tuple)  # no mutable list inside
    assert s.run.scale == Run().scale
    assert hash(s) == hash(Scenario())


def test_every_section_forbids_extra_keys_and_is_frozen():
    for section in SECTIONS:
        model = type(getattr(Scenario(), section))
        assert issubclass(model, BaseModel)
        assert model.model_config.get("extra") == "forbid", section
        assert model.model_config.get("frozen") is True, section


def test_to_dict_is_json_ready_and_complete():
    s = Scenario()
    d = s.to_dict()
    assert set(d) == {*SECTIONS, "policy"}  # source is not a value
    assert d["policy"] == []
    assert json.loads(json.dumps(d)) == d
    assert d["flows"]["layoff_rate"] == list(Flows().layoff_rate)
    for section in SECTIONS:
        if section == "geography_options":
            assert d[section] == {}  # uk-itl1 uses none (grid ones: test_rules.py)
            continue
        assert set(d[section]) == set(type(getattr(s, section)).model_fields), section


def test_to_dict_parses_back_to_the_same_scenario():
    d = Scenario().to_dict()
    assert parse_scenario(d) == Scenario(source="<scenario>")
    assert parse_scenario(d).source == "<scenario>"


def _tuple_fields(section: str) -> list[str]:
    values = getattr(Scenario(), section)
    return [k for k in type(values).model_fields if isinstance(getattr(values, k), tuple)]


@pytest.mark.parametrize(
    "section",
    [
        sec for sec in SECTIONS if _tuple_fields(sec)
    ],
)
def test_every_tuple_value_can_be_written_as_a_toml_array(tmp_path, section):
    """TOML arrays arrive as lists: every tuple-valued key must accept one."""
    default = getattr(Scenario(), section)
    lines = [f"[{section}]"]
    for key in _tuple_fields(section):
        items = ", ".join(json.dumps(v) for v in getattr(default, key))
        lines.append(f"{key} = [{items}]")
    scenario = load_scenario(_write(tmp_path, "\n".join(lines) + "\n", "arrays.toml"))
    assert getattr(scenario, section) == default


# --------------------------------------------------------------------- dotted changes
def test_with_changes_replaces_dotted_keys_and_validates():
    s = Scenario()
    new = s.with_changes(
        {"search.distance_decay_per_minute": 0.02, "flows.layoff_rate": [0.01, 0.01, 0.01]}
    )
    assert new.search.distance_decay_per_minute == 0.02
    assert new.flows.layoff_rate == (0.01, 0.01, 0.01)
    expected = s.model_dump()
    expected["search"]["distance_decay_per_minute"] = 0.02
    expected["flows"]["layoff_rate"] = (0.01, 0.01, 0.01)
    assert new.model_dump() == expected
    assert s.search.distance_decay_per_minute == Search().distance_decay_per_minute


@pytest.mark.parametrize(
    ("changes", "parts"),
    [
        ({"search.bogus": 1}, ["search.bogus", "unknown key"]),
        ({"run.scale": 5}, ["run.scale = 5", "<= 1"]),
        ({"flows.layoff_rate": [0.1, 0.2, 1.5]}, ["flows.layoff_rate[2] = 1.5"]),
        ({"scale": 0.1}, ["scale", "section.key"]),
        ({"bogus.x": 1}, ["bogus.x", "run", "firms"]),
        ({"source.x": 1}, ["source.x"]),
    ],
)
def test_with_changes_errors_are_one_line(changes, parts):
    with pytest.raises(ScenarioError) as info:
        Scenario().with_changes(changes)
    msg = str(info.value)
    assert "\n" not in msg
    for part in parts:
        assert part in msg, f"{part!r} not in {msg!r}"


def test_one_value_of_a_list_can_be_changed_alone():
    """``section.key[i]`` changes the i-th value of a list, checked like the whole list."""
    default = Scenario().flows.layoff_rate  # the calibrated values
    s = Scenario().with_changes({"flows.layoff_rate[1]": 0.005})
    assert s.flows.layoff_rate == (default[0], 0.005, default[2]) != default
    with pytest.raises(ScenarioError, match=r"flows.layoff_rate\[1\] = 1.5: must be <= 1.0"):
        Scenario().with_changes({"flows.layoff_rate[1]": 1.5})
    with pytest.raises(ScenarioError, match=r"has 3 values \(index 0 to 2\)"):
        Scenario().with_changes({"flows.layoff_rate[3]": 0.1})
    with pytest.raises(ScenarioError, match="is not a list of values"):
        Scenario().with_changes({"search.hiring_standard[0]": 0.1})

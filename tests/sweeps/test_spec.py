"""Tests of sweep files (sim/sweeps/spec.py): what loads, what it resolves to, what is refused.

Every sweep here is a TOML file written beside a tiny base scenario (``base.toml``).
Valid files must give the design sizes of the module's table, the base with ``[set]``,
``months`` and ``scale`` applied, and a fingerprint that changes with anything that
defines the runs. Each mistake must stop :func:`load_sweep` with one
:class:`SweepError` line that starts with the sweep file's path and names the key, the
value (where there is one) and what is allowed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.config.scenario import ScenarioError
from sim.sweeps.design import make_design
from sim.sweeps.spec import (
    MAX_RUNS,
    ParameterSpec,
    Sweep,
    SweepError,
    design_size,
    load_sweep,
)

BASE = """\
[run]
name = "tiny"
scale = 0.0005
seed = 7
burn_in_months = 3
months = 4
"""
HEAD = 'base = "base.toml"\n'
BP = '"wages.bargaining_power"'
APS = '"search.applications_per_searcher"'
RANGES = {
    1: f"{BP} = {{ low = 0.3, high = 0.5 }}\n",
    2: f"{BP} = {{ low = 0.3, high = 0.5 }}\n{APS} = {{ low = 2, high = 5 }}\n",
    3: f"{BP} = {{ low = 0.3, high = 0.5 }}\n{APS} = {{ low = 2, high = 5 }}\n"
       '"search.hiring_standard" = { low = 0.1, high = 0.9 }\n',
}


def write(directory: Path, text: str, name: str = "sweep.toml", base: str = BASE) -> Path:
    """Write ``base.toml`` and the sweep file ``name`` (holding ``text``) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "base.toml").write_text(base, encoding="utf-8")
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Sweep:
    return load_sweep(write(tmp_path, text))


def runs(sweep: Sweep) -> int:
    return design_size(sweep.design, list(sweep.parameters)) * sweep.replications


# -- valid files ------------------------------------------------------------------------------


def test_a_grid_is_the_product_of_its_lists(tmp_path):
    sweep = load(tmp_path, HEAD + "replications = 2\n[parameters]\n"
                 f"{APS} = [2, 3, 4]\n{BP} = [0.3, 0.4]\n")
    assert sweep.design.kind == "grid" and sweep.design.samples is None
    assert sweep.names == ["search.applications_per_searcher", "wages.bargaining_power"]
    assert sweep.parameters == (
        ParameterSpec("search.applications_per_searcher", values=(2, 3, 4)),
        ParameterSpec("wages.bargaining_power", values=(0.3, 0.4)),
    )
    assert design_size(sweep.design, list(sweep.parameters)) == 6
    assert runs(sweep) == 12


@pytest.mark.parametrize(
    ("design", "d", "points"),
    [
        ('kind = "random"\nsamples = 5', 1, 5),
        ('kind = "random"\nsamples = 5', 3, 5),
        ('kind = "sobol"\nsamples = 8', 1, 8 * 3),
        ('kind = "sobol"\nsamples = 8', 2, 8 * 4),
        ('kind = "sobol"\nsamples = 8', 3, 8 * 5),
        ('kind = "sobol"\nsamples = 8\nsecond_order = true', 2, 8 * 6),
        ('kind = "sobol"\nsamples = 4\nsecond_order = true', 3, 4 * 8),
        ('kind = "morris"\nsamples = 4', 2, 4 * 3),
        ('kind = "morris"\nsamples = 3\nlevels = 6', 3, 3 * 4),
    ],
)
def test_sampled_designs_have_the_documented_sizes(tmp_path, design, d, points):
    sweep = load(tmp_path, HEAD + f"replications = 3\n[design]\n{design}\n[parameters]\n"
                 + RANGES[d])
    assert len(sweep.parameters) == d
    assert design_size(sweep.design, list(sweep.parameters)) == points
    assert runs(sweep) == 3 * points


def test_ranges_are_resolved_with_their_type(tmp_path):
    sweep = load(tmp_path, HEAD + '[design]\nkind = "random"\nsamples = 4\nseed = 9\n'
                 "[parameters]\n" + RANGES[2])
    assert sweep.design.seed == 9
    assert sweep.parameters == (
        ParameterSpec("wages.bargaining_power", low=0.3, high=0.5, integer=False),
        ParameterSpec("search.applications_per_searcher", low=2.0, high=5.0, integer=True),
    )


def test_no_parameters_and_a_grid_is_one_point(tmp_path):
    sweep = load(tmp_path, HEAD + "replications = 3\n")
    assert sweep.parameters == () and sweep.names == []
    assert design_size(sweep.design, []) == 1
    assert runs(sweep) == 3


def test_the_base_is_resolved_beside_the_sweep_file(tmp_path, monkeypatch):
    path = write(tmp_path / "sweeps", HEAD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # A base.toml in the working directory too: the one beside the sweep file wins.
    (elsewhere / "base.toml").write_text(BASE.replace('"tiny"', '"other"'), encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    sweep = load_sweep(path)
    assert Path(sweep.base_file) == tmp_path / "sweeps" / "base.toml"
    assert sweep.base.run.name == "tiny"
    assert sweep.source == str(path)
    assert sweep.name == "sweep"  # the file's stem
    assert sweep.seed == 7  # the base's run.seed


def test_the_base_falls_back_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "b.toml").write_text(BASE, encoding="utf-8")
    sweep_dir = tmp_path / "sweeps"
    sweep_dir.mkdir()
    path = sweep_dir / "s.toml"
    path.write_text('base = "scenarios/b.toml"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    sweep = load_sweep(path)
    assert Path(sweep.base_file) == Path("scenarios/b.toml")
    assert sweep.base.run.months == 4


def test_set_months_scale_seed_and_name_are_applied(tmp_path):
    sweep = load(tmp_path, HEAD + 'name = "mine"\nmonths = 2\nscale = 0.001\nseed = 99\n'
                 '[set]\n"wages.bargaining_power" = 0.45\n"run.burn_in_months" = 1\n'
                 '"green.enabled" = false\n')
    base = sweep.base
    assert base.wages.bargaining_power == 0.45
    assert base.run.burn_in_months == 1 and base.green.enabled is False
    assert base.run.months == 2 and base.run.scale == 0.001
    assert base.run.seed == 7 and sweep.seed == 99
    assert sweep.name == "mine" and base.run.name == "mine"
    assert sweep.fixed == {"wages.bargaining_power": 0.45, "run.burn_in_months": 1,
                           "green.enabled": False}


@pytest.mark.parametrize("order", [("young", "old"), ("old", "young")])
def test_set_keys_linked_by_a_rule_are_applied_together(tmp_path, order):
    # young_age_years = 50 is fine once old_age_years is 60, whichever comes first.
    lines = {"young": '"migration.young_age_years" = 50\n',
             "old": '"migration.old_age_years" = 60\n'}
    sweep = load(tmp_path, HEAD + "[set]\n" + "".join(lines[k] for k in order))
    assert sweep.base.migration.young_age_years == 50
    assert sweep.base.migration.old_age_years == 60


def test_grid_floats_are_normalised_and_integers_kept(tmp_path):
    sweep = load(tmp_path, HEAD + '[parameters]\n"wages.benefit_gbp_week" = [100, 150.5]\n'
                 f"{APS} = [2, 3]\n")
    floats, ints = sweep.parameters
    assert floats.values == (100.0, 150.5)
    assert [type(v) for v in floats.values] == [float, float]
    assert [type(v) for v in ints.values] == [int, int]


@pytest.mark.parametrize(
    "parameters",
    [
        '"migration.young_age_years" = [30, 50]\n',  # 50 fails with the default old age 45
        '"migration.young_age_years" = [30, 50]\n"migration.old_age_years" = [45, 60]\n',
    ],
)
def test_a_combination_refused_only_together_loads(tmp_path, parameters):
    sweep = load(tmp_path, HEAD + "[parameters]\n" + parameters)
    assert sweep.parameters[0].values == (30, 50)
    # It is refused when that run's scenario is built (at run time), not here.
    with pytest.raises(ScenarioError, match="must be < migration.old_age_years = 45"):
        sweep.base.with_changes({"migration.young_age_years": 50})


def test_a_range_refused_only_together_at_one_end_loads(tmp_path):
    sweep = load(tmp_path, HEAD + '[design]\nkind = "random"\nsamples = 4\n[parameters]\n'
                 '"migration.young_age_years" = { low = 30, high = 50 }\n')
    assert sweep.parameters[0] == ParameterSpec("migration.young_age_years", low=30.0,
                                                high=50.0, integer=True)


# -- fingerprints -----------------------------------------------------------------------------

SWEEP = (HEAD + "replications = 2\nmonths = 3\nscale = 0.0005\n[set]\n"
         '"run.burn_in_months" = 2\n[design]\nkind = "sobol"\nsamples = 4\nseed = 1\n'
         f"[parameters]\n{BP} = {{ low = 0.3, high = 0.5 }}\n")


def test_the_fingerprint_is_equal_for_equal_files(tmp_path):
    a = load_sweep(write(tmp_path / "a", SWEEP))
    b = load_sweep(write(tmp_path / "b", SWEEP))
    assert a.source != b.source
    assert a.fingerprint() == b.fingerprint()
    assert len(a.fingerprint()) == 64
    assert json.loads(json.dumps(a.to_dict())) == b.to_dict()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("replications = 2", "replications = 3"),
        ("months = 3", "months = 5"),
        ("scale = 0.0005", "scale = 0.001"),
        ('"run.burn_in_months" = 2', '"run.burn_in_months" = 1'),
        ("seed = 1", "seed = 2"),  # the design's seed
        ("samples = 4", "samples = 8"),
        ('kind = "sobol"', 'kind = "random"'),
        ("high = 0.5", "high = 0.6"),
        ("low = 0.3", "low = 0.2"),
        ("wages.bargaining_power", "search.hiring_standard"),
        ("replications = 2", "replications = 2\nseed = 5"),  # the replications' seed
        ("replications = 2", 'replications = 2\nname = "other"'),
    ],
)
def test_the_fingerprint_changes_with_what_defines_the_runs(tmp_path, old, new):
    assert old in SWEEP
    a = load_sweep(write(tmp_path / "a", SWEEP))
    b = load_sweep(write(tmp_path / "b", SWEEP.replace(old, new, 1)))
    assert a.fingerprint() != b.fingerprint()


def test_the_fingerprint_changes_with_the_base_file(tmp_path):
    a = load_sweep(write(tmp_path / "a", SWEEP))
    b = load_sweep(write(tmp_path / "b", SWEEP, base=BASE + "[search]\nhiring_standard = 0.2\n"))
    assert a.fingerprint() != b.fingerprint()


# -- mistakes ---------------------------------------------------------------------------------

RANDOM = '[design]\nkind = "random"\nsamples = 4\n'
# (id, sweep text, key as the message names it, value as written in it or None, what's allowed)
ERRORS = [
    ("unknown-top-level-key", HEAD + "bogus = 1\n", "bogus", "1",
     "unknown key; the top level allows: base, name, replications"),
    ("unknown-design-key", HEAD + "[design]\nfoo = 2\n", "design.foo", "2",
     "unknown key; [design] allows: kind, samples, seed, levels, second_order"),
    ("unknown-design-kind", HEAD + '[design]\nkind = "latin"\n', "design.kind", '"latin"',
     "must be one of 'grid', 'random', 'sobol' or 'morris'"),
    ("unknown-parameter", HEAD + '[parameters]\n"wages.nope" = [1, 2]\n',
     'parameters."wages.nope"', None, "unknown key; [wages] allows: bargaining_power"),
    ("unknown-section", HEAD + '[parameters]\n"nosuch.key" = [1, 2]\n',
     'parameters."nosuch.key"', None, "not a scenario key; use 'section.key' with a section of"),
    ("range-end-out-of-range",
     HEAD + RANDOM + f"[parameters]\n{BP} = {{ low = 0.3, high = 1.5 }}\n",
     'parameters."wages.bargaining_power".high', "1.5", "must be < 1.0"),
    ("integer-range-end-out-of-range",
     HEAD + RANDOM + f"[parameters]\n{APS} = {{ low = 0, high = 4 }}\n",
     'parameters."search.applications_per_searcher".low', "0", "must be >= 1"),
    ("grid-value-out-of-range", HEAD + f"[parameters]\n{BP} = [0.3, 1.5]\n",
     'parameters."wages.bargaining_power"', "1.5", "must be < 1.0"),
    ("grid-value-wrong-type", HEAD + f"[parameters]\n{APS} = [2, 3.5]\n",
     'parameters."search.applications_per_searcher"', "3.5", "must be a valid integer"),
    ("list-with-sobol", HEAD + '[design]\nkind = "sobol"\nsamples = 4\n'
     f"[parameters]\n{BP} = [0.3, 0.5]\n",
     'parameters."wages.bargaining_power"', "[0.3, 0.5]", "a sobol design takes a range"),
    ("range-with-grid", HEAD + f"[parameters]\n{BP} = {{ low = 0.3, high = 0.5 }}\n",
     'parameters."wages.bargaining_power"', "{ low = 0.3, high = 0.5 }",
     'a grid takes a list of values; a range needs design kind "random", "sobol" or "morris"'),
    ("not-a-list-or-range", HEAD + f"[parameters]\n{BP} = 0.3\n",
     'parameters."wages.bargaining_power"', "0.3", "must be a list of values (grid) or a range"),
    ("samples-missing-for-sobol", HEAD + '[design]\nkind = "sobol"\n'
     f"[parameters]\n{BP} = {{ low = 0.3, high = 0.5 }}\n",
     "design.samples", None, 'missing (design kind "sobol" needs the sampler\'s N)'),
    ("samples-for-grid", HEAD + f"[design]\nsamples = 4\n[parameters]\n{BP} = [0.3]\n",
     "design.samples", "4", "a grid takes no samples"),
    ("sobol-samples-not-a-power-of-2", HEAD + '[design]\nkind = "sobol"\nsamples = 6\n'
     f"[parameters]\n{BP} = {{ low = 0.3, high = 0.5 }}\n",
     "design.samples", "6", "must be a power of 2 for a sobol design"),
    ("morris-odd-levels", HEAD + '[design]\nkind = "morris"\nsamples = 4\nlevels = 5\n'
     f"[parameters]\n{BP} = {{ low = 0.3, high = 0.5 }}\n",
     "design.levels", "5", "must be even"),
    ("low-equal-to-high", HEAD + RANDOM + f"[parameters]\n{BP} = {{ low = 0.5, high = 0.5 }}\n",
     'parameters."wages.bargaining_power"', "{ low = 0.5, high = 0.5 }",
     "low must be below high"),
    ("low-above-high", HEAD + RANDOM + f"[parameters]\n{BP} = {{ low = 0.5, high = 0.3 }}\n",
     'parameters."wages.bargaining_power"', "{ low = 0.5, high = 0.3 }",
     "low must be below high"),
    ("fractional-end-of-integer",
     HEAD + RANDOM + f"[parameters]\n{APS} = {{ low = 2.5, high = 4 }}\n",
     'parameters."search.applications_per_searcher".low', "2.5",
     "must be a whole number (the parameter is an integer)"),
    ("range-of-a-string", HEAD + RANDOM + '[parameters]\n"run.geography" = { low = 1, high = 2 }\n',
     'parameters."run.geography"', "{ low = 1.0, high = 2.0 }",
     "a range needs a parameter that is a number"),
    ("range-of-a-bool", HEAD + RANDOM + '[parameters]\n"green.enabled" = { low = 0, high = 1 }\n',
     'parameters."green.enabled"', "{ low = 0.0, high = 1.0 }",
     "a range needs a parameter that is a number"),
    ("sweeping-run-seed", HEAD + '[parameters]\n"run.seed" = [1, 2]\n',
     'parameters."run.seed"', "[1, 2]", "use replications (and the sweep's seed) instead"),
    ("run-seed-in-set", HEAD + '[set]\n"run.seed" = 3\n',
     'set."run.seed"', "3", "use replications (and the sweep's seed) instead"),
    ("sweeping-run-name", HEAD + '[parameters]\n"run.name" = ["a", "b"]\n',
     'parameters."run.name"', '["a", "b"]', "the sweep has one name"),
    ("key-in-set-and-parameters", HEAD + f"[set]\n{BP} = 0.4\n[parameters]\n{BP} = [0.3, 0.5]\n",
     'parameters."wages.bargaining_power"', "0.4", "is also in [set]; keep it in one place"),
    ("base-missing", 'base = "nobase.toml"\n', "base", '"nobase.toml"', "no such scenario file"),
    ("base-key-missing", "replications = 2\n", "base", None, "missing"),
    ("bad-value-in-set", HEAD + f"[set]\n{BP} = 2.0\n",
     'set."wages.bargaining_power"', "2.0", "must be < 1.0"),
    ("unknown-key-in-set", HEAD + '[set]\n"wages.nope" = 2.0\n',
     'set."wages.nope"', "2.0", "unknown key; [wages] allows: bargaining_power"),
    ("unknown-section-in-set", HEAD + f'[set]\n{BP} = 0.4\n"nosuch.key" = 1\n',
     'set."nosuch.key"', "1", "not a scenario key"),
    ("rule-broken-by-set", HEAD + '[set]\n"migration.young_age_years" = 50\n',
     'set."migration.young_age_years"', "50", "must be < migration.old_age_years = 45"),
    ("bad-months", HEAD + "months = 0\n", "months", "0", "must be >= 1"),
    ("bad-scale", HEAD + "scale = 2.0\n", "scale", "2.0", "must be <= 1.0"),
    ("bad-replications", HEAD + "replications = 0\n", "replications", "0", "must be >= 1"),
    ("too-many-runs", HEAD + f"replications = 100000\n[parameters]\n{APS} = "
     f"{list(range(1, 12))}\n", "replications", "100000",
     f"11 design points x 100000 replications is more than {MAX_RUNS:,} runs"),
    ("empty-parameter-list", HEAD + f"[parameters]\n{BP} = []\n",
     'parameters."wages.bargaining_power"', "[]", "must hold at least one value"),
    ("no-parameters-for-sobol", HEAD + '[design]\nkind = "sobol"\nsamples = 4\n',
     "[parameters]", None, "a sobol design needs at least one parameter with a range"),
    ("duplicate-grid-values", HEAD + f"[parameters]\n{BP} = [0.3, 0.4, 0.3]\n",
     'parameters."wages.bargaining_power"', "[0.3, 0.4, 0.3]", "holds a value twice"),
    ("duplicate-grid-values-once-normalised",
     HEAD + '[parameters]\n"wages.benefit_gbp_week" = [100, 100.0]\n',
     'parameters."wages.benefit_gbp_week"', "[100.0, 100.0]", "holds a value twice"),
]


@pytest.mark.parametrize(("text", "key", "value", "allowed"), [e[1:] for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_a_mistake_is_one_line_naming_file_key_value_and_what_is_allowed(
    tmp_path, text, key, value, allowed
):
    path = write(tmp_path, text)
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}")
    if value is not None:
        assert message.startswith(f"{path}: {key} = {value}: ")
    assert allowed in message


def test_a_toml_syntax_error_is_one_line(tmp_path):
    path = write(tmp_path, HEAD + "[design\nkind = 1\n")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: TOML syntax error: ")
    assert "line 2" in message


def test_a_missing_sweep_file_is_one_line(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(SweepError, match=r"no such sweep file$") as info:
        load_sweep(path)
    assert str(info.value) == f"{path}: no such sweep file"


def test_a_bad_base_file_names_the_base_file(tmp_path):
    path = write(tmp_path, HEAD, base=BASE + "[wages]\nbargaining_power = 1.5\n")
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'base.toml'}: wages.bargaining_power = 1.5: ")


def test_sweep_errors_are_scenario_errors_with_key_and_value(tmp_path):
    path = write(tmp_path, HEAD + f"[parameters]\n{BP} = [0.3, 1.5]\n")
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    assert isinstance(info.value, SweepError)
    assert info.value.key == 'parameters."wages.bargaining_power"'
    assert info.value.value == 1.5
    assert info.value.reason == "must be < 1.0"


def test_one_value_of_a_list_can_be_swept(tmp_path):
    """A range over ``flows.layoff_rate[1]`` samples that value alone, checked against the
    element's own range; an index past the list's end is refused."""
    base = tmp_path / "tiny.toml"
    base.write_text('[run]\nname = "tiny"\nscale = 0.0005\n', encoding="utf-8")
    path = tmp_path / "el.toml"
    text = ('base = "tiny.toml"\n[design]\nkind = "random"\nsamples = 4\n[parameters]\n'
            '"flows.layoff_rate[1]" = { low = 0.003, high = HIGH }\n')
    path.write_text(text.replace("HIGH", "0.006"), encoding="utf-8")
    sweep = load_sweep(path)
    points = make_design(sweep).points
    assert all(0.003 <= p["flows.layoff_rate[1]"] <= 0.006 for p in points)
    path.write_text(text.replace("HIGH", "1.5"), encoding="utf-8")
    with pytest.raises(SweepError, match=r"\[1\]\"\.high = 1.5: must be <= 1.0"):
        load_sweep(path)
    path.write_text(text.replace("HIGH", "0.006").replace("[1]", "[3]"), encoding="utf-8")
    with pytest.raises(SweepError, match=r"has 3 values"):
        load_sweep(path)

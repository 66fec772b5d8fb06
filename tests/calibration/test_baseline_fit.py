"""The default baseline is the output of its calibration (issue 9).

``scenarios/calibrations/baseline.toml`` is the calibration; ``baseline-fit.json`` beside it
is the ``calibration.json`` of the run that set ``scenarios/baseline.toml``. Rerunning
``placejobs calibrate scenarios/calibrations/baseline.toml --out DIR`` reproduces that fit
(common random numbers and a seeded optimiser make it deterministic; docs/calibration.md
gives the command and its timing). These tests check, without rerunning it, that the
baseline holds the fitted values and that the record belongs to this calibration file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import sim
from sim.calibration.spec import load_calibration

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION = ROOT / "scenarios" / "calibrations" / "baseline.toml"
FIT = ROOT / "scenarios" / "calibrations" / "baseline-fit.json"


@pytest.fixture(scope="module")
def fit() -> dict:
    return json.loads(FIT.read_text(encoding="utf-8"))


def _value(scenario: sim.Scenario, key: str) -> float:
    section, _, name = key.partition(".")
    index = None
    if name.endswith("]"):
        name, _, rest = name.partition("[")
        index = int(rest[:-1])
    value = getattr(getattr(scenario, section), name)
    return float(value[index] if index is not None else value)


def _without(base: dict, keys: list[str]) -> dict:
    """The scenario dictionary without the free parameters (which every evaluation sets)."""
    out = json.loads(json.dumps(base))
    for key in keys:
        section, _, name = key.partition(".")
        out[section].pop(name.partition("[")[0], None)
    return out


def test_the_record_is_a_complete_fit_of_this_calibration_file(fit: dict) -> None:
    """Everything but the fitted values is as it was when the fit was made.

    The optimiser starts from a Latin hypercube over the ranges, not from the base
    scenario's values, so the fit does not depend on those; any other change to the
    scenario or the calibration file (a default, a range, a moment) would change the fit,
    and then the calibration must be run again and this record replaced.
    """
    cal = load_calibration(CALIBRATION)
    record = fit["calibration"]
    now = cal.to_dict()
    assert fit["complete"] is True
    keys = [p.key for p in cal.parameters]
    assert set(fit["best"]) == set(keys)
    assert _without(record["sweep"]["base_scenario"], keys) == _without(
        now["sweep"]["base_scenario"], keys)
    for part in ("optimizer", "moments"):
        assert record[part] == json.loads(json.dumps(now[part])), part
    record_sweep = {k: v for k, v in record["sweep"].items() if k != "base_scenario"}
    now_sweep = {k: v for k, v in now["sweep"].items() if k != "base_scenario"}
    assert record_sweep == json.loads(json.dumps(now_sweep))


def test_the_baseline_holds_the_fitted_values(fit: dict) -> None:
    """To the four significant figures the baseline file writes them."""
    baseline = sim.load_scenario(ROOT / "scenarios" / "baseline.toml")
    defaults = sim.Scenario()
    for key, fitted in fit["best"].items():
        assert math.isclose(_value(baseline, key), fitted, rel_tol=5e-4), key
        # The code's defaults are the baseline's, so a key left out means the fit.
        assert math.isclose(_value(defaults, key), fitted, rel_tol=5e-4), key

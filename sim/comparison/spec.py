"""Policy files: the levers a comparison sets against its baseline.

A *policy file* is a TOML file holding only ``[[policy]]`` tables (the levers,
:mod:`sim.policies`) and, optionally, a ``[run]`` table with ``name`` and
``description``::

    [run]
    name = "grants-lagging"
    description = "Business grants of GBP 1.4 bn to the lagging third of places"

    [[policy]]
    lever = "business_grants"
    target = "lagging"
    budget_gbp = 1.4e9

The policy scenario is the baseline with these tables (and this name): the baseline's
values plus the tables are validated again as one scenario
(:func:`sim.config.scenario.parse_scenario`), so every check of a scenario runs, and
what needs the geography (targets, overlapping levers) is checked before anything
runs. A file without ``[[policy]]`` is allowed: it compares the baseline with itself
(every difference is exactly zero). The policy's name is its ``run.name``, else the
file's stem; names must be unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config.scenario import Scenario, ScenarioError, parse_scenario, read_toml_file
from sim.config.section import toml_value

__all__ = ["PolicyScenario", "load_policy", "policy_scenarios"]

#: Keys a policy file's ``[run]`` table may hold.
RUN_KEYS = ("name", "description")


@dataclass(frozen=True)
class PolicyScenario:
    """A policy to compare: its name, file and scenario (the baseline with its levers).

    Attributes:
        name: the policy's name in the outputs.
        source: the policy file (or ``"<name>"`` in memory).
        scenario: the validated scenario.
    """

    name: str
    source: str
    scenario: Scenario


def _refuse(source: str, key: str, value: Any, reason: str) -> ScenarioError:
    return ScenarioError(f"{source}: {key} = {toml_value(value)}: {reason}",
                         key=key, value=value, reason=reason)


def load_policy(data: dict[str, Any], baseline: Scenario, *, source: str,
                default_name: str) -> PolicyScenario:
    """A policy from a policy file's contents.

    Args:
        data: the parsed TOML.
        baseline: the baseline scenario (with its overrides applied).
        source: the file, for messages.
        default_name: the name when ``[run]`` has none (the file's stem).

    Raises:
        ScenarioError: a key other than ``[[policy]]`` and ``[run]`` name/description,
            or a policy the scenario refuses (one line naming the file and the key).
    """
    for key, value in data.items():
        if key not in ("policy", "run"):
            raise _refuse(source, key, value, "unknown key; a policy file allows only "
                          "[[policy]] tables and [run] with name and description")
    run = data.get("run", {})
    if not isinstance(run, dict):
        raise _refuse(source, "run", run, "must be a table with name and description")
    for key, value in run.items():
        if key not in RUN_KEYS:
            raise _refuse(source, f"run.{key}", value, "unknown key; [run] of a policy file "
                          "allows: name, description (the rest comes from the baseline)")
    tables = data.get("policy", [])
    if not isinstance(tables, list):
        raise _refuse(source, "policy", tables, "must be [[policy]] tables (an array of "
                      "tables)")
    merged = baseline.to_dict()
    merged["run"] = {**merged["run"], "name": run.get("name", default_name)}
    if "description" in run:
        merged["run"]["description"] = run["description"]
    merged["policy"] = tables
    scenario = parse_scenario(merged, source=source)
    return PolicyScenario(scenario.run.name, source, scenario)


def policy_scenarios(policies: Sequence[str | Path | dict[str, Any] | Scenario],
                     baseline: Scenario) -> list[PolicyScenario]:
    """The policies of a comparison, from files, dictionaries (a policy file's contents)
    or scenarios (taken as they are, with the baseline's run settings).

    Raises:
        ScenarioError: a bad policy file, or two policies with one name.
    """
    if isinstance(policies, (str, Path, dict, Scenario)):
        policies = [policies]
    if not policies:
        raise ScenarioError("give at least one policy to compare with the baseline")
    out: list[PolicyScenario] = []
    for i, item in enumerate(policies):
        if isinstance(item, (str, Path)):
            path = Path(item)
            data = read_toml_file(path, "policy")
            out.append(load_policy(data, baseline, source=str(path), default_name=path.stem))
        elif isinstance(item, dict):
            out.append(load_policy(item, baseline, source=f"policy {i}",
                                   default_name=f"policy{i}"))
        elif isinstance(item, Scenario):
            d = item.to_dict()
            merged = baseline.to_dict()
            merged["run"] = {**merged["run"], "name": d["run"]["name"]}
            merged["policy"] = d.get("policy", [])
            source = item.source or f"policy {i}"
            scenario = parse_scenario(merged, source=source)
            out.append(PolicyScenario(scenario.run.name, source, scenario))
        else:
            raise TypeError(f"a policy is a file, a dictionary or a Scenario, got "
                            f"{type(item).__name__}")
    seen: dict[str, str] = {}
    for p in out:
        if p.name in seen:
            raise ScenarioError(
                f"{p.source}: run.name = {toml_value(p.name)}: the name of {seen[p.name]} "
                "too; policies need unique names (set [run] name in the policy file)",
                key="run.name", value=p.name, reason="not unique")
        seen[p.name] = p.source
    return out

"""Scenarios: TOML files loaded into a validated, immutable :class:`Scenario`.

A scenario names the geography, the population scale, the horizon and every
behavioural parameter of the model, each with its unit and its allowed range.
Files are read with :mod:`tomllib` and validated with pydantic, so that a user's
mistake stops with one line naming the file, the key, the value and what is
allowed::

    scenarios/bad.toml: search.applications_per_searcher = -3: must be >= 1

Every table and key is optional; what is left out takes the documented default
(the UK baseline). Unknown keys are errors, never silently ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, ValidationError, field_validator

from sim.agents.economy import EconomyParams
from sim.config.section import PerSkill, Positive3, Section, Share, list_to_tuple
from sim.mechanisms.demography import DemographyParams
from sim.mechanisms.firm_dynamics import FirmDynamicsParams
from sim.mechanisms.green import GreenParams
from sim.mechanisms.knowledge import KnowledgeParams
from sim.mechanisms.migration import MigrationParams
from sim.mechanisms.remote_work import RemoteWorkParams
from sim.mechanisms.training import TrainingParams

__all__ = ["Scenario", "ScenarioError", "load_scenario", "parse_scenario"]

class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line meant for the user."""


class Run(Section):
    """What to simulate: where, how many agents, how long."""

    name: str = "baseline"
    description: str = ""
    geography: Literal["uk-itl1", "uk-lad", "grid", "random-geometric", "core-periphery"] = (
        "uk-itl1"
    )
    scale: float = Field(0.01, gt=0.0, le=1.0, description="agents per real person")
    seed: int = Field(42, ge=0, lt=2**63, description="random seed")
    burn_in_months: int = Field(60, ge=0, le=1200, description="months run before recording")
    months: int = Field(120, ge=1, le=2400, description="reported horizon in months")


class GeographyOptions(Section):
    """Options passed to the synthetic geography generators (ignored by uk-itl1)."""

    rows: int = Field(3, ge=1, le=50)
    cols: int = Field(3, ge=1, le=50)
    n: int = Field(10, ge=2, le=2000, description="places in a random-geometric geography")
    n_periphery: int = Field(8, ge=1, le=2000, description="periphery places in core-periphery")
    minutes_per_edge: float = Field(40.0, gt=0.0, le=1440.0, description="minutes")
    population: float = Field(1_000_000.0, gt=0.0, description="people per place")
    seed: int = Field(0, ge=0)


class Search(Section):
    """Job search and matching (the kernel in :mod:`sim.kernels.matching`)."""

    applications_per_searcher: int = Field(3, ge=1, le=50, description="k, per round")
    matching_rounds: int = Field(2, ge=1, le=20, description="rounds per month")
    distance_decay_per_minute: float = Field(
        0.075, ge=0.0, le=1.0, description="beta in exp(-beta * minutes), 1/min"
    )
    on_the_job_search_share: Share = Field(0.035, description="employed who search, a month")
    remote_search_share: Share = Field(
        0.3, description="applications of remote-capable workers aimed at remote vacancies"
    )
    skill_fit_weight: float = Field(1.0, ge=0.0, le=100.0, description="score per level of misfit")
    ranking_noise: float = Field(0.5, ge=0.0, le=100.0, description="s.d. of employer noise")
    hiring_standard: float = Field(
        -0.5, ge=-100.0, le=100.0, description="lowest applicant score a firm hires"
    )
    job_switch_premium: float = Field(
        0.05, ge=0.0, le=1.0, description="net gain an employed worker needs to move, share"
    )


class Flows(Section):
    """Monthly transition probabilities between labour-market states."""

    layoff_rate: PerSkill = Field(
        (0.0042, 0.0032, 0.0023), description="employed -> unemployed, a month, by skill"
    )
    exit_to_inactivity_employed: Share = Field(0.0015, description="employed -> inactive, a month")
    exit_to_inactivity_unemployed: Share = Field(
        0.04, description="unemployed -> inactive, a month"
    )


class Wages(Section):
    """Wage setting: Nash bargaining with a local tightness term (a wage curve)."""

    bargaining_power: float = Field(0.4, gt=0.0, lt=1.0, description="phi at reference tightness")
    tightness_elasticity: float = Field(
        0.1, ge=0.0, le=2.0, description="d ln phi / d ln(V/U)"
    )
    adjustment_speed: Share = Field(0.04, description="share of the gap closed each month")
    benefit_gbp_week: float = Field(80.0, ge=0.0, le=2000.0, description="GBP a week")
    replacement_ratio: Share = Field(0.7, description="reservation / last wage, on entry")
    reservation_decay: Share = Field(0.03, description="fall in reservation wage a month")
    commute_cost_gbp_per_minute: float = Field(
        1.33, ge=0.0, le=100.0, description="GBP a week per one-way minute (10 trips)"
    )
    hybrid_commute_factor: Share = Field(0.4, description="share of days a hybrid worker commutes")
    good_job_pay_fraction: float = Field(
        2 / 3, gt=0.0, le=2.0, description="good-job pay line as a share of the national median"
    )
    skill_premium: Positive3 = Field(
        (0.80, 1.0, 1.45), description="productivity by skill level, relative to intermediate"
    )
    hours_per_week: float = Field(32.0, gt=0.0, le=80.0, description="paid hours a week")
    bargaining_power_bounds: Annotated[tuple[float, float], BeforeValidator(list_to_tuple)] = (
        Field(
            (0.01, 0.99),
            description="lowest and highest bargaining power the wage curve allows, share "
            "(a numerical guard, ESTIMATE)",
        )
    )

    @field_validator("bargaining_power_bounds")
    @classmethod
    def _bounds(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not 0.0 < v[0] < v[1] < 1.0:
            raise ValueError("must be two shares with 0 < low < high < 1")
        return v

    @field_validator("skill_premium")
    @classmethod
    def _positive(cls, v: tuple[float, float, float]) -> tuple[float, float, float]:
        if any(x <= 0 for x in v):
            raise ValueError("every skill premium must be > 0")
        return v


class Firms(Section):
    """Firm creation and vacancy posting."""

    mean_size: float = Field(20.0, ge=1.0, le=1e6, description="agents per firm at start")
    vacancy_rate: Share = Field(
        0.015, description="open vacancies / jobs the firms aim for (model steady state)"
    )
    productivity_dispersion: float = Field(
        0.25, ge=0.0, le=3.0, description="s.d. of log firm productivity"
    )
    human_capital_dispersion: float = Field(
        0.3, ge=0.0, le=3.0, description="s.d. of log worker human capital"
    )


class Scenario(Section):
    """A complete, validated scenario. Build one with :func:`load_scenario`."""

    run: Run = Run()
    geography_options: GeographyOptions = GeographyOptions()
    search: Search = Search()
    flows: Flows = Flows()
    wages: Wages = Wages()
    firms: Firms = Firms()
    economy: EconomyParams = EconomyParams()
    demography: DemographyParams = DemographyParams()
    knowledge: KnowledgeParams = KnowledgeParams()
    firm_dynamics: FirmDynamicsParams = FirmDynamicsParams()
    green: GreenParams = GreenParams()
    training: TrainingParams = TrainingParams()
    remote_work: RemoteWorkParams = RemoteWorkParams()
    migration: MigrationParams = MigrationParams()
    source: str | None = Field(None, description="file the scenario was read from")

    def with_overrides(self, **run_overrides: Any) -> Scenario:
        """Return a copy with fields of ``[run]`` replaced (``None`` values are ignored)."""
        changes = {k: v for k, v in run_overrides.items() if v is not None}
        if not changes:
            return self
        data = self.model_dump()
        data["run"].update(changes)
        return parse_scenario(data, source=self.source or "<overrides>")

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """Return a validated copy with values replaced, keys as ``"section.key"``.

        Example:
            >>> s2 = scenario.with_changes({"search.distance_decay_per_minute": 0.02})

        Raises:
            ScenarioError: an unknown key or a value that is not allowed.
        """
        data = self.model_dump()
        for dotted, value in changes.items():
            section, _, key = dotted.partition(".")
            if not key or section not in data or not isinstance(data[section], dict):
                sections = ", ".join(k for k in data if k != "source")
                raise ScenarioError(
                    f"{dotted}: not a scenario key; use 'section.key' with a section of: "
                    f"{sections}"
                )
            data[section][key] = value
        return parse_scenario(data, source=self.source or "<changes>")

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary (JSON-ready) of every value, defaults included."""
        return self.model_dump(mode="json")


def _describe(error: dict[str, Any]) -> str:
    """What is allowed, in words, for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    for bound, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if bound in ctx:
            return f"must be {word} {ctx[bound]}"
    return error["msg"].lower().replace("input should be", "must be")


def _lookup(data: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return list(data) if isinstance(data, tuple) else data


def _format_error(source: str, exc: ValidationError, data: dict[str, Any]) -> str:
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"]]
    # tuple-valued fields report their position; name it like TOML does (key[0]).
    key_parts: list[str] = []
    for part in loc:
        if part.isdigit() and key_parts:
            key_parts[-1] += f"[{part}]"
        else:
            key_parts.append(part)
    # Keys are user text: show control characters escaped so the message stays one line.
    key = ".".join(key_parts).encode("unicode_escape").decode("ascii")
    value = error.get("input")
    if error["type"] == "missing":
        if key.endswith("]"):
            key = key.rsplit("[", 1)[0]
            path = [p for p in loc if not p.isdigit()]
            value = _lookup(data, path)
            expected = len(_lookup(Scenario().model_dump(), path) or ())
            return f"{source}: {key} = {value!r}: must have exactly {expected} values"
        return f"{source}: {key}: missing"
    if isinstance(value, tuple):
        value = list(value)
    if error["type"] in ("too_short", "too_long"):
        expected = len(_lookup(Scenario().model_dump(), list(loc)) or ())
        return f"{source}: {key} = {value!r}: must have exactly {expected} values"
    allowed = _describe(error)
    if error["type"] == "extra_forbidden":
        section = ".".join(k for k in key_parts[:-1])
        model: type[BaseModel] = Scenario
        for part in key_parts[:-1]:
            field = model.model_fields.get(part.split("[")[0])
            ann = field.annotation if field else None
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                model = ann
        names = ", ".join(k for k in model.model_fields if k != "source")
        where = f"[{section}]" if section else "the top level"
        allowed = f"unknown key; {where} allows: {names}"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{source}: {key} = {value!r}: {allowed}{more}"


def parse_scenario(data: dict[str, Any], *, source: str = "<scenario>") -> Scenario:
    """Validate a nested dictionary (the parsed TOML) into a :class:`Scenario`.

    Raises:
        ScenarioError: one line naming the source, the key, the value and what is allowed.
    """
    payload = dict(data)
    payload.setdefault("source", source)
    try:
        return Scenario.model_validate(payload)
    except ValidationError as exc:
        raise ScenarioError(_format_error(source, exc, payload)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    Args:
        path: the ``.toml`` file.

    Returns:
        The validated, immutable scenario.

    Raises:
        ScenarioError: the file is missing, is not valid TOML, or holds an unknown key,
            a value of the wrong type or a value out of range.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; a scenario is a UTF-8 TOML file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: TOML syntax error: {exc}") from None
    if "source" in data:
        raise ScenarioError(f"{path}: source = {data['source']!r}: unknown key (reserved)")
    return parse_scenario(data, source=str(path))

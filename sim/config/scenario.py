"""Scenarios: TOML files loaded into a validated, immutable :class:`Scenario`.

A scenario names the geography, the population scale, the horizon and every
behavioural parameter of the model, each with its unit and its allowed range.
Files are read with :mod:`tomllib` and validated with pydantic, so that a user's
mistake stops with one line naming the file, the key, the value (written as in
TOML) and what is allowed::

    scenarios/bad.toml: search.applications_per_searcher = -3: must be >= 1

Every table and key is optional; what is left out takes the documented default
(the UK baseline). Unknown keys are errors, never silently ignored, and so are
``[geography_options]`` that the chosen geography does not use. NaN and
infinity are refused in every float. Rules that link keys (for example
``migration.young_age_years < migration.old_age_years``) are checked here too;
what needs the places themselves (place codes, memory) is checked by
:func:`sim.config.checks.validate_for_geography` once the geography is known.

:meth:`Scenario.to_dict` gives a block that :func:`parse_scenario` reads back
into an equal scenario (``run.json`` stores it).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from sim.agents.economy import EconomyParams
from sim.config.section import (
    PerSkill,
    Positive3,
    Section,
    Share,
    list_to_tuple,
    rule_error,
    toml_value,
)
from sim.mechanisms.cycle import CycleParams
from sim.mechanisms.demography import DemographyParams
from sim.mechanisms.firm_dynamics import FirmDynamicsParams
from sim.mechanisms.green import GreenParams
from sim.mechanisms.international import InternationalParams
from sim.mechanisms.knowledge import KnowledgeParams
from sim.mechanisms.migration import MigrationParams
from sim.mechanisms.remote_work import RemoteWorkParams
from sim.mechanisms.training import TrainingParams
from sim.policies.levers import LEVERS, LeverParams
from sim.policies.spec import Policy
from sim.world.geography import GEOGRAPHY_OPTIONS

__all__ = [
    "Scenario", "ScenarioError", "describe_error", "load_scenario", "parse_scenario",
    "read_toml_file",
    "split_key",
]

#: A key naming one value of a list: ``layoff_rate[1]``.
_ELEMENT = re.compile(r"([A-Za-z0-9_]+)\[(\d+)\]")


def split_key(dotted: str) -> tuple[str, str, int | None]:
    """``"flows.layoff_rate[1]"`` -> ``("flows", "layoff_rate", 1)``; without an index,
    ``("search", "hiring_standard", None)``."""
    section, _, name = dotted.partition(".")
    element = _ELEMENT.fullmatch(name)
    if element:
        return section, element.group(1), int(element.group(2))
    return section, name, None
#: A calendar month, ``YYYY-MM`` (years 1000 to 9999: a Parquet date32 holds them).
_MONTH = re.compile(r"([1-9][0-9]{3})-([0-9]{2})")
#: Characters a run name may not hold: it names the directory ``results/<name>``.
_NAME_FORBIDDEN = ("/", "\\", "\0")


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line meant for the user.

    Attributes:
        key: the dotted key at fault (``"run.seed"``), when there is one.
        value: the value refused (as given).
        reason: what is allowed, in words (``"must be >= 0"``).
    """

    def __init__(
        self, message: str, *, key: str | None = None, value: Any = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.key = key
        self.value = value
        self.reason = reason


class Run(Section):
    """What to simulate: where, how many agents, how long."""

    name: str = Field(
        "baseline", description="the run's name: a plain file name (results go to results/<name>)"
    )
    description: str = ""
    geography: Literal["uk-itl1", "uk-lad", "grid", "random-geometric", "core-periphery"] = (
        "uk-itl1"
    )
    scale: float = Field(0.01, gt=0.0, le=1.0, description="agents per real person")
    seed: int = Field(42, ge=0, lt=2**63, description="random seed")
    burn_in_months: int = Field(120, ge=0, le=1200, description="months run before recording")
    months: int = Field(120, ge=1, le=2400, description="reported horizon in months")
    start: str = Field(
        "2019-01",
        description="calendar month of recorded month 1, YYYY-MM (a label for the outputs' "
        "calendar_month: no mechanism reads it)",
    )

    @field_validator("name")
    @classmethod
    def _plain_file_name(cls, v: str) -> str:
        if (
            not v.strip() or v in (".", "..") or any(c in v for c in _NAME_FORBIDDEN)
            or not v.isprintable()
        ):
            raise ValueError(
                "must be a plain file name (printable, no path separator, not \".\" or \"..\")"
            )
        return v

    @field_validator("start")
    @classmethod
    def _calendar_month(cls, v: str) -> str:
        match = _MONTH.fullmatch(v)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ValueError('must be a calendar month written YYYY-MM, e.g. "2019-01"')
        return v


class GeographyOptions(Section):
    """Options of the synthetic geography generators.

    Each geography uses some of them (:data:`sim.world.geography.GEOGRAPHY_OPTIONS`); an
    option given for a geography that does not use it is an error.
    """

    rows: int = Field(3, ge=1, le=50)
    cols: int = Field(3, ge=1, le=50)
    n: int = Field(10, ge=2, le=2000, description="places in a random-geometric geography")
    n_periphery: int = Field(8, ge=1, le=2000, description="periphery places in core-periphery")
    minutes_per_edge: float = Field(40.0, gt=0.0, le=1440.0, description="minutes")
    population: float = Field(1_000_000.0, gt=0.0, le=1e10, description="people per place")
    seed: int = Field(0, ge=0, lt=2**63, description="seed of the random geography")


class Search(Section):
    """Job search and matching (the kernel in :mod:`sim.kernels.matching`)."""

    applications_per_searcher: int = Field(3, ge=1, le=50, description="k, per round")
    matching_rounds: int = Field(1, ge=1, le=20, description="rounds per month")
    distance_decay_per_minute: float = Field(
        0.075, ge=0.0, le=1.0, description="beta in exp(-beta * minutes), 1/min"
    )
    on_the_job_search_share: Share = Field(0.05374, description="employed who search, a month")
    remote_search_share: Share = Field(
        0.3, description="applications of remote-capable workers aimed at remote vacancies"
    )
    skill_fit_weight: float = Field(
        1.0, ge=0.0, le=100.0,
        description="score lost per skill level an applicant lacks for the job (under-qualified)",
    )
    overqualification_weight: float = Field(
        0.5805, ge=0.0, le=100.0,
        description="score lost per skill level an applicant has above the job's demand "
        "(over-qualified; at most skill_fit_weight in reality: see the ODD)",
    )
    ranking_noise: float = Field(0.5, ge=0.0, le=100.0, description="s.d. of employer noise")
    hiring_standard: float = Field(
        -0.5, ge=-100.0, le=100.0, description="lowest applicant score a firm hires"
    )
    job_switch_premium: float = Field(
        0.05, ge=0.0, le=1.0, description="net gain an employed worker needs to move, share"
    )
    callback_rate: float = Field(
        0.2063, gt=0.0, le=1.0,
        description="probability an employer reads (calls back) an application within the "
        "month; the others are lost, share",
    )
    long_term_unemployment_penalty: float = Field(
        0.2, ge=0.0, le=10.0,
        description="score an employer takes off an unemployed applicant with a spell of "
        "8 months or more (linear from 0 at the start of the spell), score units",
    )
    public_listing_share: Share = Field(
        0.30,
        description="share of each firm's openings listed each month in the channel where "
        "the unemployed search (Jobcentre Plus and public job boards; 30% of vacancies were "
        "notified to them in areas served by employment offices, 42% in areas served by "
        "jobcentres, 34% overall, Manpower Services Commission survey of 1977); "
        "the unemployed search only there, and openings they leave unfilled go to the open "
        "market the same month; 0: one market for all searchers, share",
    )
    distance_decay_skill_factor: Positive3 = Field(
        (1.0, 1.0, 1.0),
        description="multiplier of distance_decay_per_minute by skill (basic, intermediate, "
        "advanced): below 1, that skill searches further (the Census 2011 finds managers "
        "and professionals commuting 20 km or more more often than other occupations); "
        "(1, 1, 1): one decay for all",
    )


class Flows(Section):
    """Monthly transition probabilities between labour-market states."""

    layoff_rate: PerSkill = Field(
        (0.01039, 0.003634, 0.001115), description="employed -> unemployed, a month, by skill"
    )
    exit_to_inactivity_employed: Share = Field(0.0015, description="employed -> inactive, a month")
    exit_to_inactivity_unemployed: Share = Field(
        0.09695, description="unemployed -> inactive, a month"
    )
    inactive_search_share: Share = Field(
        0.8711, description="inactive people (without a caring or disability constraint) who "
        "look for work while staying inactive, a month; a hire moves them straight to work"
    )
    settle_job_loss: bool = Field(
        True, description="during the burn-in, scale each place's layoff rate so that its "
        "unemployment rate settles at the data's (the place's job-loss fundamental, fixed "
        "afterwards; the multipliers average 1 over the labour force)"
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
        0.6667, gt=0.0, le=2.0,
        description="good-job pay line as a share of the national median (two thirds)",
    )
    skill_premium: Positive3 = Field(
        (0.80, 1.0, 1.45), description="productivity by skill level, relative to intermediate"
    )
    hours_per_week: float = Field(32.0, gt=0.0, le=80.0, description="paid hours a week")
    settle_pay: bool = Field(
        False, description="during the burn-in, scale the human capital of each place's "
        "residents so that their median pay settles at the data's, relative to the "
        "national median (the place's pay residual, fixed afterwards; whoever lives in "
        "the place has it)"
    )
    bargaining_power_bounds: Annotated[
        tuple[
            Annotated[float, Field(gt=0.0, lt=0.5)], Annotated[float, Field(ge=0.5, lt=1.0)]
        ],
        BeforeValidator(list_to_tuple),
    ] = Field(
        (0.01, 0.99),
        description="lowest (below 0.5) and highest (0.5 or more) bargaining power the wage "
        "curve allows, share (a numerical guard, ESTIMATE)",
    )


class Firms(Section):
    """Firm creation and vacancy posting."""

    mean_size: float = Field(20.0, ge=1.0, le=1e6, description="agents per firm at start")
    vacancy_rate: float = Field(
        0.005166, ge=0.0, lt=1.0,
        description="open vacancies / jobs the firms aim for (model steady state), share; "
        "jobs = employed / (1 - vacancy_rate)",
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
    cycle: CycleParams = CycleParams()
    international: InternationalParams = InternationalParams()
    policy: Annotated[tuple[Policy, ...], BeforeValidator(list_to_tuple)] = Field(
        (), description="the levers of the scenario's [[policy]] tables (sim.policies)"
    )
    source: str | None = Field(
        None, exclude=True, description="file the scenario was read from (not a value)"
    )

    @model_validator(mode="after")
    def _geography_options_used(self) -> Scenario:
        used = GEOGRAPHY_OPTIONS.get(self.run.geography, ())
        given = self.geography_options.model_fields_set
        for name in GeographyOptions.model_fields:
            if name in given and name not in used:
                uses = ", ".join(used) or "none"
                raise rule_error(
                    f"geography_options.{name}", getattr(self.geography_options, name),
                    f"not used by geography {toml_value(self.run.geography)} (it uses: {uses}); "
                    "leave it out",
                )
        return self

    @model_validator(mode="after")
    def _levers_have_their_mechanisms(self) -> Scenario:
        for i, lever in enumerate(self.policy):
            section = lever.REQUIRES
            if section and not getattr(self, section).enabled:
                raise rule_error(
                    f"policy[{i}].lever", lever.lever,
                    f"needs the {section} mechanism, which it acts through: set "
                    f"[{section}] enabled = true",
                )
        return self

    @model_validator(mode="after")
    def _cycle_moves_targets(self) -> Scenario:
        if self.cycle.enabled and not self.firm_dynamics.enabled:
            raise rule_error(
                "cycle.enabled", True,
                "needs firm_dynamics.enabled = true (the shocks move the firms' targets)",
            )
        return self

    def __eq__(self, other: object) -> bool:
        """Equal when every value is equal (where each was read from does not matter)."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self.to_dict()))

    def _data(self) -> dict[str, Any]:
        """Every value, with only the ``[geography_options]`` given (for revalidation)."""
        data = self.model_dump()
        data["geography_options"] = self.geography_options.model_dump(exclude_unset=True)
        return data

    def with_overrides(self, **run_overrides: Any) -> Scenario:
        """Return a copy with fields of ``[run]`` replaced (``None`` values are ignored).

        Raises:
            ScenarioError: a value that is not allowed; ``key`` is ``"run.<field>"``.
        """
        changes = {k: v for k, v in run_overrides.items() if v is not None}
        if not changes:
            return self
        data = self._data()
        data["run"].update(changes)
        return parse_scenario(data, source=self.source or "<overrides>")

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """Return a validated copy with values replaced, keys as ``"section.key"``.

        A key may name one value of a list: ``"flows.layoff_rate[1]"``.

        Example:
            >>> s2 = scenario.with_changes({"search.distance_decay_per_minute": 0.02})

        Raises:
            ScenarioError: an unknown key or a value that is not allowed.
        """
        data = self._data()
        for dotted, value in changes.items():
            section, name, index = split_key(dotted)
            if not name or section not in data or not isinstance(data[section], dict):
                sections = ", ".join(data)
                raise ScenarioError(
                    f"{dotted}: not a scenario key; use 'section.key' with a section of: "
                    f"{sections}"
                )
            if index is not None:  # one value of a list: "flows.layoff_rate[1]"
                current = data[section].get(name)
                if not isinstance(current, (list, tuple)) or index >= len(current):
                    size = len(current) if isinstance(current, (list, tuple)) else 0
                    raise ScenarioError(
                        f"{dotted}: not a scenario key; {section}.{name} "
                        + (f"has {size} values (index 0 to {size - 1})" if size
                           else "is not a list of values"),
                        key=dotted, value=value, reason="not a scenario key",
                    )
                items = list(current)
                items[index] = value
                data[section][name] = items
                continue
            data[section][name] = value
        return parse_scenario(data, source=self.source or "<changes>")

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary (JSON-ready) of every value, defaults included.

        ``[geography_options]`` holds the options the geography uses (and no others), so
        that ``parse_scenario(scenario.to_dict()) == scenario``. ``source`` is not a value
        and is left out.
        """
        return self.model_dump(mode="json")

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Every dump (``model_dump``, ``to_dict``) keeps only the geography options used."""
        data = handler(self)
        options = data.get("geography_options")
        if isinstance(options, dict):
            used = GEOGRAPHY_OPTIONS.get(self.run.geography, ())
            data["geography_options"] = {k: v for k, v in options.items() if k in used}
        return data


def describe_error(error: dict[str, Any]) -> str:
    """What is allowed, in words, for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"must be one of {ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        return "missing: every [[policy]] table names its lever"
    if kind == "finite_number":
        return "must be a finite number (not nan or inf)"
    for bound, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if bound in ctx:
            return f"must be {word} {toml_value(ctx[bound])}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
    return error["msg"].lower().replace("input should be", "must be")


def _lookup(data: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return list(data) if isinstance(data, tuple) else data


def _error(source: str, key: str, value: Any, reason: str) -> ScenarioError:
    """The one-line error ``source: key = value: reason`` (the value in TOML form)."""
    message = f"{source}: {key} = {toml_value(value)}: {reason}"
    return ScenarioError(message, key=key, value=value, reason=reason)


def _format_error(source: str, exc: ValidationError, data: dict[str, Any]) -> ScenarioError:
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"]]
    if len(loc) > 2 and loc[0] == "policy" and loc[2] in LEVERS:
        del loc[2]  # the lever's name, which pydantic puts in the location of a union
    ctx = error.get("ctx") or {}
    if error["type"] == "scenario_rule":  # a rule linking keys names its own key
        parts: list[str] = []
        for part in loc:  # a table of an array of tables: policy[0]
            if part.isdigit() and parts:
                parts[-1] += f"[{part}]"
            else:
                parts.append(part)
        key = ".".join([*parts, ctx["key"]])
        return _error(source, key, ctx["value"], ctx["reason"])
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
    if error["type"] == "union_tag_invalid" and isinstance(value, dict):
        # An unknown lever: pydantic puts the table's location and the whole table.
        key, value = f"{key}.lever", value.get("lever")
    if error["type"] == "union_tag_not_found":
        return ScenarioError(f"{source}: {key}.lever: missing (every [[policy]] table names "
                             f"its lever: {', '.join(LEVERS)})", key=f"{key}.lever",
                             reason="missing")
    if error["type"] == "missing":
        if key.endswith("]"):
            key = key.rsplit("[", 1)[0]
            path = [p for p in loc if not p.isdigit()]
            value = _lookup(data, path)
            expected = len(_lookup(Scenario().model_dump(), path) or ())
            return _error(source, key, value, f"must have exactly {expected} values")
        return ScenarioError(f"{source}: {key}: missing", key=key, reason="missing")
    if error["type"] in ("too_short", "too_long"):
        expected = len(_lookup(Scenario().model_dump(), list(loc)) or ())
        return _error(source, key, value, f"must have exactly {expected} values")
    allowed = describe_error(error)
    if error["type"] == "extra_forbidden":
        section = ".".join(k for k in key_parts[:-1])
        model: type[BaseModel] = Scenario
        for part in key_parts[:-1]:
            field = model.model_fields.get(part.split("[")[0])
            ann = field.annotation if field else None
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                model = ann
        if key_parts[0].startswith("policy["):  # a [[policy]] table: its lever's keys
            lever = _lookup(data, ["policy"])
            i = int(key_parts[0][len("policy["):-1])
            name = lever[i].get("lever") if isinstance(lever, list) and i < len(lever) and \
                isinstance(lever[i], dict) else None
            model = LEVERS[name][0] if name in LEVERS else LeverParams
            section = "policy"
        names = ", ".join(k for k in model.model_fields if k != "source")
        where = f"[[{section}]] of lever {toml_value(name)}" if section == "policy" and \
            model is not LeverParams else (f"[{section}]" if section else "the top level")
        allowed = f"unknown key; {where} allows: {names}"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return _error(source, key, value, allowed + more)


def parse_scenario(data: dict[str, Any], *, source: str = "<scenario>") -> Scenario:
    """Validate a nested dictionary (the parsed TOML) into a :class:`Scenario`.

    Raises:
        ScenarioError: one line naming the source, the key, the value and what is allowed.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario is a table of sections, got {toml_value(data)}")
    if "source" in data:
        raise _error(source, "source", data["source"], "unknown key (reserved)")
    payload = {**data, "source": source}
    try:
        return Scenario.model_validate(payload)
    except ValidationError as exc:
        raise _format_error(source, exc, payload) from None


def read_toml_file(path: str | Path, kind: str,
                   error: type[ScenarioError] = ScenarioError) -> dict[str, Any]:
    """Read a UTF-8 TOML file of ``kind`` (``"scenario"``, ``"sweep"``, ...) into a dict.

    Raises:
        error: one line: the file is missing, unreadable, not UTF-8 or not valid TOML.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {kind} file") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; a {kind} is a UTF-8 TOML file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: TOML syntax error: {exc}") from None


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
    return parse_scenario(read_toml_file(path, "scenario"), source=str(path))

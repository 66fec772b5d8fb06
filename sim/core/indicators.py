"""The indicator registry: every recorded indicator, its unit, meaning and aggregation.

One :class:`Indicator` entry per output column. The order of :data:`REGISTRY` is the
column order of the outputs: the place indicators (recorded for every place and
nationally, :data:`PLACE_INDICATORS`) first, then the national-only columns of spread
across places (``theil_<name>`` and ``cv_<name>``, for the indicators in
:data:`INEQUALITY_INDICATORS`). Everything else reads this table: the per-place and
national values (:func:`aggregate`), the Region agents' attributes and the
DataCollector's reporters (:mod:`sim.core.model`), the Parquet column metadata
(:func:`sim.core.columns.field_metadata`, :func:`read_units`), the figures' labels and units
(:mod:`sim.viz.plots`), the command line's summary (:mod:`sim.cli`) and the indicator
table of docs/ODD.md (:func:`markdown_table`, written by ``tools/indicator_table.py``).

**Per place** (by place of residence unless an entry says "by workplace"), an indicator
is one of:

* a count: a column of the worker tally (:data:`sim.kernels.aggregate.COUNT_COLUMNS`)
  or one of this month's flows (:data:`FLOW_SOURCES`), in agents, multiplied by people
  per agent when ``scaled`` (``firm_agents`` and ``worker_agents`` stay in model agents;
  every count of people is named apart from the counts of agents);
* a ratio ``x_p = factor * sum(numerator terms)_p / sum(denominator terms)_p`` (NaN
  where the denominator is 0); a term may also be a by-place count a mechanism
  provides (:data:`PROVIDED_COUNTS`, zeros when it provides none);
* the median of the place's wage histogram (log-linear interpolation in a bin);
* a value provided by a mechanism (``provider``: its scenario section), from
  ``Mechanism.place_indicators`` or the place state it keeps; zeros when it provides
  none (a disabled mechanism).

**Nationally** (:data:`AGGREGATIONS`):

* ``sum``: ``X = sum_p x_p``;
* ``ratio``: ``X = factor * sum_p num_p / sum_p den_p`` (summed numerator over summed
  denominator, *not* a mean of the places' ratios; NaN when the denominator is 0). The
  sums are of agents: people per agent differs a little from place to place (agents are
  whole numbers), so this is not exactly the ratio of the summed people;
* ``mean``: population-weighted mean ``X = sum_p N_p x_p / sum_p N_p`` with ``N_p``
  residents of working age (people); places with a missing value add nothing to the
  numerator;
* ``median``: the median of the summed wage histograms (all employed residents);
* ``theil`` and ``cv``: population-weighted Theil T index and coefficient of variation
  of the place values of another indicator (:mod:`sim.core.metrics`).

Example:
    >>> from sim.core.indicators import INDICATORS
    >>> INDICATORS["unemployment_rate"].unit, INDICATORS["unemployment_rate"].aggregation
    ('share', 'ratio')
    >>> INDICATORS["median_wage"].format(612.4)
    '612'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from sim.core.metrics import coefficient_of_variation, theil_index
from sim.kernels.aggregate import (
    COUNT_COLUMNS,
    MEASURED_COLUMNS,
    bin_edges,
    count_at_or_above,
    count_measured_flows,
    histogram_quantile,
)
from sim.mechanisms.remote_work import HYBRID_COUNTS

__all__ = [
    "AGGREGATIONS",
    "PROVIDED_COUNTS",
    "FLOW_SOURCES",
    "MEASURED_SOURCES",
    "FORMATS",
    "INDICATORS",
    "INEQUALITY_INDICATORS",
    "NATIONAL_COLUMNS",
    "PLACE_INDICATORS",
    "REGISTRY",
    "Indicator",
    "aggregate",
    "markdown_table",
    "measured_flows",
    "ratio",
    "read_indicator_metadata",
    "read_units",
]

Aggregation = Literal["sum", "ratio", "mean", "median", "theil", "cv"]
Format = Literal["percent", "money", "count", "number"]

#: How a national value is formed from the places, in words (also the ODD table's wording).
AGGREGATIONS: dict[str, str] = {
    "sum": "sum over places",
    "ratio": "summed numerator / summed denominator",
    "mean": "population-weighted mean",
    "median": "median of the summed wage histograms",
    "theil": "Theil T index across places (population-weighted)",
    "cv": "coefficient of variation across places (population-weighted)",
}
#: How a value is written for people: share as a percentage, money and counts in whole
#: units with thousands separators, other numbers to three significant figures.
FORMATS = ("percent", "money", "count", "number")

#: This month's flows and other by-place counts (agents) that :func:`aggregate` takes
#: besides the worker tally.
FLOW_SOURCES = (
    "vacancies",  # posted this month, by workplace
    "hires",  # by workplace
    "hires_from_unemployment",  # by place of residence
    "job_to_job",  # job-to-job moves, by place of residence
    "separations",  # by workplace
    "unemployed_searching",  # unemployed residents who searched this month
    "retirements",  # residents who retired this month
    "entrants",  # residents who entered the working-age population this month
    "firms",  # live firm agents, by place
    "immigrants",  # arrivals from abroad this month, by place of residence
    "emigrants",  # residents who left for abroad this month
)
#: Flows measured as the Labour Force Survey measures them: each worker's state now
#: against the same worker's state at last month's tally (:func:`measured_flows`), by
#: place of residence now (agents), and the unemployed and active by skill. A worker who
#: lost a job and found another within the month shows no flow, as in the survey.
MEASURED_SOURCES = MEASURED_COLUMNS
#: Spell lengths (months) that separate short and long unemployment in :data:`MEASURED_SOURCES`.
SHORT_SPELL_MONTHS, LONG_SPELL_MONTHS = 3, 24
#: By-place counts (agents) that a mechanism provides through ``place_indicators`` (with
#: the indicator values it provides) for ratios to use, and the mechanism (scenario
#: section) that provides each: the remote-work mechanism's employed residents with basic
#: and advanced skills and those of them in hybrid jobs. Zeros when not provided.
PROVIDED_COUNTS: dict[str, str] = dict.fromkeys(HYBRID_COUNTS, "remote_work")
#: Derived inside :func:`aggregate`: employed residents in good jobs (skill used and pay at
#: or above the good-job line set from this month's national median).
_DERIVED_SOURCES = ("good_jobs",)
_SOURCES = (*COUNT_COLUMNS, *FLOW_SOURCES, *MEASURED_SOURCES, *PROVIDED_COUNTS,
            *_DERIVED_SOURCES)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One recorded indicator (one output column).

    Attributes:
        name: column name (also the Region attribute for place indicators).
        unit: unit of the values, e.g. ``"people"``, ``"share"``, ``"GBP a week"``.
        description: one line: what is counted, by place of residence or of work.
        aggregation: how the national value is formed (a key of :data:`AGGREGATIONS`).
        fmt: how a value is written (one of :data:`FORMATS`).
        label: short human name for figures and tables.
        source: for counts, the tally column or flow (agents) that is reported.
        scaled: counts converted from agents to people (times people per agent).
        numerator: for ratios, the by-place counts added up above the line.
        denominator: for ratios, the by-place counts added up below the line.
        factor: for ratios, a constant multiplying the numerator (52 weeks a year).
        provider: the mechanism (scenario section) that provides the values; zeros when
            it provides none.
        spread: whether its Theil index and coefficient of variation across places are
            reported nationally (``theil_<name>``, ``cv_<name>``).
        of: for the national-only spread columns, the place indicator they describe.
    """

    name: str
    unit: str
    description: str
    aggregation: Aggregation
    fmt: Format
    label: str
    source: str = ""
    scaled: bool = False
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    factor: float = 1.0
    provider: str = ""
    spread: bool = False
    of: str = ""

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"{self.name}: unknown aggregation {self.aggregation!r}")
        if self.fmt not in FORMATS:
            raise ValueError(f"{self.name}: unknown format {self.fmt!r}")
        if not self.unit or not self.description or not self.label:
            raise ValueError(f"{self.name}: unit, description and label are required")
        for term in (self.source, *self.numerator, *self.denominator):
            if term and term not in _SOURCES:
                raise ValueError(f"{self.name}: unknown by-place count {term!r}")
        if bool(self.numerator) != bool(self.denominator):
            raise ValueError(f"{self.name}: a ratio needs a numerator and a denominator")
        if self.aggregation == "ratio" and not self.numerator:
            raise ValueError(f"{self.name}: a ratio aggregation needs numerator and denominator")
        kinds = sum((bool(self.source), bool(self.numerator), bool(self.provider),
                     self.aggregation in ("median", "theil", "cv")))
        if kinds != 1:
            raise ValueError(
                f"{self.name}: give exactly one of source, numerator/denominator, provider "
                "(or a median, theil or cv aggregation)"
            )
        if (self.aggregation in ("theil", "cv")) != bool(self.of):
            raise ValueError(f"{self.name}: 'of' goes with the theil and cv aggregations")

    @property
    def national_only(self) -> bool:
        """Whether the indicator exists only nationally (a spread across places)."""
        return bool(self.of)

    @property
    def percent(self) -> bool:
        """Whether values are shares in 0..1 that read best as percentages."""
        return self.fmt == "percent"

    def axis_label(self) -> str:
        """Label with its unit for a figure axis, e.g. ``"Median wage (GBP a week)"``."""
        return f"{self.label} (%)" if self.percent else f"{self.label} ({self.unit})"

    def format(self, value: float) -> str:
        """Write one value for people (``"-"`` for a missing value).

        Shares as percentages with one decimal, money and counts in whole units with
        thousands separators, other numbers to three significant figures.
        """
        v = float(value)
        if not np.isfinite(v):
            return "-"
        if self.fmt == "percent":
            return f"{v:.1%}"
        if self.fmt in ("money", "count") or abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.3g}"


def _count(name: str, unit: str, description: str, label: str, source: str, *,
           scaled: bool = True, fmt: Format = "count") -> Indicator:
    """A count reported as is (``scaled``: agents times people per agent); summed."""
    return Indicator(name, unit, description, "sum", fmt, label, source=source, scaled=scaled)


def _ratio(name: str, description: str, label: str, numerator: tuple[str, ...],
           denominator: tuple[str, ...], *, unit: str = "share", fmt: Format = "percent",
           factor: float = 1.0, aggregation: Aggregation = "ratio",
           spread: bool = False) -> Indicator:
    """A ratio of by-place counts (a share unless told otherwise)."""
    return Indicator(name, unit, description, aggregation, fmt, label, numerator=numerator,
                     denominator=denominator, factor=factor, spread=spread)


def _provided(name: str, unit: str, description: str, label: str, provider: str,
              aggregation: Aggregation, fmt: Format) -> Indicator:
    """A value by place that a mechanism provides."""
    return Indicator(name, unit, description, aggregation, fmt, label, provider=provider)


def _spread(name: str, label: str) -> tuple[Indicator, Indicator]:
    """The national-only Theil index and coefficient of variation of a place indicator."""
    return (
        Indicator(f"theil_{name}", "index",
                  f"Theil T index of {name} across places (population-weighted); 0 when "
                  "every place has the same value", "theil", "number",
                  f"Theil index of {label.lower()}", of=name),
        Indicator(f"cv_{name}", "index",
                  f"coefficient of variation of {name} across places (population-weighted)",
                  "cv", "number", f"Coefficient of variation of {label.lower()}", of=name),
    )


_E, _U, _POP = ("employed",), ("unemployed",), ("population",)

#: Every recorded indicator, in output column order.
REGISTRY: tuple[Indicator, ...] = (
    _count("working_age_population", "people", "residents of working age (people, not model "
           "agents)", "Working-age population", "population"),
    _count("employed", "people", "employed residents", "Employed", "employed"),
    _count("unemployed", "people", "unemployed residents", "Unemployed", "unemployed"),
    _count("inactive", "people", "economically inactive residents of working age", "Inactive",
           "inactive"),
    _ratio("employment_rate", "employed residents / residents of working age",
           "Employment rate", _E, _POP, spread=True),
    _ratio("unemployment_rate", "unemployed residents / residents in the labour force "
           "(employed + unemployed)", "Unemployment rate", _U, ("employed", "unemployed"),
           spread=True),
    _count("vacancies", "jobs", "vacancies posted this month, by workplace", "Vacancies",
           "vacancies"),
    _ratio("vacancy_rate", "vacancies / (vacancies + filled jobs), by workplace",
           "Vacancy rate", ("vacancies",), ("vacancies", "jobs_at_workplace")),
    _count("hires", "people a month", "hires this month, by workplace", "Hires", "hires"),
    _count("separations", "people a month", "separations this month (layoffs, closures, exits "
           "to inactivity, retirements; not job-to-job moves), by workplace", "Separations",
           "separations"),
    _ratio("job_finding_rate", "hires from unemployment / unemployed residents searching this "
           "month", "Job-finding rate", ("hires_from_unemployment",), ("unemployed_searching",),
           unit="share a month"),
    _ratio("job_to_job_rate", "job-to-job moves of residents this month / employed "
           "residents", "Job-to-job rate",
           ("job_to_job",), _E, unit="share a month"),
    Indicator("median_wage", "GBP a week", "median weekly pay of employed residents (from a "
              "512-bin log wage histogram, exact to well under 1%)", "median", "money",
              "Median wage", spread=True),
    _ratio("mean_wage", "mean weekly pay of employed residents", "Mean wage", ("wage_sum",), _E,
           unit="GBP a week", fmt="money"),
    _ratio("good_jobs_share", "employed residents in a good job (pay at least "
           "good_job_pay_fraction x the national median, skill level used) / employed "
           "residents", "Good jobs share", ("good_jobs",), _E, spread=True),
    _ratio("mean_commute_minutes", "mean one-way commute of employed residents (hybrid "
           "workers weighted by the share of days they commute)", "Mean commute",
           ("commute_minutes",), _E, unit="minutes", fmt="number"),
    _ratio("remote_share", "employed residents working remotely (hybrid) / employed residents",
           "Remote share", ("remote",), _E),
    _count("firm_agents", "firm agents", "live firm agents, by workplace (model agents, not "
           "firms: one firm agent stands for many real firms)", "Firm agents", "firms",
           scaled=False),
    _count("worker_agents", "worker agents", "worker agents resident of working age (model "
           "agents, not scaled to people)", "Worker agents", "population", scaled=False),
    _ratio("gva_per_worker", "value added per filled job, by workplace", "GVA per worker",
           ("gva_at_workplace",), ("jobs_at_workplace",), unit="GBP a year", fmt="money",
           factor=52.0),
    _ratio("skill_share_basic", "residents of working age with basic skills / residents of "
           "working age", "Basic skill share", ("skill_basic",), _POP),
    _ratio("skill_share_intermediate", "residents of working age with intermediate skills / "
           "residents of working age", "Intermediate skill share", ("skill_intermediate",),
           _POP),
    _ratio("skill_share_advanced", "residents of working age with advanced skills / residents "
           "of working age", "Advanced skill share", ("skill_advanced",), _POP),
    _count("in_training", "people", "residents on a training course", "In training",
           "training"),
    _ratio("participation_rate", "residents in the labour force (employed + unemployed) / "
           "residents of working age", "Participation rate", ("employed", "unemployed"), _POP),
    _ratio("constrained_participation_rate", "residents with a caring or disability "
           "constraint in the labour force / residents with such a constraint",
           "Constrained participation rate", ("constrained_active",), ("constrained",)),
    _ratio("own_place_work_share", "employed residents working in their own place / employed "
           "residents", "Own-place work share", ("own_place",), _E),
    _ratio("mean_commute_km", "mean straight-line commute distance of employed residents",
           "Mean commute distance", ("commute_km",), _E, unit="km", fmt="number"),
    _provided("net_migration", "people a month", "moves in less moves out this month",
              "Net migration", "migration", "sum", "count"),
    _provided("net_migration_advanced", "people a month", "moves in less moves out of "
              "advanced-skill residents this month", "Net migration (advanced skill)",
              "migration", "sum", "count"),
    _provided("knowledge_stock", "GBP million", "R&D knowledge stock (perpetual inventory of "
              "business and public R&D spending)", "Knowledge stock", "knowledge", "sum",
              "money"),
    _provided("housing_cost", "GBP a week", "housing cost of a resident", "Housing cost",
              "migration", "mean", "money"),
    _provided("amenity", "GBP a week", "amenity of living in the place (raised by green "
              "infrastructure)", "Amenity", "green", "mean", "money"),
    _provided("firm_agent_entries", "firm agents a month", "firm agents that entered this month, "
              "by workplace", "Firm agent entries", "firm_dynamics", "sum", "count"),
    _provided("firm_agent_exits", "firm agents a month", "firm agents that exited this month, by "
              "workplace", "Firm agent exits", "firm_dynamics", "sum", "count"),
    _count("retirements", "people a month", "residents who retired this month (demography)",
           "Retirements", "retirements"),
    _count("entrants", "people a month", "residents who entered the working-age population "
           "this month (demography)", "Entrants", "entrants"),
    _ratio("remote_capable_share", "residents of working age who could work remotely / "
           "residents of working age", "Remote-capable share", ("remote_capable",), _POP,
           aggregation="mean"),
    _ratio("job_loss_rate", "residents employed last month and unemployed now / residents "
           "employed last month (measured as the Labour Force Survey does)", "Job-loss rate",
           ("employed_to_unemployed",), ("employed_before",), unit="share a month"),
    _ratio("measured_job_finding_rate", "residents unemployed last month and employed now / "
           "residents unemployed last month", "Measured job-finding rate",
           ("unemployed_to_employed",), ("unemployed_before",), unit="share a month"),
    _ratio("exit_rate_short", "of residents unemployed under 3 months last month, the share "
           "employed now", "Exit rate, spells under 3 months", ("short_to_employed",),
           ("unemployed_short_before",), unit="share a month"),
    _ratio("exit_rate_long", "of residents unemployed 24 months or more last month, the share "
           "employed now", "Exit rate, spells over 2 years", ("long_to_employed",),
           ("unemployed_long_before",), unit="share a month"),
    _ratio("mover_rate", "residents who moved home from another place since last month / "
           "residents of working age", "Mover rate", ("movers",), _POP, unit="share a month"),
    _ratio("unemployment_rate_basic", "unemployed / labour force, residents with basic skills "
           "(below Level 3)", "Unemployment rate (basic skill)", ("unemployed_basic",),
           ("active_basic",)),
    _ratio("unemployment_rate_advanced", "unemployed / labour force, residents with advanced "
           "skills (Level 4+, degree)", "Unemployment rate (advanced skill)",
           ("unemployed_advanced",), ("active_advanced",)),
    _ratio("jobs_per_resident_worker", "filled jobs by workplace / employed residents",
           "Jobs per resident worker", ("jobs_at_workplace",), _E, unit="ratio",
           fmt="number"),
    _ratio("remote_share_basic", "employed residents with basic skills (below Level 3) in a "
           "hybrid job / employed residents with basic skills", "Remote share (basic skill)",
           ("remote_basic",), ("employed_basic",)),
    _ratio("remote_share_advanced", "employed residents with advanced skills (Level 4+, "
           "degree) in a hybrid job / employed residents with advanced skills",
           "Remote share (advanced skill)", ("remote_advanced",), ("employed_advanced",)),
    # The matching function's variables (issue 9, frictions): appended.
    _count("hires_from_unemployment", "people a month", "hires of unemployed residents this "
           "month, by place of residence", "Hires from unemployment", "hires_from_unemployment"),
    _count("unemployed_searching", "people", "unemployed residents who searched this month "
           "(the stock at the start of matching)", "Unemployed searching",
           "unemployed_searching"),
    # International migration (issue 9): appended.
    _count("immigrants", "people a month", "people who arrived from abroad this month, by "
           "place of residence (international migration)", "Immigrants", "immigrants"),
    _count("emigrants", "people a month", "residents who left for abroad this month "
           "(international migration)", "Emigrants", "emigrants"),
    # The Census's commuting distance (issue 9): appended.
    _ratio("mean_commute_km_on_site", "mean straight-line commute distance of employed "
           "residents who commute most days (hybrid workers left out, as the Census leaves "
           "out those working mainly at home)", "Mean commute distance (on site)",
           ("commute_km_on_site",), ("on_site",), unit="km", fmt="number"),
    # Policies (issue 10): appended.
    _provided("policy_spend", "GBP a month", "spent by the scenario's policy levers this "
              "month, by target place (2019 prices)", "Policy spend", "policy", "sum",
              "money"),
    *_spread("unemployment_rate", "Unemployment rate"),
    *_spread("employment_rate", "Employment rate"),
    *_spread("median_wage", "Median wage"),
    *_spread("good_jobs_share", "Good jobs share"),
)

#: The registry by name.
INDICATORS: dict[str, Indicator] = {ind.name: ind for ind in REGISTRY}
#: Indicators every region records each month (also recorded nationally), in column order.
PLACE_INDICATORS: tuple[str, ...] = tuple(i.name for i in REGISTRY if not i.national_only)
#: Columns of the national table after ``month``, in order.
NATIONAL_COLUMNS: tuple[str, ...] = tuple(i.name for i in REGISTRY)
#: Place indicators whose spread across places is reported nationally (in column order).
INEQUALITY_INDICATORS: tuple[str, ...] = tuple(
    dict.fromkeys(i.of for i in REGISTRY if i.national_only)
)


def _check_registry() -> None:
    if len(INDICATORS) != len(REGISTRY):
        raise ValueError("indicator names in the registry are not unique")
    spread = {i.name for i in REGISTRY if i.spread}
    if spread != set(INEQUALITY_INDICATORS):
        raise ValueError(f"spread flags {sorted(spread)} differ from the spread columns "
                         f"{sorted(INEQUALITY_INDICATORS)}")
    for ind in REGISTRY:
        if ind.national_only and (
            {f"theil_{ind.of}", f"cv_{ind.of}"} - set(INDICATORS) or ind.of not in INDICATORS
        ):
            raise ValueError(f"{ind.name}: spread of an unknown indicator {ind.of!r}")


_check_registry()


# ------------------------------------------------------------------------- aggregation
def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Element-wise ``num / den`` as floats, NaN where ``den`` is not positive."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def _terms(arrays: Mapping[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """The by-place counts ``names`` added up, left to right."""
    out = arrays[names[0]]
    for name in names[1:]:
        out = out + arrays[name]
    return out


def aggregate(
    counts: np.ndarray,
    hist: np.ndarray,
    hist_good: np.ndarray,
    flows: Mapping[str, np.ndarray],
    provided: Mapping[str, np.ndarray],
    *,
    people_per_agent: float | np.ndarray,
    good_job_pay_fraction: float,
    edges: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """This month's indicators by place and nationally, as the registry defines them.

    Args:
        counts: (P, len(COUNT_COLUMNS)) the worker tally by place, agents (sums of wages
            in GBP a week, of commutes in minutes and km, of value added in GBP a week),
            as filled by :func:`sim.kernels.aggregate.aggregate_workers`.
        hist: (P, N_BINS) wage histogram of employed residents by place (agents).
        hist_good: (P, N_BINS) the same for those whose job uses their skill level.
        flows: each of :data:`FLOW_SOURCES`, a (P,) array of agents (firm agents for
            ``firms``), and those of :data:`MEASURED_SOURCES` (zeros where absent).
        provided: values by place from the mechanisms (``Mechanism.place_indicators``) and
            the place state, keyed by registry name (each an entry with a ``provider``)
            or by a name of :data:`PROVIDED_COUNTS` (agents). Those absent are zeros.
        people_per_agent: real people one worker agent stands for (> 0), one number or
            one by place (agents are whole numbers, so the model's scale differs a
            little from place to place).
        good_job_pay_fraction: the good-job pay line as a fraction of this month's national
            median wage.
        edges: histogram bin edges, GBP a week (default :func:`bin_edges`).

    Returns:
        ``(per_place, national)``: a (P,) float array for each of :data:`PLACE_INDICATORS`
        and a float for each of :data:`NATIONAL_COLUMNS`, both in registry order.

    Raises:
        ValueError: on arrays of the wrong shape, a missing flow, an unknown provided
            indicator or a people-per-agent that is not positive.
    """
    c = np.asarray(counts)
    if c.ndim != 2 or c.shape[1] != len(COUNT_COLUMNS):
        raise ValueError(f"counts must be (places, {len(COUNT_COLUMNS)}), got {c.shape}")
    n_places = c.shape[0]
    if hist.shape[0] != n_places or hist_good.shape != hist.shape:
        raise ValueError(f"histograms must be ({n_places}, bins), got {hist.shape} and "
                         f"{hist_good.shape}")
    missing = [k for k in FLOW_SOURCES if k not in flows]
    if missing:
        raise ValueError(f"flows lack {missing}")
    for key, values in flows.items():
        if np.shape(values) != (n_places,):
            raise ValueError(f"flow {key!r} must have shape ({n_places},), "
                             f"got {np.shape(values)}")
    for key in provided:
        if key not in PROVIDED_COUNTS and (key not in INDICATORS or not INDICATORS[key].provider):
            raise ValueError(f"{key!r} is not an indicator a mechanism provides")
    scale = people_per_agent
    if np.ndim(scale) not in (0, 1) or (np.ndim(scale) == 1 and np.shape(scale) != (n_places,)):
        raise ValueError(f"people_per_agent must be a number or ({n_places},), "
                         f"got shape {np.shape(scale)}")
    if not np.all(np.asarray(scale) > 0):
        raise ValueError("people_per_agent must be positive")
    edges = bin_edges() if edges is None else edges

    national_median = histogram_quantile(hist.sum(axis=0), 0.5, edges)[0]
    good_line = good_job_pay_fraction * national_median
    sources: dict[str, np.ndarray] = {name: c[:, k] for k, name in enumerate(COUNT_COLUMNS)}
    sources.update({k: np.zeros(n_places, dtype=np.int64) for k in MEASURED_SOURCES})
    sources.update(flows)
    for name in PROVIDED_COUNTS:
        got = provided.get(name)
        sources[name] = np.zeros(n_places, dtype=np.int64) if got is None else np.asarray(got)
        if sources[name].shape != (n_places,):
            raise ValueError(f"{name} must have shape ({n_places},), got {sources[name].shape}")
    sources["good_jobs"] = count_at_or_above(hist_good, good_line, edges)
    # National totals of the by-place counts: the tally's columns summed in one pass (the
    # float summation order the outputs have always had), the others one by one.
    cs = c.sum(axis=0)
    totals = {name: cs[k] for k, name in enumerate(COUNT_COLUMNS)}

    def total(name: str):
        if name not in totals:
            totals[name] = sources[name].sum()
        return totals[name]

    per_place: dict[str, np.ndarray] = {}
    national: dict[str, float] = {}
    for ind in REGISTRY:
        if ind.national_only:
            continue
        if ind.source:
            src = sources[ind.source]
            values = src * scale if ind.scaled else np.array(src, dtype=float)
        elif ind.numerator:
            num = _terms(sources, ind.numerator)
            if ind.factor != 1.0:
                num = num * ind.factor
            values = ratio(num, _terms(sources, ind.denominator))
        elif ind.provider:
            got = provided.get(ind.name)
            values = np.zeros(n_places) if got is None else np.asarray(got, dtype=float)
            if values.shape != (n_places,):
                raise ValueError(f"{ind.name} must have shape ({n_places},), got {values.shape}")
        else:  # median
            values = histogram_quantile(hist, 0.5, edges)
        per_place[ind.name] = values

    weights = per_place["working_age_population"]
    for ind in REGISTRY:
        match ind.aggregation:
            case "sum":
                value = np.sum(per_place[ind.name])
            case "ratio":
                num_n = total(ind.numerator[0])
                for name in ind.numerator[1:]:
                    num_n = num_n + total(name)
                den_n = total(ind.denominator[0])
                for name in ind.denominator[1:]:
                    den_n = den_n + total(name)
                if ind.factor != 1.0:
                    num_n = ind.factor * num_n
                value = num_n / den_n if den_n else np.nan
            case "mean":
                value = np.nansum(per_place[ind.name] * weights) / weights.sum()
            case "median":
                value = national_median
            case "theil":
                value = theil_index(per_place[ind.of], weights)
            case "cv":
                value = coefficient_of_variation(per_place[ind.of], weights)
        national[ind.name] = float(value)
    return per_place, national


def measured_flows(
    before: Mapping[str, np.ndarray] | None,
    now: Mapping[str, np.ndarray],
    n_places: int,
    *,
    employed: int,
    unemployed: int,
    absent: int,
) -> dict[str, np.ndarray]:
    """The counts of :data:`MEASURED_SOURCES` by place of residence now (agents).

    Args:
        before: the worker columns ``status``, ``home``, ``age_months`` and
            ``months_unemployed`` at last month's tally (copies), or None in the first
            month (the flows are then zeros).
        now: the same columns now, plus ``skill`` (0 basic .. 2 advanced).
        n_places: number of places.
        employed: the status code of employment.
        unemployed: the status code of unemployment.
        absent: the status code of a free row (no person).

    A row is the same person as last month when it is not free now and its age did not
    fall (a row freed by a retirement and refilled by an entrant starts young): as in the
    survey's matched sample, only people present both months count in the flows. One
    serial pass (:func:`sim.kernels.aggregate.count_measured_flows`).
    """
    out = np.zeros((n_places, len(MEASURED_SOURCES)), dtype=np.int64)
    b = now if before is None else before
    count_measured_flows(
        now["status"], now["home"], now["skill"], now["age_months"], b["status"], b["home"],
        b["age_months"], b["months_unemployed"], before is not None, employed, unemployed,
        absent, SHORT_SPELL_MONTHS, LONG_SPELL_MONTHS, out,
    )
    return {name: out[:, k] for k, name in enumerate(MEASURED_SOURCES)}


# ------------------------------------------------------------------------- metadata
def read_indicator_metadata(path: str | Path) -> dict[str, dict[str, str]]:
    """Unit, description (and, for an indicator, aggregation) of each column of a
    Parquet file written by the model (the key columns such as ``month`` included).

    Reads only the file's schema. Columns without such metadata are left out.

    Example:
        >>> read_indicator_metadata("results/baseline/places.parquet")["median_wage"]["unit"]
        'GBP a week'
    """
    import pyarrow.parquet as pq

    out: dict[str, dict[str, str]] = {}
    for field in pq.read_schema(path):
        meta = field.metadata or {}
        if b"unit" in meta:
            out[field.name] = {k.decode(): v.decode() for k, v in meta.items()}
    return out


def read_units(path: str | Path) -> dict[str, str]:
    """Unit of each column of a Parquet file written by the model, by column."""
    return {k: v["unit"] for k, v in read_indicator_metadata(path).items()}


# ------------------------------------------------------------------------- documentation
def markdown_table() -> str:
    """The registry as a Markdown table (name, unit, aggregation, description) for the ODD."""
    lines = ["| name | unit | national value | description |", "| --- | --- | --- | --- |"]
    for ind in REGISTRY:
        how = AGGREGATIONS[ind.aggregation]
        if ind.aggregation == "ratio" and ind.factor != 1.0:
            how += f" (x {ind.factor:g})"
        desc = ind.description
        if ind.provider:
            desc += f" (from the `{ind.provider}` mechanism)"
        if ind.spread:
            desc += "; spread across places reported"
        lines.append(f"| `{ind.name}` | {ind.unit} | {how} | {desc} |")
    return "\n".join(lines) + "\n"


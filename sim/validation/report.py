"""The validation report: run the baselines, compute every target, write the table and figures.

:func:`validate` (what ``placejobs validate`` calls) runs each scenario the targets need
(the baseline at ``uk-itl1`` and at ``uk-lad``, and ``scenarios/baseline-cycle.toml``
when it exists) as a replications-only sweep on Dask (:func:`sim.sweeps.api.sweep`,
written under ``DIR/runs/``), computes each target's statistic for every replication
(:mod:`sim.validation.targets`), and writes:

* ``DIR/validation.parquet``: one row per target (:data:`COLUMNS`): the data value and
  range, the model value (mean over replications) with its 95% t-interval, the source,
  and ``status``: ``inside``, ``missed`` or ``not evaluated`` (with the reason in
  ``note``);
* ``DIR/report.html`` and the PNG figures beside it: the table, the regions and
  districts against data (45-degree line), the matching function, the commuting
  distances, maps of model and data, and the Beveridge curve when the cycle scenario ran.
  The figures follow the figure rules of :mod:`sim.viz`: a caption line (scenario, base
  seed, replications, scale, date, placejobs version; also the PNG's ``Description``),
  colours of :mod:`sim.viz.palette`, units once (in the axis labels; ticks plain
  numbers), legends, and file names that say the geography (``regions-itl1.png``,
  ``districts-lad.png``, ``maps-itl1.png``, ``maps-lad.png``...: :func:`figure_names`).
  They are drawn without ``pyplot``.

A target is met when the mean over replications lies in its range. ``--quick`` is a
small economy over a short horizon with 2 replications (well under a minute): a smoke
test of the whole chain whose figures are noisier than a full run's.

Example:
    >>> from sim.validation.report import validate
    >>> report = validate(out="results/validation", quick=True)
    >>> report.table[["target", "model_value", "low", "high", "status"]]
    >>> report.missed       # names of the targets outside their range
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter, StrMethodFormatter

from sim.comparison.api import CompareResults, compare, pair_table
from sim.comparison.impact import periods_of
from sim.comparison.spec import policy_scenarios
from sim.config.scenario import Scenario, ScenarioError, load_scenario
from sim.sweeps.api import sweep
from sim.sweeps.store import SweepResults
from sim.validation.moments import (
    MatchingFit,
    matching_function,
    place_means,
    ratio_interval,
    t_interval,
    within_place_logs,
)
from sim.validation.targets import (
    OUTFLOW_COLUMNS,
    TARGETS,
    RunData,
    Target,
    outflow_matching,
    workplace_ratio_data,
    workplace_ratio_model,
)
from sim.viz.captions import caption_text, geography_slug, save_captioned
from sim.viz.figures import blank_figure, new_figure
from sim.viz.maps import plot_map
from sim.viz.palette import colour
from sim.world.geographies import geography_from_options

__all__ = [
    "COLUMNS",
    "GEOGRAPHIES",
    "QUICK",
    "FULL",
    "Settings",
    "ValidationReport",
    "caption_of",
    "evaluate",
    "figure_names",
    "markdown_table",
    "validate",
    "write_report",
]

#: The geographies validated, and the baseline scenario file of each.
GEOGRAPHIES: dict[str, str] = {"uk-itl1": "baseline.toml", "uk-lad": "baseline-lad.toml"}
#: The business-cycle scenario (optional: the targets that need it are skipped without it).
CYCLE_FILE = "baseline-cycle.toml"
#: The remote-work norm of 2024-25 (optional, like the cycle).
REMOTE_2024_FILE = "remote-2024.toml"
#: The business-grants policy (the Regional Growth Fund's first rounds) whose cost per net
#: additional job is a target (optional, like the cycle).
GRANTS_FILE = "policies/business_grants.toml"
#: A stimulus in one district (Manning and Petrongolo 2017): the share of its extra jobs
#: taken by people living elsewhere is a target (optional, like the cycle; not run with
#: ``--quick``, where one district has a few hundred agents).
LOCAL_STIMULUS_FILE = "policies/local_stimulus.toml"
#: The skills policy of ``commuting_spreads_skills_policy`` (regions, full runs only).
SKILLS_FILE = "policies/skills_funding.toml"
#: Recorded months of the local-stimulus comparison: the two years of grants and one after.
LOCAL_STIMULUS_MONTHS = 36
#: Columns of ``validation.parquet``, in order.
COLUMNS = ("target", "group", "description", "data_value", "low", "high", "unit",
           "model_value", "ci_low", "ci_high", "replications", "status", "inside",
           "geography", "scenario", "source", "tolerance", "note")


@dataclass(frozen=True)
class Settings:
    """Size of the validation runs for one geography.

    Attributes:
        scale: agents per real person of working age.
        months: recorded months.
        burn_in_months: months simulated before recording.
    """

    scale: float
    months: int
    burn_in_months: int


#: ``--quick``: a small economy over a short horizon.
QUICK: dict[str, Settings] = {"uk-itl1": Settings(0.002, 24, 24),
                              "uk-lad": Settings(0.001, 12, 24)}
#: A full run: the baseline scenario's scale and horizon (``None``: the scenario's own).
FULL: dict[str, Settings | None] = {"uk-itl1": None, "uk-lad": None}
QUICK_REPLICATIONS, FULL_REPLICATIONS = 2, 5


@dataclass
class _Group:
    """The replications of one scenario: their tables and what they are compared with."""

    geography: str
    kind: str
    scenario: Scenario
    results: SweepResults
    data: pd.DataFrame
    geo: object

    def runs(self) -> list[RunData]:
        out = []
        for rep in sorted(self.results.national["replication"].unique()):
            out.append(RunData(
                places=self.results.places[self.results.places["replication"] == rep],
                national=self.results.national[self.results.national["replication"] == rep],
                data=self.data, scenario=self.scenario,
            ))
        return out


@dataclass
class ValidationReport:
    """What :func:`validate` computed and wrote.

    Attributes:
        table: one row per target (:data:`COLUMNS`).
        out: the directory written.
        figures: the PNG files written beside ``report.html``.
        notes: what was skipped and why (one line each).
    """

    table: pd.DataFrame
    out: Path
    figures: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missed(self) -> list[str]:
        """Targets evaluated and outside their range."""
        return self.table.loc[self.table["status"] == "missed", "target"].tolist()


def _scenarios_dir(scenarios_dir: str | Path | None) -> Path:
    if scenarios_dir is not None:
        return Path(scenarios_dir)
    here = Path("scenarios")
    if (here / GEOGRAPHIES["uk-itl1"]).is_file():
        return here
    return Path(__file__).resolve().parents[2] / "scenarios"


def _sized(scenario: Scenario, settings: Settings | None) -> Scenario:
    if settings is None:
        return scenario
    return scenario.with_changes({"run.burn_in_months": settings.burn_in_months}).with_overrides(
        scale=settings.scale, months=settings.months)


def _run_group(geography: str, kind: str, scenario: Scenario, replications: int, out: Path,
               workers: int | None, progress: bool) -> _Group:
    spec = {"replications": replications, "name": f"validation-{geography}-{kind}"}
    results = sweep(spec, base=scenario, out=out / "runs" / f"{geography}-{kind}",
                    workers=workers, progress=progress)
    if not results.failures.empty:
        first = results.failures.iloc[0]
        raise RuntimeError(f"validation run {geography} {kind} failed: {first['error']}")
    geo = geography_from_options(scenario.run.geography,
                                 scenario.geography_options.model_dump())
    return _Group(geography, kind, scenario, results, geo.places, geo)


def evaluate(groups: dict[tuple[str, str], _Group],
             reasons: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """Every target's model value and status from the runs done (:data:`COLUMNS`).

    Args:
        groups: the runs by (geography, scenario kind).
        reasons: why a (geography, scenario kind) was not run, for the ``note``.
    """
    reasons = reasons or {}
    runs = {key: g.runs() for key, g in groups.items()}
    rows = []
    for t in TARGETS.values():
        key = (t.geography, t.scenario)
        row = {"target": t.name, "group": t.group, "description": t.description,
               "data_value": t.data_value, "low": t.low, "high": t.high, "unit": t.unit,
               "model_value": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "replications": 0, "status": "not evaluated", "inside": pd.NA,
               "geography": t.geography, "scenario": t.scenario, "source": t.source,
               "tolerance": t.tolerance, "note": t.note}
        if t.statistic is None:
            rows.append(row)
            continue
        if key not in runs:
            why = reasons.get(key, f"the {t.scenario} scenario at {t.geography} was not run")
            row["note"] = f"{t.note}; {why}" if t.note else why
            rows.append(row)
            continue
        values = [_safe(t, r) for r in runs[key]]
        mean, low, high = t_interval(values)
        inside = t.inside(mean)
        row.update(model_value=mean, ci_low=low, ci_high=high,
                   replications=int(np.isfinite(values).sum()),
                   status="inside" if inside else "missed", inside=inside)
        if not np.isfinite(mean):
            row["note"] = (f"{t.note}; " if t.note else "") + "no finite value in any run"
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["inside"] = table["inside"].astype("boolean")
    return table


def _with_grants_cost(table: pd.DataFrame, costs: pd.DataFrame, source: Path) -> pd.DataFrame:
    """``cost_per_job_grants`` from a comparison's ``costs.parquet``: the spend over the net
    additional jobs in the UK, averaged over the months from the first policy month to the
    end of the horizon, with the interval that the net's interval gives."""
    row = costs[(costs["area"] == "UK") & (costs["per"] == "net additional job")
                & (costs["period"] == "whole")]
    if not len(row):
        return table
    r = row.iloc[0]
    return _with_value(table, "cost_per_job_grants", float(r["cost_gbp"]),
                       float(r["ci_low"]), float(r["ci_high"]), int(r["replications"]), (
        f"placejobs compare of {source.name} against the baseline: GBP {r['spend_gbp']:,.0f} "
        f"over {float(r['net']):,.0f} net additional jobs (95% {float(r['net_ci_low']):,.0f} "
        f"to {float(r['net_ci_high']):,.0f}) in the UK, the mean from the first policy month "
        "to the end; not tuned" + (f"; {r['note']}" if r["note"] else "")))


def _with_value(table: pd.DataFrame, name: str, value: float, low: float, high: float,
                replications: int, note: str) -> pd.DataFrame:
    """``table`` with the row of target ``name`` evaluated from a comparison: the model
    value and its interval, the replications, the status against the target's range and
    ``note`` (unchanged when ``value`` is NaN or the table has no such row)."""
    i = table.index[table["target"] == name]
    if not len(i) or np.isnan(value):
        return table
    inside = TARGETS[name].inside(value)
    table = table.copy()
    table.loc[i, ["model_value", "ci_low", "ci_high"]] = [value, low, high]
    table.loc[i, "replications"] = replications
    table.loc[i, "status"] = "inside" if inside else "missed"
    table.loc[i, "inside"] = inside
    table.loc[i, "note"] = note
    return table


def _with_ratio(table: pd.DataFrame, name: str, parts: tuple[np.ndarray, np.ndarray],
                note: str) -> pd.DataFrame:
    """``table`` with target ``name`` evaluated from per-pair numerators and denominators:
    the ratio of their means and its 95% t-interval (:func:`ratio_interval`), over the
    pairs with finite parts."""
    num, den = parts
    ratio, low, high = ratio_interval(num, den)
    pairs = int((np.isfinite(num) & np.isfinite(den)).sum())
    return _with_value(table, name, ratio, low, high, pairs, note)


def _pair_shares(numerators: np.ndarray, denominators: np.ndarray) -> list[float]:
    """Each pair's ratio, NaN where its denominator (the policy's effect) is not positive."""
    positive = denominators > 0
    return [float(v) for v in np.where(
        positive, numerators / np.where(positive, denominators, 1.0), np.nan)]


def local_spillover_parts(result: CompareResults,
                          policy: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of runs, the extra jobs at the supported firms that people living outside
    the target area took, and all the extra jobs there, over the months the policy spends.

    From the additionality account of each pair (:mod:`sim.comparison.account`), summed
    over the policy months: ``(leakage, gross - deadweight)``.
    """
    account = pair_table(result.out, "account")
    horizon = int(account["month"].max())
    months = periods_of(policy, horizon).get("policy", [])
    rows = account[(account["area"] == "target") & account["month"].isin(months)]
    terms = rows.pivot_table(index="replication", columns="term", values="value",
                             aggfunc="sum")
    extra = terms["gross"] - terms["deadweight"]
    return terms["leakage"].to_numpy(dtype=float), extra.to_numpy(dtype=float)


def local_spillover_shares(result: CompareResults, policy: Scenario) -> list[float]:
    """Per pair of runs, the share of a local stimulus's extra jobs taken by people living
    outside the target area, over the months the policy spends:
    ``leakage / (gross - deadweight)`` of :func:`local_spillover_parts`. NaN for a pair
    whose extra jobs are not positive.
    """
    return _pair_shares(*local_spillover_parts(result, policy))


def _with_local_spillover(table: pd.DataFrame, result: CompareResults, policy: Scenario,
                          source: Path) -> pd.DataFrame:
    """``local_stimulus_spills_over`` from the comparison of ``source`` at districts."""
    return _with_ratio(table, "local_stimulus_spills_over",
                       local_spillover_parts(result, policy), (
        f"placejobs compare of {source.name} against the district baseline "
        f"({LOCAL_STIMULUS_MONTHS} recorded months): of the extra jobs at the supported "
        "firms in the policy months, the share taken by people living in other districts "
        "(the account's leakage over gross less deadweight: the ratio of the pairs' means, "
        "with a delta-method interval); not tuned"))


def skills_outside_parts(result: CompareResults,
                         policy: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of runs, the target places' residents' extra employment in jobs outside
    the target places, and their extra employment, over the months after the policy.

    With ``E`` the target places' employed residents and ``J`` the filled jobs located in
    them (``jobs_per_resident_worker x employed``), both summed over the target places and
    the months after the policy, and ``d`` policy minus baseline in the pair:
    ``(dE - dJ, dE)``, the extra net out-commuting and the extra employment.
    """
    places = pair_table(result.out, "places")
    codes = result.info["policies"][0]["targets"]
    horizon = int(places["month"].max())
    months = periods_of(policy, horizon).get("after", [])
    rows = places[places["place"].isin(codes) & places["month"].isin(months)].assign(
        jobs=lambda d: d["jobs_per_resident_worker"] * d["employed"])
    sums = rows.pivot_table(index="replication", columns="run", values=["employed", "jobs"],
                            aggfunc="sum")
    extra = sums[("employed", "policy")] - sums[("employed", "baseline")]
    extra_jobs = sums[("jobs", "policy")] - sums[("jobs", "baseline")]
    return (extra - extra_jobs).to_numpy(dtype=float), extra.to_numpy(dtype=float)


def skills_outside_shares(result: CompareResults, policy: Scenario) -> list[float]:
    """Per pair of runs, the share of the target places' residents' extra employment that
    is in jobs outside the target places, over the months after the policy:
    ``(dE - dJ) / dE`` of :func:`skills_outside_parts`. 0 when the extra workers all work
    in the target places; above 1 when the target's workplaces lose jobs. NaN for a pair
    whose extra employment is not positive.
    """
    return _pair_shares(*skills_outside_parts(result, policy))


def _with_skills_commuting(table: pd.DataFrame, result: CompareResults, policy: Scenario,
                           source: Path) -> pd.DataFrame:
    """``commuting_spreads_skills_policy`` from the comparison of ``source`` at regions."""
    return _with_ratio(table, "commuting_spreads_skills_policy",
                       skills_outside_parts(result, policy), (
        f"placejobs compare of {source.name} against the region baseline: of the target "
        "regions' residents' extra employment in the months after the policy, the share "
        "in jobs outside those regions (extra employed residents less extra filled jobs "
        "located there, over extra employed residents: the ratio of the pairs' means, with a "
        "delta-method interval); not tuned"))


def _safe(target: Target, run: RunData) -> float:
    try:
        return float(target.statistic(run))
    except (ValueError, ZeroDivisionError, KeyError):
        return float("nan")


def validate(
    *,
    out: str | Path,
    geographies: Sequence[str] = tuple(GEOGRAPHIES),
    quick: bool = False,
    replications: int | None = None,
    workers: int | None = None,
    scenarios_dir: str | Path | None = None,
    progress: bool = True,
) -> ValidationReport:
    """Run the validation and write ``validation.parquet`` and ``report.html`` into ``out``.

    Args:
        out: the results directory (the sweeps go to ``out/runs/``; rerunning with the same
            settings reuses the runs that finished).
        geographies: which of :data:`GEOGRAPHIES` to run; targets of the others are not
            evaluated.
        quick: small economies over short horizons (:data:`QUICK`).
        replications: replications of each scenario (at least 2; default 2 quick, 5 full).
        workers: worker processes of the local Dask cluster (default: one per core).
        scenarios_dir: where the scenario files are (default ``./scenarios`` or the
            repository's).
        progress: progress bars.

    Raises:
        ValueError: an unknown geography or fewer than 2 replications.
        ScenarioError: a bad baseline scenario (a cycle scenario that cannot be loaded is
            skipped, with the reason in the notes and the table).
        RuntimeError: a validation run failed.
    """
    unknown = [g for g in geographies if g not in GEOGRAPHIES]
    if unknown:
        raise ValueError(f"geography {unknown[0]!r}: must be one of {', '.join(GEOGRAPHIES)}")
    reps = replications or (QUICK_REPLICATIONS if quick else FULL_REPLICATIONS)
    if reps < 2:
        raise ValueError(f"replications {reps}: must be >= 2 (an interval needs two)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    folder = _scenarios_dir(scenarios_dir)
    sizes = QUICK if quick else FULL
    groups: dict[tuple[str, str], _Group] = {}
    reasons: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for geography in GEOGRAPHIES:
        if geography not in geographies:
            reasons[(geography, "baseline")] = f"{geography} not run (--geography)"
            continue
        scenario = _sized(load_scenario(folder / GEOGRAPHIES[geography]), sizes[geography])
        groups[(geography, "baseline")] = _run_group(geography, "baseline", scenario, reps,
                                                     out, workers, progress)
    for kind, file in (("cycle", CYCLE_FILE), ("remote-2024", REMOTE_2024_FILE)):
        path = folder / file
        if "uk-itl1" not in geographies:
            reasons[("uk-itl1", kind)] = "uk-itl1 not run (--geography)"
        elif not path.is_file():
            reasons[("uk-itl1", kind)] = f"{path} does not exist"
        else:
            try:
                scenario = _sized(load_scenario(path), sizes["uk-itl1"])
            except ScenarioError as exc:  # e.g. a mechanism this version does not have
                reasons[("uk-itl1", kind)] = f"{path} cannot be used: {exc}"
            else:
                groups[("uk-itl1", kind)] = _run_group("uk-itl1", kind, scenario, reps,
                                                       out, workers, progress)
        reasons.setdefault(("uk-lad", kind), f"no {kind} scenario at uk-lad")
    costs = None
    grants = folder / GRANTS_FILE
    if "uk-itl1" not in geographies:
        notes.append("uk-itl1 policy: uk-itl1 not run (--geography)")
    elif not grants.is_file():
        notes.append(f"uk-itl1 policy: {grants} does not exist")
    else:
        base = groups[("uk-itl1", "baseline")].scenario
        costs = compare(base, [grants], replications=reps, out=out / "runs" / "uk-itl1-policy",
                        workers=workers, progress=progress, report=False).costs
    local, local_result, local_reason = folder / LOCAL_STIMULUS_FILE, None, ""
    if "uk-lad" not in geographies:
        local_reason = "uk-lad not run (--geography)"
    elif quick:
        local_reason = "not run with --quick (one district has a few hundred agents)"
    elif not local.is_file():
        local_reason = f"{local} does not exist"
    else:
        base = groups[("uk-lad", "baseline")].scenario
        local_policy = policy_scenarios([local], base)[0].scenario
        local_result = compare(base, [local], replications=reps,
                               out=out / "runs" / "uk-lad-policy",
                               months=LOCAL_STIMULUS_MONTHS, workers=workers,
                               progress=progress, report=False)
    if local_reason:
        notes.append(f"uk-lad policy: {local_reason}")
    skills, skills_result, skills_reason = folder / SKILLS_FILE, None, ""
    if "uk-itl1" not in geographies:
        skills_reason = "uk-itl1 not run (--geography)"
    elif quick:
        skills_reason = ("not run with --quick (the quick economy's noise is larger than "
                         "the policy's effect)")
    elif not skills.is_file():
        skills_reason = f"{skills} does not exist"
    else:
        base = groups[("uk-itl1", "baseline")].scenario
        skills_policy = policy_scenarios([skills], base)[0].scenario
        skills_result = compare(base, [skills], replications=reps,
                                out=out / "runs" / "uk-itl1-skills", workers=workers,
                                progress=progress, report=False)
    if skills_reason:
        notes.append(f"uk-itl1 skills policy: {skills_reason}")
    notes.extend(f"{g} {k}: {why}" for (g, k), why in reasons.items()
                 if k == "baseline" or (g == "uk-itl1" and k != "policy"))
    table = evaluate(groups, reasons)
    if costs is not None:
        table = _with_grants_cost(table, costs, grants)
    if local_result is not None:
        table = _with_local_spillover(table, local_result, local_policy, local)
    else:
        i = table.index[table["target"] == "local_stimulus_spills_over"]
        table.loc[i, "note"] = table.loc[i, "note"] + f"; {local_reason}"
    if skills_result is not None:
        table = _with_skills_commuting(table, skills_result, skills_policy, skills)
    else:
        i = table.index[table["target"] == "commuting_spreads_skills_policy"]
        table.loc[i, "note"] = table.loc[i, "note"] + f"; {skills_reason}"
    report = ValidationReport(table=table, out=out, notes=notes)
    write_report(report, groups)
    return report


# ------------------------------------------------------------------------- figures
#: Resolution of the report's PNG files (dots per inch).
_DPI = 110
#: Ticks of a log axis as plain numbers (0.5, 1, 2 rather than powers of ten).
_PLAIN = FuncFormatter(lambda x, _pos: f"{x:g}")


def caption_of(group: _Group, run_date: date | None = None) -> str:
    """The caption line of a group's figures: scenario, base seed, replications, scale,
    date (today by default) and placejobs version."""
    run = group.scenario.run
    return caption_text(scenario=run.name, seed=run.seed, replications=len(group.runs()),
                        scale=run.scale, run_date=run_date or date.today())


def figure_names(groups: dict[tuple[str, str], _Group]) -> dict[str, str]:
    """File names of the figures the groups give, by figure: each says its geography
    (``regions-itl1.png``, ``districts-lad.png``, ``maps-lad.png``...)."""
    names: dict[str, str] = {}
    for (geography, kind), group in groups.items():
        slug = geography_slug(group.geo)
        if (geography, kind) == ("uk-itl1", "baseline"):
            names.update(regions=f"regions-{slug}.png", matching=f"matching-{slug}.png",
                         maps_itl1=f"maps-{slug}.png")
        elif (geography, kind) == ("uk-lad", "baseline"):
            names.update(districts=f"districts-{slug}.png", commute=f"commute-{slug}.png",
                         maps_lad=f"maps-{slug}.png")
        elif (geography, kind) == ("uk-itl1", "cycle"):
            names["beveridge"] = f"beveridge-{slug}.png"
    return names


def _pooled(group: _Group) -> pd.DataFrame:
    return group.results.places


def _place_model(group: _Group, column: str) -> pd.Series:
    per_rep = [place_means(r.places, column) for r in group.runs()]
    return pd.concat(per_rep, axis=1).mean(axis=1)


def _scatter(ax: Axes, model: pd.Series, data: pd.Series, title: str, unit: str,
             scale: float = 1.0, labels: bool = True, what: str = "regions") -> None:
    """Model against data, one point per place, with the 45-degree line and a legend;
    ``unit`` goes in both axis labels (``"%"``, ``"GBP a week"``...)."""
    data = data.reindex(model.index)
    x, y = data.to_numpy(dtype=float) * scale, model.to_numpy(dtype=float) * scale
    ok = np.isfinite(x) & np.isfinite(y)
    ax.scatter(x[ok], y[ok], s=14 if not labels else 30, alpha=0.7, color=colour(0),
               label=what)
    if ok.any():
        lo, hi = min(x[ok].min(), y[ok].min()), max(x[ok].max(), y[ok].max())
        pad = 0.05 * (hi - lo or 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="grey", lw=1, ls="--",
                label="45-degree line")
    if labels:
        for code, xi, yi in zip(model.index, x, y, strict=True):
            if np.isfinite(xi) and np.isfinite(yi):
                ax.annotate(str(code), (xi, yi), fontsize=7, xytext=(3, 3),
                            textcoords="offset points")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(f"Data ({unit})")
    ax.set_ylabel(f"Model ({unit})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def _fig_regions(group: _Group) -> Figure:
    """The ITL1 regions, model against data: unemployment, employment, pay, productivity."""
    fig = blank_figure((10.0, 9.3))
    axes = fig.subplots(2, 2)
    data = group.data
    _scatter(axes[0, 0], _place_model(group, "unemployment_rate"), data["unemployment_rate"],
             "Unemployment rate", "%", 100)
    _scatter(axes[0, 1], _place_model(group, "employment_rate"), data["employment_rate"],
             "Employment rate", "%", 100)
    _scatter(axes[1, 0], _place_model(group, "median_wage"), data["median_weekly_pay_gbp"],
             "Median weekly pay", "GBP a week")
    gva = _place_model(group, "gva_per_worker")
    data_gva = data["gva_per_hour_gbp"].reindex(gva.index)
    _scatter(axes[1, 1], 100 * gva / gva.mean(), 100 * data_gva / data_gva.mean(),
             "Productivity: model GVA per job,\ndata GVA per hour", "index, mean of regions = 100")
    fig.suptitle("The 12 ITL1 regions: model (mean over replications and months) "
                 "against data")
    return fig


def _fig_districts(group: _Group) -> Figure:
    """The districts, model against data: unemployment, pay, jobs per resident worker."""
    fig = blank_figure((14.0, 5.0))
    axes = fig.subplots(1, 3)
    data = group.data
    _scatter(axes[0], _place_model(group, "unemployment_rate"), data["unemployment_rate"],
             "Unemployment rate", "%", 100, labels=False, what="districts")
    _scatter(axes[1], _place_model(group, "median_wage"), data["median_weekly_pay_gbp"],
             "Median weekly pay", "GBP a week", labels=False, what="districts")
    jobs = pd.concat([workplace_ratio_model(r) for r in group.runs()], axis=1).mean(axis=1)
    _scatter(axes[2], jobs, workplace_ratio_data(),
             "Jobs per resident worker\n(data: Census 2011 fixed workplaces, over the UK's"
             " 0.81)", "ratio",
             labels=False, what="districts")
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    for axis in (axes[2].xaxis, axes[2].yaxis):
        axis.set_major_formatter(_PLAIN)
        axis.set_minor_formatter(NullFormatter())
    fig.suptitle("The local authority districts: model against data")
    return fig


def _fig_matching(fit: MatchingFit, places: pd.DataFrame) -> Figure:
    """The estimated matching function's elasticities, and outflows against its fit."""
    fig = blank_figure((11.0, 4.6))
    left, right = fig.subplots(1, 2)
    names = ["unemployed (a)", "vacancies (b)", "a + b"]
    est = [fit.elasticity_unemployed, fit.elasticity_vacancies, fit.returns_to_scale]
    se = [fit.se_unemployed, fit.se_vacancies, fit.se_returns_to_scale]
    left.errorbar(est, range(3), xerr=[1.96 * s for s in se], fmt="o", capsize=4,
                  color=colour(0), label="estimate, 95% interval")
    left.axvspan(0.5, 0.7, ymin=0.67, ymax=1.0, color=colour(2), alpha=0.2,
                 label="target range")
    left.axvspan(0.9, 1.1, ymin=0.0, ymax=0.33, color=colour(2), alpha=0.2)
    left.set_yticks(range(3), names)
    left.set_ylim(2.5, -0.5)
    left.set_xlabel("Elasticity")
    left.legend(fontsize=8, loc="lower right")
    left.set_title(f"log H = a log U + b log V + place effects\n{fit.observations} "
                   f"place-months, within R2 = {fit.r2_within:.2f}", fontsize=10)
    hires, unemployed, vacancies = OUTFLOW_COLUMNS
    w, _ = within_place_logs(places, OUTFLOW_COLUMNS)
    fitted = fit.elasticity_unemployed * w[unemployed] + fit.elasticity_vacancies * w[vacancies]
    right.scatter(fitted, w[hires], s=6, alpha=0.4, color=colour(0))
    right.set_xlabel("Fitted log outflow to work (within place)")
    right.set_ylabel("Log outflow to work (within place)")
    right.set_title("Outflows against the fitted matching function", fontsize=10)
    return fig


def _fig_commute(group: _Group) -> Figure:
    """Mean commuting distance of the districts' residents, against the Census figure."""
    km = _place_model(group, "mean_commute_km_on_site")
    employed = _place_model(group, "employed").reindex(km.index)
    nat = group.results.national
    national = float(nat["mean_commute_km_on_site"].mean())
    everyone = float(nat["mean_commute_km"].mean())
    fig, ax = new_figure((7.5, 4.6))
    ax.hist(km.to_numpy(), bins=30, weights=employed.to_numpy(), alpha=0.8, color=colour(0),
            label="districts")
    ax.axvline(national, color=colour(1), label=f"model mean {national:.1f} km")
    ax.axvline(everyone, color=colour(1), ls=":",
               label=f"model, hybrid workers included, {everyone:.1f} km")
    ax.axvline(15.0, color="black", ls="--", label="Census 2011 (E&W) about 15 km")
    ax.set_xlabel("Mean straight-line commute of a district's residents who commute most "
                  "days (km)", fontsize=9)
    ax.set_ylabel("Employed residents (people)")
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # no "1e6" offset
    ax.set_title("Commuting distance (district means; the model does not record the "
                 "distribution over people)", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def _fig_maps(group: _Group) -> Figure:
    """Maps of the unemployment rate, model and data, each in its own classes."""
    fig = blank_figure((11.0, 7.0))
    axes = fig.subplots(1, 2)
    model = _place_model(group, "unemployment_rate")
    data = group.data["unemployment_rate"].reindex(model.index)
    plot_map(group.geo, model, title="Unemployment rate, model (its own classes)",
             label="Unemployment rate (%)", percent=True, ax=axes[0])
    plot_map(group.geo, data, title="Unemployment rate, data (its own classes)",
             label="Unemployment rate (%)", percent=True, ax=axes[1])
    return fig


def _fig_beveridge(group: _Group) -> Figure:
    """The national Beveridge curve of each replication of the cycle scenario."""
    fig, ax = new_figure((6.5, 5.5))
    for i, (rep, nat) in enumerate(group.results.national.groupby("replication")):
        ax.plot(100 * nat["unemployment_rate"], 100 * nat["vacancy_rate"], lw=0.8,
                marker=".", ms=3, color=colour(i), label=f"replication {rep}")
    ax.set_xlabel("Unemployment rate (%)")
    ax.set_ylabel("Vacancy rate (%)")
    ax.set_title("Beveridge curve over the cycle (monthly)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------------------------------- writing
def _fmt(value: object, unit: str) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    v = float(value)
    if unit.startswith("share"):
        return f"{100 * v:.2f}%"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _range(low: float, high: float, unit: str) -> str:
    if not (np.isfinite(low) or np.isfinite(high)):
        return "-"
    return f"{_fmt(low, unit)} to {_fmt(high, unit)}"


def markdown_table(table: pd.DataFrame) -> str:
    """The validation table as Markdown (target, data, range, model, interval, status)."""
    lines = ["| target | data | range | model (95% interval) | status | run |",
             "| --- | --- | --- | --- | --- | --- |"]
    for _, r in table.iterrows():
        ci = (f" ({_fmt(r['ci_low'], r['unit'])} to {_fmt(r['ci_high'], r['unit'])})"
              if np.isfinite(r["ci_low"]) else "")
        lines.append(
            f"| `{r['target']}` | {_fmt(r['data_value'], r['unit'])} | "
            f"{_range(r['low'], r['high'], r['unit'])} | "
            f"{_fmt(r['model_value'], r['unit'])}{ci} | **{r['status']}** | "
            f"{r['geography']}, {r['scenario']} |")
    return "\n".join(lines) + "\n"


_CSS = """body{font-family:sans-serif;max-width:1150px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;
vertical-align:top}th{background:#eee}tr.inside td.s{background:#d7f2d7}
tr.missed td.s{background:#f6d2d2}tr.not td.s{background:#eee}img{max-width:100%}
.small{font-size:12px;color:#555}"""


def write_report(report: ValidationReport, groups: dict[tuple[str, str], _Group]) -> None:
    """Write ``validation.parquet``, the figures and ``report.html`` into ``report.out``."""
    out = report.out
    report.table.to_parquet(out / "validation.parquet", index=False)
    sections: list[str] = []
    itl1, lad = groups.get(("uk-itl1", "baseline")), groups.get(("uk-lad", "baseline"))
    cycle = groups.get(("uk-itl1", "cycle"))
    names = figure_names(groups)

    def figure(key: str, caption: str, group: _Group, make: Callable[[], Figure]) -> None:
        name = names[key]
        path = save_captioned(make(), out / name, caption_of(group), dpi=_DPI)
        report.figures.append(path)
        sections.append(f"<h3>{html.escape(caption)}</h3><img src='{name}' alt='{name}'>")

    if itl1 is not None:
        figure("regions", "Regions: model against data", itl1, lambda: _fig_regions(itl1))
        source = cycle if cycle is not None else itl1
        pooled = _pooled(source)
        fit = outflow_matching(pooled)
        every = matching_function(pooled, unemployed="unemployed_searching")
        figure("matching", "The matching function estimated from model output", source,
               lambda: _fig_matching(fit, pooled))
        sections.append(
            "<p class='small'>Outflows from unemployment to work (by residence) on the "
            "unemployed searching at the start of the month and the vacancies posted, over "
            f"the {'demand shocks of the cycle scenario' if cycle is not None else 'baseline'}"
            ", pooled over replications ((place, replication) fixed effects), "
            f"classical OLS standard errors: a = {fit.elasticity_unemployed:.3f} "
            f"(s.e. {fit.se_unemployed:.3f}), b = {fit.elasticity_vacancies:.3f} "
            f"(s.e. {fit.se_vacancies:.3f}), a + b = {fit.returns_to_scale:.3f} "
            f"(s.e. {fit.se_returns_to_scale:.3f}); {fit.observations} observations. "
            "All hires (by workplace, job-to-job moves included) give a = "
            f"{every.elasticity_unemployed:.3f} (s.e. {every.se_unemployed:.3f}) and b = "
            f"{every.elasticity_vacancies:.3f} (s.e. {every.se_vacancies:.3f}): the employed "
            "who search take part of the vacancies whatever the unemployment.</p>")
        figure("maps_itl1", "Unemployment by region: model and data", itl1,
               lambda: _fig_maps(itl1))
    if lad is not None:
        figure("districts", "Districts: model against data", lad, lambda: _fig_districts(lad))
        figure("commute", "Commuting distance", lad, lambda: _fig_commute(lad))
        figure("maps_lad", "Unemployment by district: model and data", lad,
               lambda: _fig_maps(lad))
    if cycle is not None:
        figure("beveridge", "Beveridge curve", cycle, lambda: _fig_beveridge(cycle))
    else:
        sections.append("<p class='small'>No Beveridge curve: the cycle scenario "
                        f"(scenarios/{CYCLE_FILE}) was not run.</p>")

    t = report.table
    counts = t["status"].value_counts()
    rows = []
    for _, r in t.iterrows():
        cls = {"inside": "inside", "missed": "missed"}.get(r["status"], "not")
        ci = (f"[{_fmt(r['ci_low'], r['unit'])}, {_fmt(r['ci_high'], r['unit'])}]"
              if np.isfinite(r["ci_low"]) else "-")
        rows.append(
            f"<tr class='{cls}'><td><b>{html.escape(r['target'])}</b><br>"
            f"<span class='small'>{html.escape(r['description'])}</span></td>"
            f"<td>{_fmt(r['data_value'], r['unit'])}</td>"
            f"<td>{_range(r['low'], r['high'], r['unit'])}</td>"
            f"<td>{_fmt(r['model_value'], r['unit'])}</td><td>{ci}</td>"
            f"<td class='s'>{html.escape(r['status'])}</td>"
            f"<td class='small'>{html.escape(r['geography'])}, {html.escape(r['scenario'])}"
            f"</td><td class='small'>{html.escape(r['source'])}<br><i>range: "
            f"{html.escape(r['tolerance'])}</i>"
            + (f"<br>{html.escape(r['note'])}" if r["note"] else "") + "</td></tr>")
    runs = "".join(
        f"<li>{html.escape(g)} {html.escape(k)}: {len(grp.runs())} replications, scale "
        f"{grp.scenario.run.scale:g}, {grp.scenario.run.months} recorded months after "
        f"{grp.scenario.run.burn_in_months} of burn-in</li>"
        for (g, k), grp in groups.items())
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>placejobs validation"
        f"</title><style>{_CSS}</style></head><body><h1>placejobs validation</h1>"
        f"<p>{counts.get('inside', 0)} targets inside their range, "
        f"{counts.get('missed', 0)} missed, {counts.get('not evaluated', 0)} not evaluated. "
        "Model value: mean over replications of each run's statistic (over its recorded "
        f"months), with its 95% t-interval.</p><ul>{runs}{notes}</ul>"
        "<table><tr><th>target</th><th>data</th><th>range</th><th>model</th>"
        "<th>95% interval</th><th>status</th><th>run</th><th>source</th></tr>"
        + "".join(rows) + "</table><h2>Figures</h2>" + "".join(sections)
        + "</body></html>")
    (out / "report.html").write_text(page, encoding="utf-8")

"""The comparison's report: ``DIR/report.html`` (readable offline) and its PNG figures.

For each policy: the national and target-place effects with 95% intervals (jobs, good
jobs, unemployment, pay, GVA, the Theil and CV gaps between places), who gained (by
skill, by home place), the additionality account with intervals and how each term is
measured, the cost per net additional job and per net additional good job; figures:
the effects with interval whiskers, the time paths of net jobs and of the cost per job,
and a map of the change in the good-jobs share by place (:func:`sim.viz.maps.plot_map`).

The figures follow the figure rules of :mod:`sim.viz`: a caption line (policy against
baseline, base seed, replications, scale, date, placejobs version; also the PNG's
``Description``), colours of :mod:`sim.viz.palette`, units once (in the axis label; ticks
plain numbers), a legend wherever there is more than one series, and the map's file name
says its geography (``map-<policy>-itl1.png``). They are drawn without ``pyplot``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter, StrMethodFormatter

from sim.viz.captions import caption_text, geography_slug, save_captioned
from sim.viz.figures import blank_figure, new_figure
from sim.viz.maps import plot_map
from sim.viz.palette import colour

if TYPE_CHECKING:
    from sim.comparison.api import CompareResults

__all__ = ["HEADLINE", "caption_of", "figure_names", "write_report"]

#: Resolution of the report's PNG files (dots per inch).
_DPI = 110
#: Legend names of the areas.
_AREAS = {"UK": "UK", "target": "Target places"}
#: Ticks of counts with thousands separators (people).
_THOUSANDS = StrMethodFormatter("{x:,.0f}")
#: Ticks of a log axis as plain numbers (1,000 not 10^3): the label carries the unit.
_PLAIN = FuncFormatter(lambda x, _pos: f"{x:,.0f}" if x >= 1 else f"{x:g}")


def _plain_log_ticks(ax: Axes) -> None:
    """Plain-number ticks on a log y axis: the powers of ten, and within less than two
    decades also 2 and 5 times them (else a narrow range would show no tick at all)."""
    ax.yaxis.set_major_formatter(_PLAIN)
    low, high = ax.get_ylim()
    if low > 0 and high / low < 100:
        def minor(x: float, _pos: int) -> str:
            lead = round(x / 10 ** np.floor(np.log10(x)), 6)
            return _PLAIN(x) if lead in (2.0, 5.0) else ""

        ax.yaxis.set_minor_formatter(FuncFormatter(minor))
    else:
        ax.yaxis.set_minor_formatter(NullFormatter())

#: Indicators of the national and target tables: name -> label.
HEADLINE = {
    "employed": "Employed residents (people)",
    "good_jobs": "Good jobs (people)",
    "jobs_at_workplace": "Jobs by workplace (people)",
    "unemployment_rate": "Unemployment rate",
    "employment_rate": "Employment rate",
    "good_jobs_share": "Good-jobs share",
    "median_wage": "Median wage (GBP a week)",
    "mean_wage": "Mean wage (GBP a week)",
    "gva_per_worker": "GVA per worker (GBP a year)",
    "theil_unemployment_rate": "Theil, unemployment rate",
    "cv_unemployment_rate": "CV, unemployment rate",
    "theil_median_wage": "Theil, median wage",
    "cv_median_wage": "CV, median wage",
    "theil_good_jobs_share": "Theil, good-jobs share",
    "cv_good_jobs_share": "CV, good-jobs share",
}
#: Who gained, by skill.
BY_SKILL = {
    "unemployment_rate_basic": "Unemployment rate, basic skills",
    "unemployment_rate_advanced": "Unemployment rate, advanced skills",
    "skill_share_basic": "Basic skill share",
    "skill_share_intermediate": "Intermediate skill share",
    "skill_share_advanced": "Advanced skill share",
}
TERM_TEXT = {
    "gross": "jobs created since the first policy month at supported units (firms a lever "
             "supported, and every firm of places a place-wide lever supports), policy run",
    "deadweight": "jobs the same units would have created anyway (baseline run)",
    "leakage": "of the extra jobs at supported units, those taken by people living outside "
               "the target places (in-commuters); zero nationally",
    "displacement": "target residents' jobs lost at units the lever did not support (each "
                    "surviving firm, and the pool of other firms of each place), netted "
                    "within each place of work",
    "multiplier": "target residents' jobs gained at units the lever did not support, "
                  "netted within each place of work",
    "net": "gross - deadweight - leakage - displacement + multiplier",
    "measured": "employed residents (policy - baseline), counted directly: equals net",
    "to_residents": "of gross - deadweight - leakage: jobs taken by people who lived in the "
                    "target places at the first policy month",
    "to_in_migrants": "... by people who moved into the target places from elsewhere in the "
                      "UK since",
    "to_newcomers": "... by people who joined since (entrants aged 16, immigrants from "
                    "abroad)",
}
_CSS = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
        ".small{font-size:85%;color:#555}img{max-width:100%}")


def _num(x: Any, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return "-"
    if isinstance(x, float) and np.isinf(x):
        return "unbounded" if x > 0 else "-unbounded"
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _table(rows: pd.DataFrame, labels: dict[str, str], value: str = "difference",
           key: str = "indicator") -> str:
    body = []
    for name, label in labels.items():
        r = rows[rows[key] == name]
        if r.empty:
            continue
        r = r.iloc[0]
        points = str(r.get("unit", "")) == "share"  # rates and shares: percentage points
        k = 100.0 if points else 1.0
        label = f"{label} (percentage points)" if points else label
        v, lo, hi = (x * k if isinstance(x, float) else x
                     for x in (r[value], r["ci_low"], r["ci_high"]))
        body.append(f"<tr><td>{html.escape(label)}</td><td>{_num(v)}</td>"
                    f"<td>[{_num(lo)}, {_num(hi)}]</td>"
                    f"<td>{int(r['replications'])}</td></tr>")
    return ("<table><tr><th></th><th>policy - baseline</th><th>95% interval</th>"
            "<th>replications</th></tr>" + "".join(body) + "</table>")


def _save(fig: Figure, path: Path, caption: str) -> str:
    """Write ``fig`` with its caption line (also the PNG's ``Description``); its file name."""
    save_captioned(fig, path, caption, dpi=_DPI)
    return path.name


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


def caption_of(info: dict[str, Any], scenario: str) -> str:
    """The caption of a policy's figures: the policy against the baseline, base seed,
    replications, scale, date and placejobs version of the comparison (``compare.json``)."""
    baseline = info.get("baseline")
    name = (baseline.get("run", {}).get("name") if isinstance(baseline, dict) else None)
    created = info.get("created_at")
    return caption_text(
        scenario=str(name or "baseline"), compared=[scenario], seed=info.get("seed"),
        replications=info.get("replications"), scale=info.get("scale"),
        run_date=str(created)[:10] if created else None,
        version=str(info["placejobs_version"]) if info.get("placejobs_version") else None)


def figure_names(scenario: str, geography: Any) -> dict[str, str]:
    """File names of a policy's figures: ``effects``, ``paths`` (UK and target places) and
    ``map`` (of the geography's places: its name says the geography, e.g.
    ``map-grants-itl1.png``)."""
    slug = _slug(scenario)
    return {"effects": f"effects-{slug}.png", "paths": f"paths-{slug}.png",
            "map": f"map-{slug}-{geography_slug(geography)}.png"}


def _fig_effects(impact: pd.DataFrame, path: Path, caption: str) -> str:
    """Effects on jobs, nationally and in the target places, with 95% interval whiskers."""
    names = ["employed", "good_jobs", "jobs_at_workplace"]
    rows = impact[(impact["period"] == "whole") & impact["indicator"].isin(names)
                  & impact["area"].isin(["UK", "target"])]
    fig, ax = new_figure((8.0, 3.8))
    labels, y = [], 0
    for i, area in enumerate(("UK", "target")):
        first = True
        for name in names:
            r = rows[(rows["area"] == area) & (rows["indicator"] == name)]
            if r.empty:
                continue
            r = r.iloc[0]
            err = [[r["difference"] - r["ci_low"]], [r["ci_high"] - r["difference"]]]
            ax.errorbar([r["difference"]], [y], xerr=np.nan_to_num(err), fmt="o", capsize=4,
                        color=colour(i), label=_AREAS[area] if first else None)
            first = False
            labels.append(HEADLINE.get(name, name).removesuffix(" (people)"))
            y += 1
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Policy - baseline, mean over the whole period (people)")
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.set_title("Effects with 95% intervals", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    if labels:
        ax.legend(fontsize="small")
    return _save(fig, path, caption)


def _fig_paths(account: pd.DataFrame, costs: pd.DataFrame, path: Path, caption: str) -> str:
    """Net additional jobs by month (95% band) and the cost per net additional job."""
    fig = blank_figure((11.0, 4.4))
    axes = fig.subplots(1, 2)
    for i, area in enumerate(("UK", "target")):
        net = account[(account["area"] == area) & (account["term"] == "net")
                      & (account["period"] == "month")].sort_values("month")
        if len(net):
            m = net["month"].astype(float)
            axes[0].plot(m, net["value"], color=colour(i), label=_AREAS[area])
            axes[0].fill_between(m, net["ci_low"], net["ci_high"], color=colour(i),
                                 alpha=0.2, linewidth=0, label=f"{_AREAS[area]}, 95% band")
        c = costs[(costs["area"] == area) & (costs["per"] == "net additional job")
                  & (costs["period"] == "month")].sort_values("month")
        c = c[np.isfinite(c["cost_gbp"]) & (c["cost_gbp"] > 0)]
        if len(c):
            axes[1].plot(c["month"].astype(float), c["cost_gbp"], color=colour(i),
                         label=_AREAS[area])
    axes[0].axhline(0, color="grey", lw=0.8)
    axes[0].yaxis.set_major_formatter(_THOUSANDS)
    axes[0].set(xlabel="Month", ylabel="Net additional jobs (people)",
                title="Net additional jobs")
    axes[1].set(xlabel="Month", ylabel="Cost per net additional job (GBP)",
                title="Cumulative spend / net jobs (positive nets)")
    axes[1].set_yscale("log")
    _plain_log_ticks(axes[1])
    for ax in axes:
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    return _save(fig, path, caption)


def _fig_map(impact: pd.DataFrame, geography: Any, path: Path, caption: str) -> str:
    """Map of the change in the good-jobs share by place, in percentage points."""
    rows = impact[(impact["period"] == "whole") & (impact["indicator"] == "good_jobs_share")
                  & ~impact["area"].isin(["UK", "target"])]
    values = rows.set_index("area")["difference"].astype(float) * 100.0
    fig = plot_map(geography, values, title="Change in the good-jobs share (whole period)",
                   label="Policy - baseline (percentage points)", cmap="RdBu", centre=0.0)
    return _save(fig, path, caption)


def write_report(result: CompareResults, geography: Any, targets: dict[str, list[str]]
                 ) -> Path:
    """Write ``report.html`` and its figures into ``result.out``; returns the page."""
    out = result.out
    info = result.info
    sections = []
    for scenario in sorted(result.impact["scenario"].unique()):
        imp = result.impact[result.impact["scenario"] == scenario]
        acc = result.account[result.account["scenario"] == scenario]
        cst = result.costs[result.costs["scenario"] == scenario]
        whole = imp[imp["period"] == "whole"]
        s = [f"<h2>{html.escape(scenario)}</h2>"]
        tg = targets.get(scenario, [])
        s.append(f"<p class='small'>Target places: {html.escape(', '.join(tg) or 'none')}."
                 " Periods: the policy months, the months after, and the whole (from the "
                 "first policy month to the end).</p>")
        for area, title in (("UK", "National"), ("target", "Target places (residents)")):
            rows = whole[whole["area"] == area]
            if len(rows):
                s.append(f"<h3>{title}: effects over the whole period</h3>"
                         + _table(rows, HEADLINE))
        s.append("<h3>Who gained: by skill (national, whole period)</h3>"
                 + _table(whole[whole["area"] == "UK"], BY_SKILL))
        by_place = whole[~whole["area"].isin(["UK", "target"])
                         & (whole["indicator"] == "employed")]
        if len(by_place):
            s.append("<h3>Who gained: employed residents by home place (whole period)</h3>"
                     + _table(by_place.assign(label=by_place["area"] + " " +
                                              by_place["name"].fillna("")),
                              dict(zip(by_place["area"], by_place["area"] + " "
                                       + by_place["name"].fillna(""), strict=True)),
                              key="area"))
        for area, title in (("target", "target places' residents"), ("UK", "national")):
            rows = acc[(acc["area"] == area) & (acc["period"] == "whole")]
            if len(rows):
                s.append(f"<h3>Additionality account, {title} (people, mean over the whole "
                         "period)</h3>" + _table(rows, {t: t for t in TERM_TEXT},
                                                 value="value", key="term"))
        c = cst[cst["period"] == "whole"]
        if len(c):
            body = "".join(
                f"<tr><td>{html.escape(r['area'])}: per {html.escape(r['per'])}</td>"
                f"<td>{_num(r['spend_gbp'])}</td><td>{_num(r['net'])}</td>"
                f"<td>{_num(r['cost_gbp'])}</td><td>[{_num(r['ci_low'])}, "
                f"{_num(r['ci_high'])}]</td><td class='small'>{html.escape(r['note'])}</td>"
                "</tr>" for _, r in c.iterrows())
            s.append("<h3>Cost (GBP, 2019 prices)</h3><table><tr><th></th><th>spend</th>"
                     "<th>net</th><th>cost per net job</th><th>95% interval</th><th>note"
                     "</th></tr>" + body + "</table>")
        caption = caption_of(info, scenario)
        files = figure_names(scenario, geography)
        figs = [(_fig_effects(imp, out / files["effects"], caption),
                 "Effects with 95% intervals"),
                (_fig_paths(acc, cst, out / files["paths"], caption),
                 "Time paths: net jobs and cost per net job")]
        try:
            figs.append((_fig_map(imp, geography, out / files["map"], caption),
                         "Change in the good-jobs share by place"))
        except (ValueError, FileNotFoundError) as exc:
            s.append(f"<p class='small'>No map: {html.escape(str(exc))}</p>")
        s.extend(f"<h3>{html.escape(cap)}</h3><img src='{name}' alt='{name}'>"
                 for name, cap in figs)
        sections.append("".join(s))
    terms = "".join(f"<li><b>{t}</b>: {html.escape(x)}</li>" for t, x in TERM_TEXT.items())
    failed = (f"<p><b>{len(result.failures)} tasks failed</b> (see compare.json).</p>"
              if result.failures else "")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>placejobs comparison"
        f"</title><style>{_CSS}</style></head><body><h1>placejobs comparison</h1>"
        f"<p>Baseline {html.escape(str(info.get('baseline_file')))}; "
        f"{info.get('replications')} replications (seeds from {info.get('seed')}), "
        f"scale {info.get('scale')}, {info.get('months')} recorded months after "
        f"{info.get('burn_in_months')} of burn-in; placejobs "
        f"{html.escape(str(info.get('placejobs_version')))}, commit "
        f"{html.escape(str(info.get('git_commit')))}.</p>{failed}"
        "<p>Each policy run and its baseline share their seed (common random numbers) and "
        "are identical until the first policy month. A difference is the mean over "
        "replications of (policy - baseline) averaged over the period's months, with its "
        "95% t-interval across replications.</p>"
        "<h2>How the account is measured</h2><p>Jobs are counted at units: each firm "
        "alive in every month since the first policy month (the same firm in both runs), "
        "and per place the pool of all its other firms. Each worker counts as the people "
        "it stands for, so the terms are people and the net equals the measured "
        f"difference in employment exactly.</p><ul>{terms}</ul>"
        + "".join(sections) + "</body></html>")
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path

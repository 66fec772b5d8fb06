"""Units and meanings of a comparison's own columns, for its Parquet metadata and columns.md.

A comparison's directory holds the pairs' tables (``runs/places``, ``runs/national``:
the run's indicators, described by the registry, after ``scenario``, ``replication``,
``seed`` and ``run``; ``runs/account``: the additionality account month by month) and
the summaries ``impact.parquet``, ``account.parquet`` and ``costs.parquet``, whose
columns are described here (:data:`TABLE_COLUMNS`). :func:`write_compare_columns`
writes ``columns.md`` beside them (:func:`sim.runs.output.write_columns_md`).
"""

from __future__ import annotations

from pathlib import Path

from sim.comparison.impact import ACCOUNT_COLUMNS, COST_COLUMNS, IMPACT_COLUMNS
from sim.core.columns import NATIONAL_TABLE_COLUMNS, PLACE_TABLE_COLUMNS
from sim.runs.output import write_columns_md

__all__ = ["TABLE_COLUMNS", "compare_tables", "write_compare_columns"]

_INTERVAL = "95% t-interval over replications"
#: Each summary table's own columns: name -> (unit, description).
_IMPACT = {
    "area": ("code", "a place code, 'UK' (national) or 'target' (the policy's target places "
                     "together)"),
    "name": ("text", "the area's name"),
    "indicator": ("text", "the indicator (a column of the runs' tables; its unit in `unit`)"),
    "period": ("text", "'policy' (the spending months), 'after', 'whole' (from the first "
                       "policy month to the end; means over the period) or 'month' (one row "
                       "a month)"),
    "month": ("month number", "recorded month for period 'month' rows; empty otherwise"),
    "difference": ("the indicator's unit (`unit`)", "policy run less baseline run, mean over "
                   "replications (common random numbers)"),
    "ci_low": ("as `difference`", f"lower end of the {_INTERVAL}"),
    "ci_high": ("as `difference`", f"upper end of the {_INTERVAL}"),
    "replications": ("count", "replications with a finite value"),
    "unit": ("text", "unit of the indicator, so of `difference` and its interval"),
}
_ACCOUNT = {
    "area": ("text", "'target' (the residents of the target places) or 'UK' (national)"),
    **{k: _IMPACT[k] for k in ("period", "month", "replications")},
    "term": ("text", "term of the additionality account: gross, deadweight, leakage, "
                     "displacement, multiplier, net, measured (and the split of gross less "
                     "deadweight and leakage: to_residents, to_in_migrants, to_newcomers)"),
    "value": ("people (jobs)", "the term, mean over replications; net = gross - deadweight - "
                               "leakage - displacement + multiplier, which adds up to the "
                               "measured difference in employment"),
    "ci_low": ("people (jobs)", f"lower end of the {_INTERVAL}"),
    "ci_high": ("people (jobs)", f"upper end of the {_INTERVAL}"),
}
_COSTS = {
    "area": ("text", "'target' (the target places' residents) or 'UK' (national)"),
    **{k: _IMPACT[k] for k in ("period", "month", "replications")},
    "per": ("text", "what the cost is per: 'net additional job', 'net additional good job' "
                    "or 'net additional job-year'"),
    "spend_gbp": ("GBP (2019 prices)", "policy spend over the period (for 'month' rows, "
                                       "cumulative to the month), mean over replications"),
    "net": ("people (jobs; job-years for 'job-year')", "net additional jobs (or good jobs) "
            "the cost is divided by"),
    "net_ci_low": ("as `net`", f"lower end of the {_INTERVAL} of `net`"),
    "net_ci_high": ("as `net`", f"upper end of the {_INTERVAL} of `net`"),
    "cost_gbp": ("GBP (2019 prices) per job", "spend_gbp / net"),
    "ci_low": ("GBP per job", "lower end of the cost's interval (spend over the net's upper "
                              "end)"),
    "ci_high": ("GBP per job", "upper end of the cost's interval (inf when the net's interval "
                               "includes zero; said in `note`)"),
    "note": ("text", "why a cost is unbounded or missing; empty otherwise"),
}
_RUN_ACCOUNT = {
    "month": ("month number", "recorded month"),
    "area": ("text", "'target' or 'national'"),
    "term": _ACCOUNT["term"],
    "value": ("people (jobs)", "the term this month, one replication"),
}

#: Each table's own columns (those the registry and the key columns do not describe).
TABLE_COLUMNS = {
    "impact.parquet": _IMPACT,
    "account.parquet": _ACCOUNT,
    "costs.parquet": _COSTS,
    "runs/account": _RUN_ACCOUNT,
}


def compare_tables() -> dict[str, list[str]]:
    """The columns of every table of a comparison's directory, in order."""
    front = ["scenario", "replication", "seed"]
    return {
        "impact.parquet": list(IMPACT_COLUMNS),
        "account.parquet": list(ACCOUNT_COLUMNS),
        "costs.parquet": list(COST_COLUMNS),
        "runs/places": [*front, "run", *PLACE_TABLE_COLUMNS],
        "runs/national": [*front, "run", *NATIONAL_TABLE_COLUMNS],
        "runs/account": [*front, "month", "area", "term", "value"],
    }


def write_compare_columns(out: str | Path) -> Path:
    """Write ``columns.md`` into a comparison's directory."""
    return write_columns_md(out, compare_tables(), title="Columns of the comparison's tables",
                            extra=TABLE_COLUMNS)

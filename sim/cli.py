"""The ``placejobs`` command line (also ``python -m sim``).

Commands::

    placejobs run SCENARIO [--out DIR] [--seed N] [--months N] [--scale X] [--force] [--debug]
    placejobs bench [--workers N] [--months N] [--repeat R]

A user's mistake (a bad scenario file, a bad value on the command line, an
output directory that already holds results) prints one line starting with
``error:`` and exits with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["main"]

#: Indicators in the summary printed after a run, with their column headers; values are
#: written as the indicator registry says (:meth:`sim.core.indicators.Indicator.format`).
SUMMARY_COLUMNS = {
    "unemployment_rate": "unemployment",
    "employment_rate": "employment",
    "job_finding_rate": "job finding",
    "vacancy_rate": "vacancies",
    "median_wage": "median GBP/wk",
    "good_jobs_share": "good jobs",
    "mean_commute_minutes": "commute min",
}


class UserError(Exception):
    """A mistake of the user's: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one ``error:`` line (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from sim import __version__

    parser = _Parser(
        prog="placejobs",
        description="A spatial agent-based model of labour markets for place-based policy.",
    )
    parser.add_argument("--version", action="version", version=f"placejobs {__version__}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    run = sub.add_parser("run", help="run one scenario and write its results")
    run.add_argument("scenario", type=Path, help="scenario TOML file")
    run.add_argument("--out", type=Path, default=None, help="results directory "
                     "(default results/<scenario name>)")
    run.add_argument("--seed", type=int, default=None, help="random seed (overrides the file)")
    run.add_argument("--months", type=int, default=None, help="reported months after burn-in")
    run.add_argument("--scale", type=float, default=None, help="agents per real person")
    run.add_argument("--force", action="store_true", help="write into a non-empty directory")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.add_argument("--debug", action="store_true",
                     help="check stock-flow identities every month (slower)")

    bench = sub.add_parser("bench", help="measure throughput and memory")
    bench.add_argument("--workers", type=int, default=1_000_000, help="workers (default 1e6)")
    bench.add_argument("--months", type=int, default=12, help="months to run (default 12)")
    bench.add_argument("--repeat", type=int, default=5, help="repeats; medians are reported")
    return parser


def _summary(model, max_rows: int = 24) -> str:
    """The last month by place (the highest and lowest unemployment when there are many)."""
    import pandas as pd

    from sim.core.indicators import INDICATORS

    rows = {r.name: r.indicators() for r in sorted(model.regions, key=lambda r: r.index)}
    table = pd.DataFrame(rows).T[list(SUMMARY_COLUMNS)]
    note = ""
    if len(table) > max_rows:
        ordered = table.sort_values("unemployment_rate", ascending=False)
        half = max_rows // 2
        table = pd.concat([ordered.head(half), ordered.tail(half)])
        note = (f"\n({half} places with the highest and {half} with the lowest unemployment "
                f"of {len(rows)}; all are in places.parquet)")
    total = "United Kingdom" if model.geography.name.startswith("uk") else "All places"
    table.loc[total] = pd.Series(model.national)[list(SUMMARY_COLUMNS)]
    for col in SUMMARY_COLUMNS:
        table[col] = table[col].map(INDICATORS[col].format)
    table.columns = list(SUMMARY_COLUMNS.values())
    return table.to_string() + note


def _run(args: argparse.Namespace) -> int:
    import numpy as np
    from tqdm import tqdm

    from sim import __version__
    from sim.agents.workers import ABSENT
    from sim.config.scenario import ScenarioError, load_scenario
    from sim.core.model import LabourMarket
    from sim.runs.output import OutputError, prepare_output_dir, write_run_json, write_table
    from sim.viz.plots import write_standard_plots
    from sim.world.geography import GeographyError

    try:
        scenario = load_scenario(args.scenario).with_overrides(
            seed=args.seed, months=args.months, scale=args.scale
        )
        out = args.out or Path("results") / scenario.run.name
        out = prepare_output_dir(out, force=args.force)
    except (ScenarioError, OutputError, GeographyError) as exc:
        raise UserError(str(exc)) from None

    run = scenario.run
    started = time.perf_counter()
    total = run.burn_in_months + run.months
    with tqdm(total=total, desc=run.name, unit="month", disable=args.quiet,
              file=sys.stderr) as bar:
        model = LabourMarket(scenario, rng=run.seed, on_month=bar.update, debug=args.debug)
        bar.set_postfix_str("recording")
        for _ in range(run.months):
            model.step()
            bar.update()
    wall = time.perf_counter() - started

    info = {
        "placejobs_version": __version__,
        "scenario_file": str(args.scenario),
        "scenario_name": run.name,
        "seed": run.seed,
        "geography": model.geography.name,
        "scale": run.scale,
        "burn_in_months": run.burn_in_months,
        "months": run.months,
        "workers": int(np.count_nonzero(model.workers.status != ABSENT)),
        "firms": int(model.firms.alive.sum()),
        "wall_seconds": round(wall, 3),
        "scenario": scenario.to_dict(),
    }
    meta = {k: info[k] for k in ("placejobs_version", "scenario_name", "seed", "scale")}
    places = model.places_frame()
    write_table(places, out / "places.parquet", meta)
    write_table(model.national_frame(), out / "national.parquet", meta)
    write_run_json(out / "run.json", info)
    caption = (
        f"placejobs {__version__}; scenario {run.name} ({args.scenario}); seed {run.seed}; "
        f"scale {run.scale}"
    )
    plots = write_standard_plots(places, model.geography, out / "plots", caption=caption)
    if not args.quiet:
        print(_summary(model))
        print(
            f"\n{info['workers']:,} workers, {int(model.firms.alive.sum()):,} firms, "
            f"{run.burn_in_months} + {run.months} months in {wall:.1f} s; "
            f"wrote {out}/places.parquet, national.parquet, run.json and {len(plots)} plots"
        )
    return 0


def _bench(args: argparse.Namespace) -> int:
    from sim.runs.bench import run_benchmark

    try:
        run_benchmark(args.workers, args.months, args.repeat)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``placejobs`` console script. Returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        return _bench(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

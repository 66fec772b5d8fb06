"""The ``placejobs`` command line (also ``python -m sim``).

Commands::

    placejobs run SCENARIO [--set KEY=VALUE ...] [--out DIR] [--seed N] [--months N]
                           [--scale X] [--replication R] [--force] [--quiet] [--debug]
    placejobs show [SCENARIO] [--set KEY=VALUE ...] [--no-comments]
    placejobs sweep SWEEP [--out DIR] [--workers N] [--threads N] [--scheduler ADDRESS]
                          [--quiet]
    placejobs sensitivity DIR --output INDICATOR [--output ...] [--place P] [--window M]
    placejobs calibrate CALIBRATION [--out DIR] [--workers N] [--threads N]
                        [--scheduler ADDRESS] [--quiet]
    placejobs compare BASELINE POLICY... --replications R --out DIR [--workers N]
                      [--threads N] [--scheduler ADDRESS] [--months M] [--scale S]
                      [--seed S] [--quiet]
    placejobs validate --out DIR [--geography G] [--quick] [--replications R]
                       [--workers N] [--quiet]
    placejobs bench [--workers N] [--months N] [--repeat R]
    placejobs dashboard [SCENARIO] [--port P] [--host H] [--no-open]

``placejobs run`` parses its arguments, calls :func:`sim.run` (which does the
work: validation, the run, the results directory) and prints the summary.
``--set KEY=VALUE`` (repeatable) changes one value of the scenario, validated as in
the file (:mod:`sim.config.overrides`); ``--seed``, ``--months`` and ``--scale`` are
applied after it and win. ``placejobs show`` prints the resolved scenario (the
built-in defaults without ``SCENARIO``) as commented TOML, every key with its value
(:func:`sim.config.show.scenario_to_toml`). ``placejobs dashboard`` serves the browser
dashboard (:mod:`sim.dashboard`) until it is stopped.

A user's mistake (a bad scenario file, a bad value on the command line, an
output directory that holds results or cannot be written, an economy too big for
the memory) prints one line starting with ``error:`` and exits with status 2,
without a traceback; messages about a command-line value name the option
(``error: --seed -1: must be >= 0``,
``error: --set search.applications_per_searcher=-3: must be >= 1``). A warning
(some places raised to one agent; places with too few worker agents for their
indicators, a :class:`~sim.config.checks.SmallPlaceWarning`) is one line starting with
``warning:``.

Ctrl-C (SIGINT) or SIGTERM at any moment prints ``error: interrupted`` and exits
with status 130 (SIGINT) or 143 (SIGTERM: 128 + 15), leaving no results
directory behind.
"""

from __future__ import annotations

import argparse
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.runs import interrupts

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


def _cluster_options(parser: argparse.ArgumentParser) -> None:
    """Where a command's runs go (``sweep``, ``calibrate``), and ``--quiet``."""
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--threads", type=int, default=None,
                        help="cores each run's kernels use (default: cores / workers)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="use the Dask cluster at ADDRESS (tcp://host:8786) instead of "
                        "a local one")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _check_cluster_options(args: argparse.Namespace) -> None:
    """Refuse --workers/--threads below 1 or above the cores, and --workers with --scheduler."""
    from sim.sweeps.execute import default_workers

    for flag, value in (("--workers", args.workers), ("--threads", args.threads)):
        if value is not None and value < 1:
            raise UserError(f"{flag} {value}: must be >= 1")
    if args.scheduler is not None and args.workers is not None:
        raise UserError("--workers is for a local cluster; with --scheduler the cluster's "
                        "workers are used")
    if args.threads is not None and args.threads > default_workers():
        raise UserError(f"--threads {args.threads}: must be <= {default_workers()} "
                        "(the cores here)")


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
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="change one value, e.g. search.applications_per_searcher=4 "
                     "(VALUE in TOML; repeatable; --seed/--months/--scale win)")
    run.add_argument("--out", type=Path, default=None, help="results directory "
                     "(default results/<scenario name>)")
    run.add_argument("--seed", type=int, default=None, help="random seed (overrides the file)")
    run.add_argument("--months", type=int, default=None, help="reported months after burn-in")
    run.add_argument("--replication", type=int, default=None, metavar="R",
                     help="run replication R (0-based) of the scenario: its seed derived from "
                     "the scenario's seed as in a sweep")
    run.add_argument("--scale", type=float, default=None, help="agents per real person")
    run.add_argument("--force", action="store_true",
                     help="replace a non-empty results directory (once the run is complete)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.add_argument("--debug", action="store_true",
                     help="check stock-flow identities every month (slower)")

    show = sub.add_parser("show", help="print a scenario with every value, as commented TOML")
    show.add_argument("scenario", type=Path, nargs="?", default=None,
                      help="scenario TOML file (default: the built-in defaults)")
    show.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="change one value, e.g. run.geography=uk-lad (VALUE in TOML; "
                      "repeatable)")
    show.add_argument("--no-comments", action="store_true",
                      help="keys and values only, no descriptions or allowed values")

    sweep = sub.add_parser(
        "sweep", help="run a sweep: replications and a design over parameters, on Dask",
        description="Run every run of a sweep file on a Dask cluster and write each as it "
        "finishes; rerunning the same command goes on where it stopped. Exit status 0: "
        "every run finished; 1: some failed (see DIR/failures.parquet); 2: a mistake.",
    )
    sweep.add_argument("sweep", type=Path, help="sweep TOML file")
    sweep.add_argument("--out", type=Path, default=None,
                       help="results directory (default results/<sweep name>)")
    _cluster_options(sweep)

    cal = sub.add_parser(
        "calibrate", help="fit free parameters to data moments (simulated method of moments)",
        description="Minimise the weighted distance between the model's moments and their "
        "data values over the free parameters' ranges, with SciPy's differential evolution "
        "or Nelder-Mead, each evaluation's replications run on Dask; writes "
        "DIR/calibration.json, DIR/path.parquet and DIR/fitted.toml (a scenario).",
    )
    cal.add_argument("calibration", type=Path, help="calibration TOML file")
    cal.add_argument("--out", type=Path, default=None,
                     help="results directory (default results/calibration-<name>)")
    _cluster_options(cal)

    sens = sub.add_parser(
        "sensitivity", help="sensitivity indices of a finished sobol or morris sweep (SALib)",
        description="Sobol first-order and total indices, or Morris mu* and sigma, with "
        "bootstrap intervals, for each output; written to DIR/sensitivity/ as Parquet and "
        "a bar chart per output.",
    )
    sens.add_argument("directory", type=Path, help="a finished sweep's results directory")
    sens.add_argument("--output", action="append", required=True, dest="outputs",
                      metavar="INDICATOR", help="an indicator (repeatable), e.g. "
                      "unemployment_rate")
    sens.add_argument("--place", default=None,
                      help="a place code or name (default: national outputs)")
    sens.add_argument("--window", type=int, default=12, metavar="MONTHS",
                      help="average each run over its last MONTHS recorded months (default 12)")
    sens.add_argument("--quiet", action="store_true", help="no table")

    cmp = sub.add_parser(
        "compare", help="each policy against the baseline: impact with intervals, the "
        "additionality account, cost per net job",
        description="Run each policy file against the baseline scenario in replications of "
        "pairs with common random numbers (on Dask); write DIR/impact.parquet, "
        "DIR/account.parquet, DIR/costs.parquet and DIR/report.html. Rerunning the same "
        "command goes on where it stopped. Exit status 0: done; 1: some pairs failed; "
        "2: a mistake.",
    )
    cmp.add_argument("baseline", type=Path, help="baseline scenario TOML file")
    cmp.add_argument("policies", type=Path, nargs="+", metavar="POLICY",
                     help="policy file: [[policy]] tables and [run] name/description only")
    cmp.add_argument("--replications", type=int, required=True, metavar="R",
                     help="pairs of runs per policy (>= 2)")
    cmp.add_argument("--out", type=Path, required=True, help="results directory")
    cmp.add_argument("--months", type=int, default=None, help="recorded months (overrides "
                     "the baseline)")
    cmp.add_argument("--scale", type=float, default=None, help="agents per real person")
    cmp.add_argument("--seed", type=int, default=None, help="seed the replications' seeds "
                     "derive from (overrides the baseline)")
    _cluster_options(cmp)
    cmp.add_argument("--no-report", action="store_true", help="tables only, no report.html")

    val = sub.add_parser(
        "validate", help="run the baselines and check the model against published figures",
        description="Run the baseline scenarios as replications (on Dask), compute every "
        "validation target with its 95% interval and write DIR/validation.parquet and "
        "DIR/report.html with figures. Exit status 0: every target evaluated is inside its "
        "range; 1: some are missed (listed on stderr); 2: a mistake.",
    )
    val.add_argument("--out", type=Path, required=True, help="results directory")
    val.add_argument("--geography", choices=("uk-itl1", "uk-lad"), default=None,
                     help="validate one geography only (default: both)")
    val.add_argument("--quick", action="store_true",
                     help="small economies, short horizons, 2 replications (a smoke test)")
    val.add_argument("--replications", type=int, default=None,
                     help="replications of each scenario (default 2 with --quick, else 5)")
    val.add_argument("--workers", type=int, default=None,
                     help="worker processes of the local cluster (default: one per core)")
    val.add_argument("--quiet", action="store_true", help="no progress bars or summary")

    dash = sub.add_parser(
        "dashboard", help="serve the browser dashboard: a lever against the baseline, live",
        description="Serve a Solara page (Mesa's SolaraViz controls) where a lever and the "
        "main parameters are chosen and the policy run is stepped against its baseline "
        "with common random numbers: a UK map, time series and the additionality account. "
        "Runs until stopped (Ctrl-C). See docs/dashboard.md.",
    )
    dash.add_argument("scenario", type=Path, nargs="?", default=None,
                      help="baseline scenario TOML file (default: the built-in UK baseline; "
                      "its [[policy]] tables are left out)")
    dash.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: a free "
                      "one)")
    dash.add_argument("--host", default="localhost", help="address to listen on (default "
                      "localhost; 0.0.0.0 for every interface)")
    dash.add_argument("--no-open", action="store_true",
                      help="do not open the page in a browser")

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


_FLAGS = {"run.seed": "--seed", "run.months": "--months", "run.scale": "--scale"}


def _show_warning(message: Warning | str, category: type[Warning], *args: object,
                  **kwargs: object) -> None:
    """A warning is one line: ``warning: ...`` on stderr."""
    print(f"warning: {message}", file=sys.stderr)


@contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Within the block, each warning is shown as one line (:func:`_show_warning`), not
    with the file and line of code that raised it; user warnings every time they arise."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", UserWarning)
        warnings.showwarning = _show_warning
        yield


def _run(args: argparse.Namespace) -> int:
    from sim.config.overrides import apply_assignments
    from sim.config.scenario import ScenarioError, load_scenario
    from sim.config.section import toml_value
    from sim.runs.api import run
    from sim.runs.output import OutputError
    from sim.world.geography import GeographyError

    interrupts.check()  # the library is loaded: a safe point
    overrides = {"seed": args.seed, "months": args.months, "scale": args.scale}
    try:
        scenario = apply_assignments(load_scenario(args.scenario), args.set)
        try:
            scenario = scenario.with_overrides(**overrides)
        except ScenarioError as exc:
            flag = _FLAGS.get(exc.key or "")
            if flag is None:
                raise
            value = overrides[flag.removeprefix("--")]
            raise UserError(f"{flag} {toml_value(value)}: {exc.reason}") from None
        out = args.out or Path("results") / scenario.run.name
        try:
            result = run(scenario, out=out, progress=not args.quiet, force=args.force,
                         debug=args.debug, replication=args.replication)
        except ScenarioError as exc:
            if exc.key != "replication":
                raise
            raise UserError(f"--replication {args.replication}: {exc.reason}") from None
    except (ScenarioError, OutputError, GeographyError) as exc:
        raise UserError(str(exc)) from None

    if not args.quiet:
        info = result.info
        n_plots = len(list((result.out / "plots").glob("*.png")))
        print(_summary(result.model))
        print(
            f"\n{info['worker_agents']:,} worker agents "
            f"({info['working_age_population']:,.0f} people of working age), "
            f"{info['firm_agents']:,} firm agents, "
            f"{info['burn_in_months']} + {info['months']} months in "
            f"{info['wall_seconds']:.1f} s; wrote {result.out}/places.parquet, "
            f"national.parquet, columns.md, run.json and {n_plots} plots"
        )
    return 0


def _plural(n: int, word: str) -> str:
    """``1 run``, ``2 runs``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sweep(args: argparse.Namespace) -> int:
    from sim.config.scenario import ScenarioError
    from sim.runs.output import OutputError
    from sim.runs.replications import replication_seeds
    from sim.sweeps.design import make_design
    from sim.sweeps.execute import ExecutionError, execute
    from sim.sweeps.spec import load_sweep
    from sim.sweeps.store import SweepStore
    from sim.world.geography import GeographyError

    interrupts.check()  # the library is loaded: a safe point
    _check_cluster_options(args)
    try:
        sweep = load_sweep(args.sweep)
        design = make_design(sweep)
        out = args.out or Path("results") / sweep.name
        store = SweepStore(out, sweep, design,
                           replication_seeds(sweep.seed, sweep.replications))
        done = store.open()
        status = execute(
            store, done, workers=args.workers, threads=args.threads,
            scheduler=args.scheduler, progress=not args.quiet,
            warn=lambda message: print(f"warning: {message}", file=sys.stderr),
        )
    except (ScenarioError, OutputError, GeographyError, ExecutionError) as exc:
        raise UserError(str(exc)) from None

    if not args.quiet:
        before = f" ({status.skipped} before)" if status.skipped else ""
        print(
            f"{_plural(status.runs, 'run')} ({_plural(len(design), 'design point')} x "
            f"{_plural(sweep.replications, 'replication')}): "
            f"{status.skipped + status.finished} finished{before}, {status.failed} failed; "
            + (f"{status.wall_seconds:.1f} s on {_plural(status.workers, 'worker')}"
               if status.workers else "nothing left to run") + "; wrote "
            f"{out}/national, {out}/places, {out}/sweep.json"
        )
    if status.failed:
        first = min(store.failures.values(), key=lambda r: (r["run_id"], r["replication"]))
        print(
            f"error: {status.failed} of {status.runs} runs failed (listed in "
            f"{out}/failures.parquet); the first, run {first['run_id']} replication "
            f"{first['replication']}: {first['error']}",
            file=sys.stderr,
        )
        return 1
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from sim.calibration.fit import calibrate
    from sim.calibration.spec import load_calibration
    from sim.config.scenario import ScenarioError
    from sim.runs.output import OutputError
    from sim.sweeps.execute import ExecutionError

    interrupts.check()
    _check_cluster_options(args)
    try:
        cal = load_calibration(args.calibration)
        out = args.out or Path("results") / f"calibration-{cal.sweep.name}"
        result = calibrate(cal, out=out, workers=args.workers, threads=args.threads,
                           scheduler=args.scheduler, progress=not args.quiet)
    except (ScenarioError, OutputError, ExecutionError) as exc:
        raise UserError(str(exc)) from None
    if not args.quiet:
        import pandas as pd

        fitted = ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                           for k, v in result.parameters.items())
        print(f"fitted: {fitted}; objective {result.objective:.4g} after "
              f"{result.evaluations} evaluations ({result.cached} from earlier) in "
              f"{result.seconds:.1f} s")
        with pd.option_context("display.width", 120, "display.float_format", "{:.4g}".format):
            print(result.moments.set_index("moment")[
                ["data", "model", "sd", "weight", "contribution"]].to_string())
        print(f"wrote {out}/calibration.json, {out}/path.parquet and {out}/fitted.toml")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from sim.runs.output import OutputError
    from sim.sweeps.sensitivity import SENSITIVITY_DIR, sensitivity

    interrupts.check()
    if not (args.directory / "sweep.json").is_file():
        raise UserError(f"{args.directory}: holds no sweep.json (not a sweep directory)")
    try:
        indices = sensitivity(args.directory, args.outputs, place=args.place,
                              window_months=args.window)
    except (ValueError, OutputError) as exc:
        raise UserError(str(exc)) from None
    if not args.quiet:
        import pandas as pd

        method = indices["method"].iloc[0]
        cols = (["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol"
                else ["mu_star", "mu_star_conf", "sigma"])
        with pd.option_context("display.width", 120, "display.float_format", "{:.3g}".format):
            for output, rows in indices.groupby("output", sort=False):
                print(f"{output} ({rows['place'].iloc[0]}, {method}):")
                print(rows.set_index("parameter")[cols].to_string())
                print()
        print(f"wrote {args.directory / SENSITIVITY_DIR}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from sim.config.scenario import ScenarioError
    from sim.runs.output import OutputError
    from sim.sweeps.execute import ExecutionError
    from sim.validation.report import validate

    interrupts.check()
    if args.replications is not None and args.replications < 2:
        raise UserError(f"--replications {args.replications}: must be >= 2")
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers {args.workers}: must be >= 1")
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out}: is a file, not a directory")
    geographies = ("uk-itl1", "uk-lad") if args.geography is None else (args.geography,)
    try:
        report = validate(out=args.out, geographies=geographies, quick=args.quick,
                          replications=args.replications, workers=args.workers,
                          progress=not args.quiet)
    except (ScenarioError, OutputError, ExecutionError, ValueError) as exc:
        raise UserError(str(exc)) from None
    table = report.table
    if not args.quiet:
        counts = table["status"].value_counts()
        print(f"{counts.get('inside', 0)} targets inside, {counts.get('missed', 0)} missed, "
              f"{counts.get('not evaluated', 0)} not evaluated; wrote "
              f"{args.out / 'validation.parquet'} and {args.out / 'report.html'}")
    missed = table[table["status"] == "missed"]
    for _, row in missed.iterrows():
        print(f"missed: {row['target']}: model {row['model_value']:.4g} "
              f"(95% interval {row['ci_low']:.4g} to {row['ci_high']:.4g}), range "
              f"{row['low']:.4g} to {row['high']:.4g}", file=sys.stderr)
    return 1 if len(missed) else 0


def _compare(args: argparse.Namespace) -> int:
    from sim.comparison.api import CompareError, compare
    from sim.config.scenario import ScenarioError
    from sim.runs.output import OutputError
    from sim.sweeps.execute import ExecutionError
    from sim.world.geography import GeographyError

    interrupts.check()
    if args.replications < 2:
        raise UserError(f"--replications {args.replications}: must be >= 2")
    if args.workers is not None and args.workers < 0:
        raise UserError(f"--workers {args.workers}: must be >= 0 (0: in this process)")
    if args.workers == 0:
        args.workers, workers = None, 0
    else:
        workers = args.workers
    _check_cluster_options(args)
    overrides = {"months": args.months, "scale": args.scale, "seed": args.seed}
    try:
        result = compare(
            args.baseline, args.policies, replications=args.replications, out=args.out,
            workers=workers, threads=args.threads, scheduler=args.scheduler,
            progress=not args.quiet, report=not args.no_report, **overrides,
            warn=lambda message: print(f"warning: {message}", file=sys.stderr),
        )
    except ScenarioError as exc:
        name = (exc.key or "").removeprefix("run.")
        if name in overrides and str(exc).startswith(f"{name}="):
            raise UserError(f"--{name} {exc.value}: {exc.reason}") from None
        raise UserError(str(exc)) from None
    except (OutputError, GeographyError, ExecutionError) as exc:
        raise UserError(str(exc)) from None
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        whole = result.costs[(result.costs["period"] == "whole")
                             & (result.costs["per"] == "net additional job")]
        for _, r in whole.iterrows():
            if not r["spend_gbp"] > 0:
                print(f"{r['scenario']} ({r['area']}): net {r['net']:,.0f} jobs "
                      f"[{r['net_ci_low']:,.0f}, {r['net_ci_high']:,.0f}]; nothing spent")
                continue
            net = (f"{r['scenario']} ({r['area']}): net {r['net']:,.0f} jobs "
                   f"[{r['net_ci_low']:,.0f}, {r['net_ci_high']:,.0f}]; ")
            if not r["net"] > 0:
                print(net + f"GBP {r['spend_gbp']:,.0f} spent, no net additional jobs on "
                      "average (no cost per job)")
                continue
            lo = "-" if not r["ci_low"] == r["ci_low"] else f"{r['ci_low']:,.0f}"
            hi = "unbounded" if r["ci_high"] == float("inf") else f"{r['ci_high']:,.0f}"
            print(net + f"GBP {r['cost_gbp']:,.0f} per net additional job [{lo}, {hi}]")
        ex = result.info["execution"]
        print(f"{ex['tasks_run']} pairs run, {ex['tasks_reused']} reused, in "
              f"{ex['wall_seconds']:.1f} s; wrote {args.out}/impact.parquet, account.parquet, "
              f"costs.parquet" + ("" if args.no_report else ", report.html"))
    if result.failures:
        name, rep, error = result.failures[0]
        print(f"error: {len(result.failures)} pairs failed; the first, {name} replication "
              f"{rep}: {error}", file=sys.stderr)
        return 1
    return 0


def _show(args: argparse.Namespace) -> int:
    from sim.config.overrides import apply_assignments
    from sim.config.scenario import Scenario, ScenarioError, load_scenario
    from sim.config.show import scenario_to_toml

    interrupts.check()  # the library is loaded: a safe point
    try:
        scenario = Scenario() if args.scenario is None else load_scenario(args.scenario)
        scenario = apply_assignments(scenario, args.set)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    origin = str(args.scenario) if args.scenario is not None else "the defaults"
    if args.set:
        origin += " with " + " ".join(f"--set {text}" for text in args.set)
    if args.scenario is not None:
        origin += " and the defaults"
    sys.stdout.write(scenario_to_toml(scenario, comments=not args.no_comments, origin=origin))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from sim.runs.bench import run_benchmark

    try:
        run_benchmark(args.workers, args.months, args.repeat)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from sim.config.scenario import ScenarioError, load_scenario

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port}: must be >= 0 and <= 65535")
    try:
        import mesa.visualization  # noqa: F401
        import solara  # noqa: F401
    except ImportError as exc:
        raise UserError(f"the dashboard needs the 'dashboard' extra ({exc.name} is missing): "
                        "pip install -e '.[dashboard]'") from None
    if args.scenario is not None:
        try:
            load_scenario(args.scenario)
        except ScenarioError as exc:
            raise UserError(str(exc)) from None
    from sim.dashboard.serve import serve

    interrupts.check()
    print(f"placejobs dashboard: http://{args.host}:{args.port}/ (Ctrl-C stops it; the first "
          "page waits for the burn-in)", file=sys.stderr)
    return serve(args.scenario, args.port, args.host, open_browser=not args.no_open)


class _Signals:
    """SIGINT and SIGTERM raise :class:`KeyboardInterrupt` once; later ones are ignored."""

    def __init__(self) -> None:
        self.received: int | None = None

    def handler(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = signum
            if interrupts.holding():  # the command raises it at its next safe point
                interrupts.hold()
                return
            raise KeyboardInterrupt

    @property
    def status(self) -> int:
        """128 + the signal number: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + (self.received or signal.SIGINT)


@contextmanager
def _catch_signals() -> Iterator[_Signals]:
    state = _Signals()
    previous = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(sig) is not signal.SIG_IGN:  # ignored by the parent: stays so
                previous[sig] = signal.signal(sig, state.handler)
    except ValueError:  # not the main thread: leave the handlers alone
        pass
    try:
        yield state
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _from_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was raised while handling, a KeyboardInterrupt."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``placejobs`` console script. Returns the exit status.

    0: done; 2: a user's mistake (one ``error:`` line); 130 / 143: interrupted by
    SIGINT / SIGTERM (``error: interrupted``).
    """
    with _catch_signals() as signals:
        try:
            # A signal is held and raised at the command's next safe point (between
            # imports, checks and months: sim.runs.interrupts), never inside numba.
            # Warnings come as one "warning: ..." line each, in every command.
            with interrupts.safe_points(), _one_line_warnings():
                args = _parser().parse_args(argv)
                if args.command == "run":
                    return _run(args)
                if args.command == "sweep":
                    return _sweep(args)
                if args.command == "sensitivity":
                    return _sensitivity(args)
                if args.command == "calibrate":
                    return _calibrate(args)
                if args.command == "show":
                    return _show(args)
                if args.command == "validate":
                    return _validate(args)
                if args.command == "compare":
                    return _compare(args)
                if args.command == "dashboard":
                    return _dashboard(args)
                return _bench(args)
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except SystemExit:
            raise
        except BaseException as exc:
            # An interrupt can surface as another exception (numba's cache loader, say,
            # turns it into a SystemError); once a signal arrived, any error is its echo.
            if signals.received is None and not _from_interrupt(exc):
                raise
            signals.received = signals.received or signal.SIGINT  # ignore further signals
            print("error: interrupted", file=sys.stderr)
            return signals.status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

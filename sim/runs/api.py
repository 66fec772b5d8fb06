"""Running a scenario end to end: :func:`run` (``sim.run``), what ``placejobs run`` calls.

Example:
    >>> import sim
    >>> result = sim.run("scenarios/baseline.toml", seed=7, months=24, out="results/b7")
    >>> result.places.head()          # one row per place and month
    >>> result.info["git_commit"]     # the metadata written to run.json

:func:`run` validates everything it can before the first agent is built: the
scenario and the overrides, the output directory (:func:`~sim.runs.output.check_output_dir`),
then, once the geography is known, the place codes and the memory the economy
needs (:func:`~sim.config.checks.validate_for_geography`). Results go to a
staging directory renamed into place when complete
(:class:`~sim.runs.output.StagedOutput`), so an interrupted run leaves nothing
that looks like a result. ``out=None`` writes nothing.

``run.json`` (and :attr:`RunResult.info`) records the version and git commit of
the source, the command line (:func:`command_line`), when the run started, the
versions of Python and the main libraries, the numba thread count and threading
layer, the seed, the scale asked for and the agents actually used, the worker and firm
agents and the people of working age at the end, the wall time, ``"complete": true``
and a ``scenario`` block that :func:`sim.parse_scenario` reads back into an equal
scenario. ``columns.md`` beside the tables gives every column's unit and meaning. An
interrupted run (Ctrl-C) writes nothing, ``run.json`` included: its staging directory is
removed (docs/outputs.md).

The progress bar (stderr) is two bars, ``NAME: burn-in`` and then ``NAME: recorded
months``. Places with fewer than :data:`~sim.config.checks.MIN_PLACE_AGENTS` worker
agents give one :class:`~sim.config.checks.SmallPlaceWarning` before the run starts.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import sys
import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from sim import __version__
from sim.agents.workers import ABSENT
from sim.config.checks import validate_for_geography
from sim.config.scenario import Scenario, ScenarioError, load_scenario
from sim.config.section import toml_value
from sim.core.model import LabourMarket
from sim.kernels import configure_threads, threading_info
from sim.runs import interrupts
from sim.runs.output import StagedOutput, write_columns_md, write_run_json, write_table
from sim.runs.replications import MAX_REPLICATIONS, replication_seeds
from sim.viz.plots import write_standard_plots
from sim.world.geographies import geography_from_options

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunResult", "command_line", "library_versions", "run", "source_commit"]

#: Libraries whose versions run.json records (``None`` for one not installed: the
#: figures', Dask's and the dashboard's libraries are optional extras).
LIBRARIES = ("numpy", "numba", "mesa", "pandas", "pyarrow", "pydantic", "scipy", "networkx",
             "matplotlib", "geopandas", "dask", "distributed", "solara")
_OVERRIDES = ("seed", "months", "scale")


@dataclass
class RunResult:
    """The outcome of :func:`run`.

    Attributes:
        places: one row per place and month (``places.parquet``).
        national: one row per month (``national.parquet``).
        info: the run's metadata, as written to ``run.json``.
        out: the results directory, or ``None`` when nothing was written.
        model: the :class:`~sim.core.model.LabourMarket` at the end of the run.
    """

    places: pd.DataFrame
    national: pd.DataFrame
    info: dict[str, Any]
    out: Path | None
    model: LabourMarket


def source_commit() -> tuple[str | None, bool | None]:
    """The git commit of the source tree ``sim`` is imported from, and whether it is modified.

    Returns:
        ``(commit, dirty)``; ``(None, None)`` when the package is not in a git checkout
        (an installed wheel, say) or git is not available. ``dirty`` is true when a
        tracked file of the package differs from that commit.
    """
    package = Path(__file__).resolve().parents[1]

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-C", str(package), *args], capture_output=True, text=True, timeout=20
        )

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0 or git("ls-files", "--error-unmatch", "__init__.py").returncode:
            return None, None
        status = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return None, None
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return head.stdout.strip() or None, dirty


def library_versions() -> dict[str, str | None]:
    """Versions of Python and of :data:`LIBRARIES` (``None`` for one not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def command_line() -> dict[str, Any]:
    """How this process was started, for ``run.json``.

    Returns:
        ``argv`` (the process's arguments as the system gave them, interpreter first:
        :data:`sys.orig_argv`), ``shell`` (the same, quoted for a POSIX shell, so it can be
        pasted to run again) and ``working_directory`` (relative paths in it start there).
    """
    argv = [str(a) for a in (getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv])]
    return {"argv": argv, "shell": shlex.join(argv), "working_directory": os.getcwd()}


def _with_overrides(scenario: Scenario, **overrides: Any) -> Scenario:
    """Apply ``seed``/``months``/``scale``; an error names the argument, not the file."""
    try:
        return scenario.with_overrides(**overrides)
    except ScenarioError as exc:
        name = (exc.key or "").removeprefix("run.")
        if name not in overrides:
            raise
        raise ScenarioError(
            f"{name}={toml_value(overrides[name])}: {exc.reason}",
            key=exc.key, value=exc.value, reason=exc.reason,
        ) from None


def run(
    scenario: Scenario | str | Path,
    *,
    seed: int | None = None,
    months: int | None = None,
    scale: float | None = None,
    out: str | Path | None = None,
    progress: bool = True,
    force: bool = False,
    debug: bool = False,
    replication: int | None = None,
) -> RunResult:
    """Run a scenario: burn-in, the recorded months, and (with ``out``) its results.

    Args:
        scenario: a :class:`~sim.config.scenario.Scenario` or the path of a TOML file.
        seed: random seed, 0 <= seed < 2**63 (default ``run.seed``).
        months: recorded months after burn-in (default ``run.months``).
        scale: agents per real working-age person, in (0, 1] (default ``run.scale``).
        out: results directory (``places.parquet``, ``national.parquet``, ``columns.md``,
            ``run.json``, ``plots/``); ``None`` writes nothing.
        progress: show a progress bar (months) on stderr.
        force: replace an existing non-empty ``out`` (when the run is complete).
        debug: check stock-flow identities every month (slower).
        replication: run replication ``r`` (0-based) of the scenario: its seed is the
            ``r``-th :class:`numpy.random.SeedSequence` child of the scenario's seed (after
            ``seed``), exactly as replication ``r`` of a sweep
            (:func:`sim.runs.replications.replication_seeds`). ``run.json`` records
            ``replication`` and ``base_seed``; its scenario holds the derived seed.

    Returns:
        The tables, the metadata, the results directory and the model.

    Raises:
        ScenarioError: a bad scenario or argument, unknown place codes, or an economy
            too big for this machine's memory (one line).
        OutputError: ``out`` is a file, is not empty (without ``force``), or cannot be
            written.
        GeographyError: the geography cannot be built from its options.

    Warns:
        UserWarning: the scale gives some places fewer than one agent (they get one).
        SmallPlaceWarning: some places get fewer than
            :data:`~sim.config.checks.MIN_PLACE_AGENTS` worker agents (named in one line).
    """
    if isinstance(scenario, (str, Path)):
        scenario_file: str | None = str(scenario)
        scenario = load_scenario(scenario)
    elif isinstance(scenario, Scenario):
        scenario_file = scenario.source
    else:
        raise TypeError(f"scenario must be a Scenario or a path, got {type(scenario).__name__}")
    scenario = _with_overrides(scenario, seed=seed, months=months, scale=scale)
    base_seed = scenario.run.seed
    if replication is not None:
        if isinstance(replication, bool) or not isinstance(replication, int) or not (
            0 <= replication < MAX_REPLICATIONS
        ):
            raise ScenarioError(
                f"replication={toml_value(replication)}: must be an integer from 0 to "
                f"{MAX_REPLICATIONS - 1}", key="replication", value=replication,
                reason=f"must be an integer from 0 to {MAX_REPLICATIONS - 1}",
            )
        derived = replication_seeds(base_seed, replication + 1)[replication]
        scenario = scenario.with_overrides(seed=derived)
    for name, flag in (("progress", progress), ("force", force), ("debug", debug)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be true or false, got {flag!r}")
    spec = scenario.run

    # Entering the staging context checks the output directory before anything runs;
    # leaving it without a commit (an error, an interrupt) deletes what was staged.
    staging = StagedOutput(out, force=force) if out is not None else nullcontext(None)
    with staging as staged:
        configure_threads()
        started = time.perf_counter()
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        # What needs the places is checked before the progress bar starts; the model
        # takes the geography built here and checks it again, silently.
        interrupts.check()
        geography = geography_from_options(spec.geography, scenario.geography_options.model_dump())
        interrupts.check()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            validate_for_geography(scenario, geography)
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=2)
        # Two bars, one after the other: the burn-in (not recorded), then the recorded
        # months, each saying which it is.
        bars: list[tqdm] = []

        def month_done() -> None:
            bars[-1].update()
            interrupts.check()  # a Ctrl-C held by the command line ends the run here

        def phase(desc: str, months: int) -> tqdm:
            bars.append(tqdm(total=months, desc=f"{spec.name}: {desc}", unit="month",
                             disable=not progress or months == 0, file=sys.stderr))
            return bars[-1]

        with warnings.catch_warnings(), interrupts.safe_points():
            for w in caught:
                warnings.filterwarnings("ignore", message=re.escape(str(w.message)))
            with phase("burn-in", spec.burn_in_months):
                model = LabourMarket(scenario, rng=spec.seed, on_month=month_done,
                                     debug=debug, geography=geography)
            with phase("recorded months", spec.months):
                for _ in range(spec.months):
                    model.step()
                    month_done()
        wall = time.perf_counter() - started

        commit, dirty = source_commit()
        info: dict[str, Any] = {
            "placejobs_version": __version__,
            "complete": True,
            "scenario_file": scenario_file,
            "scenario_name": spec.name,
            "seed": spec.seed,
            "replication": replication,
            "base_seed": base_seed if replication is not None else None,
            "geography": model.geography.name,
            "scale": spec.scale,
            "agents": model.agent_count.summary(),
            "burn_in_months": spec.burn_in_months,
            "months": spec.months,
            "start": spec.start,
            "worker_agents": int((model.workers.status != ABSENT).sum()),
            "firm_agents": int(model.firms.alive.sum()),
            "working_age_population": round(model.national["working_age_population"]),
            "command_line": command_line(),
            "started_at": started_at,
            "wall_seconds": round(wall, 3),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": commit,
            "git_dirty": dirty,
            "versions": library_versions(),
            "numba": threading_info(),
            "scenario": scenario.to_dict(),
        }
        places = model.places_frame()
        national = model.national_frame()
        if staged is None:
            return RunResult(places, national, info, None, model)

        meta = {k: info[k] for k in ("placejobs_version", "scenario_name", "seed", "scale",
                                     "start")}
        interrupts.check()
        write_table(places, staged.dir / "places.parquet", meta)
        write_table(national, staged.dir / "national.parquet", meta)
        write_columns_md(staged.dir, {"places.parquet": list(places.columns),
                                      "national.parquet": list(national.columns)},
                         title=f"Columns of the tables of run {spec.name!r}")
        write_standard_plots(
            places, model.geography, staged.dir / "plots", scenario=spec.name,
            seed=spec.seed, scale=spec.scale, run_date=info["finished_at"][:10],
        )
        interrupts.check()
        write_run_json(staged.dir / "run.json", info)  # last: the run is complete
        final = staged.commit()
        return RunResult(places, national, info, final, model)

"""Tests of the ``placejobs`` command line (sim.cli): user errors, outputs, reproducibility.

Most cases call :func:`sim.cli.main` in-process (fast); a few run ``python -m sim`` in a
subprocess to check the real exit status, the real stderr and thread-count independence.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.cli import main
from sim.config.scenario import load_scenario
from sim.core.indicators import INEQUALITY_INDICATORS, PLACE_INDICATORS

TINY = """\
[run]
name = "tiny"
scale = 0.0005
seed = 7
burn_in_months = 3
months = 4
"""
MONTHS = 4
N_PLACES = 12
SUBPROCESS_TIMEOUT = 120


def _scenario(tmp_path: Path, text: str = TINY, name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _main(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run the CLI in-process; argparse exits are turned into a status."""
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return rc, out, err


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_NUM_THREADS")}
    env.update(extra)
    return env


def _sub(args: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT,
    )


def _assert_one_error_line(rc: int, out: str, err: str, *parts: str) -> str:
    assert rc == 2, (rc, out, err)
    assert "Traceback" not in out + err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    line = err.rstrip("\n")
    assert line.startswith("error: "), line
    for part in parts:
        assert part in line, f"{part!r} not in {line!r}"
    return line


# --------------------------------------------------------------------- bad scenario files
# (id, file text, key the message must name)
BAD = [
    ("toml-syntax", "[run]\nscale = \n", "TOML syntax error"),
    ("unknown-key", "[search]\nbogus = 1\n", "search.bogus"),
    ("unknown-section", "[bogus]\nx = 1\n", "bogus"),
    ("string-for-int", '[search]\napplications_per_searcher = "5"\n',
     "search.applications_per_searcher"),
    ("bool-seed", "[run]\nseed = true\n", "run.seed"),
    ("string-scale", '[run]\nscale = "x"\n', "run.scale"),
    ("scale-zero", "[run]\nscale = 0\n", "run.scale"),
    ("scale-two", "[run]\nscale = 2\n", "run.scale"),
    ("applications-zero", "[search]\napplications_per_searcher = 0\n",
     "search.applications_per_searcher"),
    ("layoff-out-of-range", "[flows]\nlayoff_rate = [0.1, 0.2, 1.5]\n", "flows.layoff_rate[2]"),
    ("list-too-long", "[flows]\nlayoff_rate = [0.1, 0.2, 0.3, 0.4]\n", "flows.layoff_rate"),
    ("list-too-short", "[flows]\nlayoff_rate = [0.1, 0.2]\n", "flows.layoff_rate"),
    ("unknown-geography", '[run]\ngeography = "mars"\n', "run.geography"),
]


@pytest.mark.parametrize(("text", "key"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_scenario_exits_2_with_one_line(tmp_path, capsys, text, key):
    path = _scenario(tmp_path, text, "bad.toml")
    out_dir = tmp_path / "out"
    rc, out, err = _main(["run", path, "--out", out_dir, "--quiet"], capsys)
    _assert_one_error_line(rc, out, err, str(path), key)
    assert out == ""
    assert not out_dir.exists()  # nothing is created for a bad scenario


def test_missing_scenario_file(tmp_path, capsys):
    path = tmp_path / "nope.toml"
    rc, out, err = _main(["run", path, "--out", tmp_path / "out"], capsys)
    _assert_one_error_line(rc, out, err, str(path), "no such scenario file")


def test_bad_scenario_in_a_subprocess(tmp_path):
    path = _scenario(tmp_path, "[flows]\nlayoff_rate = [0.1, 0.2, 1.5]\n", "bad.toml")
    proc = _sub(["run", path, "--out", tmp_path / "out"], tmp_path)
    _assert_one_error_line(
        proc.returncode, proc.stdout, proc.stderr, str(path), "flows.layoff_rate[2]", "1.5"
    )
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------- bad command-line values
@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [("--scale", "5", "error: --scale 5.0: must be <= 1.0"),
     ("--scale", "0", "error: --scale 0.0: must be > 0.0"),
     ("--scale", "nan", "error: --scale nan: must be a finite number (not nan or inf)"),
     ("--months", "0", "error: --months 0: must be >= 1"),
     ("--months", "-3", "error: --months -3: must be >= 1"),
     ("--seed", "-1", "error: --seed -1: must be >= 0"),
     ("--seed", str(2**63), f"error: --seed {2**63}: must be < {2**63}")],
)
def test_bad_override_names_the_option_not_the_file(tmp_path, capsys, flag, value, expected):
    path = _scenario(tmp_path)
    rc, out, err = _main(["run", path, flag, value, "--out", tmp_path / "out"], capsys)
    line = _assert_one_error_line(rc, out, err)
    assert line == expected
    assert str(path) not in line
    assert not (tmp_path / "out").exists()


def test_bad_override_in_a_subprocess(tmp_path):
    path = _scenario(tmp_path)
    proc = _sub(["run", path, "--scale", "5", "--out", tmp_path / "out"], tmp_path)
    _assert_one_error_line(proc.returncode, proc.stdout, proc.stderr, "--scale 5.0")
    assert not (tmp_path / "out").exists()


def test_non_numeric_override_gives_one_line(tmp_path, capsys):
    path = _scenario(tmp_path)
    rc, out, err = _main(["run", path, "--months", "abc", "--out", tmp_path / "o"], capsys)
    _assert_one_error_line(rc, out, err, "--months")


def test_non_utf8_scenario_gives_one_line(tmp_path, capsys):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe[run]\n")
    rc, out, err = _main(["run", path, "--out", tmp_path / "out"], capsys)
    _assert_one_error_line(rc, out, err, str(path))


# --------------------------------------------------------------------- output directory
def test_refuses_a_non_empty_out_dir_without_force(tmp_path, capsys):
    path = _scenario(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    keep = out_dir / "places.parquet"
    keep.write_text("previous results")
    os.utime(keep, (1_000_000_000, 1_000_000_000))
    rc, out, err = _main(["run", path, "--out", out_dir, "--quiet"], capsys)
    _assert_one_error_line(rc, out, err, str(out_dir), "--force")
    assert keep.read_text() == "previous results"
    assert keep.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in out_dir.iterdir()) == ["places.parquet"]

    rc, out, err = _main(["run", path, "--out", out_dir, "--quiet", "--force"], capsys)
    assert rc == 0, err
    assert "Traceback" not in err
    assert pd.read_parquet(keep).shape == (N_PLACES * MONTHS, 4 + len(PLACE_INDICATORS))
    assert (out_dir / "run.json").is_file() and (out_dir / "national.parquet").is_file()
    assert (out_dir / "columns.md").is_file()


def test_refuses_an_out_path_that_is_a_file(tmp_path, capsys):
    path = _scenario(tmp_path)
    target = tmp_path / "results.txt"
    target.write_text("x")
    rc, out, err = _main(["run", path, "--out", target, "--force"], capsys)
    _assert_one_error_line(rc, out, err, str(target))
    assert target.read_text() == "x"


def test_out_below_a_file_gives_one_line(tmp_path, capsys):
    path = _scenario(tmp_path)
    (tmp_path / "afile").write_text("x")
    rc, out, err = _main(["run", path, "--out", tmp_path / "afile" / "sub"], capsys)
    _assert_one_error_line(rc, out, err, "afile")


def test_default_out_dir_is_results_slash_name(tmp_path, capsys, monkeypatch):
    path = _scenario(tmp_path)
    monkeypatch.chdir(tmp_path)
    rc, out, err = _main(["run", path, "--quiet", "--months", "1"], capsys)
    assert rc == 0, err
    assert out == ""  # --quiet prints nothing
    assert (tmp_path / "results" / "tiny" / "places.parquet").is_file()


# --------------------------------------------------------------------- a small run
@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> dict:
    """One in-process run of the tiny scenario (seed 7) with its summary."""
    base = tmp_path_factory.mktemp("cli_run")
    path = _scenario(base)
    out_dir = base / "out"
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = main(["run", str(path), "--out", str(out_dir)])
    return {"rc": rc, "path": path, "out": out_dir, "stdout": stdout.getvalue(),
            "stderr": stderr.getvalue()}


def test_run_succeeds_and_prints_a_summary(small_run):
    assert small_run["rc"] == 0, small_run["stderr"]
    text = small_run["stdout"]
    assert "London" in text and "United Kingdom" in text and "unemployment" in text
    assert "places.parquet" in text and "columns.md" in text
    # agents and people named apart: "N worker agents (M people of working age)"
    summary = re.search(r"([\d,]+) worker agents \(([\d,]+) people of working age\), "
                        r"([\d,]+) firm agents", text)
    assert summary, text
    agents, people = (int(summary.group(k).replace(",", "")) for k in (1, 2))
    assert 1500 < people / agents < 2500  # scale 0.0005: about 2,000 people an agent
    assert "Traceback" not in small_run["stderr"]
    assert "warning:" not in small_run["stderr"]  # every region has over 400 agents


def test_run_writes_places_parquet(small_run):
    places = pd.read_parquet(small_run["out"] / "places.parquet")
    assert len(places) == N_PLACES * MONTHS
    assert {"month", "place", "name", *PLACE_INDICATORS} <= set(places.columns)
    assert places.groupby("month").size().to_dict() == {m: N_PLACES for m in range(1, MONTHS + 1)}
    assert places.groupby("place").size().eq(MONTHS).all()
    assert places["place"].nunique() == N_PLACES
    assert not places.duplicated(["month", "place"]).any()
    assert places.loc[places.place == "TLI", "name"].eq("London").all()
    assert places["worker_agents"].gt(0).all()
    meta = json.loads(pq.read_schema(small_run["out"] / "places.parquet").metadata[b"placejobs"])
    assert meta["seed"] == 7 and meta["scenario_name"] == "tiny"
    assert meta["placejobs_version"] == sim.__version__


def test_run_writes_national_parquet(small_run):
    national = pd.read_parquet(small_run["out"] / "national.parquet")
    assert len(national) == MONTHS
    assert national["month"].tolist() == list(range(1, MONTHS + 1))
    for k in INEQUALITY_INDICATORS:
        assert f"theil_{k}" in national.columns and f"cv_{k}" in national.columns
    assert set(PLACE_INDICATORS) <= set(national.columns)
    assert national["unemployment_rate"].between(0, 1).all()
    assert b"placejobs" in pq.read_schema(small_run["out"] / "national.parquet").metadata


def test_run_writes_run_json(small_run):
    info = json.loads((small_run["out"] / "run.json").read_text())
    for key in ("scenario", "seed", "placejobs_version", "worker_agents", "firm_agents",
                "working_age_population", "command_line", "started_at", "git_commit",
                "versions", "wall_seconds", "complete"):
        assert key in info, key
    assert info["seed"] == 7
    assert info["placejobs_version"] == sim.__version__
    assert info["scenario"] == load_scenario(small_run["path"]).to_dict()
    assert set(info["scenario"]) >= {"run", "geography_options", "search", "flows", "wages",
                                     "firms"}
    assert info["scenario"]["search"]["applications_per_searcher"] == 3  # defaults included
    assert info["wall_seconds"] >= 0
    places = pd.read_parquet(small_run["out"] / "places.parquet")
    # Demography and firm dynamics change the counts month to month: run.json reports
    # the end of the run.
    last = places[places["month"] == places["month"].max()]
    assert last["worker_agents"].sum() == info["worker_agents"]
    assert last["firm_agents"].sum() == info["firm_agents"]


def test_run_writes_three_png_plots(small_run):
    plots = sorted((small_run["out"] / "plots").iterdir())
    assert len(plots) == 3, plots
    for p in plots:
        assert p.suffix == ".png"
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert p.stat().st_size > 1000
    assert not list(small_run["out"].glob(".*"))  # no temporary files left


def test_same_seed_same_places_other_seed_different(small_run, tmp_path, capsys):
    path = small_run["path"]
    rc, _, err = _main(["run", path, "--out", tmp_path / "a", "--quiet"], capsys)
    assert rc == 0, err
    rc, _, err = _main(["run", path, "--out", tmp_path / "b", "--quiet", "--seed", "8"], capsys)
    assert rc == 0, err
    first = pd.read_parquet(small_run["out"] / "places.parquet")
    again = pd.read_parquet(tmp_path / "a" / "places.parquet")
    other = pd.read_parquet(tmp_path / "b" / "places.parquet")
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert not first.equals(other)
    assert json.loads((tmp_path / "b" / "run.json").read_text())["seed"] == 8


def test_results_do_not_depend_on_the_number_of_threads(small_run, tmp_path):
    path = small_run["path"]
    procs = {
        n: subprocess.Popen(
            [sys.executable, "-m", "sim", "run", str(path), "--out", str(tmp_path / f"t{n}"),
             "--quiet"],
            cwd=tmp_path, env=_env(NUMBA_NUM_THREADS=str(n)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in (1, 2)
    }
    for n, proc in procs.items():
        _, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
        assert proc.returncode == 0, (n, err)
    one = pd.read_parquet(tmp_path / "t1" / "places.parquet")
    two = pd.read_parquet(tmp_path / "t2" / "places.parquet")
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    # and both equal the in-process run with the default thread count
    pd.testing.assert_frame_equal(
        one, pd.read_parquet(small_run["out"] / "places.parquet"), check_exact=True
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "t1" / "national.parquet"),
        pd.read_parquet(tmp_path / "t2" / "national.parquet"),
        check_exact=True,
    )


# --------------------------------------------------------------------- version and bench
def test_version_in_a_subprocess(tmp_path):
    proc = _sub(["--version"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"placejobs {sim.__version__}"
    assert sim.__version__ != "0.0.0+unknown"


def test_version_in_process(capsys):
    rc, out, _ = _main(["--version"], capsys)
    assert rc == 0
    assert out.strip() == f"placejobs {sim.__version__}"


def test_bench_too_few_workers_in_a_subprocess(tmp_path):
    proc = _sub(["bench", "--workers", "10"], tmp_path)
    _assert_one_error_line(proc.returncode, proc.stdout, proc.stderr, "--workers", "10")


@pytest.mark.parametrize(
    ("args", "part"),
    [(["--workers", "10"], "--workers"), (["--months", "0"], "--months"),
     (["--repeat", "0"], "--repeat")],
)
def test_bench_bad_values_in_process(capsys, args, part):
    rc, out, err = _main(["bench", *args], capsys)
    _assert_one_error_line(rc, out, err, part)
    assert out == ""


def test_no_command_is_a_usage_error(capsys):
    rc, _, err = _main([], capsys)
    assert rc == 2 and "Traceback" not in err


# --------------------------------------------------------------------- validation at the door
REFUSED = [
    ("vacancy-rate-one", "[firms]\nvacancy_rate = 1.0\n", "firms.vacancy_rate = 1.0"),
    ("course-zero", "[training]\nduration_months = [0, 12]\n", "training.duration_months[0] = 0"),
    ("course-overflow", "[training]\nduration_months = [40000, 12]\n",
     "training.duration_months[0] = 40000"),
    ("population-inf", '[run]\ngeography = "grid"\n[geography_options]\npopulation = inf\n',
     "geography_options.population = inf"),
    ("unused-option", "[geography_options]\nrows = 4\n", "geography_options.rows = 4"),
    ("young-not-below-old", "[migration]\nyoung_age_years = 45\n", "migration.young_age_years"),
    ("negative-age-multiplier", "[migration]\nage_multiplier = [1.0, -0.5, 1.0]\n",
     "migration.age_multiplier[1] = -0.5"),
    ("vanishing-logit-scale", "[migration]\nlogit_scale_gbp_week = 1e-12\n",
     "migration.logit_scale_gbp_week = 1e-12"),
    ("unknown-place-code", TINY + '[green]\nprogramme_places = ["TLI", "XX"]\n',
     'green.programme_places = ["TLI", "XX"]: unknown place codes ["XX"]'),
]


@pytest.mark.parametrize(("text", "part"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_values_that_crashed_a_run_exit_2_with_one_line(tmp_path, capsys, text, part):
    path = _scenario(tmp_path, text, "bad.toml")
    rc, out, err = _main(["run", path, "--out", tmp_path / "out"], capsys)  # bar not quiet
    _assert_one_error_line(rc, out, err, str(path), part)
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]  # nothing created


@pytest.mark.parametrize("name", ["../../x", "/tmp/placejobs-abs", "a/b"])
def test_a_run_name_cannot_write_outside_results(tmp_path, capsys, monkeypatch, name):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    path = _scenario(work, TINY.replace('name = "tiny"', f'name = "{name}"'))
    monkeypatch.chdir(work)
    rc, out, err = _main(["run", path, "--quiet"], capsys)
    _assert_one_error_line(rc, out, err, "run.name", "plain file name")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "tiny.toml"]
    assert not Path("/tmp/placejobs-abs").exists()


def test_too_big_for_memory_stops_at_once_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sim.config.checks.available_memory_bytes", lambda: 8 * 10**9)
    path = _scenario(tmp_path, '[run]\ngeography = "grid"\nscale = 1.0\n'
                               "[geography_options]\npopulation = 3e7\n", "big.toml")
    rc, out, err = _main(["run", path, "--out", tmp_path / "out"], capsys)
    _assert_one_error_line(rc, out, err, str(path), "run.scale = 1.0",
                           "geography_options.population = 30000000.0", "needs about")
    assert not (tmp_path / "out").exists()


def test_bench_too_big_for_memory_in_a_subprocess(tmp_path):
    from sim.config.checks import MAX_WORKERS, available_memory_bytes

    available = available_memory_bytes() or 0
    workers = min(max(200_000_000, available // 50), MAX_WORKERS + 1)
    proc = _sub(["bench", "--workers", workers], tmp_path)
    _assert_one_error_line(proc.returncode, proc.stdout, proc.stderr, f"--workers {workers}")
    assert "warm-up" not in proc.stdout  # refused before anything ran


def test_small_scale_prints_one_warning_line_and_records_it(tmp_path, capsys):
    path = _scenario(tmp_path, '[run]\nname = "thin"\nscale = 1e-7\nburn_in_months = 0\n'
                               "months = 1\n")
    rc, out, err = _main(["run", path, "--out", tmp_path / "out", "--quiet"], capsys)
    assert rc == 0, err
    lines = err.splitlines()
    # one line that places were raised to one agent, one that places are too small
    assert len(lines) == 2 and all(x.startswith("warning: ") for x in lines), err
    assert "fewer than one agent" in lines[0]
    assert "12 of 12 places fewer than 400 worker agents" in lines[1]
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert info["scale"] == 1e-7 and info["agents"]["places_raised_to_one_agent"] >= 1


def test_places_with_few_agents_give_one_warning_line(tmp_path, capsys):
    """At scale 1e-4 nine regions have under 400 worker agents (Northern Ireland 117): one
    line names them, smallest first, and the scale that lifts them over it."""
    path = _scenario(tmp_path, '[run]\nname = "thin"\nscale = 1e-4\nburn_in_months = 0\n'
                               "months = 1\n")
    rc, out, err = _main(["run", path, "--out", tmp_path / "out", "--quiet"], capsys)
    assert rc == 0, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("warning: ") and "9 of 12 places fewer than 400 worker agents" in line
    assert "Northern Ireland (117 agents), North East (164)" in line
    assert "and 1 more" in line and "run.scale = 0.00035 or more" in line
    assert "London" not in line  # 607 agents


def test_out_that_cannot_be_written_is_found_before_running(tmp_path, capsys):
    path = _scenario(tmp_path)
    rc, out, err = _main(["run", path, "--out", "/proc/placejobs-test/out"], capsys)
    _assert_one_error_line(rc, out, err, "/proc/placejobs-test/out", "cannot")
    assert "tiny:" not in err  # no progress bar: nothing ran


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_existing_read_only_out_is_found_before_running(tmp_path, capsys):
    path = _scenario(tmp_path)
    out_dir = tmp_path / "ro"
    out_dir.mkdir()
    (out_dir / "old.txt").write_text("x")
    out_dir.chmod(0o500)
    try:
        rc, out, err = _main(["run", path, "--out", out_dir, "--force"], capsys)
    finally:
        out_dir.chmod(0o700)
    _assert_one_error_line(rc, out, err, str(out_dir), "cannot write")


def test_run_json_says_complete_and_its_scenario_parses_back(small_run):
    info = json.loads((small_run["out"] / "run.json").read_text())
    assert info["complete"] is True
    assert sim.parse_scenario(info["scenario"]) == load_scenario(small_run["path"])
    assert {"git_commit", "versions", "numba"} <= set(info)


# --------------------------------------------------------------------- interrupts
LONG = TINY.replace("months = 4", "months = 2400").replace("scale = 0.0005", "scale = 0.002")


def _signalled(tmp_path: Path, sig: int, when: float | str, *extra: str):
    """Start a long run, send ``sig`` after ``when`` seconds (or once it is staging)."""
    path = _scenario(tmp_path, LONG, "long.toml")
    out_dir = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", str(path), "--out", str(out_dir), "--quiet",
         *extra],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        if when == "running":
            deadline = time.monotonic() + SUBPROCESS_TIMEOUT
            while not list(tmp_path.glob(".out.partial-*")) and time.monotonic() < deadline:
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.05)
            time.sleep(1.0)  # building the model or running months
        else:
            time.sleep(when)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err, out_dir


@pytest.mark.parametrize(
    ("sig", "when"),
    [(signal.SIGINT, 0.5), (signal.SIGINT, 1.5), (signal.SIGINT, "running"),
     (signal.SIGTERM, 1.0), (signal.SIGTERM, "running")],
    ids=["int-startup", "int-imports", "int-running", "term-startup", "term-running"],
)
def test_a_signal_at_any_moment_ends_in_one_line_and_leaves_nothing(tmp_path, sig, when):
    rc, out, err, out_dir = _signalled(tmp_path, sig, when)
    assert err == "error: interrupted\n", err
    assert out == ""
    assert rc == 128 + sig  # 130 for SIGINT, 143 for SIGTERM
    assert not out_dir.exists()
    assert not list(tmp_path.glob(".out*"))  # no staging directory either


def test_an_interrupted_force_run_keeps_the_old_results(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "run.json").write_text('{"complete": true, "seed": 1}')
    rc, _, err, _ = _signalled(tmp_path, signal.SIGINT, "running", "--force")
    assert rc == 130 and err == "error: interrupted\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["run.json"]
    assert json.loads((out_dir / "run.json").read_text()) == {"complete": True, "seed": 1}
    assert not list(tmp_path.glob(".out*"))


def test_a_killed_run_leaves_no_directory_that_looks_finished(tmp_path):
    rc, _, _, out_dir = _signalled(tmp_path, signal.SIGKILL, "running")
    assert rc == -signal.SIGKILL
    assert not out_dir.exists()  # only a hidden .out.partial-* directory may remain
    for staged in tmp_path.glob(".out.partial-*"):
        assert not (staged / "run.json").exists()


# --------------------------------------------------------------------- --set and show
def test_set_changes_the_scenario_recorded_in_run_json(tmp_path, capsys):
    path = _scenario(tmp_path)
    out_dir = tmp_path / "out"
    rc, out, err = _main(
        ["run", path, "--out", out_dir, "--quiet", "--months", "1",
         "--set", "run.burn_in_months=0", "--set", "search.applications_per_searcher=4",
         "--set", "flows.layoff_rate=[0.01, 0.02, 0.03]", "--set", "run.seed=5",
         "--seed", "9"],  # the flag wins over --set
        capsys,
    )
    assert rc == 0, err
    assert out == "" and err == ""
    info = json.loads((out_dir / "run.json").read_text())
    block = info["scenario"]
    assert block["search"]["applications_per_searcher"] == 4
    assert block["flows"]["layoff_rate"] == [0.01, 0.02, 0.03]
    assert block["run"]["burn_in_months"] == 0 and block["run"]["months"] == 1
    assert block["run"]["seed"] == 9 and info["seed"] == 9
    expected = load_scenario(path).with_changes({
        "run.burn_in_months": 0, "run.months": 1, "run.seed": 9,
        "search.applications_per_searcher": 4, "flows.layoff_rate": [0.01, 0.02, 0.03],
    })
    assert sim.parse_scenario(block) == expected


def test_set_run_name_names_the_default_results_directory(tmp_path, capsys, monkeypatch):
    path = _scenario(tmp_path)
    monkeypatch.chdir(tmp_path)
    rc, _, err = _main(["run", path, "--quiet", "--months", "1", "--set", "run.burn_in_months=0",
                        "--set", "run.name=renamed"], capsys)
    assert rc == 0, err
    assert (tmp_path / "results" / "renamed" / "run.json").is_file()
    assert not (tmp_path / "results" / "tiny").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--set", "search.applications_per_searcher=-3"],
      "error: --set search.applications_per_searcher=-3: must be >= 1"),
     (["--set", "search.nope=1"], "error: --set search.nope=1: unknown key; [search] allows: "),
     (["--set", "foo"], "error: --set foo: expected KEY=VALUE"),
     (["--set", "run.burn_in_months=0", "--set", "run.scale=2"],
      "error: --set run.scale=2: must be <= 1.0"),
     (["--set", "run.months=5", "--months", "0"], "error: --months 0: must be >= 1")],
)
def test_bad_set_exits_2_with_one_line_naming_it(tmp_path, capsys, args, expected):
    path = _scenario(tmp_path)
    rc, out, err = _main(["run", path, "--out", tmp_path / "out", *args], capsys)
    line = _assert_one_error_line(rc, out, err)
    assert line.startswith(expected), line
    assert str(path) not in line
    assert out == ""
    assert not (tmp_path / "out").exists()


def test_bad_set_in_a_subprocess(tmp_path):
    path = _scenario(tmp_path)
    proc = _sub(["run", path, "--set", "search.applications_per_searcher=-3", "--out",
                 tmp_path / "out"], tmp_path)
    line = _assert_one_error_line(proc.returncode, proc.stdout, proc.stderr)
    assert line == "error: --set search.applications_per_searcher=-3: must be >= 1"
    assert not (tmp_path / "out").exists()


def _header(toml_text: str) -> str:
    """The first comment of ``placejobs show``'s output, its wrapped lines joined."""
    first = toml_text.split("\n\n", 1)[0].splitlines()
    return " ".join(line.removeprefix("#").strip() for line in first)


def test_show_prints_the_scenario_as_toml_that_reads_back(tmp_path, capsys):
    path = _scenario(tmp_path)
    rc, out, err = _main(["show", path], capsys)
    assert rc == 0 and err == "", err
    assert sim.parse_scenario(tomllib.loads(out)) == load_scenario(path)
    assert _header(out).startswith(f'Scenario "tiny" as placejobs resolves it, from {path} ')
    assert "# allowed: an integer >= 1 and <= 50\napplications_per_searcher = 3\n" in out


def test_show_without_a_file_prints_the_defaults(capsys):
    rc, out, err = _main(["show"], capsys)
    assert rc == 0 and err == "", err
    assert sim.parse_scenario(tomllib.loads(out)) == sim.Scenario()
    rc, bare, _ = _main(["show", "--no-comments"], capsys)
    assert rc == 0
    assert "#" not in bare and tomllib.loads(bare) == tomllib.loads(out)


def test_show_applies_set(tmp_path, capsys):
    path = _scenario(tmp_path)
    rc, out, err = _main(["show", path, "--set", "run.geography=grid",
                          "--set", "geography_options.rows=2"], capsys)
    assert rc == 0, err
    data = tomllib.loads(out)
    assert data["run"]["geography"] == "grid" and data["geography_options"]["rows"] == 2
    assert data["run"]["seed"] == 7  # the file's
    assert f"from {path} with --set run.geography=grid --set geography_options.rows=2 and " \
        "the defaults." in _header(out)


@pytest.mark.parametrize(
    ("text", "args", "part"),
    [("[search]\napplications_per_searcher = 0\n", [],
      "search.applications_per_searcher = 0: must be >= 1"),
     ("[run]\nscale = \n", [], "TOML syntax error"),
     (TINY, ["--set", "run.seed=-1"], "--set run.seed=-1: must be >= 0")],
    ids=["bad-value", "bad-toml", "bad-set"],
)
def test_show_with_a_bad_scenario_exits_2_with_one_line(tmp_path, capsys, text, args, part):
    path = _scenario(tmp_path, text, "bad.toml")
    rc, out, err = _main(["show", path, *args], capsys)
    _assert_one_error_line(rc, out, err, part)
    assert out == ""


def test_show_in_a_subprocess(tmp_path):
    good = _sub(["show", "--set", "search.applications_per_searcher=4"], tmp_path)
    assert good.returncode == 0 and good.stderr == "", good.stderr
    assert tomllib.loads(good.stdout)["search"]["applications_per_searcher"] == 4
    path = _scenario(tmp_path, "[flows]\nlayoff_rate = [0.1, 0.2, 1.5]\n", "bad.toml")
    bad = _sub(["show", path], tmp_path)
    _assert_one_error_line(bad.returncode, bad.stdout, bad.stderr, str(path),
                           "flows.layoff_rate[2]")
    assert bad.stdout == ""
    missing = _sub(["show", tmp_path / "nope.toml"], tmp_path)
    _assert_one_error_line(missing.returncode, missing.stdout, missing.stderr,
                           "no such scenario file")

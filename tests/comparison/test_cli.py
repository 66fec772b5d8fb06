"""``placejobs compare`` on the command line: one-line refusals (exit 2), resuming."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.comparison.test_compare import BASE, GRANTS

TIMEOUT = 240


def _cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", "compare", *map(str, args)],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ})


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "base.toml"
    path.write_text(BASE, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "words"), [
    (GRANTS + "\n[search]\napplications_per_searcher = 4\n",
     ["bad.toml", "search", "only [[policy]] tables"]),
    ("[run]\nname = \"x\"\nseed = 3\n", ["bad.toml", "run.seed", "name, description"]),
    (GRANTS.replace('target = "lagging"', 'target = "Atlantis"'),
     ["bad.toml", "policy[0].target", "Atlantis"]),
    (GRANTS.replace("budget_gbp = 4e8", "budget_gbp = -1.0"),
     ["bad.toml", "policy[0].budget_gbp", "must be > 0"]),
    (GRANTS + "\n[[policy]]\nlever = \"business_grants\"\ntarget = \"lagging\"\n"
     "budget_gbp = 1e6\n", ["bad.toml", "overlaps policy[0]"]),
])
def test_a_bad_policy_file_is_one_line_and_exit_2(base, tmp_path, text, words):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    line = _one_error_line(_cli(base, bad, "--replications", 2, "--out", tmp_path / "o",
                                "--workers", 0))
    for w in words:
        assert w in line, line
    assert not (tmp_path / "o").exists()


def test_bad_arguments_and_duplicate_names(base, tmp_path):
    pol = tmp_path / "grants.toml"
    pol.write_text(GRANTS, encoding="utf-8")
    assert "--replications 1" in _one_error_line(
        _cli(base, pol, "--replications", 1, "--out", tmp_path / "o"))
    assert "--months 0" in _one_error_line(
        _cli(base, pol, "--replications", 2, "--out", tmp_path / "o", "--months", 0))
    assert "unique names" in _one_error_line(
        _cli(base, pol, pol, "--replications", 2, "--out", tmp_path / "o", "--workers", 0))


def test_a_rerun_resumes_and_other_inputs_are_refused(base, tmp_path):
    pol = tmp_path / "grants.toml"
    pol.write_text(GRANTS, encoding="utf-8")
    out = tmp_path / "o"
    first = _cli(base, pol, "--replications", 2, "--out", out, "--workers", 0,
                 "--no-report", "--quiet")
    assert first.returncode == 0, first.stderr
    parts = sorted((out / "runs" / "account").glob("part-*.parquet"))
    assert len(parts) == 2
    stamps = [p.stat().st_mtime_ns for p in parts]
    again = _cli(base, pol, "--replications", 2, "--out", out, "--workers", 0, "--no-report")
    assert again.returncode == 0, again.stderr
    assert "0 pairs run, 2 reused" in again.stdout
    assert [p.stat().st_mtime_ns for p in parts] == stamps
    line = _one_error_line(_cli(base, pol, "--replications", 2, "--out", out, "--months", 6,
                                "--workers", 0))
    assert "holds a different comparison" in line and "never overwritten" in line

"""``placejobs dashboard``: its mistakes are one line, and it starts Solara on the app.

The server itself is replaced by a stand-in process object (the browser test starts the
real one), so these tests check the command line the CLI builds and the environment it
passes: the scenario's absolute path in ``PLACEJOBS_DASHBOARD_SCENARIO``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sim import cli
from sim.dashboard import serve
from sim.dashboard.serve import APP, SCENARIO_ENV


class _Proc:
    """What :func:`subprocess.Popen` returns, for a server that exits at once."""

    calls: list[tuple[list[str], dict[str, str]]] = []

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        _Proc.calls.append((cmd, env))
        self.returncode = 0

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int:
        return 0


@pytest.fixture
def popen(monkeypatch):
    _Proc.calls = []
    monkeypatch.setattr(serve.subprocess, "Popen", _Proc)
    return _Proc.calls


def test_it_runs_solara_on_the_app_with_the_scenario(popen, capsys):
    status = cli.main(["dashboard", "scenarios/small.toml", "--port", "8811", "--host",
                       "0.0.0.0", "--no-open"])
    assert status == 0
    (cmd, env), = popen
    assert cmd == [sys.executable, "-m", "solara", "run", APP, "--port", "8811", "--host",
                   "0.0.0.0", "--no-open"]
    assert env[SCENARIO_ENV] == str(Path("scenarios/small.toml").resolve())
    assert "http://0.0.0.0:8811/" in capsys.readouterr().err


def test_without_a_scenario_the_app_takes_the_built_in_baseline(popen, monkeypatch):
    monkeypatch.setenv(SCENARIO_ENV, "/somewhere/else.toml")
    assert cli.main(["dashboard"]) == 0
    (cmd, env), = popen
    assert SCENARIO_ENV not in env and cmd[-1] == "--open" and cmd[cmd.index("--port") + 1] \
        == "8765"


@pytest.mark.parametrize(("argv", "message"), [
    (["dashboard", "--port", "70000"], "error: --port 70000: must be >= 0 and <= 65535"),
    (["dashboard", "no/such.toml"], "error: no/such.toml: no such scenario file"),
])
def test_a_mistake_is_one_line_and_status_2(popen, capsys, argv, message):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip() == message
    assert popen == []

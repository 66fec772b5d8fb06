"""Serving the dashboard: ``solara run sim.dashboard.app`` in a child process.

``placejobs dashboard`` (and ``make dashboard``) check the scenario, then start Solara's
server on the app (:mod:`sim.dashboard.app`) with the scenario's path in the environment
(:data:`~sim.dashboard.app.SCENARIO_ENV` is read by the app) and wait for it; stopping
the command (Ctrl-C, SIGTERM) stops the server. The page is at ``http://HOST:PORT/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["APP", "SCENARIO_ENV", "serve", "solara_command"]

#: The app module Solara runs.
APP = "sim.dashboard.app"
#: The environment variable naming the scenario file (read by :mod:`sim.dashboard.app`).
SCENARIO_ENV = "PLACEJOBS_DASHBOARD_SCENARIO"


def solara_command(port: int, host: str, open_browser: bool) -> list[str]:
    """The command line of the server (this Python, so the same environment)."""
    return [sys.executable, "-m", "solara", "run", APP, "--port", str(port), "--host", host,
            "--open" if open_browser else "--no-open"]


def serve(scenario: Path | None, port: int, host: str, open_browser: bool) -> int:
    """Run the server until it stops or this process is interrupted.

    Args:
        scenario: the scenario file (None: the built-in UK baseline).
        port: the port (0: a free one, which Solara prints).
        host: the address to listen on.
        open_browser: open the page in the default browser once served.

    Returns:
        The server's exit status.
    """
    env = dict(os.environ)
    env.pop(SCENARIO_ENV, None)
    if scenario is not None:
        env[SCENARIO_ENV] = str(Path(scenario).resolve())
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    proc = subprocess.Popen(solara_command(port, host, open_browser), env=env)
    try:
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

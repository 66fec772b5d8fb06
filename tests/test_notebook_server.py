"""`make notebook` works: JupyterLab starts on notebooks/ and its kernel is the project's Python.

The test starts ``jupyter lab --no-browser`` from the same environment as the tests (the
project's venv, as the Makefile's ``notebook`` target does) on a free port, with a token and
with its runtime, config and settings directories in a temporary folder (so a user's own
Jupyter set-up neither matters nor changes). It checks that ``/lab`` answers HTTP 200 with
the JupyterLab page, that the server lists the notebooks, and that a kernel it starts runs the
environment's own Python (the venv's ``bin/python``), then stops the server.

Linux only for the kernel check (it reads the kernel's command line from ``/proc``). The
waits are bounds on a server that never answers, not timing assertions.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).with_name("jupyter")
#: The longest wait for the server to answer, and for a kernel to appear (seconds).
START_WAIT_S = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None
             ) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _argv(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab on notebooks/: (base URL, token, process)."""
    if not JUPYTER.is_file():
        pytest.fail(f"{JUPYTER} not found: install the project with its notebook extra "
                    "(make venv installs .[dev], which includes it)")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ,
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", f"--notebook-dir={ROOT / 'notebooks'}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         # In a container the tests may run as root, which Jupyter refuses unless told.
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_WAIT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n"
                            f"{(tmp_path / 'lab.log').read_text()[-3000:]}")
            try:
                status, _ = _request(f"{base}/api/status", token)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {START_WAIT_S:.0f} s:\n"
                            f"{(tmp_path / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_jupyter_lab_serves_the_notebooks_with_the_projects_kernel(lab):
    base, token, proc = lab
    status, page = _request(f"{base}/lab", token)
    assert status == 200
    assert b"JupyterLab" in page

    status, listing = _request(f"{base}/api/contents", token)
    assert status == 200
    names = {item["name"] for item in json.loads(listing)["content"]}
    assert {"01_quickstart.ipynb", "02_policy_comparison.ipynb",
            "03_sweeps_and_sensitivity.ipynb"} <= names

    # The notebooks name the kernel "python3" (tests/test_notebooks_committed.py): the
    # server's own Python, which must be the project's venv.
    status, specs = _request(f"{base}/api/kernelspecs", token)
    assert status == 200 and "python3" in json.loads(specs)["kernelspecs"]

    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc: the kernel's command line cannot be read")
    before = set(_children(proc.pid))
    status, body = _request(f"{base}/api/kernels", token, "POST", {"name": "python3"})
    assert status == 201, body
    kernel_id = json.loads(body)["id"]
    deadline = time.monotonic() + START_WAIT_S
    kernels = []
    while not kernels and time.monotonic() < deadline:
        kernels = [p for p in set(_children(proc.pid)) - before
                   if "ipykernel_launcher" in _argv(p)]
        time.sleep(0.2)
    assert kernels, "the kernel process did not appear"
    # The kernel's Python is the one in this environment's bin/ (the venv's), not another.
    assert Path(_argv(kernels[0])[0]).parent == Path(sys.executable).parent
    status, _ = _request(f"{base}/api/kernels/{kernel_id}", token, "DELETE")
    assert status == 204

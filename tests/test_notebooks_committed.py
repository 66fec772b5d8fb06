"""The notebooks are committed as sources: no outputs, no execution counts, the venv's kernel.

Outputs in a committed notebook go stale when the model changes, make diffs unreadable and
can hide a notebook that no longer runs; ``make test`` runs every notebook afresh
(``pytest --nbmake notebooks``). The kernel must be ``python3``: the Python of the Jupyter
that opens the notebook, i.e. the project's venv under ``make notebook`` and ``make test``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_the_three_teaching_notebooks_are_there():
    assert {p.name for p in NOTEBOOKS} >= {
        "01_quickstart.ipynb", "02_policy_comparison.ipynb", "03_sweeps_and_sensitivity.ipynb",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_with_the_python3_kernel(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: cell {i} has outputs; clear them"
            assert cell["execution_count"] is None, f"{path.name}: cell {i} was executed"

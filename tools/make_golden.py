"""Write the golden files of tests/core/test_golden.py from the code of the current tree.

Usage (from the repository root; run it with the code whose results are the reference):

    .venv/bin/python tools/make_golden.py [--out tests/data/golden]

It runs each run of ``RUNS`` through the command line (``python -m sim run``, which
every version of the package has) and keeps ``places.parquet`` and
``national.parquet`` as ``<run>-places.parquet`` and ``<run>-national.parquet``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: name -> (scenario file, scale, months, seed); keep in step with tests/core/test_golden.py.
RUNS = {
    "itl1": ("scenarios/baseline.toml", 0.002, 6, 7),
    "lad": ("scenarios/baseline-lad.toml", 0.001, 3, 7),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/golden"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (scenario, scale, months, seed) in RUNS.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "run"
            subprocess.run(
                [sys.executable, "-m", "sim", "run", scenario, "--out", str(out), "--quiet",
                 "--scale", str(scale), "--months", str(months), "--seed", str(seed)],
                check=True,
            )
            for table in ("places", "national"):
                shutil.copy(out / f"{table}.parquet", args.out / f"{name}-{table}.parquet")
        print(f"wrote {args.out}/{name}-places.parquet and {name}-national.parquet")


if __name__ == "__main__":
    main()

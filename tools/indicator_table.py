"""Regenerate the indicator table of docs/ODD.md from the indicator registry.

The table (name, unit, how the national value is formed, description) lies between the
markers ``<!-- indicators:begin -->`` and ``<!-- indicators:end -->`` in section 7 of
docs/ODD.md; this script rewrites what is between them from
:func:`sim.core.indicators.markdown_table`, and ``tests/core/test_indicators.py`` fails
when the two differ.

Usage (from the repository root)::

    PYTHONPATH=$PWD .venv/bin/python tools/indicator_table.py          # rewrite the table
    PYTHONPATH=$PWD .venv/bin/python tools/indicator_table.py --check  # exit 1 if stale
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.core.indicators import markdown_table

BEGIN, END = "<!-- indicators:begin -->", "<!-- indicators:end -->"
ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def replace_table(text: str, table: str) -> str:
    """``text`` with what lies between the markers replaced by ``table``.

    Raises:
        ValueError: unless each marker occurs exactly once, BEGIN before END.
    """
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"the ODD must hold {BEGIN} and then {END}, once each")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return head + BEGIN + "\n" + table + END + tail


def main(argv: list[str] | None = None) -> int:
    """Rewrite the table (or, with ``--check``, report whether it is up to date)."""
    args = sys.argv[1:] if argv is None else argv
    text = ODD.read_text()
    new = replace_table(text, markdown_table())
    if "--check" in args:
        if new != text:
            print(f"{ODD}: the indicator table differs from the registry; "
                  "run tools/indicator_table.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        ODD.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

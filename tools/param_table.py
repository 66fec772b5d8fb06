"""Regenerate the mechanism parameter tables of docs/ODD.md from the scenario schema.

Usage: .venv/bin/python tools/param_table.py   (rewrites the block between the markers)
"""

from __future__ import annotations

from pathlib import Path

from sim.config.scenario import Scenario

SECTIONS = (
    "economy",
    "demography", "training", "knowledge", "firm_dynamics", "green", "remote_work", "migration",
    "cycle",
)
BEGIN, END = "<!-- parameters:begin -->", "<!-- parameters:end -->"


def table() -> str:
    """Markdown tables: name, default value, meaning with unit and source."""
    scenario = Scenario()
    lines = []
    for section in SECTIONS:
        params = getattr(scenario, section)
        module = type(params).__module__
        lines += ["", f"**`[{section}]`** (equations and sources: `{module}`)", ""]
        lines += ["| name | value | meaning, unit and source |", "| --- | --- | --- |"]
        for name, field in type(params).model_fields.items():
            value = getattr(params, name)
            if isinstance(value, tuple):
                value = ", ".join(str(v) for v in value) or "(none)"
            desc = field.description or ("switch the mechanism on or off" if name == "enabled"
                                         else "")
            lines.append(f"| `{section}.{name}` | {value} | {desc} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
    text = path.read_text()
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    path.write_text(head + BEGIN + "\n" + table() + END + tail)


if __name__ == "__main__":
    main()

"""A resolved scenario written out as a commented TOML file (``placejobs show``).

:func:`scenario_to_toml` writes every section and every key of a
:class:`~sim.config.scenario.Scenario` with its value, defaults included, so
that one sees what a run will use. With comments, each section starts with the
summary line of its class docstring and each key with its description (which
names the unit) and the values allowed, read from the pydantic schema: bounds
(``>= 1 and <= 50``), the bounds of each element of a list (``3 values, each a
number >= 0.0 and <= 1.0``), the choices of a ``Literal``::

    # Job search and matching (the kernel in sim.kernels.matching).
    [search]
    # k, per round
    # allowed: an integer >= 1 and <= 50
    applications_per_searcher = 3

The text reads back into an equal scenario:
``parse_scenario(tomllib.loads(scenario_to_toml(s))) == s``. ``[geography_options]``
holds only the options the geography uses (as :meth:`Scenario.to_dict` does);
a key whose value is ``None`` (no value) is written commented out.
"""

from __future__ import annotations

import json
import re
import textwrap
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.config.scenario import Scenario
from sim.config.section import Section, toml_value
from sim.world.geography import GEOGRAPHY_OPTIONS

__all__ = ["allowed_values", "scenario_to_toml", "section_title"]

#: Attributes of the bounds ``Field(gt=..., ge=..., lt=..., le=...)`` puts in a field's
#: metadata (``annotated_types.Gt`` and so on), and their symbols.
_BOUNDS = (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="))
#: ``:mod:`~sim.x.y``` -> ``y``; ``:mod:`sim.x``` -> ``sim.x``; ````x```` -> ``x``.
_ROLE = re.compile(r":[a-z]+:`(~?)([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")
#: Nested arrays longer than this are written one row a line.
_ROW_WIDTH = 60
#: Comments are wrapped to lines of at most this many characters.
_WIDTH = 88


# --------------------------------------------------------------------- values
def _value(value: Any) -> str:
    """``value`` as a TOML value (as :func:`toml_value`, with strings always valid TOML)."""
    if isinstance(value, str):
        # JSON escapes are TOML escapes; TOML also refuses a raw DEL in a basic string.
        text = json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return toml_value(value)


def _assignment(key: str, value: Any) -> str:
    """``key = value``; a long array of arrays is written one row a line."""
    text = _value(value)
    rows = isinstance(value, (list, tuple)) and value and all(
        isinstance(v, (list, tuple)) for v in value
    )
    if rows and len(key) + 3 + len(text) > _ROW_WIDTH:
        inner = "".join(f"    {_value(row)},\n" for row in value)
        return f"{key} = [\n{inner}]"
    return f"{key} = {text}"


# --------------------------------------------------------------------- allowed values
def _split(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The bare type and every constraint of ``Annotated[...]`` layers around it."""
    found = list(metadata)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        found.extend(extra)
    return annotation, found


def _bounds(metadata: list[Any]) -> list[str]:
    """``[">= 1", "<= 50"]`` from the bound objects (also those inside a ``Field``)."""
    out: list[str] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            out.extend(_bounds(item.metadata))
            continue
        for attr, symbol in _BOUNDS:
            bound = getattr(item, attr, None)
            if bound is not None and not callable(bound):
                out.append(f"{symbol} {toml_value(bound)}")
    return out


def _describe(annotation: Any, metadata: list[Any]) -> tuple[list[int], str]:
    """What one value may be: ``(shape, words)``; ``shape`` is the lengths of nested fixed
    lists whose elements all allow the same (``[5, 3]`` for 5 rows of 3 numbers)."""
    annotation, metadata = _split(annotation, metadata)
    bounds = " and ".join(_bounds(metadata))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return [], "one of " + ", ".join(_value(v) for v in typing.get_args(annotation))
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            shape, words = _describe(args[0], [])
            return [], f"a list (any length) of {_join(shape, words)}"
        parts = [_describe(arg, []) for arg in args]
        if parts and all(part == parts[0] for part in parts):
            shape, words = parts[0]
            return [len(args), *shape], words
        each = "; ".join(f"[{k}] {_join(*part)}" for k, part in enumerate(parts))
        return [], f"{len(args)} values: {each}"
    if annotation is bool:
        return [], "true or false"
    names = {int: "an integer", float: "a number", str: "text"}
    if isinstance(annotation, type) and annotation in names:
        words = names[annotation]
        return [], f"{words} {bounds}" if bounds else words
    every = typing.get_args(annotation)
    args = [a for a in every if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and args:
        words = " or ".join(_join(*_describe(a, [])) for a in args)
        optional = len(args) < len(every)
        return [], f"{words}, or left out (no value)" if optional else words
    return [], getattr(annotation, "__name__", str(annotation))


def _join(shape: list[int], words: str) -> str:
    if not shape:
        return words
    return f"{' x '.join(map(str, shape))} values, each {words}"


def allowed_values(field: FieldInfo) -> str:
    """The values a field allows, in words, from its type and constraints.

    Examples: ``"an integer >= 1 and <= 50"``, ``"3 values, each a number >= 0.0 and
    <= 1.0"``, ``'one of "uk-itl1", "uk-lad", ...'``, ``"true or false"``. Rules written
    as validators (shares adding up to 1, one age below another) are not included; the
    descriptions say them.
    """
    return _join(*_describe(field.annotation, list(field.metadata)))


def section_title(section: type[BaseModel]) -> str:
    """The first paragraph of a section class's docstring, as plain text (no reST roles)."""
    doc = (section.__doc__ or "").strip()
    first = " ".join(line.strip() for line in doc.split("\n\n", 1)[0].splitlines())
    first = _ROLE.sub(lambda m: m.group(2).rsplit(".", 1)[-1] if m.group(1) else m.group(2),
                      first)
    return _LITERAL.sub(r"\1", first)


def _comment(text: str, *, wrap: bool = False) -> str:
    """``text`` as TOML comment lines (control characters, which would end a comment,
    become spaces); with ``wrap``, lines of at most :data:`_WIDTH` characters."""
    text = "".join(c if c.isprintable() else " " for c in text)
    if not wrap:
        return "# " + text
    lines = textwrap.wrap(
        text, _WIDTH - 2, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
    return "\n".join("# " + line for line in lines or [""])


# --------------------------------------------------------------------- the file
def scenario_to_toml(
    scenario: Scenario, *, comments: bool = True, origin: str | None = None
) -> str:
    """The whole resolved scenario as TOML: every section and key, defaults included.

    Args:
        scenario: a validated scenario.
        comments: write a comment before each section (the first line of its docstring)
            and each key (its description, which names the unit, and the values allowed).
        origin: where the values come from, for the first comment (default: the file the
            scenario was read from, and the defaults).

    Returns:
        TOML text that :func:`~sim.config.scenario.parse_scenario` (after
        :func:`tomllib.loads`) reads back into a scenario equal to ``scenario``.
    """
    lines: list[str] = []
    if comments:
        name = scenario.run.name
        where = origin or (
            f"{scenario.source} and the defaults" if scenario.source else "the defaults"
        )
        lines += [
            _comment(f"Scenario {toml_value(name)} as placejobs resolves it, from {where}.",
                     wrap=True),
            "# Every key is shown with its value, defaults included; before each key, what it",
            "# is (with its unit) and the values allowed. Saved to a file, this is a scenario",
            "# that placejobs run reads back unchanged.",
            "",
        ]
    values = scenario.model_dump()  # keeps only the geography options used
    for section_name, section_field in Scenario.model_fields.items():
        model = section_field.annotation
        if not (isinstance(model, type) and issubclass(model, Section)):
            continue  # "source" is where the scenario was read from, not a value
        section = values[section_name]
        if comments:
            lines.append(_comment(section_title(model)))
            if section_name == "geography_options":
                used = GEOGRAPHY_OPTIONS.get(scenario.run.geography, ())
                geography = toml_value(scenario.run.geography)
                lines.append(_comment(
                    f"used by geography {geography}: {', '.join(used) or 'none'} "
                    "(an option the geography does not use is refused)", wrap=True
                ))
        lines.append(f"[{section_name}]")
        for key, field in model.model_fields.items():
            if key not in section:
                continue
            if comments:
                if field.description:
                    lines.append(_comment(field.description, wrap=True))
                lines.append(_comment(f"allowed: {allowed_values(field)}", wrap=True))
            value = section[key]
            if value is None:
                lines.append(f"# {key} = (no value; leave it out)")
            else:
                lines.append(_assignment(key, value))
        lines.append("")
    for policy in scenario.policy:
        if comments:
            lines.append(_comment(f"A policy lever: {policy.lever} (sim.policies.levers)."))
        lines.append("[[policy]]")
        values = policy.model_dump()
        for key, field in type(policy).model_fields.items():
            if comments:
                if field.description:
                    lines.append(_comment(field.description, wrap=True))
                if key != "lever":
                    lines.append(_comment(f"allowed: {allowed_values(field)}", wrap=True))
            lines.append(_assignment(key, values[key]))
        lines.append("")
    return "\n".join(lines)

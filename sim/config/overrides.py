"""Command-line assignments ``KEY=VALUE`` that change one value of a scenario.

``placejobs run``, ``show`` and ``sweep`` take repeatable ``--set KEY=VALUE``
options: ``KEY`` is a dotted scenario key (``search.applications_per_searcher``)
and ``VALUE`` is a TOML value (``4``, ``0.02``, ``true``, ``[0.1, 0.2, 0.3]``,
``"text"``). A ``VALUE`` that is not TOML is taken as plain text, so that
``--set run.geography=uk-lad`` needs no quotes. The assignments are applied
together with :meth:`~sim.config.scenario.Scenario.with_changes`, so every value
is validated exactly as in a scenario file, and a mistake is one line naming the
option as it was written::

    --set search.applications_per_searcher=-3: must be >= 1
    --set search.nope=1: unknown key; [search] allows: applications_per_searcher, ...
    --set foo: expected KEY=VALUE

When the same key is assigned twice, the last assignment wins.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from typing import Any

from sim.config.scenario import Scenario, ScenarioError
from sim.config.section import Section, toml_value

__all__ = ["apply_assignments", "parse_assignment", "parse_value"]


def _sections() -> tuple[str, ...]:
    """The scenario's sections (its fields that are tables), in file order."""
    return tuple(
        name for name, field in Scenario.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, Section)
    )


def _shown(text: str) -> str:
    """``text`` as it is shown in a one-line message (control characters escaped)."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def parse_value(text: str) -> Any:
    """The value of ``VALUE``: a TOML value when it reads as one, else ``text`` as plain text.

    Examples: ``"4"`` -> ``4``, ``"0.5"`` -> ``0.5``, ``"true"`` -> ``True``,
    ``"[1, 2]"`` -> ``[1, 2]``, ``'"4"'`` -> ``"4"``, ``"uk-lad"`` -> ``"uk-lad"``.
    """
    try:
        parsed = tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError:
        return text
    if set(parsed) != {"v"}:  # "1\nw = 2": more than one value is not a value
        return text
    return parsed["v"]


def parse_assignment(text: str, *, option: str = "--set") -> tuple[str, Any]:
    """Split one ``KEY=VALUE`` into the dotted key and its value (see :func:`parse_value`).

    Spaces around the key and the value are ignored. The key must be ``section.key`` with
    a section of the scenario; whether the key and the value are allowed is checked when
    the assignment is applied (:func:`apply_assignments`).

    Args:
        text: the assignment as written (``"search.applications_per_searcher=4"``).
        option: the option named in messages.

    Returns:
        ``(key, value)``, e.g. ``("search.applications_per_searcher", 4)``.

    Raises:
        ScenarioError: ``--set foo: expected KEY=VALUE``, or a key that names no section
            (``--set foo.x=1: not a scenario key; ...``).
    """
    key, equals, raw = text.partition("=")
    key = key.strip()
    if not equals or not key:
        reason = "expected KEY=VALUE"
        raise ScenarioError(f"{option} {_shown(text)}: {reason}", value=text, reason=reason)
    section, _, name = key.partition(".")
    sections = _sections()
    if section not in sections or not name:
        reason = (
            "not a scenario key; use 'section.key' with a section of: " + ", ".join(sections)
        )
        raise ScenarioError(
            f"{option} {_shown(text)}: {reason}", key=key, value=text, reason=reason
        )
    return key, parse_value(raw.strip())


def _base_key(key: str) -> str:
    """``flows.layoff_rate[2]`` -> ``flows.layoff_rate``."""
    return key.split("[", 1)[0]


def _culprits(key: str | None, texts: dict[str, str]) -> list[str]:
    """The assignments to name for an error at ``key``: the one that set it, else those of
    its section, else all of them."""
    if key is not None:
        base = _base_key(key)
        if base in texts:
            return [texts[base]]
        section = base.partition(".")[0]
        same = [text for k, text in texts.items() if k.partition(".")[0] == section]
        if same:
            return same
    return list(texts.values())


def apply_assignments(
    scenario: Scenario, assignments: Sequence[str], *, option: str = "--set"
) -> Scenario:
    """Return ``scenario`` with the ``KEY=VALUE`` assignments applied, validated as a file is.

    All assignments are applied at once, so that values that depend on each other can be
    changed together (``run.geography=grid`` with ``geography_options.rows=4``); the last
    of two assignments to one key wins.

    Args:
        scenario: the scenario to change (it is not modified).
        assignments: ``KEY=VALUE`` texts, as given on the command line.
        option: the option named in messages.

    Returns:
        The new, validated scenario (``scenario`` itself when there are no assignments).

    Raises:
        ScenarioError: one line naming the assignment as written and what is allowed,
            e.g. ``--set search.applications_per_searcher=-3: must be >= 1``; ``key``,
            ``value`` and ``reason`` are those of the value refused.
    """
    if not assignments:
        return scenario
    changes: dict[str, Any] = {}
    texts: dict[str, str] = {}  # key -> the assignment that set it last
    for text in assignments:
        key, value = parse_assignment(text, option=option)
        changes.pop(key, None)
        texts.pop(key, None)
        changes[key] = value
        texts[key] = f"{option} {_shown(text)}"
    try:
        return scenario.with_changes(changes)
    except ScenarioError as exc:
        named = " ".join(_culprits(exc.key, texts))
        if exc.key is None:  # not about one key: keep the message after its source
            detail = str(exc).split(": ", 1)[-1]
        elif exc.key in texts:
            detail = exc.reason
            if exc.reason == "must be a valid string" and not isinstance(changes[exc.key], str):
                # 2024 or 2024-01-01 read as TOML: the text needs quotes
                quoted = toml_value(texts[exc.key].partition("=")[2].strip())
                detail += f" (write text in TOML quotes: {exc.key}={quoted})"
        else:
            detail = f"{exc.key} = {toml_value(exc.value)}: {exc.reason}"
        raise ScenarioError(
            f"{named}: {detail}", key=exc.key, value=exc.value, reason=exc.reason
        ) from None

"""The calendar month of each recorded month: the outputs' ``calendar_month`` column.

The model counts recorded months from 1 (``month``); ``run.start`` (``YYYY-MM``) names
the calendar month of recorded month 1. It is a label: no mechanism reads it, so two
runs that differ only in ``run.start`` differ only in this column. A calendar month is
written as its first day (a :class:`datetime.date`, which Parquet stores as ``date32``).

Example:
    >>> calendar_months("2019-11", [1, 2, 3])
    [datetime.date(2019, 11, 1), datetime.date(2019, 12, 1), datetime.date(2020, 1, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

__all__ = ["calendar_months", "parse_month"]


def parse_month(start: str) -> tuple[int, int]:
    """``"2019-01"`` -> ``(2019, 1)``.

    Raises:
        ValueError: ``start`` is not a calendar month written ``YYYY-MM``.
    """
    year, sep, month = start.partition("-")
    if not (sep and len(year) == 4 and len(month) == 2 and year.isdigit()
            and month.isdigit() and 1 <= int(month) <= 12 and int(year) >= 1000):
        raise ValueError(f"{start!r} is not a calendar month written YYYY-MM")
    return int(year), int(month)


def calendar_months(start: str, months: Iterable[int]) -> list[date]:
    """The first day of the calendar month of each recorded month (1 = ``start``).

    Args:
        start: the calendar month of recorded month 1, ``YYYY-MM``.
        months: recorded months (1, 2, ...; 0 or less counts back into the burn-in).

    Returns:
        One :class:`datetime.date` per month, in the order given.
    """
    year, month = parse_month(start)
    first = year * 12 + (month - 1)
    out = []
    for m in months:
        k = first + int(m) - 1
        out.append(date(k // 12, k % 12 + 1, 1))
    return out

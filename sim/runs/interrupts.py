"""Interrupts that wait for a safe point: Ctrl-C and SIGTERM during a run's months.

A signal handler that raises :class:`KeyboardInterrupt` at once can fire while numba's
dispatcher is working out the types of a kernel's arguments (it calls back into Python
for the kernels' named-tuple bundles), and an exception there crashes the process
(measured: about one SIGINT in fifteen sent while months were running ended in a
segmentation fault, and so did a SIGTERM while the library and its cached kernels
were loading). So for the whole of a command the command line's handler only
records the signal (:func:`hold`), and the command raises the interrupt itself at its
safe points (:func:`check`): once the library is loaded, around the geography and the
checks, after each month of burn-in and of the run, between writing the outputs, and
between the repeats of a benchmark. Outside :func:`safe_points` (a script calling the
library) a signal has Python's usual effect.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["check", "holding", "hold", "safe_points"]

_depth = 0
_pending = False


@contextmanager
def safe_points() -> Iterator[None]:
    """Within this block, interrupts recorded with :func:`hold` wait for :func:`check`."""
    global _depth, _pending
    _depth += 1
    try:
        yield
        check()
    finally:
        _depth -= 1
        if _depth == 0:
            _pending = False


def holding() -> bool:
    """Whether an interrupt should be held now (inside :func:`safe_points`)."""
    return _depth > 0


def hold() -> None:
    """Record an interrupt, to be raised at the next :func:`check`."""
    global _pending
    _pending = True


def check() -> None:
    """Raise :class:`KeyboardInterrupt` if an interrupt was held."""
    if _pending:
        raise KeyboardInterrupt

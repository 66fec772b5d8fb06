"""Interrupts that wait for a safe point: Ctrl-C and SIGTERM during a run's months.

A signal handler that raises :class:`KeyboardInterrupt` at once can fire while numba's
dispatcher is working out the types of a kernel's arguments (it calls back into Python
for the kernels' named-tuple bundles), and an exception there crashes the process
(measured: about one SIGINT in fifteen sent while months were running ended in a
segmentation fault). So while a model is built and run, the command line's handler
only records the signal (:func:`hold`), and the run raises the interrupt itself
between months (:func:`check`). Outside :func:`safe_points` the handler raises at once
as usual.
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

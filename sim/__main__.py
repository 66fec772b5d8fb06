"""``python -m sim`` runs the ``placejobs`` command line.

SIGINT and SIGTERM are caught from this module's first lines (before the
library is imported): either ends the process with ``error: interrupted`` and
exit status 130 (SIGINT) or 143 (SIGTERM, 128 + 15). :func:`sim.cli.main` keeps
that promise from then on. (A signal in the few milliseconds the interpreter
takes to start, before any of this runs, has Python's default effect; a signal
the parent process ignores, as a shell does for ``&`` jobs, stays ignored.)
"""

import signal
import sys

_received: list[int] = []


def _interrupt(signum: int, frame: object) -> None:
    if not _received:
        _received.append(signum)
        raise KeyboardInterrupt


try:
    for _sig in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(_sig) is not signal.SIG_IGN:  # ignored (nohup, &): stays so
            signal.signal(_sig, _interrupt)
    from sim.cli import main

    status = main()
except KeyboardInterrupt:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.stderr.write("error: interrupted\n")
    raise SystemExit(128 + (_received[0] if _received else signal.SIGINT)) from None

raise SystemExit(status)

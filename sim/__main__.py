"""``python -m sim`` runs the ``placejobs`` command line."""

from sim.cli import main

raise SystemExit(main())

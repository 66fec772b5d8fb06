"""Numba kernels: the heavy loops of the model, over plain arrays.

Modules: :mod:`~sim.kernels.rng` (counter-based random streams),
:mod:`~sim.kernels.flows` (separations and participation),
:mod:`~sim.kernels.matching` (search and matching),
:mod:`~sim.kernels.aggregate` (indicators by place).

Threading: parallel kernels use Numba's ``workqueue`` layer unless
``NUMBA_THREADING_LAYER`` says otherwise. OpenMP's default spin-waiting keeps
idle threads busy between parallel regions, which on a two-core machine
halves the speed of the serial kernels that follow (measured: 2x slower
months). Results never depend on the layer or the thread count.
"""

import os

import numba

if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"

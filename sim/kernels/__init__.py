"""Numba kernels: the heavy loops of the model, over plain arrays.

Modules: :mod:`~sim.kernels.rng` (counter-based random streams and the one list
of stream stages), :mod:`~sim.kernels.bundles` (the kernels' typed parameter
bundles), :mod:`~sim.kernels.flows` (separations and participation),
:mod:`~sim.kernels.training` (courses), :mod:`~sim.kernels.matching` (search and
matching), :mod:`~sim.kernels.migration` (who moves and where),
:mod:`~sim.kernels.aggregate` (indicators by place). The bargained wage they
share with the starting economy is in :mod:`sim.agents.wages`.

Threading: parallel kernels use Numba's ``workqueue`` layer unless
``NUMBA_THREADING_LAYER`` says otherwise. OpenMP's default spin-waiting keeps
idle threads busy between parallel regions, which on a two-core machine
halves the speed of the serial kernels that follow (measured: 2x slower
months). Results never depend on the layer or the thread count.

Importing this package changes nothing: the choice is made by
:func:`configure_threads`, which :class:`~sim.core.model.LabourMarket` calls
before its kernels first run. A process that wants another thread count or
layer (a Dask worker sharing its cores, say) calls it first, before any model
is built.
"""

from __future__ import annotations

import os

__all__ = ["configure_threads", "threading_info"]

#: The layer used when neither the caller nor ``NUMBA_THREADING_LAYER`` chooses one.
DEFAULT_LAYER = "workqueue"
_LAYERS = ("default", "safe", "threadsafe", "forksafe", "workqueue", "omp", "tbb")
_configured = False


def _layer_started() -> bool:
    from numba.np.ufunc import parallel

    return bool(getattr(parallel, "_is_initialized", False))


def configure_threads(threads: int | None = None, layer: str | None = None) -> None:
    """Choose the kernels' thread count and threading layer for this process.

    Idempotent: the first call settles the layer (``layer``, else
    ``NUMBA_THREADING_LAYER`` when set, else ``workqueue``); later calls without
    ``layer`` keep it. The layer can only change before the first parallel kernel
    runs; the thread count can change at any time (results do not depend on it).

    Args:
        threads: threads for parallel kernels, 1 to ``numba.config.NUMBA_NUM_THREADS``
            (``None``: keep the current number, all cores by default).
        layer: a Numba threading layer (``"workqueue"``, ``"omp"``, ``"tbb"``,
            ``"default"``, ``"safe"``, ``"threadsafe"``, ``"forksafe"``); ``None`` keeps
            the choice described above.

    Raises:
        ValueError: an unknown layer or a thread count out of range.
        RuntimeError: a different layer asked for after parallel kernels have run.
    """
    global _configured
    import numba

    if layer is not None and layer not in _LAYERS:
        raise ValueError(f"layer must be one of {', '.join(_LAYERS)}; got {layer!r}")
    if threads is not None:
        most = numba.config.NUMBA_NUM_THREADS
        if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= most:
            raise ValueError(f"threads must be an integer from 1 to {most}; got {threads!r}")
    if layer is not None:
        if _layer_started():
            current = numba.threading_layer()
            if layer in ("workqueue", "omp", "tbb") and layer != current:
                raise RuntimeError(
                    f"the threading layer is already {current!r}: choose it before the "
                    "first model runs"
                )
        else:
            numba.config.THREADING_LAYER = layer
        _configured = True
    elif not _configured:
        if "NUMBA_THREADING_LAYER" not in os.environ and not _layer_started():
            numba.config.THREADING_LAYER = DEFAULT_LAYER
        _configured = True
    if threads is not None:
        numba.set_num_threads(threads)


def threading_info() -> dict[str, object]:
    """The thread count and the threading layer (chosen, or in use once kernels ran)."""
    import numba

    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet: the layer chosen so far
        layer = numba.config.THREADING_LAYER
    return {"threads": numba.get_num_threads(), "threading_layer": layer}

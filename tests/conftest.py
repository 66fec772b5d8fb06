"""Test set-up shared by every test module.

The kernels' threading layer is chosen where kernels first run
(:func:`sim.configure_threads`, called when a model is built). Tests that call
kernels directly, before any model exists, get the same layer as a run: the
package default (``workqueue``, unless ``NUMBA_THREADING_LAYER`` says otherwise).
"""

from sim.kernels import configure_threads

configure_threads()

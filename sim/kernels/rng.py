"""Counter-based random numbers for the kernels.

Every draw is a pure function of a 64-bit stream key and a counter:
``u = uniform(key, counter)``. Keys are derived from ``(seed, month, stage,
round)`` (:func:`stream_key`): the seed's key comes from
:class:`numpy.random.SeedSequence` (cached, as building one costs about 0.1 ms),
and month, stage and round are mixed into it in turn with the SplitMix64
finaliser (a bijection of 64-bit words, so keys differ whenever their inputs
do, except for collisions as rare as between random 64-bit words); the counter
is the index of the agent (times the number of draws it makes in that stage,
plus the draw). A draw therefore does
not depend on how agents are split into chunks, on the number of threads, or
on which other agents happen to draw in the same month, so one seed gives
bit-identical results on any machine and a scenario compared with its
baseline shares its random numbers (common random numbers).

The mixing function is the SplitMix64 finaliser (Steele, Lea and Flood 2014,
"Fast splittable pseudorandom number generators", OOPSLA); a counter-based
generator of this kind is what Salmon et al. (2011, "Parallel random numbers:
as easy as 1, 2, 3", SC11) recommend for parallel simulation. It is written
here because NumPy's bit generators cannot be called per element inside a
numba kernel without a sequential state.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit, uint64

__all__ = ["stream_key", "uniform", "normal", "logistic", "STAGES"]

_GOLDEN = uint64(0x9E3779B97F4A7C15)
_M1 = uint64(0xBF58476D1CE4E5B9)
_M2 = uint64(0x94D049BB133111EB)
_INV_2_53 = 1.0 / 9007199254740992.0

#: Stage numbers: each stage of the month draws from its own streams. The one list of
#: them: a number used twice would make two stages share their random numbers (a test
#: checks that they are unique).
STAGES: dict[str, int] = {
    "flows": 1,
    "applications": 2,
    "demography": 11,
    "training": 12,
    "firm_dynamics": 13,
    "remote_work_stable": 16,  # a worker's fixed telework, broadband and hybrid draws
    "remote_work_constraint": 17,  # the caring or disability constraint
    "migration": 18,
    "cycle": 19,  # the business cycle's aggregate and regional demand shocks
    "international": 20,  # international migration: emigrants (per row), arrivals
    "public_listing": 21,  # openings each firm lists where the unemployed search (per firm)
    "listed_applications": 22,  # the unemployed's applications to the listed openings
}


@functools.lru_cache(maxsize=256)
def _seed_key(seed: int) -> int:
    return int(np.random.SeedSequence(int(seed)).generate_state(1, np.uint64)[0])


_MASK = (1 << 64) - 1


def _mix_int(z: int) -> int:
    """The SplitMix64 finaliser on a Python int (same as :func:`_mix`)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def stream_key(seed: int, month: int, stage: int, round_: int = 0) -> np.uint64:
    """64-bit key of the stream for one (seed, month, stage, round)."""
    z = _seed_key(int(seed))
    for v in (int(month) + 1, int(stage), int(round_)):
        z = _mix_int((z + (v + 1) * 0x9E3779B97F4A7C15) & _MASK)
    return np.uint64(z)


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> uint64(30))) * _M1
    z = (z ^ (z >> uint64(27))) * _M2
    return z ^ (z >> uint64(31))


@njit(cache=True, inline="always")
def uniform(key, counter):
    """Uniform draw in [0, 1) for ``counter`` (a non-negative integer) of stream ``key``."""
    z = _mix(uint64(key) + (uint64(counter) + uint64(1)) * _GOLDEN)
    return float(z >> uint64(11)) * _INV_2_53


@njit(cache=True, inline="always")
def normal(key, counter):
    """Standard normal draw (Box-Muller) from counters ``2*counter`` and ``2*counter+1``."""
    u1 = uniform(key, uint64(2) * uint64(counter))
    u2 = uniform(key, uint64(2) * uint64(counter) + uint64(1))
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


_LOGISTIC_SCALE = math.sqrt(3.0) / math.pi


@njit(cache=True, inline="always")
def logistic(key, counter):
    """Logistic draw with mean 0 and variance 1 (one uniform, one logarithm)."""
    u = uniform(key, counter)
    u = min(max(u, 1e-300), 1.0 - 1e-16)
    return _LOGISTIC_SCALE * math.log(u / (1.0 - u))

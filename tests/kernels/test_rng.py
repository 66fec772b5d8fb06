"""Tests for sim.kernels.rng: the counter-based uniform and normal streams.

Statistical tolerances are six standard errors of the statistic under the null
hypothesis that the draws are i.i.d. from the target distribution, so a
correct generator fails a check with probability below 1e-8 (and the draws
are deterministic, so a pass is reproducible).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit, uint64

from sim.kernels.rng import STAGES, logistic, normal, stream_key, uniform

N_DRAWS = 1_000_000
SIX_SE = 6.0

keys = st.integers(0, 2**64 - 1)
counters = st.integers(0, 2**62)


@njit(cache=False)
def _uniforms(key, start, n):
    out = np.empty(n)
    for c in range(n):
        out[c] = uniform(key, uint64(start) + uint64(c))
    return out


@njit(cache=False)
def _normals(key, start, n):
    out = np.empty(n)
    for c in range(n):
        out[c] = normal(key, uint64(start) + uint64(c))
    return out


@njit(cache=False)
def _logistics(key, start, n):
    out = np.empty(n)
    for c in range(n):
        out[c] = logistic(key, uint64(start) + uint64(c))
    return out


def _key(seed: int = 7, month: int = 3, stage: int = STAGES["flows"], round_: int = 0):
    return stream_key(seed, month, stage, round_)


# ---------------------------------------------------------------- uniform
@settings(max_examples=200, deadline=None)
@given(key=keys, counter=counters)
def test_uniform_in_unit_interval_and_pure(key: int, counter: int) -> None:
    k = np.uint64(key)
    u = uniform(k, counter)
    assert 0.0 <= u < 1.0
    assert uniform(k, counter) == u  # a pure function of (key, counter)
    # A multiple of 2**-53: exactly the top 53 bits of the mixed word.
    assert (u * 2.0**53) == math.floor(u * 2.0**53)


def test_uniform_extreme_counters_stay_below_one() -> None:
    k = _key()
    for c in (0, 1, 2**32, 2**53, 2**63 - 1):
        u = uniform(k, c)
        assert 0.0 <= u < 1.0


def test_uniform_mean_variance_and_histogram() -> None:
    u = _uniforms(_key(), 0, N_DRAWS)
    assert u.min() >= 0.0 and u.max() < 1.0
    # Mean: s.e. = sqrt(1/12 / n).
    assert abs(u.mean() - 0.5) < SIX_SE * math.sqrt(1.0 / 12.0 / N_DRAWS)
    # Variance: Var((U - 1/2)^2) = E(U - 1/2)^4 - (1/12)^2 = 1/80 - 1/144 = 1/180.
    var = np.mean((u - 0.5) ** 2)
    assert abs(var - 1.0 / 12.0) < SIX_SE * math.sqrt(1.0 / 180.0 / N_DRAWS)
    # Chi-square on 100 equal bins: 99 degrees of freedom, mean 99, sd sqrt(198).
    counts = np.bincount((u * 100).astype(np.int64), minlength=100)
    expected = N_DRAWS / 100
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    assert chi2 < 99 + SIX_SE * math.sqrt(2 * 99)
    # Lag-1 serial correlation of consecutive counters: s.e. 1/sqrt(n).
    r = np.corrcoef(u[:-1], u[1:])[0, 1]
    assert abs(r) < SIX_SE / math.sqrt(N_DRAWS)


def test_different_keys_give_different_uncorrelated_streams() -> None:
    n = 100_000
    streams = [
        _uniforms(stream_key(seed, month, stage, rnd), 0, n)
        for seed, month, stage, rnd in [(1, 0, 1, 0), (2, 0, 1, 0), (1, 1, 1, 0), (1, 0, 2, 0),
                                         (1, 0, 1, 1)]
    ]
    for a in range(len(streams)):
        for b in range(a + 1, len(streams)):
            # Two independent streams agree on a 53-bit draw with probability 2**-53.
            assert np.count_nonzero(streams[a] == streams[b]) == 0
            r = np.corrcoef(streams[a], streams[b])[0, 1]
            assert abs(r) < SIX_SE / math.sqrt(n)


@settings(max_examples=100, deadline=None)
@given(k1=keys, k2=keys)
def test_distinct_keys_give_distinct_draws(k1: int, k2: int) -> None:
    a = _uniforms(np.uint64(k1), 0, 16)
    b = _uniforms(np.uint64(k2), 0, 16)
    if k1 == k2:
        assert np.array_equal(a, b)
    else:
        # Sixteen 53-bit draws agree by chance with probability ~2**-848 (keys that
        # differ by a multiple of the counter step give shifted, still distinct, runs).
        assert not np.array_equal(a, b)


# ---------------------------------------------------------------- stream_key
@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    month=st.integers(0, 10_000),
    stage=st.sampled_from(sorted(STAGES.values())),
    round_=st.integers(0, 20),
)
def test_stream_key_deterministic_and_sensitive(seed, month, stage, round_) -> None:
    k = stream_key(seed, month, stage, round_)
    assert isinstance(k, np.uint64)
    assert stream_key(seed, month, stage, round_) == k
    assert stream_key(seed + 1, month, stage, round_) != k
    assert stream_key(seed, month + 1, stage, round_) != k
    assert stream_key(seed, month, stage, round_ + 1) != k
    other = [s for s in STAGES.values() if s != stage]
    assert all(stream_key(seed, month, s, round_) != k for s in other)


def test_stream_keys_distinct_over_a_run() -> None:
    ks = {
        int(stream_key(42, m, s, r))
        for m in range(120)
        for s in STAGES.values()
        for r in range(5)
    }
    assert len(ks) == 120 * len(STAGES) * 5


def test_stages_distinct() -> None:
    assert len(set(STAGES.values())) == len(STAGES)


# ---------------------------------------------------------------- normal
def test_normal_moments() -> None:
    z = _normals(_key(stage=STAGES["applications"]), 0, N_DRAWS)
    assert np.all(np.isfinite(z))
    assert abs(z.mean()) < SIX_SE * math.sqrt(1.0 / N_DRAWS)
    # Var(Z^2) = E Z^4 - 1 = 2.
    assert abs(np.mean(z**2) - 1.0) < SIX_SE * math.sqrt(2.0 / N_DRAWS)
    # Tails: P(|Z| > 2) = 0.0455; binomial s.e.
    p = 0.04550026
    assert abs(np.mean(np.abs(z) > 2.0) - p) < SIX_SE * math.sqrt(p * (1 - p) / N_DRAWS)
    # Third and fourth moments: s.e. sqrt(Var(Z^3) / n), sqrt(Var(Z^4) / n).
    assert abs(np.mean(z**3)) < SIX_SE * math.sqrt(15.0 / N_DRAWS)  # Var(Z^3) = 15
    assert abs(np.mean(z**4) - 3.0) < SIX_SE * math.sqrt(96.0 / N_DRAWS)  # Var(Z^4) = 96


@settings(max_examples=100, deadline=None)
@given(key=keys, counter=st.integers(0, 2**60))
def test_normal_is_box_muller_of_its_two_uniforms(key: int, counter: int) -> None:
    k = np.uint64(key)
    u1 = uniform(k, 2 * counter)
    u2 = uniform(k, 2 * counter + 1)
    expected = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
    z = normal(k, counter)
    assert math.isfinite(z)
    assert z == expected or abs(z - expected) <= 1e-12 * max(1.0, abs(expected))


# ---------------------------------------------------------------- logistic
def test_logistic_moments() -> None:
    """Logistic with scale sqrt(3)/pi: mean 0, variance 1, E X^4 = 4.2 (excess kurtosis 1.2)."""
    x = _logistics(_key(stage=STAGES["applications"]), 0, N_DRAWS)
    assert np.all(np.isfinite(x))
    assert abs(x.mean()) < SIX_SE * math.sqrt(1.0 / N_DRAWS)
    # Var(X^2) = E X^4 - 1 = 3.2.
    assert abs(np.mean(x**2) - 1.0) < SIX_SE * math.sqrt(3.2 / N_DRAWS)
    # CDF at 1: 1 / (1 + exp(-pi / sqrt 3)).
    p = 1.0 / (1.0 + math.exp(-math.pi / math.sqrt(3.0)))
    assert abs(np.mean(x <= 1.0) - p) < SIX_SE * math.sqrt(p * (1 - p) / N_DRAWS)


@settings(max_examples=100, deadline=None)
@given(key=keys, counter=counters)
def test_logistic_is_the_quantile_of_its_uniform(key: int, counter: int) -> None:
    k = np.uint64(key)
    u = uniform(k, counter)
    x = logistic(k, counter)
    assert math.isfinite(x)
    u = min(max(u, 1e-300), 1.0 - 1e-16)
    expected = math.sqrt(3.0) / math.pi * math.log(u / (1.0 - u))
    assert abs(x - expected) <= 1e-12 * max(1.0, abs(expected))


def test_logistic_bounded_by_its_clipping() -> None:
    # u is clipped to [1e-300, 1 - 1e-16], so |x| <= sqrt(3)/pi * ln(1e300) (about 381).
    bound = math.sqrt(3.0) / math.pi * math.log(1e300) + 1e-9
    for key in (np.uint64(0), _key(seed=99)):
        x = _logistics(key, 0, 200_000)
        assert np.all(np.isfinite(x)) and np.all(np.abs(x) <= bound)


@settings(max_examples=200, deadline=None)
@given(z=st.integers(0, 2**64 - 1))
def test_key_mixing_in_python_equals_the_kernels_mix(z: int) -> None:
    from sim.kernels.rng import _mix, _mix_int

    assert _mix_int(z) == int(_mix(np.uint64(z)))

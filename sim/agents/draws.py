r"""The draws that make a new worker or a new firm, written once.

The starting economy (:mod:`sim.agents.economy`), the cohorts that enter each
month (:mod:`sim.mechanisms.demography`) and the firms that enter
(:mod:`sim.mechanisms.firm_dynamics`) all make agents the same way; these
functions hold each rule once. They take the random numbers already drawn, so
that each caller keeps its own order of draws (and its results).

* a category from per-group probabilities, by inversion of a uniform:
  ``k = #{c : u >= F_g(c)}`` with ``F_g`` the cumulative probabilities of group ``g``
  (:func:`categorical`);
* human capital within a skill level, lognormal with mean 1:
  :math:`h = e^{\sigma z - \sigma^2 / 2}` (:func:`human_capital`);
* remote capability: the occupation's teleworkable share times the home's broadband
  coverage, :math:`u < \tau_o b_p` (:func:`remote_capable`);
* sector shares with the knowledge-intensive share tilted by a place's R&D intensity
  :math:`x_p`: the share is multiplied by :math:`\sqrt{x_p / \bar x}`, then rows are
  renormalised (:func:`sector_probabilities`);
* a newcomer's potential wage (entrants, immigrants), GBP a week: the bargained wage
  over the benefit ``b`` on the value added :math:`y = \bar A_p q_s h` at the mean
  productivity :math:`\bar A_p` of the place's live firms
  (:func:`local_productivity`, :func:`potential_wage`);
* firm productivity, GBP of value added a week per efficiency unit of labour:
  :math:`A_j = \text{GVA per hour}_p \times H \times \mu_{sector}
  \times e^{\sigma z - \sigma^2 / 2}` (:func:`firm_productivity`).
"""

from __future__ import annotations

import numpy as np

from sim.agents.wages import bargained_wage

__all__ = [
    "KNOWLEDGE_SECTOR",
    "categorical",
    "firm_productivity",
    "human_capital",
    "local_productivity",
    "potential_wage",
    "remote_capable",
    "sector_probabilities",
]

#: Index of the knowledge-intensive sector (:data:`sim.agents.firms.SECTOR_NAMES`).
KNOWLEDGE_SECTOR = 4


def categorical(u: np.ndarray, probs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category per row from ``probs[group[row]]`` (rows of ``probs`` sum to 1).

    Args:
        u: (n,) uniforms in [0, 1), one per row.
        probs: (G, K) probabilities by group.
        group: (n,) group of each row.

    Returns:
        (n,) int8 categories (the last category takes any rounding shortfall).
    """
    probs = np.asarray(probs, dtype=np.float64)
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = np.inf
    out = np.empty(group.shape[0], dtype=np.int8)
    for g in np.unique(group):
        rows = np.flatnonzero(group == g)
        out[rows] = np.searchsorted(cum[g], u[rows], side="right")
    return out


def human_capital(z: np.ndarray, dispersion: float) -> np.ndarray:
    """Lognormal human capital with mean 1 from standard normals ``z`` (s.d. of log)."""
    return np.exp(dispersion * z - 0.5 * dispersion**2)


def remote_capable(
    u: np.ndarray, teleworkable_share: np.ndarray, broadband_share: np.ndarray
) -> np.ndarray:
    """True where ``u < tau_o b_p`` (arrays aligned by row)."""
    return u < teleworkable_share * broadband_share


def local_productivity(firm_place: np.ndarray, productivity: np.ndarray, alive: np.ndarray,
                       fallback: np.ndarray) -> np.ndarray:
    """(P,) mean productivity of each place's live firms, ``fallback`` (P,) where none."""
    n_places = fallback.shape[0]
    n_f = np.bincount(firm_place[alive], minlength=n_places)
    a_sum = np.bincount(firm_place[alive], weights=productivity[alive], minlength=n_places)
    return np.where(n_f > 0, a_sum / np.maximum(n_f, 1), fallback)


def potential_wage(local: np.ndarray, home: np.ndarray, skill_premium: np.ndarray,
                   skill: np.ndarray, h: np.ndarray, bargaining_power: np.ndarray,
                   benefit: float) -> np.ndarray:
    """Bargained wage over ``benefit`` on ``local[home] * skill_premium[skill] * h``."""
    y = local[home] * skill_premium[skill] * h
    return bargained_wage(benefit, bargaining_power[home], np.maximum(y, benefit))


def sector_probabilities(shares: np.ndarray, intensity: np.ndarray) -> np.ndarray:
    """(P, S) sector probabilities by place, knowledge-intensive share tilted by intensity.

    Args:
        shares: (S,) national employment shares by sector.
        intensity: (P,) R&D or knowledge per working-age person (any positive unit).
    """
    intensity = np.asarray(intensity, dtype=np.float64)
    tilt = np.sqrt(intensity / max(float(intensity.mean()), 1e-12))
    probs = np.tile(np.asarray(shares, dtype=np.float64), (intensity.size, 1))
    probs[:, KNOWLEDGE_SECTOR] *= np.where(np.isfinite(tilt) & (tilt > 0), tilt, 1.0)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs


def firm_productivity(
    gva_per_hour: np.ndarray,
    hours_per_week: float,
    sector_productivity: np.ndarray,
    z: np.ndarray,
    dispersion: float,
) -> np.ndarray:
    """Firm productivity, GBP a week per efficiency unit (arrays aligned by firm).

    Args:
        gva_per_hour: GVA per hour of the firm's place, GBP.
        hours_per_week: paid hours a week.
        sector_productivity: the firm's sector multiplier.
        z: standard normals, one per firm.
        dispersion: s.d. of log productivity within place and sector.
    """
    return (
        gva_per_hour * hours_per_week * sector_productivity
        * np.exp(dispersion * z - 0.5 * dispersion**2)
    )

r"""A business cycle: aggregate and regional demand shocks (issue 9, item 3).

Off in the steady-state baseline (``[cycle] enabled = false``); on in
``scenarios/baseline-cycle.toml``. Each month, before firms set their targets
(:data:`sim.core.model.MONTH`), the log demand of place ``p`` moves by an
aggregate and a regional shock, each a first-order autoregression:

.. math::

    z_t = \rho_a z_{t-1} + \sigma_a \varepsilon_t, \qquad
    r_{p,t} = \rho_r r_{p,t-1} + \sigma_r \eta_{p,t}, \qquad
    C_{p,t} = e^{z_t + r_{p,t}}

with :math:`\varepsilon_t, \eta_{p,t}` independent standard normal draws
(the regional shocks are independent across places; places move together
through :math:`z_t`). :math:`C_{p,t}` multiplies the demand term of every firm's
target size (:attr:`sim.mechanisms.firm_dynamics.FirmDynamics.shock`), so in
a downturn targets fall: firms post fewer vacancies (hiring follows targets,
``max(target - employment, 0)``) and firms left above their target shed a
share :math:`\kappa` of the excess each month, through an extra layoff
probability of each of their workers in the flows pass
(:func:`sim.kernels.flows.monthly_flows`):

.. math::

    \ell_j = \kappa \, \frac{\max(n_j - N^*_j, 0)}{n_j}

on top of the idiosyncratic layoff rate (:math:`n_j` the firm's employment,
:math:`N^*_j` its target), so the flow from employment to unemployment rises
in downturns. The shedding is part of the cycle: without it (``enabled =
false``) every :math:`\ell_j` is 0 and every number of the model is as before.
:math:`C_{p,t}` is the median multiplier, 1; its mean is
:math:`e^{\mathrm{var}/2}`, about 1.0003 at the defaults.

**Start.** By default :math:`z_0 = r_{p,0} = 0`: the calibrated start is the
steady state, and after the default 60-month burn-in the shocks' variance is
:math:`1 - \rho^{120}` = 99% of the stationary one. With ``stationary_start``
they are drawn from the stationary distribution,
:math:`N(0, \sigma^2 / (1 - \rho^2))`.

**Defaults.** The persistence is set from the UK vacancy-unemployment cycle:
the vacancy-unemployment ratio has a quarterly autocorrelation of about 0.9
(ONS vacancy survey and Labour Force Survey, 2001-2019; Shimer 2005, AER
95(1), reports 0.94 for the United States), so :math:`\rho_a = 0.9^{1/3}`
= 0.965 a month (half-life 19 months). The volatility gives a stationary
standard deviation of log demand of 2%: :math:`\sigma_a = 0.02 \sqrt{1 -
0.965^2}` = 0.005 a month, the order of the cyclical standard deviation of UK
employment, about 1% to 2% around its trend (ESTIMATE). Regional shocks are as
persistent (Blanchard and Katz 1992, BPEA 1: regional employment shocks
last years) and half as volatile, stationary s.d. 1% (ESTIMATE: the spread of
ITL1 employment rates about the national rate moves by about a percentage
point over a cycle). Firms close a quarter of the gap to a lower target each
month, :math:`\kappa` = 0.25 (ESTIMATE: employment lags output by about a
quarter, the labour hoarding of UK firms in 2008-2009; 1 - 0.75^3 = 58% of
the gap closed in a quarter). Draws come from the ``"cycle"`` stream
(:data:`sim.kernels.rng.STAGES`), one normal for the nation and one per place
each month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.config.section import Section
from sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from sim.mechanisms.base import MarketState

__all__ = ["Cycle", "CycleParams", "CycleProcess"]


class CycleParams(Section):
    """Parameters of ``[cycle]``."""

    enabled: bool = Field(
        False, description="aggregate and regional demand shocks (off: the steady state)"
    )
    aggregate_persistence: float = Field(
        0.965, ge=0.0, lt=1.0,
        description="rho_a, monthly autocorrelation of the aggregate log-demand shock "
        "(0.9 a quarter: UK vacancy-unemployment ratio, ONS; Shimer 2005)",
    )
    aggregate_volatility: float = Field(
        0.005, ge=0.0, le=0.2,
        description="sigma_a, monthly innovation s.d. of the aggregate log-demand shock, log "
        "points (ESTIMATE: stationary s.d. 2%, the cyclical s.d. of UK employment)",
    )
    regional_persistence: float = Field(
        0.965, ge=0.0, lt=1.0,
        description="rho_r, monthly autocorrelation of each place's log-demand shock "
        "(ESTIMATE: as the aggregate; Blanchard and Katz 1992)",
    )
    regional_volatility: float = Field(
        0.0025, ge=0.0, le=0.2,
        description="sigma_r, monthly innovation s.d. of each place's log-demand shock, "
        "independent across places, log points (ESTIMATE: stationary s.d. 1%)",
    )
    stationary_start: bool = Field(
        False,
        description="draw the shocks at start from their stationary distribution (false: "
        "start at 0, the calibrated steady state)",
    )
    excess_shedding_share: float = Field(
        0.25, ge=0.0, le=1.0,
        description="kappa, share of employment above a firm's target shed each month by "
        "extra layoffs, a month (ESTIMATE: employment lags output by about a quarter)",
    )


class CycleProcess:
    """The shock processes alone: aggregate ``z`` and regional ``r`` (log demand).

    Args:
        params: the ``[cycle]`` section.
        n_places: number of places.
        start: standard normal draws for the start, shape ``(1 + n_places,)`` (the
            aggregate first), used only with ``stationary_start``.

    Attributes:
        aggregate: ``z_t``, the aggregate log-demand shock.
        regional: (P,) ``r_{p,t}``, the regional log-demand shocks.
    """

    def __init__(self, params: CycleParams, n_places: int, start: np.ndarray | None = None):
        self.params = params
        self.aggregate = 0.0
        self.regional = np.zeros(n_places)
        if params.stationary_start:
            if start is None or start.shape != (1 + n_places,):
                raise ValueError(f"start: need {1 + n_places} standard normal draws")
            self.aggregate = float(start[0]) * self.stationary_sd(
                params.aggregate_persistence, params.aggregate_volatility
            )
            self.regional = start[1:] * self.stationary_sd(
                params.regional_persistence, params.regional_volatility
            )

    @staticmethod
    def stationary_sd(rho: float, sigma: float) -> float:
        """Stationary standard deviation of an AR(1), ``sigma / sqrt(1 - rho^2)``."""
        return sigma / np.sqrt(1.0 - rho * rho)

    def advance(self, draws: np.ndarray) -> None:
        """One month: ``draws`` are ``1 + P`` standard normals (the aggregate first)."""
        p = self.params
        self.aggregate = p.aggregate_persistence * self.aggregate + p.aggregate_volatility * float(
            draws[0]
        )
        self.regional = p.regional_persistence * self.regional + p.regional_volatility * draws[1:]

    @property
    def multiplier(self) -> np.ndarray:
        """(P,) demand multiplier ``exp(z_t + r_{p,t})`` by place."""
        return np.exp(self.aggregate + self.regional)


class Cycle(Mechanism):
    """Aggregate and regional demand shocks, and the shedding of excess employment.

    Attributes:
        process: the shock processes (:class:`CycleProcess`).
    """

    SECTION = "cycle"

    def __init__(self, state: MarketState) -> None:
        super().__init__(state)
        n = state.n_places
        start = None
        if self.params.stationary_start:
            # The start's draws: the cycle stream of month 0 with an extra word 1 (the
            # monthly draws have none).
            start = state.generator("cycle", 1, month=0).standard_normal(1 + n)
        self.process = CycleProcess(self.params, n, start)

    @property
    def shock(self) -> np.ndarray:
        """(P,) this month's demand multiplier ``exp(z_t + r_{p,t})`` by place."""
        return self.process.multiplier

    def _firm_dynamics(self, state: MarketState):
        fd = state.mechanism("firm_dynamics")
        if fd is None or not hasattr(fd, "shock"):
            raise RuntimeError("the business cycle needs the firm_dynamics mechanism")
        return fd

    def step(self, state: MarketState) -> None:
        """Advance the shocks a month and hand the multiplier to the firms' targets."""
        draws = state.generator("cycle").standard_normal(1 + state.n_places)
        self.process.advance(draws)
        self._firm_dynamics(state).shock = self.process.multiplier

    def kernel_params(self, state: MarketState) -> np.ndarray:
        """(F,) extra monthly layoff probability of each firm's workers, ``l_j``: a share
        ``kappa`` of the employment above target (0 everywhere when disabled)."""
        f = state.firms
        shed = np.zeros(len(f))
        if not self.enabled or self.params.excess_shedding_share == 0.0:
            return shed
        emp = f.employment.astype(np.float64)
        excess = np.maximum(emp - f.target_size, 0.0)
        ok = f.alive & (emp > 0)
        shed[ok] = self.params.excess_shedding_share * excess[ok] / emp[ok]
        return shed

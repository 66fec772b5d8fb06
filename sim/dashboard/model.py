"""PolicyDashboardModel: a baseline run and a policy run in lockstep, as one Mesa model.

Mesa's SolaraViz steps, plays and resets one :class:`mesa.Model`, rebuilding it from the
``model_params`` sliders on reset. This wrapper holds the two runs of a comparison
(:mod:`sim.comparison.pairs`): the baseline and the same scenario with the picked lever,
with one seed (common random numbers), so they are identical until the lever's first
month, which :meth:`PolicyDashboardModel.step` checks. Each step is one recorded month
of both runs, after which the additionality account (:class:`~sim.comparison.account.
AccountTracker`) and the spend so far are measured.

Both runs start from one model at the end of its burn-in, taken from a
:class:`~sim.dashboard.cache.BurnInCache`: a reset after moving a lever picker reuses it,
and only a change to the scale, the geography, the seed or a behavioural parameter runs
a new burn-in.

Units: budget in GBP million (the sliders), spend in GBP, the account in people, the
cost per net additional job in GBP.
"""

from __future__ import annotations

import math
from datetime import date

import mesa
import numpy as np
import pandas as pd

from sim.comparison.account import AREAS, TERMS
from sim.comparison.pairs import Lockstep, first_policy_month
from sim.config.scenario import Scenario
from sim.core.calendar import calendar_months
from sim.core.model import LabourMarket
from sim.dashboard.cache import BurnInCache, install_policies, without_levers
from sim.dashboard.levers import GEOGRAPHIES, lever_table, policy_scenario

__all__ = ["DEFAULT_CACHE", "LEVER_STATUSES", "PolicyDashboardModel", "lever_status_at"]

#: The cache every dashboard model uses unless given its own (one per server process).
DEFAULT_CACHE = BurnInCache()
#: Where the lever is after a month: before its first month, spending, or spent.
LEVER_STATUSES = ("before start", "spending", "after")


def lever_status_at(month: int, start_month: int, months: int) -> str:
    """The lever's status once recorded month ``month`` is done (0: none yet).

    Args:
        month: recorded months done.
        start_month: the lever's first month of spending.
        months: its months of spending.

    Returns:
        ``"before start"`` (``month < start_month``), ``"spending"`` (``month`` is one of
        its months) or ``"after"`` (its last month is done).
    """
    if month < start_month:
        return LEVER_STATUSES[0]
    if month < start_month + months:
        return LEVER_STATUSES[1]
    return LEVER_STATUSES[2]


class PolicyDashboardModel(mesa.Model):
    """The dashboard's model: a baseline and a policy run stepped together.

    Every argument is keyword-only, as Mesa's visualisation rebuilds the model from its
    ``model_params`` on reset.

    Args:
        base: the baseline scenario (its levers, if any, are left out); the default UK
            baseline when None.
        lever: the lever (:data:`~sim.policies.levers.LEVERS`).
        target: an ITL1 region's name or a group (:mod:`sim.policies.targets`).
        budget_gbp_m: the lever's budget, GBP million.
        start_month: the lever's first recorded month.
        policy_months: the months the lever spends over.
        geography: ``"regions"`` or ``"districts"`` (:data:`~sim.dashboard.levers.GEOGRAPHIES`).
        distance_decay_per_minute: ``search.distance_decay_per_minute`` (None: the base's).
        applications_per_searcher: ``search.applications_per_searcher`` (None: the base's).
        scale: ``run.scale``, agents per person (None: the base's).
        rng: the seed of both runs (None: ``run.seed``); text is read as an integer (Mesa's
            seed box).
        cache: where the state after burn-in is kept (:data:`DEFAULT_CACHE` when None).

    Attributes:
        baseline, policy: the two :class:`~sim.core.model.LabourMarket` runs.
        scenario_base, scenario_policy: their scenarios.
        first_month: the lever's first month.
        account: one row per month, area and term (``month, area, term, value``: people).
        spend: GBP spent so far (all places).
        cost_path: one row per month: ``month``, ``spend_gbp`` (cumulative),
            ``net_target``, ``net_national`` (people) and the costs per net job (GBP).
    """

    def __init__(
        self,
        *,
        base: Scenario | None = None,
        lever: str = "business_grants",
        target: str = "North East",
        budget_gbp_m: float = 200.0,
        start_month: int = 6,
        policy_months: int = 24,
        geography: str = "regions",
        distance_decay_per_minute: float | None = None,
        applications_per_searcher: int | None = None,
        scale: float | None = None,
        rng: int | str | None = None,
        cache: BurnInCache | None = None,
    ) -> None:
        base = without_levers(base if base is not None else Scenario())
        seed = int(base.run.seed if rng in (None, "") else rng)
        super().__init__(rng=seed)
        changes: dict[str, object] = {"run.geography": GEOGRAPHIES.get(geography, geography)}
        if distance_decay_per_minute is not None:
            changes["search.distance_decay_per_minute"] = float(distance_decay_per_minute)
        if applications_per_searcher is not None:
            changes["search.applications_per_searcher"] = int(applications_per_searcher)
        if scale is not None:
            changes["run.scale"] = float(scale)
        self.scenario_base = base.with_changes(changes)
        table = lever_table(lever, target, budget_gbp_m, start_month, policy_months,
                            self.scenario_base.run.geography)
        self.scenario_policy = policy_scenario(self.scenario_base, table)
        self.seed = seed
        self.cache = cache if cache is not None else DEFAULT_CACHE
        self.baseline: LabourMarket = self.cache.burned_in(self.scenario_base, seed)
        self.policy: LabourMarket = install_policies(
            self.cache.burned_in(self.scenario_base, seed), self.scenario_policy)
        self.first_month = first_policy_month(self.scenario_policy) or 1
        self.horizon = self.scenario_base.run.months
        self.pair = Lockstep(self.baseline, self.policy, self.first_month)
        self._rows: list[tuple[int, str, str, float]] = []
        self._costs: list[tuple[int, float, float, float]] = []
        self.spend = 0.0

    # ------------------------------------------------------------------ stepping
    @property
    def month(self) -> int:
        """Recorded months of both runs."""
        return self.baseline.month

    def step(self) -> None:
        """One recorded month of both runs, then the account and the spend."""
        month = self.month + 1
        terms = self.pair.step()
        for area, values in terms.items():
            self._rows.extend((month, area, term, value) for term, value in values.items())
        self.spend += float(self.policy.national.get("policy_spend", 0.0))
        self._costs.append((month, self.spend, terms["target"]["net"],
                            terms["national"]["net"]))
        self.running = self.month < self.horizon

    @property
    def calendar_month(self) -> date:
        """The calendar month of the latest recorded month (its first day; before the
        first month, the last month of the burn-in), from ``run.start``."""
        return calendar_months(self.scenario_base.run.start, [self.month])[0]

    @property
    def lever_status(self) -> str:
        """Where the lever is now (:func:`lever_status_at`)."""
        lever = self.scenario_policy.policy[0]
        return lever_status_at(self.month, lever.start_month, lever.months)

    # ------------------------------------------------------------------ reading
    @property
    def account(self) -> pd.DataFrame:
        """The account so far: ``month, area, term, value`` (people)."""
        return pd.DataFrame(self._rows, columns=["month", "area", "term", "value"])

    @property
    def cost_path(self) -> pd.DataFrame:
        """Spend so far and cost per net additional job, month by month (GBP)."""
        df = pd.DataFrame(self._costs,
                          columns=["month", "spend_gbp", "net_target", "net_national"])
        for area in AREAS:
            df[f"cost_per_net_job_{area}"] = [
                cost_per_job(s, n) for s, n in zip(df["spend_gbp"], df[f"net_{area}"],
                                                   strict=True)]
        return df

    def account_table(self) -> pd.DataFrame:
        """The latest month's account: one row per term, one column per area (people),
        with the spend so far and the cost per net additional job (GBP) below."""
        cols = list(AREAS)
        if not self._rows:
            table = pd.DataFrame(np.nan, index=list(TERMS), columns=cols)
        else:
            acc = self.account
            last = acc[acc["month"] == acc["month"].max()]
            table = last.pivot(index="term", columns="area", values="value")
            table = table.reindex(index=[t for t in TERMS if t in table.index], columns=cols)
        table.loc["spend so far (GBP)"] = self.spend
        nets = table.loc["net"] if "net" in table.index else pd.Series(math.nan, index=cols)
        table.loc["cost per net job (GBP)"] = [cost_per_job(self.spend, nets[a]) for a in cols]
        return table

    def national(self) -> pd.DataFrame:
        """Both runs' national indicators: ``run`` (baseline, policy), ``month``, ..."""
        frames = [m.national_frame().assign(run=name)
                  for name, m in (("baseline", self.baseline), ("policy", self.policy))]
        return pd.concat(frames, ignore_index=True)

    def places_now(self, indicator: str) -> pd.DataFrame:
        """This month's ``indicator`` by place: columns ``baseline``, ``policy`` and
        ``difference`` (policy less baseline), indexed by place code."""
        b = self.baseline.regions_frame()[indicator].astype(float)
        p = self.policy.regions_frame()[indicator].astype(float)
        return pd.DataFrame({"baseline": b, "policy": p, "difference": p - b})


def cost_per_job(spend: float, net: float) -> float:
    """GBP per net additional job: ``spend / net``, NaN when nothing is spent or the net
    is not positive (the policy bought no jobs yet)."""
    if not spend or not np.isfinite(net) or net <= 0:
        return math.nan
    return float(spend) / float(net)

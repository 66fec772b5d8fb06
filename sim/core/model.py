"""LabourMarket: the Mesa model that runs the monthly schedule.

One step is one month. The schedule built so far (DESIGN.md, steps 4, 6, 7, 9):

1. **Flows** (:func:`sim.kernels.flows.monthly_flows`): layoffs (including the
   workers of firms that exit this month), exits from and entries to the labour
   force, the decision to search on the job, and the slow adjustment of
   incumbents' wages to the going rate; firms' employment follows each
   separation.
2. **Vacancies**: each firm posts ``max(target_size - employment, 0)``.
3. **Search and matching** (:mod:`sim.kernels.matching`): ``matching_rounds``
   rounds of applications, ranking, offers and hires.
4. **Wages**: hires are paid the bargained wage. Bargaining power in place
   ``p`` moves with local tightness (a wage curve):
   ``phi_p = phi (theta_p / theta_ref)^eta`` with ``theta_p = V_p / U_p`` last
   month and ``theta_ref`` the national tightness at the start.
5. **Aggregation**: the Region agents take this month's indicators and the
   Mesa :class:`~mesa.DataCollector` records them (after burn-in).

The model is built at the end of its burn-in (``run.burn_in_months`` months
simulated and not recorded), so ``model.run_for(n)`` records months 1..n.

Example:
    >>> import sim
    >>> model = sim.LabourMarket(sim.load_scenario("scenarios/baseline.toml"), rng=42)
    >>> model.run_for(12)
    >>> model.places_frame().head()
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.agents.economy import build_economy
from sim.agents.regions import PLACE_INDICATORS, Region
from sim.agents.tables import RowView
from sim.agents.workers import ABSENT, EMPLOYED, UNEMPLOYED
from sim.config.checks import validate_for_geography
from sim.config.scenario import Scenario, load_scenario
from sim.core.metrics import INEQUALITY_INDICATORS, coefficient_of_variation, theil_index
from sim.kernels import configure_threads
from sim.kernels.aggregate import (
    COUNT_COLUMNS,
    N_BINS,
    aggregate_workers,
    bin_edges,
    count_at_or_above,
    histogram_quantile,
)
from sim.kernels.flows import monthly_flows
from sim.kernels.matching import (
    accept_and_hire,
    draw_applications,
    gather_searchers,
    group_by_firm,
    rank_and_offer,
    vacancy_weights,
)
from sim.kernels.rng import STAGES, stream_key
from sim.mechanisms.base import Mechanism
from sim.mechanisms.demography import Demography
from sim.mechanisms.firm_dynamics import FirmDynamics
from sim.mechanisms.green import Green
from sim.mechanisms.knowledge import Knowledge
from sim.mechanisms.migration import Migration
from sim.mechanisms.remote_work import RemoteWork
from sim.mechanisms.training import Training
from sim.world.geography import geography_from_options
from sim.world.places import PlaceState, straight_line_km

__all__ = ["LabourMarket", "StockFlowError"]

_COL = {name: k for k, name in enumerate(COUNT_COLUMNS)}


class StockFlowError(AssertionError):
    """A stock-flow identity of the model failed (a bug, never a user error)."""


class LabourMarket(mesa.Model):
    """A spatial labour market: workers, firms and regions on a transport network.

    Args:
        scenario: a validated :class:`~sim.config.scenario.Scenario`, a path to a TOML file,
            or ``None`` for the default UK baseline.
        rng: seed for every random draw (defaults to ``scenario.run.seed``). Must be
            an integer so that runs can be reproduced and recorded.
        n_workers: total worker agents instead of ``scale`` x working-age population
            (used by benchmarks).
        record: collect indicators each month (turn off for pure throughput runs).
        debug: check stock-flow identities every month (slower).
        on_month: called after each burn-in month (for a progress bar).

    Attributes:
        workers: the worker table (:class:`~sim.agents.workers.Workers`).
        firms: the firm table (:class:`~sim.agents.firms.Firms`).
        regions: the Region agents (:class:`mesa.agent.AgentSet`).
        geography: places and travel times (:class:`~sim.world.geography.Geography`).
        month: months simulated since the end of burn-in.
        datacollector: the Mesa DataCollector (regions as agents, national as model).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        rng: int | None = None,
        n_workers: int | None = None,
        record: bool = True,
        debug: bool = False,
        on_month: Callable[[], Any] | None = None,
    ) -> None:
        if scenario is None:
            scenario = Scenario()
        elif isinstance(scenario, (str, Path)):
            scenario = load_scenario(scenario)
        if not isinstance(scenario, Scenario):
            raise TypeError(f"scenario must be a Scenario or a path, got {type(scenario).__name__}")
        seed = scenario.run.seed if rng is None else rng
        if (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
            or not 0 <= seed < 2**63
        ):
            raise ValueError(f"rng must be an integer seed with 0 <= seed < 2**63, got {seed!r}")
        configure_threads()  # the kernels' threading layer, unless the process chose one
        super().__init__(rng=int(seed))
        self._scenario_config = scenario
        self.seed = int(seed)
        self.record = record
        self.debug = debug

        self.geography = geography_from_options(
            scenario.run.geography, scenario.geography_options.model_dump()
        )
        validate_for_geography(scenario, self.geography, n_workers=n_workers)
        economy = build_economy(self.geography, scenario, self.rng, n_workers=n_workers)
        self.workers = economy.workers
        self.firms = economy.firms
        self._firms_by_place = economy.firms_by_place
        self._place_start = economy.place_start
        self._entry_rate = economy.entry_rate
        self._people_per_agent = 1.0 / economy.agents_per_person
        self.place_state = PlaceState.from_geography(self.geography)
        self._km = straight_line_km(self.geography)

        places = self.geography.places
        for p, code in enumerate(places.index):
            row = places.loc[code]
            Region(
                self, p, str(code), str(row["name"]),
                broadband_share=row["broadband_share"], gva_per_hour_gbp=row["gva_per_hour_gbp"],
            )
        self.regions = self.agents_by_type[Region].sort("index", ascending=True)
        self._regions_in_order = list(self.regions)

        n_places = self.geography.n_places
        s, w = scenario.search, scenario.wages
        minutes = np.ascontiguousarray(self.geography.travel_minutes, dtype=np.float64)
        self._minutes = minutes
        self._decay = np.exp(-s.distance_decay_per_minute * minutes)
        self._decay_remote = np.exp(
            -s.distance_decay_per_minute * w.hybrid_commute_factor * minutes
        )
        self._skill_premium = np.asarray(w.skill_premium, dtype=np.float64)
        self._layoff = np.asarray(scenario.flows.layoff_rate, dtype=np.float64)
        self._edges = bin_edges()
        n_firms = len(self.firms)
        self._cum_place = np.zeros((n_places, n_places))
        self._cum_place_remote = np.zeros((n_places, n_places))
        self._vacancy_start = np.zeros(n_places + 1, dtype=np.int64)
        self._firm_start = np.zeros(n_firms + 1, dtype=np.int64)
        self._searching = np.zeros(len(self.workers), dtype=np.bool_)
        self._flows_scratch = np.empty((2, len(self.workers)), dtype=np.int32)
        #: Rows of the workers who retired last month (absent rows to refill).
        self.retired_rows = np.zeros(0, dtype=np.int64)
        self._retirements = np.zeros(n_places, dtype=np.int64)
        #: Weekly value added less wages by firm at the last aggregation, GBP a week.
        self.firm_profit = np.zeros(len(self.firms))
        #: Entrants this month by home place (filled by the demography mechanism).
        self.entrants = np.zeros(n_places, dtype=np.int64)
        self._present = int(np.count_nonzero(self.workers.status != ABSENT))
        self._counts = np.zeros((n_places, len(COUNT_COLUMNS)))
        self._hist = np.zeros((n_places, N_BINS), dtype=np.int64)
        self._hist_good = np.zeros((n_places, N_BINS), dtype=np.int64)

        self._sim_month = 0  # months simulated, burn-in included
        self.month = 0
        self._phi = np.full(n_places, w.bargaining_power)
        self._theta_ref = self._tightness_reference()
        self.national: dict[str, float] = {}

        # Mechanisms, in the order of the monthly schedule (see the module docstring).
        self.demography = Demography(self)
        self.knowledge = Knowledge(self)
        self.firm_dynamics = FirmDynamics(self)
        self.green = Green(self)
        self.training = Training(self)
        self.remote_work = RemoteWork(self)
        self.migration = Migration(self)
        self.mechanisms: list[Mechanism] = [
            self.demography, self.knowledge, self.firm_dynamics, self.green,
            self.training, self.remote_work, self.migration,
        ]

        self.datacollector = mesa.DataCollector(
            model_reporters={k: _national(k) for k in self.national_columns()},
            agent_reporters={k: k for k in ("code", *PLACE_INDICATORS)},
        )
        self._fit_scratch()  # the demography mechanism may have added spare rows
        # The starting accounts (residents by place, firms' profits), which the first
        # month's mechanisms read as last month's; nothing is recorded.
        self._tally()
        for _ in range(scenario.run.burn_in_months):
            self._advance_month()
            if on_month is not None:
                on_month()

    # ------------------------------------------------------------------ access
    @property
    def scenario(self) -> Scenario:
        """The validated scenario this model runs."""
        return self._scenario_config

    @scenario.setter
    def scenario(self, value: Any) -> None:
        # mesa.Model.__init__ assigns its own experimental Scenario; this model keeps
        # the validated placejobs Scenario instead, set right after.
        pass

    def worker(self, i: int) -> RowView:
        """Read-only view of worker ``i`` (a row of the worker table)."""
        return self.workers.view(i)

    def firm(self, j: int) -> RowView:
        """Read-only view of firm ``j`` (a row of the firm table)."""
        return self.firms.view(j)

    @staticmethod
    def national_columns() -> list[str]:
        """Names of the national indicators recorded each month."""
        cols = [k for k in PLACE_INDICATORS]
        for k in INEQUALITY_INDICATORS:
            cols += [f"theil_{k}", f"cv_{k}"]
        return cols

    # ------------------------------------------------------------------ running
    def step(self) -> None:
        """Simulate one month and record its indicators."""
        self._advance_month()
        self.month += 1
        if self.record:
            self.datacollector.collect(self)

    def _tightness_reference(self) -> float:
        f, wk = self.firms, self.workers
        v = float(np.maximum(f.target_size - f.employment, 0).sum())
        u = float(np.count_nonzero(wk.status == UNEMPLOYED))
        return v / u if u > 0 and v > 0 else 1.0

    def _advance_month(self) -> None:
        sc = self._scenario_config
        s, w, fl = sc.search, sc.wages, sc.flows
        wk, f = self.workers, self.firms
        n_places = self.geography.n_places
        month = self._sim_month
        self._sim_month += 1

        # 1-3. Demography, knowledge, firms, green demand (each when enabled).
        if self.debug:  # workers present at the start of the month, for the stock-flow check
            self._present = int(np.count_nonzero(self.workers.status != ABSENT))
        self.entrants[:] = 0
        for mech in (self.demography, self.knowledge, self.firm_dynamics, self.green):
            if mech.enabled:
                mech.step(self)
        wk, f = self.workers, self.firms  # tables may have grown
        self._fit_scratch()

        # 4. Flows: ageing and retirement, separations (including the workers of firms
        # that exit this month), participation, wage drift. Firms' employment follows.
        separations = np.zeros(n_places, dtype=np.int64)
        self._retirements[:] = 0
        dem, rw = sc.demography, sc.remote_work
        # 5. Training runs inside the flows pass, chunk by chunk (same result as after it),
        # when the mechanism is enabled.
        training_args = self.training.kernel_args(self)
        exiting = np.zeros(len(f), dtype=np.bool_)
        if self.firm_dynamics.enabled:
            exiting[self.firm_dynamics.exited_rows] = True
        self.retired_rows = monthly_flows(
            stream_key(self.seed, month, STAGES["flows"]),
            wk.home, wk.skill, wk.human_capital, wk.status, wk.employer, wk.wage,
            wk.months_unemployed, wk.reservation_wage, wk.age_months, wk.remote,
            wk.constrained, wk.remote_capable, wk.occupation, self._remote_productivity(),
            f.place, f.productivity, exiting, f.employment, self._layoff,
            fl.exit_to_inactivity_employed, fl.exit_to_inactivity_unemployed, self._entry_rate,
            s.on_the_job_search_share,
            rw.constrained_search_share if self.remote_work.enabled else 0.0,
            rw.constrained_exit_multiplier if self.remote_work.enabled else 1.0,
            rw.remote_exit_multiplier if self.remote_work.enabled else 1.0,
            dem.retirement_age_years * 12 if self.demography.enabled else 0,
            self._phi, self._skill_premium, w.benefit_gbp_week, w.replacement_ratio,
            w.reservation_decay, w.adjustment_speed, self._searching, separations,
            self._retirements, self._flows_scratch, wk.training_left, wk.trained_with,
            self.training.enabled, *training_args, self.training.entries,
            self.training.completions,
        )

        # 2. Vacancies.
        np.maximum(f.target_size - f.employment, 0, out=f.vacancies)
        vacancies_posted = np.bincount(f.place, weights=f.vacancies, minlength=n_places)

        # 3. Search and matching.
        searchers = np.flatnonzero(self._searching)
        # The searchers' columns, gathered once a month: row s is worker searchers[s].
        g = gather_searchers(
            searchers, wk.home, wk.skill, wk.human_capital, wk.status, wk.wage,
            wk.reservation_wage, wk.remote_capable, wk.remote, wk.employer,
            wk.constrained, wk.trained_with, wk.occupation,
        )
        unemployed_searching = np.bincount(g[0][g[3] == UNEMPLOYED], minlength=n_places)
        hires = np.zeros(n_places, dtype=np.int64)
        hires_u = np.zeros(n_places, dtype=np.int64)
        j2j = np.zeros(n_places, dtype=np.int64)
        k = s.applications_per_searcher
        for r in range(s.matching_rounds):
            if searchers.size == 0:
                break
            n_vac = int(f.vacancies.sum())
            vacancy_firm = np.empty(n_vac, dtype=np.int32)
            vacancy_prob = np.empty(n_vac)
            vacancy_alias = np.empty(n_vac, dtype=np.int32)
            vac_place = vacancy_weights(
                f.vacancies, f.teleworkable, self._firms_by_place, self._place_start,
                self._decay, self._decay_remote, self._cum_place, self._cum_place_remote,
                vacancy_firm, self._vacancy_start, vacancy_prob, vacancy_alias,
            )
            if vac_place.sum() <= 0:
                break
            n_slots = searchers.size * k
            app_firm = np.empty(n_slots, dtype=np.int32)
            app_wage = np.empty(n_slots, dtype=np.float32)
            app_value = np.empty(n_slots, dtype=np.float32)
            app_remote = np.zeros(n_slots, dtype=np.bool_)
            scores = np.empty(n_slots, dtype=np.float64)
            draw_applications(
                stream_key(self.seed, month, STAGES["applications"], r), searchers, k,
                *g[:9], f.productivity, f.place,
                f.teleworkable, vacancy_firm, self._vacancy_start, vacancy_prob, vacancy_alias,
                self._cum_place,
                self._cum_place_remote, self._minutes, self._phi,
                self._skill_premium, s.remote_search_share, w.commute_cost_gbp_per_minute,
                w.hybrid_commute_factor, s.job_switch_premium, w.benefit_gbp_week,
                f.skill_demand, s.skill_fit_weight, s.ranking_noise, *g[9:],
                self._remote_productivity(),
                sc.training.employer_link_bonus if self.training.enabled else 0.0,
                app_firm, app_wage, app_value, app_remote, scores,
            )
            firm_apps = np.empty(n_slots, dtype=np.int64)
            firm_scores = np.empty(n_slots, dtype=np.float64)
            group_by_firm(app_firm, scores, len(f), self._firm_start, firm_apps, firm_scores)
            offered = np.zeros(n_slots, dtype=np.bool_)
            rank_and_offer(
                self._firm_start, firm_apps, firm_scores, f.vacancies, s.hiring_standard,
                offered,
            )
            hired = np.zeros(searchers.size, dtype=np.bool_)
            accept_and_hire(
                k, searchers, app_firm, app_wage, app_value, app_remote, offered,
                wk.status, wk.employer, wk.wage, wk.months_unemployed, wk.remote, wk.home,
                f.place, f.vacancies, f.employment, hired, hires, hires_u, j2j,
            )
            # Those not hired search again; their columns have not changed.
            keep = ~hired
            searchers = searchers[keep]
            g = tuple(col[keep] for col in g)

        # 8. Migration and housing; remote-work bookkeeping.
        for mech in (self.remote_work, self.migration):
            if mech.enabled:
                mech.step(self)

        if self.debug:
            self.check_stock_flow()

        # 9. Aggregate and set next month's bargaining power.
        self._aggregate(vacancies_posted, hires, hires_u, j2j, separations, unemployed_searching)

    def index_firms(self) -> None:
        """Regroup the live firms by place after firms entered or exited.

        Rebuilds ``firms_by_place`` (firm rows sorted by place, dead firms left out)
        and ``place_start``; O(F). Mechanisms that add or remove firms call it.
        """
        f = self.firms
        alive = np.flatnonzero(f.alive)
        order = alive[np.argsort(f.place[alive], kind="stable")]
        counts = np.bincount(f.place[alive], minlength=self.geography.n_places)
        self._firms_by_place = order.astype(np.int64)
        self._place_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        if self._firm_start.size != len(f) + 1:
            self._firm_start = np.zeros(len(f) + 1, dtype=np.int64)

    def _remote_productivity(self) -> np.ndarray:
        """Proportional productivity effect of a remote job, by occupation (9,)."""
        if not self.remote_work.enabled:
            return np.zeros(9)
        rw = self._scenario_config.remote_work
        return rw.remote_productivity + np.asarray(rw.remote_productivity_by_occupation)

    def _fit_scratch(self) -> None:
        """Resize per-worker scratch arrays after the worker table grew."""
        if self._searching.size != len(self.workers):
            self._searching = np.zeros(len(self.workers), dtype=np.bool_)
            self._flows_scratch = np.empty((2, len(self.workers)), dtype=np.int32)

    # ------------------------------------------------------------------ checks
    def check_stock_flow(self) -> None:
        """Raise :class:`StockFlowError` if an accounting identity fails.

        Checks: employment of each firm equals the workers who name it as employer;
        no vacancy count below zero; every employed worker has a valid employer and
        nobody else has one.
        """
        wk, f = self.workers, self.firms
        emp = wk.status == EMPLOYED
        if np.any(wk.employer[emp] < 0) or np.any(wk.employer[emp] >= len(f)):
            raise StockFlowError("an employed worker has no valid employer")
        if np.any(wk.employer[~emp] != -1):
            raise StockFlowError("a worker who is not employed still names an employer")
        counted = np.bincount(wk.employer[emp], minlength=len(f))
        if not np.array_equal(counted, f.employment):
            bad = int(np.flatnonzero(counted != f.employment)[0])
            raise StockFlowError(
                f"firm {bad}: employment {f.employment[bad]} but {counted[bad]} workers"
            )
        if np.any(f.vacancies < 0):
            raise StockFlowError("a firm has negative vacancies")
        if np.any(f.employment[~f.alive] != 0):
            raise StockFlowError("a firm that exited still employs workers")
        present = int(np.count_nonzero(wk.status != ABSENT))
        expected = self._present + int(self.entrants.sum()) - int(self._retirements.sum())
        if present != expected:
            raise StockFlowError(
                f"workers not conserved: {present} present, expected {expected} "
                f"({self._present} + {int(self.entrants.sum())} entrants - "
                f"{int(self._retirements.sum())} retirements)"
            )

    # ------------------------------------------------------------------ outputs
    def _tally(self) -> None:
        """One pass over the workers: counts by place, wage histograms, firms' profits."""
        wk, f = self.workers, self.firms
        self.firm_profit = np.zeros(len(f))
        aggregate_workers(
            wk.home, wk.status, wk.skill, wk.wage, wk.employer, wk.remote, wk.constrained,
            wk.remote_capable, wk.occupation, self._remote_productivity(), wk.human_capital,
            f.place, f.skill_demand, f.productivity,
            self._skill_premium, self._minutes, self._km,
            self._scenario_config.wages.hybrid_commute_factor,
            self._counts, self._hist, self._hist_good, self.firm_profit,
        )

    def _aggregate(self, vacancies_posted, hires, hires_u, j2j, separations, u_searching) -> None:
        sc = self._scenario_config
        f = self.firms
        self._tally()
        c = self._counts
        scale = self._people_per_agent
        n_places = self.geography.n_places
        firms_per_place = np.bincount(f.place[f.alive], minlength=n_places)
        filled = c[:, _COL["jobs_at_workplace"]]
        national_median = histogram_quantile(self._hist.sum(axis=0), 0.5, self._edges)[0]
        good_line = sc.wages.good_job_pay_fraction * national_median
        good = count_at_or_above(self._hist_good, good_line, self._edges)
        medians = histogram_quantile(self._hist, 0.5, self._edges)

        def rates(num, den):
            num = np.asarray(num, dtype=float)
            den = np.asarray(den, dtype=float)
            return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)

        e, u, i = c[:, _COL["employed"]], c[:, _COL["unemployed"]], c[:, _COL["inactive"]]
        pop = c[:, _COL["population"]]
        per_place = {
            "population": pop * scale,
            "employed": e * scale,
            "unemployed": u * scale,
            "inactive": i * scale,
            "employment_rate": rates(e, pop),
            "unemployment_rate": rates(u, e + u),
            "vacancies": vacancies_posted * scale,
            "vacancy_rate": rates(vacancies_posted, vacancies_posted + filled),
            "hires": hires * scale,
            "separations": separations * scale,
            "job_finding_rate": rates(hires_u, u_searching),
            "job_to_job_rate": rates(j2j, e),
            "median_wage": medians,
            "mean_wage": rates(c[:, _COL["wage_sum"]], e),
            "good_jobs_share": rates(good, e),
            "mean_commute_minutes": rates(c[:, _COL["commute_minutes"]], e),
            "remote_share": rates(c[:, _COL["remote"]], e),
            "firms": firms_per_place.astype(float),
            "agents": pop,
            "gva_per_worker": rates(c[:, _COL["gva_at_workplace"]] * 52.0, filled),
            "skill_share_basic": rates(c[:, _COL["skill_basic"]], pop),
            "skill_share_intermediate": rates(c[:, _COL["skill_intermediate"]], pop),
            "skill_share_advanced": rates(c[:, _COL["skill_advanced"]], pop),
            "in_training": c[:, _COL["training"]] * scale,
            "participation_rate": rates(e + u, pop),
            "constrained_participation_rate": rates(
                c[:, _COL["constrained_active"]], c[:, _COL["constrained"]]
            ),
            "own_place_work_share": rates(c[:, _COL["own_place"]], e),
            "mean_commute_km": rates(c[:, _COL["commute_km"]], e),
            "knowledge_stock": self.place_state.knowledge_stock.copy(),
            "housing_cost": self.place_state.housing_cost.copy(),
            "amenity": self.place_state.amenity.copy(),
            "remote_capable_share": rates(c[:, _COL["remote_capable"]], pop),
            "retirements": self._retirements * scale,
            "entrants": self.entrants * scale,
        }
        mechanism_sums: set[str] = set()
        for mech in self.mechanisms:
            mechanism_sums.update(mech.SUMS)
            for key in mech.INDICATORS:
                per_place.setdefault(key, np.zeros(n_places))
            for key, values in mech.place_indicators(self).items():
                per_place[key] = np.asarray(values, dtype=float)
        for key in PLACE_INDICATORS:
            per_place.setdefault(key, np.full(n_places, np.nan))
        for region in self._regions_in_order:
            p = region.index
            for key, values in per_place.items():
                setattr(region, key, float(values[p]))

        def total(key):
            return float(np.sum(per_place[key]))

        cs = c.sum(axis=0)
        summed = {"population", "employed", "unemployed", "inactive", "vacancies", "hires",
                  "separations", "firms", "agents", "in_training", "knowledge_stock",
                  "retirements", "entrants", *mechanism_sums}
        nat = {key: total(key) for key in summed}
        e_n, u_n, pop_n = cs[_COL["employed"]], cs[_COL["unemployed"]], cs[_COL["population"]]
        nat["employment_rate"] = e_n / pop_n if pop_n else np.nan
        nat["unemployment_rate"] = u_n / (e_n + u_n) if e_n + u_n else np.nan
        v_n, filled_n = vacancies_posted.sum(), filled.sum()
        nat["vacancy_rate"] = v_n / (v_n + filled_n) if v_n + filled_n else np.nan
        nat["job_finding_rate"] = hires_u.sum() / u_searching.sum() if u_searching.sum() else np.nan
        nat["job_to_job_rate"] = j2j.sum() / e_n if e_n else np.nan
        nat["median_wage"] = national_median
        nat["mean_wage"] = cs[_COL["wage_sum"]] / e_n if e_n else np.nan
        nat["good_jobs_share"] = good.sum() / e_n if e_n else np.nan
        nat["mean_commute_minutes"] = cs[_COL["commute_minutes"]] / e_n if e_n else np.nan
        nat["remote_share"] = cs[_COL["remote"]] / e_n if e_n else np.nan
        nat["gva_per_worker"] = (
            52.0 * cs[_COL["gva_at_workplace"]] / filled.sum() if filled.sum() else np.nan
        )
        for k in ("skill_basic", "skill_intermediate", "skill_advanced"):
            nat[f"skill_share_{k[6:]}"] = cs[_COL[k]] / pop_n if pop_n else np.nan
        nat["participation_rate"] = (e_n + u_n) / pop_n if pop_n else np.nan
        nat["constrained_participation_rate"] = (
            cs[_COL["constrained_active"]] / cs[_COL["constrained"]]
            if cs[_COL["constrained"]] else np.nan
        )
        nat["own_place_work_share"] = cs[_COL["own_place"]] / e_n if e_n else np.nan
        nat["mean_commute_km"] = cs[_COL["commute_km"]] / e_n if e_n else np.nan
        weights = per_place["population"]
        for key in PLACE_INDICATORS:
            if key not in nat:
                nat[key] = float(np.nansum(per_place[key] * weights) / weights.sum())
        for key in INEQUALITY_INDICATORS:
            nat[f"theil_{key}"] = theil_index(per_place[key], weights)
            nat[f"cv_{key}"] = coefficient_of_variation(per_place[key], weights)
        self.national = {k: float(v) for k, v in nat.items()}

        # Wage curve: bargaining power moves with last month's local tightness.
        wpar = sc.wages
        theta = rates(vacancies_posted, u_searching)
        theta = np.where(np.isfinite(theta) & (theta > 0), theta, self._theta_ref)
        phi = wpar.bargaining_power * (theta / self._theta_ref) ** wpar.tightness_elasticity
        self._phi = np.clip(phi, 0.01, 0.99)

    def places_frame(self) -> pd.DataFrame:
        """Recorded place indicators: one row per place and month (months from 1)."""
        if self.month == 0 or not self.record:
            return pd.DataFrame(columns=["month", "place", "name", *PLACE_INDICATORS])
        df = self.datacollector.get_agent_vars_dataframe().reset_index()
        step_col = "Step" if "Step" in df.columns else df.columns[0]
        df = df.rename(columns={step_col: "month", "code": "place"})
        df["month"] = df["month"].astype(np.int64)
        names = {r.code: r.name for r in self.regions}
        df = df.drop(columns=[c for c in ("AgentID",) if c in df.columns])
        df.insert(2, "name", df["place"].map(names))
        df = df[["month", "place", "name", *PLACE_INDICATORS]]
        return df.sort_values(["month", "place"], kind="stable").reset_index(drop=True)

    def regions_frame(self) -> pd.DataFrame:
        """This month's indicators, one row per region (index: place code)."""
        rows = {r.code: {"name": r.name, **r.indicators()} for r in self._regions_in_order}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("place")

    def national_frame(self) -> pd.DataFrame:
        """Recorded national indicators: one row per month (months from 1)."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "month", np.arange(1, len(df) + 1))
        return df


def _national(key: str):
    def reporter(model: LabourMarket) -> float:
        return model.national.get(key, float("nan"))

    reporter.__name__ = f"national_{key}"
    return reporter

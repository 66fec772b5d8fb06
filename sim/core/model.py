"""LabourMarket: the Mesa model that runs the month.

One step is one month. The month is declared once, in :data:`MONTH`, and
:meth:`LabourMarket.step` runs exactly that list in that order:

1. **demography**, **knowledge**, **cycle**, **firm_dynamics**, **green**: the
   mechanisms that change the population, the R&D stocks, the business cycle's
   demand shocks, firms (productivity, targets, exits and entry) and
   green-programme demand (each only when enabled; see :mod:`sim.mechanisms`).
2. **flows** (:func:`sim.kernels.flows.monthly_flows`): layoffs (including the
   workers of firms that exit this month, and, with the business cycle, the
   shedding of employment above target), exits from and entries to the labour
   force, the decision to search on the job, retirement, and the slow adjustment
   of incumbents' wages to the going rate; firms' employment follows each
   separation. **Training** runs inside this pass, chunk by chunk, with the
   parameters the training mechanism hands over (same result as a pass of its own).
3. **vacancies**: each firm posts ``max(target_size - employment, 0)``.
4. **matching** (:mod:`sim.kernels.matching`): with ``search.public_listing_share``
   above 0, first a round in which the unemployed apply to the openings firms list in
   their channel; then ``matching_rounds`` rounds of applications, ranking, offers and
   hires in the open market (everyone else, every opening still open); hires are paid
   the bargained wage.
5. **remote_work**, **migration**: broadband-driven remote capability; moves of
   home and housing costs.
6. **aggregate**: the Region agents take this month's indicators
   (:mod:`sim.core.indicators`) and the Mesa :class:`~mesa.DataCollector` records
   them after the burn-in. During the burn-in each place's flows out of inactivity
   (into unemployment and, through the search of the inactive, into work) are scaled so
   that its inactive share stays at its share at the start
   (:meth:`LabourMarket._settle_inactive_flows`); they are fixed from the first recorded month.
7. **wage_curve**: next month's bargaining power by place,
   ``phi_p = phi (theta_p / theta_ref)^eta`` with ``theta_p = V_p / U_p`` this month
   and ``theta_ref`` the national tightness at the start, clipped to
   ``wages.bargaining_power_bounds``.

With ``debug=True`` a **stock_flow_check** runs before the aggregation.

The model has one clock, Mesa's (``model.steps``, ``model.time``, in months). The
burn-in (``run.burn_in_months``) is run through Mesa's own ``step`` when the model
is built and not recorded; :attr:`LabourMarket.month` counts recorded months, so
``model.run_for(n)`` records months 1..n.

Mechanisms see the model only through :class:`~sim.mechanisms.base.MarketState`
(``model.state``).

Example:
    >>> import sim
    >>> model = sim.LabourMarket(sim.load_scenario("scenarios/baseline.toml"), rng=42)
    >>> model.run_for(12)
    >>> model.places_frame().head()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from numba import njit

from sim.agents.economy import build_economy
from sim.agents.regions import Region
from sim.agents.tables import RowView
from sim.agents.workers import ABSENT, EMPLOYED, UNEMPLOYED
from sim.config.checks import validate_for_geography
from sim.config.scenario import Scenario, load_scenario
from sim.core.calendar import calendar_months
from sim.core.columns import PLACE_TABLE_COLUMNS
from sim.core.indicators import NATIONAL_COLUMNS, PLACE_INDICATORS, measured_flows, ratio
from sim.core.indicators import aggregate as aggregate_indicators
from sim.core.mesa_scenario import MesaScenario
from sim.kernels import configure_threads
from sim.kernels.aggregate import (
    COUNT_COLUMNS,
    N_BINS,
    aggregate_workers,
    bin_edges,
)
from sim.kernels.bundles import (
    Applications,
    FirmQueues,
    FlowRates,
    FlowsOutput,
    HireCounts,
    SearchRules,
    TallyOutput,
    VacancyTables,
    WageRules,
    firm_columns,
    make,
    select_rows,
    worker_columns,
)
from sim.kernels.flows import monthly_flows
from sim.kernels.matching import (
    accept_and_hire,
    draw_applications,
    gather_searchers,
    group_by_firm,
    list_openings,
    rank_and_offer,
    vacancy_weights,
)
from sim.mechanisms.base import Accounts, Clock, FirmIndex, MarketState, Mechanism
from sim.mechanisms.cycle import Cycle
from sim.mechanisms.demography import Demography
from sim.mechanisms.firm_dynamics import FirmDynamics
from sim.mechanisms.green import Green
from sim.mechanisms.international import International
from sim.mechanisms.knowledge import Knowledge
from sim.mechanisms.migration import Migration
from sim.mechanisms.remote_work import RemoteWork
from sim.mechanisms.training import Training
from sim.policies.engine import Policies
from sim.world.geographies import geography_from_options
from sim.world.geography import Geography
from sim.world.places import PlaceState, straight_line_km
from sim.world.travel import TravelTimes

__all__ = ["LabourMarket", "MONTH", "StockFlowError"]

#: The month, in the order it runs: a mechanism's scenario section (run when
#: enabled) or a stage of the model's own (``_stage_<name>``).
MONTH: tuple[str, ...] = (
    "policy",  # the levers first, so every mechanism reads them the same month
    "demography",
    "knowledge",
    "cycle",
    "firm_dynamics",
    "green",
    "flows",  # with training inside the pass
    "vacancies",
    "matching",
    "remote_work",
    "migration",
    "international",
    "stock_flow_check",  # only with debug=True
    "aggregate",
    "wage_curve",
)

#: The mechanisms, by scenario section, in the order they are built.
MECHANISMS: dict[str, type[Mechanism]] = {
    "demography": Demography,
    "knowledge": Knowledge,
    "firm_dynamics": FirmDynamics,
    "green": Green,
    "training": Training,
    "remote_work": RemoteWork,
    "international": International,  # before migration, whose steady state reads it
    "migration": Migration,
    "cycle": Cycle,
    "policy": Policies,  # last: its levers attach columns to the tables the others built
}


#: Worker columns the measured flows compare with last month (:func:`measured_flows`).
_MEASURED_COLUMNS = ("status", "home", "age_months", "months_unemployed", "skill")


class StockFlowError(AssertionError):
    """A stock-flow identity of the model failed (a bug, never a user error)."""


@dataclass
class _MonthFlows:
    """Flows of the month being simulated, by place (agents), passed between stages."""

    separations: np.ndarray
    layoffs: np.ndarray
    vacancies_posted: np.ndarray
    hires: np.ndarray
    hires_from_unemployment: np.ndarray
    job_to_job: np.ndarray
    unemployed_searching: np.ndarray


class LabourMarket(mesa.Model):
    """A spatial labour market: workers, firms and regions on a transport network.

    Args:
        scenario: a validated :class:`~sim.config.scenario.Scenario`, a path to a TOML
            file, or ``None`` for the default UK baseline.
        rng: seed for every random draw (defaults to ``scenario.run.seed``), an integer
            with ``0 <= rng < 2**63`` so that runs can be reproduced and recorded.
        n_workers: total worker agents instead of ``scale`` x working-age population
            (used by benchmarks).
        record: collect indicators each month (turn off for pure throughput runs).
        debug: check stock-flow identities every month (slower).
        on_month: called after each burn-in month (for a progress bar).
        geography: the scenario's geography if it is already built (the run API builds
            it to check the scenario before its progress bar starts); by default it is
            built from ``run.geography`` and ``[geography_options]``.

    Attributes:
        scenario: Mesa's scenario (:class:`~sim.core.mesa_scenario.MesaScenario`): the
            sections of the validated scenario as attributes (``model.scenario.search``),
            and the validated scenario itself as ``model.scenario.config``.
        state: what mechanisms see (:class:`~sim.mechanisms.base.MarketState`).
        workers: the worker table (:class:`~sim.agents.workers.Workers`).
        firms: the firm table (:class:`~sim.agents.firms.Firms`).
        regions: the Region agents (:class:`mesa.agent.AgentSet`).
        geography: places and travel times (:class:`~sim.world.geography.Geography`).
        travel: travel times and what derives from them (:class:`~sim.world.travel.TravelTimes`).
        place_state: the places' slowly moving attributes.
        mechanisms: the mechanisms by scenario section.
        month: months recorded (after the burn-in).
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
        geography: Geography | None = None,
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
        super().__init__(scenario=MesaScenario.from_config(scenario, rng=int(seed)))
        self.seed = int(seed)
        self.record = record
        self.debug = debug

        if geography is None:
            geography = geography_from_options(
                scenario.run.geography, scenario.geography_options.model_dump()
            )
        elif geography.name != scenario.run.geography:
            raise ValueError(
                f"geography {geography.name!r} is not the scenario's {scenario.run.geography!r}"
            )
        self.geography = geography
        #: Worker agents by place the scenario asked for (and the places raised to one).
        self.agent_count = validate_for_geography(scenario, geography, n_workers=n_workers)
        economy = build_economy(self.geography, scenario, self.rng, n_workers=n_workers)
        self.workers = economy.workers
        self.firms = economy.firms
        self._entry_rate = economy.entry_rate
        self._entry_rate_start = economy.entry_rate.copy()
        self._inactive_search = np.full(
            self.geography.n_places, scenario.flows.inactive_search_share
        )
        # Each place's job-loss multiplier (1 unless settled during the burn-in:
        # :meth:`_settle_job_loss`).
        self._job_loss = np.ones(self.geography.n_places)
        self._log_job_loss = np.zeros(self.geography.n_places)
        self._unemployment_target = self.geography.places["unemployment_rate"].to_numpy(
            dtype=float
        )
        # The residents' median pay the burn-in settles on (:meth:`_settle_pay`).
        self._pay_target = self.geography.places["median_weekly_pay_gbp"].to_numpy(
            dtype=float
        )
        # The kernels' rules that do not change during a run (validated once).
        self._flow_rates = FlowRates.from_scenario(
            scenario.flows, self._entry_rate, self._inactive_search, self._job_loss
        )
        self._search_rules = SearchRules.from_scenario(scenario.search)
        self._wages: WageRules | None = None  # rebuilt when the bargaining power changes
        self.place_state = PlaceState.from_geography(
            self.geography, housing_cost_share=scenario.economy.housing_cost_share_of_pay
        )
        s, w = scenario.search, scenario.wages
        self.travel = TravelTimes(
            self.geography.travel_minutes, straight_line_km(self.geography),
            search_decay_per_minute=s.distance_decay_per_minute,
            hybrid_commute_factor=w.hybrid_commute_factor,
            skill_factor=s.distance_decay_skill_factor,
        )

        places = self.geography.places
        for p, code in enumerate(places.index):
            row = places.loc[code]
            Region(
                self, p, str(code), str(row["name"]), indicators=PLACE_INDICATORS,
                broadband_share=row["broadband_share"], gva_per_hour_gbp=row["gva_per_hour_gbp"],
            )
        self.regions = self.agents_by_type[Region].sort("index", ascending=True)
        self._regions_in_order = list(self.regions)

        n_places = self.geography.n_places
        self._edges = bin_edges()
        # Matching's work space: by place pair, by place, by firm (grows with the table).
        layers = self.travel.search_layers.shape[0]  # 3 when the decay differs by skill
        self._cum_place = np.zeros((layers, n_places, n_places))
        self._cum_place_remote = np.zeros((layers, n_places, n_places))
        self._vacancy_start = np.zeros(n_places + 1, dtype=np.int64)
        self._firm_start = np.zeros(len(self.firms) + 1, dtype=np.int64)
        # This month's searchers, and per-worker scratch space that any stage may
        # overwrite (the flows pass lists separations and retirements there).
        self.workers.attach("searching", np.bool_, False)
        self.workers.attach("scratch", np.int32, 0, leading=(2,))
        self._counts = np.zeros((n_places, len(COUNT_COLUMNS)))
        self._hist = np.zeros((n_places, N_BINS), dtype=np.int64)
        self._hist_good = np.zeros((n_places, N_BINS), dtype=np.int64)
        self._present = int(np.count_nonzero(self.workers.status != ABSENT))
        self.national: dict[str, float] = {}

        self.state = MarketState(
            scenario=scenario,
            seed=self.seed,
            geography=self.geography,
            workers=self.workers,
            firms=self.firms,
            places=self.place_state,
            travel=self.travel,
            clock=Clock(self, scenario.run.burn_in_months),
            people_per_agent=1.0 / economy.agents_per_person,
            skill_premium=np.asarray(w.skill_premium, dtype=np.float64),
            bargaining_power=np.full(n_places, w.bargaining_power),
            accounts=Accounts(counts=self._counts, firm_profit=np.zeros(len(self.firms))),
            firm_index=FirmIndex(economy.firms_by_place, economy.place_start),
            entrants=np.zeros(n_places, dtype=np.int64),
            retirements=np.zeros(n_places, dtype=np.int64),
            arrivals=np.zeros(n_places, dtype=np.int64),
            departures=np.zeros(n_places, dtype=np.int64),
        )
        self._theta_ref = self._tightness_reference()

        # Mechanisms: built in the order of MECHANISMS, run in the order of MONTH.
        self.mechanisms: dict[str, Mechanism] = {}
        self.state.mechanisms = self.mechanisms
        for section, cls in MECHANISMS.items():
            self.mechanisms[section] = cls(self.state)

        self.datacollector = mesa.DataCollector(
            model_reporters={k: _national(k) for k in self.national_columns()},
            agent_reporters={k: k for k in ("code", *PLACE_INDICATORS)},
        )
        # The starting accounts (residents by place, firms' profits), which the first
        # month's mechanisms read as last month's; nothing is recorded.
        self._tally()
        # The flows out of inactivity are settled during the burn-in so that each place's
        # inactive share stays at its share at the start (:meth:`_settle_inactive_flows`).
        # People put on a course at the start from inactivity count as inactive there
        # (training.start_in_courses, on by default).
        self._inactive_share_start = _inactive_share(
            self._counts, self.mechanisms["training"].started_inactive)
        self._log_attachment = np.zeros(self.geography.n_places)
        for _ in range(scenario.run.burn_in_months):
            self.step()
            if on_month is not None:
                on_month()

    # ------------------------------------------------------------------ access
    @property
    def config(self) -> Scenario:
        """The validated scenario this model runs (also ``model.scenario.config``)."""
        return self.state.scenario

    @property
    def month(self) -> int:
        """Months recorded so far (Mesa's steps less the burn-in)."""
        return max(self.state.clock.recorded_month, 0)

    def __getattr__(self, name: str) -> Any:
        # The mechanisms, as attributes: model.training, model.migration, ...
        mechanisms = self.__dict__.get("mechanisms")
        if mechanisms is not None and name in mechanisms:
            return mechanisms[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def worker(self, i: int) -> RowView:
        """Read-only view of worker ``i`` (a row of the worker table)."""
        return self.workers.view(i)

    def firm(self, j: int) -> RowView:
        """Read-only view of firm ``j`` (a row of the firm table)."""
        return self.firms.view(j)

    @property
    def layoffs(self) -> np.ndarray:
        """(P,) layoffs to unemployment this month by workplace, agents (the part of
        ``separations`` that are layoffs: idiosyncratic, the business cycle's shedding and
        the workers of firms that exit; a copy)."""
        flows = self.__dict__.get("_flows")
        if flows is None:
            return np.zeros(self.geography.n_places, dtype=np.int64)
        return flows.layoffs.copy()

    @staticmethod
    def national_columns() -> list[str]:
        """Names of the national indicators recorded each month (the registry's order)."""
        return list(NATIONAL_COLUMNS)

    # ------------------------------------------------------------------ running
    def step(self) -> None:
        """Simulate one month (the stages of :data:`MONTH`) and record it after burn-in."""
        if self.debug:  # workers present at the start of the month, for the stock-flow check
            self._present = int(np.count_nonzero(self.workers.status != ABSENT))
        for stage in MONTH:
            mech = self.mechanisms.get(stage)
            if mech is not None:
                if mech.enabled:
                    mech.step(self.state)
            else:
                getattr(self, f"_stage_{stage}")()
        if self.record and not self.state.clock.in_burn_in:
            self.datacollector.collect(self)

    def _tightness_reference(self) -> float:
        f, wk = self.firms, self.workers
        v = float(np.maximum(f.target_size - f.employment, 0).sum())
        u = float(np.count_nonzero(wk.status == UNEMPLOYED))
        return v / u if u > 0 and v > 0 else 1.0

    def _stage_flows(self) -> None:
        """Flows (and training inside the pass); starts the month's accounts."""
        wk, f = self.workers, self.firms
        state = self.state
        n_places = self.geography.n_places
        separations = np.zeros(n_places, dtype=np.int64)
        layoffs = np.zeros(n_places, dtype=np.int64)
        state.retirements[:] = 0
        exiting = np.zeros(len(f), dtype=np.bool_)
        exiting[state.exiting_firms] = True
        state.retired_rows = monthly_flows(
            state.stream_key("flows"), worker_columns(wk), firm_columns(f), exiting,
            self.mechanisms["cycle"].kernel_params(state), self._flow_rates,
            self._search_rules, self._wage_rules(),
            self.mechanisms["remote_work"].kernel_params(),
            self.mechanisms["demography"].kernel_params(),
            self.mechanisms["training"].kernel_args(state),
            make(FlowsOutput, searching=wk.searching, separations_by_place=separations,
                 retirements_by_place=state.retirements, layoffs_by_place=layoffs,
                 scratch=wk.scratch),
        )
        self._flows = _MonthFlows(
            separations=separations,
            layoffs=layoffs,
            vacancies_posted=np.zeros(n_places),
            hires=np.zeros(n_places, dtype=np.int64),
            hires_from_unemployment=np.zeros(n_places, dtype=np.int64),
            job_to_job=np.zeros(n_places, dtype=np.int64),
            unemployed_searching=np.zeros(n_places, dtype=np.int64),
        )

    def _wage_rules(self) -> WageRules:
        """The kernels' wage rules: ``[wages]`` and this month's bargaining power."""
        phi = self.state.bargaining_power
        if self._wages is None or self._wages.phi is not phi:
            self._wages = WageRules.from_scenario(self.state.scenario.wages, phi)
        return self._wages

    def _stage_vacancies(self) -> None:
        """Each firm posts ``max(target_size - employment, 0)`` vacancies."""
        f = self.firms
        np.maximum(f.target_size - f.employment, 0, out=f.vacancies)
        self._flows.vacancies_posted = np.bincount(
            f.place, weights=f.vacancies, minlength=self.geography.n_places
        )

    def _stage_matching(self) -> None:
        """The unemployed's channel (when listed), then the open market's rounds."""
        sc = self.state.scenario
        s = sc.search
        wk, f = self.workers, self.firms
        state = self.state
        n_places = self.geography.n_places
        flows = self._flows
        if self._firm_start.size != len(f) + 1:
            self._firm_start = np.zeros(len(f) + 1, dtype=np.int64)
        workers, firms = worker_columns(wk), firm_columns(f)
        search, wages = self._search_rules, self._wage_rules()
        participation = self.mechanisms["remote_work"].kernel_params()
        link = self.mechanisms["training"].kernel_params()
        searchers = np.flatnonzero(wk.searching)
        share = s.public_listing_share
        n_unemployed = 0
        if share > 0.0:
            # The unemployed first (each group in row order), so that the channel's round
            # and the open market's take contiguous slices of the gathered columns.
            unemployed = wk.status[searchers] == UNEMPLOYED
            n_unemployed = int(np.count_nonzero(unemployed))
            searchers = np.concatenate((searchers[unemployed], searchers[~unemployed]))
        # The searchers' columns, gathered once a month: row s is worker searchers[s].
        g = gather_searchers(searchers, workers)
        flows.unemployed_searching = np.bincount(
            g.home[g.status == UNEMPLOYED], minlength=n_places
        )
        hires = make(
            HireCounts, hired=np.zeros(0, dtype=np.bool_), hires_by_place=flows.hires,
            hires_from_unemployment_by_home=flows.hires_from_unemployment,
            job_to_job_by_home=flows.job_to_job,
        )
        if share > 0.0 and searchers.size:
            # The unemployed's channel: they apply only to the openings firms list there,
            # in a round of their own; the listed openings left go to the open market.
            channel = slice(0, n_unemployed)
            listed = np.empty_like(f.vacancies)
            list_openings(state.stream_key("public_listing"), f.vacancies, share, listed)
            left = listed.copy()
            self._matching_round(
                state.stream_key("listed_applications"), searchers[channel],
                select_rows(g, channel), firms._replace(vacancies=left), workers,
                hires, search, wages, participation, link,
            )
            f.vacancies -= listed - left
            market = slice(n_unemployed, searchers.size)
            searchers = searchers[market]
            g = select_rows(g, market)
        for r in range(s.matching_rounds):
            if searchers.size == 0:
                break
            hired = self._matching_round(
                state.stream_key("applications", r), searchers, g, firms, workers, hires,
                search, wages, participation, link,
            )
            if hired is None or r + 1 == s.matching_rounds:
                break
            # Those not hired search again; their columns have not changed.
            keep = np.flatnonzero(~hired)
            searchers = searchers[keep]
            g = select_rows(g, keep)

    def _matching_round(self, key, searchers, g, firms, workers, hires, search, wages,
                        participation, link) -> np.ndarray | None:
        """One round of applications, ranking, offers and hires (:mod:`sim.kernels.matching`).

        ``firms`` carries the openings the round may fill (its ``vacancies`` fall with each
        hire); ``searchers`` and ``g`` are the searchers' rows and gathered columns.
        Returns the searchers hired, or ``None`` when no opening is open.
        """
        k = search.applications
        if searchers.size == 0:
            return np.zeros(0, dtype=np.bool_)
        # The round's work space is allocated here with the bundles' own dtypes, so its
        # bundles are built directly; `make` checks bundles whose fields come from
        # elsewhere (the per-field checks cost about 0.3 ms a month).
        n_vac = int(firms.vacancies.sum())
        tables = VacancyTables(
            vacancy_firm=np.empty(n_vac, dtype=np.int32),
            vacancy_start=self._vacancy_start, vacancy_prob=np.empty(n_vac),
            vacancy_alias=np.empty(n_vac, dtype=np.int32), cum_place=self._cum_place,
            cum_place_remote=self._cum_place_remote,
        )
        state = self.state
        vac_place = vacancy_weights(
            firms, state.firm_index.by_place, state.firm_index.place_start,
            self.travel.search_layers, self.travel.hybrid_layers, tables,
        )
        if vac_place.sum() <= 0:
            return None
        n_slots = searchers.size * k
        apps = Applications(
            firm=np.empty(n_slots, dtype=np.int32),
            wage=np.empty(n_slots, dtype=np.float32),
            value=np.empty(n_slots, dtype=np.float32),
            remote=np.zeros(n_slots, dtype=np.bool_), score=np.empty(n_slots),
        )
        draw_applications(
            key, searchers, g, firms, tables, self.travel.minutes, search, wages,
            participation, link, apps,
        )
        queues = FirmQueues(
            firm_start=self._firm_start,
            firm_apps=np.empty(n_slots, dtype=np.int64), firm_scores=np.empty(n_slots),
        )
        group_by_firm(apps, len(self.firms), queues)
        offered = np.zeros(n_slots, dtype=np.bool_)
        rank_and_offer(queues, firms, search, offered)
        hired = np.zeros(searchers.size, dtype=np.bool_)
        accept_and_hire(search, searchers, apps, offered, workers, firms,
                        hires._replace(hired=hired))
        return hired

    def _stage_stock_flow_check(self) -> None:
        """The stock-flow identities (:meth:`check_stock_flow`), with ``debug=True`` only."""
        if self.debug:
            self.check_stock_flow()

    # ------------------------------------------------------------------ checks
    def check_stock_flow(self) -> None:
        """Raise :class:`StockFlowError` if an accounting identity fails.

        Checks: employment of each firm equals the workers who name it as employer;
        no vacancy count below zero; every employed worker has a valid employer and
        nobody else has one; workers present now equal those present at the start of the
        month plus entrants and immigrants less retirements and emigrants.
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
        entrants, retirements = int(self.state.entrants.sum()), int(self.state.retirements.sum())
        arrivals, departures = int(self.state.arrivals.sum()), int(self.state.departures.sum())
        expected = self._present + entrants - retirements + arrivals - departures
        if present != expected:
            raise StockFlowError(
                f"workers not conserved: {present} present, expected {expected} "
                f"({self._present} + {entrants} entrants - {retirements} retirements "
                f"+ {arrivals} immigrants - {departures} emigrants)"
            )

    # ------------------------------------------------------------------ outputs
    def _tally(self) -> None:
        """One pass over the workers: counts by place, wage histograms, firms' profits."""
        wk, f = self.workers, self.firms
        profit = self.state.accounts.firm_profit = np.zeros(len(f))
        aggregate_workers(
            worker_columns(wk), firm_columns(f), self._wage_rules(),
            self.mechanisms["remote_work"].kernel_params(), self.travel.minutes, self.travel.km,
            make(TallyOutput, counts=self._counts, hist=self._hist,
                 hist_good_skill=self._hist_good, firm_profit=profit),
        )

    def _stage_aggregate(self) -> None:
        """Tally the workers, compute this month's indicators (see :mod:`sim.core.indicators`),
        and hand them to the Region agents."""
        sc = self.state.scenario
        month = self._flows
        f = self.firms
        self._tally()
        ps = self.place_state
        provided = {
            "knowledge_stock": ps.knowledge_stock.copy(),
            "housing_cost": ps.housing_cost.copy(),
            "amenity": ps.amenity.copy(),
        }
        for mech in self.mechanisms.values():
            provided.update(mech.place_indicators(self.state))
        flows = {
            "vacancies": month.vacancies_posted,
            "hires": month.hires,
            "hires_from_unemployment": month.hires_from_unemployment,
            "job_to_job": month.job_to_job,
            "separations": month.separations,
            "unemployed_searching": month.unemployed_searching,
            "retirements": self.state.retirements,
            "entrants": self.state.entrants,
            "firms": np.bincount(f.place[f.alive], minlength=self.geography.n_places),
            "immigrants": self.state.arrivals,
            "emigrants": self.state.departures,
        }
        wk = self.workers
        now = {c: getattr(wk, c) for c in _MEASURED_COLUMNS}
        before = getattr(self, "_before", None)
        flows.update(measured_flows(before, now, self.geography.n_places, employed=EMPLOYED,
                                    unemployed=UNEMPLOYED, absent=ABSENT))
        if before is None or before["status"].shape != now["status"].shape:
            self._before = {c: now[c].copy() for c in _MEASURED_COLUMNS if c != "skill"}
        else:  # last month's buffers, reused (the tables grew: new ones, above)
            for c, buffer in before.items():
                np.copyto(buffer, now[c])
        per_place, self.national = aggregate_indicators(
            self._counts, self._hist, self._hist_good, flows, provided,
            people_per_agent=self.state.people_per_agent,
            good_job_pay_fraction=sc.wages.good_job_pay_fraction, edges=self._edges,
        )
        for region in self._regions_in_order:
            region.set_indicators(per_place)
        self.state.accounts.indicators = per_place
        if self.state.clock.in_burn_in:
            self._settle_inactive_flows()
            if sc.flows.settle_job_loss:
                self._settle_job_loss()
            if sc.wages.settle_pay:
                self._settle_pay(per_place["median_wage"])

    def _settle_inactive_flows(self) -> None:
        """During the burn-in, scale each place's flows out of inactivity so that its
        inactive share returns to its share at the start.

        Both ways out of inactivity, into unemployment (``e_p``, at the start the rate
        that balances the flows into inactivity at the starting stocks) and straight into
        work through the search of the inactive (``flows.inactive_search_share``, ``s``),
        are scaled by one multiplier ``m_p`` of the place: the labour-market attachment of
        its inactive people. A proportional-integral rule on
        ``x_p = ln(inactive share now / inactive share at the start)`` sets

            ln m_p = z_p + k_P x_p,    z_p <- z_p + k_I x_p   (a month),
            entry rate = min(e_p m_p, 1),    inactive search = min(s m_p, 1)

        with ``k_P`` = 10 and ``k_I`` = 0.5 (the share settles in a few years). In the
        last month of the burn-in the multiplier is set to ``exp(z_p)`` and stays there:
        from the first recorded month participation responds freely to the market (a
        policy that raises hiring draws people out of inactivity).
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log(_inactive_share(self._counts) / self._inactive_share_start)
        x = np.where(np.isfinite(x), x, 0.0)
        self._log_attachment += _ENTRY_GAIN_INTEGRAL * x
        last = self.state.clock.recorded_month == 0
        m = np.exp(self._log_attachment + (0.0 if last else _ENTRY_GAIN_PROPORTIONAL * x))
        np.clip(self._entry_rate_start * m, 0.0, 1.0, out=self._entry_rate)
        np.clip(self.state.scenario.flows.inactive_search_share * m, 0.0, 1.0,
                out=self._inactive_search)

    def _settle_job_loss(self) -> None:
        """During the burn-in, scale each place's layoff rate so that its unemployment
        rate settles at the data's: the place's job-loss fundamental.

        Places differ in unemployment mostly through job loss, not job finding (Kuhn,
        Manovskii and Qiu 2021; Bilal 2023), and the model's layoff rates differ by place
        only through the skill mix. The multiplier ``m_p`` of the layoff rate of the
        residents of place ``p`` stands for what the model leaves out about them (age,
        health, contracts, industries). An integral rule on
        ``x_p = ln(unemployment rate now / the data's)`` sets, each month,

            z_p <- z_p - k x_p,    m_p = exp(z_p) / (sum_q L_q exp(z_q) / sum_q L_q)

        with ``k`` = ``_JOB_LOSS_GAIN`` (0.05), ``z_p`` kept within ``+-ln 4`` and ``L_q``
        the labour force, so the multipliers average 1 over the labour force and the
        national layoff rate stays the calibrated one. From the first recorded month
        ``m_p`` stays fixed.
        """
        counts = self._counts
        employed = counts[:, COUNT_COLUMNS.index("employed")]
        unemployed = counts[:, COUNT_COLUMNS.index("unemployed")]
        labour_force = employed + unemployed
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log(unemployed / labour_force / self._unemployment_target)
        x = np.where(np.isfinite(x), x, 0.0)
        self._log_job_loss -= _JOB_LOSS_GAIN * x
        np.clip(self._log_job_loss, -_JOB_LOSS_LOG_BOUND, _JOB_LOSS_LOG_BOUND,
                out=self._log_job_loss)
        m = np.exp(self._log_job_loss)
        m /= np.sum(labour_force * m) / max(np.sum(labour_force), 1.0)
        self._job_loss[:] = m

    def _settle_pay(self, median_wage: np.ndarray) -> None:
        """During the burn-in, scale the human capital of each place's residents so that
        their median pay settles at the data's: the place's pay residual.

        The model's pay follows the qualifications of a place's residents and the GVA
        per hour of the places they work in. What it leaves out about the residents
        (hours and part-time work, sorting within qualification levels: Combes, Duranton
        and Gobillon 2008 find that the workers' skills account for a large part of the
        wage gaps between places) is the residual ``z_p``, recovered from the data's pay the way
        quantitative spatial models recover their fundamentals (Redding and
        Rossi-Hansberg 2017). A resident's human capital is ``h_i exp(z_p)``: whoever
        lives in ``p`` has it (entrants and arrivals from abroad on entry, movers on
        arrival), as the job-loss multiplier belongs to a place's residents. With
        ``x_p = ln(median pay of p's employed residents / the data's)``, recentred on its
        mean over the employed, an integral rule sets, each month,

            z_p <- z_p - k x_p,

        with ``k`` = :data:`_PAY_GAIN` (0.05), ``z_p`` within ``+-ln 2`` and recentred on
        its mean over the residents (national human capital unchanged); wages follow
        through hiring and the going rate (``wages.adjustment_speed``). From the first
        recorded month ``z`` stays fixed. Costs one pass over the workers a burn-in month.
        """
        wk = self.workers
        residents = self._counts[:, COUNT_COLUMNS.index("population")]
        employed = self._counts[:, COUNT_COLUMNS.index("employed")]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log(median_wage / self._pay_target)
        ok = np.isfinite(x) & (employed > 0)
        if not ok.any():
            return
        x = np.where(ok, x, 0.0)
        x = np.where(ok, x - np.sum(employed * x) / np.sum(employed[ok]), 0.0)
        residual = self.place_state.pay_residual
        old = residual.copy()
        z = np.clip(residual - _PAY_GAIN * x, -_PAY_LOG_BOUND, _PAY_LOG_BOUND)
        z -= np.sum(residents * z) / max(residents.sum(), 1.0)
        residual[:] = z
        _scale_by_home(wk.human_capital, wk.home, wk.status, np.exp(z - old), ABSENT)

    def _stage_wage_curve(self) -> None:
        """Next month's bargaining power by place, from this month's local tightness."""
        wpar = self.state.scenario.wages
        theta = ratio(self._flows.vacancies_posted, self._flows.unemployed_searching)
        theta = np.where(np.isfinite(theta) & (theta > 0), theta, self._theta_ref)
        phi = wpar.bargaining_power * (theta / self._theta_ref) ** wpar.tightness_elasticity
        low, high = wpar.bargaining_power_bounds
        self.state.bargaining_power = np.clip(phi, low, high)

    def places_frame(self) -> pd.DataFrame:
        """Recorded place indicators: one row per place and month (months from 1), with
        the calendar month of each (``calendar_month``, from ``run.start``)."""
        if self.month == 0 or not self.record:
            return pd.DataFrame(columns=list(PLACE_TABLE_COLUMNS))
        df = self.datacollector.get_agent_vars_dataframe().reset_index()
        step_col = "Step" if "Step" in df.columns else df.columns[0]
        df = df.rename(columns={step_col: "month", "code": "place"})
        # Mesa records its clock (months simulated); recorded months start after burn-in.
        df["month"] = df["month"].astype(np.int64) - self.state.clock.burn_in_months
        names = {r.code: r.name for r in self.regions}
        df = df.drop(columns=[c for c in ("AgentID",) if c in df.columns])
        df.insert(2, "name", df["place"].map(names))
        df["calendar_month"] = self._calendar(df["month"])
        df = df[list(PLACE_TABLE_COLUMNS)]
        return df.sort_values(["month", "place"], kind="stable").reset_index(drop=True)

    def regions_frame(self) -> pd.DataFrame:
        """This month's indicators, one row per region (index: place code)."""
        rows = {r.code: {"name": r.name, **r.indicators()} for r in self._regions_in_order}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("place")

    def national_frame(self) -> pd.DataFrame:
        """Recorded national indicators: one row per month (months from 1), with the
        calendar month of each (``calendar_month``, from ``run.start``)."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "month", np.arange(1, len(df) + 1))
        df.insert(1, "calendar_month", self._calendar(df["month"]))
        return df

    def _calendar(self, months: pd.Series) -> pd.Series:
        """The first day of each recorded month's calendar month (dates: Parquet date32)."""
        distinct = sorted({int(m) for m in months})
        first = dict(zip(distinct, calendar_months(self.config.run.start, distinct),
                         strict=True))
        return pd.Series([first[int(m)] for m in months], index=months.index, dtype=object)


#: Gains of the rule that settles the flows out of inactivity during the burn-in
#: (:meth:`LabourMarket._settle_inactive_flows`).
_ENTRY_GAIN_PROPORTIONAL, _ENTRY_GAIN_INTEGRAL = 10.0, 0.5

#: Gain of the rule that settles each place's pay residual on its residents' median pay
#: during the burn-in (:meth:`LabourMarket._settle_pay`), a month, and the residual's
#: bound (log).
_PAY_GAIN, _PAY_LOG_BOUND = 0.05, float(np.log(2.0))

#: Gain of the rule that settles each place's job-loss multiplier during the burn-in
#: (:meth:`LabourMarket._settle_job_loss`), a month.
_JOB_LOSS_GAIN = 0.05
#: Bound of ``|ln m_p|`` before the multipliers are normalised: a place's residents lose
#: their jobs at most 4 times as often as, or a quarter as often as, the average.
_JOB_LOSS_LOG_BOUND = float(np.log(4.0))


def _inactive_share(counts: np.ndarray, extra: np.ndarray | int = 0) -> np.ndarray:
    """(P,) inactive residents (and ``extra`` people by place counted with them) /
    residents of working age (NaN where no one lives)."""
    population = counts[:, COUNT_COLUMNS.index("population")]
    inactive = counts[:, COUNT_COLUMNS.index("inactive")] + extra
    with np.errstate(divide="ignore", invalid="ignore"):
        return inactive / population


def _national(key: str):
    def reporter(model: LabourMarket) -> float:
        return model.national.get(key, float("nan"))

    reporter.__name__ = f"national_{key}"
    return reporter


@njit(cache=True)
def _scale_by_home(values, home, status, factor, absent):  # pragma: no cover - numba
    """``values[i] *= factor[home[i]]`` for every row not ``absent``, in place."""
    for i in range(values.shape[0]):
        if status[i] != absent:
            values[i] = values[i] * factor[home[i]]

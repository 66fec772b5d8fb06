"""Typed bundles of kernel arguments: named tuples that numba accepts as arguments.

The kernels used to take 40 to 50 positional parameters, called with slices of
tuples: two floats swapped gave a silently wrong result. They now take a few
bundles, each a :class:`typing.NamedTuple` of existing arrays and scalars
(building one copies nothing). Numba passes a named tuple to a kernel as a
struct and reads a field at no cost; parallel kernels copy the fields they use
into local variables before their ``prange`` loop.

Bundles are grouped by who owns the values, so that each mechanism can hand
the kernels its own:

==================  ================================================  =====================
bundle              values                                            owner
==================  ================================================  =====================
WorkerColumns       the worker table's columns                        model (worker table)
FirmColumns         the firm table's columns                          model (firm table)
SearcherColumns     the searchers' rows of some worker columns        matching (gathered)
FlowRates           ``[flows]`` rates, entry rates by place           flows, model
SearchRules         ``[search]``                                      search and matching
WageRules           ``[wages]``, this month's bargaining power        wage setting
Participation       constrained people, remote productivity, hybrid   remote work
Retirement          retirement age                                    demography
TrainingArgs        course entry, length, completion; counts          training
EmployerLink        score bonus of employer-linked training           training
MigrationRules      ``[migration]``                                   migration
MigrationPlaces     this month's value of each place                  migration
FlowsOutput         searchers, separations, retirements, layoffs, ... flows kernel outputs
VacancyTables       sampling tables of open vacancies                 matching work space
Applications        application slots                                 matching work space
FirmQueues          application slots grouped by firm                 matching work space
HireCounts          who was hired; hires by place                     matching outputs
TallyOutput         counts, wage histograms, firms' profits           aggregation outputs
MoveCounts          movers' origins, quits; moves by place            migration outputs
==================  ================================================  =====================

A bundle of a mechanism that can be switched off has a ``neutral()`` classmethod:
the values the kernels get when it is disabled (multipliers 1, shares 0,
retirement age 0 = off, training off, link bonus 0, remote productivity 0, hybrid
adoption odds 1).

Every bundle is built through :func:`make` (or a classmethod that calls it), which
checks each field against the bundle's annotations and refuses, with a one-line
:class:`TypeError` or :class:`ValueError` naming the bundle and the field, a
missing field, an unknown field, something that is not an array where an array is
due, an array of the wrong dtype, number of dimensions or fixed length, and a
scalar of the wrong kind. Scalars are normalised so that a bundle type always
compiles to the same numba type: a ``float`` field holds a Python float (an
integer is accepted and converted), an ``int`` field a Python int, a ``bool``
field a Python bool and a stream key an ``np.uint64``.
"""

import typing
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple, Self

import numpy as np

from sim.agents.firms import Firms
from sim.agents.workers import Workers

__all__ = [
    "Array",
    "make",
    "select_rows",
    "worker_columns",
    "firm_columns",
    "WorkerColumns",
    "FirmColumns",
    "SearcherColumns",
    "FlowRates",
    "SearchRules",
    "WageRules",
    "Participation",
    "Retirement",
    "TrainingArgs",
    "EmployerLink",
    "MigrationRules",
    "MigrationPlaces",
    "FlowsOutput",
    "VacancyTables",
    "Applications",
    "FirmQueues",
    "HireCounts",
    "TallyOutput",
    "MoveCounts",
    "N_OCCUPATIONS",
]

#: Occupations (UK SOC 2010 major groups) of the remote-productivity array.
N_OCCUPATIONS = 9


@dataclass(frozen=True)
class Array:
    """Annotation of an array field: its dtype and shape (``None``: any length)."""

    dtype: np.dtype
    shape: tuple[int | None, ...]

    def describe(self) -> str:
        dims = ", ".join("n" if s is None else str(s) for s in self.shape)
        comma = "," if len(self.shape) == 1 else ""
        return f"{np.dtype(self.dtype).name} array of shape ({dims}{comma})"


def _a(dtype: Any, *shape: int | None) -> Any:
    """``Annotated[np.ndarray, Array(dtype, shape)]`` (shape: ``None`` for any length)."""
    return Annotated[np.ndarray, Array(np.dtype(dtype), tuple(shape))]


_N = None  # any length
_KEY = np.uint64  # annotation of a stream key (sim.kernels.rng.stream_key)

_W = Workers.SCHEMA
_F = Firms.SCHEMA


# ---------------------------------------------------------------------- tables
class WorkerColumns(NamedTuple):
    """The worker table's columns (:class:`sim.agents.workers.Workers`), one row per worker.

    Dtypes as in ``Workers.SCHEMA``; kernels modify them in place.

    Attributes:
        home: place of residence (index into the geography).
        age_months: age, months.
        skill: 0 basic, 1 intermediate, 2 advanced.
        human_capital: productivity within the skill level (mean 1).
        occupation: UK SOC 2010 major group 0..8.
        status: 0 employed, 1 unemployed, 2 inactive, 3 training, 4 absent.
        employer: firm row, -1 when not employed.
        wage: GBP a week (the last wage when not employed).
        months_unemployed: length of the current unemployment spell, months.
        reservation_wage: lowest acceptable wage net of commuting, GBP a week.
        constrained: caring or disability constraint.
        remote_capable: could work remotely.
        remote: the current job is remote or hybrid.
        origin: place where the worker grew up.
        training_left: months of training still to do (0 = none).
        trained_with: place of an employer-linked course (-1 none).
    """

    home: _a(_W["home"], _N)
    age_months: _a(_W["age_months"], _N)
    skill: _a(_W["skill"], _N)
    human_capital: _a(_W["human_capital"], _N)
    occupation: _a(_W["occupation"], _N)
    status: _a(_W["status"], _N)
    employer: _a(_W["employer"], _N)
    wage: _a(_W["wage"], _N)
    months_unemployed: _a(_W["months_unemployed"], _N)
    reservation_wage: _a(_W["reservation_wage"], _N)
    constrained: _a(_W["constrained"], _N)
    remote_capable: _a(_W["remote_capable"], _N)
    remote: _a(_W["remote"], _N)
    origin: _a(_W["origin"], _N)
    training_left: _a(_W["training_left"], _N)
    trained_with: _a(_W["trained_with"], _N)


class FirmColumns(NamedTuple):
    """The firm table's columns (:class:`sim.agents.firms.Firms`), one row per firm.

    Dtypes as in ``Firms.SCHEMA``; kernels modify employment and vacancies in place.

    Attributes:
        place: place of the workplace.
        sector: index into ``SECTOR_NAMES``.
        productivity: weekly value added per efficiency unit of labour, GBP a week.
        skill_demand: skill level the firm's jobs use (0, 1, 2).
        employment: workers employed (agents).
        target_size: jobs the firm wants filled (agents).
        vacancies: open vacancies this month.
        teleworkable: share of the firm's jobs that can be hybrid.
        rd_spending: R&D spending, GBP million a year.
        age_months: months since entry.
        alive: False for a free row.
        loss_months: consecutive months of losses.
    """

    place: _a(_F["place"], _N)
    sector: _a(_F["sector"], _N)
    productivity: _a(_F["productivity"], _N)
    skill_demand: _a(_F["skill_demand"], _N)
    employment: _a(_F["employment"], _N)
    target_size: _a(_F["target_size"], _N)
    vacancies: _a(_F["vacancies"], _N)
    teleworkable: _a(_F["teleworkable"], _N)
    rd_spending: _a(_F["rd_spending"], _N)
    age_months: _a(_F["age_months"], _N)
    alive: _a(_F["alive"], _N)
    loss_months: _a(_F["loss_months"], _N)


class SearcherColumns(NamedTuple):
    """The searchers' rows of the worker columns matching reads (row ``s``: searcher ``s``).

    Filled by :func:`sim.kernels.matching.gather_searchers`; same dtypes and units as
    :class:`WorkerColumns`.
    """

    home: _a(_W["home"], _N)
    skill: _a(_W["skill"], _N)
    human_capital: _a(_W["human_capital"], _N)
    status: _a(_W["status"], _N)
    wage: _a(_W["wage"], _N)
    reservation_wage: _a(_W["reservation_wage"], _N)
    remote_capable: _a(_W["remote_capable"], _N)
    remote: _a(_W["remote"], _N)
    employer: _a(_W["employer"], _N)
    constrained: _a(_W["constrained"], _N)
    trained_with: _a(_W["trained_with"], _N)
    occupation: _a(_W["occupation"], _N)
    months_unemployed: _a(_W["months_unemployed"], _N)


# ---------------------------------------------------------------------- rules
class FlowRates(NamedTuple):
    """Monthly flow probabilities: scenario ``[flows]`` and the model's entry rates.

    Attributes:
        layoff_rate: (3,) probability employed -> unemployed by skill, a month.
        exit_employed: probability employed -> inactive, a month.
        exit_unemployed: probability unemployed -> inactive, a month.
        entry_rate: (P,) probability inactive -> unemployed by home place, a month (set
            during the burn-in so that each place's inactive stock stays at its share at
            the start; fixed afterwards).
        inactive_search: (P,) probability an inactive person (without a constraint) who
            does not enter unemployment searches this month while staying inactive, by
            home place, a month (``flows.inactive_search_share`` times the place's
            multiplier settled during the burn-in, like ``entry_rate``).
        job_loss: (P,) multiplier of the layoff rate by home place (the place's job-loss
            fundamental, settled during the burn-in so that its unemployment rate is the
            data's; 1 everywhere when ``flows.settle_job_loss`` is off).
    """

    layoff_rate: _a(np.float64, 3)
    exit_employed: float
    exit_unemployed: float
    entry_rate: _a(np.float64, _N)
    inactive_search: _a(np.float64, _N)
    job_loss: _a(np.float64, _N)

    @classmethod
    def from_scenario(cls, flows: Any, entry_rate: np.ndarray,
                      inactive_search: np.ndarray, job_loss: np.ndarray) -> Self:
        """From a ``[flows]`` section, and the entry rates, inactive search and job-loss
        multipliers by place."""
        return make(
            cls, layoff_rate=np.asarray(flows.layoff_rate, dtype=np.float64),
            exit_employed=flows.exit_to_inactivity_employed,
            exit_unemployed=flows.exit_to_inactivity_unemployed, entry_rate=entry_rate,
            inactive_search=inactive_search, job_loss=job_loss,
        )


class SearchRules(NamedTuple):
    """Search and matching rules: scenario ``[search]``.

    Attributes:
        ojs_share: probability an employed worker searches on the job, a month.
        applications: applications per searcher and round (``k``).
        remote_share: probability a remote-capable searcher aims an application at
            remote-capable vacancies.
        switch_premium: proportional gain over the current job (net of commuting) an
            employed searcher asks for, share.
        fit_weight: score lost per skill level an applicant lacks (employer's ranking).
        overqual_weight: score lost per skill level an applicant has above the demand.
        noise: scale of the logistic noise of the score (unit variance draws).
        hiring_standard: lowest score a firm hires.
        callback_rate: probability an application is read (the applicant called back)
            this month; the others are lost.
        duration_penalty: score lost by an unemployed applicant whose spell has lasted
            :data:`sim.kernels.matching.PENALTY_RAMP_MONTHS` months or more (linear before).
    """

    ojs_share: float
    applications: int
    remote_share: float
    switch_premium: float
    fit_weight: float
    overqual_weight: float
    noise: float
    hiring_standard: float
    callback_rate: float
    duration_penalty: float

    @classmethod
    def from_scenario(cls, search: Any) -> Self:
        """From a ``[search]`` section."""
        return make(
            cls, ojs_share=search.on_the_job_search_share,
            applications=search.applications_per_searcher,
            remote_share=search.remote_search_share, switch_premium=search.job_switch_premium,
            fit_weight=search.skill_fit_weight,
            overqual_weight=search.overqualification_weight, noise=search.ranking_noise,
            hiring_standard=search.hiring_standard, callback_rate=search.callback_rate,
            duration_penalty=search.long_term_unemployment_penalty,
        )


class WageRules(NamedTuple):
    """Wage setting and commuting costs: scenario ``[wages]`` and this month's ``phi``.

    Attributes:
        phi: (P,) bargaining power by place of work this month (wage curve), share.
        skill_premium: (3,) productivity multiplier by skill level.
        benefit: outside option of incumbents and reservation floor, GBP a week.
        replacement_ratio: reservation wage on entering unemployment over the last wage.
        reservation_decay: proportional fall of the reservation wage, a month.
        adjustment: share of the gap to the going rate an incumbent's wage closes, a month.
        commute_cost: cost of commuting, GBP a week per one-way minute.
        hybrid_factor: share of days a hybrid (remote) worker commutes.
    """

    phi: _a(np.float64, _N)
    skill_premium: _a(np.float64, 3)
    benefit: float
    replacement_ratio: float
    reservation_decay: float
    adjustment: float
    commute_cost: float
    hybrid_factor: float

    @classmethod
    def from_scenario(cls, wages: Any, phi: np.ndarray) -> Self:
        """From a ``[wages]`` section and the bargaining power by place."""
        return make(
            cls, phi=phi, skill_premium=np.asarray(wages.skill_premium, dtype=np.float64),
            benefit=wages.benefit_gbp_week, replacement_ratio=wages.replacement_ratio,
            reservation_decay=wages.reservation_decay, adjustment=wages.adjustment_speed,
            commute_cost=wages.commute_cost_gbp_per_minute,
            hybrid_factor=wages.hybrid_commute_factor,
        )


class Participation(NamedTuple):
    """Participation of constrained people and remote productivity: the remote-work mechanism.

    Neutral (mechanism disabled, :meth:`neutral`): search share 0, multipliers 1,
    remote productivity 0 in every occupation, and a remote-capable worker's job hybrid
    with probability the employer's teleworkable share (adoption odds 1, no commute
    response: the starting economy's rule).

    Attributes:
        constrained_search_share: probability a constrained inactive person searches
            (remote or local work) without becoming unemployed, a month.
        constrained_exit_multiplier: exit rates to inactivity of constrained people over
            everyone's, ratio.
        remote_exit_multiplier: the same for a constrained person in a remote job, or
            unemployed and remote-capable, ratio.
        constrained_remote_search_share: applications of a constrained, remote-capable
            searcher aimed at remote vacancies (the others go to their own place), share.
        remote_productivity: (9,) proportional productivity effect of a remote job by
            occupation (SOC major group), share.
        hybrid_adoption_odds: odds multiplier of a hybrid arrangement for a
            remote-capable worker (1: the employer's teleworkable share), ratio.
        hybrid_commute_response: log-odds of a hybrid arrangement per GBP a week of
            commuting cost it saves.
    """

    constrained_search_share: float
    constrained_exit_multiplier: float
    remote_exit_multiplier: float
    constrained_remote_search_share: float
    remote_productivity: _a(np.float64, N_OCCUPATIONS)
    hybrid_adoption_odds: float
    hybrid_commute_response: float

    @classmethod
    def neutral(cls) -> Self:
        """No constrained search, no extra exits, no remote productivity effect; hybrid
        with the employer's teleworkable share."""
        return make(cls, constrained_search_share=0.0, constrained_exit_multiplier=1.0,
                    remote_exit_multiplier=1.0, constrained_remote_search_share=0.0,
                    remote_productivity=np.zeros(N_OCCUPATIONS), hybrid_adoption_odds=1.0,
                    hybrid_commute_response=0.0)

    @classmethod
    def from_params(cls, remote_work: Any) -> Self:
        """From a ``[remote_work]`` section (of an enabled mechanism)."""
        return make(
            cls, constrained_search_share=remote_work.constrained_search_share,
            constrained_exit_multiplier=remote_work.constrained_exit_multiplier,
            remote_exit_multiplier=remote_work.remote_exit_multiplier,
            constrained_remote_search_share=remote_work.constrained_remote_search_share,
            remote_productivity=remote_work.remote_productivity
            + np.asarray(remote_work.remote_productivity_by_occupation, dtype=np.float64),
            hybrid_adoption_odds=remote_work.hybrid_adoption_odds,
            hybrid_commute_response=remote_work.hybrid_commute_response,
        )


class Retirement(NamedTuple):
    """Retirement: the demography mechanism. Neutral (:meth:`neutral`): age 0, off.

    Attributes:
        retirement_age_months: age at which a worker leaves the working-age population
            (the row becomes absent), months; 0 switches retirement off.
    """

    retirement_age_months: int

    @classmethod
    def neutral(cls) -> Self:
        """Nobody retires."""
        return make(cls, retirement_age_months=0)


class TrainingArgs(NamedTuple):
    """One month of training: the training mechanism's arguments and counts.

    Neutral (:meth:`neutral`): ``run`` False (the other fields are then not read).

    Attributes:
        run: run training this month (inside the flows pass, or in its own pass).
        key: stream key of the month's training draws.
        rate_by_status: (3,) probability of starting a course for the employed,
            unemployed and inactive, a month.
        funding: (P, 2) multiplier of the entry probability by home place and skill
            level (basic, intermediate; the advanced do not train).
        duration_by_skill: (2,) course length for a worker of skill 0 and 1, months.
        completion_rate: probability a course is completed.
        linked_share: (P,) share of completed courses run with local employers, by home
            place.
        earning_power: (P,) the residents' factor on human capital by home place
            (``exp(pay_residual)``; 1 unless ``wages.settle_pay``), which a completed
            course keeps.
        entries: (P,) int64 output, course starts by home place (added to).
        completions: (P,) int64 output, completions by home place (added to).
    """

    run: bool
    key: _KEY
    rate_by_status: _a(np.float64, 3)
    funding: _a(np.float64, _N, 2)
    duration_by_skill: _a(np.int16, 2)
    completion_rate: float
    linked_share: _a(np.float64, _N)
    earning_power: _a(np.float64, _N)
    entries: _a(np.int64, _N)
    completions: _a(np.int64, _N)

    @classmethod
    def neutral(cls, n_places: int) -> Self:
        """Training off (``n_places`` sizes the unused count arrays)."""
        return make(
            cls, run=False, key=np.uint64(0), rate_by_status=np.zeros(3),
            funding=np.ones((n_places, 2)), duration_by_skill=np.ones(2, dtype=np.int16),
            completion_rate=0.0, linked_share=np.zeros(n_places),
            earning_power=np.ones(n_places), entries=np.zeros(n_places, dtype=np.int64),
            completions=np.zeros(n_places, dtype=np.int64),
        )


class EmployerLink(NamedTuple):
    """Hiring edge of employer-linked training: the training mechanism. Neutral: bonus 0.

    Attributes:
        link_bonus: score a firm adds for an applicant trained with employers of its place.
    """

    link_bonus: float

    @classmethod
    def neutral(cls) -> Self:
        """No bonus."""
        return make(cls, link_bonus=0.0)


class MigrationRules(NamedTuple):
    """Who considers moving and how they choose: scenario ``[migration]``.

    Neutral (:meth:`neutral`): nobody considers a move (``base_rate`` and ``p_max`` 0).

    Attributes:
        base_rate: probability of considering a move for the reference group, a month.
        young_age_months: upper limit of 'young', months.
        old_age_months: lower limit of 'older', months.
        age_multiplier: (3,) multipliers of ``base_rate`` for young, middle, older.
        skill_multiplier: (3,) multipliers of ``base_rate`` by skill level.
        p_max: an upper bound of every worker's probability, in [0, 1].
        logit_scale: scale of the destination logit, GBP a week.
        fixed_cost: fixed cost of a move, GBP a week equivalent.
        cost_per_minute: cost of a move per minute of travel, GBP a week equivalent.
        max_commute_minutes: longest effective one-way commute a mover keeps a job for,
            minutes.
        job_loss_cost: subtracted from the expected earnings of a place where an
            employed worker would lose the job, GBP a week.
    """

    base_rate: float
    young_age_months: int
    old_age_months: int
    age_multiplier: _a(np.float64, 3)
    skill_multiplier: _a(np.float64, 3)
    p_max: float
    logit_scale: float
    fixed_cost: float
    cost_per_minute: float
    max_commute_minutes: float
    job_loss_cost: float

    @classmethod
    def from_params(cls, migration: Any) -> Self:
        """From a ``[migration]`` section; ``p_max`` is the largest of the probabilities."""
        age = np.asarray(migration.age_multiplier, dtype=np.float64)
        skill = np.asarray(migration.skill_multiplier, dtype=np.float64)
        return make(
            cls, base_rate=migration.base_rate,
            young_age_months=12 * migration.young_age_years,
            old_age_months=12 * migration.old_age_years, age_multiplier=age,
            skill_multiplier=skill,
            p_max=min(migration.base_rate * age.max() * skill.max(), 1.0),
            logit_scale=migration.logit_scale_gbp_week, fixed_cost=migration.fixed_cost_gbp_week,
            cost_per_minute=migration.cost_per_minute_gbp_week,
            max_commute_minutes=migration.max_commute_minutes,
            job_loss_cost=migration.job_loss_cost_gbp_week,
        )

    @classmethod
    def neutral(cls) -> Self:
        """Nobody considers a move."""
        return make(
            cls, base_rate=0.0, young_age_months=0, old_age_months=0,
            age_multiplier=np.ones(3), skill_multiplier=np.ones(3), p_max=0.0,
            logit_scale=1.0, fixed_cost=0.0, cost_per_minute=0.0, max_commute_minutes=0.0,
            job_loss_cost=0.0,
        )


class MigrationPlaces(NamedTuple):
    """This month's value of each place to a mover: the migration mechanism.

    Attributes:
        place_value: (P, 3) amenity minus housing cost, GBP a week, by place and the
            mover's skill.
        expected_earnings: (P,) employment rate x median wage, GBP a week.
        log_size: (P,) log housing stock (the size of each place's choice set).
    """

    place_value: _a(np.float64, _N, _N)
    expected_earnings: _a(np.float64, _N)
    log_size: _a(np.float64, _N)


# ---------------------------------------------------------------------- outputs
class FlowsOutput(NamedTuple):
    """Outputs and work space of :func:`sim.kernels.flows.monthly_flows`.

    Attributes:
        searching: (N,) True for this month's searchers (every row written).
        separations_by_place: (P,) separations by workplace (added to).
        retirements_by_place: (P,) retirements by home place (added to).
        layoffs_by_place: (P,) layoffs to unemployment by workplace (added to).
        scratch: (2, N) work space (overwritten).
    """

    searching: _a(np.bool_, _N)
    separations_by_place: _a(np.int64, _N)
    retirements_by_place: _a(np.int64, _N)
    layoffs_by_place: _a(np.int64, _N)
    scratch: _a(np.int32, 2, _N)


class VacancyTables(NamedTuple):
    """Sampling tables of the open vacancies (:func:`sim.kernels.matching.vacancy_weights`).

    Attributes:
        vacancy_firm: (V,) firm of each open vacancy, grouped by place.
        vacancy_start: (P + 1,) start of each place's vacancies in ``vacancy_firm``.
        vacancy_prob: (V,) Walker alias probabilities within each place (weights ``tau_j``).
        vacancy_alias: (V,) Walker aliases (vacancy positions).
        cum_place: (L, P, P) cumulative destination weights ``V_d exp(-beta f_s T_od)``,
            one layer per skill level when the decay differs by skill (L = 3), else one
            (L = 1).
        cum_place_remote: (L, P, P) the same for remote-capable vacancies and hybrid decay.
    """

    vacancy_firm: _a(np.int32, _N)
    vacancy_start: _a(np.int64, _N)
    vacancy_prob: _a(np.float64, _N)
    vacancy_alias: _a(np.int32, _N)
    cum_place: _a(np.float64, _N, _N, _N)
    cum_place_remote: _a(np.float64, _N, _N, _N)


class Applications(NamedTuple):
    """Application slots of one round, ``k`` per searcher (slot ``s k + a``).

    Attributes:
        firm: firm applied to, -1 for an empty slot.
        wage: bargained wage of the job, GBP a week.
        value: value of the job over the worker's threshold, GBP a week.
        remote: a remote (hybrid) application.
        score: the employer's score of the applicant.
    """

    firm: _a(np.int32, _N)
    wage: _a(np.float32, _N)
    value: _a(np.float32, _N)
    remote: _a(np.bool_, _N)
    score: _a(np.float64, _N)


class FirmQueues(NamedTuple):
    """Application slots grouped by firm (:func:`sim.kernels.matching.group_by_firm`).

    Attributes:
        firm_start: (F + 1,) start of each firm's slots.
        firm_apps: (slots,) slots that applied to each firm, firm by firm.
        firm_scores: (slots,) their scores, in the same order.
    """

    firm_start: _a(np.int64, _N)
    firm_apps: _a(np.int64, _N)
    firm_scores: _a(np.float64, _N)


class HireCounts(NamedTuple):
    """Outputs of :func:`sim.kernels.matching.accept_and_hire`.

    Attributes:
        hired: (S,) True for the searchers hired this round.
        hires_by_place: (P,) hires by workplace (added to).
        hires_from_unemployment_by_home: (P,) hires of the unemployed by home (added to).
        job_to_job_by_home: (P,) job-to-job moves by home (added to).
    """

    hired: _a(np.bool_, _N)
    hires_by_place: _a(np.int64, _N)
    hires_from_unemployment_by_home: _a(np.int64, _N)
    job_to_job_by_home: _a(np.int64, _N)


class TallyOutput(NamedTuple):
    """Outputs of :func:`sim.kernels.aggregate.aggregate_workers` (all overwritten).

    Attributes:
        counts: (P, len(COUNT_COLUMNS)) counts and sums by place.
        hist: (P, N_BINS) wages of employed residents.
        hist_good_skill: (P, N_BINS) the same for jobs that use the worker's skill.
        firm_profit: (F,) weekly value added less wages by firm, GBP a week.
    """

    counts: _a(np.float64, _N, _N)
    hist: _a(np.int64, _N, _N)
    hist_good_skill: _a(np.int64, _N, _N)
    firm_profit: _a(np.float64, _N)


class MoveCounts(NamedTuple):
    """Outputs of :func:`sim.kernels.migration.choose_and_move`.

    Attributes:
        moved_from: (M,) origin of each candidate who moved, -1 when staying.
        quit: (M,) True when the move ended the job.
        in_moves, out_moves: (P,) moves into and out of each place (added to).
        in_advanced, out_advanced: (P,) the same for advanced skills (added to).
    """

    moved_from: _a(np.int64, _N)
    quit: _a(np.bool_, _N)
    in_moves: _a(np.int64, _N)
    out_moves: _a(np.int64, _N)
    in_advanced: _a(np.int64, _N)
    out_advanced: _a(np.int64, _N)


# ---------------------------------------------------------------------- construction
_SPECS: dict[type, dict[str, Any]] = {}


def _spec(bundle_type: type) -> dict[str, Any]:
    """Field name -> :class:`Array` or scalar type, from the bundle's annotations."""
    spec = _SPECS.get(bundle_type)
    if spec is None:
        if not (isinstance(bundle_type, type) and issubclass(bundle_type, tuple)
                and hasattr(bundle_type, "_fields")):
            raise TypeError(f"make: {bundle_type!r} is not a bundle (a NamedTuple class)")
        hints = typing.get_type_hints(bundle_type, include_extras=True)
        spec = {}
        for name in bundle_type._fields:
            hint = hints[name]
            meta = getattr(hint, "__metadata__", ())
            spec[name] = meta[0] if meta and isinstance(meta[0], Array) else hint
        _SPECS[bundle_type] = spec
    return spec


def _check(bundle: str, name: str, want: Any, value: Any) -> Any:
    where = f"{bundle}.{name}"
    if isinstance(want, Array):
        if not isinstance(value, np.ndarray):
            raise TypeError(f"{where}: expected a {want.describe()}, got {type(value).__name__}")
        if value.dtype != want.dtype:
            raise TypeError(f"{where}: expected dtype {want.dtype.name}, got {value.dtype.name}")
        if value.ndim != len(want.shape):
            raise ValueError(
                f"{where}: expected {len(want.shape)} dimension(s), got {value.ndim}"
            )
        for axis, (have, need) in enumerate(zip(value.shape, want.shape, strict=True)):
            if need is not None and have != need:
                raise ValueError(
                    f"{where}: expected length {need} on axis {axis}, got shape {value.shape}"
                )
        return value
    is_bool = isinstance(value, (bool, np.bool_))
    if want is float:
        if is_bool or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{where}: expected a float, got {type(value).__name__}")
        return float(value)
    if want is int:
        if is_bool or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{where}: expected an int, got {type(value).__name__}")
        return int(value)
    if want is bool:
        if not is_bool:
            raise TypeError(f"{where}: expected a bool, got {type(value).__name__}")
        return bool(value)
    if want is _KEY:
        if is_bool or not isinstance(value, (int, np.integer)) or not 0 <= int(value) < 2**64:
            raise TypeError(f"{where}: expected a uint64 stream key, got {value!r}")
        return np.uint64(value)
    raise TypeError(f"{where}: field of unsupported annotation {want!r}")  # pragma: no cover


def make[B: tuple](bundle_type: type[B], /, **fields: Any) -> B:
    """Build a bundle, checking every field against its annotation.

    Args:
        bundle_type: a bundle class of this module (or any NamedTuple annotated the same
            way).
        **fields: every field of the bundle, by name.

    Returns:
        The bundle (arrays are the objects given, not copies; scalars normalised).

    Raises:
        TypeError: a missing or unknown field, a value that is not an array where one is
            due, an array of the wrong dtype, or a scalar of the wrong kind.
        ValueError: an array with the wrong number of dimensions or a wrong fixed length.
    """
    spec = _spec(bundle_type)
    bundle = bundle_type.__name__
    for name in fields:
        if name not in spec:
            raise TypeError(f"{bundle}: unknown field {name!r}")
    for name in spec:
        if name not in fields:
            raise TypeError(f"{bundle}: missing field {name!r}")
    return bundle_type(**{n: _check(bundle, n, spec[n], fields[n]) for n in spec})


def select_rows[B: tuple](bundle: B, rows: np.ndarray | slice) -> B:
    """The same bundle with every (1-D, per-row) array indexed by ``rows``.

    ``rows`` is a boolean mask or row numbers (the arrays are copied) or a slice (views).
    A mask is turned into row numbers once, not once per array.
    """
    if isinstance(rows, np.ndarray) and rows.dtype == np.bool_:
        rows = np.flatnonzero(rows)
    return type(bundle)(*(col[rows] for col in bundle))


def worker_columns(workers: Workers) -> WorkerColumns:
    """The columns of a worker table as a :class:`WorkerColumns` (the arrays themselves).

    Not checked field by field: the table's ``SCHEMA`` fixes the dtypes, the same as
    the bundle's (a test checks they agree), and this runs several times a month.
    """
    return WorkerColumns(*[getattr(workers, name) for name in WorkerColumns._fields])


def firm_columns(firms: Firms) -> FirmColumns:
    """The columns of a firm table as a :class:`FirmColumns` (the arrays themselves;
    dtypes fixed by the table's ``SCHEMA``, like :func:`worker_columns`)."""
    return FirmColumns(*[getattr(firms, name) for name in FirmColumns._fields])


"""One row per commune of a province: the figures of the RAG table, from grouped statements only."""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ir_app.domain.holidays import WorkingCalendar
from ir_app.domain.regimes import Transition
from ir_app.domain.requirements import Catalogue
from ir_app.domain.training import Coverage, TrainingRules, coverage_level
from ir_app.domain.workdays import is_working_day
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, Incident, Organisation, OrgKind, SecurityPolicy
from ir_app.models.checks import MorningCheck
from ir_app.services import overview
from ir_app.services.backups.health import commune_summaries
from ir_app.services.incidents.clocks import due_incident_clocks
from ir_app.services.incidents.data import ResponseData
from ir_app.services.measures.plan import DossierKey, progress_by_dossier
from ir_app.services.province import rag
from ir_app.services.training.coverage import configured_rules, coverage_by_commune

IN_FORCE = ("approved", "protecting", "operating")
DAY = timedelta(hours=24)
THREE_DAYS = timedelta(hours=72)


@dataclass
class CommuneRow:
    commune: Organisation
    figures: overview.CommuneFigures
    counts: dict[str, int] = field(default_factory=dict)
    plan_total_3: int = 0
    has_policy: bool = False
    serious_open: int = 0
    training: Coverage | None = None
    cells: dict[str, rag.Cell] = field(default_factory=dict)

    @property
    def plan_percent(self) -> int | None:
        return self.figures.plan_percent


@dataclass(frozen=True)
class Inputs:
    """What the figures read besides the database: the moment, the law and the playbooks."""

    now: datetime
    zone: tzinfo
    catalogue: Catalogue
    transition: Transition
    response: ResponseData
    calendar: WorkingCalendar
    training: TrainingRules | None = None   # None: the configured level_dossiers folder's

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def training_rules(self) -> TrainingRules:
        return self.training or configured_rules()


def province_communes(session: Session, province_id: int) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.kind == OrgKind.COMMUNE,
                                                           Organisation.parent_id == province_id)
                                .order_by(Organisation.name)))


def commune_rows(session: Session, province_id: int, inputs: Inputs) -> list[CommuneRow]:
    """Every commune of the province with its figures and coloured cells (unsorted: by name)."""
    communes = province_communes(session, province_id)
    ids = select(Organisation.id).where(Organisation.kind == OrgKind.COMMUNE, Organisation.parent_id == province_id)
    figures = overview.commune_figures(session, ids, inputs.today, transition=inputs.transition)
    rows = {commune.id: CommuneRow(commune, figures[commune.id]) for commune in communes}
    for row in rows.values():
        row.counts = dict.fromkeys(rag.COLUMN_KEYS, 0)
        row.counts["dossiers_overdue"] = row.figures.steps_overdue
        row.counts["unapproved"] = row.figures.systems_by_level.get(None, 0)
        row.counts["transition"] = row.figures.transition_legacy + row.figures.transition_under_investment
    _plans(session, rows, ids, inputs.catalogue)
    _policies(session, rows, ids)
    _incidents(session, rows, ids, inputs)
    _backups(session, rows, ids, inputs)
    _morning_checks(session, rows, ids, inputs)
    _training(session, rows, ids, inputs)
    for row in rows.values():
        row.cells = _cells(row, inputs)
    return list(rows.values())


def _plans(session: Session, rows: dict[int, CommuneRow], ids, catalogue: Catalogue) -> None:
    """Plan coverage of every dossier in force, and the gaps of those at level 3 or above."""
    level = func.coalesce(Dossier.proposed_level, Dossier.determined_level)
    keys = [DossierKey(*item) for item in session.execute(
        select(Dossier.id, Dossier.commune_id, Dossier.system_id, level)
        .where(Dossier.state.in_(IN_FORCE), Dossier.commune_id.in_(ids)))]
    progress = progress_by_dossier(session, keys, catalogue)
    for key in keys:
        found = progress.get(key.id)
        if found is None or key.commune_id not in rows:
            continue
        row = rows[key.commune_id]
        row.figures.plan_total += found.total
        row.figures.plan_done += found.done
        if key.level >= 3:
            row.plan_total_3 += found.total
            row.counts["plan_gaps"] += found.total - found.done


def _policies(session: Session, rows: dict[int, CommuneRow], ids) -> None:
    for (commune_id,) in session.execute(select(SecurityPolicy.commune_id).where(SecurityPolicy.commune_id.in_(ids))
                                         .group_by(SecurityPolicy.commune_id)):
        rows[commune_id].has_policy = True
    for row in rows.values():
        row.counts["policy_missing"] = 0 if row.has_policy else 1


def _incidents(session: Session, rows: dict[int, CommuneRow], ids, inputs: Inputs) -> None:
    open_states = and_(Incident.state.not_in(inputs.response.terminal_states), Incident.is_drill.is_(False))
    for commune_id, severity, count in session.execute(
            select(Incident.commune_id, Incident.severity, func.count())
            .where(open_states, Incident.commune_id.in_(ids)).group_by(Incident.commune_id, Incident.severity)):
        rows[commune_id].counts["open_incidents"] += count
        if severity == "nghiem_trong":
            rows[commune_id].serious_open += count
    for commune_id, column, count in overdue_clock_counts(session, ids, inputs):
        rows[commune_id].counts[column] = count


def overdue_clock_counts(session: Session, ids, inputs: Inputs) -> list[tuple[int, str, int]]:
    """Open incidents per commune with a reporting clock overdue: those of 24 hours or less
    (immediate notice, initial notice) and those of up to 72 hours (the report, the PDP notice)."""
    # Longer clocks count in no column: their conditions need not be evaluated.
    counted = [rule for rule in inputs.response.clock_rules if rule.duration <= THREE_DAYS]
    durations = {rule.id: rule.duration for rule in counted}
    found: dict[str, set[tuple[int, int]]] = {"clocks_24h": set(), "clocks_72h": set()}
    for clock in due_incident_clocks(session, inputs.now, ids, inputs.response, counted):
        if clock.is_overdue:
            column = "clocks_24h" if durations[clock.rule_id] <= DAY else "clocks_72h"
            found[column].add((clock.commune_id, clock.incident_id))
    result = []
    for column, pairs in found.items():
        result.extend((commune_id, column, count)
                      for commune_id, count in Counter(commune_id for commune_id, _id in pairs).items())
    return result


def _backups(session: Session, rows: dict[int, CommuneRow], ids, inputs: Inputs) -> None:
    for commune_id, summary in commune_summaries(session, ids, inputs.now, inputs.zone).items():
        if commune_id in rows:
            rows[commune_id].counts["backups_overdue"] = summary.overdue
            rows[commune_id].counts["restores_overdue"] = summary.restore_overdue


def week_days_due(today: date, calendar: WorkingCalendar) -> list[date]:
    """The working days of this week (Monday on) before today: each should have had a check."""
    monday = today - timedelta(days=today.weekday())
    days = (monday + timedelta(days=offset) for offset in range(today.weekday()))
    return [day for day in days if is_working_day(day, calendar.holidays, calendar.extra_workdays)]


def _morning_checks(session: Session, rows: dict[int, CommuneRow], ids, inputs: Inputs) -> None:
    days = week_days_due(inputs.today, inputs.calendar)
    done: dict[int, int] = defaultdict(int)
    if days:
        for commune_id, count in session.execute(
                select(MorningCheck.commune_id, func.count()).where(MorningCheck.commune_id.in_(ids),
                                                                    MorningCheck.checked_on.in_(days))
                .group_by(MorningCheck.commune_id)):
            done[commune_id] = count
    for commune_id, row in rows.items():
        row.counts["checks_missed"] = max(0, len(days) - done[commune_id])


def _training(session: Session, rows: dict[int, CommuneRow], ids, inputs: Inputs) -> None:
    """Training coverage of every commune: three statements for the whole province."""
    found = coverage_by_commune(session, ids, inputs.training_rules, inputs.today)
    for commune_id, row in rows.items():
        row.training = found.get(commune_id)
        row.counts["training"] = row.training.required - row.training.met if row.training else 0


def _training_cell(row: CommuneRow) -> rag.Cell:
    percent = row.training.percent if row.training else None
    return rag.Cell(row.counts["training"], coverage_level(percent), f"{percent}%" if percent is not None else "—")


def _cells(row: CommuneRow, inputs: Inputs) -> dict[str, rag.Cell]:
    cells = {}
    for column in rag.COLUMNS:
        value = row.counts[column.key]
        if column.rule is not None:
            cells[column.key] = rag.Cell(value, column.rule(value))
    deadlines = []
    if row.figures.transition_legacy:
        deadlines.append(inputs.transition.existing_systems_deadline)
    if row.figures.transition_under_investment:
        deadlines.append(inputs.transition.under_investment_deadline)
    cells["transition"] = rag.Cell(row.counts["transition"],
                                   rag.transition_level(row.counts["transition"], deadlines, inputs.today))
    cells["plan_gaps"] = rag.Cell(row.counts["plan_gaps"], rag.plan_level(row.counts["plan_gaps"], row.plan_total_3))
    cells["policy_missing"] = (rag.Cell(0, rag.GREEN, N_("Có")) if row.has_policy
                               else rag.Cell(1, rag.RED, N_("Chưa có")))
    open_count = row.counts["open_incidents"]
    cells["open_incidents"] = rag.Cell(open_count, rag.RED if row.serious_open else
                                       rag.AMBER if open_count else rag.GREEN)
    cells["training"] = _training_cell(row)
    return {key: cells[key] for key in rag.COLUMN_KEYS}


def name_key(name: str) -> str:
    """Vietnamese names in alphabetical order: "Ân Thi" with the A's, "Đông Hải" with the D's."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in plain if not unicodedata.combining(char)).casefold()


def sort_rows(rows: list[CommuneRow], column: str | None, descending: bool = True) -> list[CommuneRow]:
    """Worst first by default; by a column (worst first unless ``descending`` is False)."""
    if column == "name":
        return sorted(rows, key=lambda row: name_key(row.commune.name), reverse=descending)
    if column not in rag.COLUMN_KEYS:
        return sorted(rows, key=lambda row: rag.worst_first_key(row.cells, row.commune.name))
    return sorted(rows, key=lambda row: rag.sort_key(column, row.cells, row.commune.name, descending))


@dataclass(frozen=True)
class Totals:
    communes: int
    counts: dict[str, int]
    levels: dict[str, Counter]      # column → how many communes are red / amber / green
    systems: int
    plan_total: int
    plan_done: int

    @property
    def plan_percent(self) -> int | None:
        return round(100 * self.plan_done / self.plan_total) if self.plan_total else None


def province_totals(rows: list[CommuneRow]) -> Totals:
    counts = {key: sum(row.counts[key] for row in rows) for key in rag.COLUMN_KEYS}
    levels = {key: Counter(row.cells[key].level for row in rows) for key in rag.COLUMN_KEYS}
    return Totals(len(rows), counts, levels, sum(row.figures.systems for row in rows),
                  sum(row.figures.plan_total for row in rows), sum(row.figures.plan_done for row in rows))

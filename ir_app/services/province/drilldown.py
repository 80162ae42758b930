"""One commune seen from the province: the records behind each figure of its row (bounded statements)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ir_app.domain.regimes import Regime
from ir_app.domain.training import Coverage
from ir_app.models import Dossier, Incident, InformationSystem, Organisation, SecurityPolicy
from ir_app.models.checks import MorningCheck
from ir_app.models.backups import BackupPlan
from ir_app.services.backups.health import PlanStatus, plan_statuses
from ir_app.services.incidents.clocks import DueClock, due_incident_clocks
from ir_app.services.measures.plan import DossierKey
from ir_app.services.measures.stored_progress import progress_of
from ir_app.services.overview import transition_deadline
from ir_app.services.province.figures import IN_FORCE, Inputs, week_days_due
from ir_app.services.training.coverage import commune_coverage


@dataclass(frozen=True)
class PlanGapRow:
    dossier: Dossier
    level: int
    gaps: int
    total: int


@dataclass
class CommuneDetail:
    commune: Organisation
    overdue_dossiers: list[Dossier] = field(default_factory=list)
    unapproved: list[tuple[InformationSystem, tuple[date, str] | None]] = field(default_factory=list)
    plan_gaps: list[PlanGapRow] = field(default_factory=list)
    policies: int = 0
    open_incidents: list[Incident] = field(default_factory=list)
    overdue_clocks: dict[int, list[DueClock]] = field(default_factory=dict)
    backups: list[PlanStatus] = field(default_factory=list)
    checks_missed: list[date] = field(default_factory=list)
    training: Coverage | None = None


def commune_detail(session: Session, commune: Organisation, inputs: Inputs, regime: Regime) -> CommuneDetail:
    detail = CommuneDetail(commune)
    detail.overdue_dossiers = list(session.scalars(
        select(Dossier).where(Dossier.commune_id == commune.id, Dossier.state != "superseded",
                              Dossier.step_due_on < inputs.today)
        .options(joinedload(Dossier.system)).order_by(Dossier.step_due_on, Dossier.id)))
    systems = session.scalars(select(InformationSystem).where(
        InformationSystem.commune_id == commune.id, InformationSystem.status != "retired")
        .order_by(InformationSystem.name))
    for system in systems:
        deadline = transition_deadline(system, regime)
        if system.approved_level is None or deadline is not None:
            detail.unapproved.append((system, deadline))
    detail.plan_gaps = _plan_gaps(session, commune, inputs)
    detail.policies = session.scalar(select(func.count()).select_from(SecurityPolicy)
                                     .where(SecurityPolicy.commune_id == commune.id)) or 0
    detail.open_incidents = list(session.scalars(
        select(Incident).where(Incident.commune_id == commune.id,
                               Incident.state.not_in(inputs.response.terminal_states),
                               Incident.is_drill.is_(False))
        .order_by(Incident.detected_at)))
    for clock in due_incident_clocks(session, inputs.now, [commune.id], inputs.response):
        if clock.is_overdue:
            detail.overdue_clocks.setdefault(clock.incident_id, []).append(clock)
    # Joined, not selectin: the same statements whether or not the commune has plans.
    plans = list(session.scalars(select(BackupPlan).where(BackupPlan.commune_id == commune.id)
                                 .options(joinedload(BackupPlan.system)).order_by(BackupPlan.system_id, BackupPlan.id)))
    statuses = plan_statuses(session, plans, inputs.now, inputs.zone)
    detail.backups = [status for status in statuses.values() if not status.is_healthy]
    days = week_days_due(inputs.today, inputs.calendar)
    checked = set(session.scalars(select(MorningCheck.checked_on).where(
        MorningCheck.commune_id == commune.id, MorningCheck.checked_on.in_(days)))) if days else set()
    detail.checks_missed = [day for day in days if day not in checked]
    detail.training = commune_coverage(session, commune.id, inputs.training_rules, inputs.today)
    return detail


def _plan_gaps(session: Session, commune: Organisation, inputs: Inputs) -> list[PlanGapRow]:
    level = func.coalesce(Dossier.proposed_level, Dossier.determined_level)
    dossiers = {dossier.id: (dossier, dossier_level) for dossier, dossier_level in session.execute(
        select(Dossier, level).where(Dossier.commune_id == commune.id, Dossier.state.in_(IN_FORCE), level >= 3)
        .options(joinedload(Dossier.system)))}
    keys = [DossierKey(dossier.id, commune.id, dossier.system_id, dossier_level)
            for dossier, dossier_level in dossiers.values()]
    progress = progress_of(session, keys, inputs.catalogue)
    rows = [PlanGapRow(dossiers[key.id][0], key.level, found.total - found.done, found.total)
            for key in keys if (found := progress.get(key.id)) is not None and found.total > found.done]
    return sorted(rows, key=lambda row: (-row.gaps, row.dossier.id))

"""The due provider for yearly drill planning: a commune whose systems oblige it to drill (the
regime's `drills` data: levels and period) and that has no drill planned in the current period is
reminded once, `remind_days_before_end` days before the period ends."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ir_app.config import load_config
from ir_app.domain.regimes.model import DrillDuty
from ir_app.domain.reminders import before, reminder_horizon
from ir_app.models import InformationSystem, Organisation, SystemStatus
from ir_app.models.drills import Drill
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.lawdata import LawData, load_law_data

# Systems still to be built or already retired oblige no drill.
DRILLING_STATUSES = (SystemStatus.IN_OPERATION, SystemStatus.UNDER_INVESTMENT)
NAMES_SHOWN = 5


@dataclass
class _Duty:
    """A commune's drill duty: the shortest period among its systems' duties (the first system's on a tie)."""

    duty: DrillDuty
    first_system_id: int      # the first system bringing `duty`
    earliest_system_id: int   # the commune's first system bringing any duty (the order of the reminders)
    systems: int = 0
    names: list[str] = field(default_factory=list)


def drill_plans(ctx: DueContext) -> list[Deadline]:
    """Two statements (the communes' classified systems counted per regime and level, and the drills
    planned this period), and one more for the names of the communes to remind."""
    law = load_law_data(str(load_config()["IR_LEVEL_DOSSIERS_DIR"]))
    duties = _duties(ctx, law)
    periods = {commune_id: found.duty.period_of(ctx.today) for commune_id, found in duties.items()}
    planned = _communes_with_drills(ctx, periods)
    due = {commune_id: found for commune_id, found in duties.items()
           if commune_id not in planned and (not ctx.reached_only or _may_remind(found.duty, periods[commune_id], ctx))}
    communes = _named_systems(ctx, law, due)
    return [_deadline(communes[commune_id], found, periods[commune_id]) for commune_id, found in
            sorted(due.items(), key=lambda item: item[1].earliest_system_id)]


def _classified(ctx: DueContext, *columns):
    query = select(*columns).where(InformationSystem.approved_level.is_not(None),
                                   InformationSystem.status.in_([s.value for s in DRILLING_STATUSES]))
    if (scope := ctx.scoped(InformationSystem.commune_id)) is not None:
        query = query.where(scope)
    return query


def _duties(ctx: DueContext, law: LawData) -> dict[int, _Duty]:
    """Per commune, from its systems grouped by regime and level (not the nation's systems one by one)."""
    query = _classified(ctx, InformationSystem.commune_id, InformationSystem.approval_regime,
                        InformationSystem.approved_level, func.count(), func.min(InformationSystem.id)
                        ).group_by(InformationSystem.commune_id, InformationSystem.approval_regime,
                                   InformationSystem.approved_level)
    duties: dict[int, _Duty] = {}
    for commune_id, regime, level, systems, first_id in ctx.session.execute(query):
        duty = _duty(law, regime, level)
        if duty is None:
            continue
        found = duties.setdefault(commune_id, _Duty(duty, first_id, first_id))
        found.systems += systems
        found.earliest_system_id = min(found.earliest_system_id, first_id)
        if (duty.period_months, first_id) < (found.duty.period_months, found.first_system_id):
            found.duty, found.first_system_id = duty, first_id
    return duties


def _duty(law: LawData, regime_id: str | None, level: int | None) -> DrillDuty | None:
    regime = law.regimes.get(regime_id) or law.default_regime
    return regime.drill_duty(level)


def _may_remind(duty: DrillDuty, period: tuple[date, date], ctx: DueContext) -> bool:
    return period[1] <= reminder_horizon((before(duty.remind_days_before_end),), ctx.today)


def _communes_with_drills(ctx: DueContext, periods: dict[int, tuple[date, date]]) -> set[int]:
    """Always one statement (whether or not any commune must drill): the drills within a year either
    side of today, in the context's scope."""
    query = select(Drill.commune_id, Drill.planned_on).where(
        Drill.planned_on >= ctx.today - timedelta(days=366), Drill.planned_on <= ctx.today + timedelta(days=366))
    if (scope := ctx.scoped(Drill.commune_id)) is not None:
        query = query.where(scope)
    return {commune_id for commune_id, day in ctx.session.execute(query)
            if commune_id in periods and periods[commune_id][0] <= day <= periods[commune_id][1]}


def _named_systems(ctx: DueContext, law: LawData, due: dict[int, _Duty]) -> dict[int, Organisation]:
    """The communes to remind, with the names of their first systems that oblige a drill (one statement)."""
    if not due:
        return {}
    query = (_classified(ctx, InformationSystem.commune_id, InformationSystem.name, InformationSystem.approval_regime,
                         InformationSystem.approved_level, Organisation)
             .join(Organisation, Organisation.id == InformationSystem.commune_id)
             .where(InformationSystem.commune_id.in_(list(due))).order_by(InformationSystem.id))
    communes = {}
    for commune_id, name, regime, level, commune in ctx.session.execute(query):
        communes[commune_id] = commune
        names = due[commune_id].names
        if len(names) < NAMES_SHOWN and _duty(law, regime, level) is not None:
            names.append(f"{name} (cấp độ {level})")
    return communes


def _deadline(commune: Organisation, found: _Duty, period: tuple[date, date]) -> Deadline:
    start, end = period
    duty = found.duty
    more = f" và {found.systems - NAMES_SHOWN} hệ thống khác" if found.systems > NAMES_SHOWN else ""
    return Deadline(
        uid=f"drill-plan:commune:{commune.id}:{start.isoformat()}", kind="drill_plan_due",
        title=f"Lập kế hoạch diễn tập ứng cứu sự cố {start:%d/%m/%Y}–{end:%d/%m/%Y} — {commune.full_name}",
        due=end, commune_id=commune.id, roles=("officer",), thresholds=(before(duty.remind_days_before_end),),
        show_threshold=False, link=f"/drills/?commune={commune.code}",
        detail=(f"Chưa có cuộc diễn tập nào trong kỳ này. Hệ thống cần diễn tập: {', '.join(found.names)}{more}. "
                f"Căn cứ: {duty.article}."))

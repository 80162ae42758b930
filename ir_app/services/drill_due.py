"""The due provider for yearly drill planning: a commune whose systems oblige it to drill (the
regime's `drills` data: levels and period) and that has no drill planned in the current period is
reminded once, `remind_days_before_end` days before the period ends."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ir_app.config import load_config
from ir_app.domain.regimes.model import DrillDuty
from ir_app.domain.reminders import before
from ir_app.models import InformationSystem, SystemStatus
from ir_app.models.drills import Drill
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.lawdata import LawData, load_law_data

# Systems still to be built or already retired oblige no drill.
DRILLING_STATUSES = (SystemStatus.IN_OPERATION, SystemStatus.UNDER_INVESTMENT)


def drill_plans(ctx: DueContext) -> list[Deadline]:
    """Two statements: the communes' classified systems, and their drills planned this period."""
    law = load_law_data(str(load_config()["IR_LEVEL_DOSSIERS_DIR"]))
    query = (select(InformationSystem).where(InformationSystem.approved_level.is_not(None),
                                             InformationSystem.status.in_([s.value for s in DRILLING_STATUSES]))
             .options(joinedload(InformationSystem.commune)).order_by(InformationSystem.id))
    if (scope := ctx.scoped(InformationSystem.commune_id)) is not None:
        query = query.where(scope)
    duties: dict[int, tuple[DrillDuty, list[InformationSystem]]] = {}
    for system in ctx.session.scalars(query):
        duty = _duty(law, system)
        if duty is None:
            continue
        current, systems = duties.get(system.commune_id, (duty, []))
        systems.append(system)
        duties[system.commune_id] = (min(current, duty, key=lambda d: d.period_months), systems)
    periods = {commune_id: duty.period_of(ctx.today) for commune_id, (duty, _) in duties.items()}
    planned = _communes_with_drills(ctx, periods)
    return [_deadline(commune_id, duty, systems, periods[commune_id])
            for commune_id, (duty, systems) in duties.items() if commune_id not in planned]


def _duty(law: LawData, system: InformationSystem) -> DrillDuty | None:
    regime = law.regimes.get(system.approval_regime) or law.default_regime
    return regime.drill_duty(system.approved_level)


def _communes_with_drills(ctx: DueContext, periods: dict[int, tuple[date, date]]) -> set[int]:
    """Always one statement (whether or not any commune must drill): the drills within a year either
    side of today, in the context's scope."""
    query = select(Drill.commune_id, Drill.planned_on).where(
        Drill.planned_on >= ctx.today - timedelta(days=366), Drill.planned_on <= ctx.today + timedelta(days=366))
    if (scope := ctx.scoped(Drill.commune_id)) is not None:
        query = query.where(scope)
    return {commune_id for commune_id, day in ctx.session.execute(query)
            if commune_id in periods and periods[commune_id][0] <= day <= periods[commune_id][1]}


def _deadline(commune_id: int, duty: DrillDuty, systems: list[InformationSystem],
              period: tuple[date, date]) -> Deadline:
    start, end = period
    commune = systems[0].commune
    names = ", ".join(f"{system.name} (cấp độ {system.approved_level})" for system in systems[:5])
    more = f" và {len(systems) - 5} hệ thống khác" if len(systems) > 5 else ""
    return Deadline(
        uid=f"drill-plan:commune:{commune_id}:{start.isoformat()}", kind="drill_plan_due",
        title=f"Lập kế hoạch diễn tập ứng cứu sự cố {start:%d/%m/%Y}–{end:%d/%m/%Y} — {commune.full_name}",
        due=end, commune_id=commune_id, roles=("officer",), thresholds=(before(duty.remind_days_before_end),),
        show_threshold=False, link=f"/drills/?commune={commune.code}",
        detail=(f"Chưa có cuộc diễn tập nào trong kỳ này. Hệ thống cần diễn tập: {names}{more}. "
                f"Căn cứ: {duty.article}."))

"""One small function per kind of due item. Each reads the database through `ctx` and returns
`Deadline`s; it never writes. A fixed number of statements each, whatever the number of rows.

To add a kind of due item: write a function here and list it in `registry.PROVIDERS`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ir_app.datafiles.playbooks import load_playbooks
from ir_app.domain.playbooks import PlaybookError
from ir_app.domain.reminders import (
    ANNUAL_REPORT_OWNER,
    ANNUAL_REPORT_UNITS,
    AT_DUE,
    HOURS,
    OVERDUE,
    WORKING_DAYS,
    annual_report_year,
    before,
    reminder_horizon,
)
from ir_app.domain.dates import add_months
from ir_app.domain.workdays import is_working_day
from ir_app.models import Dossier, InformationSystem, Organisation, OrgKind, Review
from ir_app.models.backups import BackupPlan
from ir_app.models.checks import MorningCheck
from ir_app.services.backups.health import PlanStatus, plan_statuses
from ir_app.config import load_config
from ir_app.services.due.base import Deadline, DueContext
from ir_app.services.incidents.clocks import DueClock, due_incident_clocks
from ir_app.services.lawdata import load_law_data
from ir_app.services.dossiers.protection import first_review_due

log = logging.getLogger(__name__)

# --- Level dossiers -------------------------------------------------------------------------------

# States whose step runs against a legal deadline (level_dossiers/workflow.yaml), who must act,
# and what the step is. Công an xã (officer) follows every dossier up (DOMAIN §10).
DOSSIER_STEPS = {
    "submitted": (("appraiser", "officer"), "kiểm tra tính hợp lệ (NĐ 331 Đ23.2)"),
    "accepted": (("appraiser", "officer"), "thẩm định (NĐ 331 Đ23.3)"),
    "pending_approval": (("approver", "officer"), "phê duyệt (NĐ 331 Đ24.2)"),
}
DOSSIER_THRESHOLDS = (before(3, WORKING_DAYS), before(1, WORKING_DAYS), OVERDUE)


def dossier_steps(ctx: DueContext) -> list[Deadline]:
    """Dossier steps due in 3 and 1 working days, and overdue (Dossier.step_due_on). One statement of
    the columns drawn (the nation's dossiers as ORM objects with their systems took ten)."""
    query = (select(Dossier.id, Dossier.state, Dossier.step_due_on, Dossier.step_assignee_id, Dossier.commune_id,
                    InformationSystem.name)
             .join(InformationSystem, InformationSystem.id == Dossier.system_id)
             .where(Dossier.step_due_on.is_not(None), Dossier.state.in_(list(DOSSIER_STEPS))).order_by(Dossier.id))
    if (scope := ctx.scoped(Dossier.commune_id)) is not None:
        query = query.where(scope)
    if (remindable := ctx.remindable(Dossier.step_due_on, DOSSIER_THRESHOLDS)) is not None:
        query = query.where(remindable)
    deadlines = []
    for dossier_id, state, due, assignee_id, commune_id, system_name in ctx.session.execute(query):
        roles, step = DOSSIER_STEPS[state]
        named = (assignee_id,) if assignee_id else ()
        if named:  # given to a person (services/work): them, and the officer who follows every dossier up
            roles = tuple(role for role in roles if role == "officer")
        deadlines.append(Deadline(
            uid=f"dossier:{dossier_id}:step:{state}:{due.isoformat()}",
            kind="dossier_due", title=f"Hồ sơ cấp độ «{system_name}»: hạn {step}",
            due=due, commune_id=commune_id, roles=roles, user_ids=named,
            thresholds=DOSSIER_THRESHOLDS, link=f"/dossiers/{dossier_id}",
            detail="Thời hạn tính theo ngày làm việc (trừ thứ Bảy, Chủ nhật, ngày lễ, Tết)."))
    return deadlines


# --- Periodic reviews -----------------------------------------------------------------------------

REVIEW_THRESHOLDS = (before(30), before(7), before(1), OVERDUE)
ACTIVE_DOSSIER_STATES = ("approved", "protecting", "operating")
LEGACY_REGIME = "nd85-2016"


def periodic_reviews(ctx: DueContext) -> list[Deadline]:
    """The next periodic check of each approved dossier — after its latest Review.next_due_on, or,
    before any check, one regime interval after approval: 30, 7 and 1 days before, and overdue.
    One statement of the columns drawn: each dossier in force with its latest review, if any."""
    law = load_law_data(str(load_config()["IR_LEVEL_DOSSIERS_DIR"]))
    review_scope = ctx.scoped(Review.commune_id)
    # The latest review per dossier, within the scope: unscoped, one commune's "Việc của tôi" grouped
    # every review of the nation (10 ms per page at 1,300 communes, growing with the data).
    latest = select(Review.dossier_id, func.max(Review.id).label("review_id"))
    latest = (latest if review_scope is None else latest.where(review_scope)).group_by(Review.dossier_id).subquery()
    query = (select(Dossier.id, Dossier.commune_id, InformationSystem.name, Review.id, Review.next_due_on,
                    Review.reviewed_on, Review.assessor, Dossier.regime, Dossier.proposed_level,
                    Dossier.determined_level, Dossier.decision_on, Dossier.approved_at)
             .join(InformationSystem, InformationSystem.id == Dossier.system_id)
             .outerjoin(latest, latest.c.dossier_id == Dossier.id).outerjoin(Review, Review.id == latest.c.review_id)
             .where(Dossier.state.in_(ACTIVE_DOSSIER_STATES))
             .order_by(Review.id.is_(None), Review.id, Dossier.id))  # the checked ones first, as they were
    if (scope := ctx.scoped(Dossier.commune_id)) is not None:
        query = query.where(scope)
    if ctx.reached_only:
        query = query.where(or_(
            and_(Review.id.is_not(None), ctx.remindable(Review.next_due_on, REVIEW_THRESHOLDS)),
            and_(Review.id.is_(None), _first_review_remindable(law, reminder_horizon(REVIEW_THRESHOLDS, ctx.today)))))
    deadlines = []
    for (dossier_id, commune_id, system_name, review_id, next_due_on, reviewed_on, assessor,
         regime, proposed, determined, decision_on, approved_at) in ctx.session.execute(query):
        if review_id is not None:
            deadlines.append(_review_deadline(dossier_id, commune_id, system_name, next_due_on,
                                              f"Lần kiểm tra trước: {reviewed_on:%d/%m/%Y} ({assessor})."))
        elif (due := first_review_due(law, regime, proposed or determined, decision_on, approved_at)) is not None:
            deadlines.append(_review_deadline(dossier_id, commune_id, system_name, due,
                                              "Chưa có lần kiểm tra nào kể từ khi phê duyệt cấp độ."))
    return deadlines


def _first_review_remindable(law, horizon: date):
    """Dossiers approved early enough for their first check (one regime interval later) to be due by
    `horizon`, per regime and level: a few days generous (month ends, the zone of approved_at);
    the exact date is worked out per row. Unknown regimes are kept (and fail as before)."""
    level = func.coalesce(Dossier.proposed_level, Dossier.determined_level)
    kept = [Dossier.regime.not_in(list(law.regimes))]
    for regime_id, regime in law.regimes.items():
        for interval in regime.review_intervals:
            latest_start = add_months(horizon, -interval.months) + timedelta(days=4)
            kept.append(and_(Dossier.regime == regime_id, level == interval.level,
                             or_(Dossier.decision_on <= latest_start,
                                 and_(Dossier.decision_on.is_(None),
                                      Dossier.approved_at < datetime.combine(latest_start + timedelta(days=1), time(0),
                                                                            timezone.utc)))))
    return or_(*kept)


def _review_deadline(dossier_id: int, commune_id: int, system_name: str, due: date, detail: str) -> Deadline:
    return Deadline(
        uid=f"review:dossier:{dossier_id}:{due.isoformat()}", kind="review_due",
        title=f"Kiểm tra, đánh giá định kỳ «{system_name}»", due=due, commune_id=commune_id,
        roles=("officer", "appraiser"), thresholds=REVIEW_THRESHOLDS, link=f"/dossiers/{dossier_id}",
        detail=detail)


# --- Backups and restore tests ---------------------------------------------------------------------

RESTORE_REMINDER_DAYS = 7
RESTORE_THRESHOLDS = (before(RESTORE_REMINDER_DAYS), OVERDUE)


def backups(ctx: DueContext) -> list[Deadline]:
    """Per active plan: the next expected run (calendar only), an overdue plan (reminds the
    responsible person once per missed run), and the restore test (7 days before, overdue)."""
    # Only the system's name besides the plan: the pages' query (plans_query) also loads each plan's
    # commune and responsible user with their roles — four statements more for a commune, fifty for the nation.
    query = (select(BackupPlan).options(joinedload(BackupPlan.system).load_only(InformationSystem.name))
             .where(BackupPlan.is_active.is_(True)).order_by(BackupPlan.commune_id, BackupPlan.system_id, BackupPlan.id))
    if (scope := ctx.scoped(BackupPlan.commune_id)) is not None:
        query = query.where(scope)
    if ctx.reached_only:  # the moments kept on the row name the plans with a reminder due, exactly
        query = query.where(or_(BackupPlan.next_overdue_at <= ctx.now,
                                BackupPlan.restore_due_on <= ctx.today + timedelta(days=RESTORE_REMINDER_DAYS)))
    plans = ctx.session.scalars(query).all()
    deadlines = []
    for status in plan_statuses(ctx.session, plans, ctx.now, ctx.zone).values():
        deadlines.extend(_plan_deadlines(ctx, status))
    return deadlines


def _plan_deadlines(ctx: DueContext, status: PlanStatus) -> Iterable[Deadline]:
    plan = status.plan
    who: dict[str, Any] = ({"user_ids": (plan.responsible_user_id,)} if plan.responsible_user_id
                           else {"roles": ("officer",)})
    label = f"«{plan.name}» ({plan.system.name})"
    link = f"/backups/plans/{plan.id}"
    health = status.health
    if health is not None:  # None: the schedule is unusable (see PlanStatus.schedule_error)
        yield Deadline(uid=f"backup-plan:{plan.id}:expected:{_stamp(health.expected_at)}", kind="backup_expected",
                       title=f"Sao lưu {label}", due=health.expected_at, commune_id=plan.commune_id, link=link,
                       **who)
    if health is not None and health.is_overdue:
        last = (f"Lần thành công gần nhất: {health.last_ok_at.astimezone(ctx.zone):%H:%M %d/%m/%Y}."
                if health.last_ok_at else "Chưa có lần sao lưu thành công nào.")
        yield Deadline(
            uid=f"backup-plan:{plan.id}:missed:{_stamp(health.expected_at)}", kind="backup_overdue",
            title=f"Sao lưu quá hạn: {label}", due=health.due_by, commune_id=plan.commune_id,
            thresholds=(AT_DUE,), in_calendar=False, show_threshold=False, link=link, **who,
            detail=(f"Chưa có lần sao lưu thành công cho lần dự kiến "
                    f"{health.expected_at.astimezone(ctx.zone):%H:%M %d/%m/%Y}. {last} "
                    "Hãy kiểm tra và ghi nhận lần sao lưu khi đã chạy."))
    yield Deadline(
        uid=f"backup-plan:{plan.id}:restore-test:{status.restore_due_on.isoformat()}", kind="restore_test_due",
        title=f"Khôi phục thử bản sao lưu {label}", due=status.restore_due_on, commune_id=plan.commune_id,
        thresholds=RESTORE_THRESHOLDS, link=link, **who,
        detail=f"Khôi phục thử ít nhất mỗi {plan.restore_test_interval_months} tháng để chắc chắn bản sao dùng được.")


def _stamp(moment: datetime) -> str:
    """A compact UTC stamp for keys: 20261125T1500Z."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%MZ")


# --- The morning infrastructure check --------------------------------------------------------------

MORNING_CHECK_AT = time(7, 30)


def morning_check(ctx: DueContext) -> list[Deadline]:
    """At 07:30 on working days, each commune that has not filled in today's check is reminded."""
    today = ctx.today
    due = datetime.combine(today, MORNING_CHECK_AT, ctx.zone)
    if ctx.now < due or not is_working_day(today, ctx.holidays, ctx.extra_workdays):
        return []
    done = select(MorningCheck.commune_id).where(MorningCheck.checked_on == today)
    query = (select(Organisation).where(Organisation.kind == OrgKind.COMMUNE, Organisation.id.not_in(done))
             .order_by(Organisation.id))
    if (scope := ctx.scoped(Organisation.id)) is not None:
        query = query.where(scope)
    return [Deadline(
        uid=f"morning-check:{commune.id}:{today.isoformat()}", kind="morning_check",
        title=f"Chưa kiểm tra hạ tầng sáng nay ({today:%d/%m/%Y}) — {commune.full_name}", due=due,
        commune_id=commune.id, roles=("officer", "staff"), thresholds=(AT_DUE,), in_calendar=False,
        show_threshold=False,
        link=f"/checks/morning?commune={commune.code}",
        detail="Kiểm tra kết nối Internet, máy tính, máy in, máy quét và phần mềm, rồi ghi kết quả.")
        for commune in ctx.session.scalars(query)]


# --- Dates set by law ---------------------------------------------------------------------------------

ANNUAL_THRESHOLDS = (before(7), before(1))
TRANSITION_THRESHOLDS = (before(60), before(30), before(7), OVERDUE)


def _communes(ctx: DueContext) -> list[Organisation]:
    query = select(Organisation).where(Organisation.kind == OrgKind.COMMUNE).order_by(Organisation.id)
    if (scope := ctx.scoped(Organisation.id)) is not None:
        query = query.where(scope)
    return list(ctx.session.scalars(query))


def annual_report(ctx: DueContext) -> list[Deadline]:
    """NĐ 331 Đ35–36, Mẫu 08: units report to the owner before 20/12, the owner to Bộ Công an
    before 25/12 (data period 15/12 of last year to 14/12)."""
    year = annual_report_year(ctx.today)
    units_due = datetime(year, *ANNUAL_REPORT_UNITS).date()
    owner_due = datetime(year, *ANNUAL_REPORT_OWNER).date()
    if ctx.reached_only and min(units_due, owner_due) > reminder_horizon(ANNUAL_THRESHOLDS, ctx.today):
        return []  # most of the year: no statement at all
    period = f"Số liệu từ 15/12/{year - 1} đến 14/12/{year} (Mẫu 08, NĐ 331/2026)."
    deadlines = []
    for commune in _communes(ctx):
        deadlines.append(Deadline(
            uid=f"annual-report:{year}:units:{commune.id}", kind="annual_report",
            title=f"Các đơn vị gửi báo cáo năm {year} về an ninh mạng cho chủ quản (trước 20/12)",
            due=units_due, commune_id=commune.id, roles=("staff", "officer"), thresholds=ANNUAL_THRESHOLDS,
            detail=period))
        deadlines.append(Deadline(
            uid=f"annual-report:{year}:owner:{commune.id}", kind="annual_report",
            title=f"Chủ quản gửi báo cáo năm {year} cho Bộ Công an (trước 25/12)",
            due=owner_due, commune_id=commune.id, roles=("officer", "approver"), thresholds=ANNUAL_THRESHOLDS,
            detail=period))
    return deadlines


def transition(ctx: DueContext) -> list[Deadline]:
    """Luật 116 Đ45.1, NĐ 331 Đ39.1 (dates from the regime file): a system whose investment was
    approved before 01/7/2026 and is still unapproved finishes appraisal/approval under NĐ 85 by
    01/01/2027; systems approved under NĐ 85 meet the new requirements by 01/7/2027. A system merely
    marked "under investment" (investment approved later, or no date recorded) follows NĐ 331 and
    gets no NĐ 85 reminder."""
    rules = load_law_data(str(load_config()["IR_LEVEL_DOSSIERS_DIR"])).default_regime.transition
    legacy = (InformationSystem.approval_regime == LEGACY_REGIME) & InformationSystem.approved_level.is_not(None)
    investing = ((InformationSystem.status == "under_investment") & InformationSystem.approved_level.is_(None)
                 & (InformationSystem.investment_approved_on < rules.new_regime_effective))
    query = (select(InformationSystem.id, InformationSystem.name, InformationSystem.commune_id,
                    InformationSystem.status, InformationSystem.investment_approved_on, InformationSystem.approved_level)
             .where((legacy | investing) & (InformationSystem.status != "retired")).order_by(InformationSystem.id))
    if (scope := ctx.scoped(InformationSystem.commune_id)) is not None:
        query = query.where(scope)
    deadlines = []
    for system_id, name, commune_id, status, investment_approved_on, approved_level in ctx.session.execute(query):
        if rules.finishes_under_old_regime(status == "under_investment", investment_approved_on, approved_level):
            due, task = rules.under_investment_deadline, "hoàn thành thẩm định, phê duyệt cấp độ theo NĐ 85/2016"
        else:
            due, task = rules.existing_systems_deadline, "đáp ứng yêu cầu bảo đảm an ninh mạng theo NĐ 331/2026"
        deadlines.append(Deadline(
            uid=f"transition:{due.isoformat()}:system:{system_id}", kind="transition_due",
            title=f"«{name}»: {task} (hạn {due:%d/%m/%Y})", due=due, commune_id=commune_id,
            roles=("officer", "staff"), thresholds=TRANSITION_THRESHOLDS, link=f"/systems/{system_id}",
            detail=f"Quy định chuyển tiếp: {rules.article}."))
    return deadlines


# --- Playbooks ------------------------------------------------------------------------------------------

PLAYBOOK_THRESHOLDS = (before(30), OVERDUE)


def playbook_reviews(ctx: DueContext) -> list[Deadline]:
    """Response playbooks past their review interval. They are shared by every commune, so the
    admins who keep the playbooks folder are reminded."""
    if ctx.playbooks_dir is None:
        return []
    try:
        reviews = _playbook_reviews(Path(ctx.playbooks_dir), _folder_signature(Path(ctx.playbooks_dir)))
    except (PlaybookError, OSError):
        log.exception("playbooks could not be loaded for review reminders")
        return []
    return [Deadline(
        uid=f"playbook:{review.id}:review:{review.next_review_on.isoformat()}", kind="playbook_review",
        title=f"Rà soát kịch bản ứng cứu «{review.title}»", due=review.next_review_on, commune_id=None,
        roles=("admin",), thresholds=PLAYBOOK_THRESHOLDS,
        detail=(f"Rà soát lần cuối {review.last_reviewed_on:%d/%m/%Y}, chu kỳ {review.interval_text}. "
                "Chạy «ir-app playbooks validate» sau khi sửa."))
        for review in reviews]


@dataclass(frozen=True)
class _PlaybookReview:
    id: str
    title: str
    last_reviewed_on: date
    next_review_on: date
    interval_text: str


def _folder_signature(directory: Path) -> tuple:
    """Changes whenever a file in the folder changes, so an edited playbook is read again."""
    return tuple(sorted((path.name, path.stat().st_mtime_ns, path.stat().st_size)
                        for path in directory.iterdir() if path.is_file()))


@lru_cache(maxsize=4)
def _playbook_reviews(directory: Path, signature: tuple) -> tuple[_PlaybookReview, ...]:
    """Loading and validating the playbooks takes most of a second: do it once per folder state."""
    playbooks = load_playbooks(directory)
    return tuple(_PlaybookReview(p.id, p.title, p.last_reviewed_on, p.next_review_on, p.review_interval_text)
                 for p in sorted(playbooks.values(), key=lambda p: p.id))


# --- Incident reporting clocks (MERGE HOOK) -------------------------------------------------------------

INCIDENT_THRESHOLDS = (before(12, HOURS), before(2, HOURS), OVERDUE)


def incident_clocks(ctx: DueContext) -> list[Deadline]:
    """Incident reporting clocks of open incidents: 12 h and 2 h before, and overdue (every 15 min)."""
    return [_clock_deadline(item) for item in due_incident_clocks(ctx.session, ctx.now, commune_ids=ctx.commune_ids)]


def _clock_deadline(item: DueClock) -> Deadline:
    return Deadline(
        uid=f"incident:{item.incident_id}:clock:{item.rule_id}:{_stamp(item.due_at)}",
        kind="incident_clock", title=f"{item.incident_code} — {item.rule_title}", due=item.due_at,
        commune_id=item.commune_id, roles=("officer",), thresholds=INCIDENT_THRESHOLDS,
        link=f"/incidents/{item.incident_id}")


__all__ = ["annual_report", "backups", "dossier_steps", "incident_clocks", "morning_check", "periodic_reviews",
           "playbook_reviews", "transition"]

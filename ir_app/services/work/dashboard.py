"""The overview's panel per role: what each role needs to see first, every number with the link
to the list it counts. Reuses the user's work queue; a few grouped statements more per role."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.models import Dossier, Incident, InformationSystem, Role, User
from ir_app.models.checks import MorningCheck
from ir_app.models.incidents import TERMINAL_STATES
from ir_app.models.notifications import Notification
from ir_app.models.scheduling import JobRun
from ir_app.services.dossiers.lifecycle import OPEN_STATES
from ir_app.services.work.queue import DOSSIER_STEP, PLAN_GAPS, WorkItem

IN_FORCE = ("approved", "protecting", "operating")


@dataclass(frozen=True)
class Figure:
    label: str      # marked with N_: translated by the template
    count: int
    link: str       # the filtered list the number counts
    alert: bool = False


@dataclass
class Panel:
    role: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    items: list[WorkItem] = field(default_factory=list)   # the most urgent work of this panel


# The roles whose panel lists items of the work queue; the others need only their own figures.
ROLES_SHOWING_WORK = frozenset({Role.OFFICER, Role.STAFF, Role.APPRAISER, Role.APPROVER})


def panels_for(session: Session, user: User, work_of_user: Callable[[], list[WorkItem]],
               today: date) -> list[Panel]:
    """One panel per role the user holds, in the order of the roles' daily urgency. The work queue
    (a dozen statements) is built only when one of these panels shows it: not for an overseer."""
    commune_id = user.organisation_id if user.organisation.kind == "commune" else None
    builders = ((Role.OFFICER, _officer), (Role.STAFF, _staff), (Role.APPRAISER, _deciding),
                (Role.APPROVER, _deciding), (Role.AUDITOR, _auditor), (Role.ADMIN, _admin))
    roles = [(role, build) for role, build in builders
             if role in user.roles and (commune_id is not None or role == Role.ADMIN)]
    work = work_of_user() if any(role in ROLES_SHOWING_WORK for role, _ in roles) else []
    return [build(session, role, commune_id, work, today) for role, build in roles]


def _of(work: list[WorkItem], *kinds: str) -> list[WorkItem]:
    return [item for item in work if item.kind in kinds]


def _officer(session: Session, role: Role, commune_id: int, work: list[WorkItem], today: date) -> Panel:
    open_incidents = session.scalar(select(func.count(Incident.id)).where(
        Incident.commune_id == commune_id, Incident.state.not_in(TERMINAL_STATES),
        Incident.is_drill.is_(False))) or 0
    checked = session.scalar(select(func.count(MorningCheck.id)).where(
        MorningCheck.commune_id == commune_id, MorningCheck.checked_on == today)) or 0
    clocks = _of(work, "incident_clock")
    missed, restores = _of(work, "backup_overdue"), _of(work, "restore_test_due")
    return Panel(role.value, N_("Công an xã: sự cố, kiểm tra, sao lưu"), [
        Figure(N_("Sự cố đang xử lý"), open_incidents, "/incidents/?state=open"),
        Figure(N_("Thời hạn báo cáo đang chạy"), len(clocks), "/work?kind=incident_clock", alert=bool(clocks)),
        Figure(N_("Lần kiểm tra buổi sáng hôm nay"), checked, "/checks/" if checked else "/checks/morning",
               alert=not checked),
        Figure(N_("Sao lưu quá hạn"), len(missed), "/work?kind=backup_overdue", alert=bool(missed)),
        Figure(N_("Khôi phục thử đến hạn"), len(restores), "/work?kind=restore_test_due", alert=bool(restores)),
    ], clocks[:5])


def _staff(session: Session, role: Role, commune_id: int, work: list[WorkItem], today: date) -> Panel:
    systems = session.scalar(select(func.count(InformationSystem.id)).where(
        InformationSystem.commune_id == commune_id, InformationSystem.status != "retired")) or 0
    in_progress = session.scalar(select(func.count(Dossier.id)).where(
        Dossier.commune_id == commune_id, Dossier.state.in_(OPEN_STATES))) or 0
    steps, gaps = _of(work, DOSSIER_STEP), _of(work, PLAN_GAPS)
    return Panel(role.value, N_("Đơn vị: hệ thống, hồ sơ, phương án"), [
        Figure(N_("Hệ thống của xã"), systems, "/systems/"),
        Figure(N_("Hồ sơ đang xử lý"), in_progress, "/dossiers/?state=open"),
        Figure(N_("Bước hồ sơ chờ bạn"), len(steps), "/work?kind=dossier_step", alert=bool(steps)),
        Figure(N_("Phương án còn yêu cầu chưa đạt"), len(gaps), "/work?kind=plan_gaps"),
    ], steps[:5])


def _deciding(session: Session, role: Role, commune_id: int, work: list[WorkItem], today: date) -> Panel:
    steps = _of(work, DOSSIER_STEP)
    overdue = [item for item in steps if item.due is not None and item.due < today]
    title = N_("Thẩm định: hồ sơ chờ và thời hạn") if role == Role.APPRAISER else N_("Phê duyệt: hồ sơ chờ và thời hạn")
    return Panel(role.value, title, [
        Figure(N_("Hồ sơ chờ bạn"), len(steps), "/work?kind=dossier_step", alert=bool(steps)),
        Figure(N_("Quá hạn theo quy định"), len(overdue), "/work?kind=dossier_step", alert=bool(overdue)),
    ], steps[:5])


def _auditor(session: Session, role: Role, commune_id: int, work: list[WorkItem], today: date) -> Panel:
    rows = dict(session.execute(select(Dossier.state, func.count(Dossier.id)).where(
        Dossier.commune_id == commune_id, Dossier.state.in_(IN_FORCE)).group_by(Dossier.state)).all())
    labels = {"approved": N_("Hồ sơ đã phê duyệt"), "protecting": N_("Đang triển khai phương án"),
              "operating": N_("Đang vận hành")}
    return Panel(role.value, N_("Kiểm tra: hồ sơ đã phê duyệt để tải về"),
                 [Figure(labels[state], rows.get(state, 0), f"/dossiers/?state={state}") for state in IN_FORCE])


def _admin(session: Session, role: Role, commune_id: int | None, work: list[WorkItem], today: date) -> Panel:
    mail = dict(session.execute(select(Notification.email_status, func.count(Notification.id))
                                .where(Notification.email_status.in_(("pending", "failed")))
                                .group_by(Notification.email_status)).all())
    failing_jobs = session.scalar(select(func.count()).select_from(JobRun).where(JobRun.last_status == "error")) or 0
    return Panel(role.value, N_("Quản trị: tình trạng vận hành"), [
        Figure(N_("E-mail gửi lỗi"), mail.get("failed", 0), "/operations/", alert=bool(mail.get("failed"))),
        Figure(N_("E-mail chờ gửi"), mail.get("pending", 0), "/operations/"),
        Figure(N_("Việc định kỳ lỗi ở lần chạy cuối"), failing_jobs, "/operations/", alert=bool(failing_jobs)),
    ])

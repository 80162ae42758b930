"""Incidents: the quick report, the full record and classification, the lifecycle (server-enforced,
from playbooks/lifecycle.yaml), timeline notes, and recording the reports that complete the clocks.

Every function takes the session, the acting user, ``now`` and the response data explicitly,
flushes and writes the audit event; the caller commits once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.domain.playbooks import Transition, TransitionError, available_actions, transition
from ir_app.models import Incident, IncidentReport, InformationSystem, Organisation, User
from ir_app.services.notifications import outbox as notifications
from ir_app.services.audit import Actor, diff
from ir_app.services.authz import Permission, has_permission
from ir_app.services.errors import PermissionDenied, ServiceError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.incidents.clocks import ClockStatus, incident_clocks
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.evidence import DEFAULT_MAX_BYTES, check_upload, store_file
from ir_app.services.incidents.timeline import log_event
from ir_app.services.incidents.tasks import complete_clock_tasks, missing_tasks, refresh_task_dues, require_open
from ir_app.services.inventory.systems import check_version

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
QUICK_REPORT_LIMIT = 10              # quick reports per user ...
QUICK_REPORT_WINDOW = timedelta(hours=1)  # ... in this window
CLOCK_SKEW = timedelta(minutes=5)    # a phone's clock may run a little ahead of the server's
INCIDENT_LINK = "/incidents/{id}"
REPORT_CHANNELS = (
    ("document", N_("Văn bản giấy (công văn)")),
    ("email", N_("Thư điện tử")),
    ("portal", N_("Cổng thông tin, hệ thống trực tuyến")),
    ("phone", N_("Điện thoại")),
    ("message", N_("Tin nhắn (Zalo, SMS)")),
    ("in_person", N_("Trực tiếp")),
)
CYBER_CHOICES = (("auto", N_("Theo loại sự cố")), ("yes", N_("Có")), ("no", N_("Không")))

F = FieldSpec


class TooManyReports(ServiceError):
    """The quick-report rate limit: the web answers 429."""


# --------------------------------------------------------------------------- fields

def category_choices(data: ResponseData) -> tuple[tuple[str, str], ...]:
    return tuple((category.id, category.title) for category in data.catalogue.categories)


def system_choices(systems: Iterable[InformationSystem]) -> tuple[tuple[str, str], ...]:
    return tuple((str(system.id), f"{system.name} ({system.code}"
                  + (f", cấp độ {system.approved_level})" if system.approved_level else ")"))
                 for system in systems)


def quick_report_fields(data: ResponseData, systems: Iterable[InformationSystem]) -> list[FieldSpec]:
    """At most five fields: a phone in one hand, a minute to spare."""
    return [
        F("what", N_("Chuyện gì đang xảy ra?"), "textarea", required=True, max_length=2000,
          help=N_("Ví dụ: máy tính bị khóa, hiện thông báo đòi tiền; không vào được thư công vụ.")),
        F("category", N_("Loại sự cố (nếu biết)"), "choice", choices=category_choices(data)),
        F("system_id", N_("Máy, hệ thống bị ảnh hưởng (nếu biết)"), "choice", choices=system_choices(systems)),
        F("detected_at", N_("Phát hiện lúc"), "datetime", help=N_("Để trống nếu vừa phát hiện.")),
        F("contact", N_("Số điện thoại để Công an xã gọi lại"), max_length=50),
    ]


def incident_fields(data: ResponseData, systems: Iterable[InformationSystem]) -> list[FieldSpec]:
    """The full record (Biểu mẫu 03 fields, NĐ 331 Đ31.2.d contents, personal data, outcome)."""
    severities = tuple((level.id, level.title) for level in data.catalogue.severities)
    return [
        F("title", N_("Tên sự cố"), required=True, max_length=300),
        F("category", N_("Loại sự cố"), "choice", choices=category_choices(data)),
        F("system_ids", N_("Hệ thống bị ảnh hưởng"), "multichoice", choices=system_choices(systems)),
        F("detected_at", N_("Thời điểm phát hiện sự cố"), "datetime", required=True),
        F("reporter_name", N_("Người báo"), max_length=200),
        F("reporter_contact", N_("Điện thoại, e-mail người báo"), max_length=200),
        F("contact_person", N_("Người liên hệ xử lý (họ tên, điện thoại)"), max_length=300),
        F("detection_method", N_("Phát hiện bằng cách nào"), "textarea", max_length=5000),
        F("description", N_("Mô tả sự cố"), "textarea", max_length=10000),
        F("current_situation", N_("Tình trạng hiện tại"), "textarea", max_length=5000),
        F("notified_parties", N_("Đã thông báo cho ai"), "textarea", max_length=5000),
        F("technical_details", N_("Thông tin kỹ thuật (hệ điều hành, dịch vụ, biện pháp bảo vệ, IP, tên miền)"),
          "textarea", max_length=10000),
        F("support_request", N_("Đề nghị hỗ trợ"), "textarea", max_length=5000),
        F("severity", N_("Mức độ"), "choice", choices=severities),
        F("severity_reason", N_("Lý do phân loại mức độ"), "textarea", max_length=5000,
          help=N_("Bắt buộc khi chọn mức độ: chế độ mới chưa có tiêu chí «nghiêm trọng».")),
        F("national_security_signs", N_("Có dấu hiệu xâm phạm an ninh quốc gia, trật tự, an toàn xã hội "
                                     "(báo cáo NGAY)"), "bool"),
        F("serious_disruption", N_("Gây gián đoạn nghiêm trọng hoạt động của hệ thống (báo cáo NGAY)"), "bool"),
        F("is_cyber_incident", N_("Là sự cố an ninh mạng (phải báo cáo Bộ Công an)"), "choice", required=True,
          choices=CYBER_CHOICES, default="auto"),
        F("is_complex", N_("Sự cố phức tạp (cần báo cáo cập nhật, báo cáo kết thúc)"), "bool"),
        F("beyond_capacity", N_("Vượt quá khả năng xử lý của xã"), "bool"),
        F("is_confidential", N_("Đề nghị giữ bí mật thông tin sự cố"), "bool",
          help=N_("Chỉ cán bộ xử lý sự cố, người báo và người kiểm tra xem được chi tiết.")),
        F("personal_data_involved", N_("Có vi phạm dữ liệu cá nhân có thể gây tác hại"), "bool"),
        F("discovered_at", N_("Thời điểm phát hiện vi phạm dữ liệu cá nhân"), "datetime",
          help=N_("Để trống: trùng thời điểm phát hiện sự cố.")),
        F("personal_data_kinds", N_("Loại dữ liệu cá nhân liên quan"), "textarea", max_length=5000),
        F("personal_data_subjects", N_("Số người bị ảnh hưởng (ước tính)"), "int"),
        F("location_or_biometric", N_("Có dữ liệu vị trí hoặc sinh trắc học"), "bool"),
        F("cause", N_("Nguyên nhân"), "textarea", max_length=10000),
        F("impact", N_("Phạm vi ảnh hưởng"), "textarea", max_length=10000),
        F("measures", N_("Biện pháp đã và đang thực hiện"), "textarea", max_length=10000),
        F("resolution", N_("Kết quả xử lý"), "textarea", max_length=10000,
          help=N_("Bắt buộc trước khi rút kinh nghiệm và đóng sự cố.")),
        F("lessons_learned", N_("Bài học kinh nghiệm, biện pháp phòng ngừa"), "textarea", max_length=10000,
          help=N_("Bắt buộc trước khi đóng sự cố.")),
    ]


# --------------------------------------------------------------------------- who may do what

def incident_roles(user: User) -> set[str]:
    """The user's roles as the lifecycle sees them.

    Anyone the permission map lets report (REPORT_INCIDENT: appraisers and leaders too) files
    the quick report as "staff" does; lifecycle.yaml names only the roles that handle incidents.
    """
    roles = {role.value for role in user.roles}
    if has_permission(user, Permission.REPORT_INCIDENT):
        roles.add("staff")
    return roles


def may_read(user: User, incident: Incident) -> bool:
    """A confidential incident is read by its handlers, inspectors and the person who reported it."""
    if not incident.is_confidential or incident.reported_by_id == user.id:
        return True
    return has_permission(user, Permission.HANDLE_INCIDENT) or has_permission(user, Permission.VIEW_AUDIT)


def readable_filter(user: User):
    """The same rule as a WHERE clause for lists (None = no restriction)."""
    if has_permission(user, Permission.HANDLE_INCIDENT) or has_permission(user, Permission.VIEW_AUDIT):
        return None
    return or_(Incident.is_confidential.is_(False), Incident.reported_by_id == user.id)


def commune_systems(session: Session, commune_id: int) -> list[InformationSystem]:
    query = select(InformationSystem).where(InformationSystem.commune_id == commune_id).order_by(
        InformationSystem.code)
    return list(session.scalars(query))


# --------------------------------------------------------------------------- quick report

def report_quickly(session: Session, actor: Actor, reporter: User, commune: Organisation, raw: dict[str, Any],
                   now: datetime, data: ResponseData, tz: tzinfo = DEFAULT_TZ) -> Incident:
    """Create an incident in the first state and alert the commune's officers."""
    _check_quick_report_rate(session, reporter, now)
    systems = commune_systems(session, commune.id)
    values = _parse(quick_report_fields(data, systems), raw)
    detected_at = values["detected_at"] or now
    if detected_at > now + CLOCK_SKEW:
        raise ValidationFailed({"detected_at": "Thời điểm phát hiện không được ở tương lai."})
    state = _transition(data, None, "report", incident_roles(reporter), None)
    incident = Incident(
        commune_id=commune.id, year=now.astimezone(tz).year, title=_quick_title(values["what"]),
        category=values["category"], detected_at=detected_at, reported_by_id=reporter.id,
        reporter_name=reporter.name, reporter_contact=values["contact"] or reporter.phone or reporter.email,
        description=values["what"], state=state, state_changed_at=now, created_at=now, updated_at=now,
    )
    incident.systems = [system for system in systems if str(system.id) == values["system_id"]]
    _start_phases(incident, state, now, data)
    _insert_numbered(session, incident)
    log_event(session, actor, incident, now, "reported", f"Báo nhanh sự cố bởi {reporter.name}: {values['what'][:300]}",
              action="create", changes=diff({}, {key: value for key, value in values.items() if value}))
    _alert_officers(session, incident, reporter, now, tz)
    return incident


def _check_quick_report_rate(session: Session, reporter: User, now: datetime) -> None:
    recent = session.scalar(select(func.count(Incident.id)).where(
        Incident.reported_by_id == reporter.id, Incident.created_at > now - QUICK_REPORT_WINDOW)) or 0
    if recent >= QUICK_REPORT_LIMIT:
        raise TooManyReports(
            f"Bạn đã gửi {recent} báo cáo nhanh trong 1 giờ qua (tối đa {QUICK_REPORT_LIMIT}). "
            "Nếu sự cố vẫn đang diễn ra, hãy gọi ngay cán bộ Công an xã theo danh bạ khẩn cấp.")


def _quick_title(what: str) -> str:
    first_line = what.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= 120 else first_line[:119].rstrip() + "…"


def _insert_numbered(session: Session, incident: Incident) -> None:
    """Number the incident within its commune and year (SC-2026-0001); retry if another report won."""
    for _attempt in range(5):
        current = session.scalar(select(func.max(Incident.number)).where(
            Incident.commune_id == incident.commune_id, Incident.year == incident.year))
        incident.number = (current or 0) + 1
        try:
            with session.begin_nested():
                session.add(incident)
        except IntegrityError:
            continue
        return
    raise ServiceError("Hệ thống đang bận, chưa cấp được số sự cố. Hãy gửi lại sau ít giây.")


def _alert_officers(session: Session, incident: Incident, reporter: User, now: datetime, tz: tzinfo) -> None:
    detected = incident.detected_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
    body = (f"{reporter.name} báo sự cố, phát hiện lúc {detected}:\n{incident.description}\n"
            f"Liên hệ: {incident.reporter_contact or 'không ghi'}")
    message = notifications.Message(
        key=f"incident:{incident.id}:reported", kind="quick_report",
        subject=f"[{incident.code}] Báo nhanh sự cố: {incident.title}"[:300], body=body,
        link=INCIDENT_LINK.format(id=incident.id))
    notifications.notify_roles(session, message, incident.commune_id, ["officer"], now)


# --------------------------------------------------------------------------- the full record

def update_incident(session: Session, actor: Actor, incident: Incident, raw: dict[str, Any], now: datetime,
                    data: ResponseData, expected_version: int | None = None) -> Incident:
    """Complete and classify the record; clocks and task deadlines follow the new facts."""
    require_open(incident)
    check_version(incident, expected_version)
    systems = commune_systems(session, incident.commune_id)
    values, errors = parse_record(incident_fields(data, systems), raw)
    errors.update(_record_problems(values, now))
    if errors:
        raise ValidationFailed(errors)
    chosen = set(values.pop("system_ids"))
    if _left_blank(raw.get("personal_data_subjects")):
        values["personal_data_subjects"] = None  # unknown, not zero
    values["is_cyber_incident"] = {"yes": True, "no": False}.get(values["is_cyber_incident"])
    before = {name: getattr(incident, name) for name in values}
    before["system_ids"] = [system.id for system in incident.systems]
    for name, value in values.items():
        setattr(incident, name, value)
    incident.systems = [system for system in systems if str(system.id) in chosen]
    incident.updated_at = now
    refresh_task_dues(incident)
    session.flush()
    changes = diff(before, {**values, "system_ids": [system.id for system in incident.systems]})
    labels = {spec.name: spec.label for spec in incident_fields(data, ())}
    changed = ", ".join(labels.get(name, name).lower() for name in changes) or "không có thay đổi"
    log_event(session, actor, incident, now, "edit", f"Cập nhật thông tin sự cố: {changed}"[:1000], changes=changes)
    return incident


def _left_blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _record_problems(values: dict[str, Any], now: datetime) -> dict[str, str]:
    problems = {}
    if values.get("severity") and not values.get("severity_reason"):
        problems["severity_reason"] = "Ghi lý do phân loại mức độ (chế độ mới chưa có tiêu chí «nghiêm trọng»)."
    for name in ("detected_at", "discovered_at"):
        if values.get(name) and values[name] > now + CLOCK_SKEW:
            problems[name] = "Thời điểm không được ở tương lai."
    if values.get("location_or_biometric") and not values.get("personal_data_involved"):
        problems["personal_data_involved"] = "Dữ liệu vị trí, sinh trắc học là dữ liệu cá nhân: đánh dấu ô này."
    return problems


def _parse(specs: list[FieldSpec], raw: dict[str, Any]) -> dict[str, Any]:
    values, errors = parse_record(specs, raw)
    if errors:
        raise ValidationFailed(errors)
    return values


# --------------------------------------------------------------------------- lifecycle

@dataclass(frozen=True)
class ActionOption:
    """A button on the incident page: the rule, and why it is disabled (empty = enabled)."""

    rule: Transition
    blocked: tuple[str, ...]

    @property
    def enabled(self) -> bool:
        return not self.blocked


def guard_problems(incident: Incident, data: ResponseData, now: datetime) -> dict[str, list[str]]:
    """Each lifecycle guard → what is still missing (an empty list = the guard holds)."""
    clocks = incident_clocks(incident, data, now)
    applicable = {clock.rule.id for clock in clocks}
    return {
        "severity_classified": [] if incident.severity and incident.severity_reason.strip()
        else ["chưa phân loại mức độ sự cố hoặc chưa ghi lý do"],
        "required_tasks_done": [f"nhiệm vụ bắt buộc chưa xong: «{task.title}»"
                                for task in missing_tasks(incident, applicable)],
        "resolution_written": [] if incident.resolution.strip() else ["chưa ghi kết quả xử lý"],
        "lessons_written": [] if incident.lessons_learned.strip() else ["chưa ghi bài học kinh nghiệm"],
        "due_reports_recorded": [f"chưa ghi nhận «{clock.rule.title}»" for clock in clocks if clock.report is None],
    }


def action_options(incident: Incident, data: ResponseData, roles: Iterable[str], now: datetime) -> list[ActionOption]:
    problems = guard_problems(incident, data, now)

    def blocked(guard: str) -> list[str]:
        # A guard added to lifecycle.yaml that the server does not know yet never passes.
        return problems.get(guard, [f"chưa đạt: {data.lifecycle.guard(guard).title}"])

    return [ActionOption(rule, tuple(item for guard in rule.guards for item in blocked(guard)))
            for rule in available_actions(data.lifecycle, incident.state, roles)]


def apply_action(session: Session, actor: Actor, incident: Incident, action: str, roles: Iterable[str],
                 comment: str | None, now: datetime, data: ResponseData,
                 expected_version: int | None = None) -> Incident:
    """Move the incident along the lifecycle; the guards are evaluated here, never trusted from the form."""
    check_version(incident, expected_version)
    comment = (comment or "").strip()[:5000]
    old_state = incident.state
    new_state = _transition(data, old_state, action, roles, comment, guard_problems(incident, data, now))
    incident.state, incident.state_changed_at, incident.updated_at = new_state, now, now
    _enter_state(incident, action, new_state, now, data)
    refresh_task_dues(incident)
    session.flush()
    text = f"{data.lifecycle.action(action).label}: {data.state_title(old_state)} → {data.state_title(new_state)}"
    log_event(session, actor, incident, now, "transition", text + (f". Lý do: {comment}" if comment else ""),
              action=f"transition:{action}", changes={"state": [old_state, new_state], "comment": [None, comment]})
    return incident


def _enter_state(incident: Incident, action: str, state: str, now: datetime, data: ResponseData) -> None:
    """Milestones for the clocks and the metrics, and the start of the phases reached."""
    if action == "reopen":
        incident.closed_at = incident.resolved_at = None
    if state in ("contained", "restored", "traced", "reviewed") and incident.contained_at is None:
        incident.contained_at = now  # skipping containment counts from the start of restoration
    if state in ("traced", "reviewed", "closed") and incident.resolved_at is None:
        incident.resolved_at = now  # restoration finished: "kết thúc ứng cứu" for the legacy clocks
    if state in data.terminal_states:
        incident.closed_at = now
    _start_phases(incident, state, now, data)


def _start_phases(incident: Incident, state: str, now: datetime, data: ResponseData) -> None:
    """A phase starts when the incident first reaches its state, or passes it (a skipped state)."""
    lifecycle = data.lifecycle
    if lifecycle.state(state).terminal:
        return
    order = lifecycle.state_ids
    starts = dict(incident.phase_starts or {})
    for phase in lifecycle.phases:
        if phase.id not in starts and order.index(phase.starts_on) <= order.index(state):
            starts[phase.id] = now.isoformat()
    incident.phase_starts = starts


def _transition(data: ResponseData, state: str | None, action: str, roles: Iterable[str], comment: str | None,
                problems: dict[str, list[str]] | None = None) -> str:
    """The lifecycle's answer; a refusal carries its reason and, for guards, what is still missing."""
    problems = problems or {}
    try:
        return transition(data.lifecycle, state, action, roles,
                          {guard: not missing for guard, missing in problems.items()}, comment)
    except TransitionError as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.reason) from error
        details = [item for guard in error.failed_guards for item in problems.get(guard, [])]
        raise ServiceError(error.reason + (f" Còn thiếu: {'; '.join(details)}." if details else "")) from error


# --------------------------------------------------------------------------- timeline

NOTE_FIELDS = [
    F("at", N_("Thời điểm"), "datetime", help=N_("Để trống nếu là lúc này.")),
    F("text", N_("Diễn biến, việc đã làm"), "textarea", required=True, max_length=5000),
]


def add_note(session: Session, actor: Actor, incident: Incident, raw: dict[str, Any], now: datetime) -> None:
    values = _parse(NOTE_FIELDS, raw)
    at = values["at"] or now
    if at > now + CLOCK_SKEW:
        raise ValidationFailed({"at": "Thời điểm không được ở tương lai."})
    log_event(session, actor, incident, now, "note", values["text"], at=at, automatic=False, action="note")


# --------------------------------------------------------------------------- reports

def report_fields(clocks: Iterable[ClockStatus]) -> list[FieldSpec]:
    rules = tuple((clock.rule.id, clock.rule.title) for clock in clocks)
    return [
        F("clock_rule_id", N_("Hoàn thành thời hạn"), "choice", choices=rules,
          help=N_("Để trống nếu văn bản không thuộc thời hạn nào.")),
        F("kind", N_("Loại văn bản"), "choice", choices=tuple(CLOCK_KIND_LABELS.items()),
          help=N_("Để trống: theo thời hạn đã chọn.")),
        F("sent_at", N_("Thời điểm gửi"), "datetime", required=True),
        F("channel", N_("Hình thức gửi"), "choice", required=True, choices=REPORT_CHANNELS),
        F("reference_number", N_("Số, ký hiệu văn bản"), max_length=100),
        F("recipient", N_("Nơi nhận"), max_length=300, help=N_("Để trống: theo quy định của thời hạn.")),
        F("notes", N_("Ghi chú"), "textarea", max_length=5000),
        F("late_reason", N_("Lý do chậm (nếu gửi sau thời hạn)"), "textarea", max_length=5000),
    ]


def record_report(session: Session, actor: Actor, incident: Incident, raw: dict[str, Any], now: datetime,
                  data: ResponseData, upload: tuple[str, bytes] | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES, tz: tzinfo = DEFAULT_TZ) -> IncidentReport:
    """Record a notice or report sent; one tied to a clock completes it (and its playbook tasks)."""
    clocks = incident_clocks(incident, data, now)
    values, errors = parse_record(report_fields(clocks), raw)
    clock = next((item for item in clocks if item.rule.id == values.get("clock_rule_id")), None)
    if not errors:
        errors.update(_report_problems(incident, values, clock, now, tz))
    content_type = ""
    if upload is not None and not errors:
        try:
            content_type = check_upload(upload[1], upload[0], max_bytes)
        except ValidationFailed as failure:
            errors.update(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    report = IncidentReport(
        incident_id=incident.id, clock_rule_id=clock.rule.id if clock else None,
        kind=values["kind"] or clock.rule.kind, sent_at=values["sent_at"], channel=values["channel"],
        reference_number=values["reference_number"], recipient=values["recipient"] or clock.rule.recipient,
        notes=values["notes"], late_reason=values["late_reason"], recorded_at=now, recorded_by_id=actor.user_id)
    if upload is not None:
        report.file_id = store_file(session, actor, incident.commune_id, upload[0], upload[1], content_type, now).id
    session.add(report)
    session.flush()
    session.refresh(incident, ["reports"])
    label = CLOCK_KIND_LABELS[report.kind]
    number = f" số {report.reference_number}" if report.reference_number else ""
    if clock:
        complete_clock_tasks(session, actor, incident, clock.rule.id, f"Đã gửi {label}{number}.", now)
    channel = dict(REPORT_CHANNELS)[report.channel].lower()
    log_event(session, actor, incident, now, "report", f"Đã gửi {label}{number} tới {report.recipient} ({channel})",
              at=report.sent_at, action="create", object_type="incident_report", object_id=report.id,
              changes=diff({}, {**values, "clock_rule_id": report.clock_rule_id}))
    return report


def _report_problems(incident: Incident, values: dict[str, Any], clock: ClockStatus | None, now: datetime,
                     tz: tzinfo) -> dict[str, str]:
    problems = {}
    if clock is None and not values["kind"]:
        problems["kind"] = "Chọn loại văn bản (hoặc chọn thời hạn mà văn bản này hoàn thành)."
    if clock is None and not values["recipient"]:
        problems["recipient"] = "Ghi nơi nhận."
    sent_at = values["sent_at"]
    if sent_at > now + CLOCK_SKEW:
        problems["sent_at"] = "Thời điểm gửi không được ở tương lai."
    elif sent_at < incident.detected_at:
        problems["sent_at"] = "Thời điểm gửi không được trước thời điểm phát hiện sự cố."
    elif clock is not None and sent_at > clock.due_at and not values["late_reason"]:
        due = clock.due_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
        problems["late_reason"] = f"Gửi sau thời hạn ({due}): ghi lý do chậm."
    return problems

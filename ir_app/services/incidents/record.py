"""Incidents: the quick report, the full record and classification, the lifecycle (server-enforced,
from playbooks/lifecycle.yaml), timeline notes, and recording the reports that complete the clocks.

Every function takes the session, the acting user, ``now`` and the response data explicitly,
flushes and writes the audit event; the caller commits once.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ir_app.domain.date_sanity import incident_detected_before_reported
from ir_app.i18n_markers import N_
from ir_app.models import Incident, InformationSystem, Organisation, User
from ir_app.services.notifications import outbox as notifications
from ir_app.services.audit import Actor, diff
from ir_app.services.errors import ServiceError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.timeline import log_event
from ir_app.services.incidents.tasks import refresh_task_dues, require_open
from ir_app.services.records import check_version
from ir_app.services.incidents.lifecycle import _start_phases, _transition
from ir_app.services.incidents.queries import commune_systems, incident_roles
from ir_app.services.work import handoff

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
        commune_id=commune.id, commune_code=commune.code, year=now.astimezone(tz).year,
        title=_quick_title(values["what"]),
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


def open_practice_incident(session: Session, actor: Actor, starter: User, commune: Organisation, title: str,
                           description: str, now: datetime, data: ResponseData, tz: tzinfo = DEFAULT_TZ) -> Incident:
    """The practice incident of a drill: numbered apart (DT-…), no alert to the officers (they are
    in the exercise), never counted as a real incident."""
    state = _transition(data, None, "report", incident_roles(starter), None)
    incident = Incident(commune_id=commune.id, commune_code=commune.code, year=now.astimezone(tz).year,
                        title=title[:300], is_drill=True,
                        detected_at=now, reported_by_id=starter.id, reporter_name=starter.name,
                        reporter_contact=starter.phone or starter.email, description=description, state=state,
                        state_changed_at=now, created_at=now, updated_at=now)
    _start_phases(incident, state, now, data)
    _insert_numbered(session, incident)
    log_event(session, actor, incident, now, "reported", f"Bắt đầu diễn tập: {title[:300]}", action="create")
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
    """Number the incident within its commune and year (SC-11017-2026-0001); retry if another report won.
    Drills take -1, -2 … (DT-11017-2026-01), so the real sequence has no gap for a practice."""
    drills = bool(incident.is_drill)
    latest = func.min(Incident.number) if drills else func.max(Incident.number)
    for _attempt in range(5):
        current = session.scalar(select(latest).where(
            Incident.commune_id == incident.commune_id, Incident.year == incident.year,
            Incident.is_drill.is_(drills)))
        incident.number = (current or 0) + (-1 if drills else 1)
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
    if values.get("detected_at") and "detected_at" not in errors:
        errors.update(incident_detected_before_reported(
            values["detected_at"], incident.created_at, CLOCK_SKEW,
            incident.created_at.astimezone(DEFAULT_TZ).strftime("%H:%M %d/%m/%Y")))
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
    changes = diff(before, {**values, "system_ids": [system.id for system in incident.systems]})
    if not changes:
        return incident  # saved unchanged: no new version, no line in the timeline
    incident.updated_at = now
    refresh_task_dues(incident)
    session.flush()
    labels = {spec.name: spec.label for spec in incident_fields(data, ())}
    changed = ", ".join(labels.get(name, name).lower() for name in changes) or "không có thay đổi"
    log_event(session, actor, incident, now, "edit", f"Cập nhật thông tin sự cố: {changed}"[:1000], changes=changes)
    handoff.incident_escalated(session, actor, incident, before, now)
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

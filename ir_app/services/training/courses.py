"""Record a course, its sessions (with the certificate and the attendance sheet, through the one
upload pipeline) and who attended each session. Every write is audited; sessions are version-checked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from ir_app.domain.text import clean_text
from ir_app.domain.training import TrainingRules, name_key
from ir_app.i18n_markers import N_
from ir_app.models import Organisation, User, UserRole
from ir_app.models.files import StoredFile
from ir_app.models.training import TrainingAttendance, TrainingCourse, TrainingSession
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.records import check_version, snapshot

F = FieldSpec
ORGANISER_CHOICES = (("commune", N_("Xã tự tổ chức")), ("province", N_("Công an tỉnh / cấp tỉnh")),
                     ("other", N_("Cơ quan, đơn vị khác")))
# What a person without an account can be recorded as (the requirements are per role).
NAMED_ROLE_CHOICES = (("officer", N_("Cán bộ Công an xã")), ("staff", N_("Cán bộ đơn vị")),
                      ("approver", N_("Lãnh đạo")), ("other", N_("Khác")))
NAMED_ROWS = 3


def course_fields(rules: TrainingRules) -> list[FieldSpec]:
    return [
        F("title", N_("Tên khóa tập huấn"), required=True, max_length=300),
        F("organiser_kind", N_("Đơn vị tổ chức"), "choice", required=True, choices=ORGANISER_CHOICES),
        F("organiser", N_("Tên cơ quan tổ chức (nếu không phải xã)"), max_length=300),
        F("topics", N_("Chủ đề (để tính yêu cầu tập huấn)"), "multichoice", choices=tuple(rules.topics.items()),
          help=N_("Người dự và đạt một buổi của khóa được tính là đã tập huấn các chủ đề này.")),
        F("content", N_("Nội dung"), "textarea", max_length=10000),
        F("hours", N_("Tổng số giờ"), "int", maximum=1000),
    ]


SESSION_FIELDS = [
    F("held_on", N_("Ngày học"), "date", required=True),
    F("place", N_("Địa điểm"), max_length=300),
    F("hours", N_("Số giờ"), "int", maximum=24),
    F("content", N_("Nội dung buổi học"), "textarea", max_length=10000),
]


def _course_values(raw: dict[str, Any], rules: TrainingRules) -> dict[str, Any]:
    values, errors = parse_record(course_fields(rules), raw)
    if not errors and values["organiser_kind"] != "commune" and not values["organiser"]:
        errors["organiser"] = "Hãy ghi tên cơ quan tổ chức khóa tập huấn."
    if not errors and not values["topics"]:
        errors["topics"] = "Hãy chọn ít nhất một chủ đề để khóa được tính vào yêu cầu tập huấn."
    if errors:
        raise ValidationFailed(errors)
    return values


def create_course(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any], rules: TrainingRules,
                  now: datetime) -> TrainingCourse:
    course = TrainingCourse(commune_id=commune.id, created_at=now, **_course_values(raw, rules))
    session.add(course)
    session.flush()
    _audit(session, actor, "create", "training_course", course.id, commune.id, now,
           f"ghi nhận khóa tập huấn «{course.title}»")
    return course


def update_course(session: Session, actor: Actor, course: TrainingCourse, raw: dict[str, Any], rules: TrainingRules,
                  now: datetime, expected_version: int | None) -> TrainingCourse:
    """Correct a course (a typo in its title, a topic forgotten): version-checked, audited with what
    changed; nothing is written when nothing changed."""
    return _update(session, actor, course, _course_values(raw, rules), expected_version, now, "training_course",
                   f"khóa tập huấn «{course.title}»")


def update_session(session: Session, actor: Actor, item: TrainingSession, raw: dict[str, Any], now: datetime,
                   today: date, expected_version: int | None) -> TrainingSession:
    return _update(session, actor, item, _session_values(raw, today), expected_version, now, "training_session",
                   f"«{item.course.title}»: buổi học ngày {item.held_on:%d/%m/%Y}")


def _update(session: Session, actor: Actor, record: TrainingCourse | TrainingSession, values: dict[str, Any],
            expected_version: int | None, now: datetime, object_type: str, summary: str):
    check_version(record, expected_version)
    before = snapshot(record, list(values))
    changes = audit.diff(before, values)
    if not changes:
        return record
    for name, value in values.items():
        setattr(record, name, value)
    session.flush()
    audit.record(session, actor, "update", now=now, object_type=object_type, object_id=record.id,
                 commune_id=record.commune_id, summary=summary, changes=changes)
    return record


def _session_values(raw: dict[str, Any], today: date) -> dict[str, Any]:
    values, errors = parse_record(SESSION_FIELDS, raw)
    if not errors and values["held_on"] > today:
        errors["held_on"] = "Chỉ ghi nhận buổi học đã diễn ra (ngày học không thể sau hôm nay)."
    if errors:
        raise ValidationFailed(errors)
    return values


def add_session(session: Session, actor: Actor, course: TrainingCourse, raw: dict[str, Any], now: datetime,
                today: date, certificate: StoredFile | None = None,
                attendance_sheet: StoredFile | None = None) -> TrainingSession:
    item = TrainingSession(course=course, commune_id=course.commune_id, created_at=now, certificate=certificate,
                           attendance_sheet=attendance_sheet, **_session_values(raw, today))
    session.add(item)
    session.flush()
    _audit(session, actor, "create", "training_session", item.id, course.commune_id, now,
           f"«{course.title}»: buổi học ngày {item.held_on:%d/%m/%Y}")
    return item


@dataclass(frozen=True)
class NamedAttendee:
    """A person without an account, typed into one of the blank rows."""
    name: str
    role: str
    position: str = ""
    passed: bool = True


def commune_users(session: Session, commune_id: int) -> list[User]:
    """The active accounts of the commune, by name (roles loaded with them)."""
    return list(session.scalars(select(User).where(User.organisation_id == commune_id, User.is_active.is_(True))
                                .where(select(UserRole.user_id).where(UserRole.user_id == User.id).exists())
                                .order_by(User.name, User.id)))


def record_attendance(session: Session, actor: Actor, item: TrainingSession, attended_keys: list[str],
                      passed_keys: list[str], named: list[NamedAttendee], now: datetime,
                      expected_version: int | None = None) -> TrainingSession:
    """The session's attendance becomes exactly what was ticked: accounts of the commune (by key
    "user:ID"), people already listed (named people, accounts since disabled), and new named people."""
    check_version(item, expected_version)
    users = {f"user:{user.id}": user for user in commune_users(session, item.commune_id)}
    existing = {row.person_key: row for row in item.attendees}
    errors: dict[str, str] = {}
    wanted = _ticked(attended_keys, set(passed_keys), users, existing, errors)
    for index, person in enumerate(named, 1):
        _add_named(person, index, wanted, existing, errors)
    if errors:
        raise ValidationFailed(errors)
    removed = [row for key, row in existing.items() if key not in wanted]
    # Only new and changed rows are stamped: a list saved as it was shown changes nothing.
    changed = [row for row in wanted.values() if row.id is None or session.is_modified(row)]
    if not removed and not changed:
        return item
    for row in removed:
        item.attendees.remove(row)
    for row in changed:
        row.commune_id, row.recorded_at, row.recorded_by_id = item.commune_id, now, actor.user_id
        if row.id is None:
            item.attendees.append(row)
    # The session row is rewritten too, so its version moves on: a second attendance form loaded
    # before this save is refused instead of silently undoing it.
    flag_modified(item, "content")
    session.flush()
    passed_count = sum(1 for row in wanted.values() if row.passed)
    _audit(session, actor, "attendance", "training_session", item.id, item.commune_id, now,
           f"«{item.course.title}» ngày {item.held_on:%d/%m/%Y}: {len(wanted)} người dự, {passed_count} đạt"
           + (f", bỏ {len(removed)} người" if removed else ""))
    return item


def _ticked(attended_keys: list[str], passed: set[str], users: dict[str, User],
            existing: dict[str, TrainingAttendance], errors: dict[str, str]) -> dict[str, TrainingAttendance]:
    """The rows of the ticked people: accounts of the commune, or people already listed."""
    wanted: dict[str, TrainingAttendance] = {}
    for key in dict.fromkeys(attended_keys):
        if key in users:
            row = existing.get(key) or TrainingAttendance(person_key=key, user_id=users[key].id)
            row.person_name = users[key].name
        elif key in existing:  # a named person, or an account since disabled: kept as recorded
            row = existing[key]
        else:
            errors["attended"] = "Có người được chọn không thuộc xã này; hãy tải lại trang."
            continue
        row.passed = key in passed
        wanted[key] = row
    return wanted


def _add_named(person: NamedAttendee, index: int, wanted: dict, existing: dict, errors: dict[str, str]) -> None:
    name = clean_text(person.name, multiline=False).strip()
    position = clean_text(person.position, multiline=False).strip()
    if not name:
        if position:
            errors[f"name_{index}"] = "Hãy nhập họ tên người tham dự."
        return
    if len(name) > 200 or len(position) > 200:
        errors[f"name_{index}"] = "Họ tên và chức vụ tối đa 200 ký tự."
        return
    if person.role not in dict(NAMED_ROLE_CHOICES):
        errors[f"role_{index}"] = "Hãy chọn vai trò của người tham dự."
        return
    key = name_key(name)
    row = existing.get(key) or TrainingAttendance(person_key=key)
    row.user_id, row.person_name, row.person_role, row.position = None, name, person.role, position
    row.passed = person.passed
    wanted[key] = row


def courses_of(session: Session, commune_id: int) -> list[TrainingCourse]:
    return list(session.scalars(select(TrainingCourse).where(TrainingCourse.commune_id == commune_id)
                                .options(selectinload(TrainingCourse.sessions).selectinload(TrainingSession.attendees))
                                .order_by(TrainingCourse.created_at.desc(), TrainingCourse.id.desc())))


def _audit(session: Session, actor: Actor, action: str, object_type: str, object_id: int, commune_id: int,
           now: datetime, summary: str) -> None:
    audit.record(session, actor, action, now=now, object_type=object_type, object_id=object_id,
                 commune_id=commune_id, summary=summary)

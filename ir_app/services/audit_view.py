"""The audit log as people read it: "Nguyễn Văn An cập nhật Hệ thống thông tin «Một cửa điện tử»",
never "user 7 update information_systems 12 {system_type: …}".

The chain itself keeps the raw words (action, object type, field names): they are what the hash
covers and what an inspector's tools read. This module only translates them for the page, with
the raw event one click away. Names are read in ONE statement per page, whatever the page holds.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, cast, literal, select, union_all
from sqlalchemy.orm import Session

from ir_app.domain.text import whole_number
from ir_app.i18n_markers import N_
from ir_app.models import (
    Advisory,
    Drill,
    ResponseTeamMember,
    AuditEvent,
    BackupPlan,
    Dossier,
    EmergencyContact,
    Incident,
    InformationSystem,
    Measure,
    Organisation,
    Risk,
    SecurityPolicy,
    TrainingCourse,
    Unit,
    User,
)
from ir_app.services.fields import FieldSpec

ACTION_LABELS: dict[str, str] = {
    "create": N_("Tạo mới"),
    "update": N_("Cập nhật"),
    "delete": N_("Xoá"),
    "transition": N_("Chuyển bước hồ sơ"),
    "login": N_("Đăng nhập"),
    "login_failed": N_("Đăng nhập sai mật khẩu"),
    "login_locked": N_("Đăng nhập bị tạm khoá"),
    "logout": N_("Đăng xuất"),
    "password_change": N_("Đổi mật khẩu"),
    "password_reset": N_("Đặt lại mật khẩu"),
    "adopt": N_("Áp dụng thư viện biện pháp"),
    "assign": N_("Giao việc"),
    "download": N_("Tải xuống"),
    "upload": N_("Tải lên"),
    "export": N_("Xuất dữ liệu"),
    "import": N_("Nhập dữ liệu"),
    "escalate": N_("Báo cáo vượt khả năng xử lý"),
    "issue_token": N_("Cấp mã truy cập API"),
    "revoke_token": N_("Thu hồi mã truy cập API"),
    "record_backup": N_("Ghi nhận lần sao lưu"),
    "record_restore_test": N_("Ghi nhận kiểm tra khôi phục"),
    "remind": N_("Gửi nhắc việc"),
    "retry": N_("Gửi lại thư"),
    "note": N_("Ghi diễn biến"),
    "apply_playbook": N_("Áp dụng kịch bản ứng phó"),
    "issue": N_("Gửi khuyến nghị, yêu cầu báo cáo"),
    "acknowledge": N_("Xác nhận đã nhận"),
    "answer": N_("Ghi kết quả thực hiện, trả lời"),
    "open_incident": N_("Mở sự cố từ khuyến nghị"),
    "test": N_("Gửi tin nhắn thử"),
    "start": N_("Bắt đầu diễn tập"),
    "finish": N_("Ghi kết quả diễn tập"),
    "attendance": N_("Ghi danh sách tham dự tập huấn"),
    "api_token_create": N_("Cấp mã truy cập API"),
    "api_token_revoke": N_("Thu hồi mã truy cập API"),
    "decision_signed_upload": N_("Tải lên quyết định đã ký số"),
    "login_second_factor": N_("Đăng nhập bằng mã xác thực hai bước"),
    "totp_enable": N_("Bật xác thực hai bước"),
    "totp_disable": N_("Tắt xác thực hai bước"),
    "totp_failed": N_("Nhập sai mã xác thực hai bước"),
    "totp_locked": N_("Tạm khoá nhập mã xác thực hai bước"),
    "totp_recovery_codes": N_("Tạo mã khôi phục"),
    "totp_reset": N_("Đặt lại xác thực hai bước"),
}
TRANSITION_PREFIX = "transition:"  # incidents: "transition:contain" etc.
INCIDENT_TRANSITION_LABEL = N_("Chuyển trạng thái sự cố")
OTHER_ACTION_LABEL = N_("Thao tác khác")

OBJECT_LABELS: dict[str, str] = {
    "information_system": N_("Hệ thống thông tin"), "information_systems": N_("Hệ thống thông tin"),
    "system_component": N_("Thành phần hệ thống"), "system_components": N_("Thành phần hệ thống"),
    "emergency_contact": N_("Danh bạ khẩn cấp"), "emergency_contacts": N_("Danh bạ khẩn cấp"),
    "organisation": N_("Xã, phường"), "organisations": N_("Xã, phường"),
    "unit": N_("Đơn vị"), "units": N_("Đơn vị"),
    "user": N_("Tài khoản"), "users": N_("Tài khoản"), "user_preferences": N_("Cài đặt thông báo"),
    "dossier": N_("Hồ sơ cấp độ"), "review": N_("Kiểm tra, đánh giá định kỳ"),
    "plan_item": N_("Phương án bảo đảm an toàn"),
    "security_policy": N_("Quy chế bảo đảm an toàn"), "security_policies": N_("Quy chế bảo đảm an toàn"),
    "issued_document": N_("Số văn bản"), "document_template": N_("Mẫu văn bản"),
    "measure": N_("Biện pháp"), "measure_library": N_("Thư viện biện pháp"),
    "incident": N_("Sự cố"), "incident_task": N_("Việc ứng phó sự cố"), "incident_report": N_("Báo cáo sự cố"),
    "incident_playbook": N_("Kịch bản ứng phó"), "incident_evidence": N_("Chứng cứ sự cố"),
    "incident_custody": N_("Giao nhận chứng cứ"),
    "backup_plan": N_("Kế hoạch sao lưu"), "backup_plans": N_("Kế hoạch sao lưu"),
    "backup_run": N_("Lần sao lưu"), "restore_test": N_("Kiểm tra khôi phục"),
    "morning_check": N_("Kiểm tra buổi sáng"), "check_result": N_("Kết quả kiểm tra buổi sáng"),
    "check_items": N_("Danh mục kiểm tra buổi sáng"),
    "notification": N_("Thông báo"), "calendar_feed": N_("Lịch nhắc việc"),
    "stored_file": N_("Tệp đính kèm"), "audit_log": N_("Nhật ký kiểm tra"),
    "advisory": N_("Khuyến nghị, yêu cầu báo cáo"), "channel_endpoint": N_("Kênh nhận thông báo"),
    "drill": N_("Diễn tập"), "response_team_member": N_("Thành viên tổ ứng cứu"),
    "training_course": N_("Khóa tập huấn"), "training_session": N_("Buổi tập huấn"),
    "risk": N_("Rủi ro"), "risk_assessment": N_("Đánh giá rủi ro chi tiết"),
    "api_token": N_("Mã truy cập API"), "commune": N_("Xã, phường"),
}
# Fields that no form names (workflow and bookkeeping): their label here.
EXTRA_FIELD_LABELS: dict[str, str] = {
    "state": N_("Trạng thái"), "comment": N_("Ý kiến"), "proposed_level": N_("Cấp độ đề xuất"),
    "determined_level": N_("Cấp độ theo tiêu chí"), "justification": N_("Lý do đề xuất cấp độ cao hơn"),
    "risks": N_("Rủi ro an ninh mạng"), "parts": N_("Các phân hệ"), "answers": N_("Câu trả lời"),
    "assignee": N_("Người được giao"), "assignee_id": N_("Người được giao"), "status": N_("Tình trạng"),
    "roles": N_("Vai trò"), "is_active": N_("Đang hoạt động"), "email": N_("E-mail"), "name": N_("Tên"),
    "title": N_("Tiêu đề"), "note": N_("Ghi chú"), "na_reason": N_("Lý do không áp dụng"),
    "decision_number": N_("Số quyết định"), "decision_on": N_("Ngày quyết định"),
    "request_number": N_("Số công văn đề nghị"), "appraisal_number": N_("Số văn bản thẩm định"),
}
# Object types whose name is looked up, and how: (model, label column, id column).
_NAMED = {
    "information_system": (InformationSystem, InformationSystem.name),
    "information_systems": (InformationSystem, InformationSystem.name),
    "emergency_contact": (EmergencyContact, EmergencyContact.name),
    "emergency_contacts": (EmergencyContact, EmergencyContact.name),
    "organisation": (Organisation, Organisation.name), "organisations": (Organisation, Organisation.name),
    "unit": (Unit, Unit.name), "units": (Unit, Unit.name),
    "user": (User, User.name), "users": (User, User.name),
    "incident": (Incident, Incident.title),
    "measure": (Measure, Measure.title),
    "advisory": (Advisory, Advisory.title), "drill": (Drill, Drill.title),
    "response_team_member": (ResponseTeamMember, ResponseTeamMember.name), "risk": (Risk, Risk.title),
    "training_course": (TrainingCourse, TrainingCourse.title),
    "backup_plan": (BackupPlan, BackupPlan.name), "backup_plans": (BackupPlan, BackupPlan.name),
    "security_policy": (SecurityPolicy, SecurityPolicy.title), "security_policies": (SecurityPolicy, SecurityPolicy.title),
}
# Where each kind of record's form fields are described: (module, list name).
_TYPE_FIELDS = {
    "information_system": ("inventory.systems", "SYSTEM_FIELDS"),
    "information_systems": ("inventory.systems", "SYSTEM_FIELDS"),
    "system_component": ("inventory.systems", "COMPONENT_FIELDS"),
    "system_components": ("inventory.systems", "COMPONENT_FIELDS"),
    "emergency_contact": ("inventory.systems", "CONTACT_FIELDS"),
    "emergency_contacts": ("inventory.systems", "CONTACT_FIELDS"),
    "response_team_member": ("roster", "MEMBER_FIELDS"),
    "organisation": ("organisations", "ORGANISATION_FIELDS"), "organisations": ("organisations", "ORGANISATION_FIELDS"),
    "unit": ("organisations", "UNIT_FIELDS"), "units": ("organisations", "UNIT_FIELDS"),
    "backup_plan": ("backups.plans", "PLAN_FIELDS"), "backup_plans": ("backups.plans", "PLAN_FIELDS"),
    "backup_run": ("backups.plans", "RUN_FIELDS"), "restore_test": ("backups.plans", "RESTORE_FIELDS"),
    "review": ("dossiers.protection", "REVIEW_FIELDS"),
    "security_policy": ("dossiers.protection", "POLICY_FIELDS"),
    "security_policies": ("dossiers.protection", "POLICY_FIELDS"),
    "measure": ("measures.register", "MEASURE_FIELDS"),
    "incident_evidence": ("incidents.evidence", "EVIDENCE_FIELDS"),
    "incident_custody": ("incidents.evidence", "CUSTODY_FIELDS"),
}


@dataclass
class EventView:
    event: AuditEvent
    who: str                     # the person's name, or the system's label
    action: str                  # plain words (a msgid: translate in the page)
    object_kind: str             # plain words (a msgid)
    object_name: str = ""        # "Một cửa điện tử"; empty when the object has none or is gone
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # (label msgid, before, after)


def action_label(action: str) -> str:
    if action.startswith(TRANSITION_PREFIX):
        return INCIDENT_TRANSITION_LABEL
    return ACTION_LABELS.get(action, OTHER_ACTION_LABEL)


def object_label(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, N_("Dữ liệu khác"))


@cache
def _specs(module_name: str, list_name: str) -> dict[str, FieldSpec]:
    module = importlib.import_module(f"ir_app.services.{module_name}")
    return {spec.name: spec for spec in getattr(module, list_name)}


@cache
def _all_specs() -> dict[str, FieldSpec]:
    """Every described field by name, for records without their own list (the first name wins)."""
    specs: dict[str, FieldSpec] = {}
    for module_name, list_name in _TYPE_FIELDS.values():
        for name, spec in _specs(module_name, list_name).items():
            specs.setdefault(name, spec)
    return specs


def field_spec(object_type: str, name: str) -> FieldSpec | None:
    where = _TYPE_FIELDS.get(object_type)
    own = _specs(*where).get(name) if where else None
    return own or _all_specs().get(name)


def field_label(object_type: str, name: str) -> str:
    if name in EXTRA_FIELD_LABELS and (object_type not in _TYPE_FIELDS or field_spec(object_type, name) is None):
        return EXTRA_FIELD_LABELS[name]
    spec = field_spec(object_type, name)
    return spec.label if spec else N_("Thông tin khác")


def _value_label(spec: FieldSpec | None, value: Any, value_titles: dict[str, str]) -> Any:
    """A stored key shown by its label: a form choice, or a state / severity / category of the data files."""
    if isinstance(value, list):
        return ", ".join(str(_value_label(spec, item, value_titles)) for item in value) or "—"
    if spec and spec.choices and isinstance(value, str):
        return dict(spec.choices).get(value, value)
    if isinstance(value, str) and value in value_titles:
        return value_titles[value]
    if value is True:
        return N_("Có")
    if value is False:
        return N_("Không")
    return "—" if value in (None, "") else value


def describe(session: Session, events: list[AuditEvent], value_titles: dict[str, str]) -> list[EventView]:
    """Each event in plain words; ``value_titles`` maps the data files' ids (dossier and incident
    states, severities, categories) to their titles."""
    names = _names(session, events)
    views = []
    for event in events:
        who = names.get(("actor", event.actor_id)) or event.actor_label
        object_id = whole_number(event.object_id)
        view = EventView(event, who, action_label(event.action), object_label(event.object_type),
                         names.get((event.object_type, object_id), ""))
        for name, pair in (event.changes or {}).items():
            before, after = (pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair))
            spec = field_spec(event.object_type, name)
            view.changes.append((field_label(event.object_type, name), _value_label(spec, before, value_titles),
                                 _value_label(spec, after, value_titles)))
        views.append(view)
    return views


def _names(session: Session, events: list[AuditEvent]) -> dict[tuple[str, int | None], str]:
    """(object type, id) → name, and ("actor", user id) → the person's name: one UNION statement."""
    if not events:
        return {}
    wanted: dict[str, set[int]] = {}
    for event in events:
        number = whole_number(event.object_id)
        if event.object_type in _NAMED and number is not None:
            wanted.setdefault(event.object_type, set()).add(number)
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    parts = [select(literal("actor", String).label("kind"), cast(User.id, Integer).label("id"),
                    User.name.label("name")).where(User.id.in_(actor_ids))]
    parts.append(select(literal("dossier", String), Dossier.id, InformationSystem.name)
                 .join(InformationSystem, InformationSystem.id == Dossier.system_id)
                 .where(Dossier.id.in_(_ids(events, "dossier"))))
    for object_type, ids in sorted(wanted.items()):
        model, label = _NAMED[object_type]
        parts.append(select(literal(object_type, String), model.id, label).where(model.id.in_(ids)))
    rows = session.execute(union_all(*parts))
    return {(row.kind, row.id): row.name for row in rows}


def _ids(events: list[AuditEvent], object_type: str) -> set[int]:
    return {number for event in events if event.object_type == object_type
            and (number := whole_number(event.object_id)) is not None}

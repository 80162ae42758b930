"""Information systems, components and emergency contacts of a commune."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ir_app.domain.text import whole_number
from ir_app.i18n_markers import N_
from ir_app.models import (
    EmergencyContact,
    InformationSystem,
    Organisation,
    SystemComponent,
    Unit,
)
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.records import check_version, save_record, snapshot
from ir_app.services.roster import keep_contact_details

SYSTEM_TYPE_CHOICES = (
    ("internal", N_("Phục vụ hoạt động nội bộ")),
    ("citizen_service", N_("Phục vụ người dân, doanh nghiệp")),
    ("infrastructure", N_("Cơ sở hạ tầng thông tin")),
    ("industrial_control", N_("Điều khiển công nghiệp")),
    ("other", N_("Khác")),
)
INFORMATION_CHOICES = (
    ("public", N_("Thông tin công cộng")),
    ("private", N_("Thông tin riêng")),
    ("personal", N_("Thông tin cá nhân")),
    ("state_secret", N_("Thông tin bí mật nhà nước")),
)
HOSTING_CHOICES = (
    ("on_premises", N_("Tại trụ sở")),
    ("provincial_dc", N_("Trung tâm dữ liệu của tỉnh")),
    ("cloud", N_("Điện toán đám mây")),
)
STATUS_CHOICES = (
    ("planned", N_("Đang lập kế hoạch")),
    ("under_investment", N_("Đang đầu tư xây dựng")),
    ("in_operation", N_("Đang vận hành")),
    ("retired", N_("Đã dừng vận hành")),
)
OPERATED_BY_CHOICES = (
    ("specialised_unit", N_("Đơn vị chuyên trách về an ninh mạng của chủ quản (thường gặp ở xã)")),
    ("other_unit", N_("Một đơn vị khác của chủ quản")),
    ("service_provider", N_("Đơn vị cung cấp dịch vụ, nền tảng dùng chung")),
)
REGIME_CHOICES = (("nd331-2026", N_("NĐ 331/2026/NĐ-CP")), ("nd85-2016", N_("NĐ 85/2016/NĐ-CP")))
LEVEL_CHOICES = tuple((str(n), label) for n, label in enumerate(
    (N_("Cấp độ 1"), N_("Cấp độ 2"), N_("Cấp độ 3"), N_("Cấp độ 4"), N_("Cấp độ 5")), start=1))

F = FieldSpec
SYSTEM_FIELDS: list[FieldSpec] = [
    F("code", N_("Mã hệ thống"), required=True, max_length=32, help=N_("Mã ngắn, duy nhất trong xã, ví dụ QLVB.")),
    F("name", N_("Tên hệ thống"), required=True),
    F("purpose", N_("Mục đích, chức năng"), "textarea", max_length=5000),
    F("system_type", N_("Loại hệ thống (Điều 9)"), "choice", required=True, choices=SYSTEM_TYPE_CHOICES,
      default="internal"),
    F("information_types", N_("Loại thông tin xử lý"), "multichoice", choices=INFORMATION_CHOICES),
    F("personal_data_subjects", N_("Số chủ thể dữ liệu cá nhân cơ bản"), "int"),
    F("sensitive_data_subjects", N_("Số chủ thể dữ liệu cá nhân nhạy cảm"), "int"),
    F("handles_admin_procedures", N_("Là hệ thống thông tin giải quyết thủ tục hành chính"), "bool"),
    F("status", N_("Trạng thái"), "choice", required=True, choices=STATUS_CHOICES, default="in_operation"),
    F("investment_approved_on", N_("Ngày phê duyệt đầu tư (chủ trương, dự án hoặc kế hoạch thuê dịch vụ)"), "date",
      help=N_("Hệ thống được phê duyệt đầu tư trước 01/7/2026 được hoàn thành thẩm định, phê duyệt cấp độ theo "
              "NĐ 85/2016 (NĐ 331/2026 Đ39.1).")),
    F("owner_name", N_("Chủ quản: tên cơ quan")),
    F("owner_functions", N_("Chủ quản: chức năng, nhiệm vụ"), "textarea", max_length=5000),
    F("owner_representative", N_("Chủ quản: người đại diện"), max_length=200),
    F("owner_address", N_("Chủ quản: địa chỉ")),
    F("owner_phone", N_("Chủ quản: điện thoại"), max_length=50),
    F("owner_email", N_("Chủ quản: e-mail"), "email", max_length=200),
    F("operator_name", N_("Đơn vị vận hành: tên")),
    F("operator_functions", N_("Đơn vị vận hành: chức năng, nhiệm vụ"), "textarea", max_length=5000),
    F("operator_representative", N_("Đơn vị vận hành: người đại diện"), max_length=200),
    F("operator_address", N_("Đơn vị vận hành: địa chỉ")),
    F("operator_phone", N_("Đơn vị vận hành: điện thoại"), max_length=50),
    F("operator_email", N_("Đơn vị vận hành: e-mail"), "email", max_length=200),
    F("operated_by", N_("Đơn vị quản lý, vận hành hệ thống"), "choice", choices=OPERATED_BY_CHOICES,
      default="specialised_unit",
      help=N_("Nếu đơn vị chuyên trách về an ninh mạng đồng thời vận hành hệ thống, hồ sơ cấp độ phải do đơn vị "
              "trực thuộc hoặc Hội đồng thẩm định độc lập thẩm định (NĐ 331/2026 Đ18.4).")),
    F("scope", N_("Phạm vi"), "textarea", max_length=5000),
    F("scale", N_("Quy mô"), "textarea", max_length=5000),
    F("users_served", N_("Đối tượng sử dụng")),
    F("hosting", N_("Nơi đặt hệ thống"), "choice", required=True, choices=HOSTING_CHOICES, default="on_premises"),
    F("hosting_detail", N_("Chi tiết nơi đặt")),
    F("internet_exposed", N_("Có kết nối, cung cấp dịch vụ ra Internet"), "bool"),
    F("domains", N_("Tên miền"), max_length=500),
    F("public_ips", N_("Địa chỉ IP công cộng"), max_length=500),
    F("private_ips", N_("Dải IP nội bộ"), max_length=500),
    F("approved_level", N_("Cấp độ đã được phê duyệt"), "choice", choices=LEVEL_CHOICES),
    F("approval_decision_number", N_("Số quyết định phê duyệt cấp độ"), max_length=100),
    F("approval_decision_on", N_("Ngày quyết định phê duyệt"), "date"),
    F("approval_regime", N_("Phê duyệt theo"), "choice", choices=REGIME_CHOICES),
]
SYSTEM_FIELD_NAMES = [spec.name for spec in SYSTEM_FIELDS]

COMPONENT_FIELDS: list[FieldSpec] = [
    F("kind", N_("Loại thành phần"), "choice", required=True, choices=(
        ("equipment", N_("Thiết bị, thiết bị mạng chính")),
        ("application", N_("Ứng dụng, dịch vụ")),
        ("network_zone", N_("Vùng mạng, quy hoạch IP")),
    )),
    F("name", N_("Tên"), required=True),
    F("component_type", N_("Chủng loại"), max_length=200),
    F("location", N_("Vị trí lắp đặt")),
    F("purpose", N_("Mục đích sử dụng"), max_length=500),
    F("server", N_("Máy chủ cài đặt"), max_length=200),
    F("operating_system", N_("Hệ điều hành"), max_length=200),
    F("ip_range", N_("Địa chỉ / dải IP"), max_length=200),
]

CONTACT_FIELDS: list[FieldSpec] = [
    F("name", N_("Họ và tên"), required=True, max_length=200),
    F("organisation", N_("Cơ quan, đơn vị")),
    F("role", N_("Vai trò khi có sự cố"), max_length=200),
    F("phone", N_("Điện thoại"), required=True, max_length=50),
    F("phone_alt", N_("Điện thoại khác"), max_length=50),
    F("email", N_("E-mail"), "email", max_length=200),
    F("is_24x7", N_("Liên hệ được 24/7"), "bool"),
    F("hours", N_("Giờ liên hệ"), max_length=200),
    F("sort_order", N_("Thứ tự"), "int", maximum=9999),
]


def validate_system_values(raw: dict[str, Any]) -> dict[str, Any]:
    values, errors = parse_record(SYSTEM_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    values["approved_level"] = int(values["approved_level"]) if values["approved_level"] else None
    values["code"] = values["code"].upper()
    values["approval_regime"] = values["approval_regime"] or ""
    if values["approved_level"] and not values["approval_decision_number"]:
        raise ValidationFailed({"approval_decision_number": "Nhập số quyết định phê duyệt cấp độ."})
    return values


def _check_code_free(session: Session, commune_id: int, code: str, system_id: int | None) -> None:
    query = select(InformationSystem.id).where(
        InformationSystem.commune_id == commune_id, InformationSystem.code == code
    )
    existing = session.scalar(query)
    if existing is not None and existing != system_id:
        raise ValidationFailed({"code": f"Mã «{code}» đã được dùng cho một hệ thống khác trong xã."})



def create_system(
    session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any], now: datetime,
    unit_id: int | None = None,
) -> InformationSystem:
    values = validate_system_values(raw)
    _check_code_free(session, commune.id, values["code"], None)
    system = InformationSystem(commune_id=commune.id, unit_id=_unit_in_commune(session, commune.id, unit_id),
                               created_at=now, updated_at=now, **values)
    session.add(system)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="information_system", object_id=system.id,
                 commune_id=commune.id, summary=system.name,
                 changes=audit.diff({}, values | {"unit_id": system.unit_id}))
    return system


def _unit_in_commune(session: Session, commune_id: int, unit_id: int | None) -> int | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None or unit.commune_id != commune_id:
        raise ValidationFailed({"unit_id": "Đơn vị không thuộc xã này."})
    return unit.id



def update_system(
    session: Session, actor: Actor, system: InformationSystem, raw: dict[str, Any], now: datetime,
    expected_version: int | None, unit_id: int | None = None,
) -> InformationSystem:
    check_version(system, expected_version)
    values = validate_system_values(raw)
    _check_code_free(session, system.commune_id, values["code"], system.id)
    before = snapshot(system, [*SYSTEM_FIELD_NAMES, "unit_id"])
    for name, value in values.items():
        setattr(system, name, value)
    system.unit_id = _unit_in_commune(session, system.commune_id, unit_id)
    changes = audit.diff(before, values | {"unit_id": system.unit_id})
    if changes:  # saved unchanged: no new time, no new version to conflict with a colleague's edit
        system.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="information_system", object_id=system.id,
                 commune_id=system.commune_id, summary=system.name, changes=changes)
    return system


def delete_system(session: Session, actor: Actor, system: InformationSystem, now: datetime,
                  expected_version: int | None) -> None:
    check_version(system, expected_version)
    before = snapshot(system, SYSTEM_FIELD_NAMES)
    audit.record(session, actor, "delete", now=now, object_type="information_system", object_id=system.id,
                 commune_id=system.commune_id, summary=system.name, changes=audit.diff(before, {}))
    session.delete(system)
    session.flush()


def add_component(session: Session, actor: Actor, system: InformationSystem, raw: dict[str, Any],
                  now: datetime) -> SystemComponent:
    values, errors = parse_record(COMPONENT_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    component = SystemComponent(system_id=system.id, **values)
    session.add(component)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="system_component", object_id=component.id,
                 commune_id=system.commune_id, summary=f"{system.name}: {component.name}",
                 changes=audit.diff({}, values))
    return component


def delete_component(session: Session, actor: Actor, component: SystemComponent, now: datetime) -> None:
    system = component.system
    audit.record(session, actor, "delete", now=now, object_type="system_component", object_id=component.id,
                 commune_id=system.commune_id, summary=f"{system.name}: {component.name}",
                 changes=audit.diff(snapshot(component, [f.name for f in COMPONENT_FIELDS]), {}))
    session.delete(component)
    session.flush()


def emergency_contacts(session: Session, commune_id: int) -> list[EmergencyContact]:
    """The commune's emergency contacts in the order the list is printed."""
    query = select(EmergencyContact).where(EmergencyContact.commune_id == commune_id).order_by(
        EmergencyContact.sort_order, EmergencyContact.name)
    return list(session.scalars(query))


def save_contact(session: Session, actor: Actor, commune_id: int, raw: dict[str, Any], now: datetime,
                 contact: EmergencyContact | None = None,
                 expected_version: int | None = None) -> EmergencyContact:
    values, errors = parse_record(CONTACT_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    return save_record(session, actor, contact or EmergencyContact(commune_id=commune_id), values,
                       object_type="emergency_contact", commune_id=commune_id, now=now,
                       expected_version=expected_version)



def delete_contact(session: Session, actor: Actor, contact: EmergencyContact, now: datetime) -> None:
    keep_contact_details(session, contact)
    audit.record(session, actor, "delete", now=now, object_type="emergency_contact", object_id=contact.id,
                 commune_id=contact.commune_id, summary=contact.name)
    session.delete(contact)
    session.flush()


def search_systems_query(commune_ids_query, text: str = "", system_type: str = "", status: str = "",
                         level: str = ""):
    """The inventory list query with its filters (used by the list page and the export)."""
    query = select(InformationSystem).order_by(InformationSystem.commune_id, InformationSystem.code)
    if commune_ids_query is not None:
        query = query.where(InformationSystem.commune_id.in_(commune_ids_query))
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(InformationSystem.name).like(pattern),
                                func.lower(InformationSystem.code).like(pattern)))
    if system_type:
        query = query.where(InformationSystem.system_type == system_type)
    if status:
        query = query.where(InformationSystem.status == status)
    if whole_number(level) is not None:
        query = query.where(InformationSystem.approved_level == whole_number(level))
    return query

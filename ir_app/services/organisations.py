"""Provinces, communes and the units inside a commune: created, edited and audited.

A commune's code is its official administrative code (mã đơn vị hành chính): it names the commune in
URLs, exports and the CLI, so it is fixed once created; everything else can be corrected.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ir_app.documents.text import safe_filename
from ir_app.i18n_markers import N_
from ir_app.models import InformationSystem, Organisation, OrgKind, Unit
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ServiceError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.records import check_version, save_record, snapshot

F = FieldSpec
# The same words as in a commune's name (Organisation.full_name, always Vietnamese), offered in a form.
COMMUNE_TYPE_CHOICES = (("xa", N_("Xã")), ("phuong", N_("Phường")), ("dac_khu", N_("Đặc khu")))
SIGNER_CHOICES = (("head", N_("Chủ tịch")), ("deputy", N_("Phó Chủ tịch (ký thay Chủ tịch)")))
UNIT_SIGNER_CHOICES = (("head", N_("Người đứng đầu")), ("deputy", N_("Cấp phó (ký thay, «KT.»)")),
                       ("acting", N_("Cấp phó được giao quyền (ký «Q.»)")))
CODE_RE = re.compile(r"^[0-9A-Za-z]{1,16}$")

ORGANISATION_FIELDS: list[FieldSpec] = [
    F("name", N_("Tên (không kèm «Xã», «Phường»)"), required=True, max_length=200,
      help=N_("Ví dụ: Vĩnh Lại. Loại đơn vị hành chính chọn ở ô bên dưới.")),
    F("commune_type", N_("Loại đơn vị hành chính"), "choice", choices=COMMUNE_TYPE_CHOICES),
    F("address", N_("Địa chỉ trụ sở"), max_length=300),
    F("phone", N_("Điện thoại"), max_length=50),
    F("email", N_("E-mail"), "email", max_length=200),
    F("office_address", N_("Địa chỉ giao dịch (nếu khác trụ sở)"), max_length=300),
    F("website", N_("Trang thông tin điện tử"), max_length=200),
    F("chair_name", N_("Chủ tịch Ủy ban nhân dân"), max_length=200),
    F("vice_chair_name", N_("Phó Chủ tịch Ủy ban nhân dân"), max_length=200),
    F("signer", N_("Người ký văn bản của Ủy ban nhân dân"), "choice", choices=SIGNER_CHOICES, default="head",
      help=N_("Phó Chủ tịch ký thì văn bản ghi «KT. CHỦ TỊCH / PHÓ CHỦ TỊCH» (NĐ 30/2020).")),
    F("tax_code", N_("Mã số thuế"), max_length=20),
    F("establishment_decision", N_("Quyết định thành lập (số, ngày, cơ quan ban hành)"), max_length=300),
    F("dpo_name", N_("Người phụ trách bảo vệ dữ liệu cá nhân"), max_length=200),
    F("dpo_title", N_("Chức danh người phụ trách bảo vệ dữ liệu cá nhân"), max_length=200),
    F("dpo_phone", N_("Điện thoại người phụ trách bảo vệ dữ liệu cá nhân"), max_length=50),
    F("dpo_email", N_("E-mail người phụ trách bảo vệ dữ liệu cá nhân"), "email", max_length=200),
]
# What a commune has and a province here does not: leaders who sign, data-protection details.
COMMUNE_ONLY_FIELDS = ("commune_type", "office_address", "website", "chair_name", "vice_chair_name", "signer",
                       "tax_code", "establishment_decision", "dpo_name", "dpo_title", "dpo_phone", "dpo_email")
UNIT_FIELDS: list[FieldSpec] = [
    F("name", N_("Tên đơn vị"), required=True, max_length=200,
      help=N_("Ví dụ: Văn phòng HĐND và UBND, Phòng Văn hóa - Xã hội, Trung tâm Phục vụ hành chính công, Công an xã.")),
    F("functions", N_("Chức năng, nhiệm vụ"), "textarea", max_length=1000),
    F("head_name", N_("Người đứng đầu"), max_length=200),
    F("head_title", N_("Chức vụ người đứng đầu"), max_length=200,
      help=N_("Ví dụ: Chánh Văn phòng, Giám đốc, Trưởng Công an xã. Để trống thì dùng chức vụ thường gặp.")),
    F("deputy_name", N_("Cấp phó"), max_length=200),
    F("deputy_title", N_("Chức vụ cấp phó"), max_length=200),
    F("signer", N_("Người ký văn bản của đơn vị"), "choice", choices=UNIT_SIGNER_CHOICES, default="head"),
    F("phone", N_("Điện thoại"), max_length=50),
    F("email", N_("E-mail"), "email", max_length=200),
    F("is_cyber_unit", N_("Đơn vị chuyên trách về an toàn, an ninh mạng"), "bool"),
]


class UnitInUse(ServiceError):
    """A unit that systems still name as theirs cannot be deleted."""


# The name and type are the commune's identity on every document and in the province's views: only
# an administrator changes them. The commune's own staff keep its contact details.
IDENTITY_FIELDS = ("name", "commune_type")


def organisation_fields(kind: str, rename: bool = True) -> list[FieldSpec]:
    """A province has no commune type; without `rename`, only the contact details."""
    return [spec for spec in ORGANISATION_FIELDS
            if (kind == OrgKind.COMMUNE or spec.name not in COMMUNE_ONLY_FIELDS)
            and (rename or spec.name not in IDENTITY_FIELDS)]


def _values(specs: list[FieldSpec], raw: dict[str, Any], kind: str) -> dict[str, Any]:
    values, errors = parse_record(specs, raw)
    if (kind == OrgKind.COMMUNE and "commune_type" in values and not values["commune_type"]
            and "commune_type" not in errors):
        errors["commune_type"] = "Chọn xã, phường hoặc đặc khu."
    if errors:
        raise ValidationFailed(errors)
    return values


def create_organisation(session: Session, actor: Actor, kind: str, code: str, raw: dict[str, Any],
                        now: datetime, province: Organisation | None = None) -> Organisation:
    """A new province, or a commune of `province`."""
    code = (code or "").strip()
    errors: dict[str, str] = {}
    if not CODE_RE.match(code):
        errors["code"] = "Mã đơn vị hành chính gồm 1–16 chữ số hoặc chữ cái (ví dụ 11017)."
    elif session.scalar(select(Organisation.id).where(func.lower(Organisation.code) == code.lower())) is not None:
        errors["code"] = f"Đã có đơn vị mang mã {code}."
    if kind == OrgKind.COMMUNE and (province is None or province.kind != OrgKind.PROVINCE):
        errors["province"] = "Chọn tỉnh, thành phố của xã."
    try:
        values = _values(organisation_fields(kind), raw, kind)
    except ValidationFailed as failure:
        raise ValidationFailed(errors | failure.errors) from None
    if errors:
        raise ValidationFailed(errors)
    org = Organisation(kind=kind, code=code, slug=_free_slug(session, values["name"], code),
                       parent_id=province.id if kind == OrgKind.COMMUNE and province else None, **values)
    session.add(org)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="organisation", object_id=org.id,
                 commune_id=org.id if kind == OrgKind.COMMUNE else None, summary=f"{org.full_name} ({code})",
                 changes=audit.diff({}, values | {"code": code}))
    return org


def _free_slug(session: Session, name: str, code: str) -> str:
    """«Vĩnh Lại» → vinh-lai; another Vĩnh Lại elsewhere gets its code added (then a number)."""
    base = safe_filename(name, 40)
    candidates = [base, f"{base}-{code.lower()}"] + [f"{base}-{code.lower()}-{n}" for n in range(2, 100)]
    for slug in candidates:
        if session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is None:
            return slug
    raise ValidationFailed({"name": "Đã có quá nhiều đơn vị cùng tên này."})


def update_organisation(session: Session, actor: Actor, org: Organisation, raw: dict[str, Any], now: datetime,
                        expected_version: int | None, rename: bool = True) -> Organisation:
    """Correct an organisation's details; its name and type only with `rename` (administrators)."""
    check_version(org, expected_version)
    specs = organisation_fields(org.kind, rename)
    values = _values(specs, raw, org.kind)
    before = snapshot(org, [spec.name for spec in specs])
    for name, value in values.items():
        setattr(org, name, value)
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="organisation", object_id=org.id,
                 commune_id=org.id if org.kind == OrgKind.COMMUNE else None, summary=org.full_name,
                 changes=audit.diff(before, values))
    return org


def save_unit(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any], now: datetime,
              unit: Unit | None = None, expected_version: int | None = None) -> Unit:
    values, errors = parse_record(UNIT_FIELDS, raw)
    if not errors and _name_taken(session, commune.id, values["name"], unit):
        errors["name"] = f"Xã đã có đơn vị «{values['name']}»."
    if errors:
        raise ValidationFailed(errors)
    return save_record(session, actor, unit or Unit(commune_id=commune.id), values, object_type="unit",
                       commune_id=commune.id, now=now, expected_version=expected_version)


def _name_taken(session: Session, commune_id: int, name: str, unit: Unit | None) -> bool:
    query = select(Unit.id).where(Unit.commune_id == commune_id, func.lower(Unit.name) == name.lower())
    if unit is not None:
        query = query.where(Unit.id != unit.id)
    return session.scalar(query.limit(1)) is not None


def systems_of_unit(session: Session, unit: Unit) -> int:
    return session.scalar(select(func.count()).select_from(InformationSystem)
                          .where(InformationSystem.unit_id == unit.id)) or 0


def delete_unit(session: Session, actor: Actor, unit: Unit, now: datetime) -> None:
    in_use = systems_of_unit(session, unit)
    if in_use:
        raise UnitInUse(f"Không xóa được «{unit.name}»: {in_use} hệ thống thông tin đang ghi đơn vị này là "
                        "đơn vị quản lý. Hãy đổi đơn vị của các hệ thống đó trước.")
    audit.record(session, actor, "delete", now=now, object_type="unit", object_id=unit.id,
                 commune_id=unit.commune_id, summary=unit.name,
                 changes=audit.diff(snapshot(unit, [spec.name for spec in UNIT_FIELDS]), {}))
    session.delete(unit)
    session.flush()


def units_of(session: Session, commune_id: int) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.commune_id == commune_id).order_by(Unit.name)))

"""The commune's register of measures: create, edit, bulk edit, evidence, the filtered list."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from ir_app.domain.requirements import Catalogue
from ir_app.i18n_markers import N_
from ir_app.models import (
    InformationSystem,
    Measure,
    MeasureEvidence,
    MeasureRequirement,
    MeasureSystem,
    Organisation,
    User,
)
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.files import store_upload
from ir_app.services.inventory.systems import check_version, snapshot

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CATEGORY_CHOICES = (("management", N_("Quản lý")), ("technical", N_("Kỹ thuật")))
SCOPE_CHOICES = (("commune", N_("Toàn xã (dùng chung cho mọi hệ thống)")),
                 ("system", N_("Các hệ thống được chọn")),
                 ("inherited", N_("Kế thừa từ đơn vị cung cấp")))
STATUS_CHOICES = (("planned", N_("Dự kiến")), ("partly", N_("Triển khai một phần")), ("in_place", N_("Đã triển khai")))
LEVEL_CHOICES = tuple((str(n), str(n)) for n in range(1, 6))
F = FieldSpec
MEASURE_FIELDS = [
    F("title", N_("Tên biện pháp"), required=True),
    F("description", N_("Nội dung (như sẽ in trong phương án)"), "textarea", max_length=10000),
    F("category", N_("Nhóm"), "choice", required=True, choices=CATEGORY_CHOICES),
    F("requirements", N_("Yêu cầu TT 12/2022 đáp ứng (mã, cách nhau bởi dấu phẩy)"), "textarea", required=True,
      max_length=2000, help=N_("Ví dụ: QL.CS.1, KT.MC.1")),
    F("scope", N_("Phạm vi"), "choice", required=True, choices=SCOPE_CHOICES),
    F("provider_name", N_("Đơn vị cung cấp (biện pháp kế thừa)")),
    F("provider_document", N_("Văn bản của đơn vị cung cấp nêu biện pháp (số, ngày)")),
    F("levels", N_("Áp dụng cho cấp độ"), "multichoice", choices=LEVEL_CHOICES),
    F("status", N_("Tình trạng"), "choice", required=True, choices=STATUS_CHOICES),
    F("responsible_unit", N_("Đơn vị chịu trách nhiệm"), max_length=200),
    F("planned_on", N_("Ngày dự kiến hoàn thành"), "date"),
    F("in_place_since", N_("Triển khai từ ngày"), "date"),
]
BULK_FIELDS = [
    F("status", N_("Tình trạng"), "choice", choices=STATUS_CHOICES),
    F("responsible_unit", N_("Đơn vị chịu trách nhiệm"), max_length=200),
    F("planned_on", N_("Ngày dự kiến hoàn thành"), "date"),
    F("in_place_since", N_("Triển khai từ ngày"), "date"),
]
RECORD_NAMES = ["title", "description", "category", "scope", "provider_name", "provider_document", "levels",
                "status", "responsible_unit", "planned_on", "in_place_since", "owner_id"]
_SEPARATORS = re.compile(r"[\s,;]+")


def local_day(moment: datetime) -> date:
    return moment.astimezone(LEGAL_TZ).date()


# --------------------------------------------------------------------------- one measure

def parse_requirements(text: str, catalogue: Catalogue) -> list[str]:
    ids, unknown = [], []
    known = {requirement.id for requirement in catalogue.requirements}
    for token in filter(None, _SEPARATORS.split(text or "")):
        requirement_id = token.strip().upper()
        if requirement_id in ids:
            continue
        (ids if requirement_id in known else unknown).append(requirement_id)
    if unknown:
        raise ValidationFailed({"requirements": "Không có trong danh mục TT 12/2022: " + ", ".join(unknown[:10])})
    if not ids:
        raise ValidationFailed({"requirements": "Nêu ít nhất một yêu cầu mà biện pháp đáp ứng."})
    return ids


@dataclass(frozen=True)
class MeasureInput:
    """What a form brings besides the plain fields: choices that belong to the commune."""

    owner_id: int | None = None
    system_ids: tuple[int, ...] = ()


def validate_measure(session: Session, commune_id: int, raw: dict[str, Any], extra: MeasureInput,
                     catalogue: Catalogue) -> tuple[dict[str, Any], list[str], list[int]]:
    values, errors = parse_record(MEASURE_FIELDS, raw)
    requirements: list[str] = []
    if "requirements" not in errors:
        try:
            requirements = parse_requirements(values["requirements"], catalogue)
        except ValidationFailed as failure:
            errors.update(failure.errors)
    values.pop("requirements", None)
    values["levels"] = [int(level) for level in values.get("levels") or []] or [1, 2, 3, 4, 5]
    if values.get("scope") == "inherited" and not values.get("provider_name"):
        errors["provider_name"] = "Biện pháp kế thừa phải nêu đơn vị cung cấp (ví dụ: Trung tâm dữ liệu tỉnh)."
    systems = _systems_in_commune(session, commune_id, extra.system_ids)
    if len(systems) != len(set(extra.system_ids)):
        errors["system_ids"] = "Hệ thống được chọn không thuộc xã này."
    elif values.get("scope") == "system" and not systems:
        errors["system_ids"] = "Chọn ít nhất một hệ thống áp dụng biện pháp."
    owner = _owner_in_commune(session, commune_id, extra.owner_id)
    if extra.owner_id is not None and owner is None:
        errors["owner_id"] = "Người phụ trách phải là tài khoản của xã này."
    if errors:
        raise ValidationFailed(errors)
    values["owner_id"] = owner
    if values["scope"] == "commune":
        systems = []  # a commune-wide measure serves every system: a list would only mislead
    return values, requirements, systems


def _systems_in_commune(session: Session, commune_id: int, system_ids: tuple[int, ...]) -> list[int]:
    if not system_ids:
        return []
    return list(session.scalars(select(InformationSystem.id).where(
        InformationSystem.commune_id == commune_id, InformationSystem.id.in_(set(system_ids)))
        .order_by(InformationSystem.id)))


def _owner_in_commune(session: Session, commune_id: int, owner_id: int | None) -> int | None:
    if owner_id is None:
        return None
    user = session.get(User, owner_id)
    return user.id if user is not None and user.organisation_id == commune_id else None


def _record(measure: Measure) -> dict[str, Any]:
    return snapshot(measure, RECORD_NAMES) | {"requirements": measure.requirement_ids,
                                              "system_ids": sorted(measure.system_ids)}


def save_measure(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any], extra: MeasureInput,
                 catalogue: Catalogue, now: datetime, measure: Measure | None = None,
                 expected_version: int | None = None) -> Measure:
    """Create a measure, or update one (version-checked); audited with what changed."""
    if measure is not None:
        check_version(measure, expected_version)
    values, requirements, systems = validate_measure(session, commune.id, raw, extra, catalogue)
    if values["status"] == "in_place" and values["in_place_since"] is None:
        values["in_place_since"] = local_day(now)
    before = {} if measure is None else _record(measure)
    wanted = values | {"requirements": requirements, "system_ids": sorted(systems)}
    if measure is not None and audit.diff(before, before | wanted) == {}:
        return measure  # the form came back unchanged: nothing to save, no new version
    if measure is None:
        measure = Measure(commune_id=commune.id, created_at=now, created_by_id=actor.user_id)
        session.add(measure)
    for name, value in values.items():
        setattr(measure, name, value)
    _sync_links(measure, requirements, systems)
    measure.updated_at = now
    session.flush()
    after = _record(measure)
    audit.record(session, actor, "create" if not before else "update", now=now, object_type="measure",
                 object_id=measure.id, commune_id=commune.id, summary=measure.title[:200],
                 changes=audit.diff(before, after))
    return measure


def _sync_links(measure: Measure, requirements: list[str], systems: list[int]) -> None:
    """Keep unchanged link rows (no churn), drop the removed ones, add the new ones, in the given order."""
    if measure.requirement_ids != requirements:
        kept = {link.requirement_id: link for link in measure.requirement_links}
        measure.requirement_links = [kept.get(req) or MeasureRequirement(requirement_id=req) for req in requirements]
    if sorted(measure.system_ids) != sorted(systems):
        kept_systems = {link.system_id: link for link in measure.system_links}
        measure.system_links = [kept_systems.get(sid) or MeasureSystem(system_id=sid) for sid in systems]


def set_status(session: Session, actor: Actor, measure: Measure, status: str, now: datetime,
               expected_version: int | None = None) -> Measure:
    """One click from the plan: mark a measure in place (or back to planned)."""
    if status not in dict(STATUS_CHOICES):
        raise ValidationFailed({"status": "Tình trạng không hợp lệ."})
    check_version(measure, expected_version)
    before = _record(measure)
    measure.status = status
    if status == "in_place" and measure.in_place_since is None:
        measure.in_place_since = local_day(now)
    measure.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="measure", object_id=measure.id,
                 commune_id=measure.commune_id, summary=measure.title[:200], changes=audit.diff(before, _record(measure)))
    return measure


def add_system(session: Session, actor: Actor, measure: Measure, system: InformationSystem, now: datetime) -> Measure:
    """Apply a measure chosen for some systems to one more (a plan gap's one-click fix)."""
    if system.commune_id != measure.commune_id:
        raise ValidationFailed({"system_ids": "Hệ thống không thuộc xã của biện pháp."})
    if measure.scope == "commune" or system.id in measure.system_ids:
        return measure
    before = sorted(measure.system_ids)
    measure.system_links.append(MeasureSystem(system_id=system.id))
    measure.updated_at = now
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="measure", object_id=measure.id,
                 commune_id=measure.commune_id, summary=f"{measure.title[:150]} → {system.name[:100]}",
                 changes={"system_ids": [before, sorted(measure.system_ids)]})
    return measure


# --------------------------------------------------------------------------- bulk edit

def parse_selection(values: list[str]) -> dict[int, int]:
    """Checkbox values "id:version" of the measures a user selected on the list page."""
    chosen: dict[int, int] = {}
    for value in values:
        identifier, _, version = (value or "").partition(":")
        if identifier.isascii() and identifier.isdigit() and version.isascii() and version.isdigit():
            chosen[int(identifier)] = int(version)
    return chosen


def bulk_update(session: Session, actor: Actor, commune: Organisation, selection: dict[int, int],
                raw: dict[str, Any], owner_id: int | None, now: datetime, clear_owner: bool = False) -> int:
    """Set status, owner, unit and dates of the selected measures; an empty field changes nothing.
    Every measure must still be at the version the user saw (else nothing is saved)."""
    if not selection:
        raise ValidationFailed({"ids": "Chọn ít nhất một biện pháp."})
    values, errors = parse_record(BULK_FIELDS, raw)
    if owner_id is not None and _owner_in_commune(session, commune.id, owner_id) is None:
        errors["owner_id"] = "Người phụ trách phải là tài khoản của xã này."
    if errors:
        raise ValidationFailed(errors)
    changes = {name: value for name, value in values.items() if value not in (None, "")}
    if owner_id is not None or clear_owner:
        changes["owner_id"] = owner_id
    if not changes:
        raise ValidationFailed({"status": "Chọn ít nhất một thay đổi (tình trạng, người phụ trách, đơn vị hoặc ngày)."})
    measures = list(session.scalars(select(Measure).where(Measure.commune_id == commune.id,
                                                          Measure.id.in_(selection))
                                    .options(selectinload(Measure.requirement_links),
                                             selectinload(Measure.system_links))))
    if len(measures) != len(selection):
        raise ValidationFailed({"ids": "Có biện pháp không thuộc xã này hoặc đã bị xóa."})
    if any(measure.version != selection[measure.id] for measure in measures):
        raise ConflictError()
    for measure in measures:
        before = snapshot(measure, list(changes) + ["in_place_since"])
        for name, value in changes.items():
            setattr(measure, name, value)
        if measure.status == "in_place" and measure.in_place_since is None:
            measure.in_place_since = local_day(now)
        changed = audit.diff(before, snapshot(measure, list(before)))
        if not changed:
            continue  # already as asked: no new version, no time stamp, nothing to audit
        measure.updated_at = now
        session.flush()
        audit.record(session, actor, "update", now=now, object_type="measure", object_id=measure.id,
                     commune_id=commune.id, summary=f"Sửa hàng loạt: {measure.title[:150]}", changes=changed)
    return len(measures)


# --------------------------------------------------------------------------- evidence

def add_evidence(session: Session, actor: Actor, measure: Measure, filename: str, data: bytes, note: str,
                 now: datetime, max_bytes: int) -> MeasureEvidence:
    stored = store_upload(session, actor, commune_id=measure.commune_id, filename=filename, data=data, now=now,
                          max_bytes=max_bytes)
    evidence = MeasureEvidence(file_id=stored.id, note=note.strip()[:300], added_at=now)
    measure.evidence.append(evidence)
    session.flush()
    audit.record(session, actor, "upload", now=now, object_type="measure", object_id=measure.id,
                 commune_id=measure.commune_id, summary=f"Minh chứng {stored.filename} ({stored.sha256[:12]})")
    return evidence


# --------------------------------------------------------------------------- the list

@dataclass(frozen=True)
class MeasureFilter:
    status: str = ""
    category: str = ""
    requirement: str = ""
    system_id: int | None = None


def serving_system(system_id: int):
    """SQL condition: the measure is in scope for the system (as domain.plan.serves, levels aside)."""
    linked = exists().where(MeasureSystem.measure_id == Measure.id, MeasureSystem.system_id == system_id)
    any_link = exists().where(MeasureSystem.measure_id == Measure.id)
    return or_(Measure.scope == "commune", linked, and_(Measure.scope == "inherited", ~any_link))


def measures_query(commune_id: int, chosen: MeasureFilter) -> Select:
    query = select(Measure).where(Measure.commune_id == commune_id)
    if chosen.status in dict(STATUS_CHOICES):
        query = query.where(Measure.status == chosen.status)
    if chosen.category in dict(CATEGORY_CHOICES):
        query = query.where(Measure.category == chosen.category)
    if chosen.requirement:
        query = query.where(exists().where(MeasureRequirement.measure_id == Measure.id,
                                           MeasureRequirement.requirement_id == chosen.requirement.upper()[:32]))
    if chosen.system_id is not None:
        query = query.where(serving_system(chosen.system_id))
    # Management before technical, each in the order adopted (the library's order, then the commune's own).
    return query.order_by(Measure.category, Measure.id).options(selectinload(Measure.requirement_links),
                                              selectinload(Measure.system_links), selectinload(Measure.owner))

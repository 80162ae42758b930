"""The detailed risk assessment of a level 4–5 system (NĐ 331 Đ22.5): what the register cannot
say by itself (connected systems, scope of harm, 24/7 operation), kept per system."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.models import InformationSystem
from ir_app.models.risks import RiskAssessment
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.records import check_version, snapshot

F = FieldSpec
ASSESSMENT_FIELDS = [
    F("connected_systems", N_("Hệ thống thông tin liên quan, kết nối (mỗi dòng một hệ thống) — Đ22.5.a"),
      "textarea", max_length=5000),
    F("attack_note", N_("Bổ sung về nguy cơ tấn công mạng (ngoài danh mục rủi ro) — Đ22.5.b"), "textarea",
      max_length=5000),
    F("impact_scope", N_("Phạm vi, mức độ ảnh hưởng tới lợi ích công cộng, trật tự, an toàn xã hội, an ninh quốc "
                         "gia — Đ22.5.c"), "textarea", required=True, max_length=5000),
    F("availability_24x7", N_("Yêu cầu vận hành 24/7, không chấp nhận ngừng ngoài kế hoạch — Đ22.5.d "
                              "(để trống nếu không áp dụng)"), "textarea", max_length=3000),
    F("assessed_on", N_("Ngày đánh giá"), "date", required=True),
    F("assessor", N_("Người, đơn vị đánh giá"), required=True, max_length=300),
]
NAMES = [spec.name for spec in ASSESSMENT_FIELDS]


def assessment_of(session: Session, system_id: int) -> RiskAssessment | None:
    return session.scalar(select(RiskAssessment).where(RiskAssessment.system_id == system_id))


def connected_lines(assessment: RiskAssessment | None) -> list[str]:
    if assessment is None:
        return []
    return [line.strip(" -•\t;") for line in assessment.connected_systems.splitlines() if line.strip(" -•\t;")]


def save_assessment(session: Session, actor: Actor, system: InformationSystem, raw: dict[str, Any], now: datetime,
                    expected_version: int | None = None) -> RiskAssessment:
    assessment = assessment_of(session, system.id)
    if assessment is not None:
        check_version(assessment, expected_version)
    values, errors = parse_record(ASSESSMENT_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    before = {} if assessment is None else snapshot(assessment, NAMES)
    if assessment is not None and audit.diff(before, values) == {}:
        return assessment
    if assessment is None:
        assessment = RiskAssessment(commune_id=system.commune_id, system_id=system.id)
        session.add(assessment)
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.updated_at = now
    session.flush()
    audit.record(session, actor, "create" if not before else "update", now=now, object_type="risk_assessment",
                 object_id=assessment.id, commune_id=system.commune_id,
                 summary=f"Đánh giá rủi ro chi tiết: {system.name[:150]}", changes=audit.diff(before, values))
    return assessment

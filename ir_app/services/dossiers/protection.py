"""Periodic reviews and the owner's security policy (the protection plan itself is a view over
measures: services/measures/plan.py)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.domain.date_sanity import review_dates
from ir_app.domain.dates import add_months
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, InformationSystem, Organisation, Review, ReviewFinding, SecurityPolicy
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.files import store_upload
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan
from ir_app.services.row_problems import line_problem

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # dates are Vietnamese calendar days

F = FieldSpec
REVIEW_RESULT_CHOICES = (("pass", N_("Đạt yêu cầu")), ("partial", N_("Đạt một phần")), ("fail", N_("Không đạt")))
REVIEW_FIELDS = [
    F("reviewed_on", N_("Ngày kiểm tra, đánh giá"), "date", required=True),
    F("assessor", N_("Người/đơn vị kiểm tra"), required=True),
    F("is_independent", N_("Độc lập với đơn vị vận hành"), "bool"),
    F("external_organisation", N_("Tổ chức bên ngoài (nếu có)")),
    F("result", N_("Kết quả"), "choice", required=True, choices=REVIEW_RESULT_CHOICES),
    F("summary", N_("Tóm tắt kết quả"), "textarea", max_length=10000),
]  # the findings are rows of their own (requirement, text, due date): parse_finding_rows
POLICY_ISSUER_CHOICES = (
    ("owner", N_("Chủ quản hệ thống thông tin (UBND xã, Chủ tịch UBND xã ký)")),
    ("specialised_unit", N_("Đơn vị chuyên trách về an ninh mạng")),
    ("operator", N_("Đơn vị vận hành")),
    ("other", N_("Cơ quan, đơn vị khác")),
)
POLICY_SCOPE_CHOICES = (("commune", N_("Mọi hệ thống thông tin của xã")), ("listed", N_("Chỉ các hệ thống được chọn")))
POLICY_FIELDS = [
    F("title", N_("Tên quy chế"), required=True),
    F("decision_number", N_("Số quyết định ban hành"), required=True, max_length=100),
    F("issued_on", N_("Ngày ban hành"), "date", required=True),
    F("issuer", N_("Cấp ban hành"), "choice", required=True, choices=POLICY_ISSUER_CHOICES, default="owner",
      help=N_("Quy chế phải do cấp có thẩm quyền (chủ quản) phê duyệt, ban hành trước khi phê duyệt cấp độ "
              "(NĐ 331/2026 Đ30.7).")),
    F("scope", N_("Phạm vi áp dụng"), "choice", required=True, choices=POLICY_SCOPE_CHOICES, default="commune"),
]


# --------------------------------------------------------------------------- reviews



def parse_finding_rows(rows: list[list[str]], known_requirements: set[str] | None = None) -> list[dict[str, Any]]:
    """Findings typed in the form's rows (requirement, text, due dd/mm/yyyy). Every row that does not
    fit is refused, named by its number."""
    numbered = [(number, " | ".join(filter(None, cells)), [*cells, "", ""][:3])
                for number, cells in enumerate(rows, start=1)]
    return _checked_findings(numbered, known_requirements)


def _checked_findings(rows: list[tuple[int, str, list[str]]],
                      known_requirements: set[str] | None) -> list[dict[str, Any]]:
    findings, problems = [], []
    for number, line, (requirement, body, due_text) in rows:
        requirement = requirement.upper()
        due = None
        if due_text:
            try:
                due = datetime.strptime(due_text, "%d/%m/%Y").date()
            except ValueError:
                problems.append(line_problem(number, line, "hạn khắc phục phải theo dạng dd/mm/yyyy"))
                continue
        if not body:
            problems.append(line_problem(number, line, "thiếu nội dung phát hiện"))
        elif requirement and known_requirements is not None and requirement not in known_requirements:
            problems.append(line_problem(number, line, f"không có yêu cầu mã «{requirement[:32]}» trong danh mục"))
        elif len(body) > 2000:
            problems.append(line_problem(number, line, "nội dung tối đa 2000 ký tự"))
        else:
            findings.append({"requirement_id": requirement[:32], "text": body, "due_on": due})
    if problems:
        raise ValidationFailed({"findings": " ".join(problems)})
    return findings


def record_review(session: Session, actor: Actor, dossier: Dossier, raw: dict[str, Any], law: LawData,
                  now: datetime, finding_rows: list[list[str]] = ()) -> Review:
    """Record a check; the next one follows the regime's interval; failing findings reopen items."""
    if dossier.state not in ("approved", "protecting", "operating"):
        raise ValidationFailed({"reviewed_on": "Chỉ kiểm tra, đánh giá hệ thống đã được phê duyệt cấp độ."})
    values, errors = parse_record(REVIEW_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    known = {requirement.id for requirement in law.catalogue.requirements}
    findings = parse_finding_rows(list(finding_rows), known)
    problems = review_dates(now.astimezone(LEGAL_TZ).date(), values["reviewed_on"], _in_force_from(dossier),
                            [finding["due_on"] for finding in findings])
    if problems:
        raise ValidationFailed(problems)
    interval = law.regime(dossier.regime).review_interval(dossier.level)
    review = Review(dossier_id=dossier.id, commune_id=dossier.commune_id, created_at=now,
                    created_by_id=actor.user_id, next_due_on=add_months(values["reviewed_on"], interval.months),
                    **values)
    for finding in findings:
        review.findings.append(ReviewFinding(**finding, is_failing=values["result"] != "pass"))
        if values["result"] != "pass" and finding["requirement_id"]:
            # A failing finding reopens the matching plan row until someone decides otherwise.
            plan.reopen(session, dossier, finding["requirement_id"],
                        f"Kiểm tra ngày {values['reviewed_on']:%d/%m/%Y}: {finding['text']}", law.catalogue, now)
    session.add(review)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="review", object_id=review.id,
                 commune_id=dossier.commune_id, summary=f"Kiểm tra ngày {values['reviewed_on']:%d/%m/%Y}: {values['result']}",
                 changes={"findings": [None, len(findings)], "next_due_on": [None, review.next_due_on.isoformat()]})
    return review


def _in_force_from(dossier: Dossier) -> date | None:
    """The day the level came into force: the decision's date, else the day it was approved here."""
    if dossier.decision_on:
        return dossier.decision_on
    return dossier.approved_at.astimezone(LEGAL_TZ).date() if dossier.approved_at else None


def next_review_due(dossier: Dossier, reviews: list[Review], law: LawData) -> date | None:
    """After the latest check; before any, one interval after approval."""
    if dossier.state not in ("approved", "protecting", "operating") or dossier.level is None:
        return None
    if reviews:
        return max(reviews, key=lambda r: r.reviewed_on).next_due_on
    return first_review_due(law, dossier.regime, dossier.level, dossier.decision_on, dossier.approved_at)


def first_review_due(law: LawData, regime: str, level: int, decision_on: date | None,
                     approved_at: datetime | None) -> date | None:
    """Before any check: one regime interval after the approval decision (or its recording)."""
    months = law.regime(regime).review_interval(level).months
    start = decision_on or (approved_at.date() if approved_at else None)
    return add_months(start, months) if start else None


# --------------------------------------------------------------------------- security policy

def record_security_policy(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any],
                           now: datetime, upload: tuple[str, bytes] | None, max_bytes: int,
                           system_ids: Iterable[int] = ()) -> SecurityPolicy:
    """Record an issued Quy chế; one that does not cover the whole commune lists its systems."""
    values, errors = parse_record(POLICY_FIELDS, raw)
    systems = list(session.scalars(select(InformationSystem).where(
        InformationSystem.commune_id == commune.id, InformationSystem.id.in_(set(system_ids))))) if system_ids else []
    if not errors and values["scope"] == "listed" and not systems:
        errors["systems"] = "Chọn ít nhất một hệ thống mà quy chế áp dụng."
    if errors:
        raise ValidationFailed(errors)
    policy = SecurityPolicy(commune_id=commune.id, created_at=now, **values)
    policy.systems = systems if values["scope"] == "listed" else []
    if upload and upload[1]:
        policy.file_id = store_upload(session, actor, commune_id=commune.id, filename=upload[0], data=upload[1],
                                      now=now, max_bytes=max_bytes).id
    session.add(policy)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="security_policy", object_id=policy.id,
                 commune_id=commune.id, summary=f"{policy.title} ({policy.decision_number})",
                 changes=audit.diff({}, {**values, "systems": [system.id for system in policy.systems]}))
    return policy

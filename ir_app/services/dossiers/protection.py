"""Periodic reviews and the owner's security policy (the protection plan itself is a view over
measures: services/measures/plan.py)."""
from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.models import Dossier, Organisation, Review, ReviewFinding, SecurityPolicy
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.files import store_upload
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan

F = FieldSpec
REVIEW_RESULT_CHOICES = (("pass", N_("Đạt yêu cầu")), ("partial", N_("Đạt một phần")), ("fail", N_("Không đạt")))
REVIEW_FIELDS = [
    F("reviewed_on", N_("Ngày kiểm tra, đánh giá"), "date", required=True),
    F("assessor", N_("Người/đơn vị kiểm tra"), required=True),
    F("is_independent", N_("Độc lập với đơn vị vận hành"), "bool"),
    F("external_organisation", N_("Tổ chức bên ngoài (nếu có)")),
    F("result", N_("Kết quả"), "choice", required=True, choices=REVIEW_RESULT_CHOICES),
    F("summary", N_("Tóm tắt kết quả"), "textarea", max_length=10000),
    F("findings", N_("Phát hiện (mỗi dòng: mã yêu cầu | nội dung | hạn khắc phục dd/mm/yyyy)"), "textarea",
      max_length=20000, help=N_("Ví dụ: KT.DL.3 | Chưa thử khôi phục bản sao lưu | 31/01/2027")),
]
POLICY_FIELDS = [
    F("title", N_("Tên quy chế"), required=True),
    F("decision_number", N_("Số quyết định ban hành"), required=True, max_length=100),
    F("issued_on", N_("Ngày ban hành"), "date", required=True),
]


# --------------------------------------------------------------------------- reviews

def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_findings(text: str) -> list[dict[str, Any]]:
    findings = []
    for number, line in enumerate(filter(None, (l.strip() for l in (text or "").splitlines())), start=1):
        pieces = [piece.strip() for piece in line.split("|")]
        if len(pieces) == 1:
            pieces = ["", pieces[0], ""]
        requirement, body, due_text = (pieces + ["", "", ""])[:3]
        due = None
        if due_text:
            try:
                due = datetime.strptime(due_text, "%d/%m/%Y").date()
            except ValueError:
                raise ValidationFailed({"findings": f"Dòng {number}: hạn khắc phục phải theo dạng dd/mm/yyyy."}) from None
        if not body:
            raise ValidationFailed({"findings": f"Dòng {number}: thiếu nội dung phát hiện."})
        findings.append({"requirement_id": requirement.upper()[:32], "text": body[:2000], "due_on": due})
    return findings


def record_review(session: Session, actor: Actor, dossier: Dossier, raw: dict[str, Any], law: LawData,
                  now: datetime) -> Review:
    """Record a check; the next one follows the regime's interval; failing findings reopen items."""
    if dossier.state not in ("approved", "protecting", "operating"):
        raise ValidationFailed({"reviewed_on": "Chỉ kiểm tra, đánh giá hệ thống đã được phê duyệt cấp độ."})
    values, errors = parse_record(REVIEW_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    findings = parse_findings(values.pop("findings"))
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


def next_review_due(dossier: Dossier, reviews: list[Review], law: LawData) -> date | None:
    """After the latest check; before any, one interval after approval."""
    if dossier.state not in ("approved", "protecting", "operating") or dossier.level is None:
        return None
    if reviews:
        return max(reviews, key=lambda r: r.reviewed_on).next_due_on
    months = law.regime(dossier.regime).review_interval(dossier.level).months
    start = dossier.decision_on or (dossier.approved_at.date() if dossier.approved_at else None)
    return add_months(start, months) if start else None


# --------------------------------------------------------------------------- security policy

def record_security_policy(session: Session, actor: Actor, commune: Organisation, raw: dict[str, Any],
                           now: datetime, upload: tuple[str, bytes] | None, max_bytes: int) -> SecurityPolicy:
    values, errors = parse_record(POLICY_FIELDS, raw)
    if errors:
        raise ValidationFailed(errors)
    policy = SecurityPolicy(commune_id=commune.id, created_at=now, **values)
    if upload and upload[1]:
        policy.file_id = store_upload(session, actor, commune_id=commune.id, filename=upload[0], data=upload[1],
                                      now=now, max_bytes=max_bytes).id
    session.add(policy)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="security_policy", object_id=policy.id,
                 commune_id=commune.id, summary=f"{policy.title} ({policy.decision_number})",
                 changes=audit.diff({}, values))
    return policy

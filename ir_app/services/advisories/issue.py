"""The province issues an advisory to all or chosen communes; each receives it at once (in-app,
e-mail, phone channels) and in "Việc của tôi" until it is completed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.domain.advisories import SEVERITY_LABELS, checklist
from ir_app.domain.text import clean_text
from ir_app.i18n_markers import N_
from ir_app.models import Organisation, OrgKind
from ir_app.models.advisories import Advisory, AdvisoryAction, AdvisoryRecipient
from ir_app.models.files import StoredFile
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.notifications.outbox import Message, notify_roles

F = FieldSpec
# Who in a commune receives an advisory and answers it.
ANSWERING_ROLES = ("officer", "staff")


@dataclass(frozen=True)
class AdvisoryDraft:
    title: str
    content: str
    severity: str
    deadline: date | None
    actions_text: str
    commune_ids: tuple[int, ...]
    number: str = ""
    concerns: str = ""
    playbook: str = ""
    kind: str = "advisory"


SEVERITY_CHOICES = tuple(SEVERITY_LABELS.items())


def advisory_fields(communes: list[Organisation], playbooks: tuple[tuple[str, str], ...],
                    kind: str = "advisory") -> list[FieldSpec]:
    """The issue form: an advisory asks for actions; a report request asks questions by a deadline."""
    targets = F("communes", N_("Gửi tới các xã"), "multichoice", choices=tuple((str(c.id), c.name) for c in communes),
                help=N_("Không chọn xã nào: gửi tới mọi xã của tỉnh."))
    number = F("number", N_("Số văn bản ban hành (nếu có)"), max_length=80, help=N_("Ví dụ: 125/CAT-PA05"))
    if kind == "report_request":
        return [
            F("title", N_("Tên báo cáo"), required=True, max_length=300),
            number,
            F("content", N_("Nội dung, hướng dẫn báo cáo"), "textarea", max_length=20000),
            F("actions", N_("Nội dung cần báo cáo (mỗi dòng một câu hỏi)"), "textarea", required=True,
              max_length=20000),
            F("deadline", N_("Hạn gửi báo cáo"), "date", required=True),
            targets,
        ]
    return [
        F("title", N_("Tiêu đề"), required=True, max_length=300),
        number,
        F("severity", N_("Mức độ"), "choice", required=True, choices=SEVERITY_CHOICES),
        F("content", N_("Nội dung cảnh báo, khuyến nghị"), "textarea", max_length=20000),
        F("concerns", N_("Liên quan đến (loại hệ thống, sản phẩm, phiên bản)"), "textarea", max_length=5000),
        F("playbook", N_("Kịch bản ứng phó nên áp dụng"), "choice", choices=playbooks),
        F("actions", N_("Việc cần làm (mỗi dòng một việc)"), "textarea", required=True, max_length=20000),
        F("deadline", N_("Hạn thực hiện"), "date", required=True),
        targets,
    ]


def draft_from(specs: list[FieldSpec], raw: dict, communes: list[Organisation], kind: str = "advisory") -> AdvisoryDraft:
    """The form's values as a draft; unreadable fields raise ValidationFailed. No commune ticked
    means every commune of the province."""
    values, errors = parse_record(specs, raw)
    if errors:
        raise ValidationFailed(errors)
    chosen = tuple(int(value) for value in values["communes"]) or tuple(commune.id for commune in communes)
    return AdvisoryDraft(title=values["title"], content=values["content"], severity=values.get("severity") or "medium",
                         deadline=values["deadline"], actions_text=values["actions"], commune_ids=chosen,
                         number=values["number"], concerns=values.get("concerns", ""),
                         playbook=values.get("playbook") or "", kind=kind)


def province_communes(session: Session, province_id: int) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(
        Organisation.parent_id == province_id, Organisation.kind == OrgKind.COMMUNE).order_by(Organisation.name)))


def issue(session: Session, actor: Actor, province: Organisation, draft: AdvisoryDraft, now: datetime,
          today: date, attachment: StoredFile | None = None) -> Advisory:
    """Record the advisory and send it to the chosen communes of the province (others are refused)."""
    actions = checklist(clean_text(draft.actions_text))
    allowed = {commune.id for commune in province_communes(session, province.id)}
    problems = _problems(draft, actions, allowed, today)
    if problems:
        raise ValidationFailed(problems)
    advisory = Advisory(province_id=province.id, number=clean_text(draft.number, multiline=False)[:80],
                        title=clean_text(draft.title, multiline=False)[:300], content=clean_text(draft.content),
                        severity=draft.severity, concerns=clean_text(draft.concerns), playbook=draft.playbook[:64],
                        deadline=draft.deadline, attachment=attachment, issued_at=now, issued_by_id=actor.user_id,
                        kind="report_request" if draft.kind == "report_request" else "advisory")
    advisory.actions = [AdvisoryAction(position=n, text=text) for n, text in enumerate(actions, 1)]
    advisory.recipients = [AdvisoryRecipient(commune_id=commune_id) for commune_id in sorted(set(draft.commune_ids))]
    session.add(advisory)
    session.flush()
    audit.record(session, actor, "issue", now=now, object_type="advisory", object_id=advisory.id,
                 summary=f"{advisory.code}: {advisory.title} → {len(advisory.recipients)} xã")
    for recipient in advisory.recipients:
        notify_roles(session, _received(advisory), recipient.commune_id, ANSWERING_ROLES, now)
    return advisory


def _problems(draft: AdvisoryDraft, actions: list[str], allowed: set[int], today: date) -> dict[str, str]:
    problems = {}
    if not draft.title.strip():
        problems["title"] = "Hãy nhập tiêu đề khuyến nghị."
    if draft.severity not in SEVERITY_LABELS:
        problems["severity"] = "Hãy chọn mức độ."
    if draft.deadline is None:
        problems["deadline"] = "Hãy chọn hạn thực hiện."
    elif draft.deadline < today:
        problems["deadline"] = "Hạn thực hiện không thể ở trước hôm nay."
    if not actions:
        problems["actions"] = "Hãy ghi ít nhất một việc cần làm (mỗi dòng một việc)."
    if not draft.commune_ids:
        problems["communes"] = "Hãy chọn ít nhất một xã nhận khuyến nghị."
    elif not set(draft.commune_ids) <= allowed:
        problems["communes"] = "Chỉ gửi được cho các xã thuộc tỉnh của bạn."
    return problems


def _received(advisory: Advisory) -> Message:
    if advisory.is_report_request:
        subject = f"Yêu cầu báo cáo đột xuất: {advisory.title}"
        body = f"Hạn gửi báo cáo: {advisory.deadline:%d/%m/%Y}. {len(advisory.actions)} nội dung cần báo cáo."
    else:
        subject = f"Khuyến nghị mới ({SEVERITY_LABELS[advisory.severity]}): {advisory.title}"
        body = f"Hạn thực hiện: {advisory.deadline:%d/%m/%Y}. {len(advisory.actions)} việc cần làm."
    return Message(key=f"advisory:{advisory.id}:received", kind="advisory", subject=subject, body=body,
                   link=f"/advisories/{advisory.id}")


def issued_by_province(session: Session, province_id: int) -> list[Advisory]:
    return list(session.scalars(select(Advisory).where(Advisory.province_id == province_id)
                                .order_by(Advisory.issued_at.desc(), Advisory.id.desc())))


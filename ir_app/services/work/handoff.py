"""Hand-off messages: tell the people who act next that it is their turn, exactly once.

Each message goes to the in-app inbox and by e-mail through the outbox (`notify`), keyed by the
event that caused it (a dossier step row, a task's version, an incident flag), so a retried
request or a second call never sends it twice. The person who caused the event is not told.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ir_app.models import Dossier, DossierStep, Incident, IncidentTask, User
from ir_app.services.audit import Actor
from ir_app.services.lawdata import LawData
from ir_app.services.notifications.outbox import DEFAULT_ZONE, Message, notify, recipients
from ir_app.services.work.steps import next_roles, step_task

DOSSIER_KIND = "dossier_step"
TASK_KIND = "incident_task"
ESCALATION_KIND = "incident_escalated"
# States the person who submitted the dossier hears about (their dossier came back or moved on).
SUBMITTER_STATES = ("returned", "appraised", "approved")
# Facts of an incident that call for more than the commune's officer: the leader and the province.
ESCALATIONS = {
    "severity": ("nghiem_trong", "sự cố được phân loại NGHIÊM TRỌNG"),
    "national_security_signs": (True, "có dấu hiệu xâm phạm an ninh quốc gia, trật tự, an toàn xã hội"),
    "serious_disruption": (True, "gây gián đoạn nghiêm trọng hoạt động của hệ thống"),
    "beyond_capacity": (True, "vượt quá khả năng xử lý của xã"),
}
ESCALATION_ROLES = ("officer", "approver", "overseer")


def dossier_link(dossier: Dossier) -> str:
    return f"/dossiers/{dossier.id}"


# --------------------------------------------------------------------------- dossiers

def dossier_moved(session: Session, actor: Actor, dossier: Dossier, law: LawData, now: datetime) -> int:
    """After a workflow transition: the finished step's assignee is cleared, the people who act
    next are told, and so is the submitter when the dossier is returned, appraised or approved.
    Returns how many messages were queued."""
    step = dossier.steps[-1]
    if dossier.step_assignee_id is not None:
        dossier.step_assignee_id = None
        session.flush()
    key = f"dossier:{dossier.id}:handoff:{step.id}"
    told: set[int] = {actor.user_id} if actor.user_id else set()
    added = 0
    submitter = _submitter(session, dossier)
    if step.to_state in SUBMITTER_STATES and submitter is not None and submitter.id not in told:
        message = _outcome_message(session, key, dossier, step, law)
        added += notify(session, message, [submitter], now, dossier.commune_id)
        told.add(submitter.id)
    roles = next_roles(dossier, law)
    if roles and not law.workflow.state(dossier.state).terminal:
        users = [user for user in recipients(session, dossier.commune_id, roles) if user.id not in told]
        added += notify(session, _turn_message(session, key, dossier, step, law), users, now, dossier.commune_id)
    return added


def _submitter(session: Session, dossier: Dossier) -> User | None:
    submitted_by = next((step.actor_id for step in reversed(dossier.steps) if step.action == "submit"), None)
    user = session.get(User, submitted_by or dossier.created_by_id) if (submitted_by or dossier.created_by_id) else None
    return user if user is not None and user.is_active else None


def _turn_message(session: Session, key: str, dossier: Dossier, step: DossierStep, law: LawData) -> Message:
    body = [_what_happened(session, dossier, step, law)]
    if dossier.step_due_on:
        body.append(f"Hạn theo quy định: {dossier.step_due_on:%d/%m/%Y}.")
    body.append("Việc này có trong mục «Việc của tôi».")
    subject = f"Đến lượt bạn: {step_task(dossier, law)} «{dossier.system.name}»"
    return Message(key=key, kind=DOSSIER_KIND, subject=subject,
                   body="\n".join(body), link=dossier_link(dossier))


def _outcome_message(session: Session, key: str, dossier: Dossier, step: DossierStep, law: LawData) -> Message:
    name = dossier.system.name
    if step.to_state == "returned":
        subject = f"Hồ sơ «{name}» được trả lại để bổ sung, hoàn thiện"
    elif step.to_state == "appraised":
        result = {"phu_hop": "phù hợp", "chua_phu_hop": "chưa phù hợp"}.get(dossier.appraisal_result or "", "")
        subject = f"Hồ sơ «{name}» đã có ý kiến thẩm định" + (f": {result}" if result else "")
    else:
        subject = f"Hồ sơ «{name}» đã được phê duyệt cấp độ {dossier.level}"
    body = [_what_happened(session, dossier, step, law)]
    if step.to_state == "approved" and dossier.decision_number:
        body.append(f"Quyết định số {dossier.decision_number}"
                    + (f" ngày {dossier.decision_on:%d/%m/%Y}" if dossier.decision_on else "")
                    + (f", người ký: {dossier.decision_signer}" if dossier.decision_signer else "") + ".")
    return Message(key=key, kind=DOSSIER_KIND, subject=subject, body="\n".join(body), link=dossier_link(dossier))


def _what_happened(session: Session, dossier: Dossier, step: DossierStep, law: LawData) -> str:
    rule = law.workflow.action(step.action)
    label = rule.label if rule else step.action
    who = name_of(session, step.actor_id, step.actor_label)
    lines = [(f"{who} đã thực hiện «{label}» với hồ sơ cấp độ «{dossier.system.name}». "
              f"Trạng thái mới: {_state_title(law, step.to_state)}.")]
    if step.comment:
        lines.append(f"Ý kiến / lý do: {step.comment}")
    return "\n".join(lines)


def name_of(session: Session, user_id: int | None, label: str) -> str:
    """The person's name for a message (the audit keeps their e-mail as the label)."""
    user = session.get(User, user_id) if user_id else None
    return user.name if user is not None else label


def _state_title(law: LawData, state: str) -> str:
    try:
        return law.workflow.state(state).title
    except KeyError:
        return state


def dossier_assigned(session: Session, actor: Actor, dossier: Dossier, assignee: User | None, law: LawData,
                     now: datetime) -> int:
    """A step given to a named person: they are told (keyed by the dossier's version)."""
    if assignee is None or assignee.id == actor.user_id:
        return 0
    body = f"{name_of(session, actor.user_id, actor.label)} giao cho bạn bước «{step_task(dossier, law)}»."
    if dossier.step_due_on:
        body += f"\nHạn theo quy định: {dossier.step_due_on:%d/%m/%Y}."
    message = Message(key=f"dossier:{dossier.id}:assigned:v{dossier.version}", kind=DOSSIER_KIND,
                      subject=f"Bạn được giao: {step_task(dossier, law)} «{dossier.system.name}»", body=body,
                      link=dossier_link(dossier))
    return notify(session, message, [assignee], now, dossier.commune_id)


# --------------------------------------------------------------------------- incidents

def task_assigned(session: Session, actor: Actor, task: IncidentTask, previous_assignee_id: int | None,
                  now: datetime) -> int:
    """An incident task given to someone new: they are told at once (urgent kind)."""
    if task.assignee_id is None or task.assignee_id in (previous_assignee_id, actor.user_id):
        return 0
    assignee = session.get(User, task.assignee_id)
    if assignee is None or not assignee.is_active:
        return 0
    incident = task.incident
    due = f"\nThời hạn: {task.due_at.astimezone(DEFAULT_ZONE):%H:%M %d/%m/%Y}." if task.due_at else ""
    message = Message(key=f"incident-task:{task.id}:assigned:v{task.version}", kind=TASK_KIND,
                      subject=f"[{incident.code}] Bạn được giao nhiệm vụ: {task.title}"[:300],
                      body=f"{name_of(session, actor.user_id, actor.label)} giao cho bạn nhiệm vụ «{task.title}» "
                           f"của sự cố «{incident.title}».{due}",
                      link=f"/incidents/{incident.id}#task-{task.id}")
    return notify(session, message, [assignee], now, incident.commune_id)


def raised_escalations(before: dict, incident: Incident) -> list[str]:
    """The escalating facts that have just become true (were not before)."""
    return [name for name, (value, _text) in ESCALATIONS.items()
            if getattr(incident, name) == value and before.get(name) != value]


def incident_escalated(session: Session, actor: Actor, incident: Incident, before: dict, now: datetime) -> int:
    """A fact that calls for the leader and the province became true: officers, the commune's
    leader and the province's overseers are told, once per fact and incident."""
    raised = raised_escalations(before, incident)
    if not raised:
        return 0
    users = [user for user in recipients(session, incident.commune_id, ESCALATION_ROLES) if user.id != actor.user_id]
    reasons = "; ".join(ESCALATIONS[name][1] for name in raised)
    message = Message(key=f"incident:{incident.id}:escalated:{'+'.join(raised)}", kind=ESCALATION_KIND,
                      subject=f"[{incident.code}] Sự cố cần báo cáo, chỉ đạo: {incident.title}"[:300],
                      body=f"{name_of(session, actor.user_id, actor.label)} cập nhật sự cố: {reasons}.\n"
                           "Hãy xem sự cố và các thời hạn báo cáo.",
                      link=f"/incidents/{incident.id}")
    return notify(session, message, users, now, incident.commune_id)

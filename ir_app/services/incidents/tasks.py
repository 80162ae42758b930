"""Playbooks become tasks: apply (pinned to the file's id, version and hash), then work them.

Tasks are never deleted: each is done, or marked not applicable with a reason, and can be
reopened. A reporting task (one naming a clock rule) is required only while its clock applies.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ir_app.domain.playbooks import Playbook
from ir_app.models import Incident, IncidentPlaybook, IncidentTask, User
from ir_app.services.audit import Actor
from ir_app.services.errors import NotFound, ServiceError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.timeline import log_event
from ir_app.services.records import check_version
from ir_app.services.work import handoff

TASK_OPERATIONS = ("done", "not_applicable", "reopen", "assign")
CLOSED_MESSAGE = "Sự cố đã kết thúc: hãy mở lại sự cố (ghi lý do) trước khi cập nhật nhiệm vụ, kịch bản."

F = FieldSpec
DONE_FIELDS = [F("note", "Kết quả, ghi chú", "textarea", max_length=2000)]
NOT_APPLICABLE_FIELDS = [F("na_reason", "Lý do không áp dụng", "textarea", required=True, max_length=2000)]


def assign_fields(users: Iterable[User]) -> list[FieldSpec]:
    return [F("assignee_id", "Người thực hiện", "choice",
              choices=tuple((str(user.id), user.name) for user in users)),
            F("due_at", "Thời hạn", "datetime", help="Để trống: theo kịch bản.")]


def require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ServiceError(CLOSED_MESSAGE)


def proposed_playbooks(incident: Incident, data: ResponseData) -> list[Playbook]:
    """The category's playbooks not yet applied: what the incident page proposes."""
    applied = {pinned.playbook_id for pinned in incident.playbooks}
    return [playbook for playbook in data.playbooks_for(incident.category) if playbook.id not in applied]


def apply_playbook(session: Session, actor: Actor, incident: Incident, playbook_id: str, now: datetime,
                   data: ResponseData) -> IncidentPlaybook:
    """Copy the playbook's steps into tasks; pin the playbook's id, version and file hash."""
    require_open(incident)
    playbook = data.playbooks.get(playbook_id)
    if playbook is None or playbook.status != "active":
        raise ValidationFailed({"playbook_id": "Hãy chọn một kịch bản đang áp dụng trong danh sách."})
    applied = next((pinned for pinned in incident.playbooks if pinned.playbook_id == playbook.id), None)
    if applied is not None:
        raise ServiceError(f"Kịch bản «{playbook.title}» đã được áp dụng cho sự cố này "
                           f"(phiên bản {applied.playbook_version}).")
    pinned = IncidentPlaybook(incident_id=incident.id, playbook_id=playbook.id, playbook_version=playbook.version,
                              playbook_sha256=playbook.sha256, title=playbook.title, applied_at=now,
                              applied_by_id=actor.user_id)
    session.add(pinned)
    session.flush()
    start = (session.scalar(select(func.max(IncidentTask.position))
                            .where(IncidentTask.incident_id == incident.id)) or 0) + 1
    for offset, step in enumerate(playbook.steps):
        session.add(IncidentTask(
            incident_id=incident.id, incident_playbook_id=pinned.id, position=start + offset, step_id=step.id,
            phase=step.phase, title=step.title, role=step.role, is_required=step.required,
            is_continuity=step.continuity, clock_rule_id=step.clock,
            due_after=step.due.after if step.due else None,
            due_within_seconds=int(step.due.within.total_seconds()) if step.due else None,
            depends_on=list(step.depends_on), guidance=step.guidance, evidence_expected=list(step.evidence),
            links=list(step.links), updated_at=now))
    session.flush()
    session.refresh(incident, ["tasks", "playbooks"])
    refresh_task_dues(incident)
    log_event(session, actor, incident, now, "playbook",
              f"Áp dụng kịch bản «{playbook.title}» phiên bản {playbook.version} ({len(playbook.steps)} nhiệm vụ)",
              action="apply_playbook", object_type="incident_playbook", object_id=pinned.id,
              changes={"playbook_id": [None, playbook.id], "version": [None, playbook.version],
                       "sha256": [None, playbook.sha256]})
    return pinned


def phase_start(incident: Incident, phase: str) -> datetime | None:
    moment = (incident.phase_starts or {}).get(phase)
    return datetime.fromisoformat(moment) if moment else None


def task_due_at(task: IncidentTask, incident: Incident) -> datetime | None:
    """A step's deadline: its duration after detection, discovery or the start of its phase."""
    if task.due_after is None or task.due_within_seconds is None:
        return task.due_at  # no deadline in the playbook, or one set by hand
    anchor = {
        "detection": incident.detected_at,
        "discovery": incident.discovered_at or incident.detected_at,
        "phase_start": phase_start(incident, task.phase),
    }.get(task.due_after)
    return anchor + timedelta(seconds=task.due_within_seconds) if anchor else None


def refresh_task_dues(incident: Incident) -> None:
    """Recompute deadlines after detection time or phases change."""
    for task in incident.tasks:
        due = task_due_at(task, incident)
        if due != task.due_at:
            task.due_at = due


def is_required(task: IncidentTask, applicable_rules: set[str]) -> bool:
    return task.is_required and (task.clock_rule_id is None or task.clock_rule_id in applicable_rules)


def missing_tasks(incident: Incident, applicable_rules: set[str]) -> list[IncidentTask]:
    """Required tasks neither done nor marked not applicable: they block closing."""
    return [task for task in incident.tasks if is_required(task, applicable_rules) and not task.is_settled]


def update_task(session: Session, actor: Actor, task: IncidentTask, operation: str, raw: dict[str, Any],
                now: datetime, expected_version: int | None = None,
                assignable: Iterable[User] = ()) -> IncidentTask:
    """One change to a task: done, not applicable (with a reason), reopened, or assigned."""
    require_open(task.incident)
    check_version(task, expected_version)
    if operation == "done":
        return _mark_done(session, actor, task, raw, now)
    if operation == "not_applicable":
        return _mark_not_applicable(session, actor, task, raw, now)
    if operation == "reopen":
        return _reopen(session, actor, task, now)
    if operation == "assign":
        return _assign(session, actor, task, raw, now, list(assignable))
    raise NotFound("Thao tác không hợp lệ.")


def _mark_done(session: Session, actor: Actor, task: IncidentTask, raw: dict[str, Any],
               now: datetime) -> IncidentTask:
    values = _parse(DONE_FIELDS, raw)
    if task.is_settled:
        raise ServiceError(f"Nhiệm vụ «{task.title}» đã được xử lý; mở lại nếu cần sửa.")
    task.done_at, task.done_by_id, task.done_note, task.updated_at = now, actor.user_id, values["note"], now
    _log(session, actor, task, now, "Hoàn thành" + (f": {values['note']}" if values["note"] else ""),
         {"done_at": [None, now]})
    return task


def _mark_not_applicable(session: Session, actor: Actor, task: IncidentTask, raw: dict[str, Any],
                         now: datetime) -> IncidentTask:
    values = _parse(NOT_APPLICABLE_FIELDS, raw)
    if task.is_settled:
        raise ServiceError(f"Nhiệm vụ «{task.title}» đã được xử lý; mở lại nếu cần sửa.")
    task.is_not_applicable, task.na_reason, task.updated_at = True, values["na_reason"], now
    _log(session, actor, task, now, f"Không áp dụng — lý do: {values['na_reason']}",
         {"na_reason": [None, values["na_reason"]]})
    return task


def _reopen(session: Session, actor: Actor, task: IncidentTask, now: datetime) -> IncidentTask:
    if not task.is_settled:
        raise ServiceError(f"Nhiệm vụ «{task.title}» đang mở.")
    before = {"done_at": task.done_at, "na_reason": task.na_reason}
    task.done_at = task.done_by_id = None
    task.done_note, task.is_not_applicable, task.na_reason, task.updated_at = "", False, "", now
    _log(session, actor, task, now, "Mở lại nhiệm vụ", {key: [value, None] for key, value in before.items()})
    return task


def _assign(session: Session, actor: Actor, task: IncidentTask, raw: dict[str, Any], now: datetime,
            assignable: list[User]) -> IncidentTask:
    values = _parse(assign_fields(assignable), raw)
    assignee_id = int(values["assignee_id"]) if values["assignee_id"] else None
    before = {"assignee_id": task.assignee_id, "due_at": task.due_at}
    if assignee_id == task.assignee_id and values["due_at"] in (None, task.due_at):
        return task  # sent back unchanged: no new time or version, no timeline line, nobody told again
    task.assignee_id = assignee_id
    if values["due_at"] is not None:
        # A deadline set by hand replaces the playbook's and no longer follows the phases.
        task.due_after, task.due_within_seconds, task.due_at = None, None, values["due_at"]
    task.updated_at = now
    name = next((user.name for user in assignable if user.id == assignee_id), "chưa giao")
    _log(session, actor, task, now, f"Giao cho {name}",
         {"assignee_id": [before["assignee_id"], assignee_id], "due_at": [before["due_at"], task.due_at]})
    handoff.task_assigned(session, actor, task, before["assignee_id"], now)
    return task


def complete_clock_tasks(session: Session, actor: Actor, incident: Incident, rule_id: str, note: str,
                         now: datetime) -> list[IncidentTask]:
    """Recording a report completes the open tasks that exist to send it."""
    done = [task for task in incident.tasks if task.clock_rule_id == rule_id and not task.is_settled]
    for task in done:
        task.done_at, task.done_by_id, task.done_note, task.updated_at = now, actor.user_id, note, now
    return done


def _parse(specs: list[FieldSpec], raw: dict[str, Any]) -> dict[str, Any]:
    values, errors = parse_record(specs, raw)
    if errors:
        raise ValidationFailed(errors)
    return values


def _log(session: Session, actor: Actor, task: IncidentTask, now: datetime, what: str,
         changes: dict[str, Any]) -> None:
    session.flush()
    log_event(session, actor, task.incident, now, "task", f"Nhiệm vụ «{task.title}»: {what}",
              object_type="incident_task", object_id=task.id, changes=changes)

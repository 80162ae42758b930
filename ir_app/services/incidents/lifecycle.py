"""An incident's lifecycle: which actions the user may take now, and taking one (guards, phases, timeline)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ir_app.domain.playbooks import Transition, TransitionRefused, available_actions, transition
from ir_app.models import Incident
from ir_app.services.audit import Actor
from ir_app.services.errors import PermissionDenied, ServiceError
from ir_app.services.incidents.clocks import incident_clocks
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.timeline import log_event
from ir_app.services.incidents.tasks import missing_tasks, refresh_task_dues
from ir_app.services.records import check_version


@dataclass(frozen=True)
class ActionOption:
    """A button on the incident page: the rule, and why it is disabled (empty = enabled)."""

    rule: Transition
    blocked: tuple[str, ...]

    @property
    def enabled(self) -> bool:
        return not self.blocked


def guard_problems(incident: Incident, data: ResponseData, now: datetime) -> dict[str, list[str]]:
    """Each lifecycle guard → what is still missing (an empty list = the guard holds)."""
    clocks = incident_clocks(incident, data, now)
    applicable = {clock.rule.id for clock in clocks}
    return {
        "severity_classified": [] if incident.severity and incident.severity_reason.strip()
        else ["chưa phân loại mức độ sự cố hoặc chưa ghi lý do"],
        "required_tasks_done": [f"nhiệm vụ bắt buộc chưa xong: «{task.title}»"
                                for task in missing_tasks(incident, applicable)],
        "resolution_written": [] if incident.resolution.strip() else ["chưa ghi kết quả xử lý"],
        "lessons_written": [] if incident.lessons_learned.strip() else ["chưa ghi bài học kinh nghiệm"],
        "due_reports_recorded": [f"chưa ghi nhận «{clock.rule.title}»" for clock in clocks if clock.report is None],
    }


def action_options(incident: Incident, data: ResponseData, roles: Iterable[str], now: datetime) -> list[ActionOption]:
    problems = guard_problems(incident, data, now)

    def blocked(guard: str) -> list[str]:
        # A guard added to lifecycle.yaml that the server does not know yet never passes.
        return problems.get(guard, [f"chưa đạt: {data.lifecycle.guard(guard).title}"])

    return [ActionOption(rule, tuple(item for guard in rule.guards for item in blocked(guard)))
            for rule in available_actions(data.lifecycle, incident.state, roles)]


def apply_action(session: Session, actor: Actor, incident: Incident, action: str, roles: Iterable[str],
                 comment: str | None, now: datetime, data: ResponseData,
                 expected_version: int | None = None) -> Incident:
    """Move the incident along the lifecycle; the guards are evaluated here, never trusted from the form."""
    check_version(incident, expected_version)
    comment = (comment or "").strip()[:5000]
    old_state = incident.state
    new_state = _transition(data, old_state, action, roles, comment, guard_problems(incident, data, now))
    incident.state, incident.state_changed_at, incident.updated_at = new_state, now, now
    _enter_state(incident, action, new_state, now, data)
    refresh_task_dues(incident)
    session.flush()
    text = f"{data.lifecycle.action(action).label}: {data.state_title(old_state)} → {data.state_title(new_state)}"
    log_event(session, actor, incident, now, "transition", text + (f". Lý do: {comment}" if comment else ""),
              action=f"transition:{action}", changes={"state": [old_state, new_state], "comment": [None, comment]})
    return incident


def _enter_state(incident: Incident, action: str, state: str, now: datetime, data: ResponseData) -> None:
    """Milestones for the clocks and the metrics, and the start of the phases reached."""
    if action == "reopen":
        incident.closed_at = incident.resolved_at = None
    if state in ("contained", "restored", "traced", "reviewed") and incident.contained_at is None:
        incident.contained_at = now  # skipping containment counts from the start of restoration
    if state in ("traced", "reviewed", "closed") and incident.resolved_at is None:
        incident.resolved_at = now  # restoration finished: "kết thúc ứng cứu" for the legacy clocks
    if state in data.terminal_states:
        incident.closed_at = now
    _start_phases(incident, state, now, data)


def _start_phases(incident: Incident, state: str, now: datetime, data: ResponseData) -> None:
    """A phase starts when the incident first reaches its state, or passes it (a skipped state)."""
    lifecycle = data.lifecycle
    if lifecycle.state(state).terminal:
        return
    order = lifecycle.state_ids
    starts = dict(incident.phase_starts or {})
    for phase in lifecycle.phases:
        if phase.id not in starts and order.index(phase.starts_on) <= order.index(state):
            starts[phase.id] = now.isoformat()
    incident.phase_starts = starts


def _transition(data: ResponseData, state: str | None, action: str, roles: Iterable[str], comment: str | None,
                problems: dict[str, list[str]] | None = None) -> str:
    """The lifecycle's answer; a refusal carries its reason and, for guards, what is still missing."""
    problems = problems or {}
    try:
        return transition(data.lifecycle, state, action, roles,
                          {guard: not missing for guard, missing in problems.items()}, comment)
    except TransitionRefused as error:
        if error.code == "forbidden":
            raise PermissionDenied(error.reason) from error
        details = [item for guard in error.failed_guards for item in problems.get(guard, [])]
        raise ServiceError(error.reason + (f" Còn thiếu: {'; '.join(details)}." if details else "")) from error

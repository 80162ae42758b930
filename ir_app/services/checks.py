"""The morning infrastructure check (Hải An plan 3.4.c): staff check Internet, computers,
printers, scanners and software every working morning; a failed item can become an incident."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ir_app.config import load_config
from ir_app.datafiles.checklist import checklist_in
from ir_app.domain.text import clean_text
from ir_app.models import Organisation, User
from ir_app.models.checks import CheckItem, CheckResult, MorningCheck
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ConflictError, ServiceError, ValidationFailed
from ir_app.services.incidents.data import response_data
from ir_app.services.incidents.record import report_quickly
from ir_app.services.notifications.outbox import Message, notify_roles
from ir_app.services.records import check_version


def default_items() -> tuple[str, ...]:
    """The default list (playbooks/morning-check.yaml), for a commune that has not edited its own."""
    return tuple(label for label, _english in _default_list())


def english_labels() -> dict[str, str]:
    """Vietnamese label → English, for the default items: an English page shows them in English.
    A label the commune typed itself is its own text and stays as typed."""
    return dict(_default_list())


def _default_list() -> tuple[tuple[str, str], ...]:
    return checklist_in(Path(load_config()["IR_PLAYBOOKS_DIR"]).resolve())

MAX_ITEMS = 40
MAX_LABEL = 200


# A failed morning-check item is a hardware, power or network failure (playbooks/categories.yaml).
INFRASTRUCTURE_CATEGORY = "infrastructure_failure"


@dataclass(frozen=True)
class ItemState:
    label: str
    is_ok: bool
    note: str = ""


def checklist(session: Session, commune_id: int) -> list[str]:
    """The commune's checklist; the default list until someone edits it."""
    labels = session.scalars(select(CheckItem.label).where(CheckItem.commune_id == commune_id)
                             .order_by(CheckItem.position)).all()
    return list(labels) or list(default_items())


def checklist_version(session: Session, commune_id: int) -> int:
    """The version of the commune's list; 0 while it is still the default list."""
    return session.scalar(select(func.max(CheckItem.version)).where(CheckItem.commune_id == commune_id)) or 0


def save_checklist(session: Session, actor: Actor, commune: Organisation, text: str, now: datetime,
                   expected_version: int | None = None) -> list[str]:
    """Replace the checklist with the given lines (one item per line). Past checks keep their labels.
    A save from a page showing an older list (`expected_version`) is refused with ConflictError."""
    labels = [line.strip() for line in (text or "").replace("\x00", "").splitlines() if line.strip()]
    if not labels:
        raise ValidationFailed({"items": "Danh mục cần ít nhất một mục."})
    if len(labels) > MAX_ITEMS:
        raise ValidationFailed({"items": f"Tối đa {MAX_ITEMS} mục."})
    too_long = [label for label in labels if len(label) > MAX_LABEL]
    if too_long:
        raise ValidationFailed({"items": f"Mỗi mục tối đa {MAX_LABEL} ký tự: «{too_long[0][:40]}…»."})
    current = checklist_version(session, commune.id)
    if expected_version is not None and expected_version != current:
        raise ConflictError()
    before = checklist(session, commune.id)
    # Only the lines of the version read above: a list saved meanwhile stays, and the new lines
    # then collide with it on (commune, position) -> a conflict, never a silent overwrite.
    session.execute(delete(CheckItem).where(CheckItem.commune_id == commune.id, CheckItem.version == current))
    session.add_all(CheckItem(commune_id=commune.id, position=n, label=label, version=current + 1)
                    for n, label in enumerate(labels))
    try:
        session.flush()
    except IntegrityError as error:
        raise ConflictError() from error
    audit.record(session, actor, "update", now=now, object_type="check_items", object_id=commune.id,
                 commune_id=commune.id, summary="Danh mục kiểm tra buổi sáng",
                 changes=audit.diff({"items": before}, {"items": labels}))
    return labels


def check_on(session: Session, commune_id: int, day: date) -> MorningCheck | None:
    return session.scalar(select(MorningCheck).where(MorningCheck.commune_id == commune_id,
                                                     MorningCheck.checked_on == day)
                          .options(selectinload(MorningCheck.results)))


def record_check(session: Session, actor: Actor, commune: Organisation, items: list[ItemState], *, day: date,
                 now: datetime, notes: str = "", expected_version: int | None = None) -> MorningCheck:
    """Save the day's check (or correct it later the same day, with optimistic locking)."""
    if not items:
        raise ValidationFailed({"items": "Chưa có mục nào để kiểm tra."})
    if any(not item.is_ok and not item.note.strip() for item in items):
        raise ValidationFailed({"items": "Ghi rõ hiện tượng cho mỗi mục không bình thường."})
    check = check_on(session, commune.id, day)
    if check is None:
        check = MorningCheck(commune_id=commune.id, checked_on=day, checked_at=now, checked_by_id=actor.user_id,
                             notes=bounded_note(notes, 2000))
        session.add(check)
        action = "create"
    else:
        check_version(check, expected_version)
        check.checked_at, check.checked_by_id, check.notes = now, actor.user_id, bounded_note(notes, 2000)
        action = "update"
    _apply_results(check, items)
    try:
        session.flush()
    except IntegrityError as error:  # two people saved the first check of the day at once
        raise ConflictError() from error
    failed = [item.label for item in items if not item.is_ok]
    audit.record(session, actor, action, now=now, object_type="morning_check", object_id=check.id,
                 commune_id=commune.id, summary=f"Kiểm tra buổi sáng {day:%d/%m/%Y}: {len(failed)} mục có sự cố",
                 changes={"failed": failed})
    return check


def _apply_results(check: MorningCheck, items: list[ItemState]) -> None:
    """Update results in place so a failure already turned into an incident keeps that link."""
    existing = {result.position: result for result in check.results}
    for position, item in enumerate(items):
        result = existing.pop(position, None)
        if result is None:
            check.results.append(CheckResult(position=position, label=item.label[:MAX_LABEL], is_ok=item.is_ok,
                                             note=item.note[:500]))
        else:
            result.label, result.is_ok, result.note = item.label[:MAX_LABEL], item.is_ok, item.note[:500]
    for result in existing.values():
        check.results.remove(result)


# --- From a failed item to an incident ------------------------------------------------------------

@dataclass(frozen=True)
class Escalation:
    incident_id: int | None     # the incident opened, when the incidents module is present
    notified: int               # officers alerted instead, when it is not


def create_incident_from_check_item(session: Session, actor: Actor, result: CheckResult, now: datetime,
                                    link: str = "") -> Escalation:
    """One click on a failed item: open an incident, or, until the incidents module is wired in,
    alert the commune's officers (Công an xã) so the failure is not forgotten."""
    if result.is_ok:
        raise ServiceError("Mục này bình thường, không cần báo sự cố.")
    if result.escalated_at is not None:
        raise ServiceError("Mục này đã được báo sự cố.")
    commune = result.check.commune
    title = f"Sự cố hạ tầng: {result.label}"
    description = f"Phát hiện khi kiểm tra buổi sáng {result.check.checked_on:%d/%m/%Y}: {result.note}"
    incident_id = _open_incident(session, actor, commune, title, description, result, now)
    notified = 0
    if incident_id is None:
        message = Message(key=f"check-result:{result.id}:escalated", kind="check_failure",
                          subject=f"{commune.full_name}: {title}", body=description, link=link)
        notified = notify_roles(session, message, commune.id, ["officer"], now)
    result.escalated_at, result.incident_id = now, incident_id
    session.flush()
    audit.record(session, actor, "escalate", now=now, object_type="check_result", object_id=result.id,
                 commune_id=commune.id, summary=title,
                 changes={"incident_id": incident_id, "officers_notified": notified})
    return Escalation(incident_id, notified)


def _open_incident(session: Session, actor: Actor, commune: Organisation, title: str, description: str,
                   result: CheckResult, now: datetime) -> int | None:
    """A quick report in the incident lifecycle, as if the checker had sent it."""
    reporter = session.get(User, actor.user_id) if actor.user_id else None
    if reporter is None:
        return None  # nobody to report as (CLI, scheduler): the officers are alerted instead
    incident = report_quickly(session, actor, reporter, commune, {
        "what": f"{title}. {description}", "category": INFRASTRUCTURE_CATEGORY,
        "contact": reporter.phone or reporter.email}, now, response_data())
    return incident.id


def items_from_form(labels: list[str], raw: dict[str, Any]) -> list[ItemState]:
    """Read `status_<n>` (ok | fail) and `note_<n>` for each checklist line."""
    return [ItemState(label, raw.get(f"status_{n}", "ok") != "fail", bounded_note(raw.get(f"note_{n}"), 500))
            for n, label in enumerate(labels)]


def bounded_note(value: Any, limit: int) -> str:
    """Free text as the database accepts it (no NUL, no control characters), bounded."""
    return clean_text(str(value or "")).strip()[:limit]

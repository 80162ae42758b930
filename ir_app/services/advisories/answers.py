"""A commune acknowledges an advisory, answers each action (with evidence), and may open an
incident from it. The copy is complete once every action has an answer."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ir_app.domain.advisories import RESPONSE_LABELS, answer_problems
from ir_app.domain.text import clean_text
from ir_app.models.advisories import Advisory, AdvisoryAction, AdvisoryRecipient, AdvisoryResponse
from ir_app.models.files import StoredFile
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.files import safe_name
from ir_app.services.records import check_version


def acknowledge(session: Session, actor: Actor, recipient: AdvisoryRecipient, now: datetime) -> None:
    if recipient.acknowledged_at is not None:
        return  # a second click (or a second officer) changes nothing
    recipient.acknowledged_at, recipient.acknowledged_by_id = now, actor.user_id
    session.flush()
    _audit(session, actor, "acknowledge", recipient, now, "đã xác nhận")


def answer(session: Session, actor: Actor, recipient: AdvisoryRecipient, action: AdvisoryAction, status: str,
           note: str, now: datetime, evidence: StoredFile | None = None,
           expected_version: int | None = None) -> AdvisoryResponse:
    """Record (or correct) the answer to one action; completes the copy when it was the last one."""
    if action.advisory_id != recipient.advisory_id:
        raise ValidationFailed({"action": "Việc này không thuộc khuyến nghị."})
    check_version(recipient, expected_version)
    note = clean_text(note)[:5000]
    existing = next((row for row in recipient.responses if row.action_id == action.id), None)
    if recipient.advisory.is_report_request:  # a question: the answer is the text (and its files)
        status = "done"
        problems = {} if note.strip() else {"note": "Hãy nhập nội dung trả lời."}
    else:
        problems = answer_problems(status, note, evidence is not None or bool(existing and existing.evidence_id))
    if problems:
        raise ValidationFailed(problems)
    if existing is not None and evidence is None and (existing.status, existing.note) == (status, note):
        return existing  # saved unchanged: who answered and when stay as they were, nothing to audit
    response = existing or AdvisoryResponse(action_id=action.id)
    response.status, response.note, response.recorded_at, response.recorded_by_id = status, note, now, actor.user_id
    if evidence is not None:
        response.evidence = evidence
    if existing is None:
        recipient.responses.append(response)
    if recipient.acknowledged_at is None:  # answering is acknowledging
        recipient.acknowledged_at, recipient.acknowledged_by_id = now, actor.user_id
    answered = {row.action_id for row in recipient.responses}
    if recipient.completed_at is None and answered >= {item.id for item in recipient.advisory.actions}:
        recipient.completed_at = now
    session.flush()
    _audit(session, actor, "answer", recipient, now, f"việc {action.position}: {RESPONSE_LABELS[status]}")
    return response


def link_incident(session: Session, actor: Actor, recipient: AdvisoryRecipient, incident_id: int,
                  now: datetime) -> None:
    recipient.incident_id = incident_id
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at, recipient.acknowledged_by_id = now, actor.user_id
    session.flush()
    _audit(session, actor, "open_incident", recipient, now, f"mở sự cố #{incident_id}")


def _audit(session: Session, actor: Actor, action: str, recipient: AdvisoryRecipient, now: datetime,
           what: str) -> None:
    audit.record(session, actor, action, now=now, object_type="advisory", object_id=recipient.advisory_id,
                 commune_id=recipient.commune_id, summary=f"{recipient.advisory.code}: {what}")


def answers_archive(session: Session, advisory: Advisory, copies: list[AdvisoryRecipient]) -> bytes:
    """A ZIP: one folder per commune with its answers as text and the files it attached (names kept
    ASCII and unique, so any unzip tool on any office PC opens it)."""
    evidence_ids = [row.evidence_id for copy in copies for row in copy.responses if row.evidence_id]
    files = {stored.id: stored for stored in session.scalars(
        select(StoredFile).where(StoredFile.id.in_(evidence_ids)).options(undefer(StoredFile.data)))}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for copy in copies:
            folder = safe_name(copy.commune.name)
            answered = {row.action_id: row for row in copy.responses}
            lines = [f"{advisory.code}: {advisory.title}", f"Xã: {copy.commune.name}", ""]
            for item in advisory.actions:
                row = answered.get(item.id)
                lines += [f"{item.position}. {item.text}", (row.note if row else "(chưa trả lời)"), ""]
                if row and row.evidence_id in files:
                    stored = files[row.evidence_id]
                    archive.writestr(f"{folder}/{item.position}-{safe_name(stored.filename)}", stored.data)
            archive.writestr(f"{folder}/tra-loi.txt", "\n".join(lines).encode("utf-8"))
    return buffer.getvalue()

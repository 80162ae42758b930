"""Evidence register: files with their SHA-256 and a chain-of-custody log.

The file goes through the one upload pipeline (services/files.py: type by content, size, clean
name, SHA-256); this module adds what makes it evidence: who acquired it, where, when, the hash
computed in the field checked against the upload, and every hand-over after.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.models import CustodyEntry, Evidence, Incident
from ir_app.models.incidents import CUSTODY_ACTIONS
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.files import DEFAULT_MAX_BYTES, EVIDENCE, check_upload, save_upload
from ir_app.services.incidents.timeline import log_event

CUSTODY_LABELS = {
    "acquired": N_("Thu thập"), "transferred": N_("Bàn giao"), "examined": N_("Phân tích, giám định"),
    "stored": N_("Niêm phong, cất giữ"), "returned": N_("Trả lại"), "destroyed": N_("Hủy"),
}

F = FieldSpec
EVIDENCE_FIELDS: list[FieldSpec] = [
    F("description", N_("Mô tả chứng cứ"), "textarea", required=True, max_length=2000,
      help=N_("Là gì, lấy từ đâu, vì sao liên quan. Ví dụ: ảnh chụp màn hình thông báo đòi tiền trên máy MC-02.")),
    F("acquired_at", N_("Thời điểm thu thập"), "datetime", help=N_("Để trống nếu là lúc này.")),
    F("acquired_by", N_("Người thu thập"), required=True, max_length=200),
    F("source", N_("Nguồn (thiết bị, tài khoản, địa điểm)"), max_length=300),
    F("expected_sha256", N_("Mã SHA-256 đã tính tại hiện trường (nếu có)"), max_length=64,
      help=N_("Hệ thống tự tính mã khi tải lên; nhập mã đã tính trước để đối chiếu.")),
]
CUSTODY_FIELDS: list[FieldSpec] = [
    F("action", N_("Hoạt động"), "choice", required=True,
      choices=tuple((key, CUSTODY_LABELS[key]) for key in CUSTODY_ACTIONS if key != "acquired")),
    F("at", N_("Thời điểm"), "datetime", help=N_("Để trống nếu là lúc này.")),
    F("from_person", N_("Người giao"), max_length=200),
    F("to_person", N_("Người nhận"), max_length=200),
    F("location", N_("Nơi cất giữ, địa điểm"), max_length=300),
    F("note", N_("Ghi chú"), "textarea", max_length=2000),
]


def add_evidence(session: Session, actor: Actor, incident: Incident, raw: dict[str, Any], filename: str,
                 data: bytes, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """Register a file as evidence: hash it, check it, log its acquisition as the first custody entry."""
    values, errors = parse_record(EVIDENCE_FIELDS, raw)
    checked = None
    try:
        checked = check_upload(data, filename, max_bytes, kind=EVIDENCE)
    except ValidationFailed as failure:
        errors.update(failure.errors)
    acquired_at = values.get("acquired_at") or now
    if not errors and acquired_at > now:
        errors["acquired_at"] = "Thời điểm thu thập không được ở tương lai."
    digest = checked.sha256 if checked else ""
    expected = (values.get("expected_sha256") or "").strip().lower()
    if not errors and expected and expected != digest:
        errors["expected_sha256"] = (f"Mã SHA-256 của tệp tải lên ({digest}) khác mã đã tính tại hiện trường: "
                                     "tệp có thể đã bị thay đổi hoặc chọn nhầm tệp.")
    if errors or checked is None:
        raise ValidationFailed(errors)
    stored = save_upload(session, actor, incident.commune_id, checked, now)
    content_type = stored.content_type
    number = (session.scalar(select(func.max(Evidence.number)).where(Evidence.incident_id == incident.id)) or 0) + 1
    evidence = Evidence(incident_id=incident.id, number=number, file_id=stored.id,
                        description=values["description"], sha256=digest, size=len(data),
                        content_type=content_type, filename=stored.filename, acquired_at=acquired_at,
                        acquired_by=values["acquired_by"], source=values["source"], created_at=now,
                        created_by_id=actor.user_id)
    session.add(evidence)
    session.flush()
    session.add(CustodyEntry(evidence_id=evidence.id, at=acquired_at, action="acquired",
                             to_person=values["acquired_by"], location=values["source"],
                             note=f"Tải lên hệ thống; SHA-256 {digest}", recorded_at=now,
                             recorded_by_id=actor.user_id))
    log_event(session, actor, incident, now, "evidence",
              f"Thu thập chứng cứ {evidence.code}: {values['description'][:200]} (SHA-256 {digest[:16]}…)",
              at=acquired_at, action="create", object_type="incident_evidence", object_id=evidence.id,
              changes={"sha256": [None, digest], "size": [None, len(data)], "content_type": [None, content_type]})
    return evidence


def add_custody_entry(session: Session, actor: Actor, evidence: Evidence, raw: dict[str, Any],
                      now: datetime) -> CustodyEntry:
    values, errors = parse_record(CUSTODY_FIELDS, raw)
    at = values.get("at") or now
    if not errors and at > now:
        errors["at"] = "Thời điểm không được ở tương lai."
    if not errors and values["action"] == "transferred" and not (values["from_person"] and values["to_person"]):
        errors["to_person"] = "Bàn giao cần ghi rõ người giao và người nhận."
    if errors:
        raise ValidationFailed(errors)
    entry = CustodyEntry(evidence_id=evidence.id, at=at, action=values["action"], from_person=values["from_person"],
                         to_person=values["to_person"], location=values["location"], note=values["note"],
                         recorded_at=now, recorded_by_id=actor.user_id)
    session.add(entry)
    session.flush()
    people = " → ".join(person for person in (values["from_person"], values["to_person"]) if person)
    log_event(session, actor, evidence.incident, now, "custody",
              f"Chứng cứ {evidence.code}: {CUSTODY_LABELS[values['action']]}" + (f" ({people})" if people else ""),
              at=at, action="create", object_type="incident_custody", object_id=entry.id,
              changes={key: [None, value] for key, value in values.items() if value})
    return entry

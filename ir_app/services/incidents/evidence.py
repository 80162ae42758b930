"""Evidence register: files with their SHA-256, checked by content, and a chain-of-custody log.

The file type is decided by the bytes, never by the name or the browser's claim: a renamed
program is refused, and downloads are served with the type found here.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from datetime import datetime
from io import BytesIO
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ir_app.domain.text import strip_bidi
from ir_app.i18n_markers import N_
from ir_app.models import CustodyEntry, Evidence, Incident, StoredFile
from ir_app.models.incidents import CUSTODY_ACTIONS
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.fields import FieldSpec, parse_record
from ir_app.services.incidents.timeline import log_event

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OOXML = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd4\xc3\xb2\xa1", "application/vnd.tcpdump.pcap"),
    (b"\xa1\xb2\xc3\xd4", "application/vnd.tcpdump.pcap"),
    (b"\x4d\x3c\xb2\xa1", "application/vnd.tcpdump.pcap"),
    (b"\xa1\xb2\x3c\x4d", "application/vnd.tcpdump.pcap"),
    (b"\x0a\x0d\x0d\x0a", "application/vnd.tcpdump.pcap"),
)
ACCEPTED_TEXT = ("Chỉ nhận: PDF; ảnh PNG, JPEG, GIF, WebP; video MP4; tệp nén ZIP, Word, Excel; "
                 "tệp văn bản (nhật ký, thư điện tử .eml, CSV); tệp bắt gói tin pcap.")
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


def sniff_content_type(data: bytes, filename: str = "") -> str | None:
    """The type the bytes really are, among the accepted ones; None = refused."""
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(BytesIO(data)):
        suffix = filename.lower()[filename.rfind("."):] if "." in filename else ""
        return OOXML.get(suffix, "application/zip")
    if _is_text(data):
        return "text/plain; charset=utf-8"
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for char in text[:65536] if unicodedata.category(char) == "Cc" and char not in "\r\n\t\f")
    return controls == 0


def safe_filename(name: str, fallback: str = "tep") -> str:
    """The last path part, without control characters, bidi overrides (which make "exe.pdf" read as
    "fdp.exe") or separators, at most 200 characters."""
    name = strip_bidi(unicodedata.normalize("NFC", name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .")
    return name[:200] or fallback


def check_upload(data: bytes, filename: str, max_bytes: int, field: str = "file") -> str:
    """The content type of an acceptable upload, or ValidationFailed with the reason."""
    if not data:
        raise ValidationFailed({field: "Hãy chọn một tệp (tệp rỗng không được nhận)."})
    if len(data) > max_bytes:
        limit, size = _megabytes(max_bytes), _megabytes(len(data))
        if limit == size:  # just over the limit: rounded, both would read "10,0 MB"
            limit, size = _bytes(max_bytes), _bytes(len(data))
        raise ValidationFailed({field: f"Tệp lớn hơn giới hạn {limit} (tệp này {size})."})
    content_type = sniff_content_type(data, filename)
    if content_type is None:
        raise ValidationFailed({field: "Loại tệp không được chấp nhận (hệ thống nhận dạng theo nội dung tệp, "
                                       f"không theo tên). {ACCEPTED_TEXT}"})
    return content_type


def _bytes(size: int) -> str:
    return f"{size:,} byte".replace(",", ".")


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def store_file(session: Session, actor: Actor, commune_id: int, filename: str, data: bytes, content_type: str,
               now: datetime) -> StoredFile:
    stored = StoredFile(commune_id=commune_id, filename=safe_filename(filename), content_type=content_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_at=now,
                        uploaded_by_id=actor.user_id)
    session.add(stored)
    session.flush()
    return stored


def add_evidence(session: Session, actor: Actor, incident: Incident, raw: dict[str, Any], filename: str,
                 data: bytes, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """Register a file as evidence: hash it, check it, log its acquisition as the first custody entry."""
    values, errors = parse_record(EVIDENCE_FIELDS, raw)
    try:
        content_type = check_upload(data, filename, max_bytes)
    except ValidationFailed as failure:
        errors.update(failure.errors)
        content_type = ""
    acquired_at = values.get("acquired_at") or now
    if not errors and acquired_at > now:
        errors["acquired_at"] = "Thời điểm thu thập không được ở tương lai."
    digest = hashlib.sha256(data).hexdigest()
    expected = (values.get("expected_sha256") or "").strip().lower()
    if not errors and expected and expected != digest:
        errors["expected_sha256"] = (f"Mã SHA-256 của tệp tải lên ({digest}) khác mã đã tính tại hiện trường: "
                                     "tệp có thể đã bị thay đổi hoặc chọn nhầm tệp.")
    if errors:
        raise ValidationFailed(errors)
    stored = store_file(session, actor, incident.commune_id, filename, data, content_type, now)
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

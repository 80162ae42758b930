"""Uploads: size limit, type judged by content (not by the name), stored in the database."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime

from sqlalchemy.orm import Session

from ir_app.domain.text import clean_text, strip_bidi
from ir_app.models import StoredFile
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed

# Magic numbers of the document and image types a commune actually attaches.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),  # docx, xlsx, odt and zip archives
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # doc, xls
)
OFFICE_BY_EXTENSION = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip", "odt": "application/vnd.oasis.opendocument.text",
    "doc": "application/msword", "xls": "application/vnd.ms-excel",
}
EVIDENCE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "application/zip",
                            "application/x-ole-storage", "text/plain"})
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def sniff_type(data: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    if _looks_like_text(data):
        return "text/plain"
    return None


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > len(sample) - 4  # a character cut at the sample's end
    return True


def safe_name(filename: str) -> str:
    """An ASCII file name for headers and archives (Vietnamese diacritics removed)."""
    text = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return text[:120] or "tep"


def store_upload(session: Session, actor: Actor, *, commune_id: int | None, filename: str, data: bytes,
                 now: datetime, allowed: frozenset[str] = EVIDENCE_TYPES,
                 max_bytes: int = DEFAULT_MAX_BYTES, field: str = "file") -> StoredFile:
    if not data:
        raise ValidationFailed({field: "Hãy chọn một tệp (tệp đang trống)."})
    if len(data) > max_bytes:
        raise ValidationFailed({field: f"Tệp quá lớn: tối đa {max_bytes // (1024 * 1024)} MB."})
    detected = sniff_type(data)
    if detected not in allowed:
        raise ValidationFailed({field: "Loại tệp không được chấp nhận. Chấp nhận: PDF, ảnh PNG/JPEG, "
                                       "tài liệu Word/Excel, tệp nén ZIP, văn bản thuần."})
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    content_type = OFFICE_BY_EXTENSION.get(extension, detected) if detected in (
        "application/zip", "application/x-ole-storage") else detected
    filename = strip_bidi(clean_text(filename or "", multiline=False)).strip()
    stored = StoredFile(commune_id=commune_id, filename=filename[:255] or "tep", content_type=content_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
                        uploaded_at=now, uploaded_by_id=actor.user_id)
    session.add(stored)
    session.flush()
    return stored

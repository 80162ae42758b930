"""The one upload pipeline: every file a user sends (dossier and measure evidence, security policies,
appraisal letters, incident evidence and reports, document templates) goes through here.

- size: empty and over-the-limit files are refused with both sizes in the message;
- type: decided by the bytes, never by the name or the browser's claim (a renamed program is
  refused); the name only tells a Word file from a plain ZIP once the bytes are a real archive;
- name: the last path part, NFC, without control characters or bidi overrides (which make
  "exe.pdf" read as "fdp.exe");
- SHA-256 of the bytes, stored with them in the database (one backup holds everything).
Incident evidence adds its chain of custody on top (services/incidents/evidence.py).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from sqlalchemy.orm import Session

from ir_app.domain.text import strip_bidi
from ir_app.models import StoredFile
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PDF, PNG, JPEG, GIF, WEBP, MP4 = "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4"
ZIP, OLE, PCAP = "application/zip", "application/x-ole-storage", "application/vnd.tcpdump.pcap"
TEXT = "text/plain; charset=utf-8"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),  # doc, xls
    (b"\xd4\xc3\xb2\xa1", PCAP),
    (b"\xa1\xb2\xc3\xd4", PCAP),
    (b"\x4d\x3c\xb2\xa1", PCAP),
    (b"\xa1\xb2\x3c\x4d", PCAP),
    (b"\x0a\x0d\x0d\x0a", PCAP),  # pcapng
)
# Containers whose real kind only the extension tells (once the bytes are that container).
BY_EXTENSION = {ZIP: {".docx": DOCX, ".xlsx": XLSX, ".pptx": PPTX, ".odt": ODT},
                OLE: {".doc": DOC, ".xls": XLS}}


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload accepts, and how the refusal names it."""
    types: frozenset[str]
    accepted: str


# Dossier and measure evidence, security policies, appraisal letters.
DOCUMENTS = UploadKind(frozenset({PDF, PNG, JPEG, ZIP, DOCX, XLSX, PPTX, ODT, OLE, DOC, XLS, TEXT}),
                       "Chấp nhận: PDF, ảnh PNG/JPEG, tài liệu Word/Excel, tệp nén ZIP, văn bản thuần.")
# Incident evidence and sent reports: also what an investigation collects (screenshots, video, captures).
EVIDENCE = UploadKind(DOCUMENTS.types | {GIF, WEBP, MP4, PCAP},
                      "Chỉ nhận: PDF; ảnh PNG, JPEG, GIF, WebP; video MP4; tệp nén ZIP, Word, Excel; "
                      "tệp văn bản (nhật ký, thư điện tử .eml, CSV); tệp bắt gói tin pcap.")
TEMPLATES = UploadKind(frozenset({DOCX, ZIP}), "Chỉ nhận tệp Word (.docx).")
SIGNED_PDF = UploadKind(frozenset({PDF}), "Chỉ nhận tệp PDF đã ký số.")


@dataclass(frozen=True)
class Upload:
    """A file that passed the checks: clean name, type by content, digest."""
    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_type(data: bytes, filename: str = "") -> str | None:
    """The type the bytes really are; None = not a type this application knows."""
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return _refined(content_type, filename)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp":
        return MP4
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(BytesIO(data)):
        return _refined(ZIP, filename)
    if _is_text(data):
        return TEXT
    return None


def _refined(content_type: str, filename: str) -> str:
    suffix = filename.lower()[filename.rfind("."):] if "." in filename else ""
    return BY_EXTENSION.get(content_type, {}).get(suffix, content_type)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for char in text[:65536] if unicodedata.category(char) == "Cc" and char not in "\r\n\t\f")
    return controls == 0


def clean_filename(name: str, fallback: str = "tep") -> str:
    """The last path part, NFC, without control characters, bidi overrides or characters Windows
    refuses in a name, at most 200 characters."""
    name = strip_bidi(unicodedata.normalize("NFC", name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip(" .")
    return name[:200] or fallback


def safe_name(filename: str) -> str:
    """An ASCII file name for headers and archives (Vietnamese diacritics removed)."""
    text = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return text[:120] or "tep"


def check_upload(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES, field: str = "file",
                 kind: UploadKind = EVIDENCE) -> Upload:
    """The upload once acceptable, or ``ValidationFailed`` naming ``field`` with the reason."""
    if not data:
        raise ValidationFailed({field: "Hãy chọn một tệp (tệp rỗng không được nhận)."})
    if len(data) > max_bytes:
        limit, size = _megabytes(max_bytes), _megabytes(len(data))
        if limit == size:  # just over the limit: rounded, both would read "10,0 MB"
            limit, size = _bytes(max_bytes), _bytes(len(data))
        raise ValidationFailed({field: f"Tệp lớn hơn giới hạn {limit} (tệp này {size})."})
    content_type = sniff_type(data, filename)
    if content_type not in kind.types:
        raise ValidationFailed({field: "Loại tệp không được chấp nhận (hệ thống nhận dạng theo nội dung tệp, "
                                       f"không theo tên). {kind.accepted}"})
    return Upload(clean_filename(filename), content_type, data, hashlib.sha256(data).hexdigest())


def _bytes(size: int) -> str:
    return f"{size:,} byte".replace(",", ".")


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def save_upload(session: Session, actor: Actor, commune_id: int | None, upload: Upload, now: datetime) -> StoredFile:
    """Store a checked upload (``check_upload``) in the database."""
    stored = StoredFile(commune_id=commune_id, filename=upload.filename, content_type=upload.content_type,
                        size=upload.size, sha256=upload.sha256, data=upload.data, uploaded_at=now,
                        uploaded_by_id=actor.user_id)
    session.add(stored)
    session.flush()
    return stored


def store_upload(session: Session, actor: Actor, *, commune_id: int | None, filename: str, data: bytes,
                 now: datetime, kind: UploadKind = DOCUMENTS, max_bytes: int = DEFAULT_MAX_BYTES,
                 field: str = "file") -> StoredFile:
    """Check and store in one step, for uploads with no other fields to validate alongside."""
    return save_upload(session, actor, commune_id, check_upload(data, filename, max_bytes, field, kind), now)

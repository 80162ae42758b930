"""The digitally signed approval decision: the approver uploads the PDF signed with a USB token
(Ban Cơ yếu / VGCA or a commercial CA); the app checks every embedded signature with pyHanko
(the signed bytes unchanged, the signature mathematically valid, the certificate chain ending at a
trust root the province configured as PEM files in IR_TRUST_ROOTS_DIR) and keeps the file, its
SHA-256 and what it found on the dossier version and in the audit chain.

A file whose signed bytes were changed, or that carries no signature, is refused. A valid signature
whose chain does not reach a configured root is kept but shown as not verified, never as trusted.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import io
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ir_app.domain.state_machine import expand_roles
from ir_app.i18n_markers import N_
from ir_app.models import Dossier, User
from ir_app.services import audit, files
from ir_app.services.audit import Actor
from ir_app.services.errors import ConflictError, ValidationFailed

TRUSTED = "trusted"
UNTRUSTED_ROOT = "untrusted_root"
STATUS_LABELS = {
    TRUSTED: N_("Chữ ký hợp lệ, chứng thư được xác minh"),
    UNTRUSTED_ROOT: N_("Chữ ký hợp lệ nhưng chưa xác minh được nguồn"),
}
SIGNED_STATES = ("approved", "protecting", "operating")
ROOT_SUFFIXES = (".pem", ".crt", ".cer")
TAMPERED = N_("Tệp đã bị thay đổi sau khi ký: chữ ký số không còn khớp với nội dung. "
              "Hãy tải lên đúng tệp PDF đã ký, không mở và lưu lại bằng phần mềm khác.")
UNREADABLE = N_("Không đọc được tệp PDF hoặc chữ ký số trong tệp (tệp hỏng hoặc đã bị sửa).")
UNSIGNED = N_("Tệp PDF không có chữ ký số. Hãy ký quyết định bằng chữ ký số (USB token) rồi tải lên.")
NOT_APPROVED = N_("Chỉ tải lên quyết định đã ký sau khi hồ sơ được phê duyệt.")
NOT_PDF = N_("Quyết định đã ký phải là tệp PDF có chữ ký số.")
FIELD = "signed_file"


@dataclass(frozen=True)
class SignatureCheck:
    signer: str
    signed_at: str | None  # ISO-8601, UTC, as the signer's software reported it
    status: str
    issuer: str


def load_trust_roots(folder: Path) -> list:
    """Every certificate in the folder's PEM/DER files; a missing folder means no trusted root."""
    from pyhanko.keys import load_certs_from_pemder

    if not folder.is_dir():
        return []
    paths = sorted(str(path) for path in folder.iterdir() if path.suffix.lower() in ROOT_SUFFIXES)
    return list(load_certs_from_pemder(paths)) if paths else []


def verify_signed_pdf(data: bytes, trust_roots: list) -> list[SignatureCheck]:
    """Checks every embedded signature; raises ValidationFailed (Vietnamese) when the file cannot
    be read, has no signature, or any signed byte was changed."""
    # pyHanko's synchronous API calls asyncio.run(), which fails in a thread whose event loop is
    # already running (and would then read as "tampered"): it runs in a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_verify, data, trust_roots).result()


def _verify(data: bytes, trust_roots: list) -> list[SignatureCheck]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    # pyHanko logs a traceback for an untrusted chain; the result says it, the log need not.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # pyHanko raises many kinds of errors on a damaged file
        raise ValidationFailed({FIELD: UNREADABLE}) from None
    if not signatures:
        raise ValidationFailed({FIELD: UNSIGNED})
    checks = []
    for signature in signatures:
        # No network: commune PCs are often offline, and a revocation lookup would leak the signer.
        context = ValidationContext(trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(signature, context)
        except Exception:
            raise ValidationFailed({FIELD: TAMPERED}) from None
        if not (status.intact and status.valid) or _modified_after_signing(status):
            raise ValidationFailed({FIELD: TAMPERED})
        reported = status.signer_reported_dt
        checks.append(SignatureCheck(
            signer=status.signing_cert.subject.human_friendly,
            signed_at=reported.astimezone(timezone.utc).isoformat() if reported else None,
            status=TRUSTED if status.trusted else UNTRUSTED_ROOT,
            issuer=status.signing_cert.issuer.human_friendly,
        ))
    return checks


def _modified_after_signing(status: Any) -> bool:
    """Content changed by an update appended after the signature (not just form filling or
    timestamps, which signing software adds legitimately)."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return True
    return status.modification_level not in (None, ModificationLevel.NONE, ModificationLevel.LTA_UPDATES,
                                             ModificationLevel.FORM_FILLING)


def may_attach(user: User, dossier: Dossier, law: Any) -> bool:
    """Whoever may approve this dossier (the approver, or the specialised unit for level 1–2)
    uploads its signed decision, once it is approved."""
    if dossier.state not in SIGNED_STATES:
        return False
    regime = law.regime(dossier.regime)
    roles = expand_roles(law.workflow.action("approve"), law.role_aliases(regime, dossier.workflow_level))
    return any(role.value in roles for role in user.roles)


def attach(session: Session, actor: Actor, dossier: Dossier, *, filename: str, data: bytes, now: datetime,
           trust_roots_dir: Path, max_bytes: int, expected_version: int | None = None) -> list[SignatureCheck]:
    """Verifies and keeps the signed decision of an approved dossier (a later upload replaces it,
    both stay in the audit chain)."""
    if expected_version is not None and dossier.version != expected_version:
        raise ConflictError()
    if dossier.state not in SIGNED_STATES:
        raise ValidationFailed({FIELD: NOT_APPROVED})
    if not data.startswith(b"%PDF-"):
        raise ValidationFailed({FIELD: NOT_PDF})
    checks = verify_signed_pdf(data, load_trust_roots(trust_roots_dir))
    stored = files.store_upload(session, actor, commune_id=dossier.commune_id, filename=filename, data=data,
                                now=now, kind=files.SIGNED_PDF, max_bytes=max_bytes, field=FIELD)
    before = {"decision_file_sha256": dossier.decision_file_sha256}
    dossier.decision_file_id = stored.id
    dossier.decision_file_sha256 = stored.sha256
    dossier.decision_signature = {"signatures": [asdict(check) for check in checks],
                                  "status": overall_status(checks), "checked_at": now.isoformat()}
    dossier.updated_at = now
    session.flush()
    audit.record(session, actor, "decision_signed_upload", now=now, object_type="dossier", object_id=dossier.id,
                 commune_id=dossier.commune_id,
                 summary=f"{stored.filename} sha256={stored.sha256} {overall_status(checks)}",
                 changes=audit.diff(before, {"decision_file_sha256": stored.sha256})
                 | {"signers": [None, [check.signer for check in checks]]})
    return checks


def overall_status(checks: list[SignatureCheck]) -> str:
    return TRUSTED if checks and all(check.status == TRUSTED for check in checks) else UNTRUSTED_ROOT

"""Numbers, symbols and dates of issued documents: recorded once, reprinted identically forever.

Where a document's number lives is data (``numbering`` in level_dossiers/documents.yaml):
- ``request``: the request letter's number given at submission (Dossier.request_number/_on);
- ``appraisal``: the appraisal opinion's number and date (Dossier.appraisal_number/_on);
- ``decision``: the approval decision (Dossier.decision_number/_on, required to approve);
- ``register``: any other issued document, one ``IssuedDocument`` row per subject;
- ``none``: not an issued document (the explanatory part of the dossier carries no number).

A document not yet numbered prints "Số: …/<symbol>" and leaves the date for signing; a number
skipped at submission is added later with ``record_number`` (never changed once recorded).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.domain.text import whole_number
from ir_app.documents.catalog import DocumentSpec
from ir_app.documents.text import split_number
from ir_app.models import Dossier, IssuedDocument
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_NUMBER = 999_999


@dataclass(frozen=True)
class IssuedNumber:
    number: str = ""        # "12"; empty while the clerk has not numbered it
    symbol: str = ""        # "TTPVHCC", "QĐ-UBND"
    issued_on: date | None = None

    @property
    def is_recorded(self) -> bool:
        return bool(self.number)


def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(LEGAL_TZ).date() if moment else None


def _split(full: str, default_symbol: str) -> tuple[str, str]:
    number, symbol = split_number(full or "")
    return number, symbol or default_symbol


def dossier_subject(dossier: Dossier) -> str:
    return f"dossier:{dossier.id}"


def register_rows(session: Session, commune_id: int, subject: str) -> dict[str, IssuedDocument]:
    """The register's rows for one subject, by document key (one query for a whole dossier)."""
    rows = session.scalars(select(IssuedDocument).where(IssuedDocument.commune_id == commune_id,
                                                        IssuedDocument.subject == subject))
    return {row.doc_key: row for row in rows}


def issued_number(spec: DocumentSpec, default_symbol: str, *, dossier: Dossier | None = None,
                  row: IssuedDocument | None = None) -> IssuedNumber:
    """The recorded number, symbol and date of this document (empty parts when not yet issued)."""
    source = spec.numbering
    if dossier is not None and source == "request":
        number, symbol = _split(dossier.request_number, default_symbol)
        return IssuedNumber(number, symbol, dossier.request_on or _local_day(dossier.submitted_at))
    if dossier is not None and source == "appraisal":
        number, symbol = _split(dossier.appraisal_number, default_symbol)
        return IssuedNumber(number, symbol, dossier.appraisal_on)
    if dossier is not None and source == "decision":
        number, symbol = _split(dossier.decision_number or "", default_symbol)
        return IssuedNumber(number, symbol, dossier.decision_on)
    if dossier is not None and source == "none":
        return IssuedNumber("", default_symbol, dossier.request_on or _local_day(dossier.submitted_at))
    if row is None:
        return IssuedNumber("", default_symbol, None)
    return IssuedNumber(row.number, row.symbol, row.issued_on)


def can_record(spec: DocumentSpec, dossier: Dossier | None, current: IssuedNumber) -> bool:
    """Whether the documents page offers to record this document's number now."""
    if current.is_recorded or spec.numbering in ("none", "decision"):
        return False
    if spec.numbering == "request":
        return dossier is not None and dossier.submitted_at is not None
    if spec.numbering == "appraisal":
        return dossier is not None and bool(dossier.appraisal_result)
    return True


def parse_number(raw: str, default_symbol: str) -> tuple[str, str]:
    """"12" or "12/TTr-VP" -> ("12", symbol); a clear error otherwise."""
    number, symbol = _split((raw or "").strip(), default_symbol)
    if whole_number(number, 1, MAX_NUMBER) is None:
        raise ValidationFailed({"number": "Số văn bản là một số (ví dụ 12 hoặc 12/TTr-VP)."})
    if len(symbol) > 80 or any(ch.isspace() for ch in symbol):
        raise ValidationFailed({"number": "Ký hiệu văn bản không hợp lệ (không có dấu cách, tối đa 80 ký tự)."})
    return str(int(number)), symbol


def record_number(session: Session, actor: Actor, spec: DocumentSpec, default_symbol: str, raw_number: str,
                  issued_on: date | None, now: datetime, *, commune_id: int, subject: str,
                  dossier: Dossier | None = None) -> IssuedNumber:
    """Record a document's number and date once; a second attempt is refused (never renumbered)."""
    row = register_rows(session, commune_id, subject).get(spec.key)
    current = issued_number(spec, default_symbol, dossier=dossier, row=row)
    if not can_record(spec, dossier, current):
        raise ValidationFailed({"number": "Văn bản này đã có số hoặc chưa đến bước ban hành; số đã ghi không sửa được."})
    number, symbol = parse_number(raw_number, default_symbol)
    issued_on = issued_on or current.issued_on
    if issued_on is None:
        raise ValidationFailed({"issued_on": "Nhập ngày ban hành văn bản."})
    if dossier is not None and spec.numbering == "request":
        dossier.request_number, dossier.request_on = f"{number}/{symbol}", issued_on
        dossier.updated_at = now
    elif dossier is not None and spec.numbering == "appraisal":
        dossier.appraisal_number = f"{number}/{symbol}"
        dossier.appraisal_on = dossier.appraisal_on or issued_on
        dossier.updated_at = now
    else:
        session.add(IssuedDocument(commune_id=commune_id, subject=subject, regime=spec.regime, doc_key=spec.key,
                                   number=number, symbol=symbol, issued_on=issued_on, recorded_at=now,
                                   recorded_by_id=actor.user_id))
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="issued_document", object_id=f"{subject}/{spec.key}",
                 commune_id=commune_id, summary=f"Ghi số {number}/{symbol} ngày {issued_on:%d/%m/%Y}: {spec.display_name}")
    return IssuedNumber(number, symbol, issued_on)

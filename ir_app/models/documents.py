"""Replacement DOCX templates uploaded by an administrator (the shipped ones always remain)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.files import StoredFile


class DocumentTemplate(Base):
    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("regime", "doc_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    regime: Mapped[str] = mapped_column(String(32))
    doc_key: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    file: Mapped[StoredFile] = relationship()


class IssuedDocument(Base):
    """The number, symbol and date a document was issued with, recorded once (by the clerk, when
    the signed document leaves) and printed identically on every later export.

    ``subject`` says what the document is about: "dossier:<id>", "review:<id>", "annual:<year>".
    The three letters of the workflow (request, appraisal, decision) keep theirs on the dossier.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("commune_id", "subject", "doc_key", name="uq_issued_documents_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    regime: Mapped[str] = mapped_column(String(32))
    doc_key: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(20))
    symbol: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

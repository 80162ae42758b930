"""Khuyến nghị, cảnh báo: what the province (Công an tỉnh, PA05) asks its communes to do, and what
each commune did about it, action by action."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.files import StoredFile
from ir_app.models.org import Organisation, User

ADVISORY_SEVERITIES = ("info", "medium", "high", "urgent")
# An advisory asks for actions; a report request (báo cáo đột xuất, NĐ 331 Đ35.2.b) asks questions.
ADVISORY_KINDS = ("advisory", "report_request")
RESPONSE_STATUSES = ("done", "not_applicable", "cannot")


class Advisory(Base):
    __tablename__ = "advisories"
    __table_args__ = (
        CheckConstraint("severity IN ('info', 'medium', 'high', 'urgent')", name="advisory_severity"),
        CheckConstraint("kind IN ('advisory', 'report_request')", name="advisory_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="advisory", server_default="advisory")
    number: Mapped[str] = mapped_column(String(80), default="")        # the issuing document's number
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(16), default="medium")
    concerns: Mapped[str] = mapped_column(Text, default="")            # system types, products, versions
    playbook: Mapped[str] = mapped_column(String(64), default="")      # a playbook id to apply, if any
    deadline: Mapped[date] = mapped_column(Date)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    province: Mapped[Organisation] = relationship()
    issued_by: Mapped[User | None] = relationship()
    attachment: Mapped[StoredFile | None] = relationship()
    actions: Mapped[list[AdvisoryAction]] = relationship(
        back_populates="advisory", order_by="AdvisoryAction.position", cascade="all, delete-orphan")
    recipients: Mapped[list[AdvisoryRecipient]] = relationship(back_populates="advisory",
                                                               cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        return self.number or (f"BC-{self.id}" if self.is_report_request else f"KN-{self.id}")

    @property
    def is_report_request(self) -> bool:
        return self.kind == "report_request"


class AdvisoryAction(Base):
    """One thing the advisory asks each commune to do (the checklist)."""

    __tablename__ = "advisory_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(1000))

    advisory: Mapped[Advisory] = relationship(back_populates="actions")


class AdvisoryRecipient(Base):
    """One commune's copy of the advisory: received, acknowledged, completed."""

    __tablename__ = "advisory_recipients"
    __table_args__ = (UniqueConstraint("advisory_id", "commune_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    advisory: Mapped[Advisory] = relationship(back_populates="recipients")
    commune: Mapped[Organisation] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()
    responses: Mapped[list[AdvisoryResponse]] = relationship(back_populates="recipient",
                                                             cascade="all, delete-orphan")


class AdvisoryResponse(Base):
    """What a commune did about one action: done, not applicable (why), cannot (why), with evidence."""

    __tablename__ = "advisory_responses"
    __table_args__ = (
        UniqueConstraint("recipient_id", "action_id"),
        CheckConstraint("status IN ('done', 'not_applicable', 'cannot')", name="advisory_response_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("advisory_recipients.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("advisory_actions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recipient: Mapped[AdvisoryRecipient] = relationship(back_populates="responses")
    action: Mapped[AdvisoryAction] = relationship()
    evidence: Mapped[StoredFile | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

"""The morning infrastructure check (Hải An plan 3.4.c): an editable checklist per commune and
one filled-in check per working morning."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.org import Organisation, User


class CheckItem(Base):
    """One line of a commune's checklist (Internet connection, computers, printers, …)."""

    __tablename__ = "check_items"
    __table_args__ = (UniqueConstraint("commune_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    # The version of the whole list, the same on every line: saving replaces every line, so a
    # save made from an older page must be refused (optimistic locking), not overwrite silently.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class MorningCheck(Base):
    """The check of one commune on one (local) day."""

    __tablename__ = "morning_checks"
    __table_args__ = (UniqueConstraint("commune_id", "checked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    checked_on: Mapped[date] = mapped_column(Date, index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()
    checked_by: Mapped[User | None] = relationship()
    results: Mapped[list[CheckResult]] = relationship(back_populates="check", cascade="all, delete-orphan",
                                                      order_by="CheckResult.position")

    __mapper_args__ = {"version_id_col": version}

    @property
    def failed_count(self) -> int:
        return sum(1 for result in self.results if not result.is_ok)


class CheckResult(Base):
    """One item's state that morning. The label is copied, so editing the list keeps history."""

    __tablename__ = "check_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("morning_checks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    is_ok: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The incident opened from this failure, once the incidents module is wired in (no foreign
    # key yet: the incidents table lives on another branch; the merge adds it).
    incident_id: Mapped[int | None] = mapped_column(Integer)

    check: Mapped[MorningCheck] = relationship(back_populates="results")

    @property
    def commune(self) -> Organisation:
        return self.check.commune

"""Tập huấn: courses a commune's people attend, their sessions (with the certificate and the signed
attendance sheet), and who attended each session and passed."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.files import StoredFile
from ir_app.models.org import Organisation, User

ORGANISER_KINDS = ("commune", "province", "other")


class TrainingCourse(Base):
    __tablename__ = "training_courses"
    __table_args__ = (CheckConstraint("organiser_kind IN ('commune', 'province', 'other')",
                                      name="training_organiser_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    organiser_kind: Mapped[str] = mapped_column(String(16), default="commune")
    organiser: Mapped[str] = mapped_column(String(300), default="")      # the body's name when not the commune
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)        # topic ids of level_dossiers/training
    content: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    commune: Mapped[Organisation] = relationship()
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="course", order_by="TrainingSession.held_on", cascade="all, delete-orphan")


class TrainingSession(Base):
    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the course's, for scoping
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text, default="")
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    attendance_sheet_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    course: Mapped[TrainingCourse] = relationship(back_populates="sessions")
    commune: Mapped[Organisation] = relationship()
    certificate: Mapped[StoredFile | None] = relationship(foreign_keys=[certificate_id])
    attendance_sheet: Mapped[StoredFile | None] = relationship(foreign_keys=[attendance_sheet_id])
    attendees: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="session", order_by="TrainingAttendance.id", cascade="all, delete-orphan")


class TrainingAttendance(Base):
    """One person at one session: a user of the commune, or a named person without an account
    (name, role the requirements know them by, position)."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_key: Mapped[str] = mapped_column(String(250))     # "user:12" or "name:<folded name>"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    person_role: Mapped[str] = mapped_column(String(16), default="")   # named people only
    position: Mapped[str] = mapped_column(String(200), default="")
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    certificate_number: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[TrainingSession] = relationship(back_populates="attendees")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

"""Diễn tập: a planned practice of a playbook, run as a practice incident, and what it taught."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.incidents import Incident
from ir_app.models.org import Organisation


class Drill(Base):
    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    playbook_id: Mapped[str] = mapped_column(String(64))           # the scenario: a playbook of playbooks/
    planned_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))   # the practice incident
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    what_worked: Mapped[str] = mapped_column(Text, default="")
    gaps: Mapped[str] = mapped_column(Text, default="")            # what to improve: one per line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    commune: Mapped[Organisation] = relationship()
    incident: Mapped[Incident | None] = relationship()

    @property
    def state(self) -> str:
        if self.finished_at is not None:
            return "done"
        return "running" if self.started_at is not None else "planned"

"""A commune's measures (biện pháp, "applied controls"): the paragraphs its protection plans are
written from. One measure answers many TT 12/2022 requirements and serves many systems; a plan row
of a dossier is a view over the measures in scope for its system (services/measures/plan.py)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.files import StoredFile
from ir_app.models.inventory import InformationSystem
from ir_app.models.org import Organisation, User

MEASURE_CATEGORIES = ("management", "technical")
# commune: every system of the commune; system: the chosen systems; inherited: done by a provider
# (provincial data centre, a ministry's platform) for every system, or for the chosen ones if any.
MEASURE_SCOPES = ("commune", "system", "inherited")
MEASURE_STATUSES = ("planned", "partly", "in_place")
ALL_LEVELS = [1, 2, 3, 4, 5]


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Measure(Base):
    __tablename__ = "measures"
    __table_args__ = (
        CheckConstraint(_in("category", MEASURE_CATEGORIES), name="category"),
        CheckConstraint(_in("scope", MEASURE_SCOPES), name="scope"),
        CheckConstraint(_in("status", MEASURE_STATUSES), name="status"),
        CheckConstraint("scope <> 'inherited' OR length(provider_name) > 0", name="inherited_has_provider"),
        # Adopting the library twice finds the measure it made the first time.
        UniqueConstraint("commune_id", "library_id", "library_measure_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")  # as printed in the plan
    category: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16), default="commune")
    provider_name: Mapped[str] = mapped_column(String(300), default="")
    provider_document: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    responsible_unit: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    planned_on: Mapped[date | None] = mapped_column(Date)
    in_place_since: Mapped[date | None] = mapped_column(Date)
    levels: Mapped[list[int]] = mapped_column(JSON, default=lambda: list(ALL_LEVELS))
    library_id: Mapped[str | None] = mapped_column(String(64))
    library_measure_id: Mapped[str | None] = mapped_column(String(64))
    library_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    requirement_links: Mapped[list[MeasureRequirement]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="MeasureRequirement.id")
    system_links: Mapped[list[MeasureSystem]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="MeasureSystem.id")
    evidence: Mapped[list[MeasureEvidence]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="MeasureEvidence.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def requirement_ids(self) -> list[str]:
        return [link.requirement_id for link in self.requirement_links]

    @property
    def system_ids(self) -> list[int]:
        return [link.system_id for link in self.system_links]


class MeasureRequirement(Base):
    """A requirement id of the catalogue (TT 12/2022) the measure answers."""

    __tablename__ = "measure_requirements"
    __table_args__ = (UniqueConstraint("measure_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[str] = mapped_column(String(32), index=True)

    measure: Mapped[Measure] = relationship(back_populates="requirement_links")


class MeasureSystem(Base):
    """A system a system-scoped (or provider-limited inherited) measure applies to."""

    __tablename__ = "measure_systems"
    __table_args__ = (UniqueConstraint("measure_id", "system_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"), index=True)

    measure: Mapped[Measure] = relationship(back_populates="system_links")
    system: Mapped[InformationSystem] = relationship()


class MeasureEvidence(Base):
    __tablename__ = "measure_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    measure: Mapped[Measure] = relationship(back_populates="evidence")
    file: Mapped[StoredFile] = relationship()


__all__ = ["Measure", "MeasureEvidence", "MeasureRequirement", "MeasureSystem", "MEASURE_CATEGORIES",
           "MEASURE_SCOPES", "MEASURE_STATUSES"]

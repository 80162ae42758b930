"""A system's risk register (NĐ 331 Đ22, Đ30.3.e): each risk rates a threat against an asset,
records how it is treated (the commune's measures that reduce it, or who accepted it until when)
and what is left. Levels are not stored: they come from the matrix in level_dossiers/risks/."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.inventory import InformationSystem, SystemComponent
from ir_app.models.measures import Measure
from ir_app.models.org import Organisation, User

RISK_TREATMENTS = ("reduce", "accept", "transfer", "avoid")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _scale(column: str) -> str:
    return f"{column} BETWEEN 1 AND 5"


class Risk(Base):
    __tablename__ = "risks"
    __table_args__ = (
        CheckConstraint(_in("treatment", RISK_TREATMENTS), name="treatment"),
        CheckConstraint(_scale("likelihood"), name="likelihood"),
        CheckConstraint(_scale("impact"), name="impact"),
        CheckConstraint(_scale("residual_likelihood"), name="residual_likelihood"),
        CheckConstraint(_scale("residual_impact"), name="residual_impact"),
        # An accepted risk always says who accepted it, why, and until when.
        CheckConstraint("treatment <> 'accept' OR (length(accepted_by) > 0 AND length(accepted_reason) > 0 "
                        "AND accepted_until IS NOT NULL)", name="accept_is_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"), index=True)
    threat_id: Mapped[str | None] = mapped_column(String(64))     # TM.* of the threat catalogue, or free text
    threat_library: Mapped[str | None] = mapped_column(String(64))
    threat_library_version: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    asset: Mapped[str] = mapped_column(String(300), default="")
    component_id: Mapped[int | None] = mapped_column(ForeignKey("system_components.id", ondelete="SET NULL"))
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    treatment: Mapped[str] = mapped_column(String(16), default="reduce")
    treatment_note: Mapped[str] = mapped_column(Text, default="")
    residual_likelihood: Mapped[int] = mapped_column(Integer)
    residual_impact: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    review_on: Mapped[date | None] = mapped_column(Date)
    accepted_by: Mapped[str] = mapped_column(String(200), default="")
    accepted_reason: Mapped[str] = mapped_column(Text, default="")
    accepted_until: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()
    system: Mapped[InformationSystem] = relationship()
    component: Mapped[SystemComponent | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    measure_links: Mapped[list[RiskMeasure]] = relationship(
        back_populates="risk", cascade="all, delete-orphan", order_by="RiskMeasure.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def measure_ids(self) -> list[int]:
        return [link.measure_id for link in self.measure_links]

    @property
    def asset_text(self) -> str:
        """The asset as written, else the component concerned."""
        return self.asset or (self.component.name if self.component is not None else "")


class RiskMeasure(Base):
    """A measure of the commune that treats the risk."""

    __tablename__ = "risk_measures"
    __table_args__ = (UniqueConstraint("risk_id", "measure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)

    risk: Mapped[Risk] = relationship(back_populates="measure_links")
    measure: Mapped[Measure] = relationship()


class RiskAssessment(Base):
    """The detailed assessment a level 4–5 thuyết minh adds (NĐ 331 Đ22.5): what the register
    cannot say by itself. The attack threats and their impact (Đ22.5.b) come from the register."""

    __tablename__ = "risk_assessments"
    __table_args__ = (UniqueConstraint("system_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"))
    connected_systems: Mapped[str] = mapped_column(Text, default="")   # one per line (Đ22.5.a)
    attack_note: Mapped[str] = mapped_column(Text, default="")         # added after the register's threats
    impact_scope: Mapped[str] = mapped_column(Text, default="")        # Đ22.5.c
    availability_24x7: Mapped[str] = mapped_column(Text, default="")   # Đ22.5.d
    assessed_on: Mapped[date | None] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()
    system: Mapped[InformationSystem] = relationship()

    __mapper_args__ = {"version_id_col": version}


__all__ = ["RISK_TREATMENTS", "Risk", "RiskAssessment", "RiskMeasure"]

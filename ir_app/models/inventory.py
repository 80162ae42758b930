"""The commune's information systems, their components and emergency contacts."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime, enum_check
from ir_app.models.org import Organisation, Unit


class SystemType(StrEnum):
    INTERNAL = "internal"
    CITIZEN_SERVICE = "citizen_service"
    INFRASTRUCTURE = "infrastructure"
    INDUSTRIAL_CONTROL = "industrial_control"
    OTHER = "other"


class InformationType(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    PERSONAL = "personal"
    STATE_SECRET = "state_secret"  # noqa: S105 - a classification of information (bí mật nhà nước), not a password


class Hosting(StrEnum):
    ON_PREMISES = "on_premises"
    PROVINCIAL_DC = "provincial_dc"
    CLOUD = "cloud"


class SystemStatus(StrEnum):
    PLANNED = "planned"
    UNDER_INVESTMENT = "under_investment"
    IN_OPERATION = "in_operation"
    RETIRED = "retired"


class OperatedBy(StrEnum):
    """Who manages and runs the system; decides whether its appraisal must be independent (NĐ 331 Đ18.4)."""

    SPECIALISED_UNIT = "specialised_unit"   # the owner's cybersecurity unit also runs it (usual in a commune)
    OTHER_UNIT = "other_unit"
    SERVICE_PROVIDER = "service_provider"


class ComponentKind(StrEnum):
    EQUIPMENT = "equipment"
    APPLICATION = "application"
    NETWORK_ZONE = "network_zone"


class InformationSystem(Base):
    __tablename__ = "information_systems"
    __table_args__ = (
        UniqueConstraint("commune_id", "code"),
        CheckConstraint(enum_check("system_type", SystemType), name="system_type"),
        CheckConstraint(enum_check("status", SystemStatus), name="status"),
        CheckConstraint(enum_check("hosting", Hosting), name="hosting"),
        CheckConstraint("personal_data_subjects >= 0 AND sensitive_data_subjects >= 0", name="subjects"),
        CheckConstraint("approved_level IS NULL OR approved_level BETWEEN 1 AND 5", name="level"),
        CheckConstraint(enum_check("operated_by", OperatedBy), name="operated_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300), index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Chủ quản and đơn vị vận hành, as the dossier overview needs them (DOMAIN §6).
    owner_name: Mapped[str] = mapped_column(String(300), default="")
    owner_functions: Mapped[str] = mapped_column(Text, default="")
    owner_representative: Mapped[str] = mapped_column(String(200), default="")
    owner_address: Mapped[str] = mapped_column(String(300), default="")
    owner_phone: Mapped[str] = mapped_column(String(50), default="")
    owner_email: Mapped[str] = mapped_column(String(200), default="")
    operator_name: Mapped[str] = mapped_column(String(300), default="")
    operator_functions: Mapped[str] = mapped_column(Text, default="")
    operator_representative: Mapped[str] = mapped_column(String(200), default="")
    operator_address: Mapped[str] = mapped_column(String(300), default="")
    operator_phone: Mapped[str] = mapped_column(String(50), default="")
    operator_email: Mapped[str] = mapped_column(String(200), default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    scale: Mapped[str] = mapped_column(Text, default="")
    users_served: Mapped[str] = mapped_column(String(300), default="")
    system_type: Mapped[str] = mapped_column(String(32), default=SystemType.INTERNAL)
    information_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    personal_data_subjects: Mapped[int] = mapped_column(Integer, default=0)
    sensitive_data_subjects: Mapped[int] = mapped_column(Integer, default=0)
    handles_admin_procedures: Mapped[bool] = mapped_column(Boolean, default=False)
    hosting: Mapped[str] = mapped_column(String(32), default=Hosting.ON_PREMISES)
    hosting_detail: Mapped[str] = mapped_column(String(300), default="")
    internet_exposed: Mapped[bool] = mapped_column(Boolean, default=False)
    domains: Mapped[str] = mapped_column(String(500), default="")
    public_ips: Mapped[str] = mapped_column(String(500), default="")
    private_ips: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(32), default=SystemStatus.IN_OPERATION, index=True)
    approved_level: Mapped[int | None] = mapped_column(Integer, index=True)
    approval_decision_number: Mapped[str] = mapped_column(String(100), default="")
    approval_decision_on: Mapped[date | None] = mapped_column(Date)
    approval_regime: Mapped[str] = mapped_column(String(32), default="")
    # The date the investment was approved decides the transition (NĐ 331/2026 Đ39.1).
    investment_approved_on: Mapped[date | None] = mapped_column(Date)
    operated_by: Mapped[str] = mapped_column(String(32), default=OperatedBy.SPECIALISED_UNIT,
                                             server_default=OperatedBy.SPECIALISED_UNIT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()
    unit: Mapped[Unit | None] = relationship()
    components: Mapped[list[SystemComponent]] = relationship(
        back_populates="system", cascade="all, delete-orphan", order_by="SystemComponent.id"
    )

    __mapper_args__ = {"version_id_col": version}


class SystemComponent(Base):
    """Equipment, applications/services and network zones of a system (dossier overview)."""

    __tablename__ = "system_components"
    __table_args__ = (CheckConstraint(enum_check("kind", ComponentKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(
        ForeignKey("information_systems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    component_type: Mapped[str] = mapped_column(String(200), default="")  # loại thiết bị
    location: Mapped[str] = mapped_column(String(300), default="")
    purpose: Mapped[str] = mapped_column(String(500), default="")
    server: Mapped[str] = mapped_column(String(200), default="")
    operating_system: Mapped[str] = mapped_column(String(200), default="")
    ip_range: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    system: Mapped[InformationSystem] = relationship(back_populates="components")

    __mapper_args__ = {"version_id_col": version}


class EmergencyContact(Base):
    """Danh bạ khẩn cấp: who to call when something breaks."""

    __tablename__ = "emergency_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50))
    phone_alt: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_24x7: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    commune: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}

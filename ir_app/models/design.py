"""A system's design (mô hình lô-gic, mô hình vật lý): its network zones, the components placed in
them and the connections between them, kept as three small lists on one row so a whole design is
saved, version-checked and audited at once (services/design/)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base, UTCDateTime
from ir_app.models.inventory import InformationSystem
from ir_app.models.org import Organisation


class SystemDesign(Base):
    __tablename__ = "system_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("information_systems.id", ondelete="CASCADE"), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # zones: [{code, kind, name, note}]; nodes: [{code, zone, kind, name, note}];
    # links: [{source, target, channel, protocol, encrypted, protection, purpose}] (source/target: a code)
    zones: Mapped[list[dict]] = mapped_column(JSON, default=list)
    nodes: Mapped[list[dict]] = mapped_column(JSON, default=list)
    links: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Written by the commune; when empty the documents print the text generated from the lists.
    logical_text: Mapped[str] = mapped_column(Text, default="")
    physical_text: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(16), default="starter")  # starter | edited
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    system: Mapped[InformationSystem] = relationship()
    commune: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}

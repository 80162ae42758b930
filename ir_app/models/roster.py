"""Tổ ứng cứu sự cố: the commune's response team, who is on it, and in which order to call them."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.models.base import Base
from ir_app.models.inventory import EmergencyContact
from ir_app.models.org import Organisation, User


class ResponseTeamMember(Base):
    """One member: a user of the commune, a contact of its emergency list, or a named person.

    Phone and e-mail left blank here are read from the linked account or contact, so a number is
    kept in one place; a value typed here wins (a duty phone, say)."""

    __tablename__ = "response_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_contacts.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    team_role: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    on_call_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    commune: Mapped[Organisation] = relationship()
    user: Mapped[User | None] = relationship()
    contact: Mapped[EmergencyContact | None] = relationship()

    @property
    def call_phone(self) -> str:
        linked = self.user or self.contact
        return self.phone or (linked.phone if linked is not None else "")

    @property
    def call_email(self) -> str:
        linked = self.user or self.contact
        return self.email or (linked.email if linked is not None else "")

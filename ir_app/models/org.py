"""Provinces, communes, units inside a commune, users and their roles."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ir_app.i18n_markers import N_
from ir_app.models.base import Base, UTCDateTime, enum_check, utcnow


class OrgKind(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"


class CommuneType(StrEnum):
    XA = "xa"
    PHUONG = "phuong"
    DAC_KHU = "dac_khu"


COMMUNE_TYPE_LABELS = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}


class Organisation(Base):
    """A province or a commune; communes point at their province."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(enum_check("kind", OrgKind), name="kind"),
        CheckConstraint(
            "(kind = 'province' AND parent_id IS NULL) OR (kind = 'commune' AND parent_id IS NOT NULL)",
            name="commune_has_province",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16), unique=True)  # mã đơn vị hành chính
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    commune_type: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # The commune's leaders, who sign its documents (NĐ 30/2020 Phụ lục I, II.7).
    chair_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    vice_chair_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer: Mapped[str] = mapped_column(String(16), default="head", server_default="head")
    # What the personal-data breach notice asks of the organisation (NĐ 356/2025 Mẫu số 08).
    office_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    website: Mapped[str] = mapped_column(String(200), default="", server_default="")
    tax_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    establishment_decision: Mapped[str] = mapped_column(String(300), default="", server_default="")
    dpo_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dpo_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    dpo_phone: Mapped[str] = mapped_column(String(50), default="", server_default="")
    dpo_email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        if self.kind == OrgKind.COMMUNE and self.commune_type:
            return f"{COMMUNE_TYPE_LABELS[self.commune_type]} {self.name}"
        return self.name


class Unit(Base):
    """A unit inside a commune (Văn phòng HĐND-UBND, Công an xã, …)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    functions: Mapped[str] = mapped_column(String(1000), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    deputy_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    deputy_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signer: Mapped[str] = mapped_column(String(16), default="head", server_default="head")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_cyber_unit: Mapped[bool] = mapped_column(Boolean, default=False)  # đơn vị chuyên trách
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    commune: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    STAFF = "staff"
    APPRAISER = "appraiser"
    APPROVER = "approver"
    AUDITOR = "auditor"
    OVERSEER = "overseer"


ROLE_LABELS = {
    Role.ADMIN: N_("Quản trị hệ thống"),
    Role.OFFICER: N_("Cán bộ Công an xã"),
    Role.STAFF: N_("Cán bộ đơn vị"),
    Role.APPRAISER: N_("Cán bộ thẩm định"),
    Role.APPROVER: N_("Lãnh đạo phê duyệt"),
    Role.AUDITOR: N_("Kiểm tra viên (chỉ đọc)"),
    Role.OVERSEER: N_("Giám sát cấp tỉnh"),
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on logout, password/role change and disable: old sessions stop working.
    session_token: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(50), default="")
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Two-factor sign-in (RFC 6238): the base32 secret, set while enrolling and kept once enabled.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last 30-second step whose code was accepted: the same code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="user"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    # The Flask-Login protocol, without importing Flask into the models. The id carries the
    # session token so that rotating it logs every old session out.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(enum_check("role", Role), name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class RecoveryCode(Base):
    """One-time codes for signing in when the phone with the authenticator app is lost.
    Only their argon2 hashes are kept; a used code stays, marked, for the audit trail."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Every sign-in attempt, for throttling by account and by address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), index=True)
    ip_address: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class LoginThrottle(Base):
    """Failed sign-ins counted per key (an account and address, a whole account, a whole address)
    within a window. The count is reserved by one atomic upsert *before* a password is checked,
    so parallel guesses never get more evaluations than the limit."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""Sign-in with throttling, password changes and user management."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ir_app.models import LoginAttempt, LoginThrottle, Organisation, Role, User, UserRole
from ir_app.models.base import UTCDateTime
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ConflictError, NotFound, ValidationFailed

# Argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1), which
# OWASP rates as strong as the library's default of 64 MiB: a sign-in then takes 19 MiB for a moment
# instead of 64, so four sign-ins at once fit in a worker (issue 17: a worker ≤ 150 MiB). Hashes made
# with other parameters still verify and are re-made with these at the next sign-in.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash() -> str:
    """Verifying against a dummy hash keeps the timing the same for unknown e-mails. Made at the
    first sign-in, not at import: a hash takes argon2's memory for a moment, and would raise every
    worker's (and every CLI command's) peak memory by that much before it served anything."""
    return hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_session_token() -> str:
    return secrets.token_hex(16)


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."})


@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins allowed per window: `max_failures` for one account from one address,
    `wide_max_failures` for one account from anywhere or one address on any account. An address
    in `proxies` is every user's (nginx in front): it is never counted as a whole."""

    max_failures: int = 5
    lock_minutes: int = 15
    wide_max_failures: int = 20
    proxies: frozenset[str] = frozenset()

    def limits(self, email: str, ip: str) -> dict[str, int]:
        account = f"account:{email[:200]}"
        if not ip or ip in self.proxies:
            return {account: self.max_failures}
        ip = ip[:64]
        return {f"account-ip:{email[:200]}|{ip}": self.max_failures, account: self.wide_max_failures,
                f"ip:{ip}": self.wide_max_failures}


class LoginRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def reserve_attempt(session: Session, keys: list[str], now: datetime, window: timedelta) -> dict[str, int]:
    """Count this attempt as a failure under every key *before* the password is checked, one
    atomic upsert per key (INSERT … ON CONFLICT DO UPDATE … RETURNING, on SQLite and PostgreSQL)
    in a transaction of its own: parallel guesses each get their own number, so no more than the
    limit are ever evaluated, and no lock is held while the password hash is computed."""
    table = LoginThrottle.__table__
    engine = session.get_bind()
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    moment = literal(now, UTCDateTime())
    expired = table.c.window_started_at < literal(now - window, UTCDateTime())
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for key in sorted(keys):  # the same order everywhere: no deadlock between two attempts
            statement = insert(table).values(key=key, failures=1, window_started_at=now)
            statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "window_started_at": case((expired, moment), else_=table.c.window_started_at),
            }).returning(table.c.failures)
            counts[key] = connection.execute(statement).scalar_one()
    return counts


def forget_failures(session: Session, keys: list[str]) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))


def authenticate(
    session: Session, email: str, password: str, ip: str, now: datetime, throttle: Throttle
) -> User:
    """Returns the user, or raises LoginRefused with a Vietnamese message. Every attempt is audited.

    The message never tells a wrong password from an unknown or disabled account."""
    email = email.strip().lower()
    limits = throttle.limits(email, ip)
    counts = reserve_attempt(session, list(limits), now, timedelta(minutes=throttle.lock_minutes))
    if any(counts[key] > limit for key, limit in limits.items()):
        _record_attempt(session, email, ip, now, False, None, "login_locked")
        raise LoginRefused(
            f"Đăng nhập sai quá {throttle.max_failures} lần. Tài khoản hoặc máy này tạm bị khóa "
            f"{throttle.lock_minutes} phút; hãy thử lại sau."
        )
    user = session.scalar(select(User).where(User.email == email))
    valid = password_matches(user.password_hash if user else _dummy_hash(), password)
    if not (user and valid and user.is_active):
        _record_attempt(session, email, ip, now, False, user, "login_failed")
        raise LoginRefused("Sai địa chỉ e-mail hoặc mật khẩu.")
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # The account's own counts start over; the whole address keeps its count (password spraying).
    forget_failures(session, [key for key in limits if not key.startswith("ip:")])
    _record_attempt(session, email, ip, now, True, user, "login")
    return user


def _record_attempt(session, email, ip, now, succeeded, user, action) -> None:
    session.add(LoginAttempt(email=email[:200], ip_address=ip[:64], attempted_at=now, succeeded=succeeded))
    actor = Actor(user.id if user else None, email[:200] or "(trống)", ip)
    audit.record(
        session, actor, action, now=now, object_type="user", object_id=user.id if user else "",
        commune_id=user.organisation_id if user else None,
    )


def logout(session: Session, user: User, now: datetime, ip: str = "") -> None:
    """Invalidate every session of this user (the cookie's token stops matching)."""
    user.session_token = new_session_token()
    audit.record(session, Actor.of(user, ip), "logout", now=now, object_type="user",
                 object_id=user.id, commune_id=user.organisation_id)


def change_password(session: Session, user: User, current: str, new: str, now: datetime, ip: str = "") -> None:
    if not password_matches(user.password_hash, current):
        raise ValidationFailed({"current_password": "Mật khẩu hiện tại không đúng."})
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    audit.record(session, Actor.of(user, ip), "password_change", now=now, object_type="user",
                 object_id=user.id, commune_id=user.organisation_id)


def _validate_roles(roles: list[str]) -> list[Role]:
    try:
        parsed = sorted({Role(role) for role in roles})
    except ValueError:
        raise ValidationFailed({"roles": "Vai trò không hợp lệ."}) from None
    if not parsed:
        raise ValidationFailed({"roles": "Chọn ít nhất một vai trò."})
    return parsed


def _organisation_for(session: Session, code: str, roles: list[Role]) -> Organisation:
    org = session.scalar(select(Organisation).where(
        (Organisation.code == code) | (Organisation.slug == code)
    ))
    if org is None:
        raise ValidationFailed({"organisation": f"Không tìm thấy đơn vị hành chính có mã «{code}»."})
    if org.kind == "province" and set(roles) - {Role.OVERSEER, Role.ADMIN}:
        raise ValidationFailed({"organisation": "Tài khoản cấp tỉnh chỉ có vai trò giám sát hoặc quản trị."})
    return org


def create_user(
    session: Session, actor: Actor, *, email: str, name: str, password: str, roles: list[str],
    organisation_code: str, now: datetime, phone: str = "",
) -> User:
    email = email.strip().lower()
    errors: dict[str, str] = {}
    if "@" not in email or len(email) > 200:
        errors["email"] = "Địa chỉ e-mail không hợp lệ."
    elif session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = "Đã có tài khoản với e-mail này."
    if not name.strip():
        errors["name"] = "Nhập họ và tên."
    if errors:
        raise ValidationFailed(errors)
    check_password_strength(password)
    parsed_roles = _validate_roles(roles)
    org = _organisation_for(session, organisation_code, parsed_roles)
    user = User(
        email=email, name=name.strip()[:200], password_hash=hash_password(password),
        organisation_id=org.id, session_token=new_session_token(), phone=phone[:50],
        role_rows=[UserRole(role=role.value) for role in parsed_roles],
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", now=now, object_type="user", object_id=user.id,
                 commune_id=org.id, summary=email,
                 changes={"email": [None, email], "roles": [None, [r.value for r in parsed_roles]]})
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def _check_version(user: User, expected_version: int | None) -> None:
    if expected_version is not None and user.version != expected_version:
        raise ConflictError()


def update_user(
    session: Session, actor: Actor, user: User, *, name: str, roles: list[str], is_active: bool,
    now: datetime, expected_version: int | None = None, phone: str | None = None,
) -> User:
    """Role change or disabling invalidates the user's sessions."""
    _check_version(user, expected_version)
    if not name.strip():
        raise ValidationFailed({"name": "Nhập họ và tên."})
    parsed_roles = _validate_roles(roles)
    before = {"name": user.name, "roles": sorted(r.value for r in user.roles), "is_active": user.is_active}
    user.name = name.strip()[:200]
    if phone is not None:
        user.phone = phone[:50]
    if {r.value for r in parsed_roles} != set(before["roles"]):
        user.role_rows = [UserRole(role=role.value) for role in parsed_roles]
        user.session_token = new_session_token()
    if user.is_active != is_active:
        user.is_active = is_active
        user.session_token = new_session_token()
    after = {"name": user.name, "roles": [r.value for r in parsed_roles], "is_active": user.is_active}
    session.flush()
    audit.record(session, actor, "update", now=now, object_type="user", object_id=user.id,
                 commune_id=user.organisation_id, summary=user.email, changes=audit.diff(before, after))
    return user


def reset_password(session: Session, actor: Actor, user: User, new_password: str, now: datetime) -> None:
    check_password_strength(new_password, "password")
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    session.flush()
    audit.record(session, actor, "password_reset", now=now, object_type="user", object_id=user.id,
                 commune_id=user.organisation_id, summary=user.email)

"""Personal API tokens: issued to one user, named, scoped, expiring, shown once, kept as a hash.

A token acts as its user: what it reads and writes is the user's role and commune, never more;
its scopes can only narrow that (a "read" token of an officer cannot report an incident).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ir_app.i18n_markers import N_
from ir_app.models import ApiToken, User
from ir_app.services import audit
from ir_app.services.accounts import reserve_attempt as count_in_window  # the login throttle's atomic counter
from ir_app.services.audit import Actor
from ir_app.services.authz import Permission, has_permission
from ir_app.services.errors import ValidationFailed

TOKEN_PREFIX = "irt_"  # noqa: S105 - the public prefix of every token, not a secret
READ, INCIDENTS_WRITE, BACKUPS_WRITE = "read", "incidents:write", "backups:write"
# Each scope and the permission its user must hold for it to mean anything.
SCOPES: dict[str, Permission] = {
    READ: Permission.VIEW,
    INCIDENTS_WRITE: Permission.REPORT_INCIDENT,
    BACKUPS_WRITE: Permission.MANAGE_BACKUPS,
}
SCOPE_LABELS = {READ: N_("Đọc dữ liệu"), INCIDENTS_WRITE: N_("Báo sự cố, ghi diễn biến"),
                BACKUPS_WRITE: N_("Ghi lần sao lưu")}
MAX_NAME = 100
MAX_TOKENS_PER_USER = 20
MAX_EXPIRY_DAYS = 730
LAST_USE_PRECISION = timedelta(minutes=1)  # last use is written at most once a minute per token
_EXPIRY = re.compile(r"^(\d{1,4})([dwmy]?)$")
_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def parse_expiry(text: str | None) -> int | None:
    """"90d", "12w", "6m", "1y" or a number of days → days; "" or "never" → no expiry."""
    text = (text or "").strip().lower()
    if text in ("", "never", "khong", "không"):
        return None
    match = _EXPIRY.match(text)
    if not match or not text.isascii():
        raise ValidationFailed({"expires": "Thời hạn phải có dạng 90d, 12w, 6m, 1y (ngày, tuần, tháng, năm)."})
    days = int(match.group(1)) * _UNIT_DAYS[match.group(2)]
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed({"expires": f"Thời hạn từ 1 đến {MAX_EXPIRY_DAYS} ngày."})
    return days


def allowed_scopes(user: User) -> list[str]:
    """The scopes that mean something for this user's roles."""
    return [scope for scope, permission in SCOPES.items() if has_permission(user, permission)]


def create_token(session: Session, actor: Actor, user: User, name: str, scopes: list[str], now: datetime,
                 expires_in_days: int | None) -> IssuedToken:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        errors["name"] = f"Tên mã truy cập là bắt buộc, tối đa {MAX_NAME} ký tự."
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if not chosen or unknown:
        errors["scopes"] = "Chọn ít nhất một quyền trong: " + ", ".join(SCOPES) + "."
    elif not set(chosen) <= set(allowed_scopes(user)):
        errors["scopes"] = "Vai trò của tài khoản không cho phép quyền: " + ", ".join(
            sorted(set(chosen) - set(allowed_scopes(user)))) + "."
    if not user.is_active:
        errors["user"] = "Tài khoản đã bị khóa."
    if len(tokens_of(session, user, now, usable_only=True)) >= MAX_TOKENS_PER_USER:
        errors["name"] = f"Mỗi tài khoản có tối đa {MAX_TOKENS_PER_USER} mã còn hiệu lực; hãy thu hồi mã không dùng."
    if errors:
        raise ValidationFailed(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, secret_hash=hash_secret(secret), prefix=secret[:10],
                     scopes=chosen, created_at=now, last_used_ip="",
                     expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
    session.add(token)
    session.flush()
    audit.record(session, actor, "api_token_create", now=now, object_type="api_token", object_id=token.id,
                 commune_id=user.organisation_id,
                 summary=f"Tạo mã API «{name}» cho {user.email} ({', '.join(chosen)})"[:500])
    return IssuedToken(token, secret)


def tokens_of(session: Session, user: User, now: datetime, usable_only: bool = False) -> list[ApiToken]:
    tokens = list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                  .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
    return [token for token in tokens if token.is_usable(now)] if usable_only else tokens


def all_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(session: Session, actor: Actor, token: ApiToken, now: datetime) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = now
    audit.record(session, actor, "api_token_revoke", now=now, object_type="api_token", object_id=token.id,
                 commune_id=token.user.organisation_id,
                 summary=f"Thu hồi mã API «{token.name}» của {token.user.email}"[:500])


def authenticate(session: Session, secret: str, now: datetime, ip: str = "") -> ApiToken | None:
    """The usable token with this secret whose user is still active; records its last use."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret)))
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION or token.last_used_ip != ip[:64]:
        token.last_used_at, token.last_used_ip = now, ip[:64]
        session.commit()
    return token


def grants(token: ApiToken, scope: str) -> bool:
    """The token carries the scope and its user (today) holds the permission behind it."""
    return scope in token.scopes and has_permission(token.user, SCOPES[scope])


def within_rate_limit(session: Session, token: ApiToken, now: datetime, per_minute: int) -> bool:
    """One more request of this token in the current minute; False once over the limit."""
    key = f"api-token:{token.id}"
    return count_in_window(session, [key], now, timedelta(minutes=1))[key] <= per_minute


def actor_of(token: ApiToken, ip: str = "") -> Actor:
    """Writes made with a token are audited with the user and the token's name."""
    return Actor(token.user_id, f"{token.user.email} (mã API «{token.name}»)"[:200], ip)

"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) and one-time recovery codes.

Enrolment keeps a fresh secret on the user until a code from the phone proves it was scanned; only
then is the second factor enabled and ten recovery codes shown, once. A code is checked through the
same atomic throttle as passwords, and a code already accepted (same 30-second step) is refused.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ir_app.models import RecoveryCode, User
from ir_app.services import audit
from ir_app.services.accounts import LoginRefused, Throttle, forget_failures, new_session_token, reserve_attempt
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed

ISSUER = "ATTT xã"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied from paper
# Recovery codes are random (about 50 bits), not chosen by people: a light argon2 profile is enough,
# and a sign-in may have to try all ten hashes.
recovery_hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
# How many 30-second steps before and after now a code is still accepted (a phone clock a bit off).
VALID_WINDOW = 1


def is_required(user: User, required_roles: Iterable[str]) -> bool:
    """Policy (IR_TOTP_REQUIRED_ROLES): holders of these roles cannot sign in without a second factor."""
    wanted = set(required_roles)
    return any(role.value in wanted for role in user.roles)


def needs_second_factor(user: User, required_roles: Iterable[str]) -> bool:
    return user.totp_enabled or is_required(user, required_roles)


def new_secret() -> str:
    """A secret to scan. It stays in the browser session that shows it until a code proves the
    phone has it: nothing is written for the user before, so a secret someone else saw (with the
    password) is never the one the real user ends up with."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG (no image request, works offline); it holds only paths, no text from the user."""
    import segno  # only the enrolment page draws a QR code

    return segno.make(uri, error="m").svg_inline(scale=4, title="QR")


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isascii() and ch.isalnum())


def _matching_step(secret: str | None, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is, within the window; None if none matches."""
    if not (len(code) == 6 and code.isdigit() and secret):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, code: str, now: datetime, secret: str | None = None) -> bool:
    step = _matching_step(secret or user.totp_secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False  # wrong, or already used: a code seen over a shoulder cannot be replayed
    user.totp_last_step = step
    return True


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    if len(code) != 10:
        return False
    unused = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                        RecoveryCode.used_at.is_(None))).all()
    for row in unused:
        try:
            recovery_hasher.verify(row.code_hash, code)
        except (VerificationError, InvalidHashError):
            continue
        row.used_at = now
        return True
    return False


def _new_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=recovery_hasher.hash(code), created_at=now))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def remaining_recovery_codes(session: Session, user: User) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                            RecoveryCode.used_at.is_(None))).all())


def confirm_enrolment(session: Session, user: User, secret: str, code: str, now: datetime,
                      ip: str = "") -> list[str]:
    """Enables the second factor when `code` comes from the scanned `secret`; returns the recovery
    codes (shown once, never stored in clear)."""
    if user.totp_enabled:
        raise ValidationFailed({"code": "Xác thực hai bước đã được bật cho tài khoản này."})
    user.totp_last_step = None
    if not _accept_totp(user, _normalise(code), now, secret):
        raise ValidationFailed({"code": "Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trên ứng dụng."})
    user.totp_secret = secret
    user.totp_enabled_at = now
    codes = _new_recovery_codes(session, user, now)
    session.flush()
    audit.record(session, Actor.of(user, ip), "totp_enable", now=now, object_type="user", object_id=user.id,
                 commune_id=user.organisation_id, summary=user.email)
    return codes


def regenerate_recovery_codes(session: Session, user: User, now: datetime, ip: str = "") -> list[str]:
    if not user.totp_enabled:
        raise ValidationFailed({"code": "Xác thực hai bước chưa được bật."})
    codes = _new_recovery_codes(session, user, now)
    session.flush()
    audit.record(session, Actor.of(user, ip), "totp_recovery_codes", now=now, object_type="user",
                 object_id=user.id, commune_id=user.organisation_id, summary=user.email)
    return codes


def verify_sign_in(session: Session, user: User, code: str, ip: str, now: datetime, throttle: Throttle) -> str:
    """The second step of signing in: a current TOTP code or an unused recovery code. Returns which
    ("totp" or "recovery"); raises LoginRefused with a Vietnamese message. Throttled per account like
    passwords; every attempt is audited."""
    keys = [f"totp:{user.id}"]
    count = reserve_attempt(session, keys, now, timedelta(minutes=throttle.lock_minutes))[keys[0]]
    actor = Actor.of(user, ip)
    if count > throttle.max_failures:
        audit.record(session, actor, "totp_locked", now=now, object_type="user", object_id=user.id,
                     commune_id=user.organisation_id)
        raise LoginRefused(f"Nhập sai mã xác thực quá {throttle.max_failures} lần. Tài khoản tạm bị khóa "
                           f"{throttle.lock_minutes} phút; hãy thử lại sau.")
    normalised = _normalise(code)
    if _accept_totp(user, normalised, now):
        method = "totp"
    elif _use_recovery_code(session, user, normalised, now):
        method = "recovery"
    else:
        audit.record(session, actor, "totp_failed", now=now, object_type="user", object_id=user.id,
                     commune_id=user.organisation_id)
        raise LoginRefused("Mã xác thực không đúng hoặc đã được dùng.")
    forget_failures(session, keys)
    audit.record(session, actor, "login_second_factor", now=now, object_type="user", object_id=user.id,
                 commune_id=user.organisation_id, summary=method)
    return method


def disable(session: Session, actor: Actor, user: User, now: datetime, action: str = "totp_disable") -> None:
    """Turns the second factor off and ends every session of the user. By an admin (`totp_reset`,
    the user enrols again at the next sign-in if policy requires it) or by the user (only when
    policy does not require it: the view checks)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.session_token = new_session_token()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()
    audit.record(session, actor, action, now=now, object_type="user", object_id=user.id,
                 commune_id=user.organisation_id, summary=user.email)


def reset_by_admin(session: Session, actor: Actor, user: User, now: datetime) -> None:
    disable(session, actor, user, now, action="totp_reset")

"""E-mail delivery from the outbox: SMTP with retry, back-off, digests, and nothing lost.

How a row travels: `pending` → claimed (its `next_attempt_at` pushed into the future so no other
process takes it) → `sent`; or, when the server refuses that message, back to `pending` with an
exponential back-off, and `failed` after `max_attempts` (admins see those and can retry).

When the SMTP server cannot be reached at all, nothing is claimed and nothing is counted
against the messages: they simply stay due, and the next run (every minute) tries again. So an
outage of any length loses nothing, and the queue drains as soon as the server is back. The same
holds while no server is configured (IR_SMTP_HOST unset): the e-mails wait, they are not dropped.

Exactly once: the reminder side inserts one row per (key, recipient); the delivery side claims
each e-mail with a conditional UPDATE just before sending it (not the whole batch up front: a slow
server would let the batch outlive its claim, and the next run would send the rest again), so
racing or overlapping runs never send the same row twice. A process that dies between sending and
recording may resend that one message after the claim expires — SMTP offers no stronger promise;
a stable Message-ID lets mail clients drop the copy.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from ir_app.domain.reminders import retry_delay
from ir_app.models import User
from ir_app.models.notifications import Notification
from ir_app.services import audit
from ir_app.services.audit import Actor

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=10)
BATCH_SIZE = 200


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = "attt-xa@localhost"
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings:
        return cls(host=config.get("IR_SMTP_HOST", ""), port=int(config.get("IR_SMTP_PORT") or 25),
                   user=config.get("IR_SMTP_USER", ""), password=config.get("IR_SMTP_PASSWORD", ""),
                   sender=config.get("IR_SMTP_FROM") or "attt-xa@localhost",
                   starttls=bool(config.get("IR_SMTP_STARTTLS")))

    @property
    def enabled(self) -> bool:
        return bool(self.host)


class SmtpUnavailable(Exception):
    """The server could not be reached or refused the session: nothing was sent."""


def open_smtp(settings: SmtpSettings) -> smtplib.SMTP:
    """Connect, optionally STARTTLS, optionally log in. Raises SmtpUnavailable."""
    try:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            connection.ehlo()
            if settings.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if settings.user:
                connection.login(settings.user, settings.password)
        except BaseException:
            connection.close()
            raise
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpUnavailable(f"{type(error).__name__}: {error}") from error
    return connection


@dataclass
class DeliveryReport:
    sent: int = 0            # rows delivered (a digest e-mail delivers several)
    emails: int = 0          # e-mails handed to the server
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    smtp_down: str = ""
    waiting: int = 0         # due e-mails left pending because no SMTP server is configured
    unconfigured: bool = False
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.unconfigured:
            return (f"chưa cấu hình máy chủ thư (IR_SMTP_HOST): {self.waiting} thư chờ gửi, "
                    "sẽ gửi khi có máy chủ thư")
        if self.smtp_down:
            return f"máy chủ thư không truy cập được ({self.smtp_down}); thư vẫn chờ gửi"
        return (f"đã gửi {self.emails} thư ({self.sent} thông báo), chờ gửi lại {self.retrying}, "
                f"lỗi {self.failed}, bỏ qua {self.skipped}")


@dataclass(frozen=True)
class Envelope:
    """One e-mail: a single notification, or a user's digest of several."""

    rows: tuple[Notification, ...]

    @property
    def user(self):
        return self.rows[0].user


def deliver_due(session: Session, settings: SmtpSettings, now: datetime, *, base_url: str = "",
                max_attempts: int = DEFAULT_MAX_ATTEMPTS, batch_size: int = BATCH_SIZE,
                connect: Callable[[SmtpSettings], smtplib.SMTP] = open_smtp,
                clock: Callable[[], datetime] | None = None, claim_for: timedelta | None = None) -> DeliveryReport:
    """Send every e-mail that is due at `now`. Commits as it goes: each e-mail is its own unit of work.

    Each e-mail is claimed just before it is sent, until `clock()` + `claim_for` (`clock` reads the
    time as the run goes on; without one, `now` stands for it). A slow server may make one run last
    longer than a claim: the next run then takes the e-mails this one has not reached yet, and this
    one skips them when it gets there, so none goes out twice."""
    report = DeliveryReport()
    if not settings.enabled:  # the e-mails wait for a server, as during an outage
        report.unconfigured, report.waiting = True, count_due(session, now)
        return report
    candidates = _due_ids(session, now, batch_size)
    if not candidates:
        return report
    try:
        connection = connect(settings)
    except SmtpUnavailable as down:
        report.smtp_down = str(down)[:300]
        log.warning("SMTP unavailable, %d e-mails wait: %s", len(candidates), down)
        return report
    current, claim_for = clock or (lambda: now), claim_for or CLAIM_FOR
    try:
        for ids in _groups(session, candidates):
            envelope = _claim(session, ids, now, max(now, current()) + claim_for)
            if envelope is None:
                continue  # another run took it (and sends it)
            if not _send(session, connection, settings, envelope, now, base_url, max_attempts, report):
                break  # the connection broke: the rest waits for the next run, unclaimed
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return report


def _due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    return list(session.scalars(
        select(Notification.id).where(Notification.email_status == "pending", Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id).limit(limit)))


def count_due(session: Session, now: datetime) -> int:
    """E-mails waiting to go out at `now` (the operations page shows them)."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.email_status == "pending", Notification.next_attempt_at <= now)) or 0


def _groups(session: Session, ids: list[int]) -> list[tuple[int, ...]]:
    """The rows of each e-mail to send: one row alone, or a digest reader's rows together."""
    rows = session.execute(select(Notification.id, Notification.user_id, User.daily_digest)
                           .join(User, User.id == Notification.user_id)
                           .where(Notification.id.in_(ids)).order_by(Notification.id)).all()
    by_user: dict[int, list[int]] = defaultdict(list)
    groups = []
    for row in rows:
        if row.daily_digest:
            by_user[row.user_id].append(row.id)
        else:
            groups.append((row.id,))
    groups.extend(tuple(group) for group in by_user.values())
    return groups


def _claim(session: Session, ids: tuple[int, ...], now: datetime, until: datetime) -> Envelope | None:
    """Take the e-mail's rows, all or none, if no other process has; committed before sending.
    Returns them freshly read, or None when another run was first."""
    result = session.execute(
        update(Notification).where(Notification.id.in_(ids), Notification.email_status == "pending",
                                   Notification.next_attempt_at <= now)
        .values(next_attempt_at=until).execution_options(synchronize_session=False))
    if result.rowcount != len(ids):
        session.rollback()
        return None
    session.commit()
    rows = session.scalars(select(Notification).where(Notification.id.in_(ids))
                           .options(selectinload(Notification.user)).order_by(Notification.id)
                           .execution_options(populate_existing=True)).all()
    return Envelope(tuple(rows))


def _send(session: Session, connection: smtplib.SMTP, settings: SmtpSettings, envelope: Envelope, now: datetime,
          base_url: str, max_attempts: int, report: DeliveryReport) -> bool:
    """Send one claimed e-mail and record the outcome. False when the connection itself broke."""
    user = envelope.user
    if not user.is_active or not user.email_notifications:
        _finish(session, envelope, "skipped", now, "tài khoản đã khóa hoặc đã tắt e-mail")
        report.skipped += len(envelope.rows)
        return True
    try:
        connection.send_message(build_email(envelope, settings, now, base_url))
    except smtplib.SMTPServerDisconnected as error:
        _connection_lost(session, envelope, now, error, report)
        return False
    except smtplib.SMTPException as error:  # the server refused this e-mail: count it, back off
        _failed_attempt(session, envelope, now, f"{type(error).__name__}: {error}", max_attempts, report)
        return True
    except OSError as error:  # (SMTPException is an OSError too: this clause must come after it)
        _connection_lost(session, envelope, now, error, report)
        return False
    _finish(session, envelope, "sent", now)
    report.sent += len(envelope.rows)
    report.emails += 1
    return True


def _connection_lost(session: Session, envelope: Envelope, now: datetime, error: Exception,
                     report: DeliveryReport) -> None:
    """The connection itself broke: this e-mail and the rest wait for the next run, uncounted."""
    _release(session, envelope, now)
    report.smtp_down = f"{type(error).__name__}: {error}"[:300]


def _finish(session: Session, envelope: Envelope, status: str, now: datetime, reason: str = "") -> None:
    for row in envelope.rows:
        row.email_status, row.last_error = status, reason[:500]
        row.sent_at = now if status == "sent" else None
        row.attempts += 1 if status == "sent" else 0
    session.commit()


def _failed_attempt(session: Session, envelope: Envelope, now: datetime, reason: str, max_attempts: int,
                    report: DeliveryReport) -> None:
    for row in envelope.rows:
        row.attempts += 1
        row.last_error = reason[:500]
        if row.attempts >= max_attempts:
            row.email_status = "failed"
            report.failed += 1
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
            report.retrying += 1
    report.errors.append(reason)
    session.commit()


def _release(session: Session, envelope: Envelope, now: datetime) -> None:
    for row in envelope.rows:
        row.next_attempt_at = now
    session.commit()


# --- The e-mail itself ---------------------------------------------------------------------------

def build_email(envelope: Envelope, settings: SmtpSettings, now: datetime, base_url: str = "") -> MIMEText:
    """A plain-text UTF-8 e-mail. The Subject is encoded with `Header`: the modern email API folds
    long Vietnamese subjects into encoded words that drop the spaces between them."""
    user = envelope.user
    domain = settings.sender.rpartition("@")[2] or "attt-xa.local"
    rows = envelope.rows
    if len(rows) == 1:
        subject = f"[ATTT xã] {rows[0].subject}"
        # Stable per notification: a copy resent after a crash is recognised by mail clients.
        message_id = f"<notification-{rows[0].id}@{domain}>"
        body = _describe(rows[0], base_url)
    else:
        subject = f"[ATTT xã] Tổng hợp {len(rows)} thông báo"
        message_id = f"<digest-{user.id}-{rows[0].id}-{rows[-1].id}@{domain}>"
        body = "\n\n".join(f"{number}. {_describe(row, base_url)}" for number, row in enumerate(rows, 1))
    footer = ("\n\n—\nThư tự động từ ATTT xã. Xem và đổi cách nhận thông báo tại "
              f"{_absolute(base_url, '/notifications/settings')}.")
    message = MIMEText(f"Kính gửi {user.name},\n\n{body}{footer}\n", "plain", "utf-8")
    message["Subject"] = Header(subject, "utf-8")
    message["From"] = settings.sender
    message["To"] = user.email
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    return message


def _describe(row: Notification, base_url: str) -> str:
    parts = [row.subject]
    if row.body:
        parts.append(row.body)
    if row.link:
        parts.append(f"Xem: {_absolute(base_url, row.link)}")
    return "\n".join(parts)


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else path


# --- Admin actions -------------------------------------------------------------------------------

def retry_failed(session: Session, actor: Actor, notification: Notification, now: datetime) -> Notification:
    """An admin sends a failed e-mail again (after fixing the address or the server)."""
    notification.email_status, notification.attempts = "pending", 0
    notification.next_attempt_at, notification.last_error = now, ""
    session.flush()
    audit.record(session, actor, "retry", now=now, object_type="notification", object_id=notification.id,
                 commune_id=notification.commune_id, summary=notification.subject)
    return notification

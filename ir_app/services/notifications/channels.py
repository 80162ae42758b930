"""Alerts to phones and other systems through the outbox: webhook, Telegram, Zalo OA.

The reminder side (`outbox.notify`) queues one `ChannelDelivery` per (key, endpoint) beside the
e-mail rows; the unique constraint makes it exactly once. The delivery side claims each row with a
conditional UPDATE just before posting it, as the e-mail side does, so overlapping runs never post
the same row twice. A channel that is down (no connection, HTTP 5xx or 429) costs nothing: the row
waits a few minutes and is tried again, without limit, so an outage of any length loses nothing.
A channel that refuses the message itself (HTTP 4xx) counts an attempt; after `max_attempts` the
row is `failed` and the admins see it. While a channel's credentials are not configured (no bot
token), its rows simply wait.
"""
from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from ir_app.domain.channels import (
    TOPICS,
    AddressError,
    Outcome,
    chat_text,
    check_address,
    classify_status,
    topic_of,
    wants,
    webhook_signature,
)
from ir_app.domain.reminders import retry_delay
from ir_app.domain.text import clean_text
from ir_app.models import Organisation, User
from ir_app.models.channels import ChannelDelivery, ChannelEndpoint
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.notifications.once import insert_once

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=10)
BATCH_SIZE = 200
# A channel that is down is tried again soon: an incident clock must reach the phone within minutes
# of the channel coming back, not hours. (Only the first row of a down endpoint waits for the timeout
# in a run; the others of that endpoint are put back at once.)
DOWN_RETRY = timedelta(minutes=2)
# Zalo OA answers HTTP 200 with an error code; these mean "the OA token is invalid or expired":
# the admin renews it, and the waiting messages go then.
ZALO_TOKEN_ERRORS = frozenset({-216, -124, -220})


@dataclass(frozen=True)
class ChannelSettings:
    telegram_token: str = ""
    telegram_base: str = "https://api.telegram.org"
    zalo_token: str = ""
    zalo_base: str = "https://openapi.zalo.me"
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping) -> ChannelSettings:
        return cls(telegram_token=config.get("IR_TELEGRAM_BOT_TOKEN", ""),
                   telegram_base=config.get("IR_TELEGRAM_API_BASE") or cls.telegram_base,
                   zalo_token=config.get("IR_ZALO_OA_ACCESS_TOKEN", ""),
                   zalo_base=config.get("IR_ZALO_API_BASE") or cls.zalo_base)

    def configured(self, kind: str) -> bool:
        return {"webhook": True, "telegram": bool(self.telegram_token), "zalo": bool(self.zalo_token)}[kind]

    @property
    def configured_kinds(self) -> list[str]:
        return [kind for kind in ("webhook", "telegram", "zalo") if self.configured(kind)]


# --- Endpoints: who receives what, where ---------------------------------------------------------

def add_endpoint(session: Session, actor: Actor, *, kind: str, address: str, label: str, topics: Iterable[str],
                 now: datetime, user: User | None = None, commune: Organisation | None = None) -> ChannelEndpoint:
    """A user's own channel or a commune's shared one. Webhooks get a fresh signing secret."""
    try:
        address = check_address(kind, clean_text(address))
    except AddressError as error:
        raise ValidationFailed({"address": str(error)}) from error
    chosen = sorted(set(topics) & set(TOPICS))
    endpoint = ChannelEndpoint(kind=kind, address=address, label=clean_text(label)[:120], topics=",".join(chosen),
                               user_id=user.id if user else None, commune_id=commune.id if commune else None,
                               secret=secrets.token_hex(32) if kind == "webhook" else "", created_at=now)
    session.add(endpoint)
    session.flush()
    _audit(session, actor, "create", endpoint, now)
    return endpoint


def remove_endpoint(session: Session, actor: Actor, endpoint: ChannelEndpoint, now: datetime) -> None:
    _audit(session, actor, "delete", endpoint, now)
    session.delete(endpoint)
    session.flush()


def _audit(session: Session, actor: Actor, action: str, endpoint: ChannelEndpoint, now: datetime) -> None:
    owner = f"user {endpoint.user_id}" if endpoint.user_id else f"commune {endpoint.commune_id}"
    audit.record(session, actor, action, now=now, object_type="channel_endpoint", object_id=endpoint.id,
                 commune_id=endpoint.commune_id, summary=f"{endpoint.kind} {endpoint.label} ({owner})")


def endpoints_of_user(session: Session, user_id: int) -> list[ChannelEndpoint]:
    return list(session.scalars(select(ChannelEndpoint).where(ChannelEndpoint.user_id == user_id)
                                .order_by(ChannelEndpoint.id)))


def endpoints_of_commune(session: Session, commune_id: int) -> list[ChannelEndpoint]:
    return list(session.scalars(select(ChannelEndpoint).where(ChannelEndpoint.commune_id == commune_id)
                                .order_by(ChannelEndpoint.id)))


# --- Queueing (called by outbox.notify) ------------------------------------------------------------

@dataclass(frozen=True)
class Queued:
    """One message to queue on phones and other systems: its recipients' channels and its commune's."""
    key: str
    kind: str
    subject: str
    body: str
    link: str
    user_ids: tuple[int, ...]
    commune_id: int | None


def enqueue(session: Session, *, key: str, kind: str, subject: str, body: str, link: str,
            user_ids: Iterable[int], commune_id: int | None, now: datetime) -> int:
    """Queue the message for every enabled endpoint of these users and of the commune that wants
    its topic. Returns how many deliveries were added (0 for those already queued)."""
    return enqueue_many(session, [Queued(key, kind, subject, body, link, tuple(user_ids), commune_id)], now)


def enqueue_many(session: Session, messages: Iterable[Queued], now: datetime) -> int:
    """`enqueue` for many messages: one look-up of the endpoints and one insert per few hundred rows."""
    messages = list(messages)
    by_user, by_commune = _enabled_endpoints(session, {user_id for m in messages for user_id in m.user_ids},
                                             {m.commune_id for m in messages if m.commune_id is not None})
    rows = []
    for message in messages:
        endpoints = {endpoint.id: endpoint for user_id in message.user_ids for endpoint in by_user.get(user_id, ())}
        endpoints.update((endpoint.id, endpoint) for endpoint in by_commune.get(message.commune_id, ()))
        rows.extend(dict(
            dedup_key=message.key, endpoint_id=endpoint.id, commune_id=message.commune_id, kind=message.kind,
            subject=message.subject[:300], body=message.body, link=message.link[:500], created_at=now,
            status="pending", attempts=0, next_attempt_at=now, last_error="")
            for endpoint in sorted(endpoints.values(), key=lambda endpoint: endpoint.id)
            if wants(endpoint.topic_set, message.kind))
    return insert_once(session, ChannelDelivery.__table__, rows, ["dedup_key", "endpoint_id"])


KEYS_PER_LOOKUP = 500


def _enabled_endpoints(session: Session, user_ids: set[int], commune_ids: set[int]
                       ) -> tuple[dict[int, list[ChannelEndpoint]], dict[int, list[ChannelEndpoint]]]:
    """Enabled endpoints of these users and communes, by owner: one statement per 500 owners."""
    by_user: dict[int, list[ChannelEndpoint]] = {}
    by_commune: dict[int, list[ChannelEndpoint]] = {}
    for column, ids, found in ((ChannelEndpoint.user_id, sorted(user_ids), by_user),
                               (ChannelEndpoint.commune_id, sorted(commune_ids), by_commune)):
        for start in range(0, len(ids), KEYS_PER_LOOKUP):
            for endpoint in session.scalars(select(ChannelEndpoint).where(
                    ChannelEndpoint.enabled.is_(True), column.in_(ids[start:start + KEYS_PER_LOOKUP]))):
                found.setdefault(getattr(endpoint, column.key), []).append(endpoint)
    return by_user, by_commune


def _insert_once(session: Session, values: dict) -> int:
    return insert_once(session, ChannelDelivery.__table__, [values], ["dedup_key", "endpoint_id"])


def queue_test(session: Session, actor: Actor, endpoint: ChannelEndpoint, now: datetime) -> None:
    """A test message, so the user sees the channel works (it goes with the next run, within a minute)."""
    _insert_once(session, dict(
        dedup_key=f"channel-test:{endpoint.id}:{now.isoformat()}", endpoint_id=endpoint.id,
        commune_id=endpoint.commune_id, kind="channel_test", subject="Tin nhắn thử từ ATTT xã",
        body="Kênh nhận thông báo này đã hoạt động.", link="", created_at=now, status="pending", attempts=0,
        next_attempt_at=now, last_error=""))
    audit.record(session, actor, "test", now=now, object_type="channel_endpoint", object_id=endpoint.id,
                 commune_id=endpoint.commune_id, summary=endpoint.kind)


# --- Delivery (the scheduler's outbox job) --------------------------------------------------------

@dataclass
class ChannelReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    down: set[int] = field(default_factory=set)    # endpoints found down in this run
    waiting: int = 0                                # rows of channels without credentials

    def summary(self) -> str:
        text = f"kênh điện thoại/webhook: đã gửi {self.sent}, chờ gửi lại {self.retrying}, lỗi {self.failed}"
        if self.down:
            text += f", {len(self.down)} kênh không truy cập được"
        if self.waiting:
            text += f", {self.waiting} tin chờ cấu hình kênh"
        return text


def deliver_due(session: Session, settings: ChannelSettings, now: datetime, *, base_url: str = "",
                max_attempts: int = DEFAULT_MAX_ATTEMPTS, batch_size: int = BATCH_SIZE,
                transport: httpx.BaseTransport | None = None) -> ChannelReport:
    """Post every delivery due at `now`; commits as it goes (each delivery is its own unit of work)."""
    import httpx  # loaded by the job that posts, not by every web worker

    report = ChannelReport()
    rows = session.execute(
        select(ChannelDelivery.id, ChannelEndpoint.kind).join(ChannelEndpoint)
        .where(ChannelDelivery.status == "pending", ChannelDelivery.next_attempt_at <= now)
        .order_by(ChannelDelivery.next_attempt_at, ChannelDelivery.id).limit(batch_size)).all()
    if not rows:
        return report
    with httpx.Client(timeout=settings.timeout, transport=transport, follow_redirects=False) as client:
        for row in rows:
            if not settings.configured(row.kind):
                report.waiting += 1
                continue
            delivery = _claim(session, row.id, now)
            if delivery is None or delivery.endpoint_id in report.down:
                if delivery is not None:
                    _retry_later(session, delivery, now, "kênh không truy cập được", report)
                continue
            outcome = _post(client, settings, delivery, base_url, now)
            _record(session, delivery, outcome, now, max_attempts, report)
    return report


def _claim(session: Session, delivery_id: int, now: datetime) -> ChannelDelivery | None:
    result = session.execute(
        update(ChannelDelivery).where(ChannelDelivery.id == delivery_id, ChannelDelivery.status == "pending",
                                      ChannelDelivery.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_FOR).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        return None
    session.commit()
    return session.scalars(select(ChannelDelivery).where(ChannelDelivery.id == delivery_id)
                           .options(selectinload(ChannelDelivery.endpoint))
                           .execution_options(populate_existing=True)).one()


def _record(session: Session, delivery: ChannelDelivery, outcome: Outcome, now: datetime, max_attempts: int,
            report: ChannelReport) -> None:
    if outcome.ok:
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, ""
        delivery.attempts += 1
        report.sent += 1
    elif outcome.transient:
        report.down.add(delivery.endpoint_id)
        _retry_later(session, delivery, now, outcome.error, report)
        return
    else:
        delivery.attempts += 1
        delivery.last_error = outcome.error[:500]
        if delivery.attempts >= max_attempts:
            delivery.status = "failed"
            report.failed += 1
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            report.retrying += 1
    session.commit()


def _retry_later(session: Session, delivery: ChannelDelivery, now: datetime, error: str,
                 report: ChannelReport) -> None:
    """The channel is down: try again soon, without counting it against the message."""
    delivery.last_error = error[:500]
    delivery.next_attempt_at = now + DOWN_RETRY
    report.retrying += 1
    session.commit()


def _post(client: httpx.Client, settings: ChannelSettings, delivery: ChannelDelivery, base_url: str,
          now: datetime) -> Outcome:
    import httpx

    sender = {"webhook": _post_webhook, "telegram": _post_telegram, "zalo": _post_zalo}[delivery.endpoint.kind]
    try:
        return sender(client, settings, delivery, base_url, now)
    except httpx.HTTPError as error:
        return Outcome(False, f"{type(error).__name__}: {error}"[:300], transient=True)


def _absolute(base_url: str, link: str) -> str:
    return f"{base_url.rstrip('/')}{link}" if base_url and link.startswith("/") else link


def _post_webhook(client: httpx.Client, settings: ChannelSettings, delivery: ChannelDelivery, base_url: str,
                  now: datetime) -> Outcome:
    endpoint = delivery.endpoint
    body = json.dumps({
        "id": delivery.id, "key": delivery.dedup_key, "kind": delivery.kind, "topic": topic_of(delivery.kind),
        "subject": delivery.subject, "body": delivery.body, "link": _absolute(base_url, delivery.link),
        "commune_id": delivery.commune_id, "created_at": delivery.created_at.isoformat(),
    }, ensure_ascii=False).encode()
    timestamp = str(int(now.timestamp()))
    response = client.post(endpoint.address, content=body, headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "ATTT-xa",
        "X-ATTT-Delivery": str(delivery.id), "X-ATTT-Event": delivery.kind, "X-ATTT-Timestamp": timestamp,
        "X-ATTT-Signature": webhook_signature(endpoint.secret, timestamp, body)})
    return classify_status(response.status_code)


def _post_telegram(client: httpx.Client, settings: ChannelSettings, delivery: ChannelDelivery, base_url: str,
                   now: datetime) -> Outcome:
    url = f"{settings.telegram_base.rstrip('/')}/bot{settings.telegram_token}/sendMessage"
    response = client.post(url, json={"chat_id": delivery.endpoint.address, "disable_web_page_preview": True,
                                      "text": chat_text(delivery.subject, delivery.body,
                                                        _absolute(base_url, delivery.link))})
    outcome = classify_status(response.status_code)
    if outcome.ok and not _json(response).get("ok", False):
        return Outcome(False, "Telegram: ok=false")
    return outcome


def _post_zalo(client: httpx.Client, settings: ChannelSettings, delivery: ChannelDelivery, base_url: str,
               now: datetime) -> Outcome:
    address = delivery.endpoint.address
    group = address.startswith("group:")
    path = "/v3.0/oa/group/message" if group else "/v3.0/oa/message/cs"
    recipient = {"group_id": address.removeprefix("group:")} if group else {"user_id": address}
    response = client.post(settings.zalo_base.rstrip("/") + path, headers={"access_token": settings.zalo_token},
                           json={"recipient": recipient, "message": {"text": chat_text(
                               delivery.subject, delivery.body, _absolute(base_url, delivery.link))}})
    outcome = classify_status(response.status_code)
    if not outcome.ok:
        return outcome
    error = _json(response).get("error", -1)
    if error == 0:
        return outcome
    return Outcome(False, f"Zalo OA: error {error}", transient=error in ZALO_TOKEN_ERRORS)


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def failed_deliveries(session: Session, commune_ids: Iterable[int] | None = None, limit: int = 50):
    query = (select(ChannelDelivery).where(ChannelDelivery.status == "failed")
             .options(selectinload(ChannelDelivery.endpoint)).order_by(ChannelDelivery.id.desc()).limit(limit))
    if commune_ids is not None:
        query = query.where(ChannelDelivery.commune_id.in_(list(commune_ids)))
    return list(session.scalars(query))

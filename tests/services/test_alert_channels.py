"""Reminders reach phones and other systems (Telegram, Zalo OA, a webhook) through the outbox:
exactly once across runs, nothing lost while a channel is down."""
from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from ir_app.domain.channels import AddressError, check_address, topic_of, wants, webhook_signature
from ir_app.jobs.runner import run_due
from ir_app.models import Role
from ir_app.models.channels import ChannelDelivery
from ir_app.services.audit import Actor
from ir_app.services.errors import ValidationFailed
from ir_app.services.notifications import channels
from ir_app.services.notifications.outbox import Message, notify
from tests.channel_support import channel_server  # noqa: F401
from tests.ops_support import hanoi, job_env, make_plan, make_system

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def _actor(user):
    return Actor.of(user)


def _endpoints(session, officer, commune, server):
    now = hanoi(2026, 11, 26, 8, 0)
    phone = channels.add_endpoint(session, _actor(officer), kind="telegram", address="987654321", label="Điện thoại",
                                  topics=["backups", "incidents"], now=now, user=officer)
    group = channels.add_endpoint(session, _actor(officer), kind="zalo", address="group:g123", label="Nhóm xã",
                                  topics=[], now=now, commune=commune)
    hook = channels.add_endpoint(session, _actor(officer), kind="webhook", address=server.url + "/hook",
                                 label="Giám sát", topics=["backups"], now=now, commune=commune)
    session.commit()
    return phone, group, hook


def test_each_reminder_kind_belongs_to_a_topic_and_an_empty_choice_means_everything():
    assert topic_of("incident_clock") == topic_of("quick_report") == topic_of("incident_task") == "incidents"
    assert topic_of("backup_overdue") == "backups" and topic_of("dossier_step") == "dossiers"
    assert wants(frozenset(), "backup_overdue") and not wants(frozenset({"incidents"}), "backup_overdue")


@pytest.mark.parametrize("kind, address", [("telegram", "số điện thoại"), ("zalo", "a b"),
                                           ("webhook", "ftp://x"), ("webhook", "javascript:alert(1)")])
def test_an_address_that_cannot_work_is_refused_in_vietnamese(kind, address):
    with pytest.raises(AddressError) as refused:
        check_address(kind, address)
    assert any(word in str(refused.value) for word in ("phải", "chỉ gồm", "là một số"))


def test_the_webhook_signature_is_what_a_receiver_recomputes():
    body = '{"subject": "Sự cố"}'.encode()
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhook_signature("k", "1700000000", body) == "sha256=" + expected


def test_a_reminder_is_queued_once_per_endpoint_that_wants_its_topic(app, session, commune, officer, channel_server):
    phone, group, hook = _endpoints(session, officer, commune, channel_server)
    now = hanoi(2026, 11, 26, 9, 0)
    message = Message(key="backup:1:overdue", kind="backup_overdue", subject="Sao lưu quá hạn")
    notify(session, message, [officer], now, commune.id)
    notify(session, message, [officer], now, commune.id)  # a second sweep of the same item
    dossier = Message(key="dossier:1:due", kind="dossier_due", subject="Hồ sơ đến hạn")
    notify(session, dossier, [officer], now, commune.id)
    session.commit()
    queued = Counter((row.dedup_key, row.endpoint_id) for row in session.scalars(select(ChannelDelivery)))
    assert queued == Counter({("backup:1:overdue", phone.id): 1, ("backup:1:overdue", group.id): 1,
                              ("backup:1:overdue", hook.id): 1, ("dossier:1:due", group.id): 1})


def test_run_due_twice_and_an_outage_deliver_each_alert_exactly_once(app, session, commune, officer, channel_server):
    _endpoints(session, officer, commune, channel_server)
    system = make_system(session, commune)
    make_plan(session, system, responsible=officer)
    now = hanoi(2026, 11, 26, 10, 15)  # the 25/11 22:00 backup is overdue
    env = job_env(app)
    channel_server.stop()  # the channels are down when the reminder is first swept
    run_due(env, now)
    assert channel_server.received == []
    pending = list(session.scalars(select(ChannelDelivery)))
    assert pending and {row.status for row in pending} == {"pending"} and {row.attempts for row in pending} == {0}
    channel_server.start()
    run_due(env, now + timedelta(minutes=3))
    run_due(env, now + timedelta(minutes=4))
    run_due(env, now + timedelta(minutes=30))
    per_channel = Counter((item.path.split("/")[-1], item.text.splitlines()[0]) for item in channel_server.received)
    backup = [(path, text) for path, text in per_channel if "Sao lưu quá hạn" in text]
    assert {path for path, _ in backup} == {"sendMessage", "message", "hook"}
    assert set(per_channel.values()) == {1}


def test_the_webhook_is_signed_and_carries_an_absolute_link(app, session, commune, officer, channel_server):
    _, _, hook = _endpoints(session, officer, commune, channel_server)
    now = hanoi(2026, 11, 26, 9, 0)
    notify(session, Message(key="backup:9:overdue", kind="backup_overdue", subject="Sao lưu quá hạn",
                            link="/backups/9"), [officer], now, commune.id)
    session.commit()
    report = channels.deliver_due(session, channels.ChannelSettings.from_config(app.config), now,
                                  base_url="https://attt.example.vn")
    assert report.sent == 3
    (received,) = channel_server.to("/hook")
    headers = {key.lower(): value for key, value in received.headers.items()}
    assert headers["x-attt-signature"] == webhook_signature(hook.secret, headers["x-attt-timestamp"], received.body)
    assert received.json["link"] == "https://attt.example.vn/backups/9"
    assert received.json["subject"] == "Sao lưu quá hạn"


def test_a_refused_message_is_retried_with_back_off_then_failed(app, session, commune, officer, channel_server):
    phone = channels.add_endpoint(session, _actor(officer), kind="telegram", address="1", label="", topics=[],
                                  now=hanoi(2026, 11, 26, 8, 0), user=officer)
    notify(session, Message(key="k", kind="incident_clock", subject="Thời hạn báo cáo"), [officer],
           hanoi(2026, 11, 26, 9, 0), commune.id)
    session.commit()
    channel_server.status = 400  # e.g. the bot was removed from the chat
    settings = channels.ChannelSettings.from_config(app.config)
    at = hanoi(2026, 11, 26, 9, 0)
    for _ in range(3):
        channels.deliver_due(session, settings, at, max_attempts=3)
        at += timedelta(hours=7)
    row = session.scalar(select(ChannelDelivery).where(ChannelDelivery.endpoint_id == phone.id))
    assert row.status == "failed" and row.attempts == 3 and row.last_error == "HTTP 400"


def test_a_channel_without_credentials_keeps_its_messages_waiting(app, session, commune, officer, channel_server):
    channels.add_endpoint(session, _actor(officer), kind="zalo", address="u1", label="", topics=[],
                          now=hanoi(2026, 11, 26, 8, 0), user=officer)
    notify(session, Message(key="k2", kind="quick_report", subject="Báo cáo nhanh"), [officer],
           hanoi(2026, 11, 26, 9, 0), commune.id)
    session.commit()
    report = channels.deliver_due(session, channels.ChannelSettings(), hanoi(2026, 11, 26, 9, 1))
    assert report.waiting == 1 and channel_server.received == []
    assert session.scalar(select(ChannelDelivery.status)) == "pending"


def test_an_unusable_address_is_a_field_error(app, session, officer):
    with pytest.raises(ValidationFailed) as refused:
        channels.add_endpoint(session, _actor(officer), kind="telegram", address="abc def", label="", topics=[],
                              now=hanoi(2026, 11, 26, 8, 0), user=officer)
    assert "address" in refused.value.errors

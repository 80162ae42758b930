"""Reminders go into the outbox in batches (a multi-row insert per few hundred recipients), still
exactly once per (key, recipient) and per (key, channel): when the same pass runs twice, when two
sessions queue the same batch at the same time, and a steady pass reads a fixed number of statements
whatever the number of due items."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, func, select

from ir_app.jobs.registry import JOBS_BY_ID
from ir_app.jobs.runner import run_job
from ir_app.models import Notification, Role, User
from ir_app.models.channels import ChannelDelivery
from ir_app.models.risks import Risk
from ir_app.services.audit import Actor
from ir_app.services.notifications import channels
from ir_app.services.notifications.once import ROWS_PER_STATEMENT
from ir_app.services.notifications.outbox import Addressed, Message, notify_many
from tests.ops_support import hanoi, job_env, make_system

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
MESSAGES = 250  # × 3 users: 750 rows, several insert statements


@pytest.fixture
def officers(session, commune, make_user):
    users = [make_user(Role.OFFICER, organisation=commune) for _ in range(3)]
    actor = Actor.system("test")
    channels.add_endpoint(session, actor, kind="webhook", address="https://hooks.example.test/commune", label="Xã",
                          topics=[], now=NOW, commune=commune)
    channels.add_endpoint(session, actor, kind="webhook", address="https://hooks.example.test/officer",
                          label="Cán bộ", topics=["dossiers"], now=NOW, user=users[0])
    session.commit()
    return [user.id for user in users]


def queue_batch(session, commune_id: int, user_ids: list[int]) -> int:
    users = tuple(session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id)))
    return notify_many(session, [Addressed(Message(key=f"batch:{n}", kind="dossier_due", subject=f"Hạn {n}"),
                                           users, commune_id) for n in range(MESSAGES)], NOW)


def outbox_counts(session) -> tuple[int, int, int, int]:
    session.expire_all()
    rows = session.scalar(select(func.count()).select_from(Notification).where(Notification.dedup_key.like("batch:%")))
    pairs = session.scalar(select(func.count(func.distinct(Notification.dedup_key + ":" + func.cast(
        Notification.user_id, Notification.dedup_key.type)))).where(Notification.dedup_key.like("batch:%")))
    deliveries = session.scalar(select(func.count()).select_from(ChannelDelivery).where(
        ChannelDelivery.dedup_key.like("batch:%")))
    endpoints_per_key = session.scalar(select(func.count(func.distinct(ChannelDelivery.endpoint_id))))
    return rows, pairs, deliveries, endpoints_per_key


def test_a_batch_queued_twice_is_queued_once(session, commune, officers):
    assert MESSAGES * len(officers) > 2 * ROWS_PER_STATEMENT
    assert queue_batch(session, commune.id, officers) == MESSAGES * len(officers)
    session.commit()
    assert queue_batch(session, commune.id, officers) == 0
    session.commit()
    # Each message once per officer, and once on each channel: the commune's and the first officer's.
    assert outbox_counts(session) == (MESSAGES * 3, MESSAGES * 3, MESSAGES * 2, 2)


def test_two_sessions_queueing_the_same_batch_at_once_queue_it_once(app, session, commune, officers):
    factory = job_env(app).session_factory
    barrier = threading.Barrier(2)
    added, errors = [], []

    def racer():
        racing = factory()
        try:
            barrier.wait()
            added.append(queue_batch(racing, commune.id, officers))
            racing.commit()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
            racing.rollback()
        finally:
            racing.close()

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # The unique key decides: whichever session came second added nothing the first had added.
    assert sum(added) == MESSAGES * 3
    assert outbox_counts(session) == (MESSAGES * 3, MESSAGES * 3, MESSAGES * 2, 2)


def add_risks(session, commune, system, owner_id: int, count: int, first: int) -> None:
    for n in range(first, first + count):
        session.add(Risk(commune_id=commune.id, system_id=system.id, title=f"Rủi ro {n}", likelihood=2, impact=2,
                         residual_likelihood=2, residual_impact=2, treatment="accept", owner_id=owner_id,
                         accepted_by="Chủ tịch UBND xã", accepted_reason="Chấp nhận",
                         accepted_until=date(2027, 3, 31), created_at=NOW, updated_at=NOW))
    session.commit()


def statements_of(app, job_id: str, now: datetime) -> tuple[int, str]:
    engine = app.extensions["ir_engine"]
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        outcome = run_job(job_env(app), JOBS_BY_ID[job_id], now)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert outcome.ok, outcome.summary
    return len(statements), outcome.summary


def test_reminder_statements_stay_constant_in_the_number_of_due_items(app, session, commune, make_user):
    officer = make_user(Role.OFFICER, organisation=commune)
    owners = [make_user(Role.STAFF, organisation=commune) for _ in range(2)]
    system = make_system(session, commune)
    now = hanoi(2027, 3, 1, 9, 0)  # 30 days before the acceptances run out
    statements_of(app, "reminders.deadlines", now)  # the day's other reminders (training …), out of the way
    first, steady = [], []
    for count, start, owner in ((2, 0, owners[0]), (12, 2, owners[1])):
        add_risks(session, commune, system, owner.id, count, start)
        first.append(statements_of(app, "reminders.deadlines", now))
        steady.append(statements_of(app, "reminders.deadlines", now))
        # The steady pass finds every reminder already queued.
        assert ", 0 mục mới, 0 thông báo" in steady[-1][1]
    assert ", 2 mục mới" in first[0][1] and ", 12 mục mới" in first[1][1]
    assert first[0][0] == first[1][0], first
    assert steady[0][0] == steady[1][0], steady
    reminded = session.scalars(select(Notification.user_id).where(Notification.dedup_key.like("risk:%"))).all()
    assert sorted(reminded) == sorted([officer.id] * 14 + [owners[0].id] * 2 + [owners[1].id] * 12)

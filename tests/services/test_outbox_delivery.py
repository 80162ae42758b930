"""E-mail delivery from the outbox through a real local SMTP server, with a controlled clock."""
from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from ir_app.jobs.registry import JOBS_BY_ID
from ir_app.jobs.runner import run_job
from ir_app.models import Notification, Role
from ir_app.services.audit import Actor
from ir_app.services.notifications import delivery
from ir_app.services.notifications.delivery import SmtpSettings, deliver_due
from ir_app.services.notifications.outbox import Message, notify
from tests.ops_support import SmtpSink, hanoi, job_env, smtp  # noqa: F401  (fixture)


def settings_for(app) -> SmtpSettings:
    return SmtpSettings.from_config(app.config)


def queue(session, users, now, key="backup-plan:1:missed:x:due-0h", kind="backup_overdue", subject="Sao lưu quá hạn"):
    added = notify(session, Message(key=key, kind=kind, subject=subject, body="Chi tiết", link="/backups/plans/1"),
                   users, now)
    session.commit()
    return added


def rows(session):
    session.expire_all()
    return session.scalars(select(Notification).order_by(Notification.id)).all()


def test_each_row_is_emailed_once_with_a_stable_message_id(app, session, smtp, commune, make_user, clock):
    officer = make_user(Role.OFFICER, organisation=commune, name="Nguyễn Văn Hùng")
    staff = make_user(Role.STAFF, organisation=commune)
    assert queue(session, [officer, staff], clock.now()) == 2
    assert queue(session, [officer, staff], clock.now()) == 0  # same key: nothing new
    report = deliver_due(session, settings_for(app), clock.now(), base_url="https://attt.example.vn")
    assert (report.emails, report.sent) == (2, 2)
    assert deliver_due(session, settings_for(app), clock.now()).emails == 0
    [mail] = smtp.to(officer.email)
    assert mail["Subject"] == "[ATTT xã] Sao lưu quá hạn" and mail["From"] == "attt@vinh-lai.test"
    body = mail.get_content()
    assert "Kính gửi Nguyễn Văn Hùng" in body and "https://attt.example.vn/backups/plans/1" in body
    row = rows(session)[0]
    assert mail["Message-ID"] == f"<notification-{row.id}@vinh-lai.test>"
    assert (row.email_status, row.sent_at, row.attempts) == ("sent", clock.now(), 1)
    assert len(smtp.messages) == 2


def test_smtp_down_loses_nothing_and_everything_goes_out_when_it_is_back(app, session, smtp, commune, make_user,
                                                                         clock):
    users = [make_user(Role.OFFICER, organisation=commune) for _ in range(3)]
    queue(session, users, clock.now())
    smtp.stop()
    for _ in range(30):  # half an hour of outage, one delivery run a minute
        report = deliver_due(session, settings_for(app), clock.now())
        assert report.smtp_down and report.emails == 0
        clock.advance(minutes=1)
    waiting = rows(session)
    assert [row.email_status for row in waiting] == ["pending"] * 3
    assert all(row.attempts == 0 for row in waiting)  # an outage does not count against the messages
    smtp.start()
    report = deliver_due(session, settings_for(app), clock.now())
    assert report.emails == 3 and not report.smtp_down
    assert sorted(mail["To"] for mail in smtp.messages) == sorted(user.email for user in users)
    assert {row.email_status for row in rows(session)} == {"sent"}


def test_a_refused_message_backs_off_then_fails_and_an_admin_can_retry(app, session, smtp, commune, make_user, clock):
    user = make_user(Role.OFFICER, organisation=commune)
    smtp.refuse.add(user.email)
    queue(session, [user], clock.now())
    app.config["IR_SMTP_MAX_ATTEMPTS"] = 4
    report = deliver_due(session, settings_for(app), clock.now(), max_attempts=4)
    assert report.retrying == 1
    [row] = rows(session)
    assert row.attempts == 1 and row.next_attempt_at == clock.now() + timedelta(minutes=2)
    assert "SMTPRecipientsRefused" in row.last_error
    assert deliver_due(session, settings_for(app), clock.now(), max_attempts=4).retrying == 0  # not due yet
    delays = []
    for _ in range(3):
        [row] = rows(session)
        delays.append(row.next_attempt_at - clock.now())
        clock.current = row.next_attempt_at
        deliver_due(session, settings_for(app), clock.now(), max_attempts=4)
    assert delays == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    [row] = rows(session)
    assert (row.email_status, row.attempts) == ("failed", 4)
    smtp.refuse.clear()
    delivery.retry_failed(session, Actor.system("admin"), row, clock.now())
    session.commit()
    assert deliver_due(session, settings_for(app), clock.now()).emails == 1
    assert rows(session)[0].email_status == "sent"


def test_email_off_and_daily_digest(app, session, smtp, commune, make_user, clock):
    quiet = make_user(Role.OFFICER, organisation=commune, email_notifications=False)
    digest = make_user(Role.OFFICER, organisation=commune, daily_digest=True)
    now = hanoi(2026, 11, 26, 9, 0)
    queue(session, [quiet, digest], now, key="a:due-7d", subject="Hồ sơ A")
    queue(session, [quiet, digest], now, key="b:due-7d", subject="Hồ sơ B")
    queue(session, [digest], now, key="incident:1:clock:x:due-2h", kind="incident_clock", subject="Sự cố: còn 2 giờ")
    report = deliver_due(session, settings_for(app), now)
    # Only the urgent incident clock goes out at once; the rest waits for 07:00 tomorrow.
    assert [mail["Subject"] for mail in smtp.messages] == ["[ATTT xã] Sự cố: còn 2 giờ"]
    assert report.emails == 1
    assert deliver_due(session, settings_for(app), hanoi(2026, 11, 27, 6, 59)).emails == 0
    assert deliver_due(session, settings_for(app), hanoi(2026, 11, 27, 7, 0)).emails == 1
    digest_mail = smtp.messages[-1]
    assert digest_mail["Subject"] == "[ATTT xã] Tổng hợp 2 thông báo" and digest_mail["To"] == digest.email
    assert "Hồ sơ A" in digest_mail.get_content() and "Hồ sơ B" in digest_mail.get_content()
    assert smtp.to(quiet.email) == []
    statuses = {(row.user_id, row.email_status) for row in rows(session)}
    assert statuses == {(quiet.id, "skipped"), (digest.id, "sent")}


def test_preferences_move_waiting_emails(app, session, smtp, commune, make_user, clock):
    from ir_app.services.notifications.outbox import update_preferences

    user = make_user(Role.OFFICER, organisation=commune)
    now = hanoi(2026, 11, 26, 9, 0)
    queue(session, [user], now)
    update_preferences(session, Actor.of(user), user, email_notifications=True, daily_digest=True, now=now,
                       expected_version=user.version)
    session.commit()
    assert rows(session)[0].next_attempt_at == hanoi(2026, 11, 27, 7, 0)
    update_preferences(session, Actor.of(user), user, email_notifications=False, daily_digest=True, now=now,
                       expected_version=user.version)
    session.commit()
    assert rows(session)[0].email_status == "skipped"


def test_without_smtp_settings_emails_wait_and_go_out_once_a_server_is_configured(app, session, commune, make_user,
                                                                                   clock):
    user = make_user(Role.OFFICER, organisation=commune)
    queue(session, [user], clock.now())
    app.config["IR_SMTP_HOST"] = ""
    outcome = run_job(job_env(app), JOBS_BY_ID["outbox.deliver"], clock.now())
    assert outcome.ok and "chưa cấu hình máy chủ thư (IR_SMTP_HOST): 1 thư chờ gửi" in outcome.summary
    [row] = rows(session)
    assert (row.email_status, row.attempts, row.read_at) == ("pending", 0, None)  # still in the in-app inbox too
    sink = SmtpSink()
    sink.start()
    try:
        app.config.update(IR_SMTP_HOST="127.0.0.1", IR_SMTP_PORT=sink.port)
        clock.advance(days=3)
        assert run_job(job_env(app), JOBS_BY_ID["outbox.deliver"], clock.now()).ok
        assert [mail["To"] for mail in sink.messages] == [user.email]
        assert rows(session)[0].email_status == "sent"
    finally:
        sink.stop()


def test_two_deliverers_racing_send_each_row_once(app, session, smtp, commune, make_user, clock):
    users = [make_user(Role.OFFICER, organisation=commune) for _ in range(4)]
    for n in range(5):
        queue(session, users, clock.now(), key=f"item:{n}:due-1d")
    factory = app.extensions["ir_session_factory"]
    barrier = threading.Barrier(2)
    reports = []

    def deliver():
        own = factory()
        barrier.wait()
        try:
            reports.append(deliver_due(own, settings_for(app), clock.now()))
        finally:
            own.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(smtp.messages) == 20
    assert sum(report.emails for report in reports) == 20
    assert len({(mail["To"], mail["Message-ID"]) for mail in smtp.messages}) == 20


def test_reminders_of_a_job_that_fails_are_not_kept(app, session, commune, make_user, clock):
    """Queued reminders belong to the job's unit of work: rolled back with it, sent by the next pass."""
    users = [make_user(Role.OFFICER, organisation=commune) for _ in range(2)]
    message = Message(key="backup-plan:1:missed:x:due-0h", kind="backup_overdue", subject="Sao lưu quá hạn",
                      body="Chi tiết", link="/backups/plans/1")
    assert notify(session, message, users, clock.now()) == 2
    session.rollback()  # the job failed after queueing
    assert rows(session) == []
    assert notify(session, message, users, clock.now()) == 2 and notify(session, message, users, clock.now()) == 0
    session.commit()
    assert len(rows(session)) == 2


class RunningClock:
    """Real time passing from a fixed start: the clock of a run that takes a while."""

    def __init__(self, start):
        self.start, self.origin = start, time.monotonic()

    def now(self):
        return self.start + timedelta(seconds=time.monotonic() - self.origin)


def test_a_slow_mail_server_gets_each_email_once_when_the_next_run_starts_before_this_one_ends(
        app, session, commune, make_user, clock, monkeypatch):
    """A batch outlasting its claim used to be sent again by the next cron run (D6)."""
    users = [make_user(Role.OFFICER, organisation=commune) for _ in range(12)]
    queue(session, users, clock.now())
    sink = SmtpSink(delay=0.3)  # 12 e-mails take about 3.6 s: longer than a claim
    sink.start()
    monkeypatch.setattr(delivery, "CLAIM_FOR", timedelta(seconds=2))
    env = dataclasses.replace(job_env(app), clock=RunningClock(clock.now()),
                              smtp=SmtpSettings(host="127.0.0.1", port=sink.port, sender="attt@vinh-lai.test"))
    outcomes = []

    def cron_run(after: float):
        time.sleep(after)
        outcomes.append(run_job(env, JOBS_BY_ID["outbox.deliver"], env.clock.now()))

    runs = [threading.Thread(target=cron_run, args=(after,)) for after in (0, 2.5)]
    try:
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
    finally:
        sink.stop()
    assert all(outcome.ok for outcome in outcomes), outcomes
    received = sorted(mail["To"] for mail in sink.messages)
    assert received == sorted(user.email for user in users)  # every e-mail, none twice
    assert {row.email_status for row in rows(session)} == {"sent"}

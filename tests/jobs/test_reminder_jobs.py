"""`ir-app jobs run-due` end to end: due items → outbox → real SMTP, exactly once per recipient."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ir_app.cli.jobs import backups_group, jobs_group
from ir_app.jobs.runner import run_due
from ir_app.models import (
    BackupRun,
    Dossier,
    InformationSystem,
    JobRun,
    MorningCheck,
    Notification,
    Review,
    Role,
    User,
)
from ir_app.services.due.registry import GROUPS, PROVIDERS
from tests.ops_support import UTC, hanoi, job_env, make_plan, make_system, run_all, smtp  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:holidays.*")


def keys(session, user=None, prefix: str = "") -> list[str]:
    session.expire_all()
    query = select(Notification.dedup_key).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return [key for key in session.scalars(query) if key.startswith(prefix)]


def backup_mails(smtp) -> list[str]:
    return [mail["Subject"] for mail in smtp.messages if "Sao lưu quá hạn" in mail["Subject"]]


@pytest.fixture
def people(make_user, commune):
    return {"officer": make_user(Role.OFFICER, organisation=commune),
            "staff": make_user(Role.STAFF, organisation=commune),
            "appraiser": make_user(Role.APPRAISER, organisation=commune),
            "approver": make_user(Role.APPROVER, organisation=commune)}


def test_every_provider_is_swept_by_a_job():
    from ir_app.jobs.registry import JOBS

    swept = {job.run.__name__.removeprefix("sweep_") for job in JOBS}
    assert set(GROUPS) <= swept
    assert [p.name for p in PROVIDERS] == sorted({p.name for p in PROVIDERS}, key=[p.name for p in PROVIDERS].index)


def test_run_due_twice_sends_one_email_per_due_item(app, session, smtp, commune, people):
    system = make_system(session, commune)
    make_plan(session, system, responsible=people["staff"])
    runner = app.test_cli_runner()
    now = "2026-11-26T10:15"  # Thursday, 10:15 in Hanoi: the 25/11 22:00 backup is overdue
    first = runner.invoke(jobs_group, ["run-due", "--now", now])
    assert first.exit_code == 0, first.output
    assert "OK  reminders.backups" in first.output and "outbox.deliver" in first.output
    second = runner.invoke(jobs_group, ["run-due", "--now", now])
    assert second.exit_code == 0, second.output
    sent = Counter((mail["To"], mail["Subject"]) for mail in smtp.messages)
    assert sent and set(sent.values()) == {1}
    assert any("Sao lưu quá hạn" in subject for to, subject in sent if to == people["staff"].email)
    # The morning check reminder went to the commune's officer and staff, once.
    assert sum("Chưa kiểm tra hạ tầng" in subject for _, subject in sent) == 2
    runs = {row.job_id: row for row in session.scalars(select(JobRun))}
    assert runs["outbox.deliver"].run_count == 2 and runs["reminders.backups"].last_status == "ok"


def test_two_run_dues_racing_send_one_email_per_due_item(app, session, smtp, commune, people, make_user):
    for n in range(3):
        make_user(Role.OFFICER, organisation=commune)
    system = make_system(session, commune)
    make_plan(session, system)  # no responsible person: every officer is reminded
    now = hanoi(2026, 11, 26, 10, 15)
    env = job_env(app)
    barrier = threading.Barrier(2)
    errors = []

    def racer():
        barrier.wait()
        try:
            outcomes = run_due(env, now)
            errors.extend(outcome for outcome in outcomes if not outcome.ok)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    run_due(env, now)  # whatever a loser left for later goes out now
    per_item = Counter((mail["To"], mail["Subject"]) for mail in smtp.messages)
    assert set(per_item.values()) == {1}
    officers = {user.email for user in session.scalars(select(User)) if Role.OFFICER in user.roles}
    overdue = {to for to, subject in per_item if "Sao lưu quá hạn" in subject}
    assert overdue == officers and len(officers) == 4
    assert session.scalar(select(func.count(Notification.id))) == len(smtp.messages)


def test_overdue_backup_reminds_its_responsible_person_and_a_run_clears_it(app, session, smtp, commune, people,
                                                                           make_web, clock):
    clock.current = hanoi(2026, 11, 21, 10, 40)  # what the pages and the CLI see as "now"
    system = make_system(session, commune)
    plan = make_plan(session, system, responsible=people["staff"], starts_at=hanoi(2026, 11, 20, 9, 0))
    run_all(app, hanoi(2026, 11, 21, 9, 59))  # 20/11 22:00 + 12 h grace not yet passed
    assert not [key for key in keys(session) if ":missed:" in key]
    run_all(app, hanoi(2026, 11, 21, 10, 0))
    assert keys(session, people["staff"], "backup-plan:") == [f"backup-plan:{plan.id}:missed:20261120T1500Z:due-0h"]
    # (Other reminders of the day, such as training still to take, are not this test's business.)
    assert [mail["Subject"] for mail in smtp.to(people["staff"].email) if "Sao lưu" in mail["Subject"]] == [
        "[ATTT xã] Sao lưu quá hạn: «Sao lưu hằng đêm» (Một cửa điện tử)"]
    assert [mail for mail in smtp.to(people["officer"].email)
            if "Sao lưu" in mail["Subject"]] == []  # the responsible person, not everyone
    client = make_web(people["staff"])
    assert "Quá hạn sao lưu" in client.get(f"/systems/{system.id}").get_data(as_text=True)
    result = app.test_cli_runner().invoke(backups_group, ["record", "--plan", str(plan.id), "--result", "ok",
                                                          "--size", "1.2GB", "--at", "2026-11-21T10:30"])
    assert result.exit_code == 0, result.output
    page = client.get(f"/systems/{system.id}").get_data(as_text=True)
    assert "Quá hạn sao lưu" not in page and "Đúng lịch" in page
    run = session.scalar(select(BackupRun))
    assert (run.source, run.size_bytes) == ("cli", int(1.2 * 1024**3))
    before = len(backup_mails(smtp))
    run_all(app, hanoi(2026, 11, 21, 20, 0))
    assert len(backup_mails(smtp)) == before  # cleared: nothing new until the next missed night
    # The 10:30 run is nearer to 21/11 22:00 than to 20/11 22:00, so it counts for the 21st;
    # the next night without a backup (22/11) is overdue from 23/11 10:00.
    run_all(app, hanoi(2026, 11, 23, 9, 59))
    assert len(backup_mails(smtp)) == before
    run_all(app, hanoi(2026, 11, 23, 10, 0))
    assert keys(session, people["staff"], "backup-plan:")[-1] == f"backup-plan:{plan.id}:missed:20261122T1500Z:due-0h"


def test_failed_and_partial_runs_do_not_clear_an_overdue_plan(app, session, commune, people):
    system = make_system(session, commune)
    plan = make_plan(session, system, responsible=people["staff"], starts_at=hanoi(2026, 11, 20, 9, 0))
    runner = app.test_cli_runner()
    for result in ("failed", "partial"):
        outcome = runner.invoke(backups_group, ["record", "--plan", str(plan.id), "--result", result,
                                                "--at", "2026-11-20T22:10"])
        assert outcome.exit_code == 0, outcome.output
    run_all(app, hanoi(2026, 11, 21, 11, 0))
    assert any(":missed:" in key for key in keys(session, people["staff"]))
    bad = runner.invoke(backups_group, ["record", "--plan", "999", "--result", "ok"])
    assert bad.exit_code == 2 and "999" in bad.output
    bad_size = runner.invoke(backups_group, ["record", "--plan", str(plan.id), "--result", "ok", "--size", "lots"])
    assert bad_size.exit_code == 2 and "Dung lượng" in bad_size.output


def _dossier(session, system, state, **values):
    now = datetime(2026, 11, 1, tzinfo=UTC)
    dossier = Dossier(system_id=system.id, commune_id=system.commune_id, regime="nd331-2026", state=state,
                      created_at=now, updated_at=now, **values)
    session.add(dossier)
    session.commit()
    return dossier


def test_dossier_steps_in_working_days(app, session, commune, people):
    system = make_system(session, commune)
    # Due Tuesday 05/01/2027; Friday 01/01/2027 is a public holiday.
    dossier = _dossier(session, system, "accepted", step_due_on=date(2027, 1, 5))
    base = f"dossier:{dossier.id}:step:accepted:2027-01-05"
    run_all(app, hanoi(2026, 12, 29, 8, 0))
    assert keys(session, people["appraiser"], "dossier:") == []
    run_all(app, hanoi(2026, 12, 30, 8, 0))
    assert keys(session, people["appraiser"], "dossier:") == [f"{base}:due-3wd"]
    run_all(app, hanoi(2027, 1, 4, 8, 0))
    run_all(app, hanoi(2027, 1, 6, 8, 0))
    run_all(app, hanoi(2027, 1, 6, 9, 0))
    assert keys(session, people["appraiser"], "dossier:") == [f"{base}:due-3wd", f"{base}:due-1wd",
                                                              f"{base}:overdue"]
    assert keys(session, people["officer"], "dossier:")[:1] == [f"{base}:due-3wd"]
    assert keys(session, people["staff"], "dossier:") == []


def test_periodic_reviews_30_7_1_days_and_overdue(app, session, commune, people):
    system = make_system(session, commune)
    dossier = _dossier(session, system, "operating", decision_number="12/QĐ-UBND", decision_on=date(2025, 1, 1))
    session.add_all([
        Review(dossier_id=dossier.id, commune_id=commune.id, reviewed_on=date(2024, 1, 10), assessor="Tổ kiểm tra",
               result="pass", next_due_on=date(2025, 1, 10), created_at=datetime(2024, 1, 10, tzinfo=UTC)),
        Review(dossier_id=dossier.id, commune_id=commune.id, reviewed_on=date(2025, 1, 10), assessor="Tổ kiểm tra",
               result="pass", next_due_on=date(2027, 1, 10), created_at=datetime(2025, 1, 10, tzinfo=UTC)),
    ])
    session.commit()
    for moment in (hanoi(2026, 12, 10, 8), hanoi(2026, 12, 11, 8), hanoi(2027, 1, 3, 8), hanoi(2027, 1, 9, 8),
                   hanoi(2027, 1, 11, 8)):
        run_all(app, moment)
    base = f"review:dossier:{dossier.id}:2027-01-10"
    reviews = keys(session, people["officer"], "review:")
    assert reviews == [f"{base}:due-30d", f"{base}:due-7d", f"{base}:due-1d", f"{base}:overdue"]


def test_annual_report_transition_and_playbook_reviews(app, session, commune, people, make_user, province):
    admin = make_user(Role.ADMIN, organisation=commune)
    make_system(session, commune, code="CAMERA", name="Camera", status="under_investment",
                investment_approved_on=date(2026, 3, 10))  # under investment before 01/7/2026 (NĐ 331 Đ39.1)
    qlvb = make_system(session, commune, code="QLVB", name="Quản lý văn bản", approved_level=2,
                       approval_decision_number="15/QĐ-UBND", approval_regime="nd85-2016")
    run_all(app, hanoi(2026, 12, 12, 8, 0))
    staff_keys = keys(session, people["staff"])
    assert f"annual-report:2026:units:{commune.id}:due-7d" in staff_keys
    assert any(key.startswith("transition:2027-01-01:system:") and key.endswith(":due-30d") for key in staff_keys)
    assert not any(key.startswith("transition:2027-07-01") for key in staff_keys)  # 201 days away
    assert keys(session, people["approver"], "annual-report:") == []  # 24/12 is 12 days away
    run_all(app, hanoi(2026, 12, 17, 8, 0))
    assert keys(session, people["approver"], "annual-report:") == [f"annual-report:2026:owner:{commune.id}:due-7d"]
    # Playbooks were last reviewed on 01/11/2026, "every P12M": next review 01/11/2027, due in 30 days.
    run_all(app, hanoi(2027, 10, 5, 8, 0))
    admin_keys = keys(session, admin)
    assert "playbook:ransomware:review:2027-11-01:due-30d" in admin_keys
    assert not any(key.startswith("playbook:") for key in keys(session, people["officer"]))
    assert f"transition:2027-07-01:system:{qlvb.id}:overdue" in keys(session, people["staff"])


@pytest.mark.parametrize("moment, expected", [
    (hanoi(2026, 11, 26, 7, 29), False),   # Thursday, before 07:30
    (hanoi(2026, 11, 26, 7, 30), True),
    (hanoi(2026, 11, 28, 8, 0), False),    # Saturday
    (hanoi(2026, 9, 2, 8, 0), False),      # Quốc khánh (public holiday)
])
def test_morning_check_reminder_at_0730_on_working_days(app, session, commune, people, moment, expected):
    run_all(app, moment)
    reminded = keys(session, people["staff"], "morning-check:")
    assert bool(reminded) is expected


def test_no_morning_reminder_once_the_check_is_done(app, session, commune, people):
    session.add(MorningCheck(commune_id=commune.id, checked_on=date(2026, 11, 26),
                             checked_at=hanoi(2026, 11, 26, 7, 10)))
    session.commit()
    run_all(app, hanoi(2026, 11, 26, 7, 30))
    assert keys(session, prefix="morning-check:") == []


def test_incident_clocks_are_reminded_12h_and_2h_before_and_when_overdue(app, session, smtp, commune, people,
                                                                         make_user):
    from tests.incident_support import quick_report

    digest_reader = make_user(Role.OFFICER, organisation=commune, daily_digest=True)
    reporter = make_user(Role.STAFF, organisation=commune)
    detected = hanoi(2026, 11, 23, 20, 0)  # the 72 h report to Bộ Công an is due 26/11 at 20:00
    incident = quick_report(session, reporter, commune, detected, what="Máy tính một cửa bị mã hóa dữ liệu",
                            category="ransomware")
    session.commit()
    run_all(app, hanoi(2026, 11, 26, 8, 0))    # exactly 12 h before
    run_all(app, hanoi(2026, 11, 26, 18, 30))  # 1.5 h before
    run_all(app, hanoi(2026, 11, 26, 20, 15))  # overdue
    base = f"incident:{incident.id}:clock:nd331-report-72h:20261126T1300Z"
    assert [key for key in keys(session, digest_reader, "incident:") if key.startswith(base)] == [
        f"{base}:due-12h", f"{base}:due-2h", f"{base}:overdue"]
    # Urgent: even a digest reader gets each one by e-mail in the same run (not at the next 07:00 digest).
    sent = session.scalars(select(Notification.email_status).where(
        Notification.user_id == digest_reader.id, Notification.dedup_key.startswith(base))).all()
    assert sent == ["sent", "sent", "sent"]
    assert len(smtp.to(digest_reader.email)) == 3


def test_cli_contract_errors(app):
    runner = app.test_cli_runner()
    bad_time = runner.invoke(jobs_group, ["run-due", "--now", "hôm qua"])
    assert bad_time.exit_code == 2 and "ISO 8601" in bad_time.output
    unknown = runner.invoke(jobs_group, ["run", "reminders.nope"])
    assert unknown.exit_code == 2 and "outbox.deliver" in unknown.output
    listing = runner.invoke(jobs_group, ["list"])
    assert listing.exit_code == 0 and "reminders.incident_clocks" in listing.output
    one = runner.invoke(jobs_group, ["run", "reminders.deadlines", "--now", "2026-11-26T08:00+07:00"])
    assert one.exit_code == 0 and "OK  reminders.deadlines" in one.output


def test_systems_are_not_reminded_in_other_communes(app, session, commune, other_commune, people, make_user):
    far_officer = make_user(Role.OFFICER, organisation=other_commune)
    make_plan(session, make_system(session, commune))
    run_all(app, hanoi(2026, 11, 26, 10, 15))
    assert keys(session, far_officer, "backup-plan:") == []
    assert session.scalar(select(func.count(InformationSystem.id))) == 1


def test_a_dossier_step_given_to_a_person_reminds_them_not_the_whole_role(app, session, commune, people, make_user):
    colleague = make_user(Role.APPRAISER, organisation=commune)
    system = make_system(session, commune)
    dossier = _dossier(session, system, "accepted", step_due_on=date(2027, 1, 5), step_assignee_id=colleague.id)
    run_all(app, hanoi(2026, 12, 30, 8, 0))
    base = f"dossier:{dossier.id}:step:accepted:2027-01-05"
    assert keys(session, colleague, "dossier:") == [f"{base}:due-3wd"]
    assert keys(session, people["appraiser"], "dossier:") == []
    assert keys(session, people["officer"], "dossier:") == [f"{base}:due-3wd"]  # who follows every dossier up

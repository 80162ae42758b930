"""The due moments kept on each backup plan's row answer exactly what the Python health rules say.

After random sequences of plan edits, runs and restore tests made through the services, at random
"now"s, `next_overdue_at <= now`, `restore_due_on < today` and `has_away_copy` agree with
`plan_statuses` for every plan; the overview's grouped counts and the scheduler's SQL filter too.
Each write path has its own test, which fails if that path stops recomputing the moments.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from ir_app.domain.backups import has_away_copy
from ir_app.models import BackupPlan, RestoreTest
from ir_app.services.audit import Actor
from ir_app.services.backups import plans as backups
from ir_app.services.backups.due import refresh_due
from ir_app.services.backups.health import CommuneBackupSummary, commune_summaries, destinations_of, plan_statuses
from ir_app.services.due import providers
from ir_app.services.due.base import DueContext
from ir_app.services.due.reminders import latest_reached
from tests.incident_support import count_statements
from tests.ops_support import make_system

UTC = timezone.utc
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
ACTOR = Actor.system("test")
SCHEDULES = (
    {"frequency": "daily", "time_of_day": "22:00"},
    {"frequency": "daily", "time_of_day": "02:30"},
    {"frequency": "weekly", "time_of_day": "18:00", "weekday": "2"},
    {"frequency": "monthly", "time_of_day": "01:00", "day_of_month": "15"},
    {"frequency": "cron", "cron": "30 22 * * 1-5"},
    {"frequency": "cron", "cron": "0 */6 * * *"},
)


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret


def plan_form(rng: random.Random, **values) -> dict:
    form = {"name": "Sao lưu", "method": "full", "grace_hours": str(rng.choice((0, 2, 12, 48))),
            "restore_test_interval_months": str(rng.choice((1, 3, 6))), "is_active": rng.random() < 0.85,
            "dest_on_site": "NAS", "dest_cloud": "Đám mây" if rng.random() < 0.5 else ""}
    form.update(rng.choice(SCHEDULES))
    form.update(values)
    return form


def stored(session) -> dict[int, SimpleNamespace]:
    """The moments as the database holds them (not the loaded objects)."""
    rows = session.execute(select(BackupPlan.id, BackupPlan.is_active, BackupPlan.next_overdue_at,
                                  BackupPlan.restore_due_on, BackupPlan.has_away_copy))
    return {row.id: SimpleNamespace(**row._asdict()) for row in rows}


def assert_stored_answers_match(session, now: datetime) -> None:
    plans = session.scalars(select(BackupPlan)).all()
    statuses = plan_statuses(session, plans, now, ZONE)
    today = now.astimezone(ZONE).date()
    rows = stored(session)
    expected_summaries: dict[int, CommuneBackupSummary] = {}
    for plan in plans:
        status, row = statuses[plan.id], rows[plan.id]
        overdue = row.next_overdue_at is not None and row.next_overdue_at <= now
        assert overdue == status.is_overdue, (plan.id, now, row.next_overdue_at)
        assert (row.is_active and row.restore_due_on < today) == status.restore_overdue, (plan.id, today)
        assert row.has_away_copy == has_away_copy(destinations_of(plan))
        if plan.is_active:
            summary = expected_summaries.setdefault(plan.commune_id, CommuneBackupSummary())
            summary.plans += 1
            summary.overdue += status.is_overdue
            summary.restore_overdue += status.restore_overdue
            summary.without_offsite += not has_away_copy(destinations_of(plan))
    assert commune_summaries(session, None, now, ZONE) == expected_summaries
    assert_reminder_filter_is_exact(session, now)


def assert_reminder_filter_is_exact(session, now: datetime) -> None:
    """The sweep's SQL filter keeps every backup deadline whose reminder is due at `now`."""
    def reached(ctx):
        return {(deadline.uid, deadline.kind) for deadline in providers.backups(ctx)
                if latest_reached(deadline.thresholds, deadline.due, now, ZONE, ctx.holidays, ctx.extra_workdays)}

    everything = DueContext(session, now, ZONE)
    filtered = DueContext(session, now, ZONE, reached_only=True)
    assert reached(filtered) == reached(everything)


@pytest.mark.parametrize("seed", range(3))
def test_stored_moments_answer_like_the_health_rules_after_random_changes(session, commune, other_commune, seed):
    rng = seeded(seed)
    systems = [make_system(session, commune, code=f"S{n}", name=f"Hệ thống {n}") for n in range(3)]
    systems.append(make_system(session, other_commune, code="K1", name="Khác"))
    clock = START
    plans = [backups.create_plan(session, ACTOR, system, plan_form(rng), clock) for system in systems]
    session.commit()
    for _step in range(25):
        clock += timedelta(hours=rng.choice((1, 5, 11, 26, 80)))
        plan = rng.choice(plans)
        action = rng.random()
        if action < 0.55:  # a run: good or not, on time or late, sometimes recorded days later
            ran_at = clock - timedelta(hours=rng.choice((0, 0, 3, 30, 200)), minutes=rng.randint(0, 59))
            backups.record_run(session, ACTOR, plan, result=rng.choice(("ok", "ok", "failed", "partial")),
                               ran_at=ran_at, now=clock)
        elif action < 0.75:
            tested_on = (clock - timedelta(days=rng.choice((0, 3, 200)))).astimezone(ZONE).date()
            backups.record_restore_test(session, ACTOR, plan, {"tested_on": tested_on.isoformat(),
                                                               "result": rng.choice(("ok", "failed"))},
                                        clock, clock.astimezone(ZONE).date())
        else:  # an edit: schedule, grace, interval, destinations, (de)activation
            backups.update_plan(session, ACTOR, plan, plan_form(rng), clock, plan.version)
        session.commit()
        for offset in (timedelta(), *(timedelta(hours=rng.uniform(-100, 900)) for _ in range(3))):
            assert_stored_answers_match(session, clock + offset)


# --- Each write path keeps the moments -------------------------------------------------------------

@pytest.fixture
def plan(session, commune):
    system = make_system(session, commune)
    plan = backups.create_plan(session, ACTOR, system, plan_form(seeded(1), is_active=True,
                                                                frequency="daily", time_of_day="22:00",
                                                                grace_hours="2", dest_cloud=""), START)
    session.commit()
    return plan


def test_creating_a_plan_stores_its_moments(session, plan):
    row = stored(session)[plan.id]
    assert row.next_overdue_at == datetime(2026, 1, 5, 15, 0, tzinfo=UTC) + timedelta(hours=2)  # 22:00 + grace
    assert row.restore_due_on == date(2026, 7, 5) and row.has_away_copy is False


def test_recording_a_good_run_moves_the_overdue_moment(session, plan):
    before = stored(session)[plan.id].next_overdue_at
    backups.record_run(session, ACTOR, plan, result="ok", ran_at=datetime(2026, 1, 5, 15, 5, tzinfo=UTC),
                       now=datetime(2026, 1, 5, 16, tzinfo=UTC))
    session.commit()
    assert stored(session)[plan.id].next_overdue_at == before + timedelta(days=1)
    assert plan.version == 1  # a run never makes an open edit form conflict


def test_recording_a_restore_test_moves_its_due_day(session, plan):
    backups.record_restore_test(session, ACTOR, plan, {"tested_on": "2026-02-01", "result": "ok"}, START,
                                date(2026, 2, 1))
    session.commit()
    assert stored(session)[plan.id].restore_due_on == date(2026, 8, 1)


def test_editing_a_plan_recomputes_its_moments(session, plan):
    later = START + timedelta(days=3)
    backups.update_plan(session, ACTOR, plan, plan_form(seeded(2), is_active=True, frequency="daily",
                                                        time_of_day="22:00", grace_hours="5",
                                                        restore_test_interval_months="1", dest_cloud="S3"),
                        later, plan.version)
    session.commit()
    row = stored(session)[plan.id]
    # The new schedule starts on the 8th (10:00 local): its first run is due at 22:00, plus 5 hours.
    assert row.next_overdue_at == datetime(2026, 1, 8, 15, tzinfo=UTC) + timedelta(hours=5)
    assert row.restore_due_on == date(2026, 2, 8) and row.has_away_copy is True
    backups.update_plan(session, ACTOR, plan, dict(form_of(plan), is_active=False), later, plan.version)
    session.commit()
    assert stored(session)[plan.id].next_overdue_at is None  # an inactive plan is never overdue


def form_of(plan) -> dict:
    values = backups.form_values_of(plan)
    return {name: ("" if value is None else str(value) if not isinstance(value, bool) else value)
            for name, value in values.items()}


def test_the_api_records_a_run_and_the_overview_counts_it_at_once(session, plan, web):
    from ir_app.services.backups import tokens

    token = tokens.issue_api_token(session, ACTOR, plan, START)
    session.commit()
    now = datetime(2026, 1, 6, 3, tzinfo=UTC)  # the 22:00 run is overdue since 00:00
    assert commune_summaries(session, None, now, ZONE)[plan.commune_id].overdue == 1
    response = web.post(f"/api/backups/plans/{plan.id}/runs", json={"result": "ok", "at": "2026-01-05T22:05"},
                        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    session.expire_all()
    assert commune_summaries(session, None, now, ZONE)[plan.commune_id].overdue == 0


def test_the_cli_records_a_run_and_recomputes_hand_edited_rows(app, session, plan):
    from ir_app.cli.jobs import backups_group

    runner = app.test_cli_runner()
    before = stored(session)[plan.id].next_overdue_at
    result = runner.invoke(backups_group, ["record", "--plan", str(plan.id), "--result", "ok",
                                           "--at", "2026-01-05T22:05"])
    assert result.exit_code == 0, result.output
    assert stored(session)[plan.id].next_overdue_at == before + timedelta(days=1)

    session.execute(update(BackupPlan).values(next_overdue_at=None, restore_due_on=None))
    session.commit()
    result = runner.invoke(backups_group, ["recompute-due"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert stored(session)[plan.id].next_overdue_at == before + timedelta(days=1)
    assert stored(session)[plan.id].restore_due_on == date(2026, 7, 5)


def test_the_overview_counts_in_one_statement_whatever_the_number_of_plans(app, session, commune, plan):
    def summaries():
        return commune_summaries(session, None, START, ZONE)

    few = count_statements(app, summaries)
    for n in range(20):
        backups.create_plan(session, ACTOR, make_system(session, commune, code=f"N{n}", name=f"Thêm {n}"),
                            plan_form(seeded(n)), START)
    session.commit()
    assert count_statements(app, summaries) == few == 1


def test_restore_test_rows_are_the_only_input_besides_runs(session, plan):
    """A failed restore test does not move the due day (only good ones count)."""
    session.add(RestoreTest(plan_id=plan.id, tested_on=date(2026, 3, 1), result="failed", created_at=START))
    session.flush()
    refresh_due(session, [plan])
    assert stored(session)[plan.id].restore_due_on == date(2026, 7, 5)


# --- Rows written in bulk: the seeders and the migration ---------------------------------------------

def assert_every_plan_matches(session) -> None:
    assert session.scalar(select(func.count()).select_from(BackupPlan)) > 0
    for now in (datetime(2026, 11, 26, 2, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC)):
        assert_stored_answers_match(session, now)


def test_the_synthetic_seeder_fills_the_moments(app, session):
    from ir_app.cli.serving import seed_synthetic

    result = app.test_cli_runner().invoke(seed_synthetic, ["--communes", "2", "--systems-per-commune", "4",
                                                           "--incidents", "5"])
    assert result.exit_code == 0, result.output
    assert_every_plan_matches(session)


def test_the_demo_data_fills_the_moments(app, session):
    from ir_app.cli.serving import demo

    assert app.test_cli_runner().invoke(demo, ["--no-serve"]).exit_code == 0
    assert_every_plan_matches(session)


@pytest.fixture
def engine_at_0028(tmp_path):
    from tests.services.test_measures_migration import database_at

    yield from database_at(tmp_path, "0028", "mig_0030")


def test_the_migration_back_fills_the_moments_of_existing_plans(engine_at_0028):
    from sqlalchemy import MetaData

    from ir_app.migrate import upgrade
    from tests.services.test_measures_migration import _row, commune_with_system

    metadata = MetaData()
    metadata.reflect(engine_at_0028)
    naive = datetime(2026, 11, 1, 3, 0)  # 10:00 in Hanoi, as the reflected (plain) column takes it
    with engine_at_0028.begin() as connection:
        commune, system = commune_with_system(connection, metadata, code="MOTCUA", name="Một cửa",
                                              system_type="citizen_service", status="in_operation",
                                              hosting="provincial_dc")
        plans = {name: _row(connection, metadata, "backup_plans", system_id=system, commune_id=commune, name=name,
                            method="full", frequency="daily", time_of_day="22:00", grace_hours=12,
                            restore_test_interval_months=6, is_active=active, starts_at=naive,
                            destinations=[{"kind": "cloud", "description": "S3"}] if active else [])
                 for name, active in (("running", True), ("stopped", False))}
        for result, day in (("ok", 3), ("failed", 4)):  # the good run of the 3rd at 22:10 covers that slot only
            _row(connection, metadata, "backup_runs", plan_id=plans["running"], result=result, source="api",
                 ran_at=datetime(2026, 11, day, 15, 10))
        _row(connection, metadata, "restore_tests", plan_id=plans["running"], result="ok",
             tested_on=date(2026, 11, 10))

    upgrade(engine_at_0028)

    with engine_at_0028.connect() as connection:
        rows = {row.id: row for row in connection.execute(
            select(BackupPlan.id, BackupPlan.next_overdue_at, BackupPlan.restore_due_on, BackupPlan.has_away_copy))}
    running, stopped = rows[plans["running"]], rows[plans["stopped"]]
    assert running.next_overdue_at == datetime(2026, 11, 4, 15, tzinfo=UTC) + timedelta(hours=12)
    assert running.restore_due_on == date(2027, 5, 10) and running.has_away_copy is True
    assert stopped.next_overdue_at is None and stopped.restore_due_on == date(2027, 5, 1)
    assert stopped.has_away_copy is False


def test_two_runs_recorded_at_once_leave_the_later_one_counted(app, session, plan):
    """PostgreSQL: the second writer waits for the first and reads its run (SQLite has one writer)."""
    import threading

    if session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite lets one writer in at a time")
    factory = app.extensions["ir_session_factory"]
    first, second = factory(), factory()
    late, early = datetime(2026, 1, 7, 15, 5, tzinfo=UTC), datetime(2026, 1, 5, 15, 5, tzinfo=UTC)
    backups.record_run(first, ACTOR, first.get(BackupPlan, plan.id), result="ok", ran_at=late, now=late)

    def record_early():
        backups.record_run(second, ACTOR, second.get(BackupPlan, plan.id), result="ok", ran_at=early, now=late)
        second.commit()

    writer = threading.Thread(target=record_early)
    writer.start()
    writer.join(timeout=1)  # it waits for the first transaction
    first.commit()
    writer.join(timeout=30)
    first.close()
    second.close()
    session.expire_all()
    assert stored(session)[plan.id].next_overdue_at == datetime(2026, 1, 8, 15, tzinfo=UTC) + timedelta(hours=2)

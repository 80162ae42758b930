"""One active scheduler per database: the lease, the hand-over after a crash, APScheduler settings."""
from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from ir_app import create_app
from ir_app.cli.jobs import scheduler_command
from ir_app.domain.clock import SystemClock
from ir_app.jobs.registry import JOBS, Job
from ir_app.jobs.scheduler import HEARTBEAT_JOB_ID, SchedulerNode, build_scheduler
from tests.ops_support import job_env

TTL = timedelta(seconds=90)


def node(app, holder, messages=None, **kwargs) -> SchedulerNode:
    return SchedulerNode(job_env(app), holder=holder, ttl=TTL,
                         announce=(messages.append if messages is not None else (lambda _: None)), **kwargs)


def test_one_holder_and_a_crashed_holder_is_replaced(app, clock):
    messages: list[str] = []
    first, second = node(app, "pc-a", messages), node(app, "pc-b", messages)
    assert first.heartbeat() and not second.heartbeat()
    clock.advance(seconds=60)
    assert first.heartbeat() and not second.heartbeat()  # renewed until now + 90 s
    # pc-a crashes: no more heartbeats. Its lease runs out 90 s after the last renewal.
    clock.advance(seconds=89)
    assert not second.heartbeat()
    clock.advance(seconds=2)
    assert second.heartbeat()
    assert second.run("reminders.deadlines").ok
    # pc-a wakes up (it was frozen, not dead): it must not run anything any more.
    assert first.run("reminders.deadlines") is None and not first.holds_lease
    assert messages == ["Bộ lập lịch pc-a: đã nhận quyền chạy các việc định kỳ.",
                        "Bộ lập lịch pc-b: đã nhận quyền chạy các việc định kỳ.",
                        "Bộ lập lịch pc-a: không (còn) giữ quyền chạy; chuyển sang chờ."]


def test_racing_contenders_exactly_one_wins(app, clock):
    contenders = [node(app, f"pc-{n}") for n in range(6)]
    for _round in range(3):
        barrier = threading.Barrier(len(contenders))
        results: dict[str, bool] = {}

        def contend(contender):
            barrier.wait()
            results[contender.holder] = contender.heartbeat()

        threads = [threading.Thread(target=contend, args=(c,)) for c in contenders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sum(results.values()) == 1, results
        clock.advance(seconds=TTL.total_seconds() + 1)  # the winner "crashes"; next round


def test_a_clean_shutdown_hands_over_at_once(app, clock):
    first, second = node(app, "pc-a"), node(app, "pc-b")
    assert first.heartbeat()
    first.release()
    assert second.heartbeat()


def test_jobs_have_stable_ids_coalesce_one_instance_and_a_real_misfire_grace(app):
    scheduler = build_scheduler(node(app, "pc-a"), BackgroundScheduler)
    scheduler.start(paused=True)  # job defaults are applied when the scheduler starts
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(jobs) == {HEARTBEAT_JOB_ID} | {job.id for job in JOBS}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time >= 30  # never APScheduler's 1-second default
    assert str(jobs["reminders.morning_check"].trigger) == "cron[hour='7-11', minute='30']"
    assert str(jobs["reminders.morning_check"].trigger.timezone) == "Asia/Ho_Chi_Minh"


def test_the_app_factory_starts_no_thread(database_url, tmp_path):
    before = threading.active_count()
    app = create_app({"IR_DATABASE_URL": database_url, "IR_DATA_DIR": tmp_path, "SECRET_KEY": "x"})
    assert threading.active_count() == before
    app.extensions["ir_engine"].dispose()


def test_a_second_scheduler_exits_with_a_clear_message_when_asked_not_to_wait(app):
    assert node(app, "may-chu-xa:4242:abcd").heartbeat()
    result = app.test_cli_runner().invoke(scheduler_command, ["--no-wait"])
    assert result.exit_code == 2
    assert "Một bộ lập lịch khác đang chạy (may-chu-xa:4242:abcd)" in result.output
    assert "chỉ được có một bộ lập lịch" in result.output


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_real_schedulers_run_jobs_only_where_the_lease_is_and_hand_over_after_a_crash(app):
    env = dataclasses.replace(job_env(app), clock=SystemClock())
    ticks: list[str] = []

    def ticking(label):
        job = Job("test.tick", "tick", lambda _env, _session, _now: ticks.append(label) or label,
                  {"trigger": "interval", "seconds": 0.2}, misfire_grace_seconds=5)
        return SchedulerNode(env, holder=f"pc-{label}", ttl=timedelta(seconds=1), jobs=(job,),
                             announce=lambda _: None)

    first, second = ticking("a"), ticking("b")
    running_a = build_scheduler(first, BackgroundScheduler, heartbeat=timedelta(seconds=0.3))
    running_a.start()
    try:
        assert _wait_for(lambda: "a" in ticks)
        running_b = build_scheduler(second, BackgroundScheduler, heartbeat=timedelta(seconds=0.3))
        running_b.start()
        try:
            time.sleep(0.8)
            assert "b" not in ticks  # standing by while pc-a renews its lease
            running_a.shutdown(wait=True)  # pc-a "crashes": no release, the lease must expire
            assert _wait_for(lambda: "b" in ticks)
            assert second.holds_lease
        finally:
            running_b.shutdown(wait=True)
    finally:
        if running_a.running:
            running_a.shutdown(wait=False)


@pytest.mark.postgres
def test_lease_race_on_postgresql(app, clock):
    """The same race with many more rounds, where PostgreSQL's row locks do the deciding."""
    contenders = [node(app, f"pg-{n}") for n in range(8)]
    for _round in range(10):
        barrier = threading.Barrier(len(contenders))
        wins: list[str] = []

        def contend(contender):
            barrier.wait()
            if contender.heartbeat():
                wins.append(contender.holder)

        threads = [threading.Thread(target=contend, args=(c,)) for c in contenders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(wins) == 1, wins
        clock.advance(seconds=TTL.total_seconds() + 1)


def test_calls_of_one_holder_racing_for_an_expired_lease_all_see_it_as_theirs(app, clock):
    """The heartbeat job and a job run of the same process may take the lease at the same moment:
    the one that loses the UPDATE must not report the lease as lost (it was the other's spurious
    'lost' answer that made pc-b stand down right after taking over)."""
    from ir_app.jobs import lease

    factory = job_env(app).session_factory
    for round_ in range(10):
        clock.advance(seconds=TTL.total_seconds() + 1)
        assert node(app, f"pc-gone-{round_}").heartbeat()
        clock.advance(seconds=TTL.total_seconds() + 1)  # ... and crashed: its lease has expired
        barrier = threading.Barrier(4)
        answers: list[bool] = []

        def contend():
            session = factory()
            try:
                barrier.wait(30)
                answers.append(lease.acquire_or_renew(session, "pc-b", clock.now(), TTL))
            finally:
                session.close()

        threads = [threading.Thread(target=contend) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert answers == [True] * 4
        assert node(app, "pc-other").heartbeat() is False

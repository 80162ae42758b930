"""Day-to-day operations: backup plans with their runs and restore tests, the morning checks of
recent working days, and each person's notifications."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from ir_app.models import (
    BackupPlan,
    BackupRun,
    CheckResult,
    MorningCheck,
    Notification,
    RestoreTest,
)
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, SystemRef
from ir_app.services.backups.due import configured_zone, due_moments
from ir_app.services.checks import default_items

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
RUN_HISTORY_DAYS = 45      # runs older than this add rows but nothing a page or a job looks at
CHECK_HISTORY_DAYS = 30
DESTINATIONS = (
    [{"kind": "on_site", "description": "NAS phòng máy chủ"}, {"kind": "offline", "description": "Ổ cứng rời"}],
    [{"kind": "on_site", "description": "Ổ cứng phụ"}],    # no copy away from the office: 3-2-1 warning
    [{"kind": "on_site", "description": "NAS thứ hai"}, {"kind": "cloud", "description": "Đám mây trong nước"}],
)
NOTIFICATION_KINDS = (
    ("backup_overdue", "Sao lưu quá hạn: {system}", "/backups/"),
    ("dossier_due", "Hồ sơ cấp độ «{system}»: sắp đến hạn", "/dossiers/"),
    ("incident_clock", "Thời hạn báo cáo sự cố sắp đến", "/incidents/"),
    ("morning_check", "Chưa kiểm tra hạ tầng buổi sáng", "/checks/"),
    ("review_due", "Kiểm tra định kỳ «{system}» đến hạn", "/dossiers/"),
)


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, HANOI)


def add_operations(seed: Seeder, commune: CommuneRef) -> None:
    rng = seed.rng("operations", commune.index)
    _add_backups(seed, commune, rng)
    _add_morning_checks(seed, commune, rng)
    _add_notifications(seed, commune, rng)


# --------------------------------------------------------------------------- backups

def _add_backups(seed: Seeder, commune: CommuneRef, rng) -> None:
    covered = [system for number, system in enumerate(commune.systems) if number == 0 or rng.random() < 0.6]
    plans = [_plan_row(seed, commune, system, rng) for system in covered]
    histories = [(_runs(seed, plan, rng), _restore_tests(seed, commune, rng)) for plan in plans]
    zone = configured_zone()
    for plan, (plan_runs, plan_tests) in zip(plans, histories):
        plan.update(_due_columns(plan, plan_runs, plan_tests, zone))
    ids = seed.insert_ids(BackupPlan, plans)
    runs, tests = [], []
    for plan_id, plan, (plan_runs, plan_tests) in zip(ids, plans, histories):
        runs += [dict(run, plan_id=plan_id) for run in plan_runs]
        tests += [dict(test, plan_id=plan_id) for test in plan_tests]
        seed.audit(plan["created_at"], commune.user("officer").actor, "create", "backup_plan", plan_id, commune.id,
                   plan["name"])
    seed.insert(BackupRun, runs)
    test_ids = seed.insert_ids(RestoreTest, tests)
    for test_id, test in zip(test_ids, tests):
        seed.audit(test["created_at"], commune.user("officer").actor, "record_restore_test", "restore_test", test_id,
                   commune.id, f"Khôi phục thử ngày {test['tested_on']:%d/%m/%Y}: {test['result']}")


def _plan_row(seed: Seeder, commune: CommuneRef, system: SystemRef, rng) -> dict[str, Any]:
    frequency = rng.choices(("daily", "weekly", "monthly"), (60, 30, 10))[0]
    created = seed.now - timedelta(days=rng.randint(60, 400))
    responsible = rng.choice((commune.user("officer"), commune.user("staff"), None))
    return {
        "system_id": system.id, "commune_id": commune.id, "name": f"Sao lưu {system.name}"[:200],
        "scope": "Cơ sở dữ liệu và tệp đính kèm", "method": rng.choice(("full", "incremental", "image", "export")),
        "frequency": frequency, "time_of_day": rng.choice(("18:00", "22:00", "02:00")),
        "weekday": rng.randint(0, 6) if frequency == "weekly" else None,
        "day_of_month": rng.randint(1, 28) if frequency == "monthly" else None, "cron": "", "grace_hours": 12,
        "retention_days": rng.choice((30, 90, 365)), "destinations": rng.choice(DESTINATIONS),
        "is_encrypted": rng.random() < 0.4, "encryption_detail": "", "responsible_user_id": responsible.id
        if responsible else None, "rpo_hours": 24, "rto_hours": 8, "restore_test_interval_months": 6,
        "is_active": rng.random() < 0.95, "starts_at": created, "api_token_hash": None,
        "api_token_created_at": None, "created_at": created, "updated_at": created,
    }


def _scheduled_days(plan: dict[str, Any], today: date) -> list[date]:
    days = [today - timedelta(days=n) for n in range(1, RUN_HISTORY_DAYS + 1)]
    if plan["frequency"] == "weekly":
        return [day for day in days if day.weekday() == plan["weekday"]]
    if plan["frequency"] == "monthly":
        return [day for day in days if day.day == plan["day_of_month"]]
    return days


def _due_columns(plan: dict[str, Any], runs: list[dict[str, Any]], tests: list[dict[str, Any]],
                 zone: tzinfo) -> dict[str, Any]:
    """The stored due moments, as the services compute them when runs and tests are recorded."""
    last_ok = max((run["ran_at"] for run in runs if run["result"] == "ok"), default=None)
    last_test = max((test["tested_on"] for test in tests if test["result"] == "ok"), default=None)
    due = due_moments(SimpleNamespace(**plan), last_ok, last_test, zone)
    return {"next_overdue_at": due.next_overdue_at, "restore_due_on": due.restore_due_on,
            "has_away_copy": due.has_away_copy}


def _runs(seed: Seeder, plan: dict[str, Any], rng) -> list[dict[str, Any]]:
    """Runs at the planned time; one plan in eight stopped a few days ago (it is overdue now)."""
    hour, minute = map(int, plan["time_of_day"].split(":"))
    stopped_days = rng.randint(3, 9) if rng.random() < 0.125 else 0
    today = seed.now.astimezone(HANOI).date()
    rows = []
    for day in _scheduled_days(plan, today - timedelta(days=stopped_days)):
        ran_at = local(day, time(hour, minute)) + timedelta(minutes=rng.randint(5, 50))
        if ran_at < plan["starts_at"] or ran_at > seed.now:
            continue
        result = rng.choices(("ok", "partial", "failed"), (92, 3, 5))[0]
        rows.append({"ran_at": ran_at, "result": result,
                     "size_bytes": rng.randint(200, 4000) * 1_000_000 if result != "failed" else None,
                     "notes": "Tập lệnh sao lưu tự động" if result == "ok" else "Hết dung lượng ổ đích",
                     "source": "api", "recorded_by_id": None, "created_at": ran_at})
    return rows


def _restore_tests(seed: Seeder, commune: CommuneRef, rng) -> list[dict[str, Any]]:
    rows = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        tested = seed.now - timedelta(days=rng.randint(10, 300))
        rows.append({"tested_on": tested.astimezone(HANOI).date(),
                     "result": rng.choices(("ok", "partial", "failed"), (85, 10, 5))[0],
                     "minutes_to_restore": rng.randint(15, 240), "notes": "Khôi phục lên máy dự phòng",
                     "recorded_by_id": commune.user("officer").id, "created_at": tested})
    return rows


# --------------------------------------------------------------------------- morning checks

def _add_morning_checks(seed: Seeder, commune: CommuneRef, rng) -> None:
    today = seed.now.astimezone(HANOI).date()
    days = [today - timedelta(days=n) for n in range(1, CHECK_HISTORY_DAYS + 1)]
    days = [day for day in days if day.weekday() < 5 and rng.random() < 0.85]
    staff = commune.user("staff")
    checks = [{"commune_id": commune.id, "checked_on": day,
               "checked_at": local(day, time(7, rng.randint(10, 59))), "checked_by_id": staff.id,
               "notes": ""} for day in days]
    ids = seed.insert_ids(MorningCheck, checks)
    seed.insert(CheckResult, [
        {"check_id": check_id, "position": position, "label": label, "is_ok": ok,
         "note": "" if ok else "Mất kết nối từ 7 giờ, đã báo nhà mạng", "escalated_at": None, "incident_id": None}
        for check_id in ids for position, label in enumerate(default_items())
        for ok in (rng.random() > 0.04,)])
    for check_id, check in zip(ids, checks):
        seed.audit(check["checked_at"], staff.actor, "record", "morning_check", check_id, commune.id,
                   f"Kiểm tra buổi sáng ngày {check['checked_on']:%d/%m/%Y}")


# --------------------------------------------------------------------------- notifications

def _add_notifications(seed: Seeder, commune: CommuneRef, rng) -> None:
    people = [commune.user("officer"), commune.user("staff"), commune.user("staff2")]
    rows = []
    for number in range(rng.randint(20, 40)):
        kind, subject, link = rng.choice(NOTIFICATION_KINDS)
        created = seed.now - timedelta(hours=rng.uniform(1, 24 * 60))
        read = created + timedelta(hours=rng.uniform(0.2, 30)) if rng.random() < 0.8 else None
        status = rng.choices(("sent", "skipped", "failed"), (85, 12, 3))[0]
        system = rng.choice(commune.systems).name if commune.systems else ""
        rows.append({"dedup_key": f"synthetic:{kind}:{commune.id}:{number}", "user_id": rng.choice(people).id,
                     "commune_id": commune.id, "kind": kind, "subject": subject.format(system=system)[:300],
                     "body": "", "link": link, "created_at": created,
                     "read_at": read if read and read < seed.now else None, "email_status": status,
                     "attempts": 8 if status == "failed" else int(status == "sent"), "next_attempt_at": None,
                     "last_error": "550 hộp thư không tồn tại" if status == "failed" else "",
                     "sent_at": created + timedelta(minutes=1) if status == "sent" else None})
    seed.insert(Notification, rows)

"""Backup plans as a commune user sees them: forms, health, runs, restore tests, the script API."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, BackupPlan, BackupRun, RestoreTest, Role
from tests.ops_support import hanoi, make_plan, make_system
from tests.incident_support import count_statements

PLAN = {"name": "Xuất CSDL một cửa", "scope": "CSDL hồ sơ", "method": "export", "frequency": "daily",
        "time_of_day": "22:00", "grace_hours": "12", "retention_days": "30", "dest_on_site": "NAS phòng máy chủ",
        "dest_offline": "Ổ cứng rời trong tủ sắt", "restore_test_interval_months": "6", "is_active": "y",
        "rpo_hours": "24", "rto_hours": "8"}


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune, name="Trần Thị Lan")


@pytest.fixture
def system(session, commune):
    return make_system(session, commune)


def test_staff_creates_a_plan_and_the_system_page_shows_it(make_web, staff, system, session, clock):
    client = make_web(staff)
    form = client.get(f"/backups/system/{system.id}/new").get_data(as_text=True)
    assert "Trần Thị Lan" in form and 'name="dest_cloud"' in form
    response = client.post_form(f"/backups/system/{system.id}/new", dict(PLAN, responsible_user_id=str(staff.id)))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    plan = session.scalar(select(BackupPlan))
    assert plan.destinations == [{"kind": "on_site", "description": "NAS phòng máy chủ"},
                                 {"kind": "offline", "description": "Ổ cứng rời trong tủ sắt"}]
    assert (plan.responsible_user_id, plan.rpo_hours, plan.weekday, plan.starts_at) == (staff.id, 24, None, clock.now())
    page = client.get(f"/systems/{system.id}").get_data(as_text=True)
    assert "Xuất CSDL một cửa" in page and "Đúng lịch" in page and "Chưa đạt 3-2-1" not in page
    detail = client.get(response.location).get_data(as_text=True)
    assert "22:00 26/11/2026" in detail  # next expected run, local time
    assert session.scalar(select(AuditEvent).where(AuditEvent.object_type == "backup_plan")).action == "create"


@pytest.mark.parametrize("changes, field, message", [
    ({"frequency": "weekly"}, "weekday", "chọn thứ trong tuần"),
    ({"frequency": "monthly", "day_of_month": "31"}, "day_of_month", "Không được lớn hơn 28"),
    ({"frequency": "cron", "cron": "99 * * * *"}, "cron", "phải từ 0 đến 59"),
    ({"time_of_day": "25:61"}, "time_of_day", "HH:MM"),
    ({"name": ""}, "name", "Bắt buộc nhập."),
])
def test_bad_schedules_are_explained_and_input_is_kept(make_web, staff, system, session, changes, field, message):
    client = make_web(staff)
    response = client.post_form(f"/backups/system/{system.id}/new", dict(PLAN, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert f'id="{field}-error"' in page or message in page
    assert "NAS phòng máy chủ" in page  # what the user typed is still there
    assert session.scalar(select(BackupPlan)) is None


def test_321_warning_and_a_stale_form_conflict(make_web, staff, make_user, commune, system, session):
    plan = make_plan(session, system, destinations=[{"kind": "on_site", "description": "NAS"}])
    client = make_web(staff)
    assert "Không có bản sao ngoài trụ sở" in client.get(f"/backups/plans/{plan.id}").get_data(as_text=True)
    other = make_web(make_user(Role.OFFICER, organisation=commune))
    edit = dict(PLAN, version=str(plan.version))
    assert client.post_form(f"/backups/plans/{plan.id}/edit", dict(edit, name="Tên A")).status_code == 302
    stale = other.post_form(f"/backups/plans/{plan.id}/edit", dict(edit, name="Tên B"))
    assert "người khác sửa" in stale.get_data(as_text=True)
    session.expire_all()
    assert session.get(BackupPlan, plan.id).name == "Tên A"


def test_recording_a_run_and_a_restore_test_by_hand(make_web, staff, system, session, clock):
    clock.current = hanoi(2026, 11, 26, 9, 0)
    plan = make_plan(session, system, starts_at=hanoi(2026, 11, 20, 9, 0))
    client = make_web(staff)
    assert "Quá hạn sao lưu" in client.get(f"/backups/plans/{plan.id}").get_data(as_text=True)
    bad = client.post_form(f"/backups/plans/{plan.id}/runs/new", {"ran_at": "2026-11-27T22:00", "result": "ok",
                                                                  "size": "nhiều"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "không được ở tương lai" in text or "Dung lượng phải là một số" in text
    ok = client.post_form(f"/backups/plans/{plan.id}/runs/new", {"ran_at": "2026-11-25T22:05", "result": "ok",
                                                                 "size": "1,5 GB", "notes": "Chạy tay"})
    assert ok.status_code == 302
    run = session.scalar(select(BackupRun))
    assert (run.ran_at, run.size_bytes, run.source, run.recorded_by_id) == (
        hanoi(2026, 11, 25, 22, 5), int(1.5 * 1024**3), "manual", staff.id)
    page = client.get(f"/backups/plans/{plan.id}").get_data(as_text=True)
    assert "Quá hạn sao lưu" not in page and "1,5 GB" in page and "Nhập tay (Trần Thị Lan)" in page
    assert client.post_form(f"/backups/plans/{plan.id}/restore-tests/new", {
        "tested_on": "2026-11-24", "result": "ok", "minutes_to_restore": "40"}).status_code == 302
    test = session.scalar(select(RestoreTest))
    assert (test.tested_on, test.minutes_to_restore) == (date(2026, 11, 24), 40)
    assert "24/05/2027" in client.get(f"/backups/plans/{plan.id}").get_data(as_text=True)  # next restore test


def test_backup_script_records_runs_with_its_token(make_web, web, staff, system, session, app):
    plan = make_plan(session, system)
    client = make_web(staff)
    page = client.post_form(f"/backups/plans/{plan.id}/token", follow_redirects=True).get_data(as_text=True)
    token = page.split('<code class="secret">')[1].split("</code>")[0]
    assert token.startswith("irb_") and token not in client.get(f"/backups/plans/{plan.id}").get_data(as_text=True)
    session.expire_all()
    assert session.get(BackupPlan, plan.id).api_token_hash not in (None, token)
    url = f"/api/backups/plans/{plan.id}/runs"
    created = web.post(url, json={"result": "ok", "size": "2GB", "notes": "nightly.sh"},
                       headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["result"] == "ok"
    form_post = web.post(url, data={"result": "partial", "at": "2026-11-26T01:00"}, headers={"X-Backup-Token": token})
    assert form_post.status_code == 201
    assert web.post(url, json={"result": "tuyệt"}, headers={"Authorization": f"Bearer {token}"}).status_code == 422
    assert web.post(url, json={"result": "ok"}, headers={"Authorization": "Bearer sai"}).status_code == 401
    assert web.post(url, json={"result": "ok"}).status_code == 401
    other_plan = make_plan(session, system, name="Khác")
    wrong_plan = web.post(f"/api/backups/plans/{other_plan.id}/runs", json={"result": "ok"},
                          headers={"Authorization": f"Bearer {token}"})
    assert wrong_plan.status_code == 401
    runs = session.scalars(select(BackupRun).order_by(BackupRun.id)).all()
    assert [(run.source, run.result) for run in runs] == [("api", "ok"), ("api", "partial")]
    assert runs[0].size_bytes == 2 * 1024**3
    client.post_form(f"/backups/plans/{plan.id}/token/revoke")
    assert web.post(url, json={"result": "ok"}, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_read_only_roles_see_but_cannot_change(make_web, make_user, commune, system, session):
    plan = make_plan(session, system)
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    page = auditor.get(f"/backups/plans/{plan.id}").get_data(as_text=True)
    assert "Sao lưu hằng đêm" in page and "/runs/new" not in page and "Cấp mã" not in page
    assert auditor.post_form(f"/backups/plans/{plan.id}/runs/new", {"result": "ok"}).status_code == 403


def test_overview_shows_backup_health_per_commune(make_web, make_user, commune, other_commune, session, clock):
    clock.current = hanoi(2026, 11, 26, 9, 0)
    make_plan(session, make_system(session, commune), starts_at=hanoi(2026, 11, 20, 9, 0))
    make_plan(session, make_system(session, other_commune), starts_at=hanoi(2026, 11, 26, 8, 0),
              destinations=[{"kind": "cloud", "description": "Đám mây"}, {"kind": "on_site", "description": "NAS"}])
    overseer = make_web(make_user(Role.OVERSEER, organisation=commune.parent))
    page = overseer.get("/").get_data(as_text=True)
    section = page.split("<h2>Sao lưu</h2>")[1].split("</table>")[0]
    assert "Xã Vĩnh Lại" in section and "Phường Hải An" in section
    assert section.count('class="badge overdue"') == 1


def test_backup_pages_issue_a_bounded_number_of_statements(app, make_web, staff, commune, session):
    client = make_web(staff)
    systems = [make_system(session, commune, code=f"S{n}", name=f"Hệ thống {n}") for n in range(3)]
    plan = make_plan(session, systems[0], responsible=staff)
    for system in systems:
        make_plan(session, system, name=f"Kế hoạch {system.code}")
    session.add_all(BackupRun(plan_id=plan.id, ran_at=hanoi(2026, 11, 20, 22, n), result="ok",
                              created_at=hanoi(2026, 11, 20, 22, 0)) for n in range(5))
    session.commit()
    pages = ("/backups/", f"/backups/plans/{plan.id}", f"/systems/{systems[0].id}", "/")
    small = [count_statements(app, lambda url=url: client.get(url)) for url in pages]
    more = [make_system(session, commune, code=f"T{n}", name=f"Thêm {n}") for n in range(30)]
    for system in more:
        make_plan(session, system, name=f"Kế hoạch {system.code}",
                  responsible=staff if system.code.endswith("1") else None)
    session.add_all(BackupRun(plan_id=plan.id, ran_at=hanoi(2026, 11, 21, 22, n), result="failed",
                              created_at=hanoi(2026, 11, 21, 22, 0)) for n in range(40))
    session.commit()
    large = [count_statements(app, lambda url=url: client.get(url)) for url in pages]
    assert large == small


ODD = ["\x00", "ệ" * 5_000, "99999999999999999999", "-1", "0001-01-01T00:00", "9999-12-31T23:59", "1e309",
       "<script>alert(1)</script>", "2026-02-30"]


def test_odd_input_never_gives_a_server_error_nor_a_partial_write(app, make_web, make_user, commune, system,
                                                                  session, web):
    from tests.web.test_backups_checks_inbox_feed import _row_counts

    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    plan = make_plan(session, system)
    targets = {
        f"/backups/system/{system.id}/new": list(PLAN) + ["responsible_user_id", "weekday", "cron"],
        f"/backups/plans/{plan.id}/edit": list(PLAN) + ["responsible_user_id", "version"],
        f"/backups/plans/{plan.id}/runs/new": ["ran_at", "result", "size", "notes"],
        f"/backups/plans/{plan.id}/restore-tests/new": ["tested_on", "result", "minutes_to_restore", "notes"],
        f"/checks/morning?commune={commune.code}": ["status_0", "note_0", "notes", "version"],
        f"/checks/items?commune={commune.code}": ["items"],
        "/notifications/settings": ["email_notifications", "daily_digest", "version"],
    }
    for url, names in targets.items():
        for value in ODD:
            before = _row_counts(session)
            response = admin.post_form(url, {name: value for name in names})
            assert response.status_code < 500, (url, value[:20], response.get_data(as_text=True)[:300])
            if response.status_code != 302:
                assert _row_counts(session) == before, (url, value[:20])
    # An id past 64 bits never reaches the database: the URL converter makes it a 404 (not a 500).
    assert web.post("/api/backups/plans/99999999999999999999/runs", json={"result": "ok"},
                    headers={"Authorization": "Bearer x"}).status_code == 404  # no such plan
    for value in ODD:
        response = web.post(f"/api/backups/plans/{plan.id}/runs", data={"result": "ok", "size": value, "at": value},
                            headers={"Authorization": "Bearer " + value})
        assert response.status_code == (400 if "\x00" in value else 401)  # NUL is refused at the edge


def test_inbox_check_history_and_operations_issue_a_bounded_number_of_statements(app, make_web, make_user, staff,
                                                                                commune, session, clock):
    from datetime import timedelta

    from ir_app.models import CheckResult, MorningCheck, Notification

    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    client = make_web(staff)

    def add(start, count):
        for n in range(start, start + count):
            session.add(Notification(dedup_key=f"k{n}", user_id=staff.id, commune_id=commune.id, kind="test",
                                     subject=f"Thông báo {n}", created_at=clock.now(),
                                     email_status="failed" if n % 2 else "sent"))
            session.add(MorningCheck(commune_id=commune.id, checked_on=date(2026, 1, 1) + timedelta(days=n),
                                     checked_at=clock.now(), checked_by_id=staff.id,
                                     results=[CheckResult(position=0, label="Internet", is_ok=bool(n % 3))]))
        session.commit()

    pages = [(client, "/notifications/"), (client, "/checks/"), (admin, "/operations/")]
    add(0, 3)
    small = [count_statements(app, lambda c=c, url=url: c.get(url)) for c, url in pages]
    add(3, 70)
    large = [count_statements(app, lambda c=c, url=url: c.get(url)) for c, url in pages]
    assert large == small


def test_a_schedule_broken_outside_the_app_is_shown_not_fatal(app, make_web, staff, system, session):
    from tests.ops_support import run_all

    broken = make_plan(session, system, frequency="cron", cron="every night")
    make_plan(session, system, name="Vẫn chạy", starts_at=hanoi(2026, 11, 1), responsible=staff)
    page = make_web(staff).get(f"/backups/plans/{broken.id}").get_data(as_text=True)
    assert "Lịch sao lưu không đọc được" in page
    run_all(app, hanoi(2026, 11, 26, 10, 15))  # the other plan is still reminded
    from ir_app.models import Notification

    assert any(":missed:" in key for key in session.scalars(select(Notification.dedup_key)))

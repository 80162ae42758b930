"""The morning check, the inbox, notification settings, the ICS feed and the operations page,
on the demo communes."""
from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from ir_app import create_app
from ir_app.cli.serving import demo
from ir_app.domain.clock import FixedClock
from ir_app.models import CheckResult, Incident, MorningCheck, Notification, Organisation, User
from tests.conftest import PG_URL, _truncate_all
from tests.ops_support import hanoi, run_all

DEMO_PASSWORD = "demo12345"


def _load_demo(app) -> None:
    result = app.test_cli_runner().invoke(demo, ["--no-serve"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def demo_template(template_database, tmp_path_factory):
    """On SQLite, load the demo data once per module and copy the file for each test."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(template_database, path)
    app = create_app({"IR_DATABASE_URL": f"sqlite:///{path}", "IR_DATA_DIR": path.parent / "data",
                      "SECRET_KEY": "test", "IR_CLOCK": FixedClock()})  # the same moment as the clock fixture
    with app.app_context():
        _load_demo(app)
    app.extensions["ir_engine"].dispose()
    return path


@pytest.fixture
def database_url(demo_template, tmp_path):  # overrides conftest's: starts from the demo data
    if demo_template is None:
        _truncate_all(PG_URL)
        return PG_URL
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def demo_data(app, demo_template):
    if demo_template is None:  # PostgreSQL: load it into the emptied database
        _load_demo(app)


def _row_counts(session) -> dict[str, int]:
    """Rows per table (audit and outbox rows excepted: they are written on purpose)."""
    from sqlalchemy import func

    from ir_app.models import Base

    session.expire_all()
    skip = {"audit_events", "audit_chain_head", "login_attempts", "notifications"}
    return {name: session.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items() if name not in skip}


def sign_in(make_web, email):
    client = make_web()
    assert client.login(email, DEMO_PASSWORD).status_code == 302
    return client


def commune_code(session, slug):
    return session.scalar(select(Organisation.code).where(Organisation.slug == slug))


def test_morning_check_for_each_demo_commune(app, session, make_web, demo_data, clock):
    for slug in ("vinh-lai", "hai-an", "mai-phu", "cho-don"):
        client = sign_in(make_web, f"officer@{slug}.demo.vn")
        form = client.get("/checks/morning").get_data(as_text=True)
        assert "Kết nối Internet" in form and "Máy quét (scan)" in form
        response = client.post_form("/checks/morning", {"status_0": "ok", "status_1": "fail", "note_1": ""})
        assert response.status_code == 422 and "Ghi rõ hiện tượng" in response.get_data(as_text=True)
        response = client.post_form("/checks/morning", {"status_1": "fail", "note_1": "2 máy không khởi động"})
        assert response.status_code == 302, slug
        detail = client.get(response.location).get_data(as_text=True)
        assert "2 máy không khởi động" in detail and "Báo sự cố" in detail
    checks = session.scalars(select(MorningCheck)).all()
    assert len(checks) == 4 and {check.checked_on for check in checks} == {date(2026, 11, 26)}
    assert all(check.failed_count == 1 for check in checks)


def test_morning_reminder_goes_only_to_communes_without_a_check(app, session, make_web, demo_data):
    client = sign_in(make_web, "staff@hai-an.demo.vn")
    assert client.post_form("/checks/morning", {}).status_code == 302
    run_all(app, hanoi(2026, 11, 26, 7, 45))
    reminded = {key.split(":")[1] for key in session.scalars(
        select(Notification.dedup_key).where(Notification.dedup_key.like("morning-check:%")))}
    hai_an = session.scalar(select(Organisation.id).where(Organisation.slug == "hai-an"))
    assert len(reminded) == 3 and str(hai_an) not in reminded


def test_a_failed_item_becomes_an_incident_in_one_click(app, session, make_web, demo_data):
    staff = sign_in(make_web, "staff@vinh-lai.demo.vn")
    response = staff.post_form("/checks/morning", {"status_0": "fail", "note_0": "Mất kết nối Internet từ 7h"})
    check = session.scalar(select(MorningCheck))
    failed = next(result for result in check.results if not result.is_ok)
    escalated = staff.post_form(f"/checks/results/{failed.id}/incident")
    assert escalated.status_code == 302 and escalated.location == response.location
    session.expire_all()
    incident = session.get(Incident, session.get(CheckResult, failed.id).incident_id)
    assert incident.category == "infrastructure_failure" and incident.state == "received"
    assert "Mất kết nối Internet từ 7h" in incident.description
    officer = session.scalar(select(User).where(User.email == "officer@vinh-lai.demo.vn"))
    alert = session.scalar(select(Notification).where(Notification.user_id == officer.id,
                                                      Notification.dedup_key == f"incident:{incident.id}:reported"))
    assert alert is not None  # the commune's officers are alerted like for any quick report
    again = staff.post_form(f"/checks/results/{failed.id}/incident", follow_redirects=True)
    assert "đã được báo sự cố" in again.get_data(as_text=True)
    session.expire_all()
    assert session.get(CheckResult, failed.id).escalated_at is not None
    # An officer of another commune cannot reach it.
    far = sign_in(make_web, "officer@mai-phu.demo.vn")
    assert far.post_form(f"/checks/results/{failed.id}/incident").status_code == 404


def test_admin_edits_the_checklist(app, session, make_web, demo_data):
    admin = sign_in(make_web, "admin@vinh-lai.demo.vn")
    code = commune_code(session, "vinh-lai")
    assert "Máy in" in admin.get(f"/checks/items?commune={code}").get_data(as_text=True)
    bad = admin.post_form(f"/checks/items?commune={code}", {"items": "  \n "})
    assert "ít nhất một mục" in bad.get_data(as_text=True)
    assert admin.post_form(f"/checks/items?commune={code}",
                           {"items": "Internet\nMáy chủ một cửa\nCamera"}).status_code == 302
    form = sign_in(make_web, "staff@vinh-lai.demo.vn").get("/checks/morning").get_data(as_text=True)
    assert "Máy chủ một cửa" in form and "Máy in" not in form
    assert sign_in(make_web, "officer@vinh-lai.demo.vn").get("/checks/items").status_code == 403


def test_inbox_unread_count_open_and_read_all(app, session, make_web, demo_data):
    run_all(app, hanoi(2026, 11, 26, 10, 15))
    officer = session.scalar(select(User).where(User.email == "officer@vinh-lai.demo.vn"))
    mine = session.scalars(select(Notification).where(Notification.user_id == officer.id)
                           .order_by(Notification.id)).all()
    assert mine
    client = sign_in(make_web, officer.email)
    page = client.get("/").get_data(as_text=True)
    assert re.search(rf'id="unread-count">{len(mine)}<', page)
    opened = client.post_form(f"/notifications/{mine[0].id}/open")
    assert opened.status_code == 302 and opened.location == mine[0].link
    assert re.search(rf'id="unread-count">{len(mine) - 1}<', client.get("/notifications/").get_data(as_text=True))
    client.post_form("/notifications/read-all")
    assert 'id="unread-count"' not in client.get("/notifications/").get_data(as_text=True)
    stranger = sign_in(make_web, "officer@hai-an.demo.vn")
    assert stranger.post_form(f"/notifications/{mine[0].id}/open").status_code == 404


def test_notification_links_never_leave_the_app(app, session, make_web, demo_data, clock):
    user = session.scalar(select(User).where(User.email == "staff@vinh-lai.demo.vn"))
    row = Notification(dedup_key="evil", user_id=user.id, kind="test", subject="x", link="//evil.example/",
                       created_at=clock.now())
    session.add(row)
    session.commit()
    client = sign_in(make_web, user.email)
    assert client.post_form(f"/notifications/{row.id}/open").location == "/notifications/"


def test_notification_settings(app, session, make_web, demo_data):
    client = sign_in(make_web, "staff@vinh-lai.demo.vn")
    page = client.get("/notifications/settings").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert client.post_form("/notifications/settings", {"daily_digest": "y", "version": version}).status_code == 302
    user = session.scalar(select(User).where(User.email == "staff@vinh-lai.demo.vn"))
    session.refresh(user)
    assert (user.email_notifications, user.daily_digest) == (False, True)
    stale = client.post_form("/notifications/settings", {"email_notifications": "y", "version": version})
    assert "người khác sửa" in stale.get_data(as_text=True)


def _feed(client) -> tuple[str, Calendar]:
    page = client.post_form("/notifications/calendar/token", follow_redirects=True).get_data(as_text=True)
    url = page.split('<code class="secret">')[1].split("</code>")[0]
    path = url.split("localhost", 1)[1]
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return path, Calendar.from_ical(response.data)


@pytest.mark.parametrize("email, responsible_for", [
    ("officer@vinh-lai.demo.vn", "Xuất CSDL một cửa hằng đêm"),
    ("staff@hai-an.demo.vn", "Ảnh đầu ghi camera hằng tuần"),
    ("officer@mai-phu.demo.vn", "Thư mục dùng chung của trụ sở"),
    ("officer@cho-don.demo.vn", "Xuất CSDL một cửa hằng đêm"),
])
def test_ics_feed_for_the_demo_communes(app, session, make_web, web, demo_data, email, responsible_for):
    client = sign_in(make_web, email)
    path, calendar = _feed(client)
    events = calendar.walk("VEVENT")
    summaries = [str(event["SUMMARY"]) for event in events]
    assert any(responsible_for in summary and summary.startswith("Sao lưu") for summary in summaries), summaries
    assert any(summary.startswith("Khôi phục thử") for summary in summaries)
    assert any("báo cáo năm 2026" in summary for summary in summaries)
    assert any("hạn 01/07/2027" in summary for summary in summaries)  # QLVB approved under NĐ 85
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert all(str(event["UID"]).endswith("@attt-xa") for event in events)
    annual = next(event for event in events if "báo cáo năm" in str(event["SUMMARY"]))
    assert annual.decoded("DTSTART") in (date(2026, 12, 19), date(2026, 12, 24))
    other_commune_plans = {"vinh-lai", "hai-an", "mai-phu", "cho-don"} - {email.split("@")[1].split(".")[0]}
    assert not any(slug in str(event.get("URL", "")) for slug in other_commune_plans for event in events)
    # Anonymous access with the secret works; a new secret breaks the old URL; revoking breaks it.
    assert web.get(path).status_code == 200
    assert "lịch đọc lần cuối" in client.get("/notifications/calendar").get_data(as_text=True)
    new_path, _ = _feed(client)
    assert web.get(path).status_code == 404 and web.get(new_path).status_code == 200
    client.post_form("/notifications/calendar/revoke")
    assert web.get(new_path).status_code == 404
    assert web.get("/calendar/khong-co-ma.ics").status_code == 404


def test_operations_page_lists_failed_emails_and_retries(app, session, make_web, demo_data, clock):
    user = session.scalar(select(User).where(User.email == "staff@vinh-lai.demo.vn"))
    row = Notification(dedup_key="k", user_id=user.id, kind="backup_overdue", subject="Sao lưu quá hạn: thử",
                       created_at=clock.now(), email_status="failed", attempts=8,
                       last_error="SMTPRecipientsRefused: 550")
    session.add(row)
    session.commit()
    run_all(app, clock.now())
    admin = sign_in(make_web, "admin@vinh-lai.demo.vn")
    page = admin.get("/operations/").get_data(as_text=True)
    assert "Sao lưu quá hạn: thử" in page and "SMTPRecipientsRefused" in page
    assert "reminders.incident_clocks" in page and "Không có bộ lập lịch nào đang chạy" in page
    assert admin.post_form(f"/operations/outbox/{row.id}/retry").status_code == 302
    session.expire_all()
    assert (session.get(Notification, row.id).email_status, session.get(Notification, row.id).attempts) == (
        "pending", 0)
    assert sign_in(make_web, "officer@vinh-lai.demo.vn").get("/operations/").status_code == 403


def test_demo_reload_adds_no_duplicate_backups_or_checklists(app, session, demo_data):
    from ir_app.models import BackupPlan, BackupRun, CheckItem

    counts = [len(session.scalars(select(model)).all()) for model in (BackupPlan, BackupRun, CheckItem)]
    again = app.test_cli_runner().invoke(demo, ["--no-serve"])
    assert "0 bản ghi mới" in again.output
    assert [len(session.scalars(select(model)).all()) for model in (BackupPlan, BackupRun, CheckItem)] == counts
    assert counts[0] == 12 and counts[2] == 20


def test_operations_page_says_emails_wait_while_no_mail_server_is_configured(app, session, make_web, demo_data,
                                                                             clock):
    app.config["IR_SMTP_HOST"] = ""
    run_all(app, clock.now())
    waiting = session.scalar(select(func.count(Notification.id)).where(Notification.email_status == "pending",
                                                                       Notification.next_attempt_at <= clock.now()))
    assert waiting > 0  # the demo's reminders, kept for when a server is configured
    page = sign_in(make_web, "admin@vinh-lai.demo.vn").get("/operations/").get_data(as_text=True)
    notice = page[page.index('id="smtp-unconfigured"'):][:600]
    assert f"{waiting} thư đang chờ gửi" in notice and "sẽ được gửi khi máy chủ thư được cấu hình" in notice
    assert session.scalar(select(func.count(Notification.id)).where(
        Notification.last_error.like("%IR_SMTP_HOST%"))) == 0

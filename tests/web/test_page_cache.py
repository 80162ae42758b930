"""Province-wide pages kept per change and minute (web/page_cache.py): fast on a second view, never
behind an audited change, at most a minute behind the clock, never shared between users or languages."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from ir_app.models import BackupPlan, Role
from ir_app.services.audit import Actor
from ir_app.services.change_mark import change_mark
from ir_app.web.page_cache import MinuteCache
from tests.incident_support import count_statements
from tests.ops_support import make_plan, make_system

OVERDUE_BACKUPS = re.compile(r'<td><span class="badge overdue">(\d+)</span></td>')


@pytest.fixture
def plan(session, commune):
    return make_plan(session, make_system(session, commune))  # daily since 01/11: overdue on 26/11


@pytest.fixture
def overseer(make_user, province):
    return make_user(Role.OVERSEER, organisation=province, name="Vũ Đức Thắng")


def _overdue_backups(client) -> list[str]:
    return OVERDUE_BACKUPS.findall(client.get("/").get_data(as_text=True))


def _views_statements(app, client, path: str) -> int:
    """Statements of a view that may reuse what the previous one kept."""
    return count_statements(app, lambda: client.get(path), list_counts=True, keep_kept_pages=True)


@pytest.mark.parametrize("path", ["/", "/province/", "/province/?sort=name", "/work", "/work?kind=backup_overdue",
                                  "/advisories/matrix"])
def test_a_second_view_without_change_reuses_the_page(app, make_web, overseer, plan, path):
    client = make_web(overseer)
    assert client.get(path).status_code == 200
    first = count_statements(app, lambda: client.get(path))
    again = _views_statements(app, client, path)
    assert again < first
    assert again <= 4  # the user, the menu, the change mark (and the organisation)


def test_a_backup_recorded_is_on_the_overseers_overview_at_once(make_web, make_user, overseer, plan, commune):
    watching = make_web(overseer)
    assert _overdue_backups(watching) == ["1"]
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    recorded = officer.post_form(f"/backups/plans/{plan.id}/runs/new", {"ran_at": "2026-11-25T22:05", "result": "ok"})
    assert recorded.status_code == 302
    assert _overdue_backups(watching) == []  # same minute: the audited run moved the change mark


def test_what_only_the_clock_changes_is_at_most_a_minute_behind(make_web, overseer, plan, session, clock):
    client = make_web(overseer)
    assert _overdue_backups(client) == ["1"]
    # Not through the app, so not audited: only the next minute shows it.
    session.execute(update(BackupPlan).values(next_overdue_at=clock.now() + timedelta(days=1)))
    session.commit()
    clock.advance(seconds=59 - clock.now().second)
    assert _overdue_backups(client) == ["1"]
    clock.advance(seconds=1)
    assert _overdue_backups(client) == []


def test_each_user_and_language_has_its_own_page(make_web, make_user, overseer, plan, foreign_commune, session):
    from ir_app.models import Organisation

    ha_tinh = session.get(Organisation, foreign_commune.parent_id)
    mine, theirs = make_web(overseer), make_web(make_user(Role.OVERSEER, organisation=ha_tinh))
    assert "Vĩnh Lại" in mine.get("/").get_data(as_text=True)
    other_page = theirs.get("/").get_data(as_text=True)
    assert "Mai Phụ" in other_page and "Vĩnh Lại" not in other_page
    mine.get("/lang/en")
    english = mine.get("/").get_data(as_text=True)
    assert "Backups" in english and "Sao lưu</h2>" not in english


def test_the_change_mark_moves_with_the_users_scope_only(session, commune, other_commune, foreign_commune,
                                                        overseer, make_user, clock):
    from ir_app.services import audit

    officer = make_user(Role.OFFICER, organisation=commune)
    before = (change_mark(session, officer), change_mark(session, overseer))

    def audited(commune_id):
        audit.record(session, Actor.system("kiểm thử"), "update", now=clock.now(), object_type="test",
                     commune_id=commune_id)
        session.commit()

    audited(foreign_commune.id)  # another province: neither sees it
    assert (change_mark(session, officer), change_mark(session, overseer)) == before
    audited(other_commune.id)  # the province's other commune: the overseer's scope, not the officer's
    assert change_mark(session, officer) == before[0] and change_mark(session, overseer) > before[1]
    audited(None)  # a province- or nation-wide record (an advisory): everyone's
    assert change_mark(session, officer) > before[0]


def test_the_cache_keeps_one_minute_and_a_bounded_number_of_entries():
    minute = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    cache = MinuteCache(max_entries=2)
    for key in "abc":
        cache.put(minute, key, key.upper())
    assert (cache.get(minute, "a"), cache.get(minute, "c"), len(cache)) == (None, "C", 2)
    later = minute + timedelta(minutes=1)
    cache.put(later, "d", "D")
    assert (cache.get(later, "c"), cache.get(minute, "d"), len(cache)) == (None, None, 1)
    cache.put(minute, "late", "old value")  # a request of the previous minute finishing late
    assert cache.get(later, "late") is None and len(cache) == 1


def test_no_entries_means_no_caching(app, make_web, overseer, plan):
    app.extensions["ir_page_cache"].max_entries = 0  # as IR_PAGE_CACHE_ENTRIES=0 makes both
    app.extensions["ir_navigation_cache"].max_entries = 0
    client = make_web(overseer)
    first = count_statements(app, lambda: client.get("/"))
    app.extensions["ir_work_counts"].clear()  # the menu badge's own count (web.work.work_count)
    assert _views_statements(app, client, "/") == first


def test_the_menu_figures_come_with_the_user_and_are_read_again_after_a_commit(app, make_user, commune, session,
                                                                              clock):
    from flask import g

    from ir_app.models import Notification
    from ir_app.web.access import load_user
    from ir_app.web.context import db
    from ir_app.web.work import menu

    user = make_user(Role.OFFICER, organisation=commune)
    session.add(Notification(dedup_key="k", user_id=user.id, kind="test", subject="Thử", created_at=clock.now()))
    session.commit()
    with app.test_request_context("/"):
        g._login_user = load_user(f"{user.id}:{user.session_token}")  # what Flask-Login does with it
        assert g._login_user.id == user.id and g.menu_figures.unread == 1  # read in the user's own statement
        notification = db().query(Notification).one()
        notification.read_at = clock.now()
        db().commit()
        assert "menu_figures" not in g and menu().unread == 0  # a page drawn after the change


def test_a_request_that_commits_a_change_reads_its_mark_again(app, make_user, commune, clock):
    from flask import g

    from ir_app.services import audit
    from ir_app.web.access import load_user
    from ir_app.web.context import db
    from ir_app.web.page_cache import scope_mark

    officer = make_user(Role.OFFICER, organisation=commune)
    with app.test_request_context("/"):
        g._login_user = load_user(f"{officer.id}:{officer.session_token}")
        before = scope_mark()
        audit.record(db(), Actor.system("kiểm thử"), "update", now=clock.now(), object_type="test",
                     commune_id=commune.id)
        db().commit()
        assert scope_mark() > before

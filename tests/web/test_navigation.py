"""The navigation menu kept per user, change and minute (web/navigation.py): drawn once, never another
user's, never behind the unread count, the work count, the language or the clock; its sign-out form works."""
from __future__ import annotations

import re
from contextlib import contextmanager
import pytest
from flask import template_rendered

from ir_app.models import Notification, Role
from ir_app.services import audit
from ir_app.services.audit import Actor
from tests.ops_support import make_plan, make_system

NAV = re.compile(r"<nav>.*?</nav>", re.S)
SIGN_OUT_TOKEN = re.compile(r'action="/logout" class="inline">\s*<input type="hidden" name="csrf_token" value="([^"]+)"')


@contextmanager
def menus_drawn(app):
    """Counts the renderings of the menu's template while the block runs."""
    drawn: list[str] = []

    def record(_sender, template, context, **_extra):
        if template.name == "_navigation.html":
            drawn.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield drawn
    finally:
        template_rendered.disconnect(record, app)


def _menu(client, path: str = "/systems/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return NAV.search(response.get_data(as_text=True)).group(0)


def _work_count(menu: str) -> int:
    found = re.search(r'<span class="badge" id="work-count">(\d+)</span>', menu)
    return int(found.group(1)) if found else 0


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune, name="Trần Văn Bình")


def test_a_second_page_reuses_the_menu(app, make_web, officer):
    client = make_web(officer)
    with menus_drawn(app) as drawn:
        first = _menu(client, "/systems/")
        again = _menu(client, "/incidents/")
    assert drawn == ["_navigation.html"]
    assert again == first and "Trần Văn Bình" in first


def test_each_user_has_their_own_menu(app, make_web, make_user, commune, officer):
    admin = make_user(Role.ADMIN, organisation=commune, name="Lê Thị Hoa")
    officers = _menu(make_web(officer))
    admins = _menu(make_web(admin))
    assert "Trần Văn Bình" in officers and "Lê Thị Hoa" not in officers
    assert 'href="/admin/users"' in admins and 'href="/admin/users"' not in officers


def test_a_new_notification_is_counted_on_the_next_page(app, make_web, officer, session, clock):
    client = make_web(officer)
    assert 'id="unread-count"' not in _menu(client)
    session.add(Notification(dedup_key="menu-test", user_id=officer.id, kind="test", subject="Thử",
                             created_at=clock.now()))
    session.commit()
    assert '<span class="badge overdue" id="unread-count">1</span>' in _menu(client)


def test_the_work_count_follows_the_newest_audited_change_at_once(make_web, officer, commune, session, clock):
    client = make_web(officer)
    before = _work_count(_menu(client))
    make_plan(session, make_system(session, commune))  # a daily backup, overdue since 26/11, written unaudited
    assert _work_count(_menu(client)) == before  # nothing audited: kept for the minute
    audit.record(session, Actor.system("kiểm thử"), "update", now=clock.now(), object_type="test",
                 commune_id=commune.id)
    session.commit()
    assert _work_count(_menu(client)) > before


def test_the_menu_follows_the_language(make_web, officer):
    client = make_web(officer)
    assert "Hệ thống thông tin" in _menu(client)
    client.get("/lang/en?next=/")
    english = _menu(client)
    assert "Information systems" in english and "Hệ thống thông tin" not in english


def test_the_menu_is_drawn_again_in_a_new_minute(app, make_web, officer, clock):
    client = make_web(officer)
    with menus_drawn(app) as drawn:
        _menu(client)
        _menu(client)
        clock.advance(minutes=1)
        _menu(client)
    assert len(drawn) == 2


def test_the_sign_out_form_of_a_kept_menu_signs_out(app, make_web, officer):
    client = make_web(officer)
    _menu(client)
    with menus_drawn(app) as drawn:
        page = client.get("/incidents/").get_data(as_text=True)
    assert drawn == []  # this page's menu was the kept one
    token = SIGN_OUT_TOKEN.search(page).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/systems/").status_code == 302  # signed out: back to the sign-in page


def test_a_new_session_gets_a_menu_with_its_own_token(app, make_web, officer):
    first, second = make_web(officer), make_web(officer)
    _menu(first)
    token = SIGN_OUT_TOKEN.search(second.get("/systems/").get_data(as_text=True)).group(1)
    assert second.post("/logout", data={"csrf_token": token}).status_code == 302

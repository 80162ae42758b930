"""Every route in the URL map, for every role, on its own commune and on a commune elsewhere.

A new route that nobody classified with @requires/@public fails here.
"""
from __future__ import annotations

import pytest

from ir_app.models import (
    BackupPlan,
    BackupRun,
    CheckResult,
    EmergencyContact,
    InformationSystem,
    MorningCheck,
    Notification,
    Role,
    SystemComponent,
)
from ir_app.services.audit import Actor
from ir_app.services.due import calendar
from ir_app.services.authz import ROLE_PERMISSIONS, Permission
from ir_app.web.access import AUTHENTICATED, PUBLIC

SKIP_ENDPOINTS = {"static"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SKIP_ENDPOINTS:
            yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_access(app):
    unclassified = [rule.rule for rule, view in routes(app) if not hasattr(view, "ir_access")]
    assert unclassified == [], f"routes without @requires/@public: {unclassified}"


def _system(session, commune, code):
    system = InformationSystem(commune_id=commune.id, code=code, name=f"Hệ thống {code}",
                               created_at=_now(), updated_at=_now())
    system.components.append(SystemComponent(kind="equipment", name="Switch"))
    session.add(system)
    contact = EmergencyContact(commune_id=commune.id, name="Trực ban", phone="113")
    session.add(contact)
    session.commit()
    return system, contact


def _now():
    from datetime import datetime, timezone

    return datetime(2026, 11, 26, tzinfo=timezone.utc)


def _operations(session, system, user):
    """A backup plan with a run, a morning check with a failed item, a notification, a feed token."""
    plan = BackupPlan(system_id=system.id, commune_id=system.commune_id, name="Sao lưu", starts_at=_now(),
                      created_at=_now(), updated_at=_now())
    session.add(plan)
    session.flush()
    session.add(BackupRun(plan_id=plan.id, ran_at=_now(), result="ok", created_at=_now()))
    check = MorningCheck(commune_id=system.commune_id, checked_on=_now().date(), checked_at=_now(),
                         results=[CheckResult(position=0, label="Internet", is_ok=False, note="Mất mạng")])
    notification = Notification(dedup_key="test", user_id=user.id, commune_id=system.commune_id, kind="test",
                                subject="Thử", created_at=_now(), email_status="failed")
    session.add_all([check, notification])
    session.flush()
    token = calendar.issue_feed_token(session, Actor.system(), user, _now())
    session.commit()
    return {"plan_id": plan.id, "check_id": check.id, "result_id": check.results[0].id,
            "notification_id": notification.id, "token": token}


@pytest.fixture
def world(session, province, commune, foreign_commune, make_user):
    own_system, own_contact = _system(session, commune, "OWN")
    far_system, far_contact = _system(session, foreign_commune, "FAR")
    users = {role: make_user(role, organisation=province if role == Role.OVERSEER else commune) for role in Role}
    far_user = make_user(Role.STAFF, organisation=foreign_commune)
    objects = {
        "own": {"system_id": own_system.id, "component_id": own_system.components[0].id,
                "contact_id": own_contact.id, "user_id": users[Role.STAFF].id, "commune": commune.code,
                **_operations(session, own_system, users[Role.STAFF])},
        "far": {"system_id": far_system.id, "component_id": far_system.components[0].id,
                "contact_id": far_contact.id, "user_id": far_user.id, "commune": foreign_commune.code,
                **_operations(session, far_system, far_user)},
    }
    return users, objects


def _url(rule, values):
    args = {name: values[name] for name in rule.arguments}
    path = rule.build(args, append_unknown=False)[1]
    return f"{path}?commune={values['commune']}"


def _expected(role: Role, access: str, scope: str) -> set[int]:
    if access == PUBLIC:
        return {200, 302, 401}
    if access != AUTHENTICATED and Permission(access) not in ROLE_PERMISSIONS[role]:
        return {403}
    if scope == "far" and role != Role.ADMIN:
        return {404}  # another province's object: existence must not leak
    return {200}


def _scopes(rule):
    # Objects in URLs are checked on both sides; list pages are scoped by their queries.
    return ("own", "far") if rule.arguments else ("own",)


@pytest.mark.parametrize("role", list(Role))
def test_get_routes_by_role_and_commune(app, world, make_web, role):
    users, objects = world
    client = make_web(users[role])
    failures = []
    for rule, view in routes(app):
        if "GET" not in rule.methods:
            continue
        for scope in _scopes(rule):
            url = _url(rule, objects[scope])
            status = client.get(url).status_code
            expected = _expected(role, view.ir_access, scope)
            if status not in expected:
                failures.append(f"{role} {scope} GET {url}: {status}, expected {sorted(expected)}")
    assert failures == []


def test_commune_chosen_by_query_is_checked(world, make_web):
    users, objects = world
    client = make_web(users[Role.OFFICER])
    far = objects["far"]["commune"]
    for url in ("/contacts/", "/contacts/print", "/contacts/new", "/systems/new", "/systems/import", "/checks/",
                "/checks/morning"):
        assert client.get(f"{url}?commune={far}").status_code == 404, url


@pytest.mark.parametrize("role", list(Role))
def test_post_routes_refuse_roles_without_permission(app, world, make_web, role):
    users, objects = world
    client = make_web(users[role])
    failures = []
    for rule, view in routes(app):
        if "POST" not in rule.methods or view.ir_access in (PUBLIC, AUTHENTICATED):
            continue
        allowed = Permission(view.ir_access) in ROLE_PERMISSIONS[role]
        scope = "far" if allowed else "own"
        if allowed and (role == Role.ADMIN or not rule.arguments):
            continue  # the allowed own-commune case is exercised by the feature tests
        url = _url(rule, objects[scope])
        status = client.post_form(url, {}).status_code
        expected = {403} if not allowed else {403, 404}
        if status not in expected:
            failures.append(f"{role} {scope} POST {url}: {status}, expected {sorted(expected)}")
    assert failures == []


def test_anonymous_is_sent_to_login(app, world):
    _, objects = world
    client = app.test_client()
    for rule, view in routes(app):
        if view.ir_access == PUBLIC or "GET" not in rule.methods:
            continue
        response = client.get(_url(rule, objects["own"]))
        assert response.status_code == 302 and "/login" in response.location, rule.rule

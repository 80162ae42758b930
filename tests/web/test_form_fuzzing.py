"""Fuzz every form endpoint and every page's query parameters: random, huge, mistyped and odd
Unicode input (NUL, control characters, numbers past the database's limits, days missing from the
calendar) never gives a server error, and a refused submission writes nothing."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, func, select

from ir_app.models import InformationSystem, Role
from tests.web.test_authz_matrix import SKIP_ENDPOINTS, _incident, _objects, _operations

WEB = Path(__file__).resolve().parents[2] / "ir_app" / "web"
# Query parameters a page reads, found in the code (so a new one is fuzzed without editing this list).
QUERY_NAMES = sorted({name for source in WEB.rglob("*.py")
                      for name in re.findall(r"args\.get(?:list)?\(\s*\"([A-Za-z_]+)\"", source.read_text())}
                     | {"page", "commune", "year", "on", "id"})

SKIP = {"auth.logout", "auth.login", "static",
        "api.record_backup_run"}  # token-authenticated API for backup scripts: no CSRF by design
# Audit rows and login attempts are written on purpose even when a request is refused.
ALWAYS_WRITTEN = {"audit_events", "audit_chain_head", "login_attempts", "notifications", "stored_files"}
COMMON_NAMES = ["name", "code", "comment", "status", "note", "version", "title", "result", "email", "phone",
                "decision_number", "decision_on", "appraisal_result", "appraisal_text", "proposed_level"]
ODD_TEXT = st.sampled_from(["", " ", "\x00", "0", "-1", "1e309", "99999999999999999999", "NaN", "có", "Không",
                            "Ngày 31/02/2026", "2026-02-30", "<script>alert(1)</script>", "' OR 1=1 --",
                            "ﬁ\u0301\u200b\ufeff", "ệ" * 3, "𝕏" * 5, "\ud7ff", "../../etc/passwd",
                            "Một\x0bcửa", "a\x00b", "\x1b[31m", "²", "٣", "9999-12-31", "31/12/9999", "31/02/2026",
                            "0001-01-01T00:00", "2147483648", "-2147483649", "=HYPERLINK(\"http://x\")",
                            "bao-cao\u202efdp.exe"])
HUGE = st.integers(min_value=5_000, max_value=40_000).map(lambda n: "ệ" * n)
VALUES = st.one_of(ODD_TEXT, st.text(max_size=40), HUGE, st.integers(min_value=-10**30, max_value=10**30).map(str))


def _post_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint not in SKIP]
    return sorted(rules, key=lambda rule: ("delete" in rule.endpoint, rule.rule))  # deletions last


def _form_names(client, url: str) -> list[str]:
    page = client.get(url)
    names = re.findall(r'name="([A-Za-z_][A-Za-z0-9_.-]*)"', page.get_data(as_text=True)) if page.status_code == 200 else []
    return sorted(set(names + COMMON_NAMES) - {"csrf_token"})


def _snapshot(session) -> dict[str, int]:
    """Row count of every table, in one statement."""
    counts = [select(func.count()).select_from(table).scalar_subquery().label(table.name)
              for table in _reflected(session).tables.values() if table.name not in ALWAYS_WRITTEN]
    return dict(session.execute(select(*counts)).mappings().one())


def _reflected(session, cache={}) -> MetaData:  # noqa: B006 - reflect the schema once per run
    if "metadata" not in cache:
        cache["metadata"] = MetaData()
        cache["metadata"].reflect(session.get_bind())
    return cache["metadata"]


@pytest.fixture
def fuzz_target(app, session, commune, foreign_commune, make_user, make_web):
    staff = make_user(Role.STAFF, organisation=commune)
    objects = _objects(session, commune, "OWN") | _incident(session, commune) | {"user_id": staff.id}
    objects |= _operations(session, session.get(InformationSystem, objects["system_id"]), staff)
    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    urls = []
    for rule in _post_rules(app):
        path = rule.build({name: objects[name] for name in rule.arguments}, append_unknown=False)[1]
        urls.append((rule.endpoint, path, _form_names(admin, path) if "GET" in rule.methods else COMMON_NAMES))
    return admin, urls


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_form_gives_a_server_error(fuzz_target, session, data):
    admin, urls = fuzz_target
    for endpoint, path, names in urls:
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=6, unique=True), label=endpoint)
        form = {name: data.draw(VALUES, label=name) for name in chosen}
        before = _snapshot(session)
        response = admin.post_form(path, form)
        assert response.status_code < 500, (endpoint, form, response.get_data(as_text=True)[:500])
        if response.status_code != 302:  # refused: nothing may have been written
            session.expire_all()
            assert _snapshot(session) == before, (endpoint, form)


def test_missing_csrf_is_refused_without_writing(fuzz_target, session):
    admin, urls = fuzz_target
    before = _snapshot(session)
    for endpoint, path, names in urls:
        response = admin.post(path, data={name: "x" for name in names})
        assert response.status_code == 400, endpoint
    assert _snapshot(session) == before


def _get_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint not in SKIP_ENDPOINTS), key=lambda rule: rule.rule)


@pytest.fixture
def query_target(app, session, commune, make_user, make_web):
    officer = make_user(Role.OFFICER, organisation=commune)
    objects = _objects(session, commune, "OWN") | _incident(session, commune) | {"user_id": officer.id}
    objects |= _operations(session, session.get(InformationSystem, objects["system_id"]), officer)
    clients = [make_web(officer), make_web(make_user(Role.ADMIN, organisation=commune))]
    paths = [(rule.endpoint, rule.build({name: objects[name] for name in rule.arguments}, append_unknown=False)[1])
             for rule in _get_rules(app)]
    return clients, paths


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_page_gives_a_server_error_whatever_its_query(query_target, data):
    clients, paths = query_target
    for endpoint, path in paths:
        names = data.draw(st.lists(st.sampled_from(QUERY_NAMES), min_size=1, max_size=4, unique=True), label=endpoint)
        query = {name: data.draw(ODD_TEXT, label=name) for name in names}
        client = data.draw(st.sampled_from(clients), label="client")
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (endpoint, query, response.get_data(as_text=True)[:500])
        if any("\x00" in value for value in query.values()):
            assert response.status_code == 400, (endpoint, query)

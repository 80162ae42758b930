"""What a script talking to /api/v1 notices: ETags, stable cursors, problem+json in its language,
revoked and expired tokens, the rate limit, CSRF only for cookie sessions, backup runs and the audit
trail with the token's name."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ir_app.models import ApiToken, AuditEvent, BackupRun, InformationSystem, Role, TimelineEntry
from ir_app.services.backups import tokens as plan_tokens
from tests.api.test_api_contract import api_world, bearer, issue  # noqa: F401 (api_world: a fixture)
from tests.web.test_authz_matrix import _incident, _objects, _operations


@pytest.fixture(autouse=True)
def long_sessions(monkeypatch):
    monkeypatch.setenv("IR_SESSION_IDLE_MINUTES", "100000")
    monkeypatch.setenv("IR_SESSION_MAX_HOURS", "100000")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.fixture
def secret(session, officer, clock):
    return issue(session, officer, ["read", "incidents:write", "backups:write"], clock.now())


@pytest.fixture
def records(session, commune, officer):
    found = _objects(session, commune, "A") | _incident(session, commune)
    return found | _operations(session, session.get(InformationSystem, found["system_id"]), officer)


def test_an_unchanged_list_answers_304_to_its_etag(app, secret, records):
    client = app.test_client()
    first = client.get("/api/v1/systems", headers=bearer(secret))
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/api/v1/systems", headers=bearer(secret) | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    client.post("/api/v1/incidents", json={"what": "Có thay đổi"}, headers=bearer(secret))
    changed = client.get("/api/v1/incidents", headers=bearer(secret) | {"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_cursors_walk_every_row_once_even_when_rows_are_added(app, secret, records):
    client = app.test_client()
    for number in range(5):
        assert client.post("/api/v1/incidents", json={"what": f"Cảnh báo {number}"},
                           headers=bearer(secret)).status_code == 201
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/incidents", query_string=query, headers=bearer(secret)).json
        seen += [item["id"] for item in page["items"]]
        if len(seen) == 2:  # a new report meanwhile does not shift the pages still to read
            client.post("/api/v1/incidents", json={"what": "Mới"}, headers=bearer(secret))
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 6 and seen == sorted(seen, reverse=True)


def test_a_forged_cursor_is_a_clear_422(app, secret):
    response = app.test_client().get("/api/v1/incidents", query_string={"cursor": "eyJpZCI6MX0"},
                                     headers=bearer(secret))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "Con trỏ phân trang" in response.json["detail"]


def test_filters_by_state_and_date(app, secret, records, clock):
    client = app.test_client()
    assert [item["state"] for item in client.get("/api/v1/incidents", query_string={"state": "received"},
                                                 headers=bearer(secret)).json["items"]] == ["received"]
    assert client.get("/api/v1/incidents", query_string={"state": "closed"}, headers=bearer(secret)).json["items"] == []
    assert client.get("/api/v1/backup-runs", query_string={"since": "2026-11-27"},
                      headers=bearer(secret)).json["items"] == []
    assert len(client.get("/api/v1/backup-runs", query_string={"since": "2026-11-26", "until": "2026-11-26"},
                          headers=bearer(secret)).json["items"]) == 1
    bad = client.get("/api/v1/backup-runs", query_string={"since": "31/02/2026"}, headers=bearer(secret))
    assert bad.status_code == 422 and "since" in bad.json["errors"]


def test_problems_are_vietnamese_or_english_on_request(app):
    client = app.test_client()
    vietnamese = client.get("/api/v1/incidents")
    assert vietnamese.status_code == 401 and vietnamese.mimetype == "application/problem+json"
    assert vietnamese.json["title"] == "Chưa xác thực" and "Thiếu mã truy cập" in vietnamese.json["detail"]
    assert vietnamese.headers["WWW-Authenticate"].startswith("Bearer")
    english = client.get("/api/v1/incidents", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.json["title"] == "Not authenticated" and "Missing API token" in english.json["detail"]
    missing = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.json["status"] == 404 and missing.json["title"] == "Page not found"


def test_a_revoked_or_expired_token_stops_working(app, session, officer, clock):
    client = app.test_client()
    short = issue(session, officer, ["read"], clock.now(), days=1)
    revoked = issue(session, officer, ["read"], clock.now())
    assert client.get("/api/v1/communes", headers=bearer(revoked)).status_code == 200
    token = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert token.last_used_at == clock.now()
    token.revoked_at = clock.now()
    session.commit()
    assert client.get("/api/v1/communes", headers=bearer(revoked)).status_code == 401
    assert client.get("/api/v1/communes", headers=bearer(short)).status_code == 200
    clock.advance(days=1, seconds=1)
    assert client.get("/api/v1/communes", headers=bearer(short)).status_code == 401


def test_a_disabled_account_disables_its_tokens(app, session, officer, secret):
    officer.is_active = False
    session.commit()
    assert app.test_client().get("/api/v1/communes", headers=bearer(secret)).status_code == 401


def test_the_rate_limit_is_per_token(app, session, officer, clock, secret):
    app.config["IR_API_RATE_LIMIT"] = 3
    other = issue(session, officer, ["read"], clock.now())
    client = app.test_client()
    statuses = [client.get("/api/v1/communes", headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/communes", headers=bearer(other)).status_code == 200
    clock.advance(minutes=1, seconds=1)
    assert client.get("/api/v1/communes", headers=bearer(secret)).status_code == 200


def test_csrf_guards_cookie_sessions_but_not_tokens(make_web, officer, secret, records, session):
    browser = make_web(officer)
    assert browser.post("/api/v1/incidents", json={"what": "Từ trình duyệt"}).status_code == 400
    with_csrf = browser.post("/api/v1/incidents", json={"what": "Từ trình duyệt"},
                             headers={"X-CSRFToken": browser.csrf("/incidents/")})
    assert with_csrf.status_code == 401  # a cookie session is not an API credential
    by_token = browser.post("/api/v1/incidents", json={"what": "Từ công cụ giám sát"}, headers=bearer(secret))
    assert by_token.status_code == 201


def test_writes_are_audited_with_the_tokens_name(app, session, secret, records):
    client = app.test_client()
    created = client.post("/api/v1/incidents", json={"what": "Zabbix: máy chủ một cửa không phản hồi",
                                                     "system_id": records["system_id"]}, headers=bearer(secret))
    assert created.status_code == 201 and created.json["systems"] == [records["system_id"]]
    note = client.post(f"/api/v1/incidents/{created.json['id']}/timeline",
                       json={"text": "Đã khởi động lại dịch vụ", "at": "2026-11-26T08:30"}, headers=bearer(secret))
    assert note.status_code == 201 and note.json["event"] == "note"
    entry = session.get(TimelineEntry, note.json["id"])
    assert "mã API «kiểm thử" in entry.actor_label
    labels = session.scalars(select(AuditEvent.actor_label).where(AuditEvent.action.in_(("create", "note")))).all()
    assert labels and all("mã API «kiểm thử" in label for label in labels)


def test_bad_incident_input_is_a_422_in_vietnamese(app, secret):
    client = app.test_client()
    future = client.post("/api/v1/incidents", json={"what": "x", "detected_at": "2030-01-01T00:00"},
                         headers=bearer(secret))
    assert future.status_code == 422 and "tương lai" in future.json["detail"]
    missing = client.post("/api/v1/incidents", json={}, headers=bearer(secret))
    assert missing.status_code == 422 and "what" in missing.json["errors"]


def test_backup_runs_by_api_token_by_plan_secret_and_at_the_old_address(app, session, officer, secret, records,
                                                                      clock):
    client = app.test_client()
    plan_id = records["plan_id"]
    from ir_app.models import BackupPlan
    from ir_app.services.audit import Actor

    plan_secret = plan_tokens.issue_api_token(session, Actor.of(officer), session.get(BackupPlan, plan_id), clock.now())
    session.commit()
    by_token = client.post(f"/api/v1/backups/plans/{plan_id}/runs", json={"result": "ok", "size": "1.5GB"},
                           headers=bearer(secret))
    assert by_token.status_code == 201 and by_token.json["size_bytes"] == 1536 * 1024 * 1024
    by_plan = client.post(f"/api/v1/backups/plans/{plan_id}/runs", json={"result": "failed"},
                          headers={"X-Backup-Token": plan_secret})
    assert by_plan.status_code == 201
    old = client.post(f"/api/backups/plans/{plan_id}/runs", data={"result": "ok"}, headers=bearer(plan_secret))
    assert old.status_code == 201 and old.json["plan_id"] == plan_id
    assert client.post(f"/api/v1/backups/plans/{plan_id}/runs", json={"result": "ok"},
                       headers={"X-Backup-Token": "sai"}).status_code == 401
    assert session.scalar(select(BackupRun).where(BackupRun.plan_id == plan_id, BackupRun.result == "failed"))
    listed = client.get("/api/v1/backup-runs", headers=bearer(secret)).json["items"]
    assert len(listed) == 4 and {run["source"] for run in listed} >= {"api"}


def test_dossier_deadlines_documents_and_plan_coverage(app, secret, records):
    client = app.test_client()
    dossier_id = records["dossier_id"]
    detail = client.get(f"/api/v1/dossiers/{dossier_id}", headers=bearer(secret)).json
    assert detail["state"] == "approved" and detail["level"] == 2
    assert "periodic_review" in {deadline["kind"] for deadline in detail["deadlines"]}
    documents = client.get(f"/api/v1/dossiers/{dossier_id}/documents", headers=bearer(secret)).json["items"]
    assert documents and all(item["download"].startswith(f"/api/v1/dossiers/{dossier_id}/documents/")
                             for item in documents)
    ready = [item for item in documents if item["ready"]]
    if ready:
        download = client.get(ready[0]["download"], headers=bearer(secret))
        assert download.status_code == 200 and download.data[:2] == b"PK"
    coverage = client.get(f"/api/v1/dossiers/{dossier_id}/plan", headers=bearer(secret)).json
    assert coverage["level"] == 2 and coverage["total"] == len(coverage["rows"]) > 0
    assert any(records["measure_id"] in row["measures"] for row in coverage["rows"])


def test_annual_report_and_province_rollup_mirror_form_08(app, session, secret, records, province, make_user, clock):
    client = app.test_client()
    annual = client.get("/api/v1/reports/annual", query_string={"year": 2026}, headers=bearer(secret)).json
    assert annual["year"] == 2026 and annual["totals"]["systems"] == len(annual["rows"]) == 1
    assert set(annual["rows"][0]) >= {"number", "system_name", "owner_name", "operator_name", "level",
                                      "approval_status", "decision", "security_policy", "expected_approval",
                                      "plan_status", "expected_plan_completion", "reviews"}
    xlsx = client.get("/api/v1/reports/annual.xlsx", headers=bearer(secret))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    overseer = make_user(Role.OVERSEER, organisation=province)
    rollup = client.get("/api/v1/reports/province", headers=bearer(issue(session, overseer, ["read"],
                                                                          clock.now()))).json
    assert rollup["totals"]["systems"] == sum(item["totals"]["systems"] for item in rollup["communes"]) == 1


def test_days_at_the_ends_of_the_calendar_are_an_answer_not_an_outage(app, api_world):
    # Found by the fuzzer on PostgreSQL: 9999-12-31 + 1 day overflowed.
    _, _, tokens = api_world
    user, secret = tokens[("A", Role.OFFICER)]
    client = app.test_client()
    for query in ({"until": "9999-12-31"}, {"since": "0001-01-01"}, {"since": "9999-12-31", "until": "0001-01-01"}):
        response = client.get("/api/v1/systems", query_string=query, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, (query, response.get_data(as_text=True)[:300])

"""The served OpenAPI document is valid, and every operation in it, called with a token of every role
from two communes of one province (plus one elsewhere), returns nothing of a commune out of reach;
scopes are enforced on every write."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from ir_app.models import InformationSystem, Role
from ir_app.services import api_tokens
from ir_app.services.audit import Actor
from tests.web.test_authz_matrix import _incident, _objects, _operations

PATH_VALUE = {"system_id": "system_id", "dossier_id": "dossier_id", "incident_id": "incident_id", "code": "commune",
              "doc_key": "doc_key", "plan_id": "plan_id"}
ROLES_WITHOUT_OVERSEER = [role for role in Role if role != Role.OVERSEER]


def issue(session, user, scopes, now, days=90) -> str:
    issued = api_tokens.create_token(session, Actor.of(user), user, f"kiểm thử {user.id}", scopes, now, days)
    session.commit()
    return issued.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_world(app, session, province, commune, other_commune, foreign_commune, make_user, clock):
    """Every role in communes A and B (the overseer in their province); records in A, B and C."""
    places = {"A": commune, "B": other_commune, "C": foreign_commune}
    objects = {}
    for code, place in places.items():
        owner = make_user(Role.STAFF, organisation=place)
        found = _objects(session, place, code) | _incident(session, place)
        objects[code] = found | _operations(session, session.get(InformationSystem, found["system_id"]), owner)
    tokens = {}
    for code in ("A", "B"):
        for role in Role:
            user = make_user(role, organisation=province if role == Role.OVERSEER else places[code])
            tokens[(code, role)] = (user, issue(session, user, api_tokens.allowed_scopes(user), clock.now()))
    return places, objects, tokens


def reachable(role: Role, home: str) -> set[str]:
    if role == Role.ADMIN:
        return {"A", "B", "C"}
    if role == Role.OVERSEER:
        return {"A", "B"}
    return {home}


def get_operations(spec):
    for path, item in spec["paths"].items():
        if "get" in item and not path.endswith(("openapi.json", "/docs")):
            yield path


def fill(path: str, values: dict) -> str:
    return re.sub(r"{(\w+)}", lambda match: str(values[PATH_VALUE[match.group(1)]]), path)


def test_the_served_document_is_valid_openapi_3_1(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"/api/v1/incidents", "/api/v1/dossiers/{dossier_id}/plan", "/api/v1/reports/province",
            "/api/v1/backups/plans/{plan_id}/runs"} <= set(spec["paths"])


def test_the_browsable_page_lists_every_operation_and_needs_no_internet(app):
    page = app.test_client().get("/api/v1/docs").get_data(as_text=True)
    assert "GET /api/v1/incidents" in page and "POST /api/v1/incidents/{incident_id}/timeline" in page
    assert "https://" not in page.split("<body>")[1].split("</footer>")[0].replace("https://attt", "")


def _codes_in(body) -> set[str]:
    """Every commune code a response names (lists, details, the province roll-up)."""
    found = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "commune" and isinstance(value, str):
                found.add(value)
            found |= _codes_in(value)
    elif isinstance(body, list):
        for item in body:
            found |= _codes_in(item)
    return found


@pytest.mark.parametrize("home", ["A", "B"])
def test_every_read_with_every_role_stays_inside_its_communes(app, api_world, home):
    places, objects, tokens = api_world
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").json
    code_of = {key: place.code for key, place in places.items()}
    failures = []
    for role in Role:
        _user, secret = tokens[(home, role)]
        allowed = {code_of[key] for key in reachable(role, home)}
        for path in get_operations(spec):
            targets = ["A", "B", "C"] if "{" in path else [None]
            for target in targets:
                url = fill(path, objects[target]) if target else path
                if "/reports/annual" in path:  # one commune's report: a province account names it
                    url += f"?commune={code_of[home]}"
                response = client.get(url, headers=bearer(secret))
                codes = _codes_in(response.json) if response.is_json else set()
                if target and code_of[target] not in allowed:
                    if response.status_code != 404:
                        failures.append(f"{role} {home} → {url}: {response.status_code}, expected 404")
                elif response.status_code not in (200, 409):
                    failures.append(f"{role} {home} → {url}: {response.status_code}")
                if codes - allowed:
                    failures.append(f"{role} {home} → {url}: names {sorted(codes - allowed)}")
    assert failures == []


@pytest.mark.parametrize("home", ["A", "B"])
def test_lists_filtered_by_a_commune_out_of_reach_are_empty(app, api_world, home):
    places, _objects_, tokens = api_world
    client = app.test_client()
    _user, secret = tokens[(home, Role.OFFICER)]
    other = places["B" if home == "A" else "A"].code
    for path in ("/api/v1/units", "/api/v1/systems", "/api/v1/dossiers", "/api/v1/measures", "/api/v1/risks",
                 "/api/v1/incidents",
                 "/api/v1/backup-runs"):
        response = client.get(path, query_string={"commune": other}, headers=bearer(secret))
        assert response.status_code == 200 and response.json["items"] == [], path
    assert client.get("/api/v1/reports/annual", query_string={"commune": other},
                      headers=bearer(secret)).status_code == 404


def test_a_read_only_token_cannot_write_and_a_write_token_cannot_read(app, session, api_world, clock):
    places, objects, tokens = api_world
    client = app.test_client()
    officer, _ = tokens[("A", Role.OFFICER)]
    read_only = issue(session, officer, ["read"], clock.now())
    writer = issue(session, officer, ["incidents:write"], clock.now())
    response = client.post("/api/v1/incidents", json={"what": "Cảnh báo dò quét"}, headers=bearer(read_only))
    assert response.status_code == 403 and "incidents:write" in response.json["detail"]
    assert client.post(f"/api/v1/backups/plans/{objects['A']['plan_id']}/runs", json={"result": "ok"},
                       headers=bearer(read_only)).status_code == 403
    assert client.get("/api/v1/incidents", headers=bearer(writer)).status_code == 403
    assert client.post("/api/v1/incidents", json={"what": "Cảnh báo dò quét"}, headers=bearer(writer)).status_code == 201


def test_a_token_never_exceeds_its_users_role(session, api_world, clock):
    _places, _objects_, tokens = api_world
    auditor, _ = tokens[("A", Role.AUDITOR)]
    with pytest.raises(Exception, match="incidents:write"):
        api_tokens.create_token(session, Actor.of(auditor), auditor, "x", ["incidents:write"], clock.now(), 30)
    assert api_tokens.allowed_scopes(auditor) == ["read"]


@pytest.mark.parametrize("role", ROLES_WITHOUT_OVERSEER)
def test_writes_reach_only_the_tokens_own_commune(app, api_world, role):
    places, objects, tokens = api_world
    client = app.test_client()
    user, secret = tokens[("A", role)]
    scopes = set(api_tokens.allowed_scopes(user))
    far = "C" if role == Role.ADMIN else "B"
    far_incident = client.post(f"/api/v1/incidents/{objects[far]['incident_id']}/timeline",
                               json={"text": "Ghi sang xã khác"}, headers=bearer(secret))
    far_run = client.post(f"/api/v1/backups/plans/{objects[far]['plan_id']}/runs", json={"result": "ok"},
                          headers=bearer(secret))
    far_report = client.post("/api/v1/incidents", json={"what": "Báo hộ", "commune": places["B"].code},
                             headers=bearer(secret))
    if role == Role.ADMIN:  # an admin reaches every commune, as on the web
        assert far_incident.status_code == 201 and far_run.status_code == 201 and far_report.status_code == 201
        return
    assert far_incident.status_code in (403, 404)
    assert far_run.status_code in (403, 404)
    assert far_report.status_code in (403, 404)
    own = client.post("/api/v1/incidents", json={"what": "Mất kết nối Internet"}, headers=bearer(secret))
    assert own.status_code == (201 if "incidents:write" in scopes else 403)
    if own.status_code == 201:
        assert own.json["commune"] == places["A"].code

"""Random, mistyped and odd Unicode parameters and bodies on every operation of the OpenAPI document
never give a server error, and a refused write stores nothing."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ir_app.models import BackupRun, Incident, InformationSystem, Role, TimelineEntry
from tests.api.test_api_contract import bearer, issue
from tests.web.test_authz_matrix import _incident, _objects, _operations
from tests.web.test_form_fuzzing import ODD_TEXT

PATH_VALUES = {"system_id": "system_id", "dossier_id": "dossier_id", "incident_id": "incident_id", "code": "commune",
               "doc_key": "doc_key", "plan_id": "plan_id"}
ODD_PATH = st.sampled_from(["0", "-1", "99999999999999999999", "%C2%B2", "abc", "1e3", "%E2%80%AE"])
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
              st.floats(allow_nan=True, allow_infinity=True), ODD_TEXT, st.text(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


@pytest.fixture
def fuzz_api(app, session, commune, make_user, clock):
    app.config["IR_API_RATE_LIMIT"] = 10**6
    officer = make_user(Role.OFFICER, organisation=commune)
    admin = make_user(Role.ADMIN, organisation=commune)
    found = _objects(session, commune, "A") | _incident(session, commune)
    found |= _operations(session, session.get(InformationSystem, found["system_id"]), officer)
    secrets = [issue(session, user, ["read", "incidents:write", "backups:write"], clock.now())
               for user in (officer, admin)]
    spec = app.test_client().get("/api/v1/openapi.json").json
    operations = []
    for path, item in sorted(spec["paths"].items()):
        for method in ("get", "post"):
            if method in item:
                names = [parameter["name"] for parameter in item[method].get("parameters", [])
                         if parameter["in"] == "query"]
                body = item[method].get("requestBody", {}).get("content", {}).get("application/json", {})
                fields = []
                if body:
                    name = body["schema"]["$ref"].rsplit("/", 1)[1]
                    fields = list(spec["components"]["schemas"][name]["properties"])
                operations.append((method, path, names or ["limit", "cursor"], fields))
    return app.test_client(), secrets, found, operations


def _counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in (Incident, TimelineEntry,
                                                                                        BackupRun))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_operation_gives_a_server_error(fuzz_api, session, data):
    client, secrets, found, operations = fuzz_api
    for method, path, names, fields in operations:
        odd_path = data.draw(st.booleans(), label="odd path")
        url = re.sub(r"{(\w+)}", lambda match: data.draw(ODD_PATH) if odd_path else str(found[PATH_VALUES[match.group(1)]]),
                     path)
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True), label=f"{path} query")
        query = {name: data.draw(ODD_TEXT, label=name) for name in chosen}
        headers = bearer(data.draw(st.sampled_from(secrets), label="token"))
        if method == "get":
            response = client.get(url, query_string=query, headers=headers)
        else:
            body = {name: data.draw(JSON_VALUES, label=name) for name in
                    data.draw(st.lists(st.sampled_from(fields), max_size=len(fields), unique=True))}
            if data.draw(st.booleans(), label="not an object"):
                body = data.draw(JSON_VALUES, label="body")
            before = _counts(session)
            response = client.post(url, json=body, headers=headers)
            if response.status_code >= 400:
                assert _counts(session) == before, (path, body, response.get_json())
        assert response.status_code < 500, (method, url, query, response.get_data(as_text=True)[:500])
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (url, response.status_code)

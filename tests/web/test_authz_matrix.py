"""Every route in the URL map, for every role, on its own commune and on a commune elsewhere.

A new route that nobody classified with @requires/@public fails here.
"""
from __future__ import annotations

import pytest

from ir_app.models import (
    SystemDesign,
    ChannelEndpoint,
    Advisory,
    AdvisoryAction,
    AdvisoryRecipient,
    BackupPlan,
    BackupRun,
    CheckResult,
    CustodyEntry,
    Dossier,
    Drill,
    EmergencyContact,
    Evidence,
    Incident,
    IncidentPlaybook,
    IncidentReport,
    IncidentTask,
    InformationSystem,
    Measure,
    MeasureRequirement,
    MorningCheck,
    Notification,
    PlanItem,
    ResponseTeamMember,
    Review,
    Risk,
    Role,
    StoredFile,
    SystemComponent,
    TrainingAttendance,
    TrainingCourse,
    TrainingSession,
    Unit,
)
from ir_app.services.audit import Actor
from ir_app.services.authz import ROLE_PERMISSIONS, Permission
from ir_app.services.due import calendar
from ir_app.web.access import AUTHENTICATED, PUBLIC

SKIP_ENDPOINTS = {"static"}
# URL arguments naming shared data files rather than a commune's records: the same on both sides.
SHARED_ARGUMENTS = {"playbook_id", "document", "regime", "doc_key", "step_id", "action", "code", "requirement_id"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SKIP_ENDPOINTS:
            yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_access(app):
    unclassified = [rule.rule for rule, view in routes(app) if not hasattr(view, "ir_access")]
    assert unclassified == [], f"routes without @requires/@public: {unclassified}"


def _objects(session, commune, code) -> dict:
    """One object of every kind that appears in a URL, in this commune."""
    system = InformationSystem(commune_id=commune.id, code=code, name=f"Hệ thống {code}",
                               created_at=_now(), updated_at=_now())
    system.components.append(SystemComponent(kind="equipment", name="Switch"))
    contact = EmergencyContact(commune_id=commune.id, name="Trực ban", phone="113")
    stored = StoredFile(commune_id=commune.id, filename="minh-chung.pdf", content_type="application/pdf",
                        size=8, sha256="0" * 64, data=b"%PDF-1.4", uploaded_at=_now())
    unit = Unit(commune_id=commune.id, name=f"Văn phòng {code}")
    session.add_all([system, contact, stored, unit])
    session.flush()
    dossier = Dossier(system_id=system.id, commune_id=commune.id, regime="nd331-2026", state="approved",
                      determined_level=2, proposed_level=2, decision_number="1/QĐ", decision_on=_now().date(),
                      created_at=_now(), updated_at=_now())
    dossier.plan_items.append(PlanItem(requirement_id="QL.CS.1", catalogue_id="tt12-2022", position=0,
                                       area="policy", plan_part="design_build", title="Chính sách"))
    measure = Measure(commune_id=commune.id, title=f"Quy chế {code}", category="management", scope="commune",
                      created_at=_now(), updated_at=_now(),
                      requirement_links=[MeasureRequirement(requirement_id="QL.CS.1")])
    session.add_all([dossier, measure])
    session.flush()
    review = Review(dossier_id=dossier.id, commune_id=commune.id, reviewed_on=_now().date(), assessor="Tổ kiểm tra",
                    result="pass", next_due_on=_now().date(), created_at=_now())
    advisory = Advisory(province_id=commune.parent_id, title=f"Cảnh báo {code}", deadline=_now().date(),
                        issued_at=_now(), attachment=StoredFile(
                            filename="huong-dan.pdf", content_type="application/pdf", size=8, sha256="0" * 64,
                            data=b"%PDF-1.4", uploaded_at=_now()),
                        actions=[AdvisoryAction(position=1, text="Vá lỗi")],
                        recipients=[AdvisoryRecipient(commune_id=commune.id)])
    drill = Drill(commune_id=commune.id, title=f"Diễn tập {code}", playbook_id="ransomware",
                  planned_on=_now().date(), created_at=_now())
    risk = Risk(commune_id=commune.id, system_id=system.id, title=f"Mã độc {code}", likelihood=3, impact=4,
                residual_likelihood=2, residual_impact=4, treatment="avoid", treatment_note="Tắt dịch vụ",
                created_at=_now(), updated_at=_now())
    endpoint = ChannelEndpoint(kind="webhook", commune_id=commune.id, address="https://giamsat.example.vn/hook",
                               secret="0" * 64, created_at=_now())
    course = TrainingCourse(commune_id=commune.id, title=f"Tập huấn {code}", topics=["awareness"], created_at=_now())
    training_session = TrainingSession(course=course, commune_id=commune.id, held_on=_now().date(),
                                       created_at=_now(), certificate=StoredFile(
                                           commune_id=commune.id, filename="chung-nhan.pdf",
                                           content_type="application/pdf", size=8, sha256="0" * 64,
                                           data=b"%PDF-1.4", uploaded_at=_now()))
    training_session.attendees.append(TrainingAttendance(commune_id=commune.id, person_key="name:thôn",
                                                         person_name=f"Trưởng thôn {code}", person_role="staff",
                                                         recorded_at=_now()))
    # A saved design, so the design routes act on a real row (not only the suggested draft).
    design = SystemDesign(system_id=system.id, commune_id=commune.id, created_at=_now(), updated_at=_now(),
                          zones=[{"code": "LAN", "kind": "lan", "name": f"Mạng nội bộ {code}", "note": ""}],
                          nodes=[], links=[])
    member = ResponseTeamMember(commune_id=commune.id, contact_id=contact.id, name="Trực ban", team_role="leader",
                                on_call_order=1)
    session.add_all([review, advisory, drill, risk, endpoint, design, member, course])
    session.commit()
    return {"system_id": system.id, "component_id": system.components[0].id, "contact_id": contact.id,
            "commune": commune.code, "dossier_id": dossier.id, "item_id": dossier.plan_items[0].id,
            "file_id": stored.id, "review_id": review.id, "step_id": "system", "action": "start_protection",
            "doc_key": "mau01", "regime": "nd331-2026", "code": "vi", "org_id": commune.id, "unit_id": unit.id,
            "measure_id": measure.id, "requirement_id": "QL.CS.1", "advisory_id": advisory.id,
            "action_id": advisory.actions[0].id, "drill_id": drill.id, "risk_id": risk.id,
            "endpoint_id": endpoint.id, "member_id": member.id,
            "course_id": course.id, "session_id": training_session.id}


def _incident(session, commune):
    """One incident with a task, an evidence file and a report with a file, for the object routes."""
    now = _now()
    incident = Incident(commune_id=commune.id, year=2026, number=1, title="Máy bị khóa", detected_at=now,
                        state="received", state_changed_at=now, created_at=now, updated_at=now)
    session.add(incident)
    session.flush()
    pinned = IncidentPlaybook(incident_id=incident.id, playbook_id="ransomware", playbook_version="1.0.0",
                              playbook_sha256="0" * 64, title="Mã độc tống tiền", applied_at=now)
    session.add(pinned)
    session.flush()
    task = IncidentTask(incident_id=incident.id, incident_playbook_id=pinned.id, position=1, step_id="isolate",
                        phase="contain", title="Ngắt mạng", role="officer", updated_at=now)
    stored = StoredFile(commune_id=commune.id, filename="a.txt", content_type="text/plain", size=2, sha256="0" * 64,
                        data=b"ok", uploaded_at=now)
    session.add_all([task, stored])
    session.flush()
    evidence = Evidence(incident_id=incident.id, number=1, file_id=stored.id, description="Nhật ký", sha256="0" * 64,
                        size=2, content_type="text/plain", filename="a.txt", acquired_at=now, acquired_by="Hùng",
                        created_at=now)
    report = IncidentReport(incident_id=incident.id, kind="report", sent_at=now, channel="email", recipient="PA05",
                            file_id=stored.id, recorded_at=now)
    session.add_all([evidence, report])
    session.flush()
    session.add(CustodyEntry(evidence_id=evidence.id, at=now, action="acquired", recorded_at=now))
    session.commit()
    return {"incident_id": incident.id, "task_id": task.id, "evidence_id": evidence.id, "report_id": report.id,
            "playbook_id": "ransomware", "document": "bao-cao-ban-dau"}


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
    users = {role: make_user(role, organisation=province if role == Role.OVERSEER else commune) for role in Role}
    far_user = make_user(Role.STAFF, organisation=foreign_commune)
    objects = {}
    for scope, place, user in (("own", commune, users[Role.STAFF]), ("far", foreign_commune, far_user)):
        found = _objects(session, place, scope.upper()) | {"user_id": user.id} | _incident(session, place)
        system = session.get(InformationSystem, found["system_id"])
        objects[scope] = found | _operations(session, system, user)
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
    return {200, 302}  # 302: a page that forwards to the object's current view


def _scopes(rule):
    # Objects in URLs are checked on both sides; list pages are scoped by their queries.
    return ("own", "far") if rule.arguments - SHARED_ARGUMENTS else ("own",)


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
    for url in ("/contacts/", "/contacts/print", "/contacts/new", "/systems/new", "/systems/import",
                "/measures/", "/measures/new", "/measures/export.xlsx", "/risks/export.xlsx",
                "/incidents/report", "/incidents/summary", "/incidents/summary.xlsx", "/incidents/summary.docx",
                "/checks/", "/checks/morning", "/training/", "/training/coverage", "/training/coverage.xlsx"):
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


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AUDITOR, Role.OVERSEER])
def test_measures_designs_and_risks_of_another_commune_never_show(world, make_web, role):
    """Tenancy of the plan's records, by content: the commune's registers and design hold its own rows only;
    another province's system, design picture and risk export are not found; an overseer reads, never writes."""
    import io

    from openpyxl import load_workbook

    users, objects = world
    own, far = objects["own"], objects["far"]
    client = make_web(users[role])

    def cells(url):
        response = client.get(url)
        assert response.status_code == 200, url
        sheet = load_workbook(io.BytesIO(response.data)).active
        return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)

    risks = cells(f"/risks/export.xlsx?commune={own['commune']}")
    assert "Mã độc OWN" in risks and "FAR" not in risks
    assert "Mã độc OWN" in cells(f"/systems/{own['system_id']}/risks/export.xlsx")
    measures = cells(f"/measures/export.xlsx?commune={own['commune']}")
    assert "Quy chế OWN" in measures and "FAR" not in measures
    design = client.get(f"/systems/{own['system_id']}/design/").get_data(as_text=True)
    assert "Mạng nội bộ OWN" in design and "FAR" not in design
    for url in (f"/systems/{far['system_id']}/design/", f"/systems/{far['system_id']}/design/diagram.png",
                f"/systems/{far['system_id']}/risks/export.xlsx", f"/risks/{far['risk_id']}/edit",
                f"/measures/{far['measure_id']}"):
        assert client.get(url).status_code in (403, 404), url
    if role == Role.OVERSEER:  # reads its province, changes nothing
        assert client.post_form(f"/systems/{own['system_id']}/risks/propose", {}).status_code == 403
        assert client.post_form(f"/systems/{own['system_id']}/design/starter", {}).status_code == 403


def test_anonymous_is_sent_to_login(app, world):
    _, objects = world
    client = app.test_client()
    for rule, view in routes(app):
        if view.ir_access == PUBLIC or "GET" not in rule.methods:
            continue
        response = client.get(_url(rule, objects["own"]))
        assert response.status_code == 302 and "/login" in response.location, rule.rule


@pytest.mark.parametrize("role", list(Role))
def test_my_work_never_shows_another_communes_records(session, world, make_web, role):
    """/work lists only the user's own commune, even when a record elsewhere names them."""
    users, objects = world
    far, own = objects["far"], objects["own"]
    far_dossier = session.get(Dossier, far["dossier_id"])
    far_dossier.step_assignee_id = users[role].id      # stray names must not pull records across communes
    session.get(IncidentTask, far["task_id"]).assignee_id = users[role].id
    session.get(IncidentTask, own["task_id"]).assignee_id = users[Role.STAFF].id
    session.commit()
    page = make_web(users[role]).get("/work").get_data(as_text=True)
    assert f'/dossiers/{far["dossier_id"]}"' not in page and f'/incidents/{far["incident_id"]}' not in page
    assert f'/backups/plans/{far["plan_id"]}"' not in page and "Hệ thống FAR" not in page
    if role in (Role.STAFF, Role.OFFICER):  # the own approved dossier waits on them (start the plan)
        assert f'/dossiers/{own["dossier_id"]}"' in page
    if role == Role.STAFF:
        assert f'/incidents/{own["incident_id"]}#task-{own["task_id"]}' in page


def test_half_signed_in_session_is_refused_everywhere(app, world, make_web, session, clock):
    """Password given, TOTP code not yet: the session is nobody's; every route (GET and POST) refuses it."""
    import pyotp

    from ir_app.services import two_factor

    users, objects = world
    app.config["IR_TOTP_REQUIRED_ROLES"] = frozenset({"admin"})
    admin = users[Role.ADMIN]
    secret = two_factor.new_secret()
    two_factor.confirm_enrolment(session, admin, secret, pyotp.TOTP(secret).at(clock.now()), clock.now())
    session.commit()
    client = make_web()
    assert client.login(admin).location.endswith("/login/code")
    client.token = None
    failures = []
    for rule, view in routes(app):
        if view.ir_access == PUBLIC:
            continue
        url = _url(rule, objects["own"])
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            response = client.get(url) if method == "GET" else client.post_form(url, {})
            if not (response.status_code == 302 and "/login" in response.location):
                failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []

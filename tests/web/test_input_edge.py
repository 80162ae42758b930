"""Odd input at the edge of the app: NUL bytes, control characters, out-of-range numbers and dates,
bidi overrides in file names. Each gets a clear Vietnamese answer, never a 500 or a "database down"."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from ir_app.models import AuditEvent, Dossier, InformationSystem, LoginAttempt, Role
from ir_app.services.audit import Actor
from ir_app.services.inventory import systems as inventory

NUL_MESSAGE = "ký tự NUL"
SYSTEM = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service", "status": "in_operation",
          "hosting": "provincial_dc", "information_types": ["public", "personal"], "personal_data_subjects": 18500,
          "handles_admin_procedures": True}


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune)


@pytest.fixture
def system(session, commune, clock):
    created = inventory.create_system(session, Actor.system(), commune, SYSTEM, clock.now())
    session.commit()
    return created


def _form(system: InformationSystem, **changes) -> dict:
    values = {"code": system.code, "name": system.name, "system_type": system.system_type,
              "status": system.status, "hosting": system.hosting, "version": str(system.version)}
    return values | changes


def test_a_nul_byte_in_the_anonymous_login_is_refused_clearly(web, session):
    response = web.post_form("/login", {"email": "a\x00@x.vn", "password": "x"})
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_a_nul_byte_in_a_query_parameter_is_refused_clearly(make_web, staff):
    response = make_web(staff).get("/systems/?q=a%00b")
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)


def test_a_nul_byte_in_a_form_field_is_refused_and_nothing_is_saved(make_web, staff, system, session):
    response = make_web(staff).post_form(f"/systems/{system.id}/edit", _form(system, name="Một\x00cửa"))
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(InformationSystem, system.id).name == "Một cửa điện tử"


def test_a_nul_byte_in_a_json_body_is_refused(web):
    response = web.post("/api/v1/backups/plans/1/runs", data=json.dumps({"notes": "a\x00"}),
                        content_type="application/json")
    assert response.status_code == 400 and NUL_MESSAGE in response.json["detail"]


def test_control_characters_typed_into_a_form_are_cleaned_on_input(make_web, staff, system, session):
    response = make_web(staff).post_form(f"/systems/{system.id}/edit", _form(
        system, name="Một cửa\x0bđiện tử", purpose="Tiếp nhận\x0b hồ sơ\nTrả kết quả\t(1)",
        owner_name="UBND xa\u0303 Vi\u0303nh La\u0323i"))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    session.expire_all()
    saved = session.get(InformationSystem, system.id)
    assert saved.name == "Một cửa điện tử"
    assert saved.purpose == "Tiếp nhận  hồ sơ\nTrả kết quả\t(1)"
    assert saved.owner_name == "UBND xã Vĩnh Lại"


def test_a_level_outside_1_to_5_is_an_input_error_not_an_outage(make_web, staff, system, session):
    client = make_web(staff)
    assert client.post_form(f"/systems/{system.id}/dossier/start", {"regime": "nd331-2026"}).status_code == 302
    dossier = session.scalar(select(Dossier).where(Dossier.system_id == system.id))
    for level in ("9", "99999999999999999999", "²"):
        response = client.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": level, "version": ""})
        assert response.status_code in (200, 422), (level, response.status_code)
        assert "Cấp độ đề xuất phải từ 1 đến 5." in response.get_data(as_text=True)


def test_a_huge_number_is_an_input_error(make_web, staff, system):
    response = make_web(staff).post_form(f"/systems/{system.id}/edit",
                                         _form(system, personal_data_subjects="9" * 20))
    assert response.status_code in (200, 422) and "Phải là một số nguyên." in response.get_data(as_text=True)


def test_a_date_that_does_not_exist_is_named_as_such(make_web, staff, system):
    response = make_web(staff).post_form(f"/systems/{system.id}/edit",
                                         _form(system, approval_decision_on="2026-02-31"))
    assert response.status_code in (200, 422)
    assert "Ngày 31/02/2026 không có trong lịch." in response.get_data(as_text=True)


def test_a_date_in_year_9999_is_refused_with_the_allowed_range(make_web, staff, system):
    response = make_web(staff).post_form(f"/systems/{system.id}/edit",
                                         _form(system, approval_decision_on="9999-12-31"))
    assert response.status_code in (200, 422)
    assert "Năm phải trong khoảng 1990–2100." in response.get_data(as_text=True)


def test_downloads_are_never_kept_in_a_cache(make_web, make_user, commune, system):
    client = make_web(make_user(Role.OFFICER, organisation=commune))
    for url in ("/systems/export.xlsx", "/systems/template.xlsx", "/reports/annual.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url
    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    assert admin.get("/audit/export.csv").headers["Cache-Control"] == "no-store"


def test_the_audit_log_keeps_no_nul_from_a_refused_request(web, session):
    web.post_form("/login", {"email": "x\x00@x.vn", "password": "x"})
    assert all("\x00" not in (event.actor_label or "") for event in session.scalars(select(AuditEvent)))


def test_an_upload_name_with_a_bidi_override_is_stored_without_it(make_web, make_user, commune, session):
    from ir_app.models import StoredFile

    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    response = officer.post_form("/security-policies?commune=" + commune.code, {
        "decision_number": "5/QĐ-UBND", "issued_on": "2026-03-01", "title": "Quy chế", "issuer": "owner",
        "scope": "commune", "policy-file": (io.BytesIO(b"%PDF-1.4 quy che"), "quy-che\u202efdp.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    names = list(session.scalars(select(StoredFile.filename)))
    assert names and all("\u202e" not in name for name in names)


def test_text_evidence_is_served_with_one_charset_and_a_clean_name(make_web, make_user, commune, session, clock):
    from tests.incident_support import quick_report

    officer = make_user(Role.OFFICER, organisation=commune)
    incident = quick_report(session, officer, commune, clock.now())
    client = make_web(officer)
    response = client.post_form(f"/incidents/{incident.id}/evidence", {
        "description": "Nhật ký", "acquired_by": "Hùng",
        "file": (io.BytesIO("09:01 đăng nhập lạ\n".encode()), "nhat-ky\u202egol.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    from ir_app.models import Evidence

    evidence = session.scalar(select(Evidence))
    assert evidence.filename == "nhat-kygol.exe"
    download = client.get(f"/incidents/evidence/{evidence.id}/file")
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert download.headers["Cache-Control"] == "no-store"


def test_a_file_just_over_the_limit_shows_two_different_sizes():
    from ir_app.services.errors import ValidationFailed
    from ir_app.services.files import check_upload

    limit = 10 * 1024 * 1024
    with pytest.raises(ValidationFailed) as refused:
        check_upload(b"x" * (limit + 1), "a.txt", limit)
    assert refused.value.errors["file"] == "Tệp lớn hơn giới hạn 10.485.760 byte (tệp này 10.485.761 byte)."


def test_every_form_of_the_app_cleans_typed_text(app):
    from flask_wtf import FlaskForm

    from ir_app.web.forms import AppForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("ir_app.")]
    assert forms and [cls.__qualname__ for cls in forms if not issubclass(cls, AppForm)] == []


def test_passwords_are_kept_exactly_as_typed(app):
    from ir_app.web.forms import LoginForm

    with app.test_request_context("/login", method="POST", data={"email": "a\x0bb@x.vn", "password": " p\x0bq "}):
        form = LoginForm(meta={"csrf": False})
        assert form.email.data == "a b@x.vn" and form.password.data == " p\x0bq "


def test_a_review_dated_in_year_9999_is_refused_with_the_allowed_range(session, commune):
    from ir_app.services.dossiers import protection
    from ir_app.services.errors import ValidationFailed
    from tests.web.test_authz_matrix import _objects

    dossier = session.get(Dossier, _objects(session, commune, "OWN")["dossier_id"])
    with pytest.raises(ValidationFailed) as refused:
        protection.record_review(session, Actor.system(), dossier, {"reviewed_on": "31/12/9999", "assessor": "Tổ",
                                                                    "result": "pass"}, None, None)
    assert refused.value.errors == {"reviewed_on": "Năm phải trong khoảng 1990–2100."}


def test_a_forged_system_choice_on_the_policy_form_is_ignored_not_an_outage(make_web, make_user, commune):
    # Found by the form fuzzer: "²".isdigit() is true, yet int("²") fails.
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    response = officer.post_form("/security-policies?commune=" + commune.code, {
        "decision_number": "5/QĐ-UBND", "systems": ["²", "٣", "9" * 20]})
    assert response.status_code in (200, 422), response.status_code

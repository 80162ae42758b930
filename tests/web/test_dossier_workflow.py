"""A level dossier taken through the whole workflow by the right roles, in the web layer."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ir_app.models import Dossier, InformationSystem, Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.inventory import systems as inventory

ONE_STOP_SHOP = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service",
                 "status": "in_operation", "hosting": "provincial_dc", "information_types": ["public", "personal"],
                 "personal_data_subjects": 18500, "handles_admin_procedures": True}


@pytest.fixture
def people(make_user, commune):
    return {role: make_user(role, organisation=commune) for role in
            (Role.STAFF, Role.OFFICER, Role.APPRAISER, Role.APPROVER, Role.AUDITOR)}


@pytest.fixture
def system(session, commune, clock):
    created = inventory.create_system(session, Actor.system(), commune, ONE_STOP_SHOP, clock.now())
    session.commit()
    return created


def _answer_all_steps(client, dossier_id, regime_steps, extra=None):
    for step in regime_steps:
        response = client.post_form(f"/dossiers/{dossier_id}/wizard/{step}", dict(extra or {}, version=""))
        page = response.get_data(as_text=True)
        assert response.status_code == 302, (step, page[page.find('role="alert"'):][:600])


def _start(client, system_id, session):
    response = client.post_form(f"/systems/{system_id}/dossier/start", {"regime": "nd331-2026"})
    assert response.status_code == 302
    return session.scalar(select(Dossier).where(Dossier.system_id == system_id))


STEPS = ["system", "information", "service", "infrastructure", "national", "assessment"]
PREFILLED = {"system_type": "citizen_service", "information": ["public", "personal"],
             "handles_admin_procedures": "có", "personal_data_subjects": "18500", "sensitive_data_subjects": "0"}


def _act(client, dossier_id, action, **data):
    return client.post_form(f"/dossiers/{dossier_id}/actions/{action}", data)


def test_full_workflow_level_3(app, make_web, people, system, session, clock, commune):
    staff, appraiser, approver = (make_web(people[r]) for r in (Role.STAFF, Role.APPRAISER, Role.APPROVER))
    dossier = _start(staff, system.id, session)
    assert dossier.answers["handles_admin_procedures"] is True  # pre-filled from the inventory
    page = staff.get(f"/dossiers/{dossier.id}/wizard/service").get_data(as_text=True)
    assert "NĐ 331/2026 Đ13.2.b" in page and 'checked' in page
    _answer_all_steps(staff, dossier.id, STEPS, PREFILLED)
    result = staff.get(f"/dossiers/{dossier.id}/proposal").get_data(as_text=True)
    assert "Cấp độ 3" in result and "Hệ thống thông tin giải quyết thủ tục hành chính" in result
    lower = staff.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": "2", "version": ""})
    assert "Không được đề xuất thấp hơn cấp độ 3" in lower.get_data(as_text=True)
    higher = staff.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": "4", "version": ""})
    assert "cần nêu lý do" in higher.get_data(as_text=True)
    assert staff.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": "3", "version": "",
                                                                 "risks": "Mã độc tống tiền\nLộ dữ liệu"}).status_code == 302

    assert _act(staff, dossier.id, "submit").status_code == 302
    session.expire_all()
    dossier = session.get(Dossier, dossier.id)
    assert dossier.state == "submitted"
    assert dossier.step_due_on == date(2026, 12, 3)  # 5 working days from Thu 26/11/2026

    assert _act(staff, dossier.id, "accept").status_code == 403  # staff may not accept
    _act(appraiser, dossier.id, "accept")
    session.expire_all()
    assert session.get(Dossier, dossier.id).step_due_on == date(2026, 12, 17)  # 15 working days (Đ23.3)
    _act(appraiser, dossier.id, "record_appraisal", appraisal_result="phu_hop",
         appraisal_text="Hồ sơ đầy đủ, cấp độ đề xuất phù hợp.", appraisal_by="Công an xã Vĩnh Lại",
         appraisal_on="2026-11-30")
    _act(staff, dossier.id, "submit_for_approval")

    blocked = _act(approver, dossier.id, "approve", decision_number="25/QĐ-UBND", decision_on="2026-12-02",
                   decision_signer="Phạm Quốc Khánh")
    page = approver.get(blocked.location).get_data(as_text=True)
    assert "Quy chế bảo đảm an ninh mạng" in page and "Chưa thể «Phê duyệt cấp độ»" in page
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế bảo đảm an ninh mạng", decision_number="10/QĐ-UBND",
                               issued_on=date(2026, 10, 1), created_at=clock.now()))
    session.commit()
    _act(approver, dossier.id, "approve", decision_number="25/QĐ-UBND", decision_on="2026-12-02",
         decision_signer="Phạm Quốc Khánh")
    session.expire_all()
    dossier = session.get(Dossier, dossier.id)
    assert dossier.state == "approved"
    assert dossier.frozen_plan and len(dossier.frozen_plan["rows"]) == 66  # every level-3 row of TT 12/2022
    system_row = session.get(InformationSystem, system.id)
    assert (system_row.approved_level, system_row.approval_decision_number) == (3, "25/QĐ-UBND")
    plan_page = staff.get(f"/dossiers/{dossier.id}/plan").get_data(as_text=True)
    assert "Sao lưu, ứng cứu sự cố và khôi phục" in plan_page


def test_forbidden_transitions_are_refused_per_role(make_web, people, system, session):
    staff = make_web(people[Role.STAFF])
    dossier = _start(staff, system.id, session)
    _answer_all_steps(staff, dossier.id, STEPS, PREFILLED)
    staff.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": "3", "version": ""})
    for role in (Role.AUDITOR, Role.APPROVER, Role.APPRAISER):
        assert _act(make_web(people[role]), dossier.id, "submit").status_code == 403, role
    _act(staff, dossier.id, "submit")
    for role in (Role.STAFF, Role.OFFICER, Role.AUDITOR, Role.APPROVER):
        assert _act(make_web(people[role]), dossier.id, "accept").status_code == 403, role
    assert _act(make_web(people[Role.APPRAISER]), dossier.id, "approve").status_code == 302  # wrong state
    session.expire_all()
    assert session.get(Dossier, dossier.id).state == "submitted"


def test_level_2_is_approved_by_the_specialised_unit(make_web, people, session, commune, clock):
    system = inventory.create_system(session, Actor.system(), commune, {
        "code": "QLVB", "name": "Quản lý văn bản", "system_type": "internal", "status": "in_operation",
        "hosting": "on_premises", "information_types": ["private", "personal"]}, clock.now())
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ", issued_on=date(2026, 1, 5),
                               created_at=clock.now()))
    session.commit()
    staff, appraiser, approver = (make_web(people[r]) for r in (Role.STAFF, Role.APPRAISER, Role.APPROVER))
    dossier = _start(staff, system.id, session)
    _answer_all_steps(staff, dossier.id, STEPS, {"system_type": "internal", "information": ["private", "personal"]})
    staff.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": "", "version": ""})
    for actor_client, action, data in ((staff, "submit", {}), (appraiser, "accept", {}),
                                       (appraiser, "record_appraisal", {"appraisal_result": "phu_hop",
                                                                        "appraisal_text": "Phù hợp."}),
                                       (staff, "submit_for_approval", {})):
        _act(actor_client, dossier.id, action, **data)
    decision = {"decision_number": "3/QĐ-CAX", "decision_on": "2026-12-01", "decision_signer": "Trưởng Công an xã"}
    assert _act(approver, dossier.id, "approve", **decision).status_code == 403  # level 2: not the owner
    _act(appraiser, dossier.id, "approve", **decision)
    session.expire_all()
    assert session.get(Dossier, dossier.id).state == "approved"


def test_wizard_rejects_bad_answers_and_keeps_them(make_web, people, system, session):
    staff = make_web(people[Role.STAFF])
    dossier = _start(staff, system.id, session)
    response = staff.post_form(f"/dossiers/{dossier.id}/wizard/service",
                               {"personal_data_subjects": "-3", "handles_admin_procedures": "có", "version": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Không được nhỏ hơn 0" in page and 'value="-3"' in page


def test_other_commune_cannot_open_the_dossier(make_web, people, system, session, make_user, foreign_commune):
    dossier = _start(make_web(people[Role.STAFF]), system.id, session)
    stranger = make_web(make_user(Role.STAFF, organisation=foreign_commune))
    assert stranger.get(f"/dossiers/{dossier.id}").status_code == 404
    assert _act(stranger, dossier.id, "submit").status_code == 404

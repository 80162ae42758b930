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

@pytest.fixture(autouse=True)
def sessions_outlive_the_workflow(app):
    """These journeys move the clock by days between steps; sign-in limits are tested elsewhere."""
    app.config.update(IR_SESSION_IDLE_MINUTES=60 * 24 * 365, IR_SESSION_MAX_HOURS=24 * 365)



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


# NĐ 331 Đ18.4.b: the commune's specialised unit runs the system, so an independent council appraises.
COUNCIL = {"appraisal_body": "independent_council", "appraisal_body_decision": "9/QĐ-UBND",
           "appraisal_body_decision_on": "2026-11-02", "appraisal_council_members": "Phó Chủ tịch UBND xã\nCán bộ PA05"}


def _act(client, dossier_id, action, **data):
    """The action as confirmed (submit, approve and return ask once more first)."""
    return client.post_form(f"/dossiers/{dossier_id}/actions/{action}", dict(data, confirmed="1"))


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
    clock.advance(days=4)  # appraised on Monday 30/11/2026
    _act(appraiser, dossier.id, "record_appraisal", appraisal_result="phu_hop",
         appraisal_text="Hồ sơ đầy đủ, cấp độ đề xuất phù hợp.", appraisal_by="Hội đồng thẩm định độc lập",
         appraisal_on="2026-11-30", **COUNCIL)
    _act(staff, dossier.id, "submit_for_approval")

    clock.advance(days=2)  # the decision is dated 02/12/2026
    blocked = _act(approver, dossier.id, "approve", decision_number="25/QĐ-UBND", decision_on="2026-12-02",
                   decision_signer="Phạm Quốc Khánh")
    page = blocked.get_data(as_text=True)
    assert blocked.status_code == 422 and "Quy chế bảo đảm an ninh mạng" in page and "Chưa thể «Phê duyệt cấp độ»" in page
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
    assert _act(make_web(people[Role.APPRAISER]), dossier.id, "approve").status_code == 422  # wrong state
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
                                                                        "appraisal_text": "Phù hợp.", **COUNCIL}),
                                       (staff, "submit_for_approval", {})):
        _act(actor_client, dossier.id, action, **data)
    decision = {"decision_number": "3/QĐ-CAX", "decision_on": "2026-12-01", "decision_signer": "Trưởng Công an xã"}
    clock.advance(days=5)  # the decision is dated 01/12/2026
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


def test_the_requirement_pages_say_which_nd331_criterion_makes_a_product_mandatory(make_web, people):
    """TT 12/2022 rows keyed to NĐ 85 criteria show their NĐ 331/2026 counterpart (Đ13.2.b for a WAF)."""
    page = make_web(people[Role.STAFF]).get("/requirements?level=3").get_data(as_text=True)
    row = page[page.index("KT.TK.29"):][:3000]
    assert "NĐ 331/2026: Đ13.2.a, Đ13.2.b, Đ13.2.c" in row and "NĐ 85/2016: Đ9.2.a" in row


def test_the_proposal_asks_to_confirm_inconsistent_answers_instead_of_staying_silent(make_web, people, session,
                                                                                     commune, clock):
    """NĐ 331/2026 Đ9.1.c: "only public information" with 10.000 sensitive-data subjects is flagged."""
    system = inventory.create_system(session, Actor.system(), commune, dict(ONE_STOP_SHOP, code="CONG",
                                     information_types=["public"], handles_admin_procedures=False,
                                     personal_data_subjects=0, sensitive_data_subjects=10000), clock.now())
    session.commit()
    staff = make_web(people[Role.STAFF])
    dossier = _start(staff, system.id, session)
    _answer_all_steps(staff, dossier.id, STEPS, {"system_type": "citizen_service", "information": ["public"],
                                                 "sensitive_data_subjects": "10000"})
    page = staff.get(f"/dossiers/{dossier.id}/proposal").get_data(as_text=True)
    assert "10.000 người (nhạy cảm)" in page and 'name="confirm_warnings"' in page
    refused = staff.post_form(f"/dossiers/{dossier.id}/proposal", {"proposed_level": "3", "version": ""})
    assert refused.status_code == 200 and "Hãy kiểm tra lại hoặc xác nhận" in refused.get_data(as_text=True)
    confirmed = staff.post_form(f"/dossiers/{dossier.id}/proposal", {
        "proposed_level": "3", "version": "", "confirm_warnings": "public_only_with_personal_data"})
    assert confirmed.status_code == 302
    session.expire_all()
    assert session.get(Dossier, dossier.id).confirmed_warnings == ["public_only_with_personal_data"]


def test_starting_an_nd85_dossier_for_a_system_invested_after_june_2026_is_refused_with_the_reason(
        make_web, people, session, commune, clock):
    """NĐ 331/2026 Đ39.1: after 30/6/2026 NĐ 85 only for systems under investment before 01/7/2026."""
    system = inventory.create_system(session, Actor.system(), commune, dict(ONE_STOP_SHOP, code="MOI",
                                     status="under_investment", investment_approved_on="05/08/2026"), clock.now())
    session.commit()
    staff = make_web(people[Role.STAFF])
    start_page = staff.get(f"/systems/{system.id}/dossier").get_data(as_text=True)
    assert "không trước ngày 01/07/2026" in start_page  # said before the user tries
    response = staff.post_form(f"/systems/{system.id}/dossier/start", {"regime": "nd85-2016"})
    assert response.status_code == 302
    assert "NĐ 331/2026 Đ39.1" in staff.get(response.location).get_data(as_text=True)
    assert session.scalar(select(Dossier).where(Dossier.system_id == system.id)) is None


def test_a_quy_che_for_listed_systems_is_recorded_with_its_issuer_and_systems(make_web, people, session, commune,
                                                                               other_commune, clock):
    """NĐ 331/2026 Đ30.7: the Quy chế page records who issued it and which systems it covers."""
    lan = inventory.create_system(session, Actor.system(), commune, dict(ONE_STOP_SHOP, code="LAN29", name="LAN"),
                                  clock.now())
    foreign = inventory.create_system(session, Actor.system(), other_commune, dict(ONE_STOP_SHOP, code="X"),
                                      clock.now())
    session.commit()
    officer = make_web(people[Role.OFFICER])
    url = f"/security-policies?commune={commune.code}"
    empty = officer.post_form(url, {"title": "Quy chế LAN", "decision_number": "5/QĐ-UBND", "issued_on": "2026-10-01",
                                    "issuer": "owner", "scope": "listed", "systems": [str(foreign.id)]})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "Chọn ít nhất một hệ thống" in page and "Quy chế LAN" in page
    saved = officer.post_form(url, {"title": "Quy chế LAN", "decision_number": "5/QĐ-UBND", "issued_on": "2026-10-01",
                                    "issuer": "owner", "scope": "listed", "systems": [str(lan.id)]})
    assert saved.status_code == 302
    policy = session.scalar(select(SecurityPolicy).where(SecurityPolicy.commune_id == commune.id))
    assert (policy.issuer, policy.scope, [s.id for s in policy.systems]) == ("owner", "listed", [lan.id])
    listing = officer.get(url).get_data(as_text=True)
    rows = listing.split("<tbody>")[1].split("</tbody>")[0]
    assert "Chủ quản hệ thống thông tin" in rows and "LAN" in rows

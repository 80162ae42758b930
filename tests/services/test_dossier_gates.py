"""The decree's gates on a level dossier, through the services with a controlled clock:
Quy chế (NĐ 331/2026 Đ30.7), NĐ 85 for new dossiers (Đ39.1), the appraisal clock (Đ23.3),
independent appraisal (Đ18.4), the national-security list (Đ20.4) and the wizard's warnings."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from ir_app.domain.state_machine import TransitionRefused
from ir_app.models import Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.dossiers import protection
from ir_app.services.errors import ValidationFailed
from ir_app.services.inventory import systems as inventory

LAN = {"code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}
LAN_ANSWERS = {"system_type": "infrastructure", "information": ["private", "personal"], "infrastructure_scope": "one_org"}
ONE_STOP_SHOP = {"system_type": "citizen_service", "information": ["public", "personal"],
                 "handles_admin_procedures": True, "personal_data_subjects": 18500}
COUNCIL = dict(appraisal_body="independent_council", appraisal_body_decision="9/QĐ-UBND",
               appraisal_body_decision_on=date(2026, 11, 2), appraisal_council_members="Phó Chủ tịch UBND xã\nCán bộ PA05")


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


@pytest.fixture
def team(make_user, commune):
    return {role: make_user(role, organisation=commune)
            for role in (Role.STAFF, Role.APPRAISER, Role.APPROVER, Role.OFFICER)}


def _system(session, commune, clock, code="LAN", **values):
    return inventory.create_system(session, Actor.system(), commune, {**LAN, "code": code, "name": code, **values},
                                   clock.now())


def _dossier(session, law, system, clock, answers=None, regime=None, confirm=()):
    regime = regime or law.default_regime
    dossier = dossiers.start_dossier(session, Actor.system(), system, regime, clock.now())
    dossier.answers = dict(answers or LAN_ANSWERS)
    dossiers.save_proposal(session, Actor.system(), dossier, regime, dossiers.Proposal(None, "", "", [], confirm),
                           clock.now(), None)
    return dossier


def _act(session, law, team, dossier, role, action, clock, **step):
    user = team[role]
    return dossiers.take_action(session, user, Actor.of(user), dossier, action, dossiers.StepInput(**step), law,
                                clock.now())


def _to_pending_approval(session, law, team, dossier, clock, **appraisal):
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)
    _act(session, law, team, dossier, Role.APPRAISER, "accept", clock)
    _act(session, law, team, dossier, Role.APPRAISER, "record_appraisal", clock, appraisal_result="phu_hop",
         appraisal_text="Phù hợp", **(appraisal or COUNCIL))
    _act(session, law, team, dossier, Role.STAFF, "submit_for_approval", clock)


def _approve(session, law, team, dossier, clock, on=date(2026, 12, 1)):
    days_ahead = (on - clock.now().date()).days
    if days_ahead > 0:  # a decision is never dated in the future: the approver signs on that day
        clock.advance(days=days_ahead)
    return _act(session, law, team, dossier, Role.APPRAISER, "approve", clock, decision_number="5/QĐ",
                decision_on=on, decision_signer="Trưởng Công an xã")


def _policy(session, commune, issued_on, **values):
    policy = SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ-UBND", issued_on=issued_on,
                            created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), **values)
    session.add(policy)
    session.flush()
    return policy


# --------------------------------------------------------------------------- Quy chế (Đ30.7)

def test_a_quy_che_dated_2030_does_not_unlock_approval_in_2026_nd331_d30_7(session, law, team, commune, clock):
    """NĐ 331/2026 Đ30.7: the Quy chế is issued *before* the dossier is approved."""
    dossier = _dossier(session, law, _system(session, commune, clock), clock)
    _to_pending_approval(session, law, team, dossier, clock)
    _policy(session, commune, date(2030, 1, 1))
    with pytest.raises(TransitionRefused, match="ban hành ngày 01/01/2030, sau ngày phê duyệt 01/12/2026"):
        _approve(session, law, team, dossier, clock)
    _policy(session, commune, date(2026, 12, 1))  # the same day as the approval is on time
    _approve(session, law, team, dossier, clock)
    assert dossier.state == "approved"


def test_a_quy_che_listing_other_systems_does_not_cover_this_one_nd331_d30_7(session, law, team, commune, clock):
    lan = _system(session, commune, clock)
    camera = _system(session, commune, clock, code="CAMERA")
    dossier = _dossier(session, law, lan, clock)
    _to_pending_approval(session, law, team, dossier, clock)
    protection.record_security_policy(session, Actor.system(), commune, {
        "title": "Quy chế camera", "decision_number": "3/QĐ-UBND", "issued_on": "01/10/2026", "issuer": "owner",
        "scope": "listed"}, clock.now(), None, 10_000, system_ids=[camera.id])
    with pytest.raises(TransitionRefused, match="chưa có Quy chế bảo đảm an ninh mạng áp dụng cho hệ thống «LAN»"):
        _approve(session, law, team, dossier, clock)
    protection.record_security_policy(session, Actor.system(), commune, {
        "title": "Quy chế LAN", "decision_number": "4/QĐ-UBND", "issued_on": "01/10/2026", "issuer": "owner",
        "scope": "listed"}, clock.now(), None, 10_000, system_ids=[lan.id, camera.id])
    _approve(session, law, team, dossier, clock)
    assert dossier.state == "approved"


def test_a_quy_che_issued_by_the_operator_is_not_from_the_competent_authority_nd331_d30_7(
        session, law, team, commune, clock):
    dossier = _dossier(session, law, _system(session, commune, clock), clock)
    _to_pending_approval(session, law, team, dossier, clock)
    _policy(session, commune, date(2026, 10, 1), issuer="operator")
    with pytest.raises(TransitionRefused, match="chưa do cấp có thẩm quyền ban hành \\(chủ quản hệ thống thông tin"):
        _approve(session, law, team, dossier, clock)


def test_a_listed_quy_che_must_name_systems_of_its_own_commune(session, commune, other_commune, clock):
    foreign = _system(session, other_commune, clock, code="X")
    with pytest.raises(ValidationFailed) as refused:
        protection.record_security_policy(session, Actor.system(), commune, {
            "title": "Quy chế", "decision_number": "3/QĐ", "issued_on": "01/10/2026", "issuer": "owner",
            "scope": "listed"}, clock.now(), None, 10_000, system_ids=[foreign.id])
    assert "ít nhất một hệ thống" in refused.value.errors["systems"]


# --------------------------------------------------------------------------- NĐ 85 for new dossiers (Đ39.1)

def test_nd85_is_refused_for_a_new_dossier_unless_the_investment_was_approved_before_1_july_2026_nd331_d39_1(
        session, law, commune, clock):
    nd85 = law.regime("nd85-2016")
    undated = _system(session, commune, clock, code="A", status="under_investment")
    with pytest.raises(ValidationFailed) as refused:
        dossiers.start_dossier(session, Actor.system(), undated, nd85, clock.now())
    assert "NĐ 331/2026 Đ39.1" in refused.value.errors["regime"] and "chưa ghi ngày phê duyệt đầu tư" in \
        refused.value.errors["regime"]
    late = _system(session, commune, clock, code="B", status="under_investment", investment_approved_on="01/07/2026")
    with pytest.raises(ValidationFailed, match="01/07/2026, không trước ngày 01/07/2026"):
        dossiers.start_dossier(session, Actor.system(), late, nd85, clock.now())
    qualifying = _system(session, commune, clock, code="C", status="under_investment",
                         investment_approved_on="15/03/2026")
    dossier = dossiers.start_dossier(session, Actor.system(), qualifying, nd85, clock.now())
    assert dossier.regime == "nd85-2016"
    assert dossiers.start_dossier(session, Actor.system(), late, law.default_regime, clock.now()).regime == "nd331-2026"


# --------------------------------------------------------------------------- appraisal clock (Đ23.3)

def test_the_appraisal_period_runs_from_receipt_of_the_valid_dossier_not_from_accept_nd331_d23_3(
        session, law, team, commune, clock):
    """NĐ 331/2026 Đ23.2: 5 working days to check validity from submission; Đ23.3.a: 15 working days
    of appraisal from the day the valid dossier was received (its submission), whenever "accept" is clicked."""
    dossier = _dossier(session, law, _system(session, commune, clock, system_type="citizen_service"), clock,
                       ONE_STOP_SHOP)
    assert dossier.level == 3
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)  # Thu 26/11/2026
    assert dossier.step_due_on == date(2026, 12, 3)
    clock.advance(days=8)  # the appraiser clicks "accept" on Fri 04/12/2026
    _act(session, law, team, dossier, Role.APPRAISER, "accept", clock)
    assert dossier.step_due_on == date(2026, 12, 17)  # 15 working days from 26/11, not from 04/12 (25/12)


def test_after_a_return_the_appraisal_runs_from_the_resubmission_nd331_d23_3(session, law, team, commune, clock):
    dossier = _dossier(session, law, _system(session, commune, clock, system_type="citizen_service"), clock,
                       ONE_STOP_SHOP)
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)
    _act(session, law, team, dossier, Role.APPRAISER, "return", clock, comment="Thiếu sơ đồ mạng")
    clock.advance(days=5)  # resubmitted Tue 01/12/2026 with the missing diagram
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)
    clock.advance(days=2)
    _act(session, law, team, dossier, Role.APPRAISER, "accept", clock)
    assert dossier.step_due_on == date(2026, 12, 22)  # 15 working days from 01/12/2026


def test_a_dossier_submitted_just_before_tet_2027_has_its_deadlines_after_tet_nd331_d23_2_d23_3(
        session, law, team, commune, clock):
    """Controlled clock across Tết Đinh Mùi (days off 04–10/02/2027, level_dossiers/holidays.yaml)."""
    dossier = _dossier(session, law, _system(session, commune, clock, system_type="citizen_service"), clock,
                       ONE_STOP_SHOP)
    clock.advance(days=68)  # Tue 02/02/2027, 09:00 in Hanoi
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)
    assert dossier.step_due_on == date(2027, 2, 16)  # Đ23.2: 03/02, then 11, 12, 15, 16/02
    clock.advance(days=9)  # the appraiser is back on Thu 11/02/2027
    _act(session, law, team, dossier, Role.APPRAISER, "accept", clock)
    assert dossier.step_due_on == date(2027, 3, 2)  # Đ23.3.a: 15 working days from 02/02, Tết not counted


# --------------------------------------------------------------------------- independence (Đ18.4)

def test_a_specialised_unit_that_runs_the_system_cannot_appraise_it_itself_nd331_d18_4(
        session, law, team, commune, clock):
    dossier = _dossier(session, law, _system(session, commune, clock), clock)
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)
    _act(session, law, team, dossier, Role.APPRAISER, "accept", clock)
    session.commit()
    for step, reason in (({"appraisal_body": "specialised_unit"}, "không tự thẩm định"),
                         ({"appraisal_body": "independent_council", "appraisal_body_decision": "9/QĐ-UBND",
                           "appraisal_body_decision_on": date(2026, 11, 2)}, "chưa ghi thành viên Hội đồng"),
                         ({"appraisal_body": "subordinate_unit"}, "chưa ghi số, ngày quyết định")):
        with pytest.raises(TransitionRefused, match=reason):
            _act(session, law, team, dossier, Role.APPRAISER, "record_appraisal", clock, appraisal_result="phu_hop",
                 appraisal_text="Phù hợp", **step)
        session.rollback()
    _act(session, law, team, dossier, Role.APPRAISER, "record_appraisal", clock, appraisal_result="phu_hop",
         appraisal_text="Phù hợp", appraisal_body="subordinate_unit", appraisal_body_decision="7/QĐ-UBND",
         appraisal_body_decision_on=date(2026, 11, 20))
    assert (dossier.state, dossier.appraisal_body) == ("appraised", "subordinate_unit")


def test_approval_is_refused_when_the_appraisal_was_not_independent_where_the_law_requires_it_nd331_d18_4(
        session, law, team, commune, clock):
    system = _system(session, commune, clock, operated_by="other_unit")
    dossier = _dossier(session, law, system, clock)
    _to_pending_approval(session, law, team, dossier, clock, appraisal_body="specialised_unit")
    _policy(session, commune, date(2026, 10, 1))
    system.operated_by = "specialised_unit"  # the commune corrects the inventory: its unit runs the LAN
    with pytest.raises(TransitionRefused, match="Chưa thể «Phê duyệt cấp độ».*Đ18.4"):
        _approve(session, law, team, dossier, clock)


def test_no_independent_body_is_needed_when_another_unit_runs_the_system_nd331_d18_4(
        session, law, team, commune, clock):
    dossier = _dossier(session, law, _system(session, commune, clock, operated_by="service_provider"), clock)
    _to_pending_approval(session, law, team, dossier, clock, appraisal_body="specialised_unit")
    _policy(session, commune, date(2026, 10, 1))
    _approve(session, law, team, dossier, clock)
    assert dossier.state == "approved"


# --------------------------------------------------------------------------- national-security list (Đ20.4)

def test_a_listed_one_stop_shop_keeps_level_3_and_goes_to_the_ministry_like_level_5_nd331_d20_4(
        session, law, team, commune, clock):
    """NĐ 331/2026 Đ20.4: level 3 kept, level-5 procedure: Bộ Công an appraises (25 working days, Đ23.3.b)."""
    dossier = _dossier(session, law, _system(session, commune, clock, system_type="citizen_service"), clock,
                       {**ONE_STOP_SHOP, "national_security_list": True})
    assert (dossier.determined_level, dossier.proposed_level, dossier.procedure_level) == (3, 3, 5)
    assert dossier.workflow_level == 5
    _act(session, law, team, dossier, Role.STAFF, "submit", clock)
    with pytest.raises(TransitionRefused) as refused:
        _act(session, law, team, dossier, Role.APPRAISER, "accept", clock)  # not the commune's unit
    assert refused.value.code == "forbidden"
    _act(session, law, team, dossier, Role.OFFICER, "accept", clock)  # records the Ministry's receipt
    assert dossier.step_due_on == date(2026, 12, 31)  # 25 working days from Thu 26/11/2026
    with pytest.raises(TransitionRefused, match="văn bản thẩm định của Bộ Công an"):
        _act(session, law, team, dossier, Role.OFFICER, "record_appraisal", clock, appraisal_result="phu_hop",
             appraisal_text="Phù hợp", appraisal_body="ministry")


# --------------------------------------------------------------------------- warnings of the wizard

def test_public_only_answers_with_10000_sensitive_subjects_must_be_confirmed_before_the_proposal_nd331_d9_1(
        session, law, team, commune, clock):
    system = _system(session, commune, clock, system_type="citizen_service")
    session.commit()
    answers = {"system_type": "citizen_service", "information": ["public"], "sensitive_data_subjects": 10_000}
    with pytest.raises(ValidationFailed) as refused:
        _dossier(session, law, system, clock, answers)
    assert "10.000 người (nhạy cảm)" in refused.value.errors["confirm_warnings"]
    session.rollback()
    dossier = _dossier(session, law, system, clock, answers, confirm=("public_only_with_personal_data",))
    assert dossier.proposed_level == 3 and dossier.confirmed_warnings == ["public_only_with_personal_data"]
    dossiers.save_answers(session, Actor.system(), dossier, law.default_regime, "service",
                          {"sensitive_data_subjects": "12000"}, clock.now(), None)
    assert dossier.confirmed_warnings == []  # new answers, new confirmation
    with pytest.raises(TransitionRefused, match="cần xác nhận câu trả lời"):
        _act(session, law, team, dossier, Role.STAFF, "submit", clock)

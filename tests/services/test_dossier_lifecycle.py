"""Protection plan, periodic reviews, versions and transition rules, through the services."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ir_app.domain.state_machine import TransitionRefused
from ir_app.models import Dossier, Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.dossiers import protection
from ir_app.services.errors import ValidationFailed
from ir_app.services.inventory import systems as inventory
from ir_app.services.measures import plan, register
from ir_app.services.measures.library import adopt_library, load_starter_library

LAN = {"code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}


# The commune's specialised unit also runs the system: an independent council appraises (NĐ 331 Đ18.4.b).
INDEPENDENT_COUNCIL = {"appraisal_body": "independent_council", "appraisal_body_decision": "9/QĐ-UBND",
                       "appraisal_body_decision_on": date(2026, 11, 2),
                       "appraisal_council_members": "Phó Chủ tịch UBND xã\nTrưởng Công an xã\nCán bộ PA05"}


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


@pytest.fixture
def team(make_user, commune):
    return {role: make_user(role, organisation=commune) for role in (Role.STAFF, Role.APPRAISER, Role.OFFICER)}


def _approved_dossier(session, law, team, commune, clock) -> Dossier:
    system = inventory.create_system(session, Actor.system(), commune, LAN, clock.now())
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ",
                               issued_on=date(2026, 1, 2), created_at=clock.now()))
    regime = law.default_regime
    dossier = dossiers.start_dossier(session, Actor.system(), system, regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                       "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.system(), dossier, regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    steps = [(Role.STAFF, "submit", dossiers.StepInput()), (Role.APPRAISER, "accept", dossiers.StepInput()),
             (Role.APPRAISER, "record_appraisal", dossiers.StepInput(appraisal_result="phu_hop", appraisal_text="Ổn",
                                                                     **INDEPENDENT_COUNCIL)),
             (Role.STAFF, "submit_for_approval", dossiers.StepInput()),
             (Role.APPRAISER, "approve", dossiers.StepInput(decision_number="2/QĐ", decision_on=date(2026, 12, 1),
                                                            decision_signer="Trưởng CAX"))]
    for role, action, step in steps:
        user = team[role]
        if action == "approve":
            clock.advance(days=5)  # the decision is dated 01/12/2026: not before that day
        dossiers.take_action(session, user, Actor.of(user), dossier, action, step, law, clock.now())
    session.commit()
    return dossier


def _adopt_all_in_place(session, app, law, commune, clock) -> None:
    library = load_starter_library(app.config["IR_LEVEL_DOSSIERS_DIR"], law.catalogue)
    measures = adopt_library(session, Actor.system(), commune, library, clock.now())
    register.bulk_update(session, Actor.system(), commune, {m.id: m.version for m in measures},
                         {"status": "in_place"}, None, clock.now())


def test_plan_rows_follow_the_measures_and_gate_completion(app, session, law, team, commune, clock):
    dossier = _approved_dossier(session, law, team, commune, clock)
    view = plan.plan_view(session, dossier, law.catalogue)
    assert dossier.level == 2 and len(view.rows) == 46 and len(view.gaps) == 46
    officer = team[Role.OFFICER]
    dossiers.take_action(session, officer, Actor.of(officer), dossier, "start_protection", dossiers.StepInput(),
                         law, clock.now())
    with pytest.raises(TransitionRefused, match="còn 46 yêu cầu"):
        dossiers.take_action(session, officer, Actor.of(officer), dossier, "complete_protection",
                             dossiers.StepInput(), law, clock.now())
    with pytest.raises(ValidationFailed) as failure:
        plan.set_override(session, Actor.of(officer), dossier, "QL.CS.1", "not_applicable", "", law.catalogue,
                          clock.now())
    assert "lý do" in failure.value.errors["override_reason"]
    _adopt_all_in_place(session, app, law, commune, clock)
    assert plan.plan_view(session, dossier, law.catalogue).progress.percent == 100
    dossiers.take_action(session, officer, Actor.of(officer), dossier, "complete_protection", dossiers.StepInput(),
                         law, clock.now())
    assert dossier.state == "operating"


def test_review_schedules_next_and_reopens_failing_items(app, session, law, team, commune, clock):
    dossier = _approved_dossier(session, law, team, commune, clock)
    _adopt_all_in_place(session, app, law, commune, clock)
    assert protection.next_review_due(dossier, [], law) == date(2028, 12, 1)  # level 2: every 24 months
    clock.advance(days=60)  # the check below is dated 15/01/2027
    review = protection.record_review(session, Actor.system(), dossier, {
        "reviewed_on": "15/01/2027", "assessor": "Tổ kiểm tra độc lập", "is_independent": True, "result": "partial"},
        law, clock.now(), [["KT.DL.3", "Chưa thử khôi phục bản sao lưu", "28/02/2027"],
                           ["", "Cần cập nhật sơ đồ mạng", ""]])
    assert review.next_due_on == date(2029, 1, 15)
    assert [f.requirement_id for f in review.findings] == ["KT.DL.3", ""]
    reopened = plan.plan_view(session, dossier, law.catalogue).row("KT.DL.3")
    assert reopened.status == "not_met" and "Chưa thử khôi phục" in reopened.override.override_reason
    with pytest.raises(ValidationFailed, match="dd/mm/yyyy"):
        protection.record_review(session, Actor.system(), dossier, {
            "reviewed_on": "15/01/2027", "assessor": "X", "result": "fail"}, law, clock.now(), [["A", "B", "31-02-2027"]])


def test_redetermination_creates_a_new_version_and_supersedes_on_approval(session, law, team, commune, clock):
    first = _approved_dossier(session, law, team, commune, clock)
    second = dossiers.start_dossier(session, Actor.system(), first.system, law.default_regime, clock.now())
    assert (second.version_no, second.supersedes_id, first.state) == (2, first.id, "approved")
    assert dossiers.start_dossier(session, Actor.system(), first.system, law.default_regime, clock.now()) is second
    second.answers = dict(first.answers)
    dossiers.save_proposal(session, Actor.system(), second, law.default_regime,
                           dossiers.Proposal(3, "Đánh giá rủi ro cho thấy cần cấp độ 3", "", []), clock.now(), None)
    assert second.proposed_level == 3 and second.determined_level == 2
    session.commit()
    assert session.scalar(select(Dossier.state).where(Dossier.id == first.id)) == "approved"  # still in force


def test_system_of_parts_takes_the_highest_level(session, law, team, commune, clock):
    system = inventory.create_system(session, Actor.system(), commune, dict(LAN, code="HT"), clock.now())
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private"], "infrastructure_scope": "one_org"}
    parts = dossiers.parse_part_rows([["Phân hệ một cửa", "3", "Đ13.2.b"], ["Cổng thông tin", "2", ""]])
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", parts),
                           clock.now(), None)
    assert dossier.determined_level == 3 and dossier.proposed_level == 3
    with pytest.raises(ValidationFailed):
        dossiers.parse_part_rows([["Phân hệ không cấp độ", "", ""]])


def test_deadline_skips_tet(law):
    regime = law.default_regime
    deadline = regime.deadline("approval", 3)
    assert law.due_on(date(2027, 2, 3), deadline) > date(2027, 2, 15)  # Tết Đinh Mùi 2027 is not counted


def test_workflow_states_match_the_database_constraint(law):
    from ir_app.models.dossiers import DOSSIER_STATES

    assert {state.id for state in law.workflow.states} == set(DOSSIER_STATES)


def test_broken_workflow_file_names_the_field(tmp_path):
    import shutil

    from ir_app.config import bundled_root
    from ir_app.domain.workflow import WorkflowError
    from ir_app.services.lawdata import load_law_data

    folder = tmp_path / "level_dossiers"
    shutil.copytree(bundled_root() / "level_dossiers", folder)
    path = folder / "workflow.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("to: submitted", "to: limbo", 1), encoding="utf-8")
    with pytest.raises(WorkflowError, match="workflow.yaml.*limbo"):
        load_law_data(str(folder))

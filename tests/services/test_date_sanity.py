"""Dates that cannot be true are refused with a message saying why: no appraisal or decision in the
future or before the dossier was submitted, no decision before its appraisal, no incident detected
after it was reported, no periodic check outside the dossier's life. The clock is the test clock
(Thursday 26/11/2026, 09:00 in Hanoi)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from incident_support import ICT, quick_report, record_values
from incident_support import data as response_data

from ir_app.models import Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.dossiers import protection
from ir_app.services.errors import ValidationFailed
from ir_app.services.incidents import record as incidents
from ir_app.services.inventory import systems as inventory

LAN = {"code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}


@pytest.fixture
def law(app):
    return app.extensions["ir_law"]


@pytest.fixture
def team(make_user, commune):
    return {role: make_user(role, organisation=commune) for role in (Role.STAFF, Role.APPRAISER)}


# NĐ 331 Đ18.4.b: the commune's specialised unit runs the system, so an independent council appraises.
COUNCIL = {"appraisal_body": "independent_council", "appraisal_body_decision": "9/QĐ-UBND",
           "appraisal_body_decision_on": date(2026, 11, 2), "appraisal_council_members": "Phó Chủ tịch UBND xã"}


def _take(session, law, team, dossier, clock, role, action, **step):
    user = team[role]
    if action == "record_appraisal":
        step = COUNCIL | step
    dossiers.take_action(session, user, Actor.of(user), dossier, action, dossiers.StepInput(**step), law, clock.now())


@pytest.fixture
def accepted(session, law, team, commune, clock):
    """A level-2 dossier submitted and accepted on 26/11/2026."""
    system = inventory.create_system(session, Actor.system(), commune, LAN, clock.now())
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ",
                               issued_on=date(2026, 1, 2), created_at=clock.now()))
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                       "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    _take(session, law, team, dossier, clock, Role.STAFF, "submit")
    _take(session, law, team, dossier, clock, Role.APPRAISER, "accept")
    session.commit()
    return dossier


def _refused(call) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.errors


APPRAISAL = {"appraisal_result": "phu_hop", "appraisal_text": "Phù hợp."}


@pytest.mark.parametrize("appraisal_on, message", [
    (date(2026, 11, 27), "Ngày thẩm định 27/11/2026 ở tương lai (hôm nay là 26/11/2026)."),
    (date(2026, 11, 25), "Ngày thẩm định 25/11/2026 trước ngày nộp hồ sơ 26/11/2026."),
])
def test_an_impossible_appraisal_date_is_refused(session, law, team, accepted, clock, appraisal_on, message):
    errors = _refused(lambda: _take(session, law, team, accepted, clock, Role.APPRAISER, "record_appraisal",
                                    appraisal_on=appraisal_on, **APPRAISAL))
    assert errors == {"appraisal_on": message}


def test_an_appraisal_dated_today_is_accepted(session, law, team, accepted, clock):
    _take(session, law, team, accepted, clock, Role.APPRAISER, "record_appraisal", appraisal_on=date(2026, 11, 26),
          **APPRAISAL)
    assert accepted.state == "appraised"


@pytest.mark.parametrize("decision_on, message", [
    (date(2020, 5, 4), "Ngày quyết định 04/05/2020 trước ngày nộp hồ sơ 26/11/2026: không thể phê duyệt hồ sơ chưa nộp."),
    (date(2026, 12, 11), "Ngày quyết định 11/12/2026 ở tương lai (hôm nay là 10/12/2026)."),
    (date(2026, 11, 30), "Ngày quyết định 30/11/2026 trước ngày thẩm định 01/12/2026."),
])
def test_an_impossible_decision_date_is_refused(session, law, team, accepted, clock, decision_on, message):
    clock.advance(days=5)
    _take(session, law, team, accepted, clock, Role.APPRAISER, "record_appraisal", appraisal_on=date(2026, 12, 1),
          **APPRAISAL)
    _take(session, law, team, accepted, clock, Role.STAFF, "submit_for_approval")
    clock.advance(days=9)
    decision = {"decision_number": "2/QĐ", "decision_signer": "Trưởng CAX"}
    errors = _refused(lambda: _take(session, law, team, accepted, clock, Role.APPRAISER, "approve",
                                    decision_on=decision_on, **decision))
    assert errors == {"decision_on": message}
    _take(session, law, team, accepted, clock, Role.APPRAISER, "approve", decision_on=date(2026, 12, 10), **decision)
    assert accepted.state == "approved"


@pytest.fixture
def approved(session, law, team, accepted, clock):
    """Approved by a decision of 01/12/2026; today is 10/12/2026."""
    clock.advance(days=5)
    _take(session, law, team, accepted, clock, Role.APPRAISER, "record_appraisal", appraisal_on=date(2026, 12, 1),
          **APPRAISAL)
    _take(session, law, team, accepted, clock, Role.STAFF, "submit_for_approval")
    _take(session, law, team, accepted, clock, Role.APPRAISER, "approve", decision_on=date(2026, 12, 1),
          decision_number="2/QĐ", decision_signer="Trưởng CAX")
    clock.advance(days=9)
    session.commit()
    return accepted


@pytest.mark.parametrize("changes, field, message", [
    ({"reviewed_on": "11/12/2026"}, "reviewed_on", "Ngày kiểm tra 11/12/2026 ở tương lai (hôm nay là 10/12/2026)."),
    ({"reviewed_on": "30/11/2026"}, "reviewed_on",
     "Ngày kiểm tra 30/11/2026 trước ngày phê duyệt cấp độ 01/12/2026: kiểm tra định kỳ chỉ tính từ khi cấp độ có "
     "hiệu lực."),
    ({"findings": [["KT.DL.3", "Chưa thử khôi phục", "09/12/2026"]]}, "findings",
     "Hạn khắc phục 09/12/2026 trước ngày kiểm tra 10/12/2026."),
])
def test_a_review_outside_the_dossiers_life_is_refused(session, law, approved, clock, changes, field, message):
    rows = changes.pop("findings", [])
    raw = {"reviewed_on": "10/12/2026", "assessor": "Tổ kiểm tra", "result": "partial", **changes}
    errors = _refused(lambda: protection.record_review(session, Actor.system(), approved, raw, law, clock.now(), rows))
    assert errors == {field: message}
    protection.record_review(session, Actor.system(), approved, {**raw, "reviewed_on": "10/12/2026"}, law, clock.now(),
                             [["KT.DL.3", "Chưa thử khôi phục", "10/01/2027"]])


def test_an_incident_detected_after_it_was_reported_is_refused(session, make_user, commune, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    incident = quick_report(session, officer, commune, clock.now())  # reported 09:00 26/11/2026
    clock.advance(hours=3)
    later = datetime(2026, 11, 26, 10, 30, tzinfo=ICT)
    errors = _refused(lambda: incidents.update_incident(
        session, Actor.of(officer), incident, {**record_values(incident), "detected_at": later}, clock.now(),
        response_data()))
    assert errors == {"detected_at": "Thời điểm phát hiện sau lúc sự cố được báo (09:00 26/11/2026): sự cố phải "
                                     "được phát hiện trước khi báo."}
    earlier = clock.now() - timedelta(hours=5)
    incidents.update_incident(session, Actor.of(officer), incident, {**record_values(incident), "detected_at": earlier},
                              clock.now(), response_data())
    assert incident.detected_at == earlier

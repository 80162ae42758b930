"""The dossier's action forms: the step the user most likely takes next is open, a refused step
keeps what was typed, and submit, approve and return are confirmed on a second page (no JavaScript)
that says what will happen and who takes the next step."""
from __future__ import annotations

import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from ir_app.models import Dossier, Role, SecurityPolicy
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.inventory import systems as inventory
from tests.web.form_support import last_audit_id, page_form, replaced, values_of

LAN = {"code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}
# NĐ 331 Đ18.4.b: the commune's specialised unit runs the system, so an independent council appraises.
COUNCIL = {"appraisal_body": "independent_council", "appraisal_body_decision": "9/QĐ-UBND",
           "appraisal_body_decision_on": date(2026, 11, 2), "appraisal_council_members": "Phó Chủ tịch UBND xã"}


@pytest.fixture(autouse=True)
def sessions_outlive_the_workflow(app):
    """These journeys move the clock by days between steps; sign-in limits are tested elsewhere."""
    app.config.update(IR_SESSION_IDLE_MINUTES=60 * 24 * 365, IR_SESSION_MAX_HOURS=24 * 365)



@pytest.fixture
def people(make_user, commune):
    return {role: make_user(role, organisation=commune, name=name) for role, name in (
        (Role.STAFF, "Trần Thị Lan"), (Role.APPRAISER, "Lê Văn Thẩm"), (Role.APPROVER, "Phạm Quốc Khánh"))}


@pytest.fixture
def dossier(session, app, people, commune, clock) -> Dossier:
    """A level-2 dossier, ready to submit."""
    law = app.extensions["ir_law"]
    system = inventory.create_system(session, Actor.system(), commune, LAN, clock.now())
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ",
                               issued_on=date(2026, 1, 2), created_at=clock.now()))
    found = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    found.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                     "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.system(), found, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    session.commit()
    return found


def _take(session, app, people, dossier, clock, role, action, **step):
    user = people[role]
    dossiers.take_action(session, user, Actor.of(user), dossier, action, dossiers.StepInput(**step),
                         app.extensions["ir_law"], clock.now())
    session.commit()


def _open_actions(html: str) -> list[str]:
    return re.findall(r'<details class="action" id="action-([a-z_]+)" open>', html)


def _state(session, dossier) -> str:
    session.expire_all()
    return session.get(Dossier, dossier.id).state


def test_the_appraiser_finds_the_appraisal_open_not_the_return(make_web, session, app, people, dossier, clock):
    _take(session, app, people, dossier, clock, Role.STAFF, "submit")
    _take(session, app, people, dossier, clock, Role.APPRAISER, "accept")
    page = make_web(people[Role.APPRAISER]).get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert _open_actions(page) == ["record_appraisal"]


def test_a_refused_appraisal_keeps_the_typed_text_and_stays_open(make_web, session, app, people, dossier, clock):
    _take(session, app, people, dossier, clock, Role.STAFF, "submit")
    _take(session, app, people, dossier, clock, Role.APPRAISER, "accept")
    client = make_web(people[Role.APPRAISER])
    typed = {"appraisal_result": "phu_hop", "appraisal_number": "15/CAX", "appraisal_by": "Công an xã Vĩnh Lại",
             "appraisal_text": "Hồ sơ đầy đủ.\nCấp độ 2 phù hợp với tiêu chí Đ12.", "appraisal_on": "2026-12-24",
             "comment": "Đã xem kỹ"}
    response = client.post_form(f"/dossiers/{dossier.id}/actions/record_appraisal", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày thẩm định 24/12/2026 ở tương lai (hôm nay là 26/11/2026)." in page
    assert _open_actions(page) == ["record_appraisal"]
    kept = page_form(page, "actions/record_appraisal")
    for name, value in typed.items():
        assert [v.replace("\r\n", "\n") for v in values_of(kept, name)] == [value], name
    assert "chọn lại tệp" in page  # a browser never keeps a chosen file: the page says so
    assert _state(session, dossier) == "accepted"


def test_a_date_that_cannot_be_read_is_refused_not_taken_as_empty(make_web, session, app, people, dossier, clock):
    _take(session, app, people, dossier, clock, Role.STAFF, "submit")
    _take(session, app, people, dossier, clock, Role.APPRAISER, "accept")
    response = make_web(people[Role.APPRAISER]).post_form(f"/dossiers/{dossier.id}/actions/record_appraisal", {
        "appraisal_result": "phu_hop", "appraisal_text": "Phù hợp.", "appraisal_on": "31/13/2026"})
    # Well-formed but not in the calendar: said as such (issue 14 D17), never taken as empty.
    assert response.status_code == 422 and "Ngày 31/13/2026 không có trong lịch." in response.get_data(as_text=True)


def test_submitting_asks_once_more_saying_what_happens_and_who_is_next(make_web, session, people, dossier):
    client = make_web(people[Role.STAFF])
    detail = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    sent = replaced(page_form(detail, "actions/submit"), "request_number", "12/CV-UBND")
    mark = last_audit_id(session)
    confirm = client.post(f"/dossiers/{dossier.id}/actions/submit", data=MultiDict(sent))
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Xác nhận: Nộp hồ sơ" in page
    assert "sang «Đã nộp — chờ kiểm tra tính hợp lệ»" in page and "03/12/2026" in page  # 5 working days
    assert "Cán bộ thẩm định</strong>: Lê Văn Thẩm" in page and "12/CV-UBND" in page
    assert _state(session, dossier) == "draft" and last_audit_id(session) == mark  # nothing done yet

    again = page_form(page)
    assert values_of(again, "csrf_token") and values_of(again, "request_number") == ["12/CV-UBND"]
    back = client.post(f"/dossiers/{dossier.id}/actions/submit", data=MultiDict(again + [("go", "edit")]))
    assert values_of(page_form(back.get_data(as_text=True), "actions/submit"), "request_number") == ["12/CV-UBND"]
    assert _state(session, dossier) == "draft"

    done = client.post(f"/dossiers/{dossier.id}/actions/submit", data=MultiDict(again + [("confirmed", "1")]))
    assert done.status_code == 302
    session.expire_all()
    saved = session.get(Dossier, dossier.id)
    assert (saved.state, saved.request_number) == ("submitted", "12/CV-UBND")


def test_the_confirmation_keeps_csrf(make_web, session, people, dossier):
    client = make_web(people[Role.STAFF])
    response = client.client.post(f"/dossiers/{dossier.id}/actions/submit", data={"confirmed": "1"})
    assert response.status_code == 400 and _state(session, dossier) == "draft"


def test_returning_and_approving_are_confirmed_too(make_web, session, app, people, dossier, clock):
    _take(session, app, people, dossier, clock, Role.STAFF, "submit")
    appraiser = make_web(people[Role.APPRAISER])
    page = appraiser.post_form(f"/dossiers/{dossier.id}/actions/return",
                               {"comment": "Thiếu sơ đồ mạng"}).get_data(as_text=True)
    assert "Xác nhận: Trả lại hồ sơ" in page and "sang «Trả lại để bổ sung, hoàn thiện»" in page
    assert "Cán bộ đơn vị</strong>: Trần Thị Lan" in page and "Thiếu sơ đồ mạng" in page
    assert _state(session, dossier) == "submitted"
    # A refusal is shown at once, on the dossier page, not after the confirmation.
    refused = appraiser.post_form(f"/dossiers/{dossier.id}/actions/return", {"comment": ""})
    assert refused.status_code == 422 and _open_actions(refused.get_data(as_text=True)) == ["return"]

    _take(session, app, people, dossier, clock, Role.APPRAISER, "accept")
    clock.advance(days=1)
    _take(session, app, people, dossier, clock, Role.APPRAISER, "record_appraisal", appraisal_result="phu_hop",
          appraisal_text="Phù hợp.", appraisal_on=date(2026, 11, 27), **COUNCIL)
    _take(session, app, people, dossier, clock, Role.STAFF, "submit_for_approval")
    page = appraiser.post_form(f"/dossiers/{dossier.id}/actions/approve", {
        "decision_number": "3/QĐ-CAX", "decision_on": "2026-11-27", "decision_signer": "Trưởng Công an xã"})
    assert "Xác nhận: Phê duyệt cấp độ" in page.get_data(as_text=True)
    assert _state(session, dossier) == "pending_approval"

"""The level wizard (the multi-step form) never changes an answer the user did not change: each step
saved unchanged keeps the answers, and an error on one question keeps every other answer as entered."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ir_app.models import Dossier, Role
from ir_app.services.audit import Actor
from ir_app.services.inventory import systems as inventory
from tests.web.form_support import (audit_changes_since, comparable, last_audit_id, page_form, replaced,
                                    stored_state, values_of)

ONE_STOP_SHOP = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service",
                 "status": "in_operation", "hosting": "provincial_dc", "information_types": ["public", "personal"],
                 "personal_data_subjects": 8500, "handles_admin_procedures": False}
STEPS = ["system", "information", "service", "infrastructure", "national", "assessment"]


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune)


@pytest.fixture
def dossier(make_web, staff, session, commune, clock) -> Dossier:
    system = inventory.create_system(session, Actor.system(), commune, ONE_STOP_SHOP, clock.now())
    session.commit()
    client = make_web(staff)
    assert client.post_form(f"/systems/{system.id}/dossier/start", {"regime": "nd331-2026"}).status_code == 302
    found = session.scalar(select(Dossier).where(Dossier.system_id == system.id))
    for step in STEPS:  # every step answered once, as a browser sends it
        url = f"/dossiers/{found.id}/wizard/{step}"
        fields = page_form(client.get(url).get_data(as_text=True))
        assert client.post(url, data=MultiDict(fields)).status_code == 302, step
    return found


def _wizard(dossier, step: str) -> str:
    return f"/dossiers/{dossier.id}/wizard/{step}"


def test_a_number_refused_on_the_service_step_keeps_the_no_answers_as_no(make_web, staff, dossier, session):
    """Regression: any error redrew every Có/Không answer as «Có»; fixing only the number then saved
    «Có» for questions answered «Không», which can raise the level."""
    client = make_web(staff)
    url = _wizard(dossier, "service")
    fields = page_form(client.get(url).get_data(as_text=True))
    assert values_of(fields, "handles_admin_procedures") == ["không"]
    sent = replaced(replaced(fields, "conditional_business_service", "không"), "personal_data_subjects", "8.500 người")
    response = client.post(url, data=MultiDict(sent))
    assert response.status_code == 422 and "Phải là một số nguyên." in response.get_data(as_text=True)
    shown = page_form(response.get_data(as_text=True))
    assert values_of(shown, "handles_admin_procedures") == ["không"]
    assert values_of(shown, "conditional_business_service") == ["không"]
    # The user fixes the number only and saves: the level stays what the true answers give.
    fixed = replaced(shown, "personal_data_subjects", "8500")
    assert client.post(url, data=MultiDict(fixed)).status_code == 302
    session.expire_all()
    saved = session.get(Dossier, dossier.id)
    assert saved.answers["handles_admin_procedures"] is False
    assert saved.answers["conditional_business_service"] is False
    assert saved.determined_level == 2


@pytest.mark.parametrize("step", STEPS)
def test_a_wizard_step_saved_unchanged_changes_nothing(make_web, staff, dossier, session, clock, step):
    client = make_web(staff)
    clock.advance(hours=1)
    fields = page_form(client.get(_wizard(dossier, step)).get_data(as_text=True))
    before, mark = stored_state(session, dossier), last_audit_id(session)
    assert client.post(_wizard(dossier, step), data=MultiDict(fields)).status_code == 302
    after = stored_state(session, dossier)
    assert after["answers"] == before["answers"]
    assert (after["determined_level"], after["reasons"]) == (before["determined_level"], before["reasons"])
    assert audit_changes_since(session, mark) == []


@pytest.mark.parametrize("step", STEPS)
def test_an_error_on_one_wizard_question_keeps_every_other_answer(make_web, staff, dossier, step):
    client = make_web(staff)
    url = _wizard(dossier, step)
    fields = page_form(client.get(url).get_data(as_text=True))
    questions = [name for name, _ in fields if name not in ("csrf_token", "version")]
    if not questions:
        pytest.skip("no question on this step for this kind of system")
    broken = questions[0]
    sent = replaced(fields, broken, "không-rõ")
    response = client.post(url, data=MultiDict(sent))
    assert response.status_code == 422
    shown = page_form(response.get_data(as_text=True))
    assert comparable(shown, broken) == comparable(sent, broken)


PROPOSAL = {"proposed_level": "3", "justification": "Đánh giá rủi ro: dữ liệu của 8.500 người dân",
            "risks": "Mã độc tống tiền\nLộ dữ liệu cá nhân",
            "parts-0-name": "Cổng dịch vụ công", "parts-0-level": "3", "parts-0-ground": "Đ13.2.b",
            "parts-1-name": "Kho dữ liệu", "parts-1-level": "2", "parts-1-ground": ""}


def _proposed(client, dossier):
    url = f"/dossiers/{dossier.id}/proposal"
    fields = page_form(client.get(url).get_data(as_text=True))
    sent = [(name, value) for name, value in fields if name not in PROPOSAL] + list(PROPOSAL.items())
    assert client.post(url, data=MultiDict(sent)).status_code == 302
    return url


def test_the_proposal_saved_unchanged_changes_nothing(make_web, staff, dossier, session, clock):
    client = make_web(staff)
    url = _proposed(client, dossier)
    clock.advance(hours=1)
    fields = page_form(client.get(url).get_data(as_text=True))
    before, mark = stored_state(session, dossier), last_audit_id(session)
    assert client.post(url, data=MultiDict(fields)).status_code == 302
    assert stored_state(session, dossier) == before
    assert audit_changes_since(session, mark) == []


def test_an_error_in_the_proposal_keeps_every_other_answer(make_web, staff, dossier):
    client = make_web(staff)
    url = _proposed(client, dossier)
    fields = page_form(client.get(url).get_data(as_text=True))
    sent = replaced(replaced(fields, "proposed_level", "4"), "justification", "")  # higher without reasons
    response = client.post(url, data=MultiDict(sent))
    assert "cần nêu lý do" in response.get_data(as_text=True)
    assert comparable(page_form(response.get_data(as_text=True))) == comparable(sent)


def test_a_malformed_part_row_is_named_and_the_rows_are_kept(make_web, staff, dossier, session):
    client = make_web(staff)
    url = f"/dossiers/{dossier.id}/proposal"
    fields = page_form(client.get(url).get_data(as_text=True))
    rows = {"parts-0-name": "Cổng dịch vụ công", "parts-0-level": "3", "parts-0-ground": "Đ13.2.b",
            "parts-1-name": "Kho dữ liệu", "parts-1-level": "cao", "parts-1-ground": "Đ12"}
    sent = [(name, value) for name, value in replaced(fields, "proposed_level", "3") if name not in rows]
    response = client.post(url, data=MultiDict(sent + list(rows.items())))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dòng 2 («Kho dữ liệu | cao | Đ12»): cấp độ phải là số từ 1 đến 5" in page
    shown = dict(page_form(page))
    assert all(shown[name] == value for name, value in rows.items())
    session.expire_all()
    assert session.get(Dossier, dossier.id).parts == []

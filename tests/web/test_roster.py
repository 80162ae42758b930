"""Tổ ứng cứu sự cố: members from accounts, contacts or by name; the on-call order set with buttons;
the quick report and the incident page say who to call, in that order; edits are audited and
version-checked; overseers only read."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, EmergencyContact, Role
from ir_app.models.roster import ResponseTeamMember
from tests.incident_support import quick_report


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune, name="Trần Văn Trực", phone="0912 345 678")


@pytest.fixture
def contact(session, commune):
    row = EmergencyContact(commune_id=commune.id, name="Kỹ thuật viên VNPT", phone="0203 800 126",
                           email="kythuat@vnpt.test")
    session.add(row)
    session.commit()
    return row


def _add(client, commune, **values):
    data = {"user_id": "", "contact_id": "", "name": "", "team_role": "member", "phone": "", "email": "",
            "on_call_order": "", "is_active": "y"} | values
    return client.post_form(f"/roster/new?commune={commune.code}", data)


def _call_list(page: str) -> list[str]:
    section = page.split('id="on-call"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="tel:([^"]+)"', section)


def test_members_from_an_account_a_contact_and_a_name_are_called_in_order(
        make_web, officer, contact, commune, session, clock):
    client = make_web(officer)
    assert _add(client, commune, user_id=str(officer.id), team_role="leader").status_code == 302
    assert _add(client, commune, contact_id=str(contact.id), team_role="technical").status_code == 302
    assert _add(client, commune, name="Lê Thị Pháp Chế", phone="0987 000 111",
                team_role="legal_media").status_code == 302
    members = list(session.scalars(select(ResponseTeamMember).order_by(ResponseTeamMember.on_call_order)))
    assert [(m.name, m.call_phone) for m in members] == [
        ("Trần Văn Trực", "0912 345 678"), ("Kỹ thuật viên VNPT", "0203 800 126"), ("Lê Thị Pháp Chế", "0987 000 111")]
    # The number is kept in one place: a changed contact is what the roster calls.
    contact.phone = "0203 800 999"
    session.commit()

    report_page = client.get("/incidents/report").get_data(as_text=True)
    assert _call_list(report_page) == ["0912345678", "0203800999", "0987000111"]
    assert "1.</span> Trần Văn Trực · Tổ trưởng: 0912 345 678" in report_page

    # Move the third up twice: it is called first, on the incident page too.
    third = members[2]
    for _ in range(2):
        session.refresh(third)
        assert client.post_form(f"/roster/{third.id}/move", {"direction": "up",
                                                             "version": str(third.version)}).status_code == 302
    incident = quick_report(session, officer, commune, clock.now())
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert _call_list(page) == ["0987000111", "0912345678", "0203800999"]
    actions = [event.summary for event in session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "response_team_member").order_by(AuditEvent.id))]
    assert actions[-1] == "Lê Thị Pháp Chế: thứ tự gọi 1"


def test_an_inactive_member_is_not_called_and_bad_input_is_explained(make_web, officer, contact, commune, session):
    client = make_web(officer)
    both = _add(client, commune, user_id=str(officer.id), contact_id=str(contact.id))
    assert both.status_code == 422 and "Chọn tài khoản hoặc liên hệ, không chọn cả hai." in both.get_data(as_text=True)
    nobody = _add(client, commune, email="khong-phai-email")
    text = nobody.get_data(as_text=True)
    assert nobody.status_code == 422 and "Địa chỉ e-mail không hợp lệ." in text
    assert _add(client, commune, name="Người nghỉ phép", phone="0900 000 000", is_active="").status_code == 302
    member = session.scalar(select(ResponseTeamMember))
    assert member.is_active is False
    assert _call_list(client.get("/incidents/report").get_data(as_text=True)) == []
    assert "Tạm nghỉ" in client.get("/roster/").get_data(as_text=True)


def test_a_stale_edit_is_refused_and_a_deleted_contact_keeps_its_number(
        make_web, officer, contact, commune, session):
    client = make_web(officer)
    assert _add(client, commune, contact_id=str(contact.id), team_role="technical").status_code == 302
    member = session.scalar(select(ResponseTeamMember))
    fields = {"user_id": "", "contact_id": str(contact.id), "name": "Kỹ thuật viên VNPT", "team_role": "deputy",
              "phone": "", "email": "", "on_call_order": "1", "is_active": "y"}
    assert client.post_form(f"/roster/{member.id}/edit", fields | {"version": "1"}).status_code == 302
    stale = client.post_form(f"/roster/{member.id}/edit", fields | {"team_role": "member", "version": "1"})
    assert stale.status_code == 409 and "Bản ghi đã được người khác sửa" in stale.get_data(as_text=True)
    session.expire_all()
    assert session.get(ResponseTeamMember, member.id).team_role == "deputy"

    assert client.post_form(f"/contacts/{contact.id}/delete", {}).status_code == 302
    session.expire_all()
    kept = session.get(ResponseTeamMember, member.id)
    assert (kept.contact_id, kept.call_phone) == (None, "0203 800 126")


def test_overseers_read_the_roster_of_their_province_only(make_web, make_user, officer, commune, province,
                                                          foreign_commune, session):
    assert _add(make_web(officer), commune, user_id=str(officer.id), team_role="leader").status_code == 302
    member = session.scalar(select(ResponseTeamMember))
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    page = overseer.get(f"/roster/?commune={commune.code}")
    assert page.status_code == 200 and "Trần Văn Trực" in page.get_data(as_text=True)
    assert "Thêm thành viên" not in page.get_data(as_text=True)
    assert overseer.get(f"/roster/?commune={foreign_commune.code}").status_code == 404
    assert overseer.post_form(f"/roster/{member.id}/move", {"direction": "down", "version": "1"}).status_code == 403
    assert make_web(make_user(Role.STAFF, organisation=commune)).get(f"/roster/{member.id}/edit").status_code == 403


def test_the_roster_and_the_quick_report_cost_the_same_for_two_or_twelve_members(
        app, make_web, make_user, officer, commune, session):
    from tests.web.test_statement_counts import _statements

    client = make_web(officer)

    def grow_to(size: int) -> None:
        while session.query(ResponseTeamMember).count() < size:
            number = session.query(ResponseTeamMember).count()
            person = make_user(Role.STAFF, organisation=commune, phone=f"0900 000 {number:03d}")
            contact = EmergencyContact(commune_id=commune.id, name=f"Liên hệ {number}", phone=f"0911 000 {number:03d}")
            session.add(contact)
            session.flush()
            session.add_all([ResponseTeamMember(commune_id=commune.id, user_id=person.id, name=person.name,
                                                team_role="member", on_call_order=number + 1),
                             ResponseTeamMember(commune_id=commune.id, contact_id=contact.id, name=contact.name,
                                                team_role="technical", on_call_order=number + 2)])
            session.commit()

    counts = {}
    for size in (2, 12):
        grow_to(size)
        for url in ("/roster/", "/incidents/report"):
            client.get(url)
            counts[(url, size)] = _statements(app, lambda url=url: client.get(url))
    assert counts[("/roster/", 2)] == counts[("/roster/", 12)]
    assert counts[("/incidents/report", 2)] == counts[("/incidents/report", 12)]

"""Every record edit form tells the truth: opened and saved unchanged, it changes nothing; an error
on one field keeps every other answer exactly as entered.

The records and their choices carry ids 2, 29 and 129, so a form comparing ids as text ("2" inside
"['29']") shows up here as a wrong tick and then as a change.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable

import pytest
from incident_support import quick_report
from sqlalchemy import inspect

from ir_app.models import (BackupPlan, EmergencyContact, Incident, InformationSystem, 
                           Role, Unit, User)
from ir_app.services import checks
from ir_app.services.audit import Actor
from tests.ops_support import make_plan, make_system
from tests.web import form_cases_older as older
from tests.web import form_cases_round11 as round11
from tests.web import form_cases_round12 as round12
from tests.web.form_registry import FORM_ENDPOINTS, NOT_EDIT_FORMS
from tests.web.form_support import (EditCase, audit_changes_since, comparable, last_audit_id, page_form,
                                    post_form_of, replaced, replaced_all, stored_state, sync_sequences, values_of)

UTC = timezone.utc
CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def _systems(session, commune) -> dict[int, InformationSystem]:
    systems = {number: make_system(session, commune, id=number, code=f"HT{number}", name=f"Hệ thống {number}",
                                   information_types=["public", "personal"]) for number in (2, 29, 129)}
    sync_sequences(session, InformationSystem)
    return systems


def _units(session, commune) -> dict[int, Unit]:
    units = {number: Unit(id=number, commune_id=commune.id, name=f"Phòng {number}", functions="Tham mưu\nTổng hợp")
             for number in (2, 29, 129)}
    session.add_all(units.values())
    session.commit()
    sync_sequences(session, Unit)
    return units


def system_edit(session, commune, make_user, clock) -> EditCase:
    units = _units(session, commune)
    system = make_system(session, commune, id=29, code="MOTCUA", name="Một cửa điện tử", unit_id=units[29].id,
                         system_type="citizen_service", information_types=["public", "personal"],
                         personal_data_subjects=18500, purpose="Tiếp nhận hồ sơ\nTrả kết quả",
                         owner_email="ubnd@vinhlai.gov.vn", approved_level=2, approval_regime="nd331-2026",
                         approval_decision_on=date(2026, 3, 2), approval_decision_number="12/QĐ-UBND")
    sync_sequences(session, InformationSystem)
    return EditCase(f"/systems/{system.id}/edit", make_user(Role.STAFF, organisation=commune), system,
                    ("personal_data_subjects", "nhiều lắm"))


def incident_edit(session, commune, make_user, clock) -> EditCase:
    systems = _systems(session, commune)
    officer = make_user(Role.OFFICER, organisation=commune)
    incident = quick_report(session, officer, commune, clock.now(), system_id="29", category="malware")
    incident.systems = [systems[29], systems[129]]
    incident.description = "Máy bị mã hóa\nĐòi tiền"
    session.commit()
    return EditCase(f"/incidents/{incident.id}/edit", officer, incident, ("detected_at", "hôm qua"))


def contact_edit(session, commune, make_user, clock) -> EditCase:
    contacts = [EmergencyContact(id=number, commune_id=commune.id, name=f"Liên hệ {number}", phone="0912 345 678",
                                 is_24x7=number == 29, sort_order=number) for number in (2, 29, 129)]
    session.add_all(contacts)
    session.commit()
    sync_sequences(session, EmergencyContact)
    return EditCase("/contacts/29/edit", make_user(Role.STAFF, organisation=commune), contacts[1],
                    ("email", "khong-phai-thu"))


def commune_edit(session, commune, make_user, clock) -> EditCase:
    commune.address, commune.phone = "Thôn 2, xã Vĩnh Lại", "0225 3888 129"
    session.commit()
    return EditCase(f"/organisations/{commune.id}/edit", make_user(Role.STAFF, organisation=commune), commune,
                    ("email", "khong-phai-thu"))


def unit_edit(session, commune, make_user, clock) -> EditCase:
    units = _units(session, commune)
    return EditCase("/organisations/units/29", make_user(Role.STAFF, organisation=commune), units[29],
                    ("name", ""))


def backup_plan_edit(session, commune, make_user, clock) -> EditCase:
    people = {number: make_user(Role.STAFF, organisation=commune, id=number) for number in (2, 29, 129)}
    sync_sequences(session, User)
    system = make_system(session, commune)
    plan = make_plan(session, system, responsible=people[29], id=29, scope="CSDL hồ sơ\nTệp đính kèm",
                     grace_hours=12, retention_days=30, restore_test_interval_months=6,
                     destinations=[{"kind": "on_site", "description": "NAS"},
                                   {"kind": "offline", "description": "Ổ cứng rời"}])
    sync_sequences(session, BackupPlan)
    return EditCase("/backups/plans/29/edit", people[2], plan, ("time_of_day", "25:61"))


def user_edit(session, commune, make_user, clock) -> EditCase:
    admin = make_user(Role.ADMIN, organisation=commune, id=2)
    edited = make_user(Role.STAFF, Role.OFFICER, organisation=commune, id=29, phone="0912 000 129")
    sync_sequences(session, User)
    return EditCase("/admin/users/29", admin, edited, ("name", " "))


def preferences_edit(session, commune, make_user, clock) -> EditCase:
    user = make_user(Role.STAFF, organisation=commune, email_notifications=True, daily_digest=False)
    return EditCase("/notifications/settings", user, user)


def checklist_edit(session, commune, make_user, clock) -> EditCase:
    admin = make_user(Role.ADMIN, organisation=commune)
    checks.save_checklist(session, Actor.of(admin, "127.0.0.1"), commune,
                          "Máy chủ chạy bình thường\nCamera ghi hình\nSao lưu đêm qua", clock.now())
    session.commit()
    return EditCase(f"/checks/items?commune={commune.code}", admin, commune)


def morning_check_edit(session, commune, make_user, clock) -> EditCase:
    officer = make_user(Role.OFFICER, organisation=commune)
    labels = checks.checklist(session, commune.id)
    items = [checks.ItemState(label, index != 1, "Mất tín hiệu" if index == 1 else "")
             for index, label in enumerate(labels)]
    check = checks.record_check(session, Actor.of(officer, "127.0.0.1"), commune, items,
                                day=date(2026, 11, 26), now=clock.now(), notes="Ổn định", expected_version=None)
    session.commit()
    # Saving this morning's check again re-confirms it: the time of checking moves on, nothing else.
    return EditCase(f"/checks/morning?commune={commune.code}", officer, check, ignore=("checked_at", "version"),
                    audit_is_a_diff=False)


CASES: dict[str, Callable[..., EditCase]] = {
    "system": system_edit, "incident": incident_edit, "contact": contact_edit, "commune": commune_edit,
    "unit": unit_edit, "backup plan": backup_plan_edit, "user": user_edit, "notification settings": preferences_edit,
    "morning checklist": checklist_edit, "morning check": morning_check_edit,
}


CASES.update(round11.CASES)
CASES.update(round12.CASES)
CASES.update(older.CASES)


@pytest.fixture(params=list(CASES))
def edit_case(request, session, commune, make_user, clock) -> EditCase:
    case = CASES[request.param](session, commune, make_user, clock)
    clock.advance(hours=2)  # a save that rewrote the record would stamp a new time
    case.name = request.param
    return case


def _watched(session, case: EditCase) -> list:
    """What a save must leave alone: the record's (and child row's) columns and its listed links."""
    rows = [case.record] + ([case.child] if case.child is not None else [])
    state = [stored_state(session, row) for row in rows]
    state = [{k: v for k, v in row.items() if k not in case.ignore} for row in state]
    fresh = session.get(type(case.record), inspect(case.record).identity[0])
    return state + [sorted(getattr(fresh, name)) for name in case.related]


def _differences(before: list, after: list) -> list:
    return [(key, old.get(key), new.get(key)) if isinstance(old, dict) else (old, new)
            for old, new in zip(before, after) if old != new
            for key in (sorted(k for k in old if old[k] != new.get(k)) if isinstance(old, dict) else [None])]


def _the_form(client, case: EditCase) -> tuple[str, list[tuple[str, str]]]:
    """The page's form as a browser would send it, and where it goes."""
    page = client.get(case.url)
    assert page.status_code == 200, page.status_code
    target, fields = post_form_of(page.get_data(as_text=True), case.action)
    return target or case.url, fields


def test_saving_an_edit_form_unchanged_changes_nothing(edit_case, make_web, session):
    if edit_case.record is None:
        pytest.skip("a form that creates: nothing to leave unchanged")
    client = make_web(edit_case.user)
    target, fields = _the_form(client, edit_case)
    before, audit_mark = _watched(session, edit_case), last_audit_id(session)
    response = client.post(target, data=_multidict(replaced_all(fields, edit_case.also_sent)))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = _watched(session, edit_case)
    assert after == before, _differences(before, after)
    if edit_case.audit_is_a_diff:
        assert audit_changes_since(session, audit_mark) == []


def test_an_error_on_one_field_keeps_every_other_answer(edit_case, make_web, session):
    if edit_case.broken is None:
        pytest.skip("this form has no field that can be wrong")
    client = make_web(edit_case.user)
    target, fields = _the_form(client, edit_case)
    name, bad = edit_case.broken
    sent = replaced(replaced_all(fields, edit_case.filled), name, bad)
    response = client.post(target, data=_multidict(sent))
    assert response.status_code in (200, 400, 422), response.status_code
    html = response.get_data(as_text=True)
    _shown_target, shown = post_form_of(html, edit_case.action)
    assert comparable(shown, *edit_case.buttons) == comparable(sent, *edit_case.buttons), \
        "the form lost or changed what the user entered"
    assert 'class="field-error"' in html or 'role="alert"' in html


def test_every_form_is_covered_or_said_not_to_edit(app):
    """A form added later fails here until it has a case above (or a reason in NOT_EDIT_FORMS)."""
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    covered = {endpoint for endpoint, names in FORM_ENDPOINTS.items() if set(names) <= set(CASES)}
    assert sorted(posted - covered - set(NOT_EDIT_FORMS)) == []
    assert sorted(set(FORM_ENDPOINTS) & set(NOT_EDIT_FORMS)) == []


def test_each_case_posts_to_the_endpoint_it_covers(app, edit_case, make_web):
    """The registry tells the truth: the case's form really goes to the endpoint named for it."""
    target, _fields = _the_form(make_web(edit_case.user), edit_case)
    endpoint = app.url_map.bind("localhost").match(target.split("?")[0], method="POST")[0]
    assert edit_case.name in FORM_ENDPOINTS.get(endpoint, ()), (endpoint, edit_case.name)


def test_incident_edit_does_not_tick_a_system_whose_id_is_inside_another(make_web, session, commune, make_user,
                                                                          clock):
    """Regression: an incident on system 29 showed system 2 ticked ("2" in "['29']"), and saving attached it."""
    case = incident_edit(session, commune, make_user, clock)
    incident = case.record
    incident.systems = [session.get(InformationSystem, 29)]
    session.commit()
    client = make_web(case.user)
    fields = page_form(client.get(case.url).get_data(as_text=True))
    assert values_of(fields, "system_ids") == ["29"]
    assert client.post(case.url, data=_multidict(fields)).status_code == 302
    session.expire_all()
    assert [system.id for system in session.get(Incident, incident.id).systems] == [29]


def _multidict(fields):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)

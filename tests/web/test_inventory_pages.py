"""The inventory as a commune user sees it: create, validate, conflict, scope, query counts."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, InformationSystem, Role
from tests.incident_support import count_statements

VALID = {"code": "qlvb", "name": "Quản lý văn bản", "system_type": "internal", "status": "in_operation",
         "hosting": "on_premises", "information_types": ["personal", "public"],
         "personal_data_subjects": "1.200", "owner_email": "ubnd@vinh-lai.gov.vn"}


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune)


def test_staff_adds_a_system_and_it_is_audited(make_web, staff, session):
    client = make_web(staff)
    response = client.post_form("/systems/new", VALID)
    assert response.status_code == 302
    system = session.scalar(select(InformationSystem))
    assert (system.code, system.personal_data_subjects) == ("QLVB", 1200)
    assert system.information_types == ["public", "personal"]
    page = client.get(response.location).get_data(as_text=True)
    assert "Quản lý văn bản" in page and "1.200" in page
    event_row = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "information_system"))
    assert event_row.actor_label == staff.email and event_row.changes["name"] == [None, "Quản lý văn bản"]


def test_bad_input_is_explained_and_kept(make_web, staff, session):
    client = make_web(staff)
    bad = dict(VALID, name="", personal_data_subjects="-5", owner_email="khong-phai-email",
               system_type="robot", purpose="Mục đích đã nhập")
    response = client.post_form("/systems/new", bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bắt buộc nhập." in page
    assert "Không được nhỏ hơn 0." in page
    assert "Địa chỉ e-mail không hợp lệ." in page
    assert "Giá trị «robot» không hợp lệ" in page
    assert "Mục đích đã nhập" in page  # what the user typed is still there
    assert session.scalar(select(InformationSystem)) is None


def test_duplicate_code_is_refused(make_web, staff):
    client = make_web(staff)
    client.post_form("/systems/new", VALID)
    page = client.post_form("/systems/new", VALID).get_data(as_text=True)
    assert "đã được dùng" in page


def test_stale_form_gets_a_conflict_message(make_web, staff, make_user, commune, session):
    first, second = make_web(staff), make_web(make_user(Role.OFFICER, organisation=commune))
    first.post_form("/systems/new", VALID)
    system_id = session.scalar(select(InformationSystem.id))
    assert first.post_form(f"/systems/{system_id}/edit", dict(VALID, name="Tên A", version="1")).status_code == 302
    response = second.post_form(f"/systems/{system_id}/edit", dict(VALID, name="Tên B", version="1"))
    assert "người khác sửa" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(InformationSystem, system_id).name == "Tên A"


def test_auditor_cannot_change_anything(make_web, make_user, commune):
    client = make_web(make_user(Role.AUDITOR, organisation=commune))
    assert client.get("/systems/new").status_code == 403
    assert client.post_form("/systems/new", VALID).status_code == 403


def _add_systems(session, commune, count, start=0):
    now = datetime(2026, 11, 26, tzinfo=timezone.utc)
    session.add_all([InformationSystem(commune_id=commune.id, code=f"S{start + i:04d}", name=f"Hệ thống {i}",
                                       created_at=now, updated_at=now) for i in range(count)])
    session.commit()


def test_list_page_query_count_does_not_grow(app, make_web, staff, commune, session):
    client = make_web(staff)
    _add_systems(session, commune, 10)
    small = count_statements(app, lambda: client.get("/systems/"))
    _add_systems(session, commune, 190, start=10)
    large = count_statements(app, lambda: client.get("/systems/?page=3"))
    assert large == small
    page = client.get("/systems/").get_data(as_text=True)
    assert "Trang 1/8" in page


def test_search_and_filters(make_web, staff, session, commune):
    client = make_web(staff)
    client.post_form("/systems/new", VALID)
    client.post_form("/systems/new", dict(VALID, code="MOTCUA", name="Một cửa điện tử", system_type="citizen_service"))
    page = client.get("/systems/?q=một cửa").get_data(as_text=True)
    assert "Một cửa điện tử" in page and "Quản lý văn bản" not in page
    page = client.get("/systems/?system_type=internal").get_data(as_text=True)
    assert "Quản lý văn bản" in page and "Một cửa điện tử" not in page


def test_search_ignores_the_case_of_vietnamese_letters(make_web, staff, make_user, commune):
    client = make_web(staff)
    client.post_form("/systems/new", dict(VALID, code="CTDT", name="CỔNG THÔNG TIN ĐIỆN TỬ XÃ"))
    assert "CỔNG THÔNG TIN ĐIỆN TỬ XÃ" in client.get("/systems/?q=cổng thông tin điện").get_data(as_text=True)
    make_user(Role.OFFICER, organisation=commune, name="Đặng Thị Ánh")
    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    assert "Đặng Thị Ánh" in admin.get("/admin/users?q=ĐẶNG THỊ ánh").get_data(as_text=True)


def test_components_and_contacts(make_web, staff, session, commune):
    client = make_web(staff)
    client.post_form("/systems/new", VALID)
    system_id = session.scalar(select(InformationSystem.id))
    response = client.post_form(f"/systems/{system_id}/components", {
        "kind": "equipment", "name": "Tường lửa", "location": "Phòng máy chủ"})
    assert response.status_code == 302
    assert "Tường lửa" in client.get(f"/systems/{system_id}").get_data(as_text=True)
    bad = client.post_form(f"/systems/{system_id}/components", {"kind": "equipment", "name": ""})
    assert bad.status_code == 422 and "Bắt buộc nhập." in bad.get_data(as_text=True)
    response = client.post_form("/contacts/new", {"name": "Trực ban PA05", "phone": "069 234 5678",
                                                  "is_24x7": "y"})
    assert response.status_code == 302
    printable = client.get("/contacts/print").get_data(as_text=True)
    assert 'href="tel:0692345678"' in printable and "24/7" in printable


def test_the_commune_column_shows_only_to_who_reads_several_communes(make_web, make_user, staff, session, commune,
                                                                       other_commune, province):
    _add_systems(session, commune, 2)
    _add_systems(session, other_commune, 1, start=2)
    overseer = make_web(make_user(Role.OVERSEER, organisation=province)).get("/systems/").get_data(as_text=True)
    assert '<th scope="col">Xã</th>' in overseer
    assert "<td>Xã Vĩnh Lại</td>" in overseer and "<td>Phường Hải An</td>" in overseer
    own = make_web(staff).get("/systems/").get_data(as_text=True)
    assert '<th scope="col">Xã</th>' not in own and "Vĩnh Lại</td>" not in own and "S0002" not in own

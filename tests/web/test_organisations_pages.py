"""Provinces, communes and units: an administrator creates them, the commune keeps its own details
and units; everything is audited, scoped to the commune, and refused cleanly when wrong."""
from __future__ import annotations

from sqlalchemy import select

from ir_app.models import AuditEvent, InformationSystem, Organisation, Role, Unit


def _unit(session, commune, name="Phòng Văn hóa - Xã hội") -> Unit:
    unit = Unit(commune_id=commune.id, name=name)
    session.add(unit)
    session.commit()
    return unit


def test_an_admin_creates_a_province_and_a_commune_with_its_official_code(make_web, make_user, session, province):
    admin = make_web(make_user(Role.ADMIN, organisation=province))
    response = admin.post_form("/organisations/new?kind=province", {"code": "42", "name": "Tỉnh Hà Tĩnh"})
    assert response.status_code == 302
    ha_tinh = session.scalar(select(Organisation).where(Organisation.code == "42"))
    assert ha_tinh.kind == "province" and ha_tinh.parent_id is None

    response = admin.post_form("/organisations/new?kind=commune", {
        "code": "18445", "province": str(ha_tinh.id), "name": "Mai Phụ", "commune_type": "xa",
        "address": "Thôn Mai Phụ", "phone": "0239 3850 123", "email": "ubnd@maiphu.gov.vn"})
    assert response.status_code == 302
    mai_phu = session.scalar(select(Organisation).where(Organisation.code == "18445"))
    assert (mai_phu.full_name, mai_phu.parent_id, mai_phu.slug) == ("Xã Mai Phụ", ha_tinh.id, "mai-phu")
    page = admin.get(f"/organisations/{mai_phu.id}").get_data(as_text=True)
    assert "Xã Mai Phụ" in page and "18445" in page and "Thôn Mai Phụ" in page
    assert "Xã Mai Phụ" in admin.get(f"/organisations/{ha_tinh.id}").get_data(as_text=True)
    created = session.scalars(select(AuditEvent.summary).where(AuditEvent.object_type == "organisation",
                                                               AuditEvent.action == "create")).all()
    assert created == ["Tỉnh Hà Tĩnh (42)", "Xã Mai Phụ (18445)"]


def test_a_taken_code_a_bad_code_and_a_missing_type_are_refused_with_reasons(make_web, make_user, session,
                                                                              province, commune):
    admin = make_web(make_user(Role.ADMIN, organisation=province))
    before = session.scalar(select(Organisation.id).order_by(Organisation.id.desc()).limit(1))
    response = admin.post_form("/organisations/new?kind=commune", {
        "code": commune.code, "province": str(province.id), "name": "Vĩnh Lại mới", "commune_type": "xa"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã có đơn vị mang mã 11017." in page and "Vĩnh Lại mới" in page  # input kept
    page = admin.post_form("/organisations/new?kind=commune", {
        "code": "11 017/x", "province": "", "name": "", "commune_type": ""}).get_data(as_text=True)
    for reason in ("Mã đơn vị hành chính gồm 1–16 chữ số", "Chọn tỉnh, thành phố của xã.",
                   "Chọn xã, phường hoặc đặc khu."):
        assert reason in page
    assert session.scalar(select(Organisation.id).order_by(Organisation.id.desc()).limit(1)) == before


def test_only_an_admin_creates_organisations(make_web, make_user, commune):
    for role in (Role.OFFICER, Role.STAFF, Role.OVERSEER, Role.AUDITOR):
        client = make_web(make_user(role, organisation=commune))
        assert client.get("/organisations/new").status_code == 403
        assert client.post_form("/organisations/new", {"code": "99999", "name": "X"}).status_code == 403


def test_commune_staff_correct_the_letterhead_details_but_never_the_code(make_web, make_user, session, commune):
    staff = make_web(make_user(Role.STAFF, organisation=commune))
    form = staff.get(f"/organisations/{commune.id}/edit").get_data(as_text=True)
    assert 'name="code"' not in form and 'name="name"' not in form and "không đổi được" in form
    response = staff.post_form(f"/organisations/{commune.id}/edit", {
        "name": "Tên khác", "commune_type": "phuong", "address": "Số 1 đường Trần Phú",
        "phone": "0225 3 888 999", "email": "ubnd@vinhlai.gov.vn", "version": str(commune.version),
        "code": "00000"})
    assert response.status_code == 302
    session.refresh(commune)
    assert (commune.address, commune.code, commune.version) == ("Số 1 đường Trần Phú", "11017", 2)
    assert commune.full_name == "Xã Vĩnh Lại"  # the name on every document is the admin's to change
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "organisation")).one()
    assert event.action == "update" and event.commune_id == commune.id


def test_an_admin_corrects_a_communes_name_and_type(make_web, make_user, session, province, commune):
    admin = make_web(make_user(Role.ADMIN, organisation=province))
    assert 'name="name"' in admin.get(f"/organisations/{commune.id}/edit").get_data(as_text=True)
    response = admin.post_form(f"/organisations/{commune.id}/edit", {
        "name": "Vĩnh Lại", "commune_type": "phuong", "version": str(commune.version)})
    assert response.status_code == 302
    session.refresh(commune)
    assert commune.full_name == "Phường Vĩnh Lại"


def test_a_stale_form_does_not_overwrite_a_newer_save(make_web, make_user, session, commune):
    staff = make_web(make_user(Role.STAFF, organisation=commune))
    fields = {"version": "1"}
    assert staff.post_form(f"/organisations/{commune.id}/edit", fields | {"phone": "111"}).status_code == 302
    page = staff.post_form(f"/organisations/{commune.id}/edit", fields | {"phone": "222"}).get_data(as_text=True)
    assert "Bản ghi đã được người khác sửa trong lúc bạn đang sửa." in page
    session.refresh(commune)
    assert commune.phone == "111"


def test_units_are_added_edited_and_deleted_by_the_commune_and_audited(make_web, make_user, session, commune):
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    response = officer.post_form(f"/organisations/{commune.id}/units/new", {
        "name": "Trung tâm Phục vụ hành chính công", "functions": "Tiếp nhận, trả kết quả TTHC",
        "head_name": "Lê Thị Hoa", "phone": "0225 3 777 666", "is_cyber_unit": ""})
    assert response.status_code == 302
    unit = session.scalars(select(Unit).where(Unit.commune_id == commune.id)).one()
    page = officer.get(f"/organisations/{commune.id}").get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công" in page and "Lê Thị Hoa" in page
    same_name = officer.post_form(f"/organisations/{commune.id}/units/new", {"name": "trung tâm phục vụ hành chính công"})
    assert "Xã đã có đơn vị" in same_name.get_data(as_text=True)
    assert officer.post_form(f"/organisations/units/{unit.id}", {
        "name": "Trung tâm PVHCC", "version": "1", "is_cyber_unit": "y"}).status_code == 302
    session.refresh(unit)
    assert unit.name == "Trung tâm PVHCC" and unit.is_cyber_unit
    unit_id = unit.id
    assert officer.post_form(f"/organisations/units/{unit_id}/delete").status_code == 302
    session.expire_all()
    assert session.get(Unit, unit_id) is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "unit")
                              .order_by(AuditEvent.id)).all()
    assert actions == ["create", "update", "delete"]


def test_a_unit_that_systems_name_as_theirs_is_not_deleted(make_web, make_user, session, commune, clock):
    unit = _unit(session, commune)
    session.add(InformationSystem(commune_id=commune.id, unit_id=unit.id, code="WEB", name="Cổng TTĐT",
                                  created_at=clock.now(), updated_at=clock.now()))
    session.commit()
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    assert "đổi đơn vị của các hệ thống đó trước khi xóa" in officer.get(
        f"/organisations/units/{unit.id}").get_data(as_text=True)
    response = officer.post_form(f"/organisations/units/{unit.id}/delete", follow_redirects=True)
    assert "1 hệ thống thông tin đang ghi đơn vị này" in response.get_data(as_text=True)
    assert session.get(Unit, unit.id) is not None


def test_another_communes_units_and_details_are_out_of_reach(make_web, make_user, session, commune,
                                                             foreign_commune, other_commune):
    far_unit = _unit(session, foreign_commune)
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    for url in (f"/organisations/{foreign_commune.id}", f"/organisations/{foreign_commune.id}/edit",
                f"/organisations/units/{far_unit.id}", f"/organisations/{other_commune.id}/units/new",
                f"/organisations/{commune.parent_id}"):
        assert officer.get(url).status_code == 404, url
    assert officer.post_form(f"/organisations/units/{far_unit.id}/delete").status_code == 404
    assert session.get(Unit, far_unit.id) is not None
    listing = officer.get("/organisations/").get_data(as_text=True)
    assert "Xã Vĩnh Lại" in listing and "Mai Phụ" not in listing and "Hải An" not in listing


def test_an_overseer_reads_the_communes_of_the_province_and_changes_nothing(make_web, make_user, session, province,
                                                                            commune, other_commune, foreign_commune):
    unit = _unit(session, commune)
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    listing = overseer.get("/organisations/").get_data(as_text=True)
    assert "Xã Vĩnh Lại" in listing and "Phường Hải An" in listing and "Mai Phụ" not in listing
    page = overseer.get(f"/organisations/{commune.id}").get_data(as_text=True)
    assert "Phòng Văn hóa - Xã hội" in page and "Thêm đơn vị" not in page and "Sửa thông tin" not in page
    assert overseer.get(f"/organisations/units/{unit.id}").status_code == 403
    assert overseer.get(f"/organisations/{foreign_commune.id}").status_code == 404


def test_a_system_names_its_unit_from_the_communes_own_list(make_web, make_user, session, commune,
                                                            foreign_commune):
    ours, theirs = _unit(session, commune, "Văn phòng HĐND và UBND"), _unit(session, foreign_commune, "Công an xã")
    staff = make_web(make_user(Role.STAFF, organisation=commune))
    form = staff.get("/systems/new").get_data(as_text=True)
    assert "Văn phòng HĐND và UBND" in form and "Công an xã" not in form
    fields = {"code": "QLVB", "name": "Quản lý văn bản", "status": "in_operation", "system_type": "internal",
              "hosting": "on_premises"}
    refused = staff.post_form("/systems/new", fields | {"unit_id": str(theirs.id)})
    assert refused.status_code == 200 and "Đơn vị không thuộc xã này." in refused.get_data(as_text=True)
    assert session.scalar(select(InformationSystem.id)) is None
    for forged in ("²", "99999999999999999999", "abc"):
        assert "Đơn vị không thuộc xã này." in staff.post_form(
            "/systems/new", fields | {"unit_id": forged}).get_data(as_text=True)
    assert staff.post_form("/systems/new", fields | {"unit_id": str(ours.id)}).status_code == 302
    system = session.scalars(select(InformationSystem)).one()
    assert system.unit_id == ours.id
    assert "Văn phòng HĐND và UBND" in staff.get(f"/systems/{system.id}").get_data(as_text=True)
    edit = staff.get(f"/systems/{system.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{ours.id}">' in edit
    created = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "information_system")).one()
    assert created.changes["unit_id"] == [None, ours.id]  # who put the system under which unit


def test_two_units_saved_with_the_same_name_at_once_give_a_clear_message(make_web, make_user, session, commune,
                                                                          monkeypatch):
    """The name check passed for both; the database's unique constraint stops the second."""
    from ir_app.services import organisations

    _unit(session, commune, "Công an xã")
    monkeypatch.setattr(organisations, "_name_taken", lambda *args: False)  # as if both checked first
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    response = officer.post_form(f"/organisations/{commune.id}/units/new", {"name": "Công an xã"})
    assert response.status_code == 200
    assert "Một người khác vừa lưu bản ghi trùng mã hoặc trùng tên." in response.get_data(as_text=True)

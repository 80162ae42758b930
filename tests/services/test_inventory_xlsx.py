"""XLSX import/export: round trip, row/column errors in Vietnamese, all or nothing."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ir_app.models import InformationSystem
from ir_app.services.audit import Actor
from ir_app.services.inventory import systems as inventory
from ir_app.services.inventory import xlsx as spreadsheets
from ir_app.services.inventory.systems import SYSTEM_FIELD_NAMES

ACTOR = Actor.system("test")


def _seed(session, commune, clock):
    inventory.create_system(session, ACTOR, commune, {
        "code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service", "status": "in_operation",
        "hosting": "provincial_dc", "information_types": ["public", "personal"], "personal_data_subjects": 18500,
        "sensitive_data_subjects": 350, "handles_admin_procedures": True, "purpose": "Tiếp nhận hồ sơ\nTrả kết quả",
        "approved_level": "3", "approval_decision_number": "12/QĐ-UBND", "approval_decision_on": "15/03/2025",
        "approval_regime": "nd85-2016", "owner_email": "ubnd@vinh-lai.gov.vn"}, clock.now())
    inventory.create_system(session, ACTOR, commune, {
        "code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
        "hosting": "on_premises"}, clock.now())
    session.commit()


def _values(session, commune):
    systems = session.scalars(select(InformationSystem).where(InformationSystem.commune_id == commune.id)
                              .order_by(InformationSystem.code))
    return [{name: getattr(s, name) for name in SYSTEM_FIELD_NAMES} for s in systems]


def test_export_then_import_gives_identical_data(session, commune, other_commune, clock):
    _seed(session, commune, clock)
    data = spreadsheets.export_systems(session.scalars(select(InformationSystem)))
    count = spreadsheets.import_systems(session, ACTOR, other_commune, data, clock.now())
    session.commit()
    assert count == 2
    assert _values(session, other_commune) == _values(session, commune)
    assert _values(session, other_commune)[1]["approval_decision_on"] == date(2025, 3, 15)


def test_reimport_of_unchanged_file_changes_nothing(session, commune, clock):
    _seed(session, commune, clock)
    before = _values(session, commune)
    data = spreadsheets.export_systems(session.scalars(select(InformationSystem)))
    spreadsheets.import_systems(session, ACTOR, commune, data, clock.now())
    session.commit()
    assert _values(session, commune) == before


def _sheet_with_rows(rows):
    workbook = load_workbook(io.BytesIO(spreadsheets.template_workbook()))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(**values):
    from ir_app.services.inventory.systems import SYSTEM_FIELDS

    defaults = {"code": "X", "name": "Hệ thống X", "system_type": "Phục vụ hoạt động nội bộ",
                "status": "Đang vận hành", "hosting": "Tại trụ sở"}
    defaults.update(values)
    return [defaults.get(spec.name) for spec in SYSTEM_FIELDS]


def test_errors_name_row_and_column_and_nothing_is_imported(session, commune, clock):
    data = _sheet_with_rows([
        _row(code="A"),
        _row(code="B", personal_data_subjects="nhiều"),
        _row(code="C", system_type="Máy giặt"),
        _row(code="A"),
    ])
    with pytest.raises(spreadsheets.ImportRejected) as rejected:
        spreadsheets.import_systems(session, ACTOR, commune, data, clock.now())
    messages = [str(error) for error in rejected.value.errors]
    assert "Dòng 3, cột «Số chủ thể dữ liệu cá nhân cơ bản»: Phải là một số nguyên." in messages
    assert any(m.startswith("Dòng 4, cột «Loại hệ thống (Điều 9)»: Giá trị «Máy giặt»") for m in messages)
    assert "Dòng 5, cột «Mã hệ thống»: Trùng mã với dòng 2." in messages
    session.rollback()
    assert session.scalar(select(InformationSystem)) is None


def test_garbage_file_is_rejected_cleanly(session, commune, clock):
    with pytest.raises(spreadsheets.ImportRejected) as rejected:
        spreadsheets.import_systems(session, ACTOR, commune, b"PK\x03\x04 not really", clock.now())
    assert "Không đọc được tệp XLSX" in str(rejected.value.errors[0])


def test_import_page_shows_errors(make_web, make_user, commune):
    from ir_app.models import Role

    client = make_web(make_user(Role.STAFF, organisation=commune))
    data = _sheet_with_rows([_row(code="A", name="")])
    response = client.post_form("/systems/import", {"file": (io.BytesIO(data), "ds.xlsx")},
                                content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Dòng 2, cột «Tên hệ thống»: Bắt buộc nhập." in page

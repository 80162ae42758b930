"""The province view (overseer): communes as rows with red/amber/green cells and words, sortable,
drill-down, charts with a table fallback, exports; only the overseer's province; others 403."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from ir_app.models import Role, SecurityPolicy
from tests.incident_support import quick_report


@pytest.fixture(autouse=True)
def long_sessions(monkeypatch):
    monkeypatch.setenv("IR_SESSION_IDLE_MINUTES", "100000")
    monkeypatch.setenv("IR_SESSION_MAX_HOURS", "100000")


@pytest.fixture
def overseer(make_user, province):
    return make_user(Role.OVERSEER, organisation=province)


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-commune="(\d+)">', page)


def _cell(page: str, commune_code: str, column: str) -> str:
    row = page.split(f'<tr data-commune="{commune_code}">', 1)[1].split("</tr>", 1)[0]
    return row.split(f"#{column}", 1)[0].rsplit('<td class="rag', 1)[1] + row.split(f"#{column}", 1)[1].split("</td>", 1)[0]


def test_overseer_sees_each_commune_of_their_province_with_colour_words(
        app, make_web, make_user, overseer, commune, other_commune, foreign_commune, session, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    quick_report(session, officer, commune, clock.now() - timedelta(days=5))
    session.add(SecurityPolicy(commune_id=other_commune.id, title="Quy chế", decision_number="12/QĐ-UBND",
                               issued_on=clock.now().date() - timedelta(days=30), created_at=clock.now()))
    session.commit()
    page = make_web(overseer).get("/province/").get_data(as_text=True)
    assert "Xã Vĩnh Lại" in page and "Phường Hải An" in page and "Mai Phụ" not in page
    assert _rows(page) == ["11017", "11311"]  # worst first: Vĩnh Lại has an overdue incident, no Quy chế
    assert "rag-green" in _cell(page, "11017", "clocks_24h")  # no serious incident: no 24-hour clock
    vinh_lai_clocks = _cell(page, "11017", "clocks_72h")  # reported 5 days ago, the 72-hour report not sent
    assert "rag-red" in vinh_lai_clocks and "Đỏ" in vinh_lai_clocks and "✖" in vinh_lai_clocks
    assert "Chưa có" in _cell(page, "11017", "policy_missing")
    hai_an_policy = _cell(page, "11311", "policy_missing")
    assert "rag-green" in hai_an_policy and "Xanh" in hai_an_policy and "Có" in hai_an_policy
    assert "<svg" in page and "Xem số liệu dạng bảng" in page and "<details>" in page
    overview = make_web(overseer).get("/").get_data(as_text=True)
    assert 'href="/province/"' in overview and "Toàn tỉnh: các xã theo màu đỏ, vàng, xanh" in overview


def test_sorting_by_a_column_and_back_to_worst_first(app, make_web, make_user, overseer, commune, other_commune,
                                                     session, clock):
    officer = make_user(Role.OFFICER, organisation=other_commune)
    quick_report(session, officer, other_commune, clock.now() - timedelta(days=4))
    session.add(SecurityPolicy(commune_id=commune.id, title="Quy chế", decision_number="1/QĐ-UBND",
                               issued_on=clock.now().date(), created_at=clock.now()))
    session.commit()
    client = make_web(overseer)
    page = client.get("/province/?sort=open_incidents").get_data(as_text=True)
    assert _rows(page) == ["11311", "11017"]
    assert 'aria-sort="descending"' in page
    page = client.get("/province/?sort=open_incidents&dir=asc").get_data(as_text=True)
    assert _rows(page) == ["11017", "11311"] and 'aria-sort="ascending"' in page
    page = client.get("/province/?sort=name&dir=asc").get_data(as_text=True)
    assert _rows(page) == ["11311", "11017"]  # Hải An before Vĩnh Lại
    assert client.get("/province/?sort=%3Cscript%3E").status_code == 200  # unknown column: worst first


def test_drill_down_lists_what_is_behind_the_figures(app, make_web, make_user, overseer, commune, session, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    incident = quick_report(session, officer, commune, clock.now() - timedelta(days=5), what="Trang web bị thay đổi")
    client = make_web(overseer)
    page = client.get(f"/province/communes/{commune.id}").get_data(as_text=True)
    assert 'id="open_incidents"' in page and incident.code in page and "Trang web bị thay đổi" in page
    assert "Xã chưa ban hành quy chế." in page
    assert "/incidents/?commune=11017" in page


def test_other_province_and_commune_roles_are_refused(app, make_web, make_user, overseer, commune,
                                                      foreign_commune):
    client = make_web(overseer)
    assert client.get(f"/province/communes/{foreign_commune.id}").status_code == 404
    for role in (Role.OFFICER, Role.STAFF, Role.APPRAISER, Role.APPROVER, Role.AUDITOR):
        user = make_user(role, organisation=commune)
        other = make_web(user)
        for url in ("/province/", f"/province/communes/{commune.id}", "/province/summary.xlsx", "/province/incidents",
                    "/province/incidents.xlsx", "/province/incidents.docx"):
            assert other.get(url).status_code == 403, (role, url)
    anonymous = make_web()
    assert anonymous.get("/province/").status_code == 302


def test_province_summary_exports(app, make_web, make_user, overseer, commune, other_commune, session, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    quick_report(session, officer, commune, clock.now() - timedelta(days=2), what="Mất kết nối mạng")
    client = make_web(overseer)
    response = client.get("/province/summary.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Tổng hợp tỉnh"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any(row[1] == "Xã Vĩnh Lại" and "Đỏ" in row for row in values)
    assert any(str(row[1]).startswith("Toàn tỉnh (2 xã)") for row in values)
    page = client.get("/province/incidents?period=month&on=2026-11-10").get_data(as_text=True)
    assert "Mất kết nối mạng" in page and "Xã Vĩnh Lại" in page
    workbook = load_workbook(io.BytesIO(client.get("/province/incidents.xlsx?period=month&on=2026-11-10").data))
    assert [row[0].value for row in workbook["Theo xã"].iter_rows()][:2] == ["Xã / phường", "Xã Vĩnh Lại"]
    assert [cell.value for cell in workbook["Danh sách sự cố"][2]][1:3] == ["Xã Vĩnh Lại", "Mất kết nối mạng"]
    document = client.get("/province/incidents.docx?period=month&on=2026-11-10")
    assert document.status_code == 200 and document.data[:2] == b"PK"


def test_admin_may_pick_a_province(app, make_web, make_user, province, commune, foreign_commune):
    admin = make_user(Role.ADMIN, organisation=province)
    client = make_web(admin)
    assert "Mai Phụ" in client.get("/province/?province=42").get_data(as_text=True)
    assert client.get("/province/?province=99").status_code == 404
    assert "Mai Phụ" in client.get(f"/province/communes/{foreign_commune.id}").get_data(as_text=True)


def test_province_view_in_english(app, make_web, overseer, commune):
    client = make_web(overseer)
    page = client.get("/province/?lang=en").get_data(as_text=True)
    assert "Province — Thành phố Hải Phòng" in page and "Incidents past 72 h" in page and "Green" in page
    assert "Sự cố quá hạn 72 giờ" not in page and "Xanh" not in page
    drill = client.get(f"/province/communes/{commune.id}?lang=en").get_data(as_text=True)
    assert "The commune has not issued a security policy." in drill

"""The risk register pages through the browser's eyes (test client, CSRF on): the one-click
starter, editing a decision, refusals kept next to the fields, tenancy across communes."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from ir_app.models import AuditEvent, Role
from ir_app.models.risks import Risk
from ir_app.services.audit import Actor
from ir_app.services.inventory import systems as inventory

MOTCUA = {"code": "MOTCUA", "name": "Một cửa điện tử", "system_type": "citizen_service", "status": "in_operation",
          "hosting": "provincial_dc", "information_types": ["public", "personal"]}


@pytest.fixture
def system(session, commune, clock):
    created = inventory.create_system(session, Actor.system(), commune, MOTCUA, clock.now())
    session.commit()
    return created


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.fixture
def proposed(make_web, officer, system, commune):
    client = make_web(officer)
    assert client.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"}).status_code == 302
    offered = client.get(f"/systems/{system.id}/risks").get_data(as_text=True)
    assert re.search(r"Đề xuất \d+ rủi ro từ danh mục nguy cơ", offered)
    response = client.post_form(f"/systems/{system.id}/risks/propose")
    assert response.status_code == 302 and response.location.endswith(f"/systems/{system.id}/risks")
    return client


def _risk(session, threat_id):
    session.expire_all()
    return session.scalar(select(Risk).where(Risk.threat_id == threat_id))


def test_one_click_proposes_a_register_shown_with_levels_and_the_matrix(proposed, session, system):
    page = proposed.get(f"/systems/{system.id}/risks").get_data(as_text=True)
    assert "Mã độc tống tiền trên máy tính bộ phận một cửa" in page and "TM.RANSOMWARE" in page
    assert "Ma trận mức rủi ro" in page and 'class="badge risk-high"' in page
    assert "rủi ro từ danh mục nguy cơ</button>" not in page  # everything that fits was proposed
    assert '<option value="TM.IMPERSONATION">' in page       # the other threats can still be added
    count = len(session.scalars(select(Risk.id)).all())
    proposed.post_form(f"/systems/{system.id}/risks/propose")
    assert len(session.scalars(select(Risk.id)).all()) == count  # idempotent
    assert "Danh mục rủi ro" in proposed.get(f"/systems/{system.id}").get_data(as_text=True)


def test_accepting_without_who_why_and_until_is_refused_with_input_kept_then_saved(proposed, session, officer):
    risk = _risk(session, "TM.PLATFORM-OUTAGE")
    form = proposed.get(f"/risks/{risk.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{risk.version}"' in form or f'value="{risk.version}"' in form
    data = {"threat_id": risk.threat_id, "title": risk.title, "description": risk.description, "asset": risk.asset,
            "likelihood": "2", "impact": "3", "treatment": "accept", "residual_likelihood": "2",
            "residual_impact": "2", "accepted_by": "", "accepted_reason": "Tỉnh chịu trách nhiệm",
            "accepted_until": "", "owner_id": str(officer.id), "version": str(risk.version)}
    refused = proposed.post_form(f"/risks/{risk.id}/edit", data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "ghi họ tên, chức vụ người có thẩm quyền chấp nhận" in page and "ghi thời hạn chấp nhận" in page
    assert "Tỉnh chịu trách nhiệm" in page
    saved = proposed.post_form(f"/risks/{risk.id}/edit", data | {"accepted_by": "Lê Văn C — Chủ tịch UBND xã",
                                                                "accepted_until": "31/05/2027"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    risk = _risk(session, "TM.PLATFORM-OUTAGE")
    assert (risk.treatment, risk.accepted_until.isoformat(), risk.owner_id) == ("accept", "2027-05-31", officer.id)
    listing = proposed.get(f"/systems/{risk.system_id}/risks").get_data(as_text=True)
    assert "Lê Văn C — Chủ tịch UBND xã, đến 31/05/2027" in listing
    stale = proposed.post_form(f"/risks/{risk.id}/edit", data | {"version": "1", "accepted_by": "X",
                                                                "accepted_until": "31/05/2027"})
    assert stale.status_code == 422 and "người khác sửa" in stale.get_data(as_text=True)


def _sheet(response):
    from openpyxl import load_workbook

    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_register_exports_to_excel_per_system_and_per_commune(proposed, session, system, officer, commune,
                                                                 clock):
    risk = _risk(session, "TM.PLATFORM-OUTAGE")
    risk.treatment, risk.accepted_by, risk.accepted_reason = "accept", "Lê Văn C — Chủ tịch UBND xã", "Tỉnh lo"
    risk.accepted_until = date(2027, 5, 31)
    other = inventory.create_system(session, Actor.system(), commune, MOTCUA | {"code": "QLVB", "name": "Văn bản"},
                                    clock.now())
    session.commit()
    assert f"/systems/{system.id}/risks/export.xlsx" in proposed.get(f"/systems/{system.id}/risks").get_data(
        as_text=True)
    headers, rows = _sheet(proposed.get(f"/systems/{system.id}/risks/export.xlsx"))
    assert headers[:4] == ("Hệ thống", "Mã nguy cơ", "Nguy cơ, rủi ro", "Tài sản, thành phần bị ảnh hưởng")
    assert len(rows) == session.query(Risk).count() and {row["Hệ thống"] for row in rows} == {"Một cửa điện tử"}
    accepted = next(row for row in rows if row["Mã nguy cơ"] == "TM.PLATFORM-OUTAGE")
    assert (accepted["Cách xử lý"], accepted["Người chấp nhận rủi ro"], accepted["Chấp nhận đến ngày"]) == (
        "Chấp nhận", "Lê Văn C — Chủ tịch UBND xã", "31/05/2027")
    ransomware = next(row for row in rows if row["Mã nguy cơ"] == "TM.RANSOMWARE")
    assert ransomware["Biện pháp xử lý"] and re.match(r"^\d — ", ransomware["Khả năng xảy ra"])
    assert re.match(r"^\d\d/\d\d/\d{4}$", ransomware["Ngày rà soát lại"])
    assert proposed.post_form(f"/systems/{other.id}/risks/propose").status_code == 302
    _, everything = _sheet(proposed.get(f"/risks/export.xlsx?commune={commune.code}"))
    assert {row["Hệ thống"] for row in everything} == {"Một cửa điện tử", "Văn bản"}
    assert session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "export",
                                                           AuditEvent.object_type == "risk")
                          .order_by(AuditEvent.id.desc()).limit(1)).startswith(f"Xuất {len(everything)} rủi ro")


def test_a_free_text_risk_is_added_and_deleted_with_audit(proposed, session, system):
    response = proposed.post_form(f"/systems/{system.id}/risks/new", {
        "threat_id": "__free__", "title": "Nhân viên gửi hồ sơ qua Zalo cá nhân", "likelihood": "4", "impact": "3",
        "treatment": "avoid", "treatment_note": "Cấm dùng Zalo cá nhân cho hồ sơ", "residual_likelihood": "2",
        "residual_impact": "3", "version": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    risk = session.scalar(select(Risk).where(Risk.title == "Nhân viên gửi hồ sơ qua Zalo cá nhân"))
    assert risk.threat_id is None
    risk_id = risk.id
    deleted = proposed.post_form(f"/risks/{risk_id}/delete", {"version": str(risk.version)})
    assert deleted.status_code == 302
    session.expire_all()
    assert session.get(Risk, risk_id) is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "risk",
                                                             AuditEvent.object_id == str(risk_id))).all()
    assert actions == ["create", "delete"]


def test_a_new_risk_from_a_threat_starts_with_its_defaults_and_odd_numbers_are_messages(proposed, system):
    page = proposed.get(f"/systems/{system.id}/risks/new?threat=TM.PHISHING").get_data(as_text=True)
    assert "Thư điện tử lừa đảo chiếm đoạt tài khoản thư công vụ" in page
    assert re.search(r'<option selected value="4">4 — Thường xảy ra</option>', page)
    bad = proposed.post_form(f"/systems/{system.id}/risks/new", {
        "threat_id": "TM.PHISHING", "title": "Lừa đảo", "likelihood": "²", "impact": "9", "treatment": "reduce",
        "residual_likelihood": "1", "residual_impact": "1", "version": ""})
    assert bad.status_code == 422 and "không hợp lệ" in bad.get_data(as_text=True)


def test_other_communes_cannot_see_or_change_the_register(proposed, session, system, make_web, make_user,
                                                         other_commune, foreign_commune, province, commune):
    risk = _risk(session, "TM.RANSOMWARE")
    stranger = make_web(make_user(Role.OFFICER, organisation=other_commune))
    for url in (f"/systems/{system.id}/risks", f"/risks/{risk.id}/edit", f"/systems/{system.id}/risks/new",
                f"/systems/{system.id}/risks/assessment"):
        assert stranger.get(url).status_code == 404, url
    for url in (f"/systems/{system.id}/risks/propose", f"/risks/{risk.id}/delete", f"/risks/{risk.id}/edit"):
        assert stranger.post_form(url, {"version": "1"}).status_code == 404, url
    assert session.get(Risk, risk.id) is not None
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    assert auditor.get(f"/systems/{system.id}/risks").status_code == 200
    assert auditor.get(f"/risks/{risk.id}/edit").status_code == 403
    assert auditor.post_form(f"/risks/{risk.id}/delete", {"version": "1"}).status_code == 403
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    page = overseer.get(f"/systems/{system.id}/risks").get_data(as_text=True)
    assert "Mã độc tống tiền" in page and "Thêm rủi ro" not in page
    assert overseer.post_form(f"/systems/{system.id}/risks/propose").status_code == 403
    far_overseer = make_web(make_user(Role.OVERSEER, organisation=foreign_commune.parent))
    assert far_overseer.get(f"/systems/{system.id}/risks").status_code == 404


def test_the_detailed_assessment_form_saves_and_keeps_input_on_error(proposed, session, system):
    refused = proposed.post_form(f"/systems/{system.id}/risks/assessment", {
        "connected_systems": "Cổng Dịch vụ công quốc gia", "impact_scope": "", "assessed_on": "31/02/2026",
        "assessor": "Công an xã", "version": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "không có trong lịch" in page and "Cổng Dịch vụ công quốc gia" in page
    saved = proposed.post_form(f"/systems/{system.id}/risks/assessment", {
        "connected_systems": "Cổng Dịch vụ công quốc gia", "impact_scope": "Gián đoạn TTHC", "assessed_on":
        "20/11/2026", "assessor": "Công an xã", "version": ""})
    assert saved.status_code == 302
    assert "Đánh giá ngày 20/11/2026 bởi Công an xã." in proposed.get(saved.location).get_data(as_text=True)


def test_the_register_page_costs_the_same_statements_for_few_risks_or_many(app, proposed, session, clock):
    from sqlalchemy import event

    from ir_app.models.risks import RiskMeasure

    first = session.scalar(select(Risk).where(Risk.threat_id == "TM.RANSOMWARE"))
    system_id, measure_id = first.system_id, first.measure_ids[0]
    engine = app.extensions["ir_engine"]
    counted: list[str] = []

    def count(*_args):
        counted.append("x")

    def cost() -> int:
        proposed.get(f"/systems/{system_id}/risks")  # warm caches
        counted.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert proposed.get(f"/systems/{system_id}/risks").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    before = cost()
    for number in range(15):
        session.add(Risk(commune_id=first.commune_id, system_id=system_id, title=f"Rủi ro thêm {number}",
                         likelihood=3, impact=3, residual_likelihood=2, residual_impact=3, treatment="reduce",
                         owner_id=first.owner_id, component_id=first.component_id, created_at=clock.now(),
                         updated_at=clock.now(), measure_links=[RiskMeasure(measure_id=measure_id)]))
    session.commit()
    assert cost() == before

"""The design pages as a commune sees them: the suggested draft on the system page, one click to
keep it, row-by-row editing that keeps what was typed, and nobody else's commune."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import select

from ir_app.models import AuditEvent, InformationSystem, Role, SystemComponent, SystemDesign

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def system(session, commune):
    system = InformationSystem(commune_id=commune.id, code="MOTCUA", name="Hệ thống một cửa điện tử",
                               hosting="provincial_dc", system_type="citizen_service", created_at=NOW, updated_at=NOW)
    system.components.append(SystemComponent(kind="application", name="Phần mềm một cửa điện tử"))
    session.add(system)
    session.commit()
    return system


@pytest.fixture
def staff(make_user, commune):
    return make_user(Role.STAFF, organisation=commune)


def form_fields(page: str) -> dict[str, str]:
    """What the browser would post back: every text box and selected option of the edit form."""
    values = {name: value for name, value in re.findall(r'<input type="text" name="([^"]+)" id="[^"]+" value="([^"]*)"',
                                                        page)}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, flags=re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    for name in re.findall(r'name="(links-\d+-encrypted)" value="y"[^>]*checked', page):
        values[name] = "y"
    values["version"] = (re.search(r'name="version" type="hidden" value="([^"]*)"', page) or [None, ""])[1]
    return {key: value.replace("&amp;", "&") for key, value in values.items()}


def test_system_page_shows_the_suggested_design_and_one_click_keeps_it(make_web, staff, system, session):
    client = make_web(staff)
    page = client.get(f"/systems/{system.id}").get_data(as_text=True)
    assert f"/systems/{system.id}/design/diagram.png" in page and "Mô hình hệ thống" in page
    picture = client.get(f"/systems/{system.id}/design/diagram.png")
    assert picture.mimetype == "image/png" and Image.open(io.BytesIO(picture.data)).width == 1600
    shown = client.get(f"/systems/{system.id}/design/").get_data(as_text=True)
    assert "bản nháp gợi ý" in shown and "Trung tâm dữ liệu tỉnh" in shown
    assert "mạng truyền số liệu chuyên dùng" in shown  # the logical model paragraph
    response = client.post_form(f"/systems/{system.id}/design/starter", {"version": ""})
    assert response.status_code == 302
    assert session.scalar(select(SystemDesign).where(SystemDesign.system_id == system.id)) is not None
    assert session.scalar(select(AuditEvent).where(AuditEvent.object_type == "system_design")).action == "create"


def test_rows_are_added_removed_and_saved_and_bad_input_is_kept(make_web, staff, system, session):
    client = make_web(staff)
    page = client.get(f"/systems/{system.id}/design/edit").get_data(as_text=True)
    values = form_fields(page)
    zone_count = len([key for key in values if re.fullmatch(r"zones-\d+-name", key)])
    added = client.post_form(f"/systems/{system.id}/design/edit", values | {"action": "add:zones"})
    values = form_fields(added.get_data(as_text=True))
    new = f"zones-{zone_count}"
    assert values[f"{new}-code"] == f"Z{zone_count + 1}" and values[f"{new}-name"] == ""
    values |= {f"{new}-name": "Vùng camera", f"{new}-kind": "lan", f"{new}-note": "VLAN 30"}
    # A connection to a zone that is not declared: refused, everything typed stays on the page.
    values |= {"links-0-target": "KHONGCO", "physical_text": "Mô tả do xã tự viết"}
    refused = client.post_form(f"/systems/{system.id}/design/edit", values | {"action": "save"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Chọn một vùng mạng hoặc thành phần đã khai báo." in text
    assert 'value="Vùng camera"' in text and "Mô tả do xã tự viết" in text
    assert session.scalar(select(SystemDesign)) is None
    values = form_fields(text) | {"links-0-target": "DB", "physical_text": "Mô tả do xã tự viết"}
    removed = client.post_form(f"/systems/{system.id}/design/edit", values | {"action": "remove:links:1"})
    values = form_fields(removed.get_data(as_text=True)) | {"physical_text": "Mô tả do xã tự viết"}
    saved = client.post_form(f"/systems/{system.id}/design/edit", values | {"action": "save"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    design = session.scalar(select(SystemDesign))
    assert any(zone["name"] == "Vùng camera" for zone in design.zones)
    assert design.physical_text == "Mô tả do xã tự viết" and design.origin == "edited"
    shown = client.get(f"/systems/{system.id}/design/").get_data(as_text=True)
    assert "Vùng camera" in shown and "Mô tả do xã tự viết" in shown


def test_a_stale_edit_gets_a_conflict_message(make_web, staff, system, session):
    client = make_web(staff)
    client.post_form(f"/systems/{system.id}/design/starter", {"version": ""})
    values = form_fields(client.get(f"/systems/{system.id}/design/edit").get_data(as_text=True))
    first = client.post_form(f"/systems/{system.id}/design/edit", values | {"zones-0-note": "Lần 1", "action": "save"})
    assert first.status_code == 302
    second = client.post_form(f"/systems/{system.id}/design/edit", values | {"zones-0-note": "Lần 2", "action": "save"})
    assert second.status_code == 200 and "đã được người khác sửa" in second.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(SystemDesign)).zones[0]["note"] == "Lần 1"


def test_readers_see_but_cannot_change_and_other_communes_see_nothing(make_web, make_user, system, commune,
                                                                      other_commune, province, session):
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    assert auditor.get(f"/systems/{system.id}/design/").status_code == 200
    assert auditor.get(f"/systems/{system.id}/design/edit").status_code == 403
    assert auditor.post_form(f"/systems/{system.id}/design/starter", {}).status_code == 403
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    assert overseer.get(f"/systems/{system.id}/design/diagram.png").status_code == 200
    assert overseer.post_form(f"/systems/{system.id}/design/delete", {}).status_code == 403
    neighbour = make_web(make_user(Role.STAFF, organisation=other_commune))
    for url in ("/", "/diagram.png", "/edit"):
        assert neighbour.get(f"/systems/{system.id}/design{url}").status_code == 404, url
    for url in ("/starter", "/delete", "/edit"):
        assert neighbour.post_form(f"/systems/{system.id}/design{url}", {"action": "save"}).status_code == 404, url
    assert session.scalar(select(SystemDesign)) is None


def test_saving_unchanged_changes_nothing_and_english_is_offered(make_web, staff, system, session):
    client = make_web(staff)
    client.post_form(f"/systems/{system.id}/design/starter", {"version": ""})
    version = session.scalar(select(SystemDesign.version))
    events = session.query(AuditEvent).count()
    values = form_fields(client.get(f"/systems/{system.id}/design/edit").get_data(as_text=True))
    assert client.post_form(f"/systems/{system.id}/design/edit", values | {"action": "save"}).status_code == 302
    session.expire_all()
    assert session.scalar(select(SystemDesign.version)) == version and session.query(AuditEvent).count() == events
    client.get("/lang/en?next=/")
    page = client.get(f"/systems/{system.id}/design/").get_data(as_text=True)
    assert "System design" in page and "Edit design" in page and "Network zones" in page

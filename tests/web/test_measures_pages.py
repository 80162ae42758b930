"""The measures pages and the plan page, through the browser's eyes (test client, CSRF on)."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ir_app.models import AuditEvent, Measure, Role
from ir_app.services.audit import Actor
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.inventory import systems as inventory

LAN = {"code": "LAN", "name": "Mạng LAN", "system_type": "infrastructure", "status": "in_operation",
       "hosting": "on_premises", "information_types": ["private", "personal"]}


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


@pytest.fixture
def adopted(make_web, officer, session, commune):
    client = make_web(officer)
    response = client.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"})
    assert response.status_code == 302
    return client


def _ids(session, commune, **where):
    query = select(Measure).where(Measure.commune_id == commune.id).filter_by(**where).order_by(Measure.id)
    return list(session.scalars(query))


def test_adopting_the_library_lists_every_measure_and_filters_them(adopted, session, commune):
    page = adopted.get(f"/measures/?commune={commune.code}").get_data(as_text=True)
    assert "Ban hành và thực hiện Quy chế bảo đảm an ninh mạng của xã" in page and "BP.KT.KE-THUA-WAF" in page
    assert "Áp dụng bộ biện pháp mẫu" not in page  # nothing left to adopt
    assert session.scalar(select(func.count(Measure.id))) == 67
    again = adopted.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"})
    assert "0 biện pháp mới" in adopted.get(again.location).get_data(as_text=True)
    technical = adopted.get(f"/measures/?commune={commune.code}&category=technical").get_data(as_text=True)
    assert "BP.KT.MAT-KHAU" in technical and "BP.QL.QUY-CHE" not in technical
    by_requirement = adopted.get(f"/measures/?commune={commune.code}&requirement=ql.cs.1").get_data(as_text=True)
    assert "BP.QL.QUY-CHE" in by_requirement and "BP.KT.MAT-KHAU" not in by_requirement
    assert adopted.get(f"/measures/?commune={commune.code}&status=in_place").get_data(as_text=True).count(
        'name="ids"') == 0


def test_bulk_edit_sets_status_owner_and_dates_of_the_selected_measures(adopted, session, commune, officer):
    seen = [f"{m.id}:{m.version}" for m in _ids(session, commune)[:5]]  # as the list page showed them
    response = adopted.post_form(f"/measures/bulk?commune={commune.code}", {
        "ids": seen, "status": "in_place", "owner_id": str(officer.id),
        "in_place_since": "2026-10-01", "keep_category": "technical"})
    assert response.status_code == 302 and "category=technical" in response.location
    session.expire_all()
    assert {(m.status, m.owner_id, m.in_place_since.isoformat()) for m in _ids(session, commune)[:5]} == \
        {("in_place", officer.id, "2026-10-01")}
    assert _ids(session, commune)[5].status == "planned"
    stale = adopted.post_form(f"/measures/bulk?commune={commune.code}", {
        "ids": seen, "status": "planned"})  # the versions an older page showed
    assert "người khác sửa" in adopted.get(stale.location).get_data(as_text=True)
    session.expire_all()
    assert _ids(session, commune)[0].status == "in_place"


def test_the_edit_form_round_trips_and_keeps_answers_on_error(make_web, officer, session, commune, clock):
    systems = [inventory.create_system(session, Actor.system(), commune, LAN | {"code": f"S{n}", "name": f"HT {n}"},
                                       clock.now()) for n in range(3)]
    session.commit()
    client = make_web(officer)
    created = client.post_form(f"/measures/new?commune={commune.code}", {
        "title": "Camera riêng", "description": "Đổi mật khẩu đầu ghi", "category": "technical",
        "requirements": "KT.MG.1, KT.MG.6", "scope": "system", "system_ids": [str(systems[0].id), str(systems[2].id)],
        "levels": ["2", "3"], "status": "partly", "owner_id": str(officer.id), "version": ""})
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    measure = session.scalar(select(Measure).where(Measure.title == "Camera riêng"))
    form_page = client.get(f"/measures/{measure.id}/edit").get_data(as_text=True)
    fields = _form_fields(form_page)
    assert fields["requirements"] == "KT.MG.1, KT.MG.6" and fields["levels"] == ["2", "3"]
    assert sorted(fields["system_ids"]) == sorted([str(systems[0].id), str(systems[2].id)])
    events_before = session.scalar(select(func.count(AuditEvent.id)))
    again = client.post_form(f"/measures/{measure.id}/edit", {k: v for k, v in fields.items() if k != "csrf_token"})
    assert again.status_code == 302
    session.expire_all()
    measure = session.get(Measure, measure.id)
    assert measure.version == 1 and session.scalar(select(func.count(AuditEvent.id))) == events_before
    broken = dict(fields, scope="inherited", provider_name="", title="Tên mới")
    broken.pop("csrf_token")
    page = client.post_form(f"/measures/{measure.id}/edit", broken)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "phải nêu đơn vị cung cấp" in text
    kept = _form_fields(text)
    assert kept["title"] == "Tên mới" and kept["description"] == "Đổi mật khẩu đầu ghi"
    assert sorted(kept["system_ids"]) == sorted([str(systems[0].id), str(systems[2].id)])


def _form_fields(html: str) -> dict:
    """The values a browser would post back from the page's main form."""
    fields: dict = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        if 'type="checkbox"' in html and name in ("system_ids", "levels"):
            continue
        fields.setdefault(name, value)
    for name in ("system_ids", "levels"):
        fields[name] = re.findall(rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="([^"]+)"', html) + \
            re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"[^>]*checked', html)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*([^<]*)</textarea>', html):
        fields[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                             options)
        fields[name] = (selected.group(1) or selected.group(2) or "") if selected else ""
    return fields


def test_overseers_read_and_other_communes_never_see_a_measure(adopted, make_web, make_user, province, commune,
                                                               foreign_commune, session):
    measure = _ids(session, commune)[0]
    overseer = make_web(make_user(Role.OVERSEER, organisation=province))
    page = overseer.get(f"/measures/?commune={commune.code}").get_data(as_text=True)
    assert measure.title in page and 'name="ids"' not in page and "Thêm biện pháp" not in page
    assert overseer.get(f"/measures/{measure.id}").status_code == 200
    assert overseer.get(f"/measures/export.xlsx?commune={commune.code}").status_code == 200
    assert overseer.post_form(f"/measures/bulk?commune={commune.code}",
                              {"ids": [f"{measure.id}:1"], "status": "in_place"}).status_code == 403
    assert overseer.get(f"/measures/{measure.id}/edit").status_code == 403
    stranger = make_web(make_user(Role.OFFICER, organisation=foreign_commune))
    assert stranger.get(f"/measures/{measure.id}").status_code == 404
    assert stranger.get(f"/measures/?commune={commune.code}").status_code == 404
    assert stranger.post_form(f"/measures/bulk?commune={commune.code}",
                              {"ids": [f"{measure.id}:1"], "status": "in_place"}).status_code == 404
    own = stranger.get("/measures/").get_data(as_text=True)
    assert measure.title not in own  # their own commune has adopted nothing
    session.expire_all()
    assert session.get(Measure, measure.id).status == "planned"


def test_auditor_downloads_the_register_as_xlsx(adopted, make_web, make_user, commune, session):
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    response = auditor.get(f"/measures/export.xlsx?commune={commune.code}&category=management")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["B1"].value == "Tên biện pháp"
    assert sheet.max_row == 1 + len(_ids(session, commune, category="management"))
    assert auditor.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"}).status_code == 403
    assert auditor.get(f"/measures/adopt?commune={commune.code}").status_code == 403


def test_the_plan_lists_gaps_first_and_fixes_them_in_one_click(adopted, session, commune, officer, clock, app):
    law = app.extensions["ir_law"]
    system = inventory.create_system(session, Actor.system(), commune, LAN, clock.now())
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                       "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    session.commit()
    page = adopted.get(f"/dossiers/{dossier.id}/plan").get_data(as_text=True)
    assert 'data-gaps="46"' in page and page.index('id="gaps"') < page.index('id="row-QL.CS.1"')
    quy_che = session.scalar(select(Measure).where(Measure.library_measure_id == "BP.QL.QUY-CHE"))
    marked = adopted.post_form(f"/dossiers/{dossier.id}/plan/QL.CS.1/measure",
                               {"measure_id": str(quy_che.id), "version": str(quy_che.version)})
    assert marked.status_code == 302
    page = adopted.get(f"/dossiers/{dossier.id}/plan").get_data(as_text=True)
    assert 'id="gap-QL.CS.1"' not in page
    not_applicable = adopted.post_form(f"/dossiers/{dossier.id}/plan/QL.CS.2", {
        "override_status": "not_applicable", "override_reason": "", "version": ""})
    assert not_applicable.status_code == 422 and "Ghi lý do" in not_applicable.get_data(as_text=True)
    saved = adopted.post_form(f"/dossiers/{dossier.id}/plan/QL.CS.2", {
        "override_status": "not_applicable", "override_reason": "Đã có trong Quy chế của tỉnh", "version": ""})
    assert saved.status_code == 302
    row = adopted.get(f"/dossiers/{dossier.id}/plan/QL.CS.2").get_data(as_text=True)
    assert "Đã có trong Quy chế của tỉnh" in row and "Không áp dụng" in row


def test_a_gap_without_a_measure_adopts_the_proposed_one(make_web, officer, session, commune, clock, app):
    law = app.extensions["ir_law"]
    system = inventory.create_system(session, Actor.system(), commune, LAN, clock.now())
    dossier = dossiers.start_dossier(session, Actor.system(), system, law.default_regime, clock.now())
    dossier.answers = {"system_type": "infrastructure", "information": ["private", "personal"],
                       "infrastructure_scope": "one_org"}
    dossiers.save_proposal(session, Actor.system(), dossier, law.default_regime, dossiers.Proposal(None, "", "", []),
                           clock.now(), None)
    session.commit()
    client = make_web(officer)
    page = client.get(f"/dossiers/{dossier.id}/plan").get_data(as_text=True)
    assert 'value="BP.QL.QUY-CHE"' in page
    client.post_form(f"/dossiers/{dossier.id}/plan/QL.CS.1/adopt", {"library_measure_id": "BP.QL.QUY-CHE"})
    adopted = session.scalar(select(Measure).where(Measure.commune_id == commune.id))
    assert adopted.library_measure_id == "BP.QL.QUY-CHE" and adopted.status == "planned"
    assert client.post_form(f"/dossiers/{dossier.id}/plan/QL.CS.1/adopt",
                            {"library_measure_id": "BP.KHONG-CO"}).status_code == 302  # refused with a message
    assert session.scalar(select(func.count(Measure.id))) == 1


def test_adopting_the_library_asks_first_and_says_what_will_happen(make_web, officer, session, commune):
    client = make_web(officer)
    index = client.get(f"/measures/?commune={commune.code}").get_data(as_text=True)
    assert f'href="/measures/adopt?commune={commune.code}"' in index  # a link to the confirmation, not a POST
    page = client.get(f"/measures/adopt?commune={commune.code}").get_data(as_text=True)
    assert "Xác nhận: Áp dụng bộ biện pháp mẫu" in page and "67 biện pháp mới" in page
    assert "Ai được thông báo" in page and "Ban hành và thực hiện Quy chế bảo đảm an ninh mạng của xã" in page
    # A post without the confirmation (an old bookmark, a double click) changes nothing.
    unconfirmed = client.post_form(f"/measures/adopt?commune={commune.code}")
    assert unconfirmed.status_code == 302 and unconfirmed.location.endswith(f"/measures/adopt?commune={commune.code}")
    assert session.scalar(select(func.count(Measure.id))) == 0
    client.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"})
    assert session.scalar(select(func.count(Measure.id))) == 67
    again = client.get(f"/measures/adopt?commune={commune.code}").get_data(as_text=True)
    assert "Không có biện pháp mới" in again and "67 biện pháp xã đã có được giữ nguyên" in again

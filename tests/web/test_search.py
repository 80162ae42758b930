"""The header's search box: what the user may read, grouped, accent-insensitive, bounded cost."""
from __future__ import annotations

from datetime import date

import pytest

from ir_app.domain.folding import fold
from ir_app.models import EmergencyContact, IssuedDocument, Role
from tests.incident_support import count_statements, quick_report
from tests.ops_support import make_system


def _contact(session, commune, name, **values):
    contact = EmergencyContact(commune_id=commune.id, name=name, phone=values.pop("phone", "0912 345 678"), **values)
    session.add(contact)
    session.commit()
    return contact


def _page(client, text):
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_fold_removes_vietnamese_marks_and_case():
    assert fold("Một cửa ĐIỆN TỬ — Vĩnh Lại") == "mot cua dien tu — vinh lai"
    assert fold("25/QĐ-UBND") == "25/qd-ubnd"


def test_typing_without_accents_finds_systems_contacts_and_incidents(session, commune, make_user, make_web, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    system = make_system(session, commune, code="MOTCUA", name="Một cửa điện tử")
    _contact(session, commune, "Trần Văn Lại", organisation="Công an xã Vĩnh Lại")
    incident = quick_report(session, officer, commune, clock.now(), what="Máy chủ một cửa bị mã độc tống tiền")
    page = _page(make_web(officer), "mot cua")
    assert f'href="/systems/{system.id}"' in page and "Một cửa điện tử" in page
    assert f'href="/incidents/{incident.id}"' in page
    assert 'id="search-system"' in page and 'id="search-incident"' in page
    assert "Trần Văn Lại" in _page(make_web(officer), "tran van lai")
    assert "Trần Văn Lại" in _page(make_web(officer), "VINH LAI")


def test_every_word_must_match_in_any_order(session, commune, make_user, make_web):
    officer = make_user(Role.OFFICER, organisation=commune)
    make_system(session, commune, code="CONG", name="Cổng thông tin điện tử xã")
    make_system(session, commune, code="MAIL", name="Thư điện tử công vụ")
    page = _page(make_web(officer), "thong tin cong")
    assert "Cổng thông tin điện tử xã" in page and "Thư điện tử công vụ" not in page


def test_another_communes_records_are_never_found(session, commune, other_commune, foreign_commune, province,
                                                  make_user, make_web):
    make_system(session, commune, code="A", name="Một cửa Vĩnh Lại")
    make_system(session, other_commune, code="B", name="Một cửa Hải An")
    make_system(session, foreign_commune, code="C", name="Một cửa Mai Phụ")
    _contact(session, other_commune, "Một cửa Hải An (liên hệ)")
    officer = make_user(Role.OFFICER, organisation=commune)
    page = _page(make_web(officer), "mot cua")
    assert "Một cửa Vĩnh Lại" in page
    assert "Hải An" not in page and "Mai Phụ" not in page
    overseer = make_user(Role.OVERSEER, organisation=province)
    page = _page(make_web(overseer), "mot cua")
    assert "Một cửa Vĩnh Lại" in page and "Một cửa Hải An" in page and "Mai Phụ" not in page


def test_a_confidential_incident_is_found_only_by_those_who_may_read_it(session, commune, make_user, make_web,
                                                                         clock):
    reporter = make_user(Role.STAFF, organisation=commune)
    incident = quick_report(session, reporter, commune, clock.now(), what="Lộ dữ liệu hộ tịch")
    incident.is_confidential = True  # the reporter asked that it be kept confidential
    session.commit()
    colleague = make_user(Role.STAFF, organisation=commune)
    officer = make_user(Role.OFFICER, organisation=commune)
    incident_title = "Lộ dữ liệu hộ tịch"
    assert incident_title in _page(make_web(officer), "ho tich")
    assert incident_title not in _page(make_web(colleague), "ho tich")
    assert incident_title in _page(make_web(reporter), "ho tich")


def test_an_issued_document_is_found_by_its_number(session, commune, make_user, make_web, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    session.add(IssuedDocument(commune_id=commune.id, subject="annual:2026", regime="nd331-2026",
                               doc_key="annual_report", number="25", symbol="QĐ-UBND", issued_on=date(2026, 11, 3),
                               recorded_at=clock.now()))
    session.commit()
    page = _page(make_web(officer), "25/qd-ubnd")
    assert 'id="search-document"' in page and "25/QĐ-UBND" in page and "03/11/2026" in page


@pytest.mark.parametrize("text", ["", "a", "%", "_", "\\", "'; drop table x; --", "x" * 500, "²", "\x07ab", "ab\u202e"])
def test_odd_input_is_a_page_never_an_error(session, commune, make_user, make_web, text):
    officer = make_user(Role.OFFICER, organisation=commune)
    make_system(session, commune, code="X", name="100% an toàn_x")
    page = _page(make_web(officer), text)
    if text in ("%", "_"):
        assert "100% an toàn_x" not in page  # wildcards are matched literally, and one character is too short


def test_a_wildcard_is_matched_literally(session, commune, make_user, make_web):
    officer = make_user(Role.OFFICER, organisation=commune)
    make_system(session, commune, code="X", name="Tỷ lệ 100% sẵn sàng")
    make_system(session, commune, code="Y", name="Tỷ lệ 1000 sẵn sàng")
    page = _page(make_web(officer), "100%")
    assert "Tỷ lệ 100% sẵn sàng" in page and "Tỷ lệ 1000 sẵn sàng" not in page


def test_the_header_has_the_search_box(commune, make_user, make_web):
    page = make_web(make_user(Role.STAFF, organisation=commune)).get("/").get_data(as_text=True)
    assert 'role="search" class="header-search"' in page and 'action="/search"' in page


def test_signed_out_users_are_sent_to_sign_in(web):
    assert web.get("/search?q=mot").status_code == 302


def test_statement_count_does_not_grow_with_the_hits(app, session, commune, make_user, make_web, clock):
    officer = make_user(Role.OFFICER, organisation=commune)
    client = make_web(officer)
    make_system(session, commune, code="S0", name="Một cửa 0")
    _contact(session, commune, "Một cửa liên hệ 0")
    quick_report(session, officer, commune, clock.now(), what="Một cửa sự cố 0")
    _page(client, "mot cua")
    few = count_statements(app, lambda: _page(client, "mot cua"))
    for number in range(1, 25):
        make_system(session, commune, code=f"S{number}", name=f"Một cửa {number}")
        _contact(session, commune, f"Một cửa liên hệ {number}")
    for number in range(1, 3):
        quick_report(session, officer, commune, clock.now(), what=f"Một cửa sự cố {number}")
    page = _page(client, "mot cua")
    assert "hãy gõ cụ thể hơn" in page
    assert count_statements(app, lambda: _page(client, "mot cua")) == few

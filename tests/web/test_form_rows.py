"""Repeatable rows instead of "a | b | c" lines: dossier parts on the proposal, findings of a review."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ir_app.models import Dossier, ReviewFinding, Role
from ir_app.services.audit import Actor
from ir_app.services.dossiers import protection
from tests.services.test_date_sanity import _refused, accepted, approved, law, team  # noqa: F401 - fixtures
from tests.web.form_support import page_form
from tests.web.test_wizard_answers import dossier, staff  # noqa: F401 - fixtures

ROWS = {"parts-0-name": "Cổng dịch vụ công", "parts-0-level": "3", "parts-0-ground": "Đ13.2.b | khoản 2",
        "parts-1-name": "Kho dữ liệu", "parts-1-level": "2", "parts-1-ground": ""}


def _post(client, url, extra):
    fields = [(name, value) for name, value in page_form(client.get(url).get_data(as_text=True))
              if not name.startswith("parts-")]
    fields = [(name, "3") if name == "proposed_level" else (name, value) for name, value in fields]
    return client.post(url, data=MultiDict(fields + list(extra.items())))


def test_parts_are_saved_from_rows_and_a_bar_in_a_cell_is_just_text(make_web, staff, dossier, session):  # noqa: F811
    client = make_web(staff)
    url = f"/dossiers/{dossier.id}/proposal"
    assert _post(client, url, ROWS).status_code == 302
    session.expire_all()
    assert session.get(Dossier, dossier.id).parts == [
        {"name": "Cổng dịch vụ công", "level": 3, "ground": "Đ13.2.b | khoản 2"},
        {"name": "Kho dữ liệu", "level": 2, "ground": ""}]
    page = client.get(url).get_data(as_text=True)
    assert 'value="Cổng dịch vụ công"' in page and 'name="parts-2-name"' in page  # one empty row to add


def test_add_row_without_javascript_redraws_with_one_more_row_and_saves_nothing(make_web, staff, dossier,  # noqa: F811
                                                                                session):
    client = make_web(staff)
    url = f"/dossiers/{dossier.id}/proposal"
    response = _post(client, url, {**ROWS, "add_row": "parts"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Kho dữ liệu"' in page and 'name="parts-2-name"' in page
    session.expire_all()
    assert session.get(Dossier, dossier.id).parts == []


def test_a_row_marked_for_removal_is_dropped(make_web, staff, dossier, session):  # noqa: F811
    client = make_web(staff)
    url = f"/dossiers/{dossier.id}/proposal"
    assert _post(client, url, {**ROWS, "parts-1-remove": "1"}).status_code == 302
    session.expire_all()
    assert [part["name"] for part in session.get(Dossier, dossier.id).parts] == ["Cổng dịch vụ công"]


def test_review_findings_come_from_rows_and_a_bad_row_is_named(session, law, approved, clock):  # noqa: F811
    raw = {"reviewed_on": "10/12/2026", "assessor": "Tổ kiểm tra", "result": "partial"}
    errors = _refused(lambda: protection.record_review(
        session, Actor.system(), approved, raw, law, clock.now(),
        [["KT.DL.3", "Chưa thử khôi phục", "10/01/2027"], ["", "Thiếu sổ theo dõi", "31/13/2027"]]))
    assert errors == {"findings": "Dòng 2 («Thiếu sổ theo dõi | 31/13/2027»): hạn khắc phục phải theo dạng "
                                  "dd/mm/yyyy."}
    review = protection.record_review(session, Actor.system(), approved, raw, law, clock.now(),
                                      [["kt.dl.3", "Chưa thử khôi phục | máy chủ", "10/01/2027"]])
    session.commit()
    finding = session.scalar(select(ReviewFinding).where(ReviewFinding.review_id == review.id))
    assert (finding.requirement_id, finding.text, finding.due_on) == (
        "KT.DL.3", "Chưa thử khôi phục | máy chủ", date(2027, 1, 10))


def test_the_review_form_offers_rows(make_web, make_user, commune, approved):  # noqa: F811
    officer = make_web(make_user(Role.OFFICER, organisation=commune))
    page = officer.get(f"/dossiers/{approved.id}").get_data(as_text=True)
    assert 'name="findings-0-requirement"' in page and 'name="findings-2-due"' in page
    assert "mỗi dòng: mã yêu cầu |" not in page

"""Two people open the same form; the second save is refused with the conflict message instead of
silently overwriting the first (issue 14, D11)."""
from __future__ import annotations

import re

from sqlalchemy import select

from ir_app.models import CheckItem, Dossier, MorningCheck, Role
from tests.web.test_dossier_workflow import ONE_STOP_SHOP, PREFILLED, STEPS, _answer_all_steps, _start
from ir_app.services.audit import Actor
from ir_app.services.inventory import systems as inventory

CONFLICT = "Bản ghi đã được người khác sửa trong lúc bạn đang sửa"


def hidden_version(page: str) -> str:
    match = re.search(r'<input[^>]*name="version"[^>]*>', page)
    assert match, "the form has no version field"
    value = re.search(r'value="([^"]*)"', match.group(0))
    assert value and value.group(1), "the version field is empty"
    return value.group(1)


def test_second_level_proposal_from_the_same_page_gets_the_conflict_message(make_web, make_user, commune,
                                                                           session, clock):
    system = inventory.create_system(session, Actor.system(), commune, ONE_STOP_SHOP, clock.now())
    session.commit()
    first, second = make_web(make_user(Role.STAFF, organisation=commune)), \
        make_web(make_user(Role.STAFF, organisation=commune))
    dossier = _start(first, system.id, session)
    _answer_all_steps(first, dossier.id, STEPS, PREFILLED)
    url = f"/dossiers/{dossier.id}/proposal"
    version_first, version_second = hidden_version(first.get(url).get_data(as_text=True)), \
        hidden_version(second.get(url).get_data(as_text=True))
    saved = first.post_form(url, {"proposed_level": "3", "version": version_first, "risks": "Mã độc tống tiền"})
    assert saved.status_code == 302
    late = second.post_form(url, {"proposed_level": "4", "version": version_second,
                                  "justification": "Đánh giá rủi ro", "risks": "Lộ dữ liệu"})
    assert CONFLICT in late.get_data(as_text=True)
    session.expire_all()
    kept = session.get(Dossier, dossier.id)
    assert (kept.proposed_level, kept.risks) == (3, "Mã độc tống tiền")


def test_second_checklist_save_from_the_same_page_gets_the_conflict_message(make_web, make_user, commune,
                                                                           session):
    url = f"/checks/items?commune={commune.code}"
    first, second = make_web(make_user(Role.ADMIN, organisation=commune)), \
        make_web(make_user(Role.ADMIN, organisation=commune))
    version_first, version_second = hidden_version(first.get(url).get_data(as_text=True)), \
        hidden_version(second.get(url).get_data(as_text=True))
    assert first.post_form(url, {"items": "Internet\nMáy in", "version": version_first}).status_code == 302
    late = second.post_form(url, {"items": "Máy quét", "version": version_second})
    page = late.get_data(as_text=True)
    assert CONFLICT in page and "Máy quét" in page  # the input is kept to copy over
    assert session.scalars(select(CheckItem.label).where(CheckItem.commune_id == commune.id)
                           .order_by(CheckItem.position)).all() == ["Internet", "Máy in"]
    again = second.get(url).get_data(as_text=True)  # reloaded: the new list saves
    assert second.post_form(url, {"items": "Máy quét", "version": hidden_version(again)}).status_code == 302


def test_second_first_check_of_the_day_gets_the_conflict_message(make_web, make_user, commune, session):
    url = f"/checks/morning?commune={commune.code}"
    first, second = make_web(make_user(Role.STAFF, organisation=commune)), \
        make_web(make_user(Role.STAFF, organisation=commune))
    version_first, version_second = hidden_version(first.get(url).get_data(as_text=True)), \
        hidden_version(second.get(url).get_data(as_text=True))
    assert first.post_form(url, {"status_0": "fail", "note_0": "Mất mạng", "version": version_first}).status_code == 302
    late = second.post_form(url, {"status_0": "ok", "version": version_second})
    assert late.status_code == 422 and CONFLICT in late.get_data(as_text=True)
    check = session.scalar(select(MorningCheck).where(MorningCheck.commune_id == commune.id))
    assert check.failed_count == 1

"""A newer starter library is offered as a difference: the commune's edits are never overwritten;
it takes the library's content or keeps its own, measure by measure, once."""
from __future__ import annotations

import shutil

import pytest
import yaml
from sqlalchemy import select

from ir_app.datafiles.loader import load_yaml
from ir_app.models import AuditEvent, Measure, Role

CHANGED = "BP.QL.QUY-CHE"


@pytest.fixture
def newer_library(app, tmp_path):
    """A copy of level_dossiers whose starter library is one version newer, with one measure's
    text extended by the library's authors."""
    folder = tmp_path / "level_dossiers"
    shutil.copytree(app.config["IR_LEVEL_DOSSIERS_DIR"], folder)
    path = folder / "measures" / "commune-starter.yaml"
    raw = load_yaml(path.read_text(encoding="utf-8"))
    raw["library"]["version"] += 1
    item = next(m for m in raw["measures"] if m["id"] == CHANGED)
    item["text"] += " Thư viện bổ sung: rà soát Quy chế hằng năm."
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder, raw["library"]["version"]


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.OFFICER, organisation=commune)


def _measure(session, commune, library_measure_id):
    session.expire_all()
    return session.scalar(select(Measure).where(Measure.commune_id == commune.id,
                                                Measure.library_measure_id == library_measure_id))


def test_a_newer_library_is_offered_as_a_diff_and_each_choice_is_kept(app, make_web, officer, session, commune,
                                                                        newer_library):
    client = make_web(officer)
    client.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"})
    assert "đã theo phiên bản mới nhất" in client.get(
        f"/measures/library-update?commune={commune.code}").get_data(as_text=True)
    mine = _measure(session, commune, CHANGED)
    mine.description = mine.description + " Xã bổ sung: rà soát mỗi quý."
    session.commit()
    other = _measure(session, commune, "BP.KT.MAT-KHAU")
    other.description = "Nội dung riêng của xã về mật khẩu."
    session.commit()

    folder, version = newer_library
    app.config["IR_LEVEL_DOSSIERS_DIR"] = folder
    page = client.get(f"/measures/library-update?commune={commune.code}").get_data(as_text=True)
    assert "Biện pháp có khác biệt (2)" in page
    assert "<del>Xã</del><ins>Thư viện</ins> bổ sung: rà soát <del>mỗi</del><ins>Quy</ins>" in page
    assert "Không thay đổi (" in page

    kept = client.post_form(f"/measures/{other.id}/library-update", {"choice": "keep", "version": str(other.version)})
    assert kept.status_code == 302
    taken = client.post_form(f"/measures/{mine.id}/library-update", {"choice": "take", "version": str(mine.version)})
    assert taken.status_code == 302
    assert _measure(session, commune, "BP.KT.MAT-KHAU").description == "Nội dung riêng của xã về mật khẩu."
    taken_text = _measure(session, commune, CHANGED).description
    assert "Xã bổ sung" not in taken_text and taken_text.endswith("Thư viện bổ sung: rà soát Quy chế hằng năm.")
    assert {_measure(session, commune, i).library_version for i in (CHANGED, "BP.KT.MAT-KHAU")} == {version}

    client.post_form(f"/measures/library-update/current?commune={commune.code}")
    page = client.get(f"/measures/library-update?commune={commune.code}").get_data(as_text=True)
    assert "đã theo phiên bản mới nhất" in page
    assert session.scalar(select(AuditEvent.summary).where(AuditEvent.object_type == "measure",
                                                           AuditEvent.summary.like("Giữ nội dung của xã%")))


def test_library_updates_of_another_commune_are_out_of_reach(app, make_web, make_user, officer, session, commune,
                                                             other_commune):
    client = make_web(officer)
    client.post_form(f"/measures/adopt?commune={commune.code}", {"confirmed": "1"})
    measure = _measure(session, commune, CHANGED)
    stranger = make_web(make_user(Role.OFFICER, organisation=other_commune))
    assert stranger.get(f"/measures/library-update?commune={commune.code}").status_code == 404
    response = stranger.post_form(f"/measures/{measure.id}/library-update", {"choice": "take", "version": "1"})
    assert response.status_code == 404
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    assert auditor.get(f"/measures/library-update?commune={commune.code}").status_code == 200
    assert auditor.post_form(f"/measures/{measure.id}/library-update", {"choice": "keep"}).status_code == 403


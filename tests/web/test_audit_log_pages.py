"""The audit log page at province scale: the count stops at a limit, the pages go on."""
from __future__ import annotations

from datetime import timedelta

from ir_app.models import Role
from ir_app.services import audit
from ir_app.services.audit import Actor
from ir_app.web import audit_log


def _events(session, commune, clock, count):
    for number in range(count):
        audit.record(session, Actor.system("kiểm thử"), "update", now=clock.now() + timedelta(seconds=number),
                     object_type="information_systems", object_id=number, commune_id=commune.id,
                     summary=f"Sự kiện {number}")
    session.commit()


def test_the_count_stops_at_its_limit_and_the_pages_go_on(make_web, make_user, commune, session, clock,
                                                         monkeypatch):
    monkeypatch.setattr(audit_log, "AUDIT_COUNT_LIMIT", 60)
    _events(session, commune, clock, 120)  # plus the auditor's sign-in: three pages of 50
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    first = auditor.get("/audit/").get_data(as_text=True)
    assert "Trang 1 · hơn 60 bản ghi" in first and "Sự kiện 119" in first and 'rel="next"' in first
    last = auditor.get("/audit/?page=3").get_data(as_text=True)
    assert "Sự kiện 0<" in last and 'rel="prev"' in last and 'rel="next"' not in last


def test_under_the_limit_the_count_is_exact(make_web, make_user, commune, session, clock):
    _events(session, commune, clock, 7)
    auditor = make_web(make_user(Role.AUDITOR, organisation=commune))
    page = auditor.get("/audit/").get_data(as_text=True)
    assert "Sự kiện 0<" in page and "hơn" not in page and 'rel="next"' not in page

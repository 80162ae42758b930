"""API lists cost the same number of SQL statements for a few rows and for many (no N+1)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import event

from ir_app.models import (BackupPlan, BackupRun, Incident, InformationSystem, Measure, MeasureRequirement, Role,
                           SystemComponent)
from tests.api.test_api_contract import bearer, issue

LISTS = ("/api/v1/communes", "/api/v1/units", "/api/v1/systems", "/api/v1/dossiers", "/api/v1/measures",
         "/api/v1/incidents", "/api/v1/backup-runs", "/api/v1/notifications")
NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


def _add_rows(session, commune, start: int, count: int) -> None:
    for number in range(start, start + count):
        system = InformationSystem(commune_id=commune.id, code=f"S{number}", name=f"Hệ thống {number}",
                                   created_at=NOW, updated_at=NOW,
                                   components=[SystemComponent(kind="equipment", name="Máy chủ")])
        session.add(system)
        session.flush()
        plan = BackupPlan(system_id=system.id, commune_id=commune.id, name="Sao lưu", starts_at=NOW,
                          created_at=NOW, updated_at=NOW)
        session.add(plan)
        session.flush()
        session.add_all([
            BackupRun(plan_id=plan.id, ran_at=NOW, result="ok", created_at=NOW),
            Incident(commune_id=commune.id, year=2026, number=number, title=f"Sự cố {number}", detected_at=NOW,
                     state="received", state_changed_at=NOW, created_at=NOW, updated_at=NOW),
            Measure(commune_id=commune.id, title=f"Biện pháp {number}", category="management", scope="commune",
                    created_at=NOW, updated_at=NOW, requirement_links=[MeasureRequirement(requirement_id="QL.CS.1")]),
        ])
    session.commit()


def _statements(app, url: str, secret: str) -> int:
    engine = app.extensions["ir_engine"]
    seen = []

    def count(*_args):
        seen.append(1)

    client = app.test_client()
    client.get(url, headers=bearer(secret))  # warm caches
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=bearer(secret)).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_list_statement_counts_do_not_grow_with_rows(app, session, commune, make_user, clock):
    app.config["IR_API_RATE_LIMIT"] = 10**6
    officer = make_user(Role.OFFICER, organisation=commune)
    secret = issue(session, officer, ["read"], clock.now())
    _add_rows(session, commune, 1, 2)
    few = {url: _statements(app, url, secret) for url in LISTS}
    _add_rows(session, commune, 3, 25)
    many = {url: _statements(app, url, secret) for url in LISTS}
    assert many == few

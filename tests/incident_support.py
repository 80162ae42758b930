"""Helpers shared by the incident tests (services and web): build incidents through the services."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ir_app.models import Incident, User
from ir_app.services.audit import Actor
from ir_app.services.incidents import lifecycle as incident_lifecycle
from ir_app.services.incidents import queries as incident_queries
from ir_app.services.incidents import record as incidents
from ir_app.services.incidents import reports as incident_reports
from ir_app.services.incidents.data import ResponseData, response_data

PLAYBOOKS_DIR = Path(__file__).resolve().parents[1] / "playbooks"
ICT = timezone(timedelta(hours=7))


def data() -> ResponseData:
    return response_data(PLAYBOOKS_DIR)


def actor(user: User) -> Actor:
    return Actor.of(user, "127.0.0.1")


def quick_report(session, user: User, commune, now: datetime, **raw: Any) -> Incident:
    values = {"what": "Máy tính bị khóa, hiện thông báo đòi tiền", **raw}
    incident = incidents.report_quickly(session, actor(user), user, commune, values, now, data())
    session.commit()
    return incident


def record_values(incident: Incident) -> dict[str, Any]:
    """The full-record form as the incident stands (what the edit page would post back)."""
    values = {spec.name: getattr(incident, spec.name, None) for spec in incidents.incident_fields(data(), ())}
    values["system_ids"] = [str(system.id) for system in incident.systems]
    values["is_cyber_incident"] = {True: "yes", False: "no"}.get(incident.is_cyber_incident, "auto")
    return values


def classify(session, user: User, incident: Incident, now: datetime, **changes: Any) -> Incident:
    incidents.update_incident(session, actor(user), incident, {**record_values(incident), **changes}, now, data())
    session.commit()
    return incident


def record_report(session, user: User, incident: Incident, now: datetime, rule_id: str,
                  sent_at: datetime | None = None, **extra: Any):
    values = {"clock_rule_id": rule_id, "sent_at": sent_at or now, "channel": "document",
              "reference_number": "12/BC-UBND", **extra}
    report = incident_reports.record_report(session, actor(user), incident, values, now, data())
    session.commit()
    return report


def act(session, user: User, incident: Incident, action: str, now: datetime, comment: str | None = None):
    incident_lifecycle.apply_action(session, actor(user), incident, action, incident_queries.incident_roles(user), comment, now,
                           data())
    session.commit()
    return incident


# A list's count (web/pagination.py), skipped when its page is not full: cost comparisons between a
# short list and a long one leave it out (tests/web/test_pagination.py checks when it runs).
LIST_COUNT = re.compile(r"SELECT count\(\*\) AS count_1\s+FROM \(SELECT ")


def count_statements(app, callback, *, list_counts: bool = False, keep_kept_pages: bool = False) -> int:
    """How many SQL statements ``callback`` runs (bounded list pages), a list's count left out unless asked;
    ``keep_kept_pages`` measures a view that may reuse what earlier views kept."""
    from sqlalchemy import event

    engine = app.extensions["ir_engine"]
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if list_counts or not LIST_COUNT.match(statement):
            statements.append(1)

    # The menu badge's count, the menu and the province-wide pages are kept between requests
    # (web.work.work_count, web.navigation, web.page_cache): drop them, so that every measurement counts
    # the whole page, work queue included, and two measurements compare alike.
    if not keep_kept_pages:
        app.extensions.get("ir_work_counts", {}).clear()
        app.extensions["ir_page_cache"].clear()
        app.extensions["ir_navigation_cache"].clear()
    event.listen(engine, "before_cursor_execute", count)
    try:
        callback()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def incident_id_from(response) -> int:
    """The id in a redirect to /incidents/<id>."""
    return int(response.location.rstrip("/").split("/")[-1].split("#")[0].split("?")[0])

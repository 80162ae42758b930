"""Incidents: list and detail (confidential ones only for those allowed), a report from a monitoring
tool, a timeline entry. Writes need the `incidents:write` scope and are audited with the token's name."""
from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ir_app.models import Incident, Organisation, TimelineEntry
from ir_app.services.incidents import record as incident_service
from ir_app.services.api_tokens import INCIDENTS_WRITE
from ir_app.services.authz import Permission, can_reach_commune
from ir_app.services.backups.plans import parse_local_datetime
from ir_app.services.errors import ValidationFailed
from ir_app.services.incidents.queries import IncidentFilters, incident_list_query
from ir_app.services.incidents.record import TooManyReports
from ir_app.web.access import require_commune
from ir_app.web.api import schemas as s
from ir_app.web.api.core import ApiBlueprint, DatedArgs, cursor_page, needs, problem, token_actor
from ir_app.web.api.resources import day_range
from ir_app.web.context import db, now
from ir_app.web.incidents.common import load_incident, response_data
from ir_app.web.local_time import local_zone

bp = ApiBlueprint("api_v1_incidents", __name__, description="Sự cố an ninh mạng")
bp.register_error_handler(TooManyReports, lambda refusal: problem(429, str(refusal)))
DETAIL = (selectinload(Incident.timeline), selectinload(Incident.systems), selectinload(Incident.commune))


def _moment(value: str | None, field: str):
    if not value:
        return None
    try:
        return parse_local_datetime(value, local_zone())
    except (ValueError, OverflowError) as error:
        raise ValidationFailed({field: str(error)}) from None


@bp.get("/incidents")
@bp.arguments(DatedArgs, location="query")
@bp.response(200, s.IncidentPage)
def incidents(args):
    """Sự cố; `state` là một trạng thái của quy trình hoặc `open`; `since`/`until` theo thời điểm phát hiện."""
    filters = IncidentFilters(commune_code=args.get("commune") or "", state=args.get("state") or "")
    query = incident_list_query(db(), current_user, filters, response_data(), now())
    query = day_range(query, Incident.detected_at, args)
    return cursor_page("incidents", query, Incident.id, args)


@bp.get("/incidents/<int:incident_id>")
@bp.response(200, s.IncidentDetailSchema)
def incident(incident_id: int):
    """Một sự cố cùng diễn biến (timeline)."""
    return load_incident(incident_id, Permission.VIEW, *DETAIL)


@bp.post("/incidents")
@needs(INCIDENTS_WRITE)
@bp.arguments(s.IncidentCreateSchema)
@bp.response(201, s.IncidentDetailSchema)
def create_incident(body: dict[str, Any]):
    """Báo nhanh một sự cố (ví dụ từ công cụ giám sát); cán bộ Công an xã được báo ngay."""
    commune = current_user.organisation
    if body.get("commune"):
        commune = db().scalar(select(Organisation).where(Organisation.code == body["commune"]))
    commune = require_commune(commune, Permission.REPORT_INCIDENT)
    raw = {"what": body["what"], "category": body.get("category") or "",
           "system_id": str(body["system_id"]) if body.get("system_id") else "",
           "detected_at": _moment(body.get("detected_at"), "detected_at"), "contact": body.get("contact") or ""}
    created = incident_service.report_quickly(db(), token_actor(), current_user, commune, raw, now(),
                                              response_data(), local_zone())
    db().commit()
    return load_incident(created.id, Permission.VIEW, *DETAIL)


@bp.post("/incidents/<int:incident_id>/timeline")
@needs(INCIDENTS_WRITE)
@bp.arguments(s.TimelineCreateSchema)
@bp.response(201, s.TimelineSchema)
def add_timeline_entry(body: dict[str, Any], incident_id: int):
    """Ghi một diễn biến vào sự cố (cần quyền xử lý sự cố của xã)."""
    found = load_incident(incident_id, Permission.VIEW)
    if not can_reach_commune(current_user, found.commune, Permission.HANDLE_INCIDENT):
        abort(403)
    incident_service.add_note(db(), token_actor(), found, {"text": body["text"], "at": _moment(body.get("at"), "at")},
                              now())
    db().commit()
    return db().scalar(select(TimelineEntry).where(TimelineEntry.incident_id == found.id)
                       .order_by(TimelineEntry.id.desc()).limit(1))

"""Incident documents and the commune's incident summary (page, XLSX, DOCX)."""
from __future__ import annotations

from datetime import date

from flask import (
    abort,
    render_template,
    request,
)
from flask_login import current_user
from sqlalchemy import select

from ir_app.models import (
    Incident,
    IncidentReport,
    Organisation,
)
from ir_app.services import audit
from ir_app.services.authz import Permission, visible_communes
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.documents import (
    DOCUMENTS,
    document_filename,
    incident_context,
    offered_documents,
    render_report,
)
from ir_app.services.incidents.summary import (
    PERIODS,
    period_of,
    summarise,
    summary_context,
    summary_xlsx,
)
from ir_app.web.access import require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.incidents.common import (
    DETAIL_OPTIONS,
    DOCX_MIME,
    attachment,
    bp,
    load_child,
    load_incident,
    local_zone,
    response_data,
)
from ir_app.web.inventory import XLSX_MIME


def render_incident_document(document: str, incident: Incident, data: ResponseData) -> bytes:
    context = incident_context(document, incident, data, now(), local_zone())
    return render_report(DOCUMENTS[document].template, context, data.folder / "reports")


@bp.get("/reports/<int:report_id>/file")
@requires(Permission.DOWNLOAD)
def report_file(report_id: int):
    report = load_child(IncidentReport, report_id, Permission.DOWNLOAD)
    if report.file is None:
        abort(404)
    return attachment(report.file.data, report.file.content_type, report.file.filename)


@bp.get("/<int:incident_id>/documents/<document>.docx")
@requires(Permission.DOWNLOAD)
def download_document(incident_id: int, document: str):
    if document not in DOCUMENTS:
        abort(404)
    incident = load_incident(incident_id, Permission.DOWNLOAD, *DETAIL_OPTIONS)
    if document not in offered_documents(incident):
        abort(404)  # a personal-data notice for an incident without personal data does not exist
    content = render_incident_document(document, incident, response_data())
    audit.record(db(), actor(), "export", now=now(), object_type="incident", object_id=incident.id,
                 commune_id=incident.commune_id, summary=f"{incident.code}: tạo {DOCUMENTS[document].title}")
    db().commit()
    return attachment(content, DOCX_MIME, document_filename(document, incident))


def summary_request(permission: Permission = Permission.VIEW):
    """The commune (?commune=CODE, else the user's own, else the first visible) and the period."""
    code = request.args.get("commune", "")[:16]
    if code:
        commune = db().scalar(select(Organisation).where(Organisation.code == code))
    elif current_user.organisation.kind == "commune":
        commune = current_user.organisation
    else:
        commune = next(iter(visible_communes(db(), current_user)), None)
    commune = require_commune(commune, permission)
    kind = request.args.get("period", "month")
    kind = kind if kind in PERIODS else "month"
    try:
        day = date.fromisoformat(request.args.get("on", "")[:10])
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        day = now().astimezone(local_zone()).date()
    return commune, period_of(kind, day, local_zone())


@bp.get("/summary")
@requires(Permission.VIEW)
def summary():
    commune, period = summary_request()
    result = summarise(db(), commune, period, now(), response_data())
    return render_template("incidents/summary.html", summary=result, period=period, commune=commune,
                           communes=visible_communes(db(), current_user), data=response_data())


@bp.get("/summary.xlsx")
@requires(Permission.DOWNLOAD)
def summary_spreadsheet():
    commune, period = summary_request(Permission.DOWNLOAD)
    result = summarise(db(), commune, period, now(), response_data())
    _audit_export(commune, f"Xuất tổng hợp sự cố {period.label} (XLSX)")
    return attachment(summary_xlsx(result, response_data(), local_zone()), XLSX_MIME,
                      f"tong-hop-su-co-{commune.slug}-{period.first_day:%Y%m%d}.xlsx")


@bp.get("/summary.docx")
@requires(Permission.DOWNLOAD)
def summary_document():
    commune, period = summary_request(Permission.DOWNLOAD)
    data = response_data()
    result = summarise(db(), commune, period, now(), data)
    content = render_report("summary", summary_context(result, data, now(), local_zone()), data.folder / "reports")
    _audit_export(commune, f"Xuất tổng hợp sự cố {period.label} (DOCX)")
    return attachment(content, DOCX_MIME, f"tong-hop-su-co-{commune.slug}-{period.first_day:%Y%m%d}.docx")


def _audit_export(commune: Organisation, summary_text: str) -> None:
    audit.record(db(), actor(), "export", now=now(), object_type="incident", commune_id=commune.id,
                 summary=summary_text)
    db().commit()

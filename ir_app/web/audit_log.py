"""The audit log: filters and CSV export for admins, auditors and overseers."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import Select, select

from ir_app.models import AuditEvent
from ir_app.services import audit, audit_view
from ir_app.services.authz import Permission, scope_query
from ir_app.services.exports import csv_row
from ir_app.web.access import page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.filters import local_tz, vn_datetime
from ir_app.web.pagination import paginate

bp = Blueprint("audit_log", __name__, url_prefix="/audit")
# A province's log holds hundreds of thousands of events: count up to here, then say "more than".
AUDIT_COUNT_LIMIT = 10_000


def _parse_day(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.min, tzinfo=local_tz())


def filtered_query() -> Select:
    query = scope_query(select(AuditEvent).order_by(AuditEvent.id.desc()), AuditEvent.commune_id, current_user)
    args = request.args
    if args.get("who"):
        query = query.where(AuditEvent.actor_label.contains(args["who"].strip().lower()[:200]))
    action = args.get("action", "")[:64]
    if action == audit_view.TRANSITION_PREFIX:  # every incident transition ("transition:contain"…)
        query = query.where(AuditEvent.action.startswith(audit_view.TRANSITION_PREFIX, autoescape=True))
    elif action:
        query = query.where(AuditEvent.action == action)
    if args.get("object_type"):
        wanted = args["object_type"][:64]
        label = audit_view.OBJECT_LABELS.get(wanted)
        same = [key for key, value in audit_view.OBJECT_LABELS.items() if value == label] if label else [wanted]
        query = query.where(AuditEvent.object_type.in_(same))
    if args.get("object_id"):
        query = query.where(AuditEvent.object_id == args["object_id"][:64])
    start, end = _parse_day(args.get("from", "")), _parse_day(args.get("to", ""))
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end + timedelta(days=1))
    return query


@bp.get("/")
@requires(Permission.VIEW_AUDIT)
def index():
    page = paginate(db(), filtered_query(), page_number(), 50, count_limit=AUDIT_COUNT_LIMIT)
    views = audit_view.describe(db(), list(page.items), _value_titles())
    return render_template("audit/index.html", page=page, views=views, args=request.args,
                           actions=audit_view.ACTION_LABELS, objects=_object_choices())


def _value_titles() -> dict[str, str]:
    """Dossier and incident states, severities and categories by their titles (the ids are the
    data files' own words, which the log keeps)."""
    from ir_app.web.incidents.common import response_data

    data = response_data()
    titles = {item.id: item.title for item in (*data.lifecycle.states, *data.catalogue.severities,
                                               *data.catalogue.categories)}
    titles.update({state.id: state.title for state in current_app.extensions["ir_law"].workflow.states})
    return titles


def _object_choices() -> dict[str, str]:
    """One choice per kind of object (the plural table names and the singular types share a label)."""
    choices: dict[str, str] = {}
    for key, label in audit_view.OBJECT_LABELS.items():
        if label not in choices.values():
            choices[key] = label
    return choices


@bp.get("/export.csv")
@requires(Permission.VIEW_AUDIT)
def export_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row(["STT", "Thời gian", "Người thực hiện", "Xã", "Thao tác", "Đối tượng", "Mã đối tượng",
                     "Tóm tắt", "Thay đổi", "Địa chỉ IP", "Mã băm"]))
    for event in db().scalars(filtered_query().limit(100_000)):
        writer.writerow(csv_row([event.id, vn_datetime(event.at), event.actor_label, event.commune_id or "",
                                 event.action, event.object_type, event.object_id, event.summary,
                                 event.changes, event.ip_address, event.hash]))
    audit.record(db(), actor(), "export", now=now(), object_type="audit_log",
                 commune_id=current_user.organisation_id, summary="Xuất nhật ký CSV")
    db().commit()
    # BOM so that Excel opens the Vietnamese text as UTF-8
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=nhat-ky-kiem-tra.csv"})



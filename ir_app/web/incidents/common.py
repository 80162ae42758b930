"""What the incident pages share: the blueprint, forms, and loading an incident or its parts with access checked."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    url_for,
)
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from ir_app.models import (
    Evidence,
    Incident,
    IncidentTask,
    User,
)
from ir_app.services.authz import Permission, can_reach_commune
from ir_app.services.incidents import data as incident_data
from ir_app.services.incidents import queries as incident_queries
from ir_app.services.incidents import reports as incident_reports
from ir_app.services.incidents.data import ResponseData
from ir_app.services.incidents.evidence import CUSTODY_FIELDS, EVIDENCE_FIELDS
from ir_app.services.incidents.record import NOTE_FIELDS
from ir_app.web.context import db
from ir_app.web.forms import (
    AppForm,
    spec_form,
)

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


NoteForm = spec_form("NoteForm", NOTE_FIELDS, versioned=False)


CustodyForm = spec_form("CustodyForm", CUSTODY_FIELDS, versioned=False)


class EvidenceForm(spec_form("EvidenceFields", EVIDENCE_FIELDS, versioned=False)):
    file = FileField(lazy_gettext("Tệp chứng cứ *"))


class TransitionForm(AppForm):
    action = HiddenField()
    comment = TextAreaField(lazy_gettext("Lý do"), render_kw={"rows": 2, "maxlength": 5000})
    version = HiddenField()


class ApplyPlaybookForm(AppForm):
    playbook_id = SelectField(lazy_gettext("Kịch bản"), choices=[], validate_choice=False)


class TaskForm(AppForm):
    operation = HiddenField()
    note = TextAreaField()
    na_reason = TextAreaField()
    assignee_id = SelectField(choices=[], validate_choice=False)
    due_at = StringField()
    version = HiddenField()


def report_form(clocks) -> FlaskForm:
    base = spec_form("ReportFields", incident_reports.report_fields(clocks), versioned=False)
    form_class = type("ReportForm", (base,), {
        # Its own id: the evidence form on the same page has a "file" field too, and a shared id
        # would tie this label to the other input.
        "file": FileField(lazy_gettext("Tệp văn bản đã gửi (bản ký, bản chụp) — nếu có"), id="report-file"),
        "attach_generated": BooleanField(lazy_gettext("Không có tệp: lưu kèm bản DOCX do hệ thống tạo")),
    })
    return form_class()


# What the detail page shows, loaded up front (no statement per task, report or file).
DETAIL_OPTIONS = (
    selectinload(Incident.tasks).selectinload(IncidentTask.assignee),
    selectinload(Incident.tasks).selectinload(IncidentTask.done_by),
    selectinload(Incident.timeline), selectinload(Incident.reports), selectinload(Incident.playbooks),
    selectinload(Incident.evidence).selectinload(Evidence.custody), selectinload(Incident.systems),
)


def response_data() -> ResponseData:
    """The playbooks folder, parsed once per folder (not per request): kept on the app, and shared
    by apps of the same process (tests build many)."""
    folder = Path(current_app.config["IR_PLAYBOOKS_DIR"]).resolve()
    cache = current_app.extensions.setdefault("ir_response_data", {})
    if folder not in cache:
        cache[folder] = incident_data.response_data(folder)
    return cache[folder]


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["IR_TIMEZONE"])


def max_upload() -> int:
    return current_app.config["IR_MAX_UPLOAD_BYTES"]


def user() -> User:
    return current_user._get_current_object()


def load_incident(incident_id: int, permission: Permission, *options) -> Incident:
    """The incident if the user may use it for ``permission`` and read it; 404 otherwise."""
    incident = db().get(Incident, incident_id, options=list(options))
    if incident is None or not can_reach_commune(current_user, incident.commune, permission) \
            or not incident_queries.may_read(user(), incident):
        abort(404)
    return incident


def load_child(model: type, object_id: int, permission: Permission):
    """A task, evidence item or report, checked through its incident."""
    obj = db().get(model, object_id)
    if obj is None:
        abort(404)
    load_incident(obj.incident_id, permission)
    return obj


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "tep"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    # content_type, not mimetype: a stored type may carry its charset already ("text/plain;
    # charset=utf-8"), and Flask would append a second one to a mimetype.
    return Response(data, content_type=mimetype, headers={"Content-Disposition": disposition})


def commune_users(commune_id: int) -> list[User]:
    """People a task can be given to: the commune's officers and staff."""
    return incident_queries.task_assignees(db(), commune_id)


def back_to(incident_id: int, anchor: str | None = None):
    return redirect(url_for("incidents.detail", incident_id=incident_id, _anchor=anchor))

"""Sự cố: the list, the phone-friendly quick report, the incident page and its actions, the
generated documents and the weekly/monthly summary."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _, lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from ir_app.i18n_markers import N_
from ir_app.models import (
    EmergencyContact,
    Evidence,
    Incident,
    IncidentReport,
    IncidentTask,
    Organisation,
    User,
    UserRole,
)
from ir_app.services import audit
from ir_app.services.incidents import data as incident_data
from ir_app.services.incidents import evidence as incident_evidence
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.incidents import record as incidents
from ir_app.services.authz import Permission, can_reach_commune, visible_commune_ids, visible_communes
from ir_app.services.errors import PermissionDenied, ServiceError, ValidationFailed
from ir_app.services.incidents.clocks import DONE, incident_clocks, overdue_incident_ids
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.documents import (
    DOCUMENT_FOR_REPORT_KIND,
    DOCUMENTS,
    document_filename,
    incident_context,
)
from ir_app.services.incidents.evidence import CUSTODY_FIELDS, CUSTODY_LABELS, EVIDENCE_FIELDS
from ir_app.services.incidents.render import render_report
from ir_app.services.incidents.summary import (
    PERIODS,
    period_of,
    summarise,
    summary_context,
    summary_xlsx,
)
from ir_app.services.incidents.record import NOTE_FIELDS, REPORT_CHANNELS, TooManyReports
from ir_app.web.access import can, page_number, require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (
    aware_moment,
    expected_version,
    fill_form,
    form_values,
    local_input,
    show_errors,
    spec_form,
)
from ir_app.web.inventory import XLSX_MIME, target_commune
from ir_app.web.pagination import paginate

bp = Blueprint("incidents", __name__, url_prefix="/incidents")

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIELD_GROUPS = (
    (N_("Thông tin ban đầu"), ("title", "category", "system_ids", "detected_at", "reporter_name", "reporter_contact",
                           "contact_person", "detection_method", "description", "current_situation",
                           "notified_parties", "technical_details", "support_request")),
    (N_("Phân loại và dấu hiệu — quyết định thời hạn báo cáo"), (
        "severity", "severity_reason", "national_security_signs", "serious_disruption", "is_cyber_incident",
        "is_complex", "beyond_capacity", "is_confidential")),
    (N_("Dữ liệu cá nhân"), ("personal_data_involved", "discovered_at", "personal_data_kinds",
                         "personal_data_subjects", "location_or_biometric")),
    (N_("Phân tích, xử lý, kết thúc"), ("cause", "impact", "measures", "resolution", "lessons_learned")),
)

NoteForm = spec_form("NoteForm", NOTE_FIELDS, versioned=False)
CustodyForm = spec_form("CustodyForm", CUSTODY_FIELDS, versioned=False)


class EvidenceForm(spec_form("EvidenceFields", EVIDENCE_FIELDS, versioned=False)):
    file = FileField(lazy_gettext("Tệp chứng cứ *"))


class TransitionForm(FlaskForm):
    action = HiddenField()
    comment = TextAreaField(lazy_gettext("Lý do"), render_kw={"rows": 2, "maxlength": 5000})
    version = HiddenField()


class ApplyPlaybookForm(FlaskForm):
    playbook_id = SelectField(lazy_gettext("Kịch bản"), choices=[], validate_choice=False)


class TaskForm(FlaskForm):
    operation = HiddenField()
    note = TextAreaField()
    na_reason = TextAreaField()
    assignee_id = SelectField(choices=[], validate_choice=False)
    due_at = StringField()
    version = HiddenField()


def report_form(clocks) -> FlaskForm:
    base = spec_form("ReportFields", incidents.report_fields(clocks), versioned=False)
    form_class = type("ReportForm", (base,), {
        # Its own id: the evidence form on the same page has a "file" field too, and a shared id
        # would tie this label to the other input.
        "file": FileField(lazy_gettext("Tệp văn bản đã gửi (bản ký, bản chụp) — nếu có"), id="report-file"),
        "attach_generated": BooleanField(lazy_gettext("Không có tệp: lưu kèm bản DOCX do hệ thống tạo")),
    })
    return form_class()


# --------------------------------------------------------------------------- helpers

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
            or not incidents.may_read(user(), incident):
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
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


def commune_users(commune_id: int) -> list[User]:
    """People a task can be given to: the commune's officers and staff."""
    query = (select(User).join(UserRole).where(User.organisation_id == commune_id, User.is_active.is_(True),
                                               UserRole.role.in_(("officer", "staff"))).order_by(User.name))
    return list(db().scalars(query).unique())


def back_to(incident_id: int, anchor: str | None = None):
    return redirect(url_for("incidents.detail", incident_id=incident_id, _anchor=anchor))


def flash_refusal(error: ServiceError) -> None:
    db().rollback()
    if isinstance(error, ValidationFailed):
        flash(" ".join(error.errors.values()), "error")
    else:
        flash(str(error), "error")


# --------------------------------------------------------------------------- list

def list_query(data: ResponseData):
    args = request.args
    visible = visible_commune_ids(current_user)
    query = (select(Incident).options(selectinload(Incident.reports), selectinload(Incident.commune))
             .order_by(Incident.detected_at.desc(), Incident.id.desc()))
    if visible is not None:
        query = query.where(Incident.commune_id.in_(visible))
    readable = incidents.readable_filter(user())
    if readable is not None:
        query = query.where(readable)
    if args.get("commune"):
        query = query.where(Incident.commune.has(Organisation.code == args["commune"][:16]))
    if args.get("state") in data.lifecycle.state_ids:
        query = query.where(Incident.state == args["state"])
    elif args.get("state") == "open":
        query = query.where(Incident.state.not_in(data.terminal_states))
    if args.get("category") in data.catalogue.category_ids:
        query = query.where(Incident.category == args["category"])
    if args.get("severity") in [level.id for level in data.catalogue.severities]:
        query = query.where(Incident.severity == args["severity"])
    if args.get("overdue"):
        query = query.where(Incident.id.in_(overdue_incident_ids(db(), now(), visible, data)))
    text = args.get("q", "").strip()[:100]
    if text:
        query = query.where(or_(func.lower(Incident.title).like(f"%{text.lower()}%"),
                                *_code_match(text)))
    return query


def _code_match(text: str) -> list:
    parts = text.upper().removeprefix("SC-").split("-")
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        return [(Incident.year == int(parts[0])) & (Incident.number == int(parts[1]))]
    return []


@bp.get("/")
@requires(Permission.VIEW)
def index():
    data = response_data()
    page = paginate(db(), list_query(data), page_number(), current_app.config["IR_PAGE_SIZE"])
    moment = now()
    next_clock = {incident.id: _next_open_clock(incident, data, moment) for incident in page.items}
    return render_template("incidents/index.html", page=page, data=data, args=request.args,
                           next_clock=next_clock, communes=visible_communes(db(), current_user))


def _next_open_clock(incident: Incident, data: ResponseData, moment):
    """The earliest report still to send, for the list's last column."""
    if not incident.is_open:
        return None
    return next((clock for clock in incident_clocks(incident, data, moment) if clock.status != DONE), None)


# --------------------------------------------------------------------------- quick report

@bp.route("/report", methods=["GET", "POST"])
@requires(Permission.REPORT_INCIDENT)
def quick_report():
    commune = target_commune(Permission.REPORT_INCIDENT)
    data = response_data()
    form = spec_form("QuickReportForm", incidents.quick_report_fields(data, incidents.commune_systems(
        db(), commune.id)), versioned=False)()
    status = 200
    if request.method == "GET":
        form.contact.data = current_user.phone
    elif form.validate_on_submit():
        try:
            incident = incidents.report_quickly(db(), actor(), user(), commune, form_values(form), now(), data,
                                                local_zone())
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
            status = 422
        except PermissionDenied:
            db().rollback()
            abort(403)
        except ServiceError as refusal:
            db().rollback()
            form.form_errors.append(str(refusal))
            status = 429 if isinstance(refusal, TooManyReports) else 409
        else:
            db().commit()
            flash(_("Đã gửi báo cáo %(code)s. Cán bộ Công an xã đã được thông báo.", code=incident.code), "success")
            return redirect(url_for("incidents.detail", incident_id=incident.id))
    return render_template("incidents/report.html", form=form, commune=commune, data=data,
                           contacts=emergency_contacts(commune.id)), status


def emergency_contacts(commune_id: int) -> list[EmergencyContact]:
    query = select(EmergencyContact).where(EmergencyContact.commune_id == commune_id).order_by(
        EmergencyContact.sort_order, EmergencyContact.name)
    return list(db().scalars(query))


# --------------------------------------------------------------------------- the incident page

DETAIL_OPTIONS = (
    selectinload(Incident.tasks).selectinload(IncidentTask.assignee),
    selectinload(Incident.tasks).selectinload(IncidentTask.done_by),
    selectinload(Incident.timeline), selectinload(Incident.reports), selectinload(Incident.playbooks),
    selectinload(Incident.evidence).selectinload(Evidence.custody), selectinload(Incident.systems),
)


@bp.get("/<int:incident_id>")
@requires(Permission.VIEW)
def detail(incident_id: int):
    return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS))


def render_detail(incident: Incident, status: int = 200, **forms: Any):
    data, moment = response_data(), now()
    clocks = incident_clocks(incident, data, moment)
    handles = can(Permission.HANDLE_INCIDENT, incident)
    options = incidents.action_options(incident, data, incidents.incident_roles(user()), moment) if handles else []
    apply_form = ApplyPlaybookForm()
    proposed = incident_tasks.proposed_playbooks(incident, data)
    applied = {pinned.playbook_id for pinned in incident.playbooks}
    others = sorted((p for p in data.playbooks.values() if p not in proposed and p.id not in applied
                     and p.status == "active"), key=lambda p: p.title)
    apply_form.playbook_id.choices = [(p.id, p.title) for p in [*proposed, *others]]
    evidence_form = forms.get("evidence_form") or EvidenceForm()
    if not evidence_form.acquired_by.data:
        evidence_form.acquired_by.data = current_user.name
    sent_form = forms.get("report_form") or _blank_report_form(clocks, moment)
    return render_template(
        "incidents/detail.html", incident=incident, data=data, clocks=clocks, options=options, now=moment,
        applicable_rules={clock.rule.id for clock in clocks},
        handles=handles, tasks_by_phase=_tasks_by_phase(incident, data), proposed=proposed,
        apply_form=apply_form, transition_form=TransitionForm(), task_form=TaskForm(),
        note_form=forms.get("note_form") or NoteForm(), evidence_form=evidence_form,
        report_form=sent_form,
        custody_forms={item.id: CustodyForm(prefix=f"custody{item.id}") for item in incident.evidence},
        custody_labels=CUSTODY_LABELS, kind_labels=CLOCK_KIND_LABELS, channels=dict(REPORT_CHANNELS),
        contacts=emergency_contacts(incident.commune_id),
        assignable=commune_users(incident.commune_id) if handles else [],
        documents=DOCUMENTS,
    ), status


def _blank_report_form(clocks, moment) -> FlaskForm:
    """Ready for the most urgent report: its clock chosen, sent "now"."""
    form = report_form(clocks)
    form.clock_rule_id.data = next((clock.rule.id for clock in clocks if clock.status != DONE), "")
    form.sent_at.data = local_input(moment)
    return form


def _tasks_by_phase(incident: Incident, data: ResponseData) -> list[tuple[Any, list[IncidentTask]]]:
    groups = [(phase, [task for task in incident.tasks if task.phase == phase.id]) for phase in data.lifecycle.phases]
    return [(phase, tasks) for phase, tasks in groups if tasks]


@bp.route("/<int:incident_id>/edit", methods=["GET", "POST"])
@requires(Permission.HANDLE_INCIDENT)
def edit(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT, selectinload(Incident.tasks),
                             selectinload(Incident.systems))
    data = response_data()
    form = spec_form("IncidentForm", incidents.incident_fields(data, incidents.commune_systems(
        db(), incident.commune_id)))()
    if request.method == "GET":
        fill_form(form, _as_form_values(incident, form.field_names))
    elif form.validate_on_submit():
        try:
            incidents.update_incident(db(), actor(), incident, form_values(form), now(), data,
                                      expected_version(form))
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
        except ServiceError as refusal:
            db().rollback()
            form.form_errors.append(str(refusal))
        else:
            db().commit()
            flash(_("Đã lưu thông tin sự cố."), "success")
            return redirect(url_for("incidents.detail", incident_id=incident.id))
    return render_template("incidents/form.html", form=form, incident=incident, groups=FIELD_GROUPS)


def _as_form_values(incident: Incident, names: list[str]) -> SimpleNamespace:
    values = {name: getattr(incident, name, None) for name in names}
    values["system_ids"] = [str(system.id) for system in incident.systems]
    values["is_cyber_incident"] = {True: "yes", False: "no"}.get(incident.is_cyber_incident, "auto")
    return SimpleNamespace(**values, version=incident.version)


@bp.post("/<int:incident_id>/transition")
@requires(Permission.HANDLE_INCIDENT)
def change_state(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = TransitionForm()
    if form.validate_on_submit():
        data = response_data()
        try:
            incidents.apply_action(db(), actor(), incident, form.action.data or "", incidents.incident_roles(user()),
                                   form.comment.data, now(), data, expected_version(form))
        except ServiceError as refusal:
            flash_refusal(refusal)
        else:
            db().commit()
            flash(_("Sự cố chuyển sang «%(state)s».", state=data.state_title(incident.state)), "success")
    return back_to(incident.id)


@bp.post("/<int:incident_id>/playbooks")
@requires(Permission.HANDLE_INCIDENT)
def apply_playbook(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = ApplyPlaybookForm()
    if form.validate_on_submit():
        try:
            pinned = incident_tasks.apply_playbook(db(), actor(), incident, form.playbook_id.data or "", now(),
                                                   response_data())
        except ServiceError as refusal:
            flash_refusal(refusal)
        else:
            db().commit()
            flash(_("Đã áp dụng kịch bản «%(title)s».", title=pinned.title), "success")
    return back_to(incident.id, "tasks")


@bp.post("/tasks/<int:task_id>")
@requires(Permission.HANDLE_INCIDENT)
def update_task(task_id: int):
    task = load_child(IncidentTask, task_id, Permission.HANDLE_INCIDENT)
    form = TaskForm()
    if form.validate_on_submit():
        raw = {"note": form.note.data, "na_reason": form.na_reason.data, "assignee_id": form.assignee_id.data,
               "due_at": aware_moment(form.due_at.data or "") or None}
        try:
            incident_tasks.update_task(db(), actor(), task, form.operation.data or "", raw, now(),
                                       expected_version(form), commune_users(task.incident.commune_id))
        except ServiceError as refusal:
            flash_refusal(refusal)
        else:
            db().commit()
            flash(_("Đã cập nhật nhiệm vụ «%(title)s».", title=task.title), "success")
    return back_to(task.incident_id, f"task-{task.id}")


@bp.post("/<int:incident_id>/notes")
@requires(Permission.HANDLE_INCIDENT)
def add_note(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            incidents.add_note(db(), actor(), incident, form_values(form), now())
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
            return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS), 422, note_form=form)
        db().commit()
        flash(_("Đã ghi diễn biến."), "success")
    return back_to(incident.id, "timeline")


@bp.post("/<int:incident_id>/evidence")
@requires(Permission.HANDLE_INCIDENT)
def add_evidence(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read() if upload else b""
        try:
            evidence = incident_evidence.add_evidence(db(), actor(), incident, form_values(form),
                                                      getattr(upload, "filename", "") or "", content, now(),
                                                      max_upload())
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
            return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS), 422,
                                 evidence_form=form)
        db().commit()
        flash(_("Đã lưu chứng cứ %(code)s (SHA-256 %(sha256)s).", code=evidence.code, sha256=evidence.sha256),
              "success")
    return back_to(incident.id, "evidence")


@bp.get("/evidence/<int:evidence_id>/file")
@requires(Permission.DOWNLOAD)
def download_evidence(evidence_id: int):
    evidence = load_child(Evidence, evidence_id, Permission.DOWNLOAD)
    audit.record(db(), actor(), "download", now=now(), object_type="incident_evidence", object_id=evidence.id,
                 commune_id=evidence.incident.commune_id,
                 summary=f"{evidence.incident.code}: tải chứng cứ {evidence.code}")
    db().commit()
    return attachment(evidence.file.data, evidence.content_type, evidence.filename)


@bp.post("/evidence/<int:evidence_id>/custody")
@requires(Permission.HANDLE_INCIDENT)
def add_custody(evidence_id: int):
    evidence = load_child(Evidence, evidence_id, Permission.HANDLE_INCIDENT)
    form = CustodyForm(prefix=f"custody{evidence.id}")
    if form.validate_on_submit():
        try:
            incident_evidence.add_custody_entry(db(), actor(), evidence, form_values(form), now())
        except ServiceError as refusal:
            flash_refusal(refusal)
        else:
            db().commit()
            flash(_("Đã ghi nhật ký quản lý chứng cứ %(code)s.", code=evidence.code), "success")
    return back_to(evidence.incident_id, f"evidence-{evidence.id}")


@bp.post("/<int:incident_id>/reports")
@requires(Permission.HANDLE_INCIDENT)
def record_report(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT, selectinload(Incident.reports))
    data, moment = response_data(), now()
    form = report_form(incident_clocks(incident, data, moment))
    if form.validate_on_submit():
        try:
            report = incidents.record_report(db(), actor(), incident, form_values(form), moment, data,
                                             _report_upload(form, incident, data), max_upload(), local_zone())
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
            return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS), 422,
                                 report_form=form)
        db().commit()
        flash(_("Đã ghi nhận: %(kind)s.", kind=_(CLOCK_KIND_LABELS[report.kind])), "success")
    return back_to(incident.id, "reports")


def _report_upload(form, incident: Incident, data: ResponseData) -> tuple[str, bytes] | None:
    """The file sent: uploaded, or the generated DOCX when asked for; None when neither."""
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        return upload.filename, upload.read()
    if not form.attach_generated.data:
        return None
    rule = data.rule(form.clock_rule_id.data)
    document = DOCUMENT_FOR_REPORT_KIND.get(form.kind.data or (rule.kind if rule else ""))
    if document is None:
        raise ValidationFailed({"attach_generated": _("Loại văn bản này chưa có mẫu DOCX; hãy tải lên tệp đã gửi.")})
    return document_filename(document, incident), _render_document(document, incident, data)


def _render_document(document: str, incident: Incident, data: ResponseData) -> bytes:
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
    content = _render_document(document, incident, response_data())
    audit.record(db(), actor(), "export", now=now(), object_type="incident", object_id=incident.id,
                 commune_id=incident.commune_id, summary=f"{incident.code}: tạo {DOCUMENTS[document].title}")
    db().commit()
    return attachment(content, DOCX_MIME, document_filename(document, incident))


# --------------------------------------------------------------------------- summary

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


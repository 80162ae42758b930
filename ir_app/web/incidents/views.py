"""Sự cố: the list, the phone-friendly quick report, the incident page and its actions, the
generated documents and the weekly/monthly summary."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ir_app.i18n_markers import N_
from ir_app.models import (
    EmergencyContact,
    Incident,
    IncidentTask,
    Organisation,
)
from ir_app.services.authz import Permission, visible_commune_ids, visible_communes
from ir_app.services.errors import PermissionDenied, ServiceError, ValidationFailed
from ir_app.services.incidents import lifecycle as incident_lifecycle
from ir_app.services.incidents import queries as incident_queries
from ir_app.services.incidents import record as incidents
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.incidents.clocks import DONE, incident_clocks, overdue_incident_ids
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.documents import (
    offered_documents,
)
from ir_app.services.incidents.evidence import CUSTODY_LABELS
from ir_app.services.incidents.record import REPORT_CHANNELS, TooManyReports
from ir_app.web.access import can, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (
    expected_version,
    fill_form,
    form_values,
    local_input,
    show_errors,
    spec_form,
)
from ir_app.web.incidents.common import (
    DETAIL_OPTIONS,
    ApplyPlaybookForm,
    CustodyForm,
    EvidenceForm,
    NoteForm,
    TaskForm,
    TransitionForm,
    back_to,
    bp,
    commune_users,
    flash_refusal,
    load_incident,
    local_zone,
    report_form,
    response_data,
    user,
)
from ir_app.web.inventory import target_commune
from ir_app.web.pagination import paginate

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


# --------------------------------------------------------------------------- helpers


# --------------------------------------------------------------------------- list

def list_query(data: ResponseData):
    args = request.args
    visible = visible_commune_ids(current_user)
    query = (select(Incident).options(selectinload(Incident.reports), selectinload(Incident.commune))
             .order_by(Incident.detected_at.desc(), Incident.id.desc()))
    if visible is not None:
        query = query.where(Incident.commune_id.in_(visible))
    readable = incident_queries.readable_filter(user())
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
    form = spec_form("QuickReportForm", incidents.quick_report_fields(data, incident_queries.commune_systems(
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


@bp.get("/<int:incident_id>")
@requires(Permission.VIEW)
def detail(incident_id: int):
    return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS))


def render_detail(incident: Incident, status: int = 200, **forms: Any):
    data, moment = response_data(), now()
    clocks = incident_clocks(incident, data, moment)
    handles = can(Permission.HANDLE_INCIDENT, incident)
    options = incident_lifecycle.action_options(incident, data, incident_queries.incident_roles(user()), moment) if handles else []
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
        documents=offered_documents(incident),
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
    form = spec_form("IncidentForm", incidents.incident_fields(data, incident_queries.commune_systems(
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
            incident_lifecycle.apply_action(db(), actor(), incident, form.action.data or "", incident_queries.incident_roles(user()),
                                   form.comment.data, now(), data, expected_version(form))
        except ServiceError as refusal:
            flash_refusal(refusal)
        else:
            db().commit()
            flash(_("Sự cố chuyển sang «%(state)s».", state=data.state_title(incident.state)), "success")
    return back_to(incident.id)


# --------------------------------------------------------------------------- summary

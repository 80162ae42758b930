"""Sự cố: the list, the phone-friendly quick report, the incident page and its actions, the
generated documents and the weekly/monthly summary."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from ir_app.i18n_markers import N_
from ir_app.models import (
    Incident,
    IncidentTask,
)
from ir_app.services.authz import Permission, commune_choices
from ir_app.services.incidents import lifecycle as incident_lifecycle
from ir_app.services.incidents import queries as incident_queries
from ir_app.services.incidents import record as incidents
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.incidents.clocks import DONE, incident_clocks
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.documents import (
    offered_documents,
)
from ir_app.services.incidents.evidence import CUSTODY_LABELS
from ir_app.services.incidents.record import REPORT_CHANNELS, TooManyReports
from ir_app.services.inventory.systems import emergency_contacts
from ir_app.services import roster
from ir_app.web.access import can, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (
    expected_version,
    fill_form,
    form_values,
    local_input,
    spec_form,
    submit,
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

@bp.get("/")
@requires(Permission.VIEW)
def index():
    data = response_data()
    communes = commune_choices(db(), current_user)
    # The commune column shows only when there are several: one commune's page needs no commune rows.
    query = incident_queries.incident_list_query(db(), user(), incident_queries.IncidentFilters.from_args(request.args),
                                                 data, now(), with_commune=len(communes) > 1)
    page = paginate(db(), query, page_number(), current_app.config["IR_PAGE_SIZE"])
    moment = now()
    next_clock = {incident.id: _next_open_clock(incident, data, moment) for incident in page.items}
    return render_template("incidents/index.html", page=page, data=data, args=request.args,
                           next_clock=next_clock, communes=communes)


def _next_open_clock(incident: Incident, data: ResponseData, moment):
    """The earliest report still to send, for the list's last column (none for a drill: a practice is
    never reported, and a finished drill would otherwise read "overdue" for ever)."""
    if not incident.is_open or incident.is_drill:
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
        outcome = submit(form, lambda: incidents.report_quickly(db(), actor(), user(), commune, form_values(form),
                                                                now(), data, local_zone()),
                         lambda incident: _("Đã gửi báo cáo %(code)s. Cán bộ Công an xã đã được thông báo.",
                                            code=incident.code))
        if outcome:
            return redirect(url_for("incidents.detail", incident_id=outcome.result.id))
        status = 429 if isinstance(outcome.refusal, TooManyReports) else outcome.status
    return render_template("incidents/report.html", form=form, commune=commune, data=data,
                           contacts=emergency_contacts(db(), commune.id), on_call=roster.on_call(db(), commune.id),
                           role_labels=roster.TEAM_ROLE_LABELS), status


# --------------------------------------------------------------------------- the incident page


@bp.get("/<int:incident_id>")
@requires(Permission.VIEW)
def detail(incident_id: int):
    return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS))


def render_detail(incident: Incident, status: int = 200, **forms: Any):
    data, moment = response_data(), now()
    clocks = incident_clocks(incident, data, moment)
    handles = can(Permission.HANDLE_INCIDENT, incident)
    roles = incident_queries.incident_roles(user())
    options = incident_lifecycle.action_options(incident, data, roles, moment) if handles else []
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
        custody_forms={item.id: CustodyForm(prefix=f"custody{item.id}") for item in incident.evidence}
        | (forms.get("custody_forms") or {}),
        custody_labels=CUSTODY_LABELS, kind_labels=CLOCK_KIND_LABELS, channels=dict(REPORT_CHANNELS),
        contacts=emergency_contacts(db(), incident.commune_id), on_call=roster.on_call(db(), incident.commune_id),
        role_labels=roster.TEAM_ROLE_LABELS,
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
    elif form.validate_on_submit() and submit(
            form, lambda: incidents.update_incident(db(), actor(), incident, form_values(form), now(), data,
                                                    expected_version(form)),
            _("Đã lưu thông tin sự cố.")):
        return redirect(url_for("incidents.detail", incident_id=incident.id))
    return render_template("incidents/form.html", form=form, incident=incident, groups=FIELD_GROUPS)


def _as_form_values(incident: Incident, names: list[str]) -> SimpleNamespace:
    values = {name: getattr(incident, name, None) for name in names}
    values["system_ids"] = [str(system.id) for system in incident.systems]
    values["is_cyber_incident"] = {True: "yes", False: "no"}.get(incident.is_cyber_incident, "auto")
    return SimpleNamespace(**values, version=incident.version)


# Closing ends the response for good (reopening needs a reason): the officer sees it once more first.
CONFIRMED_ACTIONS = ("close",)


@bp.post("/<int:incident_id>/transition")
@requires(Permission.HANDLE_INCIDENT)
def change_state(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT, selectinload(Incident.reports))
    form = TransitionForm()
    if not form.validate_on_submit():
        return back_to(incident.id)
    data = response_data()
    action, state_before = form.action.data or "", data.state_title(incident.state)

    def apply() -> str:
        incident_lifecycle.apply_action(db(), actor(), incident, action, incident_queries.incident_roles(user()),
                                        form.comment.data, now(), data, expected_version(form))
        return data.state_title(incident.state)

    if action in CONFIRMED_ACTIONS and request.form.get("confirmed") != "1":
        # Tried, not kept: the page says what the confirmed step will do.
        rehearsal = submit(form, apply, "", flash_refusal=True, rehearse=True)
        if rehearsal:
            return render_template("incidents/confirm.html", incident=incident, form=form,
                                   rule=data.lifecycle.action(action), state_before=state_before,
                                   state_after=rehearsal.result,
                                   reports=sorted(incident.reports, key=lambda r: r.sent_at),
                                   channels=dict(REPORT_CHANNELS))
        return back_to(incident.id)
    submit(form, apply, lambda state: _("Sự cố chuyển sang «%(state)s».", state=state), flash_refusal=True)
    return back_to(incident.id)


# --------------------------------------------------------------------------- summary

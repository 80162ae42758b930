"""Working an incident: playbooks and their tasks, notes, evidence with its chain of custody, reports sent."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ir_app.models import (
    Evidence,
    Incident,
    IncidentTask,
)
from ir_app.services import audit
from ir_app.services.authz import Permission
from ir_app.services.errors import ValidationFailed
from ir_app.services.incidents import evidence as incident_evidence
from ir_app.services.incidents import record as incidents
from ir_app.services.incidents import reports as incident_reports
from ir_app.services.incidents import tasks as incident_tasks
from ir_app.services.incidents.clocks import incident_clocks
from ir_app.services.incidents.data import CLOCK_KIND_LABELS, ResponseData
from ir_app.services.incidents.documents import (
    DOCUMENT_FOR_REPORT_KIND,
    document_filename,
)
from ir_app.web.access import requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (
    aware_moment,
    expected_version,
    form_values,
    submit,
)
from ir_app.web.incidents.common import (
    DETAIL_OPTIONS,
    ApplyPlaybookForm,
    CustodyForm,
    EvidenceForm,
    NoteForm,
    TaskForm,
    attachment,
    back_to,
    bp,
    commune_users,
    load_child,
    load_incident,
    local_zone,
    max_upload,
    report_form,
    response_data,
)
from ir_app.web.incidents.documents import render_incident_document
from ir_app.web.incidents.views import render_detail


@bp.post("/<int:incident_id>/playbooks")
@requires(Permission.HANDLE_INCIDENT)
def apply_playbook(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = ApplyPlaybookForm()
    if form.validate_on_submit():
        submit(form, lambda: incident_tasks.apply_playbook(db(), actor(), incident, form.playbook_id.data or "",
                                                           now(), response_data()),
               lambda pinned: _("Đã áp dụng kịch bản «%(title)s».", title=pinned.title), flash_refusal=True)
    return back_to(incident.id, "tasks")


@bp.post("/tasks/<int:task_id>")
@requires(Permission.HANDLE_INCIDENT)
def update_task(task_id: int):
    task = load_child(IncidentTask, task_id, Permission.HANDLE_INCIDENT)
    form = TaskForm()
    if form.validate_on_submit():
        raw = {"note": form.note.data, "na_reason": form.na_reason.data, "assignee_id": form.assignee_id.data,
               "due_at": aware_moment(form.due_at.data or "") or None}
        submit(form, lambda: incident_tasks.update_task(db(), actor(), task, form.operation.data or "", raw, now(),
                                                        expected_version(form), commune_users(task.incident.commune_id)),
               _("Đã cập nhật nhiệm vụ «%(title)s».", title=task.title), flash_refusal=True)
    return back_to(task.incident_id, f"task-{task.id}")


@bp.post("/<int:incident_id>/notes")
@requires(Permission.HANDLE_INCIDENT)
def add_note(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = NoteForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: incidents.add_note(db(), actor(), incident, form_values(form), now()),
                         _("Đã ghi diễn biến."))
        if not outcome:
            return render_again(incident_id, outcome, note_form=form)
    return back_to(incident.id, "timeline")


@bp.post("/<int:incident_id>/evidence")
@requires(Permission.HANDLE_INCIDENT)
def add_evidence(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read() if upload else b""
        outcome = submit(form, lambda: incident_evidence.add_evidence(
            db(), actor(), incident, form_values(form), getattr(upload, "filename", "") or "", content, now(),
            max_upload()), lambda evidence: _("Đã lưu chứng cứ %(code)s (SHA-256 %(sha256)s).",
                                              code=evidence.code, sha256=evidence.sha256))
        if not outcome:
            return render_again(incident_id, outcome, evidence_form=form)
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
        outcome = submit(form, lambda: incident_evidence.add_custody_entry(db(), actor(), evidence, form_values(form),
                                                                           now()),
                         _("Đã ghi nhật ký quản lý chứng cứ %(code)s.", code=evidence.code))
        if not outcome:  # the page again, this evidence's entry as typed, the reasons beside its fields
            return render_again(evidence.incident_id, outcome, custody_forms={evidence.id: form})
    return back_to(evidence.incident_id, f"evidence-{evidence.id}")


@bp.post("/<int:incident_id>/reports")
@requires(Permission.HANDLE_INCIDENT)
def record_report(incident_id: int):
    incident = load_incident(incident_id, Permission.HANDLE_INCIDENT, selectinload(Incident.reports))
    data, moment = response_data(), now()
    form = report_form(incident_clocks(incident, data, moment))
    if form.validate_on_submit():
        outcome = submit(form, lambda: incident_reports.record_report(
            db(), actor(), incident, form_values(form), moment, data, _report_upload(form, incident, data),
            max_upload(), local_zone()), lambda report: _("Đã ghi nhận: %(kind)s.", kind=_(CLOCK_KIND_LABELS[report.kind])))
        if not outcome:
            return render_again(incident_id, outcome, report_form=form)
    return back_to(incident.id, "reports")


def render_again(incident_id: int, outcome, **forms):
    """The incident page again, with the refused form keeping what was typed and its reasons."""
    return render_detail(load_incident(incident_id, Permission.VIEW, *DETAIL_OPTIONS), outcome.status, **forms)


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
    return document_filename(document, incident), render_incident_document(document, incident, data)

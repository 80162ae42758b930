"""Khuyến nghị, cảnh báo: the overseer issues and follows up; the commune acknowledges and answers."""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy.orm import selectinload
from wtforms import RadioField, TextAreaField

from ir_app.domain.advisories import RESPONSE_LABELS, SEVERITY_LABELS, STATUS_LABELS
from ir_app.models import Organisation, OrgKind
from ir_app.models.advisories import Advisory, AdvisoryAction
from ir_app.services import audit
from ir_app.services.advisories import answers, issue, queries
from ir_app.services.authz import Permission, has_permission, is_global, province_id_of
from ir_app.services.exports import append_row
from ir_app.services.files import safe_name, store_upload
from ir_app.services.incidents import record as incidents
from ir_app.web.access import requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, SimpleForm, choice_list, form_values, spec_form, submit
from ir_app.web.incidents.common import response_data
from ir_app.web.local_time import local_today, local_zone
from ir_app.web.page_cache import cached_html

bp = Blueprint("advisories", __name__, url_prefix="/advisories")


def _province() -> Organisation:
    """The province the signed-in overseer (or admin) issues for."""
    province_id = province_id_of(current_user)
    province = db().get(Organisation, province_id) if province_id else None
    if province is None or province.kind != OrgKind.PROVINCE:
        abort(404)
    return province


def _own_commune_id() -> int | None:
    organisation = current_user.organisation
    return organisation.id if organisation.kind == OrgKind.COMMUNE else None


def _visible(advisory_id: int) -> Advisory:
    """Admins see every advisory, overseers those of their province, a commune those sent to it;
    404 for anything else (existence does not leak)."""
    advisory = db().get(Advisory, advisory_id, options=(selectinload(Advisory.actions),))
    if advisory is None:
        abort(404)
    if is_global(current_user) or _issuer_of(advisory):
        return advisory
    commune_id = _own_commune_id()
    if commune_id is None or queries.copy_for(db(), advisory, commune_id) is None:
        abort(404)
    return advisory


def _issuer_of(advisory: Advisory) -> bool:
    return (has_permission(current_user, Permission.ISSUE_ADVISORY)
            and advisory.province_id == province_id_of(current_user))


def _labels() -> dict:
    return dict(severity_labels=SEVERITY_LABELS, status_labels=STATUS_LABELS, response_labels=RESPONSE_LABELS)


@bp.get("/")
@requires(Permission.VIEW)
def index():
    commune_id = _own_commune_id()
    copies = queries.received_by(db(), commune_id) if commune_id else []
    issued = (issue.issued_by_province(db(), province_id_of(current_user))
              if has_permission(current_user, Permission.ISSUE_ADVISORY) and province_id_of(current_user) else [])
    return render_template("advisories/index.html", copies=copies, issued=issued, today=local_today(),
                           status_of=queries.status_of, **_labels())


def _form_class(communes, kind: str):
    playbooks = tuple((key, playbook.title) for key, playbook in sorted(response_data().playbooks.items()))
    specs = issue.advisory_fields(communes, playbooks, kind)
    return spec_form("AdvisoryForm", specs, versioned=False), specs


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.ISSUE_ADVISORY)
def create():
    province = _province()
    kind = "report_request" if request.args.get("kind") == "report_request" else "advisory"
    communes = issue.province_communes(db(), province.id)
    form_class, specs = _form_class(communes, kind)
    form_class.attachment = FileField(_("Tệp đính kèm (văn bản, hướng dẫn)"))
    form = form_class()
    created = {}

    def action():
        upload = form.attachment.data
        stored = None
        if upload and upload.filename:
            stored = store_upload(db(), actor(), commune_id=None, filename=upload.filename, data=upload.read(),
                                  now=now(), field="attachment")
        draft = issue.draft_from(specs, form_values(form), communes, kind)
        created["advisory"] = issue.issue(db(), actor(), province, draft, now(), local_today(), stored)

    sent = _("Đã gửi yêu cầu báo cáo tới các xã.") if kind == "report_request" else _("Đã gửi khuyến nghị tới các xã.")
    if form.validate_on_submit() and submit(form, action, sent):
        return redirect(url_for("advisories.detail", advisory_id=created["advisory"].id))
    return render_template("advisories/form.html", form=form, province=province, kind=kind), \
        422 if request.method == "POST" else 200


@bp.get("/<int:advisory_id>")
@requires(Permission.VIEW)
def detail(advisory_id: int):
    return _detail_page(_visible(advisory_id))


def _detail_page(advisory: Advisory, refused: AnswerForm | None = None, refused_action: int | None = None):
    """The advisory; for a commune its own copy with one answer form per action (a refused one keeps
    what was typed, with the reasons); for the issuer every commune's copy."""
    commune_id = _own_commune_id()
    copy = queries.copy_for(db(), advisory, commune_id) if commune_id else None
    copies = queries.copies_of(db(), advisory) if (_issuer_of(advisory) or is_global(current_user)) else []
    answered = {row.action_id: row for row in copy.responses} if copy else {}
    forms = {}
    for item in advisory.actions:
        if refused is not None and item.id == refused_action:
            forms[item.id] = refused
            continue
        form = AnswerForm(formdata=None, prefix=f"a{item.id}")
        if item.id in answered:
            form.status.data, form.note.data = answered[item.id].status, answered[item.id].note
        forms[item.id] = form
    if advisory.is_report_request:  # a question: the answer is the text (and its files)
        for form in forms.values():
            form.note.label.text = _("Nội dung trả lời")
    return render_template("advisories/detail.html", advisory=advisory, copy=copy, copies=copies,
                           answered=answered, forms=forms, today=local_today(), status_of=queries.status_of,
                           can_answer=copy is not None and has_permission(current_user, Permission.RESPOND_ADVISORY),
                           can_report=copy is not None and has_permission(current_user, Permission.REPORT_INCIDENT),
                           action_form=SimpleForm(), **_labels()), 422 if refused is not None else 200


def _own_copy(advisory_id: int, permission: Permission):
    advisory = _visible(advisory_id)
    commune_id = _own_commune_id()
    copy = queries.copy_for(db(), advisory, commune_id) if commune_id else None
    if copy is None or not has_permission(current_user, permission):
        abort(404 if copy is None else 403)
    return advisory, copy


@bp.post("/<int:advisory_id>/acknowledge")
@requires(Permission.RESPOND_ADVISORY)
def acknowledge(advisory_id: int):
    copy = _own_copy(advisory_id, Permission.RESPOND_ADVISORY)[1]
    form = SimpleForm()
    if form.validate_on_submit():
        submit(form, lambda: answers.acknowledge(db(), actor(), copy, now()), _("Đã xác nhận đã nhận khuyến nghị."))
    return redirect(url_for("advisories.detail", advisory_id=advisory_id))


class AnswerForm(AppForm):
    status = RadioField(lazy_gettext("Kết quả"), choices=choice_list(
        (key, lazy_gettext(label)) for key, label in (("done", "Đã thực hiện"), ("not_applicable", "Không áp dụng"),
                                                     ("cannot", "Không thực hiện được"))), validate_choice=False)
    note = TextAreaField(lazy_gettext("Đã làm gì / lý do"), render_kw={"rows": 2, "maxlength": 5000})
    evidence = FileField(lazy_gettext("Bằng chứng (ảnh chụp, biên bản…)"))


@bp.post("/<int:advisory_id>/actions/<int:action_id>")
@requires(Permission.RESPOND_ADVISORY)
def answer(advisory_id: int, action_id: int):
    advisory, copy = _own_copy(advisory_id, Permission.RESPOND_ADVISORY)
    action = db().get(AdvisoryAction, action_id)
    if action is None or action.advisory_id != advisory.id:
        abort(404)
    form = AnswerForm(prefix=f"a{action.id}")

    def record():
        upload = form.evidence.data
        stored = None
        if upload and upload.filename:
            stored = store_upload(db(), actor(), commune_id=copy.commune_id, filename=upload.filename,
                                  data=upload.read(), now=now(), field="evidence")
        answers.answer(db(), actor(), copy, action, form.status.data or "", form.note.data or "", now(), stored)

    if not (form.validate_on_submit() and submit(form, record, _("Đã ghi nhận việc %(n)s.", n=action.position))):
        return _detail_page(advisory, refused=form, refused_action=action.id)
    return redirect(url_for("advisories.detail", advisory_id=advisory_id, _anchor=f"action-{action.id}"))


@bp.post("/<int:advisory_id>/incident")
@requires(Permission.REPORT_INCIDENT)
def open_incident(advisory_id: int):
    """One click: a quick report that names the advisory; the incident is linked to the copy."""
    advisory, copy = _own_copy(advisory_id, Permission.REPORT_INCIDENT)
    form = SimpleForm()
    opened = {}

    def action():
        what = f"Theo khuyến nghị {advisory.code}: {advisory.title}"
        incident = incidents.report_quickly(db(), actor(), current_user._get_current_object(), copy.commune,
                                            {"what": what, "contact": current_user.phone or ""}, now(),
                                            response_data(), local_zone())
        answers.link_incident(db(), actor(), copy, incident.id, now())
        opened["incident"] = incident

    if form.validate_on_submit() and submit(form, action, _("Đã mở sự cố từ khuyến nghị.")):
        return redirect(url_for("incidents.detail", incident_id=opened["incident"].id))
    return redirect(url_for("advisories.detail", advisory_id=advisory_id))


@bp.get("/<int:advisory_id>/attachment")
@requires(Permission.VIEW)
def attachment(advisory_id: int):
    advisory = _visible(advisory_id)
    stored = advisory.attachment
    if stored is None:
        abort(404)
    audit.record(db(), actor(), "download", now=now(), object_type="stored_file", object_id=stored.id,
                 summary=stored.filename)
    db().commit()
    return Response(stored.data, mimetype=stored.content_type, headers={
        "Content-Disposition": f"attachment; filename={safe_name(stored.filename)}",
        "X-Content-Type-Options": "nosniff"})


@bp.get("/matrix")
@requires(Permission.ISSUE_ADVISORY)
def matrix():
    province = _province()
    return render_template("advisories/matrix.html",
                           body=cached_html("advisories-matrix", lambda: _matrix_body(province), province.id))


def _matrix_body(province: Organisation) -> str:
    table = queries.province_matrix(db(), province.id, local_today())
    return render_template("advisories/_matrix_body.html", province=province, table=table, **_labels())


@bp.get("/matrix.xlsx")
@requires(Permission.ISSUE_ADVISORY)
def matrix_xlsx():
    from io import BytesIO

    from openpyxl import Workbook

    province = _province()
    table = queries.province_matrix(db(), province.id, local_today())
    book = Workbook()
    sheet = book.active
    sheet.title = "Khuyen nghi"
    append_row(sheet, ["Xã"] + [f"{item.code}: {item.title} (hạn {item.deadline:%d/%m/%Y})" for item in table.advisories])
    for commune in table.communes:
        append_row(sheet, [commune.name] + [STATUS_LABELS.get(table.cell(commune, item) or "", "—")
                                            for item in table.advisories])
    buffer = BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), headers={
        "Content-Disposition": "attachment; filename=khuyen-nghi.xlsx", "Cache-Control": "no-store"},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/<int:advisory_id>/answers.zip")
@requires(Permission.ISSUE_ADVISORY)
def answers_zip(advisory_id: int):
    """Every commune's answers in one archive: a text file per commune and the files they attached."""
    advisory = _visible(advisory_id)
    if not (_issuer_of(advisory) or is_global(current_user)):
        abort(404)
    content = answers.answers_archive(db(), advisory, queries.copies_of(db(), advisory))
    audit.record(db(), actor(), "export", now=now(), object_type="advisory", object_id=advisory.id,
                 summary=f"{advisory.code}: tải các câu trả lời (ZIP)")
    db().commit()
    return Response(content, mimetype="application/zip", headers={
        "Content-Disposition": f"attachment; filename=tra-loi-{advisory.id}.zip", "Cache-Control": "no-store"})

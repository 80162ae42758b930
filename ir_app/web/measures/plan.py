"""A dossier's protection plan as a view over measures: gaps first, one-click fixes, the row page
(its measures, "not applicable" or an explicit override with a reason)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField

from ir_app.domain.text import whole_number
from ir_app.models import Dossier, Measure, PlanItem
from ir_app.services.authz import Permission
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.measures import library as starter
from ir_app.services.measures import plan as plans
from ir_app.services.measures import register
from ir_app.web.access import database_id, load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, SimpleForm, choice_list, submit
from ir_app.web.measures.register import bp, law, library

DERIVED = ""


class OverrideForm(AppForm):
    override_status = SelectField(lazy_gettext("Tình trạng của yêu cầu"), validate_choice=False)
    override_reason = TextAreaField(lazy_gettext("Lý do (bắt buộc khi không áp dụng hoặc ghi đè)"),
                                    render_kw={"rows": 3, "maxlength": 2000})
    version = StringField(render_kw={"type": "hidden"})


def override_form() -> OverrideForm:
    form = OverrideForm()
    form.override_status.choices = choice_list(
        [(DERIVED, _("Theo tình trạng của các biện pháp (tự tính)"))]
        + [(value, _(label)) for value, label in plans.ROW_STATUS_CHOICES])
    return form


def _statuses() -> dict[str, str]:
    return {value: _(label) for value, label in plans.ROW_STATUS_CHOICES}


def _view(dossier: Dossier, with_proposals: bool = True) -> plans.PlanView:
    view = plans.plan_view(db(), dossier, law().catalogue, library() if with_proposals else None)
    if view is None:
        abort(404)  # no level yet: no plan to show
    return view


@bp.get("/dossiers/<int:dossier_id>/plan")
@requires(Permission.VIEW)
def plan(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    if not dossier.level:
        flash(_("Hồ sơ chưa có cấp độ: hãy trả lời các câu hỏi xác định cấp độ trước."), "info")
        return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    view = _view(dossier)
    return render_template("measures/plan.html", dossier=dossier, view=view, groups=view.groups(law().catalogue),
                           progress=view.progress, catalogue=law().catalogue, statuses=_statuses(),
                           labels={key: _(label) for key, label in register.STATUS_CHOICES}, form=SimpleForm())


@bp.get("/dossiers/<int:dossier_id>/plan/<requirement_id>")
@requires(Permission.VIEW)
def plan_row(dossier_id: int, requirement_id: str):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    return _render_row(dossier, requirement_id, override_form())


def _render_row(dossier: Dossier, requirement_id: str, form: OverrideForm, status: int = 200):
    view = _view(dossier)
    row = view.row(requirement_id[:32])
    if row is None:
        abort(404)
    if request.method == "GET":
        form.override_status.data = row.override_status or DERIVED
        form.override_reason.data = row.override.override_reason if row.override else ""
        item = db().scalar(select(PlanItem).where(PlanItem.dossier_id == dossier.id,
                                                  PlanItem.requirement_id == row.requirement.id))
        form.version.data = str(item.version) if item else ""
    return render_template("measures/plan_row.html", dossier=dossier, row=row, form=form, statuses=_statuses(),
                           labels={key: _(label) for key, label in register.STATUS_CHOICES},
                           entry=plans.row_entry(row), catalogue=law().catalogue, action_form=SimpleForm()), status


@bp.post("/dossiers/<int:dossier_id>/plan/<requirement_id>")
@requires(Permission.EDIT_DOSSIER)
def plan_row_override(dossier_id: int, requirement_id: str):
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    form = override_form()
    if form.validate_on_submit():
        status = form.override_status.data or None
        version = form.version.data
        if submit(form, lambda: plans.set_override(
                db(), actor(), dossier, requirement_id[:32], status, form.override_reason.data or "",
                law().catalogue, now(), whole_number(version or "")),
                _("Đã lưu tình trạng của yêu cầu.")):
            return redirect(url_for("measures.plan", dossier_id=dossier.id, _anchor=f"row-{requirement_id[:32]}"))
    return _render_row(dossier, requirement_id, form, 422)


@bp.post("/dossiers/<int:dossier_id>/plan/<requirement_id>/adopt")
@requires(Permission.EDIT_DOSSIER)
def adopt_for_row(dossier_id: int, requirement_id: str):
    """One click on a gap: adopt the proposed library measure (for this system if system-scoped)."""
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    if SimpleForm().validate_on_submit():
        try:
            measure = starter.adopt_one(db(), actor(), dossier.commune_id, library(),
                                        request.form.get("library_measure_id", "")[:64], now(), dossier.system)
        except ValidationFailed as failure:
            db().rollback()
            flash(" ".join(failure.errors.values()), "error")
        else:
            db().commit()
            flash(_("Đã áp dụng biện pháp «%(title)s» (trạng thái «Dự kiến»).", title=measure.title), "success")
    return redirect(url_for("measures.plan", dossier_id=dossier.id, _anchor="gaps"))


@bp.post("/dossiers/<int:dossier_id>/plan/<requirement_id>/measure")
@requires(Permission.EDIT_DOSSIER)
def act_on_measure(dossier_id: int, requirement_id: str):
    """One click on a gap: mark a covering measure in place, or apply one to this system too."""
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    measure = db().get(Measure, database_id(request.form.get("measure_id")) or 0)
    if measure is None or measure.commune_id != dossier.commune_id:
        abort(404)
    if SimpleForm().validate_on_submit():
        version = request.form.get("version", "")
        try:
            if request.form.get("operation") == "apply_here":
                register.add_system(db(), actor(), measure, dossier.system, now())
            else:
                register.set_status(db(), actor(), measure, "in_place", now(),
                                    whole_number(version or ""))
        except (ValidationFailed, ConflictError) as refused:
            db().rollback()
            flash(" ".join(refused.errors.values()) if isinstance(refused, ValidationFailed) else str(refused),
                  "error")
        else:
            db().commit()
            flash(_("Đã cập nhật biện pháp «%(title)s».", title=measure.title), "success")
    return redirect(url_for("measures.plan", dossier_id=dossier.id, _anchor="gaps"))


"""Kiểm tra hạ tầng buổi sáng: today's check, its history, the editable checklist, and one click
from a failed item to an incident."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, TextAreaField

from ir_app.models import CheckResult, MorningCheck
from ir_app.services import checks
from ir_app.services.authz import Permission
from ir_app.services.errors import ConflictError, ServiceError, ValidationFailed
from ir_app.web.access import can, load_scoped, page_number, requires
from ir_app.web.context import actor, db, now
from ir_app.web.filters import in_english
from ir_app.web.forms import AppForm, SimpleForm, expected_version
from ir_app.web.inventory import target_commune
from ir_app.web.local_time import local_today
from ir_app.web.pagination import paginate

bp = Blueprint("checks", __name__, url_prefix="/checks")


@bp.app_template_filter("check_label")
def check_label(label: str) -> str:
    """A default item in the page's language (the data file carries both); a commune's own item as typed."""
    return checks.english_labels().get(label, label) if in_english() else label


class MorningCheckForm(AppForm):
    """Per-item fields (status_<n>, note_<n>) are read from the request: the list is editable."""

    notes = TextAreaField(lazy_gettext("Ghi chú chung"), render_kw={"rows": 2, "maxlength": 2000})
    version = HiddenField()


class ChecklistForm(AppForm):
    items = TextAreaField(lazy_gettext("Các mục kiểm tra (mỗi dòng một mục)"), render_kw={"rows": 8, "maxlength": 8000})
    version = HiddenField()


@bp.get("/")
@requires(Permission.VIEW)
def index():
    commune = target_commune(Permission.VIEW)
    query = (select(MorningCheck).where(MorningCheck.commune_id == commune.id)
             .options(selectinload(MorningCheck.results), selectinload(MorningCheck.checked_by))
             .order_by(MorningCheck.checked_on.desc()))
    page = paginate(db(), query, page_number(), 30)
    today = checks.check_on(db(), commune.id, local_today())
    return render_template("checks/index.html", commune=commune, page=page, today_check=today)


@bp.route("/morning", methods=["GET", "POST"])
@requires(Permission.RECORD_CHECK)
def morning():
    commune = target_commune(Permission.RECORD_CHECK)
    day = local_today()
    existing = checks.check_on(db(), commune.id, day)
    labels = [result.label for result in existing.results] if existing else checks.checklist(db(), commune.id)
    form = MorningCheckForm()
    if request.method == "POST":
        items = checks.items_from_form(labels, request.form)
    elif existing:
        items = [checks.ItemState(result.label, result.is_ok, result.note) for result in existing.results]
    else:
        items = [checks.ItemState(label, True) for label in labels]
    if request.method == "GET" and existing:
        form.notes.data, form.version.data = existing.notes, str(existing.version)
    elif request.method == "GET":
        form.version.data = "0"  # none yet: a check saved meanwhile by someone else is a conflict
    if form.validate_on_submit():
        try:
            check = checks.record_check(db(), actor(), commune, items, day=day, now=now(),
                                        notes=form.notes.data or "", expected_version=expected_version(form))
        except ValidationFailed as failure:
            db().rollback()
            form.form_errors.extend(failure.errors.values())
        except ConflictError as conflict:
            db().rollback()
            form.form_errors.append(str(conflict))
        else:
            db().commit()
            flash(_("Đã lưu kết quả kiểm tra sáng nay."), "success")
            return redirect(url_for("checks.detail", check_id=check.id))
    status = 422 if form.form_errors else 200
    return render_template("checks/morning.html", commune=commune, form=form, items=items, day=day,
                           existing=existing), status


@bp.get("/<int:check_id>")
@requires(Permission.VIEW)
def detail(check_id: int):
    check = load_scoped(MorningCheck, check_id, Permission.VIEW)
    return render_template("checks/detail.html", check=check, action_form=SimpleForm(),
                           may_escalate=can(Permission.REPORT_INCIDENT, check.commune),
                           may_edit=can(Permission.RECORD_CHECK, check.commune) and check.checked_on == local_today())


@bp.route("/items", methods=["GET", "POST"])
@requires(Permission.MANAGE_SETTINGS)
def items():
    commune = target_commune(Permission.MANAGE_SETTINGS)
    form = ChecklistForm()
    if request.method == "GET":
        form.items.data = "\n".join(checks.checklist(db(), commune.id))
        form.version.data = str(checks.checklist_version(db(), commune.id))
    elif form.validate_on_submit():
        try:
            checks.save_checklist(db(), actor(), commune, form.items.data or "", now(),
                                  expected_version=expected_version(form))
        except ValidationFailed as failure:
            db().rollback()
            form.items.errors = list(failure.errors.values())
        except ConflictError as conflict:
            db().rollback()
            form.form_errors.append(str(conflict))
        else:
            db().commit()
            flash(_("Đã lưu danh mục kiểm tra buổi sáng."), "success")
            return redirect(url_for("checks.index", commune=commune.code))
    return render_template("checks/items.html", commune=commune, form=form)


@bp.post("/results/<int:result_id>/incident")
@requires(Permission.REPORT_INCIDENT)
def escalate(result_id: int):
    result = load_scoped(CheckResult, result_id, Permission.REPORT_INCIDENT)
    if not SimpleForm().validate_on_submit():
        abort(400)
    link = url_for("checks.detail", check_id=result.check_id)
    try:
        outcome = checks.create_incident_from_check_item(db(), actor(), result, now(), link=link)
    except ServiceError as error:
        db().rollback()
        flash(str(error), "error")
        return redirect(link)
    db().commit()
    if outcome.incident_id:
        flash(_("Đã tạo sự cố từ mục kiểm tra."), "success")
    else:
        flash(_("Đã báo sự cố cho %(count)s cán bộ Công an xã.", count=outcome.notified), "success")
    return redirect(link)

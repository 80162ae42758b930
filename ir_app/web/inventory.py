"""Danh mục hệ thống thông tin: list, detail, create, edit, components, XLSX."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import SelectField
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ir_app.models import InformationSystem, Organisation, SystemComponent
from ir_app.services import audit, organisations, overview
from ir_app.services.inventory import systems as inventory
from ir_app.services.inventory import xlsx as spreadsheets
from ir_app.services.authz import Permission, visible_commune_count, visible_commune_ids
from ir_app.services.errors import ValidationFailed
from ir_app.services.inventory.systems import COMPONENT_FIELDS, SYSTEM_FIELDS
from ir_app.web.access import database_id, load_scoped, page_number, require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (NO_CHOICE, AppForm, SimpleForm, choice_list, expected_version, fill_form,
                              form_values, show_errors, spec_form, submit)
from ir_app.web.pagination import paginate

bp = Blueprint("inventory", __name__, url_prefix="/systems")

class SystemForm(spec_form("SystemFields", SYSTEM_FIELDS)):  # type: ignore[misc]
    unit_id = SelectField(lazy_gettext("Đơn vị của xã quản lý hệ thống"), validate_choice=False,
                          description=lazy_gettext("Danh sách đơn vị sửa ở trang «Xã, đơn vị»."))


def system_form(commune: Organisation) -> SystemForm:
    form = SystemForm()
    form.unit_id.choices = choice_list([("", _(NO_CHOICE))] + [
        (str(unit.id), unit.name) for unit in organisations.units_of(db(), commune.id)])
    return form


def chosen_unit(form: SystemForm) -> int | None:
    """None when no unit is chosen; 0 (no such unit: refused by the service) for a forged value."""
    if not (form.unit_id.data or "").strip():
        return None
    return database_id(form.unit_id.data) or 0
ComponentForm = spec_form("ComponentForm", COMPONENT_FIELDS, versioned=False)
SYSTEM_SPECS = {spec.name: spec for spec in SYSTEM_FIELDS}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(AppForm):
    file = FileField(lazy_gettext("Tệp XLSX"))


def target_commune(permission: Permission) -> Organisation:
    """The commune named by ?commune=CODE, or the user's own commune."""
    code = request.args.get("commune", "")
    if code:
        commune = db().scalar(select(Organisation).where(Organisation.code == code[:16]))
    else:
        commune = current_user.organisation
        if commune.kind != "commune":
            abort(404)
    return require_commune(commune, permission)


def list_query(with_commune: bool = True):
    args = request.args
    query = inventory.search_systems_query(
        visible_commune_ids(current_user), args.get("q", "")[:100], args.get("system_type", "")[:32],
        args.get("status", "")[:32], args.get("level", "")[:1],
    )
    # Joined, not a second SELECT: each row has one commune, and the page's LIMIT stays on an index scan.
    return query.options(joinedload(InformationSystem.commune)) if with_commune else query


@bp.get("/")
@requires(Permission.VIEW)
def index():
    # The commune column shows only when there are several: one commune's page needs no commune rows.
    several_communes = visible_commune_count(db(), current_user) > 1
    page = paginate(db(), list_query(with_commune=several_communes), page_number(), 25)
    return render_template("inventory/index.html", page=page, specs=SYSTEM_SPECS, args=request.args,
                           several_communes=several_communes)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def create():
    commune = target_commune(Permission.EDIT_INVENTORY)
    form = system_form(commune)
    if form.validate_on_submit():
        try:
            system = inventory.create_system(db(), actor(), commune, form_values(form), now(),
                                             unit_id=chosen_unit(form))
        except ValidationFailed as failure:
            show_errors(form, failure)
        else:
            db().commit()
            flash(_("Đã thêm hệ thống thông tin."), "success")
            return redirect(url_for("inventory.detail", system_id=system.id))
    return render_template("inventory/form.html", form=form, system=None, commune=commune)


@bp.get("/<int:system_id>")
@requires(Permission.VIEW)
def detail(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.VIEW)
    return render_detail(system, ComponentForm())


def render_detail(system: InformationSystem, component_form):
    law = current_app.extensions["ir_law"]
    return render_template("inventory/detail.html", system=system, specs=SYSTEM_SPECS,
                           transition=overview.transition_deadline(system, law.default_regime),
                           component_kinds=COMPONENT_FIELDS[0], component_form=component_form,
                           action_form=SimpleForm())


@bp.route("/<int:system_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def edit(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.EDIT_INVENTORY)
    form = system_form(system.commune)
    if request.method == "GET":
        fill_form(form, system)
        form.unit_id.data = str(system.unit_id or "")
    elif form.validate_on_submit():
        if submit(form, lambda: inventory.update_system(
                db(), actor(), system, form_values(form), now(), expected_version(form),
                unit_id=chosen_unit(form)),
                  _("Đã lưu thay đổi.")):
            return redirect(url_for("inventory.detail", system_id=system.id))
    return render_template("inventory/form.html", form=form, system=system, commune=system.commune)


@bp.post("/<int:system_id>/delete")
@requires(Permission.EDIT_INVENTORY)
def delete(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.EDIT_INVENTORY)
    form = SimpleForm()
    if form.validate_on_submit():
        try:
            inventory.delete_system(db(), actor(), system, now(), None)
        except ValidationFailed as failure:
            flash(" ".join(failure.errors.values()), "error")
            return redirect(url_for("inventory.detail", system_id=system.id))
        db().commit()
        flash(_("Đã xóa hệ thống khỏi danh mục."), "success")
    return redirect(url_for("inventory.index"))


@bp.post("/<int:system_id>/components")
@requires(Permission.EDIT_INVENTORY)
def add_component(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.EDIT_INVENTORY)
    form = ComponentForm()
    if form.validate_on_submit():
        try:
            inventory.add_component(db(), actor(), system, form_values(form), now())
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
            return render_detail(system, form), 422
        db().commit()
        flash(_("Đã thêm thành phần."), "success")
    return redirect(url_for("inventory.detail", system_id=system.id, _anchor="components"))


@bp.post("/components/<int:component_id>/delete")
@requires(Permission.EDIT_INVENTORY)
def delete_component(component_id: int):
    component = load_scoped(SystemComponent, component_id, Permission.EDIT_INVENTORY)
    system_id = component.system_id
    if SimpleForm().validate_on_submit():
        inventory.delete_component(db(), actor(), component, now())
        db().commit()
        flash(_("Đã xóa thành phần."), "success")
    return redirect(url_for("inventory.detail", system_id=system_id, _anchor="components"))


@bp.get("/export.xlsx")
@requires(Permission.DOWNLOAD)
def export_xlsx():
    systems = db().scalars(list_query().limit(10_000))
    data = spreadsheets.export_systems(systems)
    audit.record(db(), actor(), "export", now=now(), object_type="information_system",
                 commune_id=current_user.organisation_id, summary="Xuất danh mục HTTT (XLSX)")
    db().commit()
    return Response(data, mimetype=XLSX_MIME,
                    headers={"Content-Disposition": "attachment; filename=danh-muc-httt.xlsx"})


@bp.get("/template.xlsx")
@requires(Permission.EDIT_INVENTORY)
def template_xlsx():
    return Response(spreadsheets.template_workbook(), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": "attachment; filename=mau-nhap-danh-muc-httt.xlsx"})


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def import_xlsx():
    commune = target_commune(Permission.EDIT_INVENTORY)
    form = ImportForm()
    errors: list[spreadsheets.CellError] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        if not data.startswith(b"PK"):
            errors = [spreadsheets.CellError(0, "tệp", _("Hãy chọn một tệp Excel .xlsx."))]
        else:
            try:
                count = spreadsheets.import_systems(db(), actor(), commune, data, now())
            except spreadsheets.ImportRejected as rejected:
                db().rollback()
                errors = rejected.errors
            else:
                db().commit()
                flash(_("Đã nhập %(count)s hệ thống.", count=count), "success")
                return redirect(url_for("inventory.index"))
    status = 422 if errors else 200
    return render_template("inventory/import.html", form=form, errors=errors, commune=commune), status

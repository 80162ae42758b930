"""Provinces, communes and the units inside a commune.

An administrator creates provinces and communes; the commune's own staff keep its details (the
letterhead of its documents) and its units (the owners and operators named in the inventory).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, StringField

from ir_app.models import Organisation, OrgKind, Unit
from ir_app.services import organisations
from ir_app.services.authz import Permission, has_permission, is_global, scope_query
from ir_app.services.errors import ServiceError
from ir_app.services.organisations import UNIT_FIELDS, organisation_fields
from ir_app.web.access import database_id, load_scoped, require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (SimpleForm, choice_list, expected_version, fill_form, form_values, spec_form,
                              submit)

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
UnitForm = spec_form("UnitForm", UNIT_FIELDS)
FORMS = {kind: spec_form(f"{kind.title()}Form", organisation_fields(kind)) for kind in OrgKind}
DETAILS_FORMS = {kind: spec_form(f"{kind.title()}DetailsForm", organisation_fields(kind, rename=False))
                 for kind in OrgKind}


class NewOrganisationMixin:
    """What only a new organisation asks: its fixed code and, for a commune, its province."""

    code = StringField(lazy_gettext("Mã đơn vị hành chính *"), render_kw={"maxlength": 16, "inputmode": "numeric"})
    province = SelectField(lazy_gettext("Thuộc tỉnh, thành phố *"), validate_choice=False)


NEW_FORMS = {kind: type(f"New{kind.title()}Form", (FORMS[kind], NewOrganisationMixin), {}) for kind in OrgKind}


def load_organisation(org_id: int, permission: Permission) -> Organisation:
    """A commune the user may reach for `permission`; a province only for administrators."""
    org = db().get(Organisation, org_id)
    if org is not None and org.kind == OrgKind.PROVINCE:
        if not is_global(current_user):
            abort(404)
        return org
    return require_commune(org, permission)


@bp.get("/")
@requires(Permission.VIEW)
def index():
    communes = select(Organisation).where(Organisation.kind == OrgKind.COMMUNE)
    communes = scope_query(communes, Organisation.id, current_user).order_by(Organisation.name)
    provinces = (list(db().scalars(select(Organisation).where(Organisation.kind == OrgKind.PROVINCE)
                                   .order_by(Organisation.name))) if is_global(current_user) else [])
    return render_template("organisations/index.html", communes=list(db().scalars(communes)),
                           provinces=provinces)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_SETTINGS)
def create():
    kind = OrgKind.PROVINCE if request.args.get("kind") == OrgKind.PROVINCE else OrgKind.COMMUNE
    form = NEW_FORMS[kind]()
    provinces = db().scalars(select(Organisation).where(Organisation.kind == OrgKind.PROVINCE)
                             .order_by(Organisation.name)).all()
    form.province.choices = choice_list((str(province.id), province.name) for province in provinces)
    if request.method == "GET":
        form.province.data = request.args.get("province", "")
    if form.validate_on_submit():
        province_id = database_id(form.province.data)
        province = db().get(Organisation, province_id) if province_id else None
        created: list[Organisation] = []
        if submit(form, lambda: created.append(organisations.create_organisation(
                db(), actor(), kind, form.code.data or "", form_values(form), now(), province)),
                  _("Đã tạo %(name)s.", name=form.name.data)):
            return redirect(url_for("organisations.detail", org_id=created[0].id))
    return render_template("organisations/form.html", form=form, org=None, kind=kind)


@bp.get("/<int:org_id>")
@requires(Permission.VIEW)
def detail(org_id: int):
    org = load_organisation(org_id, Permission.VIEW)
    if org.kind == OrgKind.PROVINCE:
        communes = db().scalars(select(Organisation).where(Organisation.parent_id == org.id)
                                .order_by(Organisation.name)).all()
        return render_template("organisations/province.html", org=org, communes=communes)
    units = organisations.units_of(db(), org.id)
    return render_template("organisations/commune.html", org=org, units=units, action_form=SimpleForm())


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def edit(org_id: int):
    org = load_organisation(org_id, Permission.EDIT_INVENTORY)
    rename = has_permission(current_user, Permission.MANAGE_SETTINGS)
    form = (FORMS if rename else DETAILS_FORMS)[org.kind]()
    if request.method == "GET":
        fill_form(form, org)
    elif form.validate_on_submit():
        if submit(form, lambda: organisations.update_organisation(db(), actor(), org, form_values(form), now(),
                                                                  expected_version(form), rename),
                  _("Đã lưu thông tin %(name)s.", name=org.full_name)):
            return redirect(url_for("organisations.detail", org_id=org.id))
    return render_template("organisations/form.html", form=form, org=org, kind=org.kind)


@bp.route("/<int:org_id>/units/new", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def create_unit(org_id: int):
    commune = require_commune(db().get(Organisation, org_id), Permission.EDIT_INVENTORY)
    form = UnitForm()
    if form.validate_on_submit():
        if submit(form, lambda: organisations.save_unit(db(), actor(), commune, form_values(form), now()),
                  _("Đã thêm đơn vị.")):
            return redirect(url_for("organisations.detail", org_id=commune.id))
    return render_template("organisations/unit_form.html", form=form, unit=None, commune=commune)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def edit_unit(unit_id: int):
    unit = load_scoped(Unit, unit_id, Permission.EDIT_INVENTORY)
    form = UnitForm()
    if request.method == "GET":
        fill_form(form, unit)
    elif form.validate_on_submit():
        if submit(form, lambda: organisations.save_unit(db(), actor(), unit.commune, form_values(form), now(),
                                                        unit=unit, expected_version=expected_version(form)),
                  _("Đã lưu đơn vị.")):
            return redirect(url_for("organisations.detail", org_id=unit.commune_id))
    return render_template("organisations/unit_form.html", form=form, unit=unit, commune=unit.commune,
                           systems=organisations.systems_of_unit(db(), unit), action_form=SimpleForm())


@bp.post("/units/<int:unit_id>/delete")
@requires(Permission.EDIT_INVENTORY)
def delete_unit(unit_id: int):
    unit = load_scoped(Unit, unit_id, Permission.EDIT_INVENTORY)
    commune_id = unit.commune_id
    if SimpleForm().validate_on_submit():
        try:
            organisations.delete_unit(db(), actor(), unit, now())
        except ServiceError as refusal:
            db().rollback()
            flash(str(refusal), "error")
        else:
            db().commit()
            flash(_("Đã xóa đơn vị."), "success")
    return redirect(url_for("organisations.detail", org_id=commune_id))

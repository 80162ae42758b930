"""Danh bạ khẩn cấp: the people to call, and a one-page printable list per commune."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ir_app.models import EmergencyContact
from ir_app.services.inventory import systems as inventory
from ir_app.services.authz import Permission
from ir_app.services.inventory.systems import CONTACT_FIELDS
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import SimpleForm, expected_version, fill_form, form_values, spec_form, submit
from ir_app.web.inventory import target_commune

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
ContactForm = spec_form("ContactForm", CONTACT_FIELDS)


@bp.get("/")
@requires(Permission.VIEW)
def index():
    commune = target_commune(Permission.VIEW)
    return render_template("contacts/index.html", commune=commune,
                           contacts=inventory.emergency_contacts(db(), commune.id), action_form=SimpleForm())


@bp.get("/print")
@requires(Permission.VIEW)
def printable():
    commune = target_commune(Permission.VIEW)
    return render_template("contacts/print.html", commune=commune,
                           contacts=inventory.emergency_contacts(db(), commune.id), printed_at=now())


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def create():
    commune = target_commune(Permission.EDIT_INVENTORY)
    form = ContactForm()
    if form.validate_on_submit():
        if submit(form, lambda: inventory.save_contact(db(), actor(), commune.id, form_values(form), now()),
                  _("Đã thêm liên hệ.")):
            return redirect(url_for("contacts.index", commune=commune.code))
    return render_template("contacts/form.html", form=form, contact=None, commune=commune)


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def edit(contact_id: int):
    contact = load_scoped(EmergencyContact, contact_id, Permission.EDIT_INVENTORY)
    form = ContactForm()
    if request.method == "GET":
        fill_form(form, contact)
    elif form.validate_on_submit():
        if submit(form, lambda: inventory.save_contact(db(), actor(), contact.commune_id, form_values(form), now(),
                                               contact=contact, expected_version=expected_version(form)),
                  _("Đã lưu liên hệ.")):
            return redirect(url_for("contacts.index", commune=contact.commune.code))
    return render_template("contacts/form.html", form=form, contact=contact, commune=contact.commune)


@bp.post("/<int:contact_id>/delete")
@requires(Permission.EDIT_INVENTORY)
def delete(contact_id: int):
    contact = load_scoped(EmergencyContact, contact_id, Permission.EDIT_INVENTORY)
    code = contact.commune.code
    if SimpleForm().validate_on_submit():
        inventory.delete_contact(db(), actor(), contact, now())
        db().commit()
        flash(_("Đã xóa liên hệ."), "success")
    return redirect(url_for("contacts.index", commune=code))

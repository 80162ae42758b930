"""Tổ ứng cứu sự cố: list, add, edit, reorder (buttons, no script) and remove the team's members."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import HiddenField

from ir_app.models import Organisation
from ir_app.models.roster import ResponseTeamMember
from ir_app.services import roster
from ir_app.services.authz import Permission
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, expected_version, fill_form, form_values, spec_form, submit
from ir_app.web.inventory import target_commune

bp = Blueprint("roster", __name__, url_prefix="/roster")


class RowForm(AppForm):
    """The buttons of one row: move up or down, remove; with the version the page showed."""

    direction = HiddenField()
    version = HiddenField()


def _member_form(commune: Organisation):
    users, contacts = roster.candidates(db(), commune.id)
    return spec_form("MemberForm", roster.member_fields(users, contacts))()


@bp.get("/")
@requires(Permission.VIEW)
def index():
    commune = target_commune(Permission.VIEW)
    return render_template("roster/index.html", commune=commune, members=roster.team_of(db(), commune.id),
                           role_labels=roster.TEAM_ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.HANDLE_INCIDENT)
def create():
    commune = target_commune(Permission.HANDLE_INCIDENT)
    form = _member_form(commune)
    status = 200
    if request.method == "GET":
        form.is_active.data = True
    elif form.validate_on_submit():
        outcome = submit(form, lambda: roster.save_member(db(), actor(), commune, form_values(form), now()),
                         _("Đã thêm thành viên tổ ứng cứu."))
        if outcome:
            return redirect(url_for("roster.index", commune=commune.code))
        status = outcome.status
    return render_template("roster/form.html", form=form, member=None, commune=commune), status


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@requires(Permission.HANDLE_INCIDENT)
def edit(member_id: int):
    member = load_scoped(ResponseTeamMember, member_id, Permission.HANDLE_INCIDENT)
    form = _member_form(member.commune)
    status = 200
    if request.method == "GET":
        fill_form(form, member)
        form.user_id.data = str(member.user_id or "")
        form.contact_id.data = str(member.contact_id or "")
    elif form.validate_on_submit():
        outcome = submit(form, lambda: roster.save_member(db(), actor(), member.commune, form_values(form), now(),
                                                          member=member, expected_version=expected_version(form)),
                         _("Đã lưu thành viên tổ ứng cứu."))
        if outcome:
            return redirect(url_for("roster.index", commune=member.commune.code))
        status = outcome.status
    return render_template("roster/form.html", form=form, member=member, commune=member.commune), status


@bp.post("/<int:member_id>/move")
@requires(Permission.HANDLE_INCIDENT)
def move(member_id: int):
    member = load_scoped(ResponseTeamMember, member_id, Permission.HANDLE_INCIDENT)
    form = RowForm()
    if form.validate_on_submit():
        submit(form, lambda: roster.move(db(), actor(), member, str(form.direction.data or ""), now(),
                                         expected_version(form)), _("Đã đổi thứ tự gọi."), flash_refusal=True)
    return redirect(url_for("roster.index", commune=member.commune.code))


@bp.post("/<int:member_id>/delete")
@requires(Permission.HANDLE_INCIDENT)
def delete(member_id: int):
    member = load_scoped(ResponseTeamMember, member_id, Permission.HANDLE_INCIDENT)
    code = member.commune.code
    form = RowForm()
    if form.validate_on_submit():
        submit(form, lambda: roster.delete_member(db(), actor(), member, now(), expected_version(form)),
               _("Đã bỏ thành viên khỏi tổ ứng cứu."), flash_refusal=True)
    return redirect(url_for("roster.index", commune=code))

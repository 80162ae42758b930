"""Mô hình hệ thống: a system's zones, components and connections; its diagram and model texts."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, TextAreaField

from ir_app.models import InformationSystem
from ir_app.services.authz import Permission
from ir_app.services.design import store
from ir_app.services.design.model import CHANNELS, MAX_ROWS, NODE_KINDS, ZONE_KINDS
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, expected_version

bp = Blueprint("design", __name__, url_prefix="/systems/<int:system_id>/design")
ROW_FIELDS = {
    "zones": ("code", "kind", "name", "note"),
    "nodes": ("code", "zone", "kind", "name", "note"),
    "links": ("source", "target", "channel", "protocol", "encrypted", "protection", "purpose"),
}
CODE_PREFIX = {"zones": "Z", "nodes": "N"}


class DesignForm(AppForm):
    version = HiddenField()
    logical_text = TextAreaField(lazy_gettext("Mô tả mô hình lô-gic (để trống: dùng đoạn văn tạo tự động)"))
    physical_text = TextAreaField(lazy_gettext("Mô tả mô hình vật lý (để trống: dùng đoạn văn tạo tự động)"))


class VersionForm(AppForm):
    version = HiddenField()


def _system(system_id: int, permission: Permission) -> InformationSystem:
    return load_scoped(InformationSystem, system_id, permission)


@bp.get("/")
@requires(Permission.VIEW)
def show(system_id: int):
    system = _system(system_id, Permission.VIEW)
    view = store.view_of(db(), system)
    version_form = VersionForm()
    version_form.version.data = str(view.saved.version) if view.saved else ""
    return render_template("design/show.html", system=system, view=view, version_form=version_form,
                           zone_kinds=ZONE_KINDS, node_kinds=NODE_KINDS, channels=CHANNELS)


@bp.get("/diagram.png")
@requires(Permission.VIEW)
def diagram(system_id: int):
    system = _system(system_id, Permission.VIEW)
    response = Response(store.view_of(db(), system).picture(), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _submitted_rows() -> dict[str, list[dict[str, str]]]:
    """Rows posted as ``zones-3-name``…, in index order; at most MAX_ROWS (+1 being added) per table."""
    rows: dict[str, list[dict[str, str]]] = {}
    for table, fields in ROW_FIELDS.items():
        found = []
        for index in range(MAX_ROWS + 1):
            values = {name: request.form.get(f"{table}-{index}-{name}", "")[:400] for name in fields}
            if f"{table}-{index}-name" in request.form or f"{table}-{index}-source" in request.form:
                found.append(values)
        rows[table] = found
    return rows


def _next_code(rows: list[dict[str, str]], prefix: str) -> str:
    taken = {row.get("code", "").strip().upper() for row in rows}
    number = len(rows) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _apply_row_action(action: str, rows: dict[str, list[dict[str, str]]]) -> bool:
    """"add:zones" adds a blank row, "remove:nodes:2" drops one; True when the action was one of these."""
    parts = action.split(":")
    table = parts[1] if len(parts) > 1 else ""
    if table not in ROW_FIELDS:
        return False
    if parts[0] == "add" and len(rows[table]) < MAX_ROWS:
        blank = dict.fromkeys(ROW_FIELDS[table], "")
        if table in CODE_PREFIX:
            blank["code"] = _next_code(rows[table], CODE_PREFIX[table])
        rows[table].append(blank)
        return True
    if parts[0] == "remove" and len(parts) == 3 and parts[2].isascii() and parts[2].isdigit():
        index = int(parts[2])
        if index < len(rows[table]):
            rows[table].pop(index)
        return True
    return parts[0] == "add"


def _rows_of(view: store.SystemDesignView) -> dict[str, list[dict[str, Any]]]:
    rows = view.design.as_rows()
    for link in rows["links"]:
        link["encrypted"] = "y" if link["encrypted"] else ""
    return rows


@bp.route("/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_INVENTORY)
def edit(system_id: int):
    system = _system(system_id, Permission.EDIT_INVENTORY)
    view = store.view_of(db(), system)
    form = DesignForm()
    errors: dict[str, str] = {}
    if request.method == "GET":
        rows = _rows_of(view)
        form.version.data = str(view.saved.version) if view.saved else ""
        form.logical_text.data = view.design.logical_text
        form.physical_text.data = view.design.physical_text
    else:
        rows = _submitted_rows()
        action = request.form.get("action", "save")[:40]
        if form.validate_on_submit() and not _apply_row_action(action, rows):
            saved = _save(system, form, rows, errors)
            if saved:
                return redirect(url_for("design.show", system_id=system.id))
    zone_choices = _code_choices(rows["zones"])
    return render_template("design/edit.html", system=system, view=view, form=form, rows=rows, errors=errors,
                           zone_kinds=ZONE_KINDS, node_kinds=NODE_KINDS, channels=CHANNELS, zone_choices=zone_choices,
                           end_choices=zone_choices | _code_choices(rows["nodes"]))


def _code_choices(rows: list[dict[str, Any]]) -> dict[str, str]:
    """What a node's zone or a connection's end may name: the codes typed in the form so far."""
    return {str(row["code"]).strip().upper(): f"{str(row['code']).strip().upper()} — {row.get('name', '')}"
            for row in rows if str(row.get("code", "")).strip()}


def _save(system: InformationSystem, form: DesignForm, rows: dict[str, list[dict[str, str]]],
          errors: dict[str, str]) -> bool:
    try:
        store.save_design(db(), actor(), system, rows["zones"], rows["nodes"], rows["links"],
                          form.logical_text.data, form.physical_text.data, now(), expected_version(form))
        db().commit()
    except ValidationFailed as failure:
        db().rollback()
        errors.update(failure.errors)
        for name in ("logical_text", "physical_text"):
            if name in failure.errors:
                form[name].errors = [failure.errors[name]]
        form.form_errors.append(_("Vui lòng sửa các ô được đánh dấu bên dưới; dữ liệu bạn đã nhập vẫn được giữ "
                                  "nguyên."))
        return False
    except (ConflictError, StaleDataError, IntegrityError):
        db().rollback()
        form.form_errors.append(str(ConflictError()))
        return False
    flash(_("Đã lưu mô hình hệ thống."), "success")
    return True


@bp.post("/starter")
@requires(Permission.EDIT_INVENTORY)
def adopt_starter(system_id: int):
    """One click: save the suggested design (or, with replace, start again from it)."""
    system = _system(system_id, Permission.EDIT_INVENTORY)
    form = VersionForm()
    if form.validate_on_submit():
        replace = request.form.get("replace") == "1"
        try:
            store.adopt_starter(db(), actor(), system, now(), replace=replace, expected_version=expected_version(form))
            db().commit()
        except (ConflictError, StaleDataError, IntegrityError):
            db().rollback()
            flash(str(ConflictError()), "error")
        else:
            flash(_("Đã lưu mô hình gợi ý; bạn có thể sửa tiếp."), "success")
    return redirect(url_for("design.show", system_id=system.id))


@bp.post("/delete")
@requires(Permission.EDIT_INVENTORY)
def delete(system_id: int):
    system = _system(system_id, Permission.EDIT_INVENTORY)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            store.delete_design(db(), actor(), system, now(), expected_version(form))
            db().commit()
        except (ConflictError, StaleDataError):
            db().rollback()
            flash(str(ConflictError()), "error")
        else:
            flash(_("Đã xóa mô hình đã lưu; trang hiển thị lại bản nháp gợi ý."), "success")
    return redirect(url_for("design.show", system_id=system.id))


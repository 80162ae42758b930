"""A newer starter library, offered measure by measure as a difference (services/measures/updates.py)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ir_app.models import Measure
from ir_app.services.authz import Permission
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.measures import updates
from ir_app.web.access import database_id, load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import SimpleForm
from ir_app.web.inventory import target_commune
from ir_app.web.measures.register import bp, library


@bp.get("/measures/library-update")
@requires(Permission.VIEW)
def library_update():
    commune = target_commune(Permission.VIEW)
    pending = updates.pending_updates(db(), commune.id, library())
    return render_template("measures/library_update.html", commune=commune, pending=pending, form=SimpleForm())


@bp.post("/measures/library-update/current")
@requires(Permission.EDIT_DOSSIER)
def library_mark_current():
    commune = target_commune(Permission.EDIT_DOSSIER)
    if SimpleForm().validate_on_submit():
        count = updates.mark_current(db(), actor(), commune, library(), now())
        db().commit()
        flash(_("Đã ghi nhận %(count)s biện pháp không thay đổi theo phiên bản mới.", count=count), "success")
    return redirect(url_for("measures.library_update", commune=commune.code))


@bp.post("/measures/<int:measure_id>/library-update")
@requires(Permission.EDIT_DOSSIER)
def library_resolve(measure_id: int):
    measure = load_scoped(Measure, measure_id, Permission.EDIT_DOSSIER)
    commune = measure.commune
    if SimpleForm().validate_on_submit():
        choice = request.form.get("choice", "")[:8]
        try:
            updates.resolve(db(), actor(), measure, library(), choice, now(),
                            database_id(request.form.get("version")))
        except (ValidationFailed, ConflictError) as refused:
            db().rollback()
            flash(" ".join(refused.errors.values()) if isinstance(refused, ValidationFailed) else str(refused),
                  "error")
        else:
            db().commit()
            flash(_("Đã dùng nội dung mới của thư viện.") if choice == "take" else _("Đã giữ nội dung của xã."),
                  "success")
    return redirect(url_for("measures.library_update", commune=commune.code, _anchor=f"m-{measure_id}"))

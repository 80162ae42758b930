"""The approver uploads the digitally signed decision of an approved dossier; the page shows who
signed, when, and whether the signature's certificate chain reaches a configured trust root."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user
from flask_babel import gettext as _, lazy_gettext
from flask_wtf.file import FileField
from wtforms import HiddenField

from ir_app.models import Dossier
from ir_app.services.authz import Permission
from ir_app.services.dossiers import signed_decision
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.web.access import load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import AppForm, expected_version

bp = Blueprint("signed_decisions", __name__)


class SignedDecisionForm(AppForm):
    signed_file = FileField(lazy_gettext("Quyết định đã ký số (PDF)"))
    version = HiddenField()


@bp.post("/dossiers/<int:dossier_id>/signed-decision")
@requires(Permission.VIEW)
def upload(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    if not signed_decision.may_attach(current_user, dossier, current_app.extensions["ir_law"]):
        abort(403)
    form = SignedDecisionForm()
    target = redirect(url_for("dossiers.detail", dossier_id=dossier.id) + "#signed-decision")
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn; hãy tải lại trang và thử lại."), "error")
        return target
    upload_file = form.signed_file.data
    if not upload_file or not upload_file.filename:
        flash(_("Hãy chọn tệp PDF quyết định đã ký số."), "error")
        return target
    try:
        checks = signed_decision.attach(
            db(), actor(), dossier, filename=upload_file.filename, data=upload_file.read(), now=now(),
            trust_roots_dir=Path(current_app.config["IR_TRUST_ROOTS_DIR"]),
            max_bytes=current_app.config["IR_MAX_UPLOAD_BYTES"], expected_version=expected_version(form))
    except ValidationFailed as failure:
        db().rollback()
        flash(" ".join(_(message) for message in failure.errors.values()), "error")
        return target
    except ConflictError as conflict:
        db().rollback()
        flash(str(conflict), "error")
        return target
    db().commit()
    status = signed_decision.overall_status(checks)
    flash(_("Đã lưu quyết định đã ký: %(status)s.", status=_(signed_decision.STATUS_LABELS[status])),
          "success" if status == signed_decision.TRUSTED else "warning")
    return target

"""Dossier records beside the workflow: stored files, periodic reviews, the commune's security policy
(Quy chế) and the requirement catalogue; on the dossiers blueprint."""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ir_app.domain.text import whole_number
from ir_app.models import Dossier, InformationSystem, SecurityPolicy, StoredFile
from ir_app.services import audit
from ir_app.services.authz import Permission
from ir_app.services.dossiers import protection
from ir_app.services.errors import ValidationFailed
from ir_app.services.files import safe_name
from ir_app.web.access import load_scoped, require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import form_values, show_errors, submit
from ir_app.web.dossiers.views import FINDING_ROWS, EvidenceForm, PolicyForm, ReviewForm, detail_page, bp, law
from ir_app.web.row_fields import read_rows, shown_rows


# --------------------------------------------------------------------------- files

@bp.get("/files/<int:file_id>")
@requires(Permission.DOWNLOAD)
def download_file(file_id: int):
    stored = load_scoped(StoredFile, file_id, Permission.DOWNLOAD)
    audit.record(db(), actor(), "download", now=now(), object_type="stored_file", object_id=stored.id,
                 commune_id=stored.commune_id, summary=stored.filename)
    db().commit()
    return Response(stored.data, mimetype=stored.content_type, headers={
        "Content-Disposition": f"attachment; filename={safe_name(stored.filename)}",
        "X-Content-Type-Options": "nosniff"})


# --------------------------------------------------------------------------- reviews and policy

@bp.post("/dossiers/<int:dossier_id>/reviews")
@requires(Permission.RECORD_REVIEW)
def add_review(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.RECORD_REVIEW)
    form, rows = ReviewForm(), read_rows(request.form, FINDING_ROWS)
    if form.validate_on_submit():
        try:
            protection.record_review(db(), actor(), dossier, form_values(form), law(), now(), rows)
        except ValidationFailed as failure:
            db().rollback()
            if findings_error := failure.errors.pop("findings", None):
                flash(findings_error, "error")
            show_errors(form, failure)
            # The page again with the review as typed, rows included (as many as the blank form draws).
            shown = shown_rows(rows, FINDING_ROWS, extra=max(1, 3 - len(rows)))
            return detail_page(dossier, status=422, review_form=form, finding_rows=shown)
        else:
            db().commit()
            flash(_("Đã ghi nhận kết quả kiểm tra, đánh giá."), "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id, _anchor="reviews"))


@bp.route("/security-policies", methods=["GET", "POST"])
@requires(Permission.VIEW)
def policies():
    from ir_app.web.inventory import target_commune

    commune = target_commune(Permission.VIEW)
    form = PolicyForm()
    evidence = EvidenceForm(prefix="policy")
    chosen = [number for value in request.form.getlist("systems") if (number := whole_number(value, 1)) is not None]
    if request.method == "POST":
        require_commune(commune, Permission.EDIT_DOSSIER)
        if form.validate_on_submit():
            upload = evidence.file.data
            attachment = (upload.filename, upload.read()) if upload and upload.filename else None
            if submit(form, lambda: protection.record_security_policy(
                    db(), actor(), commune, form_values(form), now(), attachment,
                    current_app.config["IR_MAX_UPLOAD_BYTES"], system_ids=chosen),
                    _("Đã ghi nhận Quy chế bảo đảm an ninh mạng.")):
                return redirect(url_for("dossiers.policies", commune=commune.code))
    rows = db().scalars(select(SecurityPolicy).where(SecurityPolicy.commune_id == commune.id)
                        .options(selectinload(SecurityPolicy.systems)).order_by(SecurityPolicy.issued_on.desc()))
    systems = db().scalars(select(InformationSystem).where(InformationSystem.commune_id == commune.id,
                                                           InformationSystem.status != "retired")
                           .order_by(InformationSystem.name))
    return render_template("dossiers/policies.html", commune=commune, policies=list(rows), form=form,
                           evidence=evidence, systems=list(systems), chosen=set(chosen),
                           issuers=dict(protection.POLICY_ISSUER_CHOICES))


@bp.get("/requirements")
@requires(Permission.VIEW)
def requirements():
    level = request.args.get("level", "3")
    level_number = int(level) if level in {"1", "2", "3", "4", "5"} else 3
    catalogue = law().catalogue
    return render_template("dossiers/requirements.html", catalogue=catalogue, level=level_number,
                           items=catalogue.for_level(level_number), counts=catalogue.count_by_level(),
                           keyed={item.id: _keyed_criteria(item) for item in catalogue.for_level(level_number)})


def dossier_counts(commune_ids) -> dict[int, dict[str, int]]:
    """Dossiers per commune and state, for the overview (one statement)."""
    query = select(Dossier.commune_id, Dossier.state, func.count()).group_by(Dossier.commune_id, Dossier.state)
    if commune_ids is not None:
        query = query.where(Dossier.commune_id.in_(commune_ids))
    counts: dict[int, dict[str, int]] = {}
    for commune_id, state, count in db().execute(query):
        counts.setdefault(commune_id, {})[state] = count
    return counts

def _keyed_criteria(requirement) -> list:
    """(regime, criteria) pairs a catalogue row is keyed to, for the pages that explain it."""
    return [(law().regime(regime_id), [law().regime(regime_id).criterion(c) for c in ids])
            for regime_id, ids in sorted(requirement.criteria.items(), key=lambda pair: pair[0] != "nd331-2026")
            if regime_id in law().regimes]

"""A system's risk register: the list with its level matrix, the one-click starter from the threat
catalogue, create/edit/delete a risk, and the level 4–5 detailed assessment."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField

from ir_app.documents.text import safe_filename
from ir_app.domain.risks import SCALE
from ir_app.domain.risks import propose as threats_for
from ir_app.models import InformationSystem, Organisation, User
from ir_app.models.risks import Risk
from ir_app.services import audit
from ir_app.services.authz import Permission
from ir_app.services.errors import ConflictError
from ir_app.services.measures import library as starter
from ir_app.services.measures.register import STATUS_CHOICES
from ir_app.services.risks import assessment as assessments
from ir_app.services.risks import export as spreadsheet
from ir_app.services.risks import register
from ir_app.services.risks.library import RiskLibrary, load_risk_library
from ir_app.web.access import database_id, load_scoped, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (
    NO_CHOICE,
    CheckboxListField,
    SimpleForm,
    choice_list,
    expected_version,
    fill_form,
    form_values,
    spec_form,
    submit,
)
from ir_app.web.inventory import XLSX_MIME, target_commune

bp = Blueprint("risks", __name__)
FREE_TEXT = "__free__"


class RiskForm(spec_form("RiskFields", register.RISK_FIELDS)):  # type: ignore[misc]
    threat_id = SelectField(lazy_gettext("Nguy cơ trong danh mục"), validate_choice=False)
    component_id = SelectField(lazy_gettext("Thành phần bị ảnh hưởng"), validate_choice=False)
    owner_id = SelectField(lazy_gettext("Người phụ trách xử lý"), validate_choice=False)
    measure_ids = CheckboxListField(lazy_gettext("Biện pháp xử lý rủi ro (biện pháp của xã áp dụng cho hệ thống)"),
                                    validate_choice=False)


class AssessmentForm(spec_form("AssessmentFields", assessments.ASSESSMENT_FIELDS)):  # type: ignore[misc]
    pass


def library() -> RiskLibrary:
    return load_risk_library(current_app.config["IR_LEVEL_DOSSIERS_DIR"])


def _measure_library():
    return starter.load_starter_library(current_app.config["IR_LEVEL_DOSSIERS_DIR"],
                                        current_app.extensions["ir_law"].catalogue)


def _today():
    return register.local_day(now())


def _system(system_id: int, permission: Permission) -> InformationSystem:
    return load_scoped(InformationSystem, system_id, permission,
                       options=(selectinload(InformationSystem.components),))


def _commune_users(commune: Organisation) -> list[User]:
    return list(db().scalars(select(User).where(User.organisation_id == commune.id, User.is_active.is_(True))
                             .order_by(User.name)))


def risk_form(system: InformationSystem) -> RiskForm:
    lib = library()
    form = RiskForm()
    form.threat_id.choices = choice_list([(FREE_TEXT, _("— Nguy cơ khác (tự ghi) —"))]
                                         + [(t.id, f"{t.id} — {t.title}") for t in lib.threats.threats])
    form.component_id.choices = choice_list([("", _(NO_CHOICE))]
                                            + [(str(c.id), c.name) for c in system.components])
    form.owner_id.choices = choice_list([("", _(NO_CHOICE))]
                                        + [(str(u.id), u.name) for u in _commune_users(system.commune)])
    form.measure_ids.choices = choice_list((str(m.id), m.title) for m in register.candidate_measures(db(), system))
    for name, label_of in (("likelihood", lib.likelihood_label), ("residual_likelihood", lib.likelihood_label),
                           ("impact", lib.impact_label), ("residual_impact", lib.impact_label)):
        form[name].choices = choice_list([("", _(NO_CHOICE))] + [(str(n), f"{n} — {label_of(n)}") for n in SCALE])
    return form


def _extra(form: RiskForm) -> register.RiskInput:
    threat = (form.threat_id.data or "").strip()
    component = (form.component_id.data or "").strip()
    owner = (form.owner_id.data or "").strip()
    return register.RiskInput(
        threat_id="" if threat == FREE_TEXT else threat[:64],
        component_id=(database_id(component) or 0) if component else None,
        owner_id=(database_id(owner) or 0) if owner else None,
        measure_ids=tuple(database_id(value) or 0 for value in form.measure_ids.data or []))


def _fill(form: RiskForm, risk: Risk) -> None:
    fill_form(form, risk)
    form.threat_id.data = risk.threat_id or FREE_TEXT
    form.component_id.data = str(risk.component_id or "")
    form.owner_id.data = str(risk.owner_id or "")
    form.measure_ids.data = [str(measure_id) for measure_id in risk.measure_ids]


def _prefill_from_threat(form: RiskForm, system: InformationSystem, threat_id: str) -> None:
    """A new risk from a catalogue threat starts with its text and default rating."""
    threat = library().threat(threat_id)
    form.treatment.data = "reduce"
    if threat is None:
        form.threat_id.data = FREE_TEXT
        return
    form.threat_id.data = threat.id
    form.title.data, form.description.data, form.asset.data = threat.title, threat.description, system.name
    for name, value in (("likelihood", threat.likelihood), ("impact", threat.impact),
                        ("residual_likelihood", threat.likelihood), ("residual_impact", threat.impact)):
        form[name].data = str(value)


# --------------------------------------------------------------------------- the register

@bp.get("/systems/<int:system_id>/risks")
@requires(Permission.VIEW)
def index(system_id: int):
    system = _system(system_id, Permission.VIEW)
    lib = library()
    rated = register.rated_register(db(), system.id, lib, _today())
    present = {item.risk.threat_id for item in rated if item.risk.threat_id}
    to_propose = threats_for(lib.threats.threats, lib.matrix.proposals, register.system_profile(system), present)
    return render_template("risks/index.html", system=system, rated=rated, lib=lib, scale=SCALE,
                           to_propose=len(to_propose),
                           form=SimpleForm(), treatments=dict(register.TREATMENT_SHORT), statuses=dict(STATUS_CHOICES),
                           missing_threats=[t for t in lib.threats.threats if t.id not in present],
                           assessment=assessments.assessment_of(db(), system.id),
                           incomplete=sum(1 for item in rated if not item.complete))


@bp.post("/systems/<int:system_id>/risks/propose")
@requires(Permission.EDIT_DOSSIER)
def propose(system_id: int):
    system = _system(system_id, Permission.EDIT_DOSSIER)
    if SimpleForm().validate_on_submit():
        created = register.propose_risks(db(), actor(), system, library(), _measure_library(), now())
        db().commit()
        flash(_("Đã đề xuất %(count)s rủi ro từ danh mục nguy cơ; hãy xem lại khả năng xảy ra, mức độ ảnh hưởng, "
                "biện pháp xử lý và người phụ trách của từng rủi ro.", count=len(created)), "success")
    return redirect(url_for("risks.index", system_id=system.id))


@bp.route("/systems/<int:system_id>/risks/new", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def create(system_id: int):
    system = _system(system_id, Permission.EDIT_DOSSIER)
    form = risk_form(system)
    if request.method == "GET":
        _prefill_from_threat(form, system, request.args.get("threat", "")[:64])
    elif form.validate_on_submit():
        if submit(form, lambda: register.save_risk(db(), actor(), system, form_values(form), _extra(form), library(),
                                                   now()), _("Đã thêm rủi ro.")):
            return redirect(url_for("risks.index", system_id=system.id))
    return render_template("risks/edit.html", form=form, system=system, risk=None, lib=library()), \
        (422 if form.errors or form.form_errors else 200)


@bp.route("/risks/<int:risk_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def edit(risk_id: int):
    risk = load_scoped(Risk, risk_id, Permission.EDIT_DOSSIER)
    system = _system(risk.system_id, Permission.EDIT_DOSSIER)
    form = risk_form(system)
    if request.method == "GET":
        _fill(form, risk)
    elif form.validate_on_submit():
        if submit(form, lambda: register.save_risk(db(), actor(), system, form_values(form), _extra(form), library(),
                                                   now(), risk, expected_version(form)), _("Đã lưu rủi ro.")):
            return redirect(url_for("risks.index", system_id=system.id))
    rated = register.rate(risk, library(), _today())
    return render_template("risks/edit.html", form=form, system=system, risk=risk, rated=rated, lib=library(),
                           delete_form=SimpleForm()), (422 if form.errors or form.form_errors else 200)


@bp.post("/risks/<int:risk_id>/delete")
@requires(Permission.EDIT_DOSSIER)
def delete(risk_id: int):
    risk = load_scoped(Risk, risk_id, Permission.EDIT_DOSSIER)
    system_id = risk.system_id
    if SimpleForm().validate_on_submit():
        try:
            register.delete_risk(db(), actor(), risk, now(), database_id(request.form.get("version")))
        except ConflictError as conflict:
            db().rollback()
            flash(str(conflict), "error")
            return redirect(url_for("risks.edit", risk_id=risk_id))
        db().commit()
        flash(_("Đã xóa rủi ro khỏi danh mục."), "success")
    return redirect(url_for("risks.index", system_id=system_id))


# --------------------------------------------------------------------------- level 4–5 assessment

@bp.route("/systems/<int:system_id>/risks/assessment", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def assessment(system_id: int):
    system = _system(system_id, Permission.EDIT_DOSSIER)
    record = assessments.assessment_of(db(), system.id)
    form = AssessmentForm()
    if request.method == "GET" and record is not None:
        fill_form(form, record)
    elif request.method == "POST" and form.validate_on_submit():
        if submit(form, lambda: assessments.save_assessment(db(), actor(), system, form_values(form), now(),
                                                            expected_version(form)),
                  _("Đã lưu đánh giá rủi ro chi tiết.")):
            return redirect(url_for("risks.index", system_id=system.id))
    return render_template("risks/assessment.html", form=form, system=system, record=record), \
        (422 if form.errors or form.form_errors else 200)


# --------------------------------------------------------------------------- XLSX exports

def _xlsx(risks: list[Risk], commune: Organisation, subject: str, filename: str) -> Response:
    audit.record(db(), actor(), "export", now=now(), object_type="risk", commune_id=commune.id,
                 summary=f"Xuất {len(risks)} rủi ro của {subject} (XLSX)")
    db().commit()
    return Response(spreadsheet.export_risks(risks, library(), _today()), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/systems/<int:system_id>/risks/export.xlsx")
@requires(Permission.DOWNLOAD)
def export_system(system_id: int):
    system = _system(system_id, Permission.DOWNLOAD)
    return _xlsx(register.system_risks(db(), system.id), system.commune, system.code,
                 f"rui-ro-{system.commune.slug}-{safe_filename(system.code)}.xlsx")


@bp.get("/risks/export.xlsx")
@requires(Permission.DOWNLOAD)
def export_commune():
    commune = target_commune(Permission.DOWNLOAD)
    return _xlsx(register.commune_risks(db(), commune.id), commune, commune.name, f"rui-ro-{commune.slug}.xlsx")

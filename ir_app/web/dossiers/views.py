"""Level dossiers: the wizard, the proposal, the workflow, the protection plan and reviews."""
from __future__ import annotations

from datetime import date

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _, lazy_gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField, TextAreaField

from ir_app.domain.regimes import article_sort_key
from ir_app.domain.workflow import TransitionRefused
from ir_app.models import Dossier, InformationSystem, Review, SecurityPolicy, StoredFile
from ir_app.services import audit
from ir_app.services.dossiers import lifecycle as dossiers
from ir_app.services.dossiers import protection
from ir_app.services.authz import Permission, scope_query
from ir_app.services.errors import ConflictError, ValidationFailed
from ir_app.services.fields import FieldSpec, parse_field
from ir_app.services.files import safe_name, store_upload
from ir_app.services.lawdata import LawData
from ir_app.services.measures import plan
from ir_app.web.access import load_scoped, page_number, require_commune, requires
from ir_app.web.context import actor, db, now
from ir_app.web.forms import (SimpleForm, choice_list, expected_version, form_values, show_errors,
                              spec_form, submit)
from ir_app.web.pagination import paginate

bp = Blueprint("dossiers", __name__)

ReviewForm = spec_form("ReviewForm", protection.REVIEW_FIELDS, versioned=False)
PolicyForm = spec_form("PolicyForm", protection.POLICY_FIELDS, versioned=False)
DATE_FIELD = FieldSpec("date", "Ngày", "date")


class StartForm(FlaskForm):
    regime = SelectField(lazy_gettext("Chế độ pháp lý"), validate_choice=False)


class ProposalForm(FlaskForm):
    proposed_level = SelectField(lazy_gettext("Cấp độ đề xuất"), validate_choice=False)
    justification = TextAreaField(lazy_gettext("Lý do đề xuất cấp độ cao hơn (đánh giá rủi ro, NĐ 331/2026 Đ10)"),
                                  render_kw={"rows": 3, "maxlength": 5000})
    risks = TextAreaField(lazy_gettext("Danh mục sơ bộ rủi ro an ninh mạng (Đ22.4.c) — mỗi dòng một rủi ro"),
                          render_kw={"rows": 4, "maxlength": 10000})
    parts = TextAreaField(lazy_gettext("Phân hệ có cấp độ riêng (mỗi dòng: Tên phân hệ | cấp độ | căn cứ)"),
                          render_kw={"rows": 3, "maxlength": 5000},
                          description=lazy_gettext(
                              "Hệ thống gồm nhiều phân hệ có cấp độ khác nhau thì lấy cấp độ cao nhất."))
    version = StringField(render_kw={"type": "hidden"})


class ActionForm(FlaskForm):
    comment = TextAreaField(lazy_gettext("Ý kiến / lý do"), render_kw={"rows": 2, "maxlength": 5000})
    request_number = StringField(lazy_gettext("Số công văn đề nghị thẩm định (nếu đã có)"),
                                 render_kw={"maxlength": 100})
    appraisal_number = StringField(lazy_gettext("Số văn bản ý kiến thẩm định"), render_kw={"maxlength": 100})
    appraisal_result = SelectField(lazy_gettext("Kết luận thẩm định"), validate_choice=False,
                                   choices=lambda: choice_list([("", _("— Chọn —"))] + [
                                       (value, _(label)) for value, label in dossiers.APPRAISAL_RESULTS]))
    appraisal_text = TextAreaField(lazy_gettext("Nội dung ý kiến thẩm định"), render_kw={"rows": 4, "maxlength": 20000})
    appraisal_by = StringField(lazy_gettext("Đơn vị/người thẩm định"), render_kw={"maxlength": 300})
    appraisal_on = StringField(lazy_gettext("Ngày thẩm định"), render_kw={"type": "date"})
    appraisal_file = FileField(lazy_gettext("Văn bản thẩm định (PDF, ảnh; bắt buộc với cấp độ 4–5)"))
    decision_number = StringField(lazy_gettext("Số quyết định phê duyệt"), render_kw={"maxlength": 100})
    decision_on = StringField(lazy_gettext("Ngày quyết định"), render_kw={"type": "date"})
    decision_signer = StringField(lazy_gettext("Người ký"), render_kw={"maxlength": 200})
    version = StringField(render_kw={"type": "hidden"})


class EvidenceForm(FlaskForm):
    file = FileField(lazy_gettext("Tệp minh chứng (PDF, ảnh, Word/Excel, ZIP; tối đa 10 MB)"))
    note = StringField(lazy_gettext("Ghi chú"), render_kw={"maxlength": 300})


def law() -> LawData:
    return current_app.extensions["ir_law"]


def _parse_date(value: str | None) -> date | None:
    """A bad or empty date is left empty; the workflow guard then says what is missing."""
    try:
        return parse_field(DATE_FIELD, value) if value else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- list and start

@bp.get("/dossiers/")
@requires(Permission.VIEW)
def index():
    query = select(Dossier).where(Dossier.state != "superseded").order_by(Dossier.updated_at.desc())
    query = scope_query(query, Dossier.commune_id, current_user).options(
        selectinload(Dossier.system), selectinload(Dossier.commune))
    state = request.args.get("state", "")[:32]
    if state:
        query = query.where(Dossier.state == state)
    if request.args.get("overdue"):
        query = query.where(Dossier.step_due_on < _today())
    page = paginate(db(), query, page_number(), 25)
    return render_template("dossiers/index.html", page=page, workflow=law().workflow, args=request.args,
                           today=_today())


def _today() -> date:
    from ir_app.web.filters import to_local

    return to_local(now()).date()


@bp.get("/systems/<int:system_id>/dossier")
@requires(Permission.VIEW)
def for_system(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.VIEW)
    dossier = dossiers.current_dossier(db(), system.id)
    if dossier is not None:
        return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    return render_template("dossiers/start.html", system=system, form=_start_form())


def _start_form() -> StartForm:
    form = StartForm()
    form.regime.choices = choice_list((r.id, r.title) for r in law().regimes.values())
    form.regime.data = form.regime.data or law().default_regime.id
    return form


@bp.post("/systems/<int:system_id>/dossier/start")
@requires(Permission.EDIT_DOSSIER)
def start(system_id: int):
    system = load_scoped(InformationSystem, system_id, Permission.EDIT_DOSSIER)
    form = _start_form()
    if form.validate_on_submit():
        regime = law().regimes.get(form.regime.data or "") or law().default_regime
        dossier = dossiers.start_dossier(db(), actor(), system, regime, now())
        db().commit()
        return redirect(url_for("dossiers.wizard", dossier_id=dossier.id, step_id=regime.wizard_steps[0].id))
    return redirect(url_for("dossiers.for_system", system_id=system.id))


# --------------------------------------------------------------------------- wizard

def _regime_of(dossier: Dossier):
    return law().regime(dossier.regime)


def _questions(regime, step_id: str, answers: dict) -> list:
    """The step's questions, skipping those the earlier answers make irrelevant."""
    values = {f.name: answers.get(f.name, f.default) for f in regime.input_fields}
    return [f for f in regime.input_fields if f.step == step_id and f.applies
            and (f.ask_when is None or f.ask_when.evaluate(values))]


@bp.route("/dossiers/<int:dossier_id>/wizard/<step_id>", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def wizard(dossier_id: int, step_id: str):
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    regime = _regime_of(dossier)
    steps = [step.id for step in regime.wizard_steps]
    if step_id not in steps:
        abort(404)
    form = SimpleForm()
    errors: dict[str, str] = {}
    answers = dict(dossier.answers)
    if form.validate_on_submit():
        submitted = {f.name: (request.form.getlist(f.name) if f.type == "enum_list" else request.form.get(f.name))
                     for f in _questions(regime, step_id, answers)}
        try:
            dossiers.save_answers(db(), actor(), dossier, regime, step_id, submitted, now(),
                                  _int(request.form.get("version")))
        except ValidationFailed as failure:
            db().rollback()
            errors = failure.errors
            answers.update(submitted)
        except ConflictError as conflict:
            db().rollback()
            errors = {"_": str(conflict)}
        else:
            db().commit()
            index = steps.index(step_id)
            if request.form.get("go") == "back" and index > 0:
                return redirect(url_for("dossiers.wizard", dossier_id=dossier.id, step_id=steps[index - 1]))
            if index + 1 < len(steps):
                return redirect(url_for("dossiers.wizard", dossier_id=dossier.id, step_id=steps[index + 1]))
            return redirect(url_for("dossiers.proposal", dossier_id=dossier.id))
    return render_template("dossiers/wizard.html", dossier=dossier, regime=regime, step_id=step_id, steps=steps,
                           field_articles=_field_articles(regime),
                           questions=_questions(regime, step_id, answers), answers=answers, errors=errors,
                           form=form), (422 if errors else 200)


def _field_articles(regime) -> dict[str, list[str]]:
    """Which articles each question feeds, shown next to it."""
    cited: dict[str, set[str]] = {}
    for criterion in regime.criteria:
        for name in criterion.rule.fields():
            cited.setdefault(name, set()).add(criterion.article)
    return {name: [regime.cite(a) for a in sorted(articles, key=article_sort_key)] for name, articles in cited.items()}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/dossiers/<int:dossier_id>/proposal", methods=["GET", "POST"])
@requires(Permission.EDIT_DOSSIER)
def proposal(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.EDIT_DOSSIER)
    regime = _regime_of(dossier)
    form = ProposalForm()
    form.proposed_level.choices = choice_list((str(n), _("Cấp độ %(level)s", level=n)) for n in range(1, 6))
    decision, problem = _decision(dossier, regime)
    if request.method == "GET":
        form.proposed_level.data = str(dossier.proposed_level or dossier.determined_level or "")
        form.justification.data, form.risks.data = dossier.higher_level_justification, dossier.risks
        form.parts.data = "\n".join(f"{p['name']} | {p['level']} | {p.get('ground', '')}" for p in dossier.parts or [])
        form.version.data = str(dossier.version)
    elif form.validate_on_submit():
        try:
            parsed = dossiers.Proposal(_int(form.proposed_level.data), form.justification.data or "",
                                       form.risks.data or "", dossiers.parse_parts(form.parts.data or ""))
            dossiers.save_proposal(db(), actor(), dossier, regime, parsed, now(), expected_version(form))
        except ValidationFailed as failure:
            db().rollback()
            show_errors(form, failure)
        except ConflictError as conflict:
            db().rollback()
            form.form_errors.append(str(conflict))
        else:
            db().commit()
            flash(_("Đã chốt cấp độ đề xuất: cấp độ %(level)s.", level=dossier.proposed_level), "success")
            return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    return render_template("dossiers/proposal.html", dossier=dossier, regime=regime, form=form,
                           decision=decision, problem=problem)


def _decision(dossier: Dossier, regime):
    try:
        return dossiers.decide(dossier, regime), None
    except dossiers.LevelInputError as error:
        return None, error


# --------------------------------------------------------------------------- detail and actions

@bp.get("/dossiers/<int:dossier_id>")
@requires(Permission.VIEW)
def detail(dossier_id: int):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    regime = _regime_of(dossier)
    view = plan.plan_view(db(), dossier, law().catalogue)
    reviews = list(db().scalars(select(Review).where(Review.dossier_id == dossier.id)
                                .order_by(Review.reviewed_on.desc()).options(selectinload(Review.findings))))
    return render_template(
        "dossiers/detail.html", dossier=dossier, regime=regime, workflow=law().workflow,
        actions=dossiers.actions_for(db(), current_user, dossier, law()), action_form=ActionForm(),
        progress=view.progress if view else None, reviews=reviews, review_form=ReviewForm(),
        next_review=protection.next_review_due(dossier, reviews, law()), today=_today(),
        has_policy=dossiers.has_security_policy(db(), dossier.commune_id),
        authority=regime.authority_for(dossier.level) if dossier.level else None,
        documents=regime.documents_for(dossier.level) if dossier.level else ())


@bp.post("/dossiers/<int:dossier_id>/actions/<action>")
@requires(Permission.VIEW)
def act(dossier_id: int, action: str):
    dossier = load_scoped(Dossier, dossier_id, Permission.VIEW)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        step = _step_input(form, dossier)
        dossiers.take_action(db(), current_user, actor(), dossier, action, step, law(), now(), expected_version(form))
    except TransitionRefused as refused:
        db().rollback()
        if refused.code in ("forbidden", "unknown_action"):
            abort(403 if refused.code == "forbidden" else 404)
        flash(refused.reason, "error")
    except (ValidationFailed, ConflictError) as error:
        db().rollback()
        flash(" ".join(error.errors.values()) if isinstance(error, ValidationFailed) else str(error), "error")
    else:
        db().commit()
        flash(_("Đã thực hiện: %(action)s.", action=law().workflow.rule(action).label), "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id))


def _step_input(form: ActionForm, dossier: Dossier) -> dossiers.StepInput:
    file_id = None
    upload = form.appraisal_file.data
    if upload and upload.filename:
        stored = store_upload(db(), actor(), commune_id=dossier.commune_id, filename=upload.filename,
                                         data=upload.read(), now=now(),
                                         max_bytes=current_app.config["IR_MAX_UPLOAD_BYTES"], field="appraisal_file")
        file_id = stored.id
    return dossiers.StepInput(
        comment=form.comment.data or "", request_number=form.request_number.data or "",
        appraisal_number=form.appraisal_number.data or "", appraisal_result=form.appraisal_result.data or None,
        appraisal_text=form.appraisal_text.data or "", appraisal_by=form.appraisal_by.data or "",
        appraisal_on=_parse_date(form.appraisal_on.data), appraisal_file_id=file_id,
        decision_number=form.decision_number.data or "", decision_on=_parse_date(form.decision_on.data),
        decision_signer=form.decision_signer.data or "")


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
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            protection.record_review(db(), actor(), dossier, form_values(form), law(), now())
        except ValidationFailed as failure:
            db().rollback()
            flash(" ".join(failure.errors.values()), "error")
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
    if request.method == "POST":
        require_commune(commune, Permission.EDIT_DOSSIER)
        if form.validate_on_submit():
            upload = evidence.file.data
            attachment = (upload.filename, upload.read()) if upload and upload.filename else None
            if submit(form, lambda: protection.record_security_policy(
                    db(), actor(), commune, form_values(form), now(), attachment,
                    current_app.config["IR_MAX_UPLOAD_BYTES"]), _("Đã ghi nhận Quy chế bảo đảm an ninh mạng.")):
                return redirect(url_for("dossiers.policies", commune=commune.code))
    rows = db().scalars(select(SecurityPolicy).where(SecurityPolicy.commune_id == commune.id)
                        .order_by(SecurityPolicy.issued_on.desc()))
    return render_template("dossiers/policies.html", commune=commune, policies=list(rows), form=form,
                           evidence=evidence)


@bp.get("/requirements")
@requires(Permission.VIEW)
def requirements():
    level = request.args.get("level", "3")
    level_number = int(level) if level in {"1", "2", "3", "4", "5"} else 3
    catalogue = law().catalogue
    return render_template("dossiers/requirements.html", catalogue=catalogue, level=level_number,
                           items=catalogue.for_level(level_number), counts=catalogue.count_by_level())


def dossier_counts(commune_ids) -> dict[int, dict[str, int]]:
    """Dossiers per commune and state, for the overview (one statement)."""
    query = select(Dossier.commune_id, Dossier.state, func.count()).group_by(Dossier.commune_id, Dossier.state)
    if commune_ids is not None:
        query = query.where(Dossier.commune_id.in_(commune_ids))
    counts: dict[int, dict[str, int]] = {}
    for commune_id, state, count in db().execute(query):
        counts.setdefault(commune_id, {})[state] = count
    return counts


